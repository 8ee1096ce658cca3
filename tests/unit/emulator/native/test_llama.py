"""Llama's native body: the Llama 3 chat template, generations and their stream counts."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_bedrock_enhanced.emulator._types import Reply
from langchain_bedrock_enhanced.emulator.native import native_response, native_stream_chunks
from tests.unit.emulator.native.samples import TEXT_REPLY, TOOL_REPLY, parse, user


def test_llama_3_template_is_read_back_into_system_and_turns():
    prompt = (
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )

    request = parse("llama", {"prompt": prompt, "max_gen_len": 64, "temperature": 0.1})

    assert request.system == ["Be brief."]
    assert request.messages == [
        user("Hi!"),
        {"role": "assistant", "content": [{"text": "Hello."}]},
        user("What is 2+2?"),
    ]
    assert (request.max_tokens, request.temperature) == (64, 0.1)


def test_llama_plain_prompt_is_one_user_message():
    request = parse("llama", {"prompt": "  Tell me a joke  "})

    assert request.messages == [user("Tell me a joke")]
    assert request.system == []


def test_llama_2_inst_prompt_is_read_back_into_turns():
    request = parse("llama", {"prompt": "<s>[INST] Hi [/INST] Hello!</s>[INST] Bye [/INST]"})

    assert request.messages == [
        user("Hi"),
        {"role": "assistant", "content": [{"text": "Hello!"}]},
        user("Bye"),
    ]
    assert request.system == []


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


def test_llama_response_writes_a_tool_call_as_text_and_stops_normally():
    body = native_response("llama", TOOL_REPLY, model_id="m", latency_ms=1)

    assert body["generation"] == 'Checking.{"name":"get_weather","parameters":{"city":"Paris"}}'
    assert body["stop_reason"] == "stop"


def test_llama_stream_counts_prompt_once_and_generation_cumulatively():
    chunks = native_stream_chunks("llama", TEXT_REPLY, model_id="m", latency_ms=1)

    assert [c["prompt_token_count"] for c in chunks] == [12] + [None] * (len(chunks) - 1)
    assert [c["generation_token_count"] for c in chunks] == [2, 3]
    assert [c["stop_reason"] for c in chunks] == [None, "stop"]
