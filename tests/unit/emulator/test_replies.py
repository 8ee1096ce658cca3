"""Converse request parsing, capability checks, deterministic replies and their rendering."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore import parsers
from hypothesis import given
from hypothesis import strategies as st

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._eventstream import encode_event
from langchain_bedrock_enhanced.emulator._replies import (
    check_capabilities,
    converse_response,
    converse_stream_events,
    count_input_tokens,
    generate_reply,
    parse_converse_request,
    rejects_temperature_with_top_p,
    token_pieces,
)
from langchain_bedrock_enhanced.emulator._types import (
    ConversationRequest,
    EmulatedError,
    ModelSpec,
    Reply,
    ToolSpec,
    ToolUseBlock,
)

SONNET = ModelSpec(
    model_id="anthropic.claude-sonnet-4-5-20250929-v1:0",
    name="Claude Sonnet 4.5",
    provider="Anthropic",
    family="claude",
    regions=frozenset({"us-east-1"}),
    max_output_tokens=64_000,
)
MISTRAL_7B = ModelSpec(
    model_id="mistral.mistral-7b-instruct-v0:2",
    name="Mistral 7B Instruct",
    provider="Mistral AI",
    family="mistral",
    regions=frozenset({"us-east-1"}),
    max_output_tokens=8192,
    system_prompts=False,
    tool_use=False,
    streaming_tool_use=False,
    tool_choice=(),
)
LLAMA_33 = ModelSpec(
    model_id="meta.llama3-3-70b-instruct-v1:0",
    name="Llama 3.3 70B Instruct",
    provider="Meta",
    family="llama",
    regions=frozenset({"us-east-1"}),
    max_output_tokens=8192,
    streaming_tool_use=False,
    tool_choice=("auto",),
)
WEATHER = ToolSpec(
    name="get_weather",
    description="Current weather for a city",
    input_schema={
        "type": "object",
        "properties": {
            "city": {"type": "string"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["city"],
    },
)
CLOCK = ToolSpec(
    name="current_time",
    description="Current time in a zone",
    input_schema={
        "type": "object",
        "properties": {"zone": {"type": "string"}, "precise": {"type": "boolean"}},
    },
)
_TOOL_USE_ID = re.compile(r"^tooluse_[A-Za-z0-9_-]{22}$")


def _user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"text": text}]}


def _request(text: str = "Tell me about the sea", **fields: Any) -> ConversationRequest:
    return ConversationRequest(messages=[_user(text)], **fields)


def _rejection(call: Any) -> str:
    with pytest.raises(EmulatedError) as caught:
        call()
    assert caught.value.code == "ValidationException"
    return caught.value.message


# --- parse_converse_request ---------------------------------------------------------------------


def test_full_converse_body_is_normalised():
    body = {
        "messages": [_user("Weather in Paris?")],
        "system": [{"text": "Be brief."}, {"cachePoint": {"type": "default"}}],
        "inferenceConfig": {
            "maxTokens": 50,
            "temperature": 0.2,
            "topP": 0.9,
            "stopSequences": ["###"],
        },
        "toolConfig": {
            "tools": [
                {
                    "toolSpec": {
                        "name": WEATHER.name,
                        "description": WEATHER.description,
                        "inputSchema": {"json": WEATHER.input_schema},
                    }
                },
                {"cachePoint": {"type": "default"}},
            ],
            "toolChoice": {"tool": {"name": "get_weather"}},
        },
        "additionalModelRequestFields": {"top_k": 40},
    }

    request = parse_converse_request(body)

    assert request.messages == [_user("Weather in Paris?")]
    assert request.system == ["Be brief."]
    assert (request.max_tokens, request.temperature, request.top_p) == (50, 0.2, 0.9)
    assert request.stop_sequences == ["###"]
    assert request.tools == [WEATHER]
    assert (request.tool_choice, request.tool_choice_name) == ("tool", "get_weather")
    assert request.additional_fields == {"top_k": 40}


@pytest.mark.parametrize(
    "schema",
    [
        pytest.param('{"type": "object", "properties": {"n": {"type": "integer"}}}', id="string"),
        pytest.param({"type": "object", "properties": {"n": {"type": "integer"}}}, id="document"),
    ],
)
def test_output_schema_is_accepted_as_json_string_or_document(schema: Any):
    body = {
        "messages": [_user("Count")],
        "outputConfig": {
            "textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": schema}}}
        },
    }

    request = parse_converse_request(body)

    assert request.output_schema == {"type": "object", "properties": {"n": {"type": "integer"}}}


@pytest.mark.parametrize("body", [{}, {"messages": []}], ids=["missing", "empty"])
def test_conversation_without_messages_is_rejected(body: dict[str, Any]):
    message = _rejection(lambda: parse_converse_request(body))

    assert "at least one message" in message


def test_conversation_must_start_with_the_user():
    body = {"messages": [{"role": "assistant", "content": [{"text": "Hi"}]}, _user("Hello")]}

    assert _rejection(lambda: parse_converse_request(body)) == _errors.FIRST_MESSAGE_NOT_USER


def test_tool_blocks_without_tool_config_are_rejected():
    tool_use = {"toolUse": {"toolUseId": "t1", "name": "get_weather", "input": {}}}
    tool_result = {"toolResult": {"toolUseId": "t1", "content": [{"text": "sunny"}]}}
    body = {
        "messages": [
            _user("Weather?"),
            {"role": "assistant", "content": [tool_use]},
            {"role": "user", "content": [tool_result]},
        ]
    }

    assert _rejection(lambda: parse_converse_request(body)) == _errors.TOOL_CONFIG_REQUIRED


@pytest.mark.parametrize(
    ("inference", "expected"),
    [
        (
            {"maxTokens": 0},
            (
                "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to "
                "satisfy constraint: Member must have value greater than or equal to 1"
            ),
        ),
        (
            {"temperature": 1.5},
            (
                "1 validation error detected: Value '1.5' at 'inferenceConfig.temperature' "
                "failed to satisfy constraint: Member must have value less than or equal to 1"
            ),
        ),
        (
            {"topP": -0.1},
            (
                "1 validation error detected: Value '-0.1' at 'inferenceConfig.topP' failed to "
                "satisfy constraint: Member must have value greater than or equal to 0"
            ),
        ),
    ],
)
def test_out_of_range_inference_config_uses_aws_constraint_wording(
    inference: dict[str, Any], expected: str
):
    body = {"messages": [_user("Hi")], "inferenceConfig": inference}

    assert _rejection(lambda: parse_converse_request(body)) == expected


def test_several_constraint_violations_are_reported_together():
    body = {"messages": [_user("Hi")], "inferenceConfig": {"maxTokens": 0, "temperature": 2}}

    message = _rejection(lambda: parse_converse_request(body))

    assert message.startswith("2 validation errors detected: Value '0' at 'inferenceConfig.max")
    assert "; Value '2' at 'inferenceConfig.temperature'" in message


def test_unknown_message_role_is_rejected():
    body = {"messages": [{"role": "robot", "content": [{"text": "Hi"}]}]}

    assert "Member must satisfy enum value set: [user, assistant, system]" in _rejection(
        lambda: parse_converse_request(body)
    )


# --- check_capabilities -------------------------------------------------------------------------


def test_capable_model_accepts_system_tools_and_streaming():
    request = _request(system=["Be brief."], tools=[WEATHER], tool_choice="any", max_tokens=100)

    check_capabilities(request, SONNET, streaming=True)


def test_system_prompt_is_refused_by_a_model_without_system_messages():
    request = _request(system=["Be brief."])

    message = _rejection(lambda: check_capabilities(request, MISTRAL_7B, streaming=False))

    assert message == _errors.NO_SYSTEM_MESSAGES


def test_tools_are_refused_by_a_model_without_tool_use():
    message = _rejection(
        lambda: check_capabilities(_request(tools=[WEATHER]), MISTRAL_7B, streaming=False)
    )

    assert message == "This model doesn't support tool use."


def test_tools_are_refused_while_streaming_when_the_model_cannot_stream_tool_use():
    request = _request(tools=[WEATHER])

    check_capabilities(request, LLAMA_33, streaming=False)
    message = _rejection(lambda: check_capabilities(request, LLAMA_33, streaming=True))

    assert message == _errors.NO_STREAMING_TOOL_USE


@pytest.mark.parametrize("choice", ["any", "tool"])
def test_unsupported_tool_choice_is_named_in_the_refusal(choice: str):
    request = _request(tools=[WEATHER], tool_choice=choice, tool_choice_name="get_weather")

    message = _rejection(lambda: check_capabilities(request, LLAMA_33, streaming=False))

    assert message == _errors.TOOL_CHOICE_UNSUPPORTED.format(choice=choice)
    assert f"toolConfig.toolChoice.{choice}" in message


def test_max_tokens_above_the_model_limit_is_refused_with_the_limit():
    message = _rejection(
        lambda: check_capabilities(_request(max_tokens=8193), LLAMA_33, streaming=False)
    )

    assert message == _errors.MAX_TOKENS_EXCEEDED.format(limit=8192)
    check_capabilities(_request(max_tokens=8192), LLAMA_33, streaming=False)


@pytest.mark.parametrize(
    "model_id",
    [
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        "global.anthropic.claude-opus-4-5-20251101-v1:0",
        "anthropic.claude-opus-4-6-v1",
        "anthropic.claude-sonnet-4-6",
        "anthropic.claude-opus-4-7",
        "eu.anthropic.claude-opus-4-8",
        "anthropic.claude-sonnet-5",
        "anthropic.claude-opus-5",
        "anthropic.claude-fable-5",
        (
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/"
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
        ),
    ],
)
def test_claude_4_5_and_later_reject_temperature_with_top_p(model_id: str):
    assert rejects_temperature_with_top_p(model_id)


@pytest.mark.parametrize(
    "model_id",
    [
        "anthropic.claude-sonnet-4-20250514-v1:0",
        "anthropic.claude-opus-4-1-20250805-v1:0",
        "anthropic.claude-3-7-sonnet-20250219-v1:0",
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        "amazon.nova-pro-v1:0",
        "meta.llama3-3-70b-instruct-v1:0",
    ],
)
def test_earlier_models_accept_temperature_with_top_p(model_id: str):
    assert not rejects_temperature_with_top_p(model_id)


# --- generate_reply: text -----------------------------------------------------------------------


def test_reply_names_the_model_and_echoes_the_prompt_words():
    reply = generate_reply(_request("  What   is the\ncapital of France? "), SONNET)

    assert reply.text == "Emulated reply from Claude Sonnet 4.5: What is the capital of France?"
    assert reply.stop_reason == "end_turn"
    assert reply.output_tokens == len(token_pieces(reply.text))


def test_same_request_gets_the_same_reply():
    assert generate_reply(_request("Hello"), SONNET) == generate_reply(_request("Hello"), SONNET)


def test_max_tokens_truncates_and_reports_max_tokens():
    reply = generate_reply(_request("one two three four five six", max_tokens=5), SONNET)

    assert reply.text == "Emulated reply from Claude Sonnet"
    assert reply.output_tokens == 5
    assert reply.stop_reason == "max_tokens"


def test_model_output_limit_caps_the_reply_when_max_tokens_is_absent():
    tiny = ModelSpec("x.tiny", "Tiny", "X", "nova", frozenset(), max_output_tokens=3)

    reply = generate_reply(_request("a b c d"), tiny)

    assert (reply.text, reply.stop_reason) == ("Emulated reply from", "max_tokens")


def test_stop_sequence_cuts_the_text_before_it():
    reply = generate_reply(
        _request("alpha beta STOP gamma", stop_sequences=["zzz", "STOP"]), SONNET
    )

    assert reply.text == "Emulated reply from Claude Sonnet 4.5: alpha beta "
    assert reply.stop_reason == "stop_sequence"
    assert reply.stop_sequence == "STOP"
    # Eight words, and the space before the stop sequence is a piece of its own.
    assert reply.output_tokens == 9


def test_the_stop_sequence_completed_first_wins():
    request = _request("xx abcd", stop_sequences=["abcd", "bc"])

    reply = generate_reply(request, SONNET)

    assert reply.text.endswith("xx a")
    assert reply.stop_sequence == "bc"


def test_max_tokens_wins_when_the_stop_sequence_would_come_later():
    request = _request("alpha beta STOP", stop_sequences=["STOP"], max_tokens=2)

    reply = generate_reply(request, SONNET)

    assert (reply.text, reply.stop_reason) == ("Emulated reply", "max_tokens")


def test_input_tokens_count_about_four_characters_each_and_one_per_message():
    request = ConversationRequest(
        messages=[_user("x" * 40), {"role": "assistant", "content": [{"text": ""}]}, _user("hi")],
        system=["y" * 9],
    )

    reply = generate_reply(request, SONNET)

    assert reply.input_tokens == 10 + 1 + 1 + 3
    assert count_input_tokens(request) == reply.input_tokens


def test_tool_definitions_count_towards_input_tokens():
    assert count_input_tokens(_request(tools=[WEATHER])) > count_input_tokens(_request())


# --- generate_reply: tools ----------------------------------------------------------------------


def _tool_call(reply: Reply) -> ToolUseBlock:
    assert reply.stop_reason == "tool_use"
    [block] = reply.blocks
    assert isinstance(block, ToolUseBlock)
    return block


def test_tool_choice_any_calls_the_first_tool_with_valid_input():
    request = _request("Hello", tools=[WEATHER, CLOCK], tool_choice="any")

    call = _tool_call(generate_reply(request, SONNET))

    assert call.name == "get_weather"
    assert call.input == {"city": "city", "unit": "celsius"}
    assert _TOOL_USE_ID.match(call.tool_use_id)


def test_tool_choice_tool_calls_the_named_tool():
    request = _request(
        "Hello", tools=[WEATHER, CLOCK], tool_choice="tool", tool_choice_name="current_time"
    )

    call = _tool_call(generate_reply(request, SONNET))

    assert call.name == "current_time"
    assert call.input == {"zone": "zone", "precise": True}


@pytest.mark.parametrize(
    ("prompt", "tool_name"),
    [
        ("Please call get_weather for Paris", "get_weather"),
        ("what does GET WEATHER say about Oslo", "get_weather"),
        ("Use current_time for UTC", "current_time"),
        ("Use a tool to find out", "get_weather"),
        ("Which tools can help?", "get_weather"),
    ],
)
def test_auto_tool_choice_calls_a_tool_when_the_prompt_asks_for_one(prompt: str, tool_name: str):
    call = _tool_call(generate_reply(_request(prompt, tools=[WEATHER, CLOCK]), SONNET))

    assert call.name == tool_name


@pytest.mark.parametrize("prompt", ["Tell me a story", "toolbox and weathering"])
def test_auto_tool_choice_answers_with_text_otherwise(prompt: str):
    reply = generate_reply(_request(prompt, tools=[WEATHER, CLOCK]), SONNET)

    assert reply.stop_reason == "end_turn"
    assert prompt in reply.text


def test_tool_result_is_answered_with_text_that_quotes_it():
    request = ConversationRequest(
        messages=[
            _user("Weather in Paris? Use get_weather."),
            {
                "role": "assistant",
                "content": [{"toolUse": {"toolUseId": "t1", "name": "get_weather", "input": {}}}],
            },
            {
                "role": "user",
                "content": [
                    {
                        "toolResult": {
                            "toolUseId": "t1",
                            "content": [{"text": "18 degrees and sunny"}, {"json": {"wind": 3}}],
                        }
                    }
                ],
            },
        ],
        tools=[WEATHER],
    )

    reply = generate_reply(request, SONNET)

    assert reply.stop_reason == "end_turn"
    assert "18 degrees and sunny" in reply.text
    assert '{"wind":3}' in reply.text


def test_tool_use_ids_are_deterministic_and_differ_between_requests():
    first = _request("Paris", tools=[WEATHER], tool_choice="any")
    second = _request("Oslo", tools=[WEATHER], tool_choice="any")

    first_id = _tool_call(generate_reply(first, SONNET)).tool_use_id

    assert first_id == _tool_call(generate_reply(first, SONNET)).tool_use_id
    assert first_id != _tool_call(generate_reply(second, SONNET)).tool_use_id


def test_output_schema_makes_the_reply_json_of_that_schema():
    schema = {
        "type": "object",
        "properties": {"answer": {"type": "string"}, "score": {"type": "integer", "minimum": 1}},
        "required": ["answer", "score"],
    }

    reply = generate_reply(_request("Rate it", output_schema=schema), SONNET)

    assert json.loads(reply.text) == {"answer": "answer", "score": 1}
    assert reply.stop_reason == "end_turn"


# --- Rendering ----------------------------------------------------------------------------------

_SERVICE = botocore.session.get_session().get_service_model("bedrock-runtime")


class _RawBody:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self) -> Iterator[bytes]:
        yield self._data

    def close(self) -> None:
        pass


def _boto3_converse(body: dict[str, Any]) -> dict[str, Any]:
    response = {"status_code": 200, "headers": {}, "body": json.dumps(body).encode()}
    shape = _SERVICE.operation_model("Converse").output_shape
    return dict(parsers.create_parser("rest-json").parse(response, shape))


def _boto3_converse_stream(events: list[tuple[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    frames = b"".join(encode_event(name, payload) for name, payload in events)
    response = {
        "status_code": 200,
        "headers": {},
        "body": _RawBody(frames),
        "context": {"operation_name": "ConverseStream"},
    }
    shape = _SERVICE.operation_model("ConverseStream").output_shape
    return list(parsers.create_parser("rest-json").parse(response, shape)["stream"])


_TOOL_REPLY = Reply(
    blocks=("Let me check.", ToolUseBlock("tooluse_abc", "get_weather", {"city": "Paris"})),
    stop_reason="tool_use",
    input_tokens=20,
    output_tokens=9,
)


def test_converse_response_parses_in_boto3_with_text_tool_use_usage_and_metrics():
    parsed = _boto3_converse(converse_response(_TOOL_REPLY, latency_ms=42))

    assert parsed["output"]["message"] == {
        "role": "assistant",
        "content": [
            {"text": "Let me check."},
            {
                "toolUse": {
                    "toolUseId": "tooluse_abc",
                    "name": "get_weather",
                    "input": {"city": "Paris"},
                }
            },
        ],
    }
    assert parsed["stopReason"] == "tool_use"
    assert parsed["usage"] == {
        "inputTokens": 20,
        "outputTokens": 9,
        "totalTokens": 29,
        "cacheReadInputTokens": 0,
        "cacheWriteInputTokens": 0,
    }
    assert parsed["metrics"] == {"latencyMs": 42}


def test_stream_events_follow_bedrock_order_with_a_start_only_for_tool_blocks():
    names = [name for name, _ in converse_stream_events(_TOOL_REPLY, latency_ms=5)]

    first_stop = names.index("contentBlockStop")
    assert names[0] == "messageStart"
    assert names[1:first_stop] == ["contentBlockDelta"] * (first_stop - 1)
    assert names[first_stop + 1] == "contentBlockStart"
    assert names.count("contentBlockStop") == 2
    assert names[-2:] == ["messageStop", "metadata"]


def test_stream_metadata_reports_usage_and_latency():
    _, metadata = converse_stream_events(_TOOL_REPLY, latency_ms=5)[-1]

    assert metadata["usage"]["totalTokens"] == 29
    assert metadata["metrics"] == {"latencyMs": 5}


def test_long_text_streams_in_several_small_deltas():
    reply = generate_reply(_request("a b c d e f g h"), SONNET)

    deltas = [
        p["delta"]["text"]
        for n, p in converse_stream_events(reply, latency_ms=1)
        if n == "contentBlockDelta"
    ]

    assert len(deltas) > 3
    assert "".join(deltas) == reply.text


def _reassemble(events: list[dict[str, Any]]) -> tuple[list[str | dict[str, Any]], str]:
    """What a ConverseStream consumer builds from the parsed events."""
    blocks: dict[int, dict[str, Any]] = {}
    stopped: list[int] = []
    stop_reason = ""
    for event in events:
        if "contentBlockStart" in event:
            start = event["contentBlockStart"]
            blocks[start["contentBlockIndex"]] = {"tool": start["start"]["toolUse"], "json": ""}
        elif "contentBlockDelta" in event:
            delta = event["contentBlockDelta"]
            block = blocks.setdefault(delta["contentBlockIndex"], {"text": ""})
            if "text" in delta["delta"]:
                block["text"] += delta["delta"]["text"]
            else:
                block["json"] += delta["delta"]["toolUse"]["input"]
        elif "contentBlockStop" in event:
            stopped.append(event["contentBlockStop"]["contentBlockIndex"])
        elif "messageStop" in event:
            stop_reason = event["messageStop"]["stopReason"]
    assert stopped == sorted(blocks)
    assembled: list[str | dict[str, Any]] = [
        b["text"] if "text" in b else {**b["tool"], "input": json.loads(b["json"])}
        for _, b in sorted(blocks.items())
    ]
    return assembled, stop_reason


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
_blocks = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=80),
    st.builds(
        ToolUseBlock,
        tool_use_id=st.from_regex(r"tooluse_[A-Za-z0-9]{22}", fullmatch=True),
        name=st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
        input=st.dictionaries(st.text(max_size=5), _json_values, max_size=4),
    ),
)


@given(
    blocks=st.lists(_blocks, min_size=1, max_size=4),
    stop_reason=st.sampled_from(["end_turn", "tool_use", "max_tokens", "stop_sequence"]),
)
def test_any_reply_streams_back_to_the_same_blocks_through_boto3(
    blocks: list[str | ToolUseBlock], stop_reason: Any
):
    reply = Reply(tuple(blocks), stop_reason, input_tokens=3, output_tokens=4)

    assembled, parsed_stop = _reassemble(
        _boto3_converse_stream(converse_stream_events(reply, latency_ms=1))
    )

    expected = [
        b if isinstance(b, str) else {"toolUseId": b.tool_use_id, "name": b.name, "input": b.input}
        for b in blocks
    ]
    assert assembled == expected
    assert parsed_stop == stop_reason


@given(
    prompt=st.text(min_size=1, max_size=200),
    max_tokens=st.integers(1, 60),
    stops=st.lists(st.text(min_size=1, max_size=3), max_size=2),
)
def test_any_text_reply_respects_max_tokens_and_stop_sequences(
    prompt: str, max_tokens: int, stops: list[str]
):
    reply = generate_reply(_request(prompt, max_tokens=max_tokens, stop_sequences=stops), SONNET)

    assert reply.output_tokens == len(token_pieces(reply.text)) <= max_tokens
    assert not any(stop in reply.text for stop in stops)
    if reply.stop_reason == "max_tokens":
        assert reply.output_tokens == max_tokens
    if reply.stop_reason == "stop_sequence":
        assert reply.stop_sequence in stops
