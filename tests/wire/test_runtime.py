"""bedrock-runtime operations through real boto3 clients."""

from __future__ import annotations

import json

import pytest

from langchain_bedrock_enhanced.emulator import BedrockEmulator
from tests.wire.conftest import ClientFactory

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA = "amazon.nova-lite-v1:0"
LLAMA = "us.meta.llama4-scout-17b-instruct-v1:0"
MISTRAL_7B = "mistral.mistral-7b-instruct-v0:2"
MISTRAL_LARGE = "mistral.mistral-large-2402-v1:0"

WEATHER_TOOL = {
    "toolSpec": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "inputSchema": {
            "json": {
                "type": "object",
                "properties": {
                    "city": {"type": "string"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                    "days": {"type": "integer", "minimum": 1, "maximum": 7},
                },
                "required": ["city", "unit"],
            }
        },
    }
}


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": [{"text": text}]}]


def test_converse_reply_is_derived_from_the_prompt_and_deterministic(
    runtime: ClientFactory,
) -> None:
    client = runtime()
    first = client.converse(modelId=SONNET, messages=user("Tell me about penguins"))
    second = client.converse(modelId=SONNET, messages=user("Tell me about penguins"))
    text = first["output"]["message"]["content"][0]["text"]
    assert "penguins" in text
    assert first["output"] == second["output"]
    assert first["stopReason"] == "end_turn"
    usage = first["usage"]
    assert usage["inputTokens"] > 0
    assert usage["outputTokens"] > 0
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]
    assert "latencyMs" in first["metrics"]
    assert first["ResponseMetadata"]["RequestId"]


def test_max_tokens_truncates_with_stop_reason_max_tokens(runtime: ClientFactory) -> None:
    reply = runtime().converse(
        modelId=SONNET,
        messages=user("Write a very long story about the sea and the ships upon it"),
        inferenceConfig={"maxTokens": 3},
    )
    assert reply["stopReason"] == "max_tokens"
    assert reply["usage"]["outputTokens"] == 3


def test_stop_sequences_cut_the_reply(runtime: ClientFactory) -> None:
    client = runtime()
    full = client.converse(modelId=SONNET, messages=user("Describe the ocean at night"))
    text = full["output"]["message"]["content"][0]["text"]
    stop_word = text.split()[2]
    cut = client.converse(
        modelId=SONNET,
        messages=user("Describe the ocean at night"),
        inferenceConfig={"stopSequences": [stop_word]},
    )
    assert cut["stopReason"] == "stop_sequence"
    assert stop_word not in cut["output"]["message"]["content"][0]["text"]


def test_tool_choice_any_returns_a_tool_use_valid_for_the_schema(runtime: ClientFactory) -> None:
    reply = runtime().converse(
        modelId=SONNET,
        messages=user("What should I wear?"),
        toolConfig={"tools": [WEATHER_TOOL], "toolChoice": {"any": {}}},
    )
    assert reply["stopReason"] == "tool_use"
    tool_use = next(b["toolUse"] for b in reply["output"]["message"]["content"] if "toolUse" in b)
    assert tool_use["name"] == "get_weather"
    assert isinstance(tool_use["input"]["city"], str)
    assert tool_use["input"]["unit"] in {"celsius", "fahrenheit"}
    assert tool_use["toolUseId"]


def test_prompt_naming_a_tool_gets_a_tool_call_under_auto(runtime: ClientFactory) -> None:
    reply = runtime().converse(
        modelId=SONNET,
        messages=user("Use get_weather for Paris"),
        toolConfig={"tools": [WEATHER_TOOL]},
    )
    assert reply["stopReason"] == "tool_use"


def test_streamed_tool_input_arrives_as_partial_json_deltas(runtime: ClientFactory) -> None:
    response = runtime().converse_stream(
        modelId=SONNET,
        messages=user("Weather please"),
        toolConfig={"tools": [WEATHER_TOOL], "toolChoice": {"tool": {"name": "get_weather"}}},
    )
    events = list(response["stream"])
    start = next(e["contentBlockStart"] for e in events if "contentBlockStart" in e)
    assert start["start"]["toolUse"]["name"] == "get_weather"
    pieces = [
        e["contentBlockDelta"]["delta"]["toolUse"]["input"]
        for e in events
        if "contentBlockDelta" in e and "toolUse" in e["contentBlockDelta"]["delta"]
    ]
    assert len(pieces) > 1
    assert json.loads("".join(pieces))["unit"] in {"celsius", "fahrenheit"}
    assert events[-2]["messageStop"]["stopReason"] == "tool_use"
    assert events[-1]["metadata"]["usage"]["outputTokens"] > 0


def test_streamed_text_reassembles_to_the_converse_text(runtime: ClientFactory) -> None:
    client = runtime()
    whole = client.converse(modelId=SONNET, messages=user("Count the stars"))
    events = client.converse_stream(modelId=SONNET, messages=user("Count the stars"))["stream"]
    streamed = "".join(
        e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e
    )
    assert streamed == whole["output"]["message"]["content"][0]["text"]


@pytest.mark.parametrize(
    ("model_id", "body", "text_of"),
    [
        (
            HAIKU,
            {
                "anthropic_version": "bedrock-2023-05-31",
                "max_tokens": 100,
                "messages": [{"role": "user", "content": "Hello from claude"}],
            },
            lambda r: r["content"][0]["text"],
        ),
        (
            NOVA,
            {
                "schemaVersion": "messages-v1",
                "messages": [{"role": "user", "content": [{"text": "Hello from nova"}]}],
                "inferenceConfig": {"maxTokens": 100},
            },
            lambda r: r["output"]["message"]["content"][0]["text"],
        ),
        (
            LLAMA,
            {
                "prompt": "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n"
                "Hello from llama<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
                "max_gen_len": 100,
            },
            lambda r: r["generation"],
        ),
        (
            MISTRAL_7B,
            {"prompt": "<s>[INST] Hello from mistral [/INST]", "max_tokens": 100},
            lambda r: r["outputs"][0]["text"],
        ),
    ],
    ids=["claude", "nova", "llama", "mistral"],
)
def test_invoke_model_speaks_each_family_native_body(
    runtime: ClientFactory, model_id: str, body: dict, text_of
) -> None:
    client = runtime()
    response = client.invoke_model(
        modelId=model_id, body=json.dumps(body), contentType="application/json"
    )
    assert response["contentType"] == "application/json"
    payload = json.loads(response["body"].read())
    assert "hello" in text_of(payload).lower()
    headers = response["ResponseMetadata"]["HTTPHeaders"]
    assert int(headers["x-amzn-bedrock-output-token-count"]) > 0

    stream = client.invoke_model_with_response_stream(modelId=model_id, body=json.dumps(body))
    assert stream["contentType"] == "application/json"
    chunks = [json.loads(event["chunk"]["bytes"]) for event in stream["body"]]
    assert len(chunks) > 1
    assert "amazon-bedrock-invocationMetrics" in chunks[-1]


def test_invoke_model_rejects_an_extraneous_key_with_bedrocks_wording(
    runtime: ClientFactory,
) -> None:
    client = runtime()
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 10,
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
    }
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.invoke_model(modelId=HAIKU, body=json.dumps(body))
    assert info.value.response["Error"]["Message"] == (
        "Malformed input request: #: extraneous key [stream] is not permitted, "
        "please reformat your input and try again."
    )


def test_count_tokens_counts_a_converse_input(runtime: ClientFactory) -> None:
    client = runtime()
    short = client.count_tokens(modelId=HAIKU, input={"converse": {"messages": user("hi")}})[
        "inputTokens"
    ]
    long = client.count_tokens(modelId=HAIKU, input={"converse": {"messages": user("hi " * 200)}})[
        "inputTokens"
    ]
    assert 0 < short < long
    converse = client.converse(modelId=HAIKU, messages=user("hi " * 200))
    assert converse["usage"]["inputTokens"] == long


def test_mistral_7b_rejects_a_system_prompt_verbatim(runtime: ClientFactory) -> None:
    client = runtime()
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.converse(modelId=MISTRAL_7B, messages=user("hi"), system=[{"text": "be brief"}])
    assert info.value.response["Error"]["Message"].startswith(
        "This model doesn't support system messages."
    )


def test_llama_rejects_tools_while_streaming(runtime: ClientFactory) -> None:
    client = runtime()
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.converse_stream(
            modelId=LLAMA, messages=user("hi"), toolConfig={"tools": [WEATHER_TOOL]}
        )
    assert info.value.response["Error"]["Message"] == (
        "This model doesn't support tool use in streaming mode."
    )


def test_claude_45_rejects_temperature_with_top_p(runtime: ClientFactory) -> None:
    client = runtime()
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.converse(
            modelId=SONNET,
            messages=user("hi"),
            inferenceConfig={"temperature": 0.5, "topP": 0.9},
        )
    assert "`temperature` and `top_p` cannot both be specified" in str(info.value)


def test_request_log_records_operation_model_region_status_and_attempt(
    emulator: BedrockEmulator, runtime: ClientFactory
) -> None:
    runtime("eu-west-1").converse(modelId=f"eu.{SONNET[3:]}", messages=user("hi"))
    (record,) = emulator.requests
    assert record.operation == "Converse"
    assert record.model_id == f"eu.{SONNET[3:]}"
    assert record.region == "eu-west-1"
    assert record.status == 200
    assert record.attempt == 1
    assert record.body is not None
    assert record.body["messages"] == user("hi")


def test_mistral_large_chat_body_gets_a_chat_shaped_answer(runtime: ClientFactory) -> None:
    body = {"messages": [{"role": "user", "content": "Hello in chat form"}], "max_tokens": 50}
    response = runtime().invoke_model(modelId=MISTRAL_LARGE, body=json.dumps(body))
    payload = json.loads(response["body"].read())
    message = payload["choices"][0]["message"]
    assert message["role"] == "assistant"
    assert "chat form" in message["content"]
