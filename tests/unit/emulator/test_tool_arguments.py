"""Tool-call inputs take the literal values the prompt states, coerced to the schema."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_bedrock_enhanced.emulator._tool_arguments import stated_values, tool_input
from langchain_bedrock_enhanced.emulator._types import ToolSpec

# The schema pydantic writes for langchain_tests' `magic_function(input: int)`.
MAGIC = ToolSpec(
    "magic_function",
    "Apply a magic function to an input.",
    {
        "type": "object",
        "properties": {
            "input": {"type": "integer", "exclusiveMinimum": -1000, "exclusiveMaximum": 1000}
        },
        "required": ["input"],
    },
)
ADDER = ToolSpec(
    "my_adder_tool",
    "Tool that adds two integers.",
    {
        "type": "object",
        "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
        "required": ["a", "b"],
    },
)
WEATHER = ToolSpec(
    "get_weather",
    "Get the current weather for a city",
    {
        "type": "object",
        "properties": {
            "location": {"type": "string", "maxLength": 20},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            "days": {"type": "integer", "minimum": 1, "maximum": 7},
            "hourly": {"type": "boolean"},
            "ratio": {"type": ["number", "null"]},
        },
        "required": ["location"],
    },
)
CUSTOMER = ToolSpec(
    "unicode_customer",
    "Tool for creating a customer with Unicode name.",
    {
        "type": "object",
        "properties": {"customer_name": {"type": "string"}, "description": {"type": "string"}},
        "required": ["customer_name", "description"],
    },
)


def _stated(tool: ToolSpec, prompt: str) -> dict[str, Any]:
    return stated_values(tool, prompt)


# --- the call-like form -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prompt",
    [
        "What is the value of magic_function(3)? Use the tool.",
        "magic_function( 3 )",
        "MAGIC_FUNCTION(input=3)",
        "magic_function(input: 3)",
        'magic_function("3")',
    ],
)
def test_a_call_like_form_gives_the_arguments(prompt: str):
    assert tool_input(MAGIC, prompt) == {"input": 3}


def test_positional_arguments_follow_the_schemas_property_order():
    assert _stated(ADDER, "my_adder_tool(1, 2)") == {"a": 1, "b": 2}


def test_keyword_and_positional_arguments_mix():
    assert _stated(ADDER, "my_adder_tool(b=1, 2)") == {"a": 2, "b": 1}


def test_an_unknown_keyword_is_ignored():
    assert _stated(ADDER, "my_adder_tool(c=9, 2)") == {"a": 2}


def test_call_arguments_of_every_type_are_coerced():
    prompt = 'get_weather("Oslo", "Celsius", 2, false, 0.5)'

    assert _stated(WEATHER, prompt) == {
        "location": "Oslo",
        "unit": "celsius",
        "days": 2,
        "hourly": False,
        "ratio": 0.5,
    }


def test_a_call_argument_with_commas_inside_quotes_stays_whole():
    assert _stated(WEATHER, 'get_weather("Paris, France")') == {"location": "Paris, France"}


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("call magic_function with 3", {"input": 3}),
        ("Use magic_function on -4, please", {"input": -4}),
    ],
)
def test_values_right_after_the_tool_name_are_positional(prompt: str, expected: dict[str, Any]):
    assert _stated(MAGIC, prompt) == expected


def test_several_values_after_the_tool_name_are_separated_by_commas_or_and():
    assert _stated(ADDER, "use my_adder_tool with 3 and 4") == {"a": 3, "b": 4}
    assert _stated(ADDER, "my_adder_tool tool with 3, 4") == {"a": 3, "b": 4}


def test_a_capitalised_place_after_the_tool_name_is_a_string_argument():
    assert _stated(WEATHER, "Use the get_weather tool for New York.") == {"location": "New York"}


# --- a value after the property's name ----------------------------------------------------------


@pytest.mark.parametrize("prompt", ["a 3 and b 4", "a=3, b=4", "a: 3; b : 4", "A is 3, b equals 4"])
def test_a_value_right_after_a_property_name_is_taken(prompt: str):
    assert _stated(ADDER, prompt) == {"a": 3, "b": 4}


@pytest.mark.parametrize(
    ("prompt", "location"),
    [
        ('location is "San Francisco"', "San Francisco"),
        ("location San Francisco, CA", "San Francisco"),
        ("location: paris", "paris"),
        ("location 'Île-de-France'", "Île-de-France"),
    ],
)
def test_a_string_after_the_name_is_quoted_capitalised_or_explicitly_introduced(
    prompt: str, location: str
):
    assert _stated(WEATHER, prompt) == {"location": location}


def test_a_lowercase_word_without_a_separator_is_not_taken_as_a_string():
    joke = ToolSpec(
        "Joke",
        "Joke to tell user.",
        {"type": "object", "properties": {"setup": {"type": "string"}}, "required": ["setup"]},
    )

    assert _stated(joke, "Give me the setup to a joke about cats") == {}


def test_a_property_is_named_by_its_words_too():
    assert _stated(CUSTOMER, "customer name: Bob, description is shy") == {
        "customer_name": "Bob",
        "description": "shy",
    }


def test_enum_and_boolean_properties_take_a_bare_word_when_it_is_allowed():
    assert _stated(WEATHER, "unit fahrenheit, hourly yes") == {"unit": "fahrenheit", "hourly": True}


def test_a_later_mention_is_used_when_the_first_one_does_not_fit():
    assert _stated(ADDER, "a customer wants a 5") == {"a": 5}


# --- quoted strings -----------------------------------------------------------------------------


def test_quoted_strings_fill_the_string_properties_still_unset_in_order():
    prompt = "Create a customer named '你好啊集团' (Hello Group) - a Chinese technology company"

    assert tool_input(CUSTOMER, prompt) == {
        "customer_name": "你好啊集团",
        "description": "description",
    }


def test_a_quoted_string_used_by_name_is_not_used_again():
    prompt = 'description "tall" and "Ann"'

    assert _stated(CUSTOMER, prompt) == {"customer_name": "Ann", "description": "tall"}


def test_apostrophes_do_not_open_quoted_strings():
    assert _stated(CUSTOMER, "What's the customer's story?") == {}


@pytest.mark.parametrize("quotes", ["\u201c\u201d", "\u2018\u2019", '""'])
def test_typographic_quotes_count(quotes: str):
    prompt = f"the name is {quotes[0]}Zoë{quotes[1]}"

    assert _stated(CUSTOMER, prompt) == {"customer_name": "Zoë"}


# --- coercion and validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("magic_function(3.0)", {"input": 3}),
        ("magic_function(3.5)", {"input": -999}),
        ("magic_function(5000)", {"input": -999}),
        ("magic_function(three)", {"input": -999}),
        ("magic_function(true)", {"input": -999}),
    ],
)
def test_a_value_that_does_not_fit_falls_back_to_the_schema_default(
    prompt: str, expected: dict[str, Any]
):
    assert tool_input(MAGIC, prompt) == expected


def test_only_allowed_enum_values_are_taken():
    assert tool_input(WEATHER, "unit kelvin")["unit"] == "celsius"


def test_bounds_and_lengths_are_checked_against_the_whole_schema():
    prompt = 'get_weather("A place with a very long name", "celsius", 9)'

    arguments = tool_input(WEATHER, prompt)

    assert arguments["location"] == "location"
    assert arguments["days"] == 1
    assert arguments["unit"] == "celsius"


def test_unstated_properties_keep_their_defaults_and_required_ones_are_present():
    arguments = tool_input(WEATHER, "What is the weather in Paris?")

    assert arguments == {
        "location": "location",
        "unit": "celsius",
        "days": 1,
        "hourly": True,
        "ratio": 1,
    }


def test_a_nullable_number_takes_null():
    assert _stated(WEATHER, "ratio: null") == {"ratio": None}


def test_arrays_take_a_list_whose_items_all_fit():
    tool = ToolSpec(
        "tag",
        "",
        {
            "type": "object",
            "properties": {
                "tags": {"type": "array", "items": {"type": "string"}},
                "sizes": {"type": "array", "items": {"type": "integer"}},
            },
        },
    )

    assert _stated(tool, 'tags: ["a", "b c"], sizes [1, 2]') == {
        "tags": ["a", "b c"],
        "sizes": [1, 2],
    }
    assert _stated(tool, "sizes [1, x]") == {}


def test_nested_objects_take_a_json_object():
    tool = ToolSpec(
        "place",
        "",
        {
            "type": "object",
            "properties": {
                "point": {
                    "type": "object",
                    "properties": {"x": {"type": "integer"}},
                    "required": ["x"],
                }
            },
        },
    )

    assert tool_input(tool, 'point = {"x": 4}') == {"point": {"x": 4}}
    assert tool_input(tool, 'point = {"y": 4}') == {"point": {"x": 1}}


def test_references_into_defs_are_followed():
    tool = ToolSpec(
        "convert",
        "",
        {
            "$defs": {"Unit": {"enum": ["celsius", "fahrenheit"]}},
            "type": "object",
            "properties": {"unit": {"$ref": "#/$defs/Unit"}},
        },
    )

    assert tool_input(tool, "convert(Fahrenheit)") == {"unit": "fahrenheit"}


def test_a_tool_without_properties_gets_an_empty_input():
    tool = ToolSpec("magic_function_no_args", "", {"type": "object", "properties": {}})

    assert tool_input(tool, "What is magic_function_no_args()?") == {}
