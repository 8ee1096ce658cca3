"""Claude's native body: the Anthropic Messages API, its responses and its stream events."""

from __future__ import annotations

import json
from collections.abc import Iterator

import botocore.session
from botocore import parsers

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._eventstream import encode_chunk
from langchain_bedrock_enhanced.emulator._types import Reply, ToolSpec
from langchain_bedrock_enhanced.emulator.native import native_response, native_stream_chunks
from tests.unit.emulator.native.samples import (
    HAIKU_ID,
    TOOL_REPLY,
    WEATHER_SCHEMA,
    claude_body,
    parse,
    rejection,
    user,
)

# --- Request bodies -----------------------------------------------------------------------------


def test_claude_body_becomes_a_converse_shaped_request():
    body = claude_body(
        system=[{"type": "text", "text": "Be brief."}],
        temperature=0.3,
        top_k=50,
        stop_sequences=["END"],
        thinking={"type": "enabled", "budget_tokens": 1024},
        tools=[{"name": "get_weather", "description": "Weather", "input_schema": WEATHER_SCHEMA}],
        tool_choice={"type": "tool", "name": "get_weather"},
        messages=[
            {"role": "user", "content": "Weather in Paris?"},
            {
                "role": "assistant",
                "content": [
                    {"type": "text", "text": "Checking."},
                    {
                        "type": "tool_use",
                        "id": "tu1",
                        "name": "get_weather",
                        "input": {"city": "Paris"},
                    },
                ],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "tu1",
                        "content": "sunny",
                        "is_error": False,
                    }
                ],
            },
        ],
    )

    request = parse("claude", body)

    assert request.messages == [
        user("Weather in Paris?"),
        {
            "role": "assistant",
            "content": [
                {"text": "Checking."},
                {
                    "toolUse": {
                        "toolUseId": "tu1",
                        "name": "get_weather",
                        "input": {"city": "Paris"},
                    }
                },
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "toolResult": {
                        "toolUseId": "tu1",
                        "content": [{"text": "sunny"}],
                        "status": "success",
                    }
                }
            ],
        },
    ]
    assert request.system == ["Be brief."]
    assert (request.max_tokens, request.temperature, request.stop_sequences) == (256, 0.3, ["END"])
    assert request.tools == [ToolSpec("get_weather", "Weather", WEATHER_SCHEMA)]
    assert (request.tool_choice, request.tool_choice_name) == ("tool", "get_weather")
    assert request.additional_fields == {
        "top_k": 50,
        "thinking": {"type": "enabled", "budget_tokens": 1024},
    }


def test_claude_system_may_be_a_plain_string():
    assert parse("claude", claude_body(system="Be brief.")).system == ["Be brief."]


def test_claude_rejects_an_unknown_anthropic_version():
    message = rejection("claude", claude_body(anthropic_version="2023-06-01"))

    assert message == _errors.MALFORMED_INPUT


def test_claude_rejects_an_empty_conversation():
    assert "expected minimum item count: 1" in rejection("claude", claude_body(messages=[]))


def test_claude_tool_choice_none_means_no_tools():
    body = claude_body(
        tools=[{"name": "f", "input_schema": {"type": "object"}}], tool_choice={"type": "none"}
    )

    request = parse("claude", body)

    assert (request.tools, request.tool_choice) == ([], None)


# --- Response bodies ----------------------------------------------------------------------------


def test_claude_response_is_a_messages_api_message():
    body = native_response("claude", TOOL_REPLY, model_id=HAIKU_ID, latency_ms=10)

    assert body["id"].startswith("msg_bdrk_")
    assert body["type"] == "message"
    assert body["role"] == "assistant"
    assert body["model"] == "claude-haiku-4-5-20251001-v1:0"
    assert body["content"] == [
        {"type": "text", "text": "Checking."},
        {"type": "tool_use", "id": "tooluse_x", "name": "get_weather", "input": {"city": "Paris"}},
    ]
    assert (body["stop_reason"], body["stop_sequence"]) == ("tool_use", None)
    assert body["usage"] == {"input_tokens": 30, "output_tokens": 8}


def test_claude_response_names_the_stop_sequence_that_ended_it():
    reply = Reply(("Hello ",), "stop_sequence", 5, 1, stop_sequence="STOP")

    body = native_response("claude", reply, model_id=HAIKU_ID, latency_ms=1)

    assert (body["stop_reason"], body["stop_sequence"]) == ("stop_sequence", "STOP")


# --- Stream chunks ------------------------------------------------------------------------------


def test_claude_stream_follows_the_messages_api_event_order():
    chunks = native_stream_chunks("claude", TOOL_REPLY, model_id=HAIKU_ID, latency_ms=20)

    types = [chunk["type"] for chunk in chunks]
    assert types[0] == "message_start"
    assert chunks[0]["message"]["usage"]["input_tokens"] == 30
    assert types[1] == "content_block_start"
    assert types.count("content_block_start") == types.count("content_block_stop") == 2
    assert types[-2:] == ["message_delta", "message_stop"]
    assert chunks[-2]["delta"]["stop_reason"] == "tool_use"
    assert chunks[-2]["usage"] == {"output_tokens": 8}


def test_claude_stream_tool_input_arrives_as_partial_json():
    chunks = native_stream_chunks("claude", TOOL_REPLY, model_id=HAIKU_ID, latency_ms=20)

    partial = [
        c["delta"]["partial_json"]
        for c in chunks
        if c["type"] == "content_block_delta" and c["delta"]["type"] == "input_json_delta"
    ]
    assert len(partial) > 1
    assert json.loads("".join(partial)) == {"city": "Paris"}


# --- Through boto3's parser ---------------------------------------------------------------------


class _RawBody:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self) -> Iterator[bytes]:
        yield self._data

    def close(self) -> None:
        pass


def test_boto3_reads_every_claude_chunk_back_from_the_event_stream():
    chunks = native_stream_chunks("claude", TOOL_REPLY, model_id=HAIKU_ID, latency_ms=9)
    service = botocore.session.get_session().get_service_model("bedrock-runtime")
    shape = service.operation_model("InvokeModelWithResponseStream").output_shape
    response = {
        "status_code": 200,
        "headers": {},
        "body": _RawBody(b"".join(encode_chunk(chunk) for chunk in chunks)),
        "context": {"operation_name": "InvokeModelWithResponseStream"},
    }

    parsed = parsers.create_parser("rest-json").parse(response, shape)

    assert [json.loads(event["chunk"]["bytes"]) for event in parsed["body"]] == chunks
