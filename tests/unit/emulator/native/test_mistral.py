"""Mistral's native body: the `[INST]` prompt form and the chat form with `choices`."""

from __future__ import annotations

from langchain_bedrock_enhanced.emulator._types import Reply, ToolUseBlock
from langchain_bedrock_enhanced.emulator.native import native_response, native_stream_chunks
from tests.unit.emulator.native.samples import TOOL_REPLY, WEATHER_SCHEMA, parse, user

# --- Request bodies -----------------------------------------------------------------------------


def test_mistral_inst_prompt_is_read_back_into_turns():
    prompt = "<s>[INST] Hi [/INST] Hello!</s>[INST] What is 2+2? [/INST]"

    request = parse("mistral", {"prompt": prompt, "max_tokens": 30, "stop": "###", "top_k": 5})

    assert request.messages == [
        user("Hi"),
        {"role": "assistant", "content": [{"text": "Hello!"}]},
        user("What is 2+2?"),
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

    request = parse("mistral", body)

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


# --- Response bodies and stream chunks ----------------------------------------------------------


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


def test_mistral_chat_stream_sends_tool_calls_whole_with_the_last_chunk():
    call = ToolUseBlock("tooluse_x", "get_weather", {"city": "Paris"})
    reply = Reply(("Let me check the weather.", call), "tool_use", 30, 8)

    chunks = native_stream_chunks(
        "mistral", reply, model_id="mistral.mistral-large-2407-v1:0", latency_ms=1, chat=True
    )

    choices = [chunk["choices"][0] for chunk in chunks]
    assert len(choices) > 1
    assert "".join(c["message"]["content"] for c in choices) == "Let me check the weather."
    assert [c["stop_reason"] for c in choices] == [None] * (len(choices) - 1) + ["tool_calls"]
    assert ["tool_calls" in c["message"] for c in choices] == [False] * (len(choices) - 1) + [True]
    assert choices[-1]["message"]["tool_calls"][0]["function"]["name"] == "get_weather"
