"""Which tool the emulator calls, and how it answers a tool's result."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_bedrock_enhanced.emulator._agent import (
    choose_tool,
    content_words,
    identifier_words,
    names_tool,
    tool_result_answer,
)
from langchain_bedrock_enhanced.emulator._types import ConversationRequest, ToolSpec

WEATHER = ToolSpec("get_weather", "Get the current weather for a city", {})
CLOCK = ToolSpec("current_time", "Current time in a time zone", {})
MAGIC = ToolSpec("magic_function", "Apply a magic function to an input.", {})
MAGIC_NO_ARGS = ToolSpec("magic_function_no_args", "Calculate a magic function.", {})
GREETER = ToolSpec(
    "greeting_generator", "Generate a greeting in a particular style of speaking.", {}
)
ADDER = ToolSpec("my_adder_tool", "Tool that adds two integers.", {})


def _user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"text": text}]}


def _request(text: str, tools: list[ToolSpec], **fields: Any) -> ConversationRequest:
    return ConversationRequest(messages=[_user(text)], tools=tools, **fields)


def _chosen(text: str, tools: list[ToolSpec], **fields: Any) -> str | None:
    tool = choose_tool(_request(text, tools, **fields))
    return None if tool is None else tool.name


def _answered_conversation(*results: dict[str, Any]) -> list[dict[str, Any]]:
    calls = [
        {"toolUse": {"toolUseId": "t1", "name": "magic_function", "input": {"input": 3}}},
        {"toolUse": {"toolUseId": "t2", "name": "get_weather", "input": {"city": "Oslo"}}},
    ]
    return [
        _user("magic_function(3), and the weather in Oslo?"),
        {"role": "assistant", "content": calls},
        {"role": "user", "content": [{"toolResult": result} for result in results]},
    ]


# --- choose_tool: auto ----------------------------------------------------------------------


def test_a_prompt_that_names_a_tool_calls_it():
    assert _chosen("Please call current_time for UTC", [WEATHER, CLOCK]) == "current_time"


@pytest.mark.parametrize("prompt", ["what does GET WEATHER say", "get_weather, please"])
def test_a_tool_is_named_by_its_words_too_in_any_case(prompt: str):
    assert _chosen(prompt, [CLOCK, WEATHER]) == "get_weather"


def test_of_two_named_tools_the_longer_name_wins():
    prompt = "What is the value of magic_function_no_args()? Use the tool."

    assert _chosen(prompt, [MAGIC, MAGIC_NO_ARGS]) == "magic_function_no_args"


def test_a_prompt_matching_a_description_calls_that_tool():
    assert _chosen("what is the weather in Paris?", [CLOCK, WEATHER]) == "get_weather"


def test_the_tool_sharing_more_words_with_the_prompt_wins():
    prompt = "What time is it in the time zone of Tokyo, and what is the weather?"

    assert _chosen(prompt, [WEATHER, CLOCK]) == "current_time"


def test_a_tie_goes_to_the_tool_offered_first():
    both = "weather and time"

    assert _chosen(both, [WEATHER, CLOCK]) == "get_weather"
    assert _chosen(both, [CLOCK, WEATHER]) == "current_time"


def test_plural_words_match_singular_ones():
    assert _chosen("Generate some greetings in a pirate style", [WEATHER, GREETER]) == (
        "greeting_generator"
    )


@pytest.mark.parametrize(
    "prompt", ["Tell me a story", "What is 1 + 2", "toolbox and weathering", "Hello!"]
)
def test_a_prompt_that_neither_names_nor_matches_a_tool_gets_text(prompt: str):
    assert _chosen(prompt, [WEATHER, CLOCK, ADDER]) is None


def test_words_every_tool_description_shares_do_not_match():
    # "use", "tool", "value", "get", "function" are in the stop words.
    assert _chosen("Get the value; use a function", [MAGIC_NO_ARGS]) is None


def test_a_prompt_asking_for_a_tool_by_that_word_calls_the_first_tool():
    assert _chosen("Use a tool to find out", [WEATHER, CLOCK]) == "get_weather"


def test_the_answer_to_a_tool_result_is_text_even_if_the_prompt_named_the_tool():
    request = ConversationRequest(
        messages=_answered_conversation({"toolUseId": "t1", "content": [{"text": "5"}]}),
        tools=[MAGIC],
    )

    assert choose_tool(request) is None


def test_no_tools_means_no_call():
    assert _chosen("call get_weather", []) is None


# --- choose_tool: any and tool ----------------------------------------------------------------


def test_any_calls_the_matching_tool():
    assert _chosen("what time is it?", [WEATHER, CLOCK], tool_choice="any") == "current_time"


def test_any_calls_the_first_tool_when_nothing_matches():
    assert _chosen("Hello!", [WEATHER, CLOCK], tool_choice="any") == "get_weather"


def test_any_calls_a_tool_even_after_a_tool_result():
    request = ConversationRequest(
        messages=_answered_conversation({"toolUseId": "t1", "content": [{"text": "5"}]}),
        tools=[MAGIC],
        tool_choice="any",
    )

    assert choose_tool(request) == MAGIC


def test_tool_choice_tool_calls_the_named_tool_whatever_the_prompt_says():
    chosen = _chosen(
        "what is the weather?",
        [WEATHER, CLOCK],
        tool_choice="tool",
        tool_choice_name="current_time",
    )

    assert chosen == "current_time"


# --- the words ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("get_weather", ["get", "weather"]),
        ("getWeatherForCity", ["get", "weather", "for", "city"]),
        ("HTTPServer", ["http", "server"]),
        ("fetch-page2", ["fetch", "page", "2"]),
        ("Joke", ["joke"]),
    ],
)
def test_identifiers_split_at_underscores_hyphens_digits_and_humps(name: str, words: list[str]):
    assert identifier_words(name) == words


def test_content_words_drop_stop_words_numbers_and_plural_s():
    assert content_words("Tell me 2 jokes about the cats, please!") == {"joke", "cat"}


def test_content_words_keep_double_s_and_short_words():
    assert content_words("glass bus") == {"glass", "bus"}


def test_a_name_inside_a_longer_identifier_is_not_named():
    assert not names_tool("use magic_function_no_args", "magic_function")
    assert not names_tool("use pre-magic_function", "magic_function")


# --- tool_result_answer -------------------------------------------------------------------------


def test_a_result_is_reported_with_the_name_of_the_tool_that_was_called():
    messages = _answered_conversation({"toolUseId": "t1", "content": [{"json": 5}]})

    assert tool_result_answer(messages) == "The result of magic_function is 5."


def test_each_result_gets_its_own_sentence_in_order():
    messages = _answered_conversation(
        {"toolUseId": "t2", "content": [{"text": "It's sunny."}]},
        {"toolUseId": "t1", "content": [{"json": {"value": 5}}]},
    )

    assert tool_result_answer(messages) == (
        'The result of get_weather is It\'s sunny. The result of magic_function is {"value":5}.'
    )


def test_an_error_result_is_reported_as_a_failure():
    messages = _answered_conversation(
        {"toolUseId": "t1", "status": "error", "content": [{"text": "Missing argument 'b'"}]}
    )

    assert tool_result_answer(messages) == "magic_function failed: Missing argument 'b'."


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ([{"image": {"format": "png", "source": {"bytes": b""}}}], "an image"),
        ([{"document": {"name": "report", "format": "pdf"}}], "a document named report"),
        ([], "empty"),
        ([{"text": "two\n  lines"}], "two lines"),
    ],
)
def test_results_without_plain_text_are_described(content: list[dict[str, Any]], said: str):
    messages = _answered_conversation({"toolUseId": "t1", "content": content})

    assert tool_result_answer(messages) == f"The result of magic_function is {said}."


def test_a_result_for_an_unknown_call_names_the_tool_generically():
    messages = [_user("hi"), {"role": "user", "content": [{"toolResult": {"toolUseId": "x"}}]}]

    assert tool_result_answer(messages) == "The result of the tool is empty."


def test_a_turn_without_tool_results_has_no_answer():
    assert tool_result_answer([_user("What is the weather?")]) is None
