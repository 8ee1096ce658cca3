"""Dispatch by family: decoding, the chat-form probe, invocation metrics, text round trips."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from langchain_bedrock_enhanced.emulator import _errors, native
from langchain_bedrock_enhanced.emulator._replies import generate_reply
from langchain_bedrock_enhanced.emulator._types import ConversationRequest, Family, ModelSpec
from langchain_bedrock_enhanced.emulator.native import (
    invoke_metrics_headers,
    is_chat_body,
    native_response,
    native_stream_chunks,
)
from tests.unit.emulator.native.samples import (
    FAMILIES,
    TEXT_REPLY,
    claude_body,
    rejection,
    user,
)


def test_every_family_has_a_native_format():
    # `converse` is the family of models with no native body (Converse only).
    assert set(native._FORMATS) == set(get_args(Family)) - {"converse"} == set(FAMILIES)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", b"\xff\xfe"], ids=["bad", "list", "bytes"]
)
def test_body_that_is_not_a_json_object_is_malformed(family: Family, body: bytes):
    assert rejection(family, body) == _errors.MALFORMED_INPUT


@pytest.mark.parametrize(
    ("family", "body"),
    [
        (
            "claude",
            claude_body(messages=[{"role": "user", "content": [{"type": "image", "source": 3}]}]),
        ),
        ("claude", claude_body(tools=[{"name": "f", "input_schema": {}}], tool_choice="any")),
        ("mistral", {"messages": [{"role": "assistant", "content": "", "tool_calls": ["x"]}]}),
        ("nova", {"messages": [{"role": "user", "content": "Hi"}]}),
        ("nova", {"messages": [], "inferenceConfig": {"maxTokens": "ten"}}),
    ],
)
def test_nested_values_of_the_wrong_shape_are_malformed_input_not_crashes(
    family: Family, body: dict[str, Any]
):
    assert rejection(family, body).startswith("Malformed input request")


def test_only_mistral_bodies_with_messages_use_the_chat_form():
    assert is_chat_body("mistral", b'{"messages": []}')
    assert not is_chat_body("mistral", b'{"prompt": "[INST] Hi [/INST]"}')
    assert not is_chat_body("nova", b'{"messages": []}')
    assert not is_chat_body("mistral", b"{broken")


def test_invoke_metrics_headers_carry_token_counts_and_latency():
    assert invoke_metrics_headers(TEXT_REPLY, 321) == {
        "X-Amzn-Bedrock-Input-Token-Count": "12",
        "X-Amzn-Bedrock-Output-Token-Count": "3",
        "X-Amzn-Bedrock-Invocation-Latency": "321",
    }


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
    request = ConversationRequest(messages=[user(prompt)], max_tokens=max_tokens)
    reply = generate_reply(request, model)

    chunks = native_stream_chunks(family, reply, model_id="m.model", latency_ms=3, chat=chat)
    body = native_response(family, reply, model_id="m.model", latency_ms=3, chat=chat)

    assert _streamed_text(family, chunks) == _full_text(family, body) == reply.text
