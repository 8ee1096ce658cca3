"""Model-native InvokeModel bodies: parsing per family, responses and stream chunks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import botocore.session
import pytest
from botocore import parsers
from hypothesis import given
from hypothesis import strategies as st

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._eventstream import encode_chunk
from langchain_bedrock_enhanced.emulator._native import (
    invoke_metrics_headers,
    is_chat_body,
    native_response,
    native_stream_chunks,
    parse_native_request,
)
from langchain_bedrock_enhanced.emulator._replies import generate_reply
from langchain_bedrock_enhanced.emulator._types import (
    ConversationRequest,
    EmulatedError,
    Family,
    ModelSpec,
    Reply,
    ToolSpec,
    ToolUseBlock,
)

FAMILIES: list[Family] = ["claude", "nova", "llama", "mistral"]
HAIKU_ID = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
WEATHER_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}
TEXT_REPLY = Reply(("Hello there, friend",), "end_turn", input_tokens=12, output_tokens=3)
TOOL_REPLY = Reply(
    ("Checking.", ToolUseBlock("tooluse_x", "get_weather", {"city": "Paris"})),
    "tool_use",
    input_tokens=30,
    output_tokens=8,
)


def _parse(family: Family, body: Any) -> ConversationRequest:
    return parse_native_request(family, json.dumps(body).encode())


def _rejection(family: Family, body: Any) -> str:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with pytest.raises(EmulatedError) as caught:
        parse_native_request(family, raw)
    assert caught.value.code == "ValidationException"
    return caught.value.message


def _user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"text": text}]}


def _claude_body(**extra: Any) -> dict[str, Any]:
    return {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": "Hi"}],
        **extra,
    }


# --- Request bodies: common errors --------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b"\xff\xfe"], ids=["bad", "list", "bytes"]
)
def test_body_that_is_not_a_json_object_is_malformed(family: Family, body: bytes):
    assert _rejection(family, body) == _errors.MALFORMED_INPUT


@pytest.mark.parametrize(
    ("family", "body", "key"),
    [
        ("claude", {"max_tokens": 5, "messages": []}, "anthropic_version"),
        ("claude", {"anthropic_version": "bedrock-2023-05-31", "messages": []}, "max_tokens"),
        ("nova", {"schemaVersion": "messages-v1"}, "messages"),
        ("llama", {"max_gen_len": 5}, "prompt"),
        ("mistral", {"max_tokens": 5}, "prompt"),
    ],
)
def test_missing_required_key_is_named(family: Family, body: dict[str, Any], key: str):
    assert _rejection(family, body) == _errors.MALFORMED_REQUIRED_KEY.format(key=key)


@pytest.mark.parametrize(
    ("family", "body"),
    [
        ("claude", _claude_body(stream=True)),
        ("nova", {"messages": [_user("Hi")], "stream": True}),
        ("llama", {"prompt": "Hi", "stream": True}),
        ("mistral", {"prompt": "Hi", "stream": True}),
        ("mistral", {"messages": [{"role": "user", "content": "Hi"}], "stream": True}),
    ],
)
def test_unknown_key_is_named_as_extraneous(family: Family, body: dict[str, Any]):
    message = _rejection(family, body)

    assert message == (
        "Malformed input request: #: extraneous key [stream] is not permitted, "
        "please reformat your input and try again."
    )


def test_several_schema_violations_are_counted():
    message = _rejection("claude", {"prompt": "Hi", "max_tokens": 5})

    assert message == (
        "Malformed input request: 3 schema violations found, "
        "please reformat your input and try again."
    )


def test_value_of_the_wrong_type_is_reported_with_its_path():
    message = _rejection("claude", _claude_body(max_tokens="many"))

    assert message == (
        "Malformed input request: #/max_tokens: expected type: Integer, found: String, "
        "please reformat your input and try again."
    )


# --- Request bodies: Claude ---------------------------------------------------------------------


def test_claude_body_becomes_a_converse_shaped_request():
    body = _claude_body(
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

    request = _parse("claude", body)

    assert request.messages == [
        _user("Weather in Paris?"),
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
    assert _parse("claude", _claude_body(system="Be brief.")).system == ["Be brief."]


def test_claude_rejects_an_unknown_anthropic_version():
    message = _rejection("claude", _claude_body(anthropic_version="2023-06-01"))

    assert message == _errors.MALFORMED_INPUT


def test_claude_rejects_an_empty_conversation():
    assert "expected minimum item count: 1" in _rejection("claude", _claude_body(messages=[]))


def test_claude_tool_choice_none_means_no_tools():
    body = _claude_body(
        tools=[{"name": "f", "input_schema": {"type": "object"}}], tool_choice={"type": "none"}
    )

    request = _parse("claude", body)

    assert (request.tools, request.tool_choice) == ([], None)


# --- Request bodies: Nova, Llama, Mistral -------------------------------------------------------


def test_nova_body_accepts_both_spellings_of_inference_settings():
    body = {
        "schemaVersion": "messages-v1",
        "system": [{"text": "Be brief."}],
        "messages": [_user("Hi")],
        "inferenceConfig": {
            "max_new_tokens": 40,
            "top_p": 0.5,
            "top_k": 20,
            "stopSequences": ["x"],
        },
        "toolConfig": {
            "tools": [{"toolSpec": {"name": "f", "inputSchema": {"json": WEATHER_SCHEMA}}}],
            "toolChoice": {"any": {}},
        },
    }

    request = _parse("nova", body)

    assert request.messages == [_user("Hi")]
    assert request.system == ["Be brief."]
    assert (request.max_tokens, request.top_p, request.stop_sequences) == (40, 0.5, ["x"])
    assert [tool.name for tool in request.tools] == ["f"]
    assert request.tool_choice == "any"
    assert request.additional_fields == {"inferenceConfig": {"topK": 20}}


def test_llama_3_template_is_read_back_into_system_and_turns():
    prompt = (
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )

    request = _parse("llama", {"prompt": prompt, "max_gen_len": 64, "temperature": 0.1})

    assert request.system == ["Be brief."]
    assert request.messages == [
        _user("Hi!"),
        {"role": "assistant", "content": [{"text": "Hello."}]},
        _user("What is 2+2?"),
    ]
    assert (request.max_tokens, request.temperature) == (64, 0.1)


def test_llama_plain_prompt_is_one_user_message():
    request = _parse("llama", {"prompt": "  Tell me a joke  "})

    assert request.messages == [_user("Tell me a joke")]
    assert request.system == []


def test_mistral_inst_prompt_is_read_back_into_turns():
    prompt = "<s>[INST] Hi [/INST] Hello!</s>[INST] What is 2+2? [/INST]"

    request = _parse("mistral", {"prompt": prompt, "max_tokens": 30, "stop": "###", "top_k": 5})

    assert request.messages == [
        _user("Hi"),
        {"role": "assistant", "content": [{"text": "Hello!"}]},
        _user("What is 2+2?"),
    ]
    assert (request.max_tokens, request.stop_sequences) == (30, ["###"])
    assert request.additional_fields == {"top_k": 5}


def test_mistral_chat_form_reads_system_tools_and_tool_messages():
    body = {
        "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Weather in Paris?"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "call1",
                        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call1", "content": "sunny"},
        ],
        "tools": [
            {"type": "function", "function": {"name": "get_weather", "parameters": WEATHER_SCHEMA}}
        ],
        "tool_choice": "any",
        "max_tokens": 100,
    }

    request = _parse("mistral", body)

    assert request.system == ["Be brief."]
    assert request.messages[1] == {
        "role": "assistant",
        "content": [
            {"toolUse": {"toolUseId": "call1", "name": "get_weather", "input": {"city": "Paris"}}}
        ],
    }
    assert request.messages[2]["content"][0]["toolResult"]["content"] == [{"text": "sunny"}]
    assert [tool.name for tool in request.tools] == ["get_weather"]
    assert (request.tool_choice, request.max_tokens) == ("any", 100)


def test_only_mistral_bodies_with_messages_use_the_chat_form():
    assert is_chat_body("mistral", b'{"messages": []}')
    assert not is_chat_body("mistral", b'{"prompt": "[INST] Hi [/INST]"}')
    assert not is_chat_body("nova", b'{"messages": []}')
    assert not is_chat_body("mistral", b"{broken")


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


def test_nova_response_has_converse_shape_and_cache_counts():
    body = native_response("nova", TEXT_REPLY, model_id="amazon.nova-lite-v1:0", latency_ms=1)

    assert body == {
        "output": {"message": {"role": "assistant", "content": [{"text": "Hello there, friend"}]}},
        "stopReason": "end_turn",
        "usage": {
            "inputTokens": 12,
            "outputTokens": 3,
            "totalTokens": 15,
            "cacheReadInputTokenCount": 0,
            "cacheWriteInputTokenCount": 0,
        },
    }


@pytest.mark.parametrize(
    ("stop_reason", "expected"), [("end_turn", "stop"), ("max_tokens", "length")]
)
def test_llama_response_reports_generation_counts_and_stop_reason(stop_reason: Any, expected: str):
    reply = Reply(("Hi there",), stop_reason, 7, 2)

    body = native_response("llama", reply, model_id="meta.llama3-8b-instruct-v1:0", latency_ms=1)

    assert body == {
        "generation": "Hi there",
        "prompt_token_count": 7,
        "generation_token_count": 2,
        "stop_reason": expected,
    }


def test_mistral_prompt_response_uses_outputs():
    reply = Reply(("Hi",), "max_tokens", 7, 1)

    body = native_response(
        "mistral", reply, model_id="mistral.mistral-7b-instruct-v0:2", latency_ms=1
    )

    assert body == {"outputs": [{"text": "Hi", "stop_reason": "length"}]}


def test_mistral_chat_response_uses_choices_with_tool_calls():
    body = native_response(
        "mistral", TOOL_REPLY, model_id="mistral.mistral-large-2407-v1:0", latency_ms=1, chat=True
    )

    [choice] = body["choices"]
    assert choice["index"] == 0
    assert choice["stop_reason"] == "tool_calls"
    assert choice["message"]["content"] == "Checking."
    assert choice["message"]["tool_calls"] == [
        {"id": "tooluse_x", "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}
    ]


def test_invoke_metrics_headers_carry_token_counts_and_latency():
    assert invoke_metrics_headers(TEXT_REPLY, 321) == {
        "X-Amzn-Bedrock-Input-Token-Count": "12",
        "X-Amzn-Bedrock-Output-Token-Count": "3",
        "X-Amzn-Bedrock-Invocation-Latency": "321",
    }


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


def test_last_chunk_of_every_family_carries_invocation_metrics():
    for family in FAMILIES:
        chunks = native_stream_chunks(family, TEXT_REPLY, model_id="m", latency_ms=40)

        assert chunks[-1]["amazon-bedrock-invocationMetrics"] == {
            "inputTokenCount": 12,
            "outputTokenCount": 3,
            "invocationLatency": 40,
            "firstByteLatency": 20,
        }
        assert all("amazon-bedrock-invocationMetrics" not in c for c in chunks[:-1])


def test_llama_stream_counts_prompt_once_and_generation_cumulatively():
    chunks = native_stream_chunks("llama", TEXT_REPLY, model_id="m", latency_ms=1)

    assert [c["prompt_token_count"] for c in chunks] == [12] + [None] * (len(chunks) - 1)
    assert [c["generation_token_count"] for c in chunks] == [2, 3]
    assert [c["stop_reason"] for c in chunks] == [None, "stop"]


def test_nova_stream_uses_converse_event_names():
    chunks = native_stream_chunks("nova", TEXT_REPLY, model_id="m", latency_ms=1)

    assert [next(iter(c)) for c in chunks] == [
        "messageStart",
        "contentBlockDelta",
        "contentBlockDelta",
        "contentBlockStop",
        "messageStop",
        "metadata",
    ]


def _streamed_text(family: Family, chunks: list[dict[str, Any]]) -> str:
    if family == "claude":
        return "".join(
            c["delta"]["text"]
            for c in chunks
            if c["type"] == "content_block_delta" and "text" in c["delta"]
        )
    if family == "nova":
        return "".join(
            c["contentBlockDelta"]["delta"]["text"] for c in chunks if "contentBlockDelta" in c
        )
    if family == "llama":
        return "".join(c["generation"] for c in chunks)
    if "choices" in chunks[0]:
        return "".join(c["choices"][0]["message"]["content"] for c in chunks)
    return "".join(c["outputs"][0]["text"] for c in chunks)


def _full_text(family: Family, body: dict[str, Any]) -> str:
    if family == "claude":
        return "".join(b["text"] for b in body["content"])
    if family == "nova":
        return "".join(b["text"] for b in body["output"]["message"]["content"])
    if family == "llama":
        return str(body["generation"])
    if "choices" in body:
        return str(body["choices"][0]["message"]["content"])
    return str(body["outputs"][0]["text"])


@given(
    family=st.sampled_from(FAMILIES),
    prompt=st.text(max_size=120),
    max_tokens=st.none() | st.integers(1, 40),
    form=st.sampled_from(["prompt", "chat"]),
)
def test_any_text_reply_streams_the_same_text_as_the_response_body(
    family: Family, prompt: str, max_tokens: int | None, form: str
):
    chat = form == "chat"
    model = ModelSpec("m.model", "Model", "Provider", family, frozenset())
    request = ConversationRequest(messages=[_user(prompt)], max_tokens=max_tokens)
    reply = generate_reply(request, model)

    chunks = native_stream_chunks(family, reply, model_id="m.model", latency_ms=3, chat=chat)
    body = native_response(family, reply, model_id="m.model", latency_ms=3, chat=chat)

    assert _streamed_text(family, chunks) == _full_text(family, body) == reply.text


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


@pytest.mark.parametrize(
    ("family", "body"),
    [
        (
            "claude",
            _claude_body(messages=[{"role": "user", "content": [{"type": "image", "source": 3}]}]),
        ),
        ("claude", _claude_body(tools=[{"name": "f", "input_schema": {}}], tool_choice="any")),
        ("mistral", {"messages": [{"role": "assistant", "content": "", "tool_calls": ["x"]}]}),
        ("nova", {"messages": [{"role": "user", "content": "Hi"}]}),
        ("nova", {"messages": [], "inferenceConfig": {"maxTokens": "ten"}}),
    ],
)
def test_nested_values_of_the_wrong_shape_are_malformed_input_not_crashes(
    family: Family, body: dict[str, Any]
):
    assert _rejection(family, body).startswith("Malformed input request")
