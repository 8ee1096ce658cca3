"""What Bedrock certainly rejects, found in LangChain messages and the Converse request."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)

from langchain_bedrock_enhanced.errors import PermanentError, RequestValidationError
from langchain_bedrock_enhanced.request_checks import (
    RequestProblem,
    first_turn_problem,
    message_problems,
    request_validation_error,
    system_problems,
    tool_config_problems,
)

LONE_HIGH = "\ud800"
LONE_LOW = "\udce9"
PAIRED = "\ud83d\ude00"  # a surrogate pair, as 😀 decoded with surrogatepass


def locations(problems: list[RequestProblem]) -> list[str]:
    return [problem.location for problem in problems]


def tool(name: object = "get_weather", schema: object = None) -> dict[str, Any]:
    json = {"type": "object", "properties": {}} if schema is None else schema
    return {"toolSpec": {"name": name, "description": "d", "inputSchema": {"json": json}}}


# Lone surrogates -------------------------------------------------------------


def test_a_lone_surrogate_in_text_content_names_the_message_and_position() -> None:
    (problem,) = message_problems([HumanMessage("fine"), HumanMessage(f"a{LONE_HIGH}b")])
    assert problem.location == "messages[1].content"
    assert "lone surrogate '\\ud800' at position 1" in problem.problem
    assert "errors='replace'" in problem.problem


def test_lone_surrogates_are_found_in_every_text_the_message_carries() -> None:
    call = {"name": "get_weather", "args": {"city": f"Par{LONE_LOW}s"}, "id": "t1"}
    messages = [
        HumanMessage([{"type": "text", "text": "ok"}, {"type": "text", "text": LONE_LOW}]),
        AIMessage("", tool_calls=[call]),
        ToolMessage(f"x{LONE_HIGH}", tool_call_id="t1"),
        HumanMessage([{"type": "text", "text": "ok", "extra": {f"k{LONE_HIGH}": LONE_LOW}}]),
    ]
    assert locations(message_problems(messages)) == [
        "messages[0].content[1].text",
        "messages[1].tool_calls[0].args.city",
        "messages[2].content",
        "messages[3].content[0].extra (key 'k\\ud800')",
        "messages[3].content[0].extra['k\\ud800']",
    ]


def test_problems_print_even_when_the_text_cannot_be_encoded() -> None:
    messages = [HumanMessage([{"type": "text", "text": LONE_LOW, LONE_HIGH: LONE_LOW}])]
    error = request_validation_error(message_problems(messages))
    str(error).encode("utf-8")


def test_surrogate_pairs_and_ordinary_text_are_fine() -> None:
    messages = [HumanMessage(f"smile {PAIRED} — ünïcødé 中文"), AIMessage("ok")]
    assert message_problems(messages) == []


def test_lone_surrogates_in_the_system_field_are_found_too() -> None:
    problems = system_problems(["fine", {"text": f"x{LONE_HIGH}"}])
    assert locations(problems) == ["system[1].text"]
    assert system_problems(None) == []


# The first turn ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "index"),
    [
        ([AIMessage("Hello")], 0),
        ([SystemMessage("Be brief."), AIMessage("Hello"), HumanMessage("Hi")], 1),
        ([AIMessageChunk(content="Hel")], 0),
    ],
)
def test_a_conversation_starting_with_an_assistant_turn_is_rejected(
    messages: list[Any], index: int
) -> None:
    problem = first_turn_problem(messages)
    assert problem is not None
    assert problem.message_index == index
    assert "start with a user message" in problem.problem


@pytest.mark.parametrize(
    "messages",
    [
        [HumanMessage("Hi"), AIMessage("Hello")],
        [SystemMessage("Be brief."), HumanMessage("Hi")],
        [ToolMessage("42", tool_call_id="t1")],
        [SystemMessage("Be brief.")],
        [],
    ],
)
def test_a_conversation_starting_with_a_user_turn_or_none_at_all_is_fine(
    messages: list[Any],
) -> None:
    assert first_turn_problem(messages) is None


# Tools ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["get weather", "", "x" * 65, "wetter.heute", "naïve", None, 7])
def test_a_tool_name_outside_bedrocks_pattern_is_rejected(name: object) -> None:
    (problem,) = tool_config_problems({"tools": [tool(name)]})
    assert problem.location == "toolConfig.tools[0].toolSpec.name"
    assert "[a-zA-Z0-9_-]+" in problem.problem


@pytest.mark.parametrize("name", ["get_weather", "Get-Weather-2", "x" * 64, "_"])
def test_a_tool_name_inside_the_pattern_is_fine(name: str) -> None:
    assert tool_config_problems({"tools": [tool(name)]}) == []


@pytest.mark.parametrize(
    ("tool_spec", "path", "text"),
    [
        (tool(schema=[1, 2]), ".inputSchema.json", "must be a JSON object (a dict), not list"),
        (tool(schema='{"type": "object"}'), ".inputSchema.json", "not str"),
        (tool(schema={"type": "string"}), ".inputSchema.json", "top-level type is 'string'"),
        ({"toolSpec": {"name": "t"}}, ".inputSchema", "needs inputSchema={'json': {...}}"),
        ({"toolSpec": {"name": "t", "inputSchema": {}}}, ".inputSchema", "needs inputSchema"),
    ],
)
def test_an_input_schema_that_is_not_a_json_object_is_rejected(
    tool_spec: dict[str, Any], path: str, text: str
) -> None:
    (problem,) = tool_config_problems({"tools": [tool_spec]})
    assert problem.location == f"toolConfig.tools[0].toolSpec{path}"
    assert text in problem.problem


def test_schemas_of_type_object_or_without_a_type_are_fine() -> None:
    config = {"tools": [tool(schema={"properties": {"a": {"type": "string"}}}), tool()]}
    assert tool_config_problems(config) == []


def test_a_forced_tool_choice_is_held_to_the_same_name_pattern() -> None:
    config = {"tools": [tool()], "toolChoice": {"tool": {"name": "get weather"}}}
    assert locations(tool_config_problems(config)) == ["toolConfig.toolChoice.tool.name"]
    assert tool_config_problems({"tools": [tool()], "toolChoice": {"any": {}}}) == []


def test_system_tools_cache_points_and_no_tools_at_all_are_not_checked() -> None:
    config = {"tools": [{"cachePoint": {"type": "default"}}, {"systemTool": {"name": "x y"}}]}
    assert tool_config_problems(config) == []
    assert tool_config_problems(None) == []
    assert tool_config_problems({}) == []


def test_a_lone_surrogate_in_a_tool_description_is_found() -> None:
    spec = tool()
    spec["toolSpec"]["description"] = f"bad {LONE_HIGH}"
    assert locations(tool_config_problems({"tools": [spec]})) == [
        "toolConfig.tools[0].toolSpec.description"
    ]


# The error --------------------------------------------------------------------


def test_the_error_lists_every_problem_and_carries_the_call_context() -> None:
    problems = [
        RequestProblem("first", message_index=0),
        RequestProblem("second", path="toolConfig.tools[0].toolSpec.name"),
    ]
    error = request_validation_error(problems, model_id="amazon.nova-lite-v1:0", region="eu-west-1")
    assert isinstance(error, RequestValidationError)
    assert isinstance(error, PermanentError)
    assert error.message == (
        "Bedrock would reject this request, so it was not sent: messages[0]: first; "
        "toolConfig.tools[0].toolSpec.name: second."
    )
    assert (error.model_id, error.region, error.error_code) == (
        "amazon.nova-lite-v1:0",
        "eu-west-1",
        "ValidationException",
    )
    assert error.request_id is None
    assert error.__cause__ is None


def test_the_error_is_still_caught_where_bedrocks_validation_exception_was() -> None:
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    error = request_validation_error(
        [RequestProblem("bad", message_index=0)],
        botocore_class=client.exceptions.ValidationException,
    )
    assert isinstance(error, client.exceptions.ValidationException)
    assert isinstance(error, ClientError)
    assert error.response["Error"] == {"Code": "ValidationException", "Message": error.message}
    assert str(error).startswith("Bedrock would reject this request")


def test_without_the_clients_class_the_error_is_a_plain_client_error() -> None:
    error = request_validation_error([RequestProblem("bad")], botocore_class=object())
    assert isinstance(error, ClientError)
    assert isinstance(error, RequestValidationError)


def test_a_problem_that_ends_a_sentence_gets_one_period() -> None:
    error = request_validation_error([RequestProblem("drop it.", message_index=0)])
    assert error.message.endswith(": messages[0]: drop it.")
