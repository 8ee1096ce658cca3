"""Reading structured answers: JSON extraction and validation against the schema."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from langchain_bedrock_enhanced import ConfigurationError
from langchain_bedrock_enhanced._structured import OutputSchema, extract_json

TRIP: dict[str, Any] = {
    "title": "Trip plan",
    "type": "object",
    "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}},
    "required": ["city", "days"],
}


class Person(BaseModel):
    name: str
    age: int


@pytest.mark.parametrize(
    "text",
    [
        '{"city": "Paris", "days": 3}',
        'Here you go:\n```json\n{"city": "Paris", "days": 3}\n```\nEnjoy!',
        '```\n{"city": "Paris", "days": 3}\n```',
        'Sure. {"city": "Paris", "days": 3} Anything else?',
        'The plan {not json} is {"city": "Paris", "days": 3}.',
    ],
)
def test_json_is_found_whole_fenced_or_in_prose(text: str) -> None:
    assert extract_json(text) == {"city": "Paris", "days": 3}


def test_text_without_json_is_an_error() -> None:
    with pytest.raises(ValueError, match="no JSON"):
        extract_json("I cannot help with that.")


def test_a_valid_answer_has_no_problems() -> None:
    assert OutputSchema.of(TRIP).read_text('{"city": "Rome", "days": 2}') == (
        {"city": "Rome", "days": 2},
        [],
    )


def test_each_problem_names_its_field() -> None:
    _, problems = OutputSchema.of(TRIP).read_arguments({"city": "Rome", "days": 0})
    assert problems == ["days: 0 is less than the minimum of 1"]
    _, problems = OutputSchema.of(TRIP).read_arguments({"city": "Rome"})
    assert problems == ["(root): 'days' is a required property"]


def test_a_pydantic_class_gives_an_instance_or_its_errors() -> None:
    schema = OutputSchema.of(Person)
    assert schema.read_arguments({"name": "Ada", "age": 36}) == (Person(name="Ada", age=36), [])
    _, problems = schema.read_arguments({"name": "Ada", "age": "old"})
    assert problems
    assert problems[0].startswith("age:")


def test_the_tool_name_is_safe_and_taken_from_the_title() -> None:
    assert OutputSchema.of(TRIP).as_tool()["name"] == "Trip_plan"
    assert OutputSchema.of({"type": "object"}).name == "structured_answer"


def test_the_text_instructions_carry_the_schema() -> None:
    assert '"required": ["city", "days"]' in OutputSchema.of(TRIP).instructions()


@pytest.mark.parametrize("schema", [{"type": "nonsense"}, ["not", "a", "schema"], int])
def test_an_invalid_schema_is_a_configuration_error(schema: Any) -> None:
    with pytest.raises(ConfigurationError):
        OutputSchema.of(schema)
