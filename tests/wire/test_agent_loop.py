"""An agent loop runs end to end against the emulator: call a tool, run it, answer with it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, HumanMessage
from langchain_core.tools import tool
from pydantic import BaseModel, Field

from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.emulator import BedrockEmulator
from tests.wire.conftest import ClientFactory

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
NOVA = "amazon.nova-lite-v1:0"
LLAMA = "us.meta.llama4-scout-17b-instruct-v1:0"
MISTRAL_LARGE = "mistral.mistral-large-2402-v1:0"
MODEL_IDS = [SONNET, NOVA, LLAMA, MISTRAL_LARGE]


class _MagicInput(BaseModel):
    input: int = Field(..., gt=-1000, lt=1000)


@tool(args_schema=_MagicInput)
def magic_function(input: int) -> int:  # noqa: A002 - the parameter name the schema uses
    """Apply a magic function to an input."""
    return input + 2


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"18 degrees and sunny in {city}"


MAGIC_SPEC: dict[str, Any] = {
    "toolSpec": {
        "name": "magic_function",
        "description": "Apply a magic function to an input.",
        "inputSchema": {
            "json": {
                "type": "object",
                "properties": {"input": {"type": "integer"}},
                "required": ["input"],
            }
        },
    }
}


def _model(emulator: BedrockEmulator, model_id: str) -> Any:
    return create_langchain_chatbedrock(
        model_id, region_name="us-east-1", endpoint_url=emulator.endpoint_url
    )


def _merged(chunks: list[BaseMessage]) -> AIMessageChunk:
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged += chunk
    assert isinstance(merged, AIMessageChunk)
    return merged


# --- through real boto3 -------------------------------------------------------------------------


def test_converse_agent_loop_calls_the_tool_with_the_stated_value_and_answers_with_its_result(
    runtime: ClientFactory,
) -> None:
    client = runtime()
    question = {"role": "user", "content": [{"text": "call magic_function with 3"}]}
    tool_config = {"tools": [MAGIC_SPEC]}

    first = client.converse(modelId=SONNET, messages=[question], toolConfig=tool_config)

    assert first["stopReason"] == "tool_use"
    [block] = first["output"]["message"]["content"]
    call = block["toolUse"]
    assert (call["name"], call["input"]) == ("magic_function", {"input": 3})
    result = {
        "toolResult": {
            "toolUseId": call["toolUseId"],
            "content": [{"json": magic_function.invoke(call["input"])}],
        }
    }
    second = client.converse(
        modelId=SONNET,
        messages=[question, first["output"]["message"], {"role": "user", "content": [result]}],
        toolConfig=tool_config,
    )
    assert second["stopReason"] == "end_turn"
    assert second["output"]["message"]["content"] == [
        {"text": "Emulated reply from Claude Sonnet 4.5: The result of magic_function is 5."}
    ]


def test_converse_stream_agent_loop_streams_the_call_and_then_the_answer(
    runtime: ClientFactory,
) -> None:
    client = runtime()
    question = {"role": "user", "content": [{"text": "What is magic_function(7)?"}]}
    tool_config = {"tools": [MAGIC_SPEC]}

    events = list(
        client.converse_stream(modelId=NOVA, messages=[question], toolConfig=tool_config)["stream"]
    )

    start = next(
        e["contentBlockStart"]["start"]["toolUse"] for e in events if "contentBlockStart" in e
    )
    pieces = [
        e["contentBlockDelta"]["delta"]["toolUse"]["input"]
        for e in events
        if "contentBlockDelta" in e
    ]
    assert json.loads("".join(pieces)) == {"input": 7}
    call = {"toolUseId": start["toolUseId"], "name": start["name"], "input": {"input": 7}}
    result = {"toolUseId": start["toolUseId"], "content": [{"text": "9"}]}
    answer_events = client.converse_stream(
        modelId=NOVA,
        messages=[
            question,
            {"role": "assistant", "content": [{"toolUse": call}]},
            {"role": "user", "content": [{"toolResult": result}]},
        ],
        toolConfig=tool_config,
    )["stream"]
    text = "".join(
        e["contentBlockDelta"]["delta"].get("text", "")
        for e in answer_events
        if "contentBlockDelta" in e
    )
    assert text.endswith("The result of magic_function is 9.")


def _invoke(client: Any, model_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.invoke_model(modelId=model_id, body=json.dumps(body))
    decoded: dict[str, Any] = json.loads(response["body"].read())
    return decoded


def test_claude_native_agent_loop_answers_a_tool_result_with_it(runtime: ClientFactory) -> None:
    client = runtime()
    tools = [
        {
            "name": "magic_function",
            "description": "Apply a magic function to an input.",
            "input_schema": MAGIC_SPEC["toolSpec"]["inputSchema"]["json"],
        }
    ]
    question = {"role": "user", "content": "magic_function(4), please"}
    body = {"anthropic_version": "bedrock-2023-05-31", "max_tokens": 200, "tools": tools}

    first = _invoke(client, SONNET, {**body, "messages": [question]})

    [call] = first["content"]
    assert (first["stop_reason"], call["name"], call["input"]) == (
        "tool_use",
        "magic_function",
        {"input": 4},
    )
    result = {"type": "tool_result", "tool_use_id": call["id"], "content": "6"}
    second = _invoke(
        client,
        SONNET,
        {
            **body,
            "messages": [
                question,
                {"role": "assistant", "content": first["content"]},
                {"role": "user", "content": [result]},
            ],
        },
    )
    assert second["stop_reason"] == "end_turn"
    assert second["content"][0]["text"].endswith("The result of magic_function is 6.")


def test_claude_native_stream_answers_a_tool_result_with_it(runtime: ClientFactory) -> None:
    messages = [
        {"role": "user", "content": "magic_function(4), please"},
        {
            "role": "assistant",
            "content": [
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "magic_function",
                    "input": {"input": 4},
                }
            ],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "6"}],
        },
    ]
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 200,
        "tools": [{"name": "magic_function", "input_schema": {"type": "object"}}],
        "messages": messages,
    }

    response = runtime().invoke_model_with_response_stream(modelId=SONNET, body=json.dumps(body))

    chunks = [json.loads(event["chunk"]["bytes"]) for event in response["body"]]
    text = "".join(
        chunk["delta"]["text"] for chunk in chunks if chunk["type"] == "content_block_delta"
    )
    assert text.endswith("The result of magic_function is 6.")


def test_claude_native_image_result_is_described(runtime: ClientFactory) -> None:
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": ""}}
    body = {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 200,
        "tools": [{"name": "random_image", "input_schema": {"type": "object"}}],
        "messages": [
            {"role": "user", "content": "Use random_image"},
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "t1", "name": "random_image", "input": {}}],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": "t1", "content": [image]}],
            },
        ],
    }

    answer = _invoke(runtime(), SONNET, body)

    assert answer["content"][0]["text"].endswith("The result of random_image is an image.")


def test_mistral_chat_native_agent_loop_answers_a_tool_result_with_it(
    runtime: ClientFactory,
) -> None:
    client = runtime()
    spec = MAGIC_SPEC["toolSpec"]
    tools = [
        {
            "type": "function",
            "function": {
                "name": spec["name"],
                "description": spec["description"],
                "parameters": spec["inputSchema"]["json"],
            },
        }
    ]
    question = {"role": "user", "content": "call magic_function with 10"}

    first = _invoke(client, MISTRAL_LARGE, {"messages": [question], "tools": tools})

    message = first["choices"][0]["message"]
    [call] = message["tool_calls"]
    assert json.loads(call["function"]["arguments"]) == {"input": 10}
    second = _invoke(
        client,
        MISTRAL_LARGE,
        {
            "messages": [
                question,
                message,
                {"role": "tool", "tool_call_id": call["id"], "content": "12"},
            ],
            "tools": tools,
        },
    )
    assert second["choices"][0]["message"]["content"].endswith(
        "The result of magic_function is 12."
    )


# --- through our chat model ---------------------------------------------------------------------


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_bind_tools_agent_loop_ends_with_an_answer_that_contains_the_result(
    emulator: BedrockEmulator, model_id: str
) -> None:
    model = _model(emulator, model_id).bind_tools([magic_function])
    question = HumanMessage("call magic_function with 3")

    asked = model.invoke([question])

    assert isinstance(asked, AIMessage)
    [call] = asked.tool_calls
    assert (call["name"], call["args"]) == ("magic_function", {"input": 3})
    result = magic_function.invoke(call)
    answer = model.invoke([question, asked, result])
    assert not answer.tool_calls
    assert "The result of magic_function is 5." in answer.text


def test_a_description_matched_tool_is_called_and_its_result_answered(
    emulator: BedrockEmulator,
) -> None:
    model = _model(emulator, SONNET).bind_tools([magic_function, get_weather])
    question = HumanMessage("What is the weather in Paris?")

    asked = model.invoke([question])

    [call] = asked.tool_calls
    assert (call["name"], call["args"]) == ("get_weather", {"city": "city"})
    answer = model.invoke([question, asked, get_weather.invoke(call)])
    assert "The result of get_weather is 18 degrees and sunny in city." in answer.text


def test_a_prompt_that_matches_no_tool_gets_a_text_answer(emulator: BedrockEmulator) -> None:
    model = _model(emulator, SONNET).bind_tools([magic_function, get_weather])

    reply = model.invoke("Tell me a story about herons")

    assert reply.tool_calls == []
    assert "Tell me a story about herons" in reply.text


def test_the_streamed_agent_loop_gives_the_same_call_and_answer(emulator: BedrockEmulator) -> None:
    model = _model(emulator, SONNET).bind_tools([get_weather])
    question = HumanMessage("Use get_weather for city: Oslo")

    asked = _merged(list(model.stream([question])))

    [call] = asked.tool_calls
    assert (call["name"], call["args"]) == ("get_weather", {"city": "Oslo"})
    answered = _merged(list(model.stream([question, asked, get_weather.invoke(call)])))
    assert answered.text.endswith("The result of get_weather is 18 degrees and sunny in Oslo.")
    operations = [r.operation for r in emulator.requests if r.is_runtime]
    assert operations == ["ConverseStream", "ConverseStream"]


def test_mistral_3_agent_loop_survives_bedrocks_own_tool_call_ids(
    emulator: BedrockEmulator,
) -> None:
    # Bedrock hands Mistral 3 a `tooluse_…` ID and then refuses it on the next turn; the
    # family rewrites IDs to nine letters or digits, the same way in call and result.
    model = _model(emulator, "mistral.mistral-large-3-675b-instruct").bind_tools([magic_function])
    question = HumanMessage("call magic_function with 3")
    asked = model.invoke([question])
    assert isinstance(asked, AIMessage)
    [call] = asked.tool_calls
    answer = model.invoke([question, asked, magic_function.invoke(call)])
    assert "The result of magic_function is 5." in answer.text
    sent = emulator.requests[-1].body or {}
    tool_use_ids = {
        block[kind]["toolUseId"]
        for message in sent["messages"]
        for block in message["content"]
        for kind in ("toolUse", "toolResult")
        if kind in block
    }
    assert len(tool_use_ids) == 1
    assert re.fullmatch(r"[a-zA-Z0-9]{9}", tool_use_ids.pop())
