"""Extended thinking: which models think how, Bedrock's refusals, and the reasoning rendered."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._reasoning import (
    THINKING_SUPPORT,
    Thinking,
    check_thinking,
    reasoning_text,
    redacted_payload,
    signature,
)
from langchain_bedrock_enhanced.emulator._replies import (
    converse_features,
    converse_response,
    converse_stream_events,
    generate_reply,
)
from langchain_bedrock_enhanced.emulator._types import (
    ConversationRequest,
    EmulatedError,
    ModelSpec,
    ReasoningBlock,
    Reply,
)

SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
OPUS_46 = "anthropic.claude-opus-4-6-v1"
OPUS_47 = "anthropic.claude-opus-4-7"
SONNET = ModelSpec(SONNET_45, "Claude Sonnet 4.5", "Anthropic", "claude", frozenset())
OPUS = ModelSpec(OPUS_46, "Claude Opus 4.6", "Anthropic", "claude", frozenset())
QUESTION = [{"role": "user", "content": [{"text": "What is 27 times 3?"}]}]


def _request(thinking: Any, **fields: Any) -> ConversationRequest:
    extra = fields.pop("additional_fields", {})
    return ConversationRequest(
        messages=QUESTION, additional_fields={"thinking": thinking, **extra}, **fields
    )


def _refusal(request: ConversationRequest, model_id: str = SONNET_45) -> str:
    with pytest.raises(EmulatedError) as caught:
        check_thinking(request, model_id)
    assert caught.value.code == "ValidationException"
    return caught.value.message


def test_budget_thinking_is_read_with_the_models_default_display() -> None:
    thinking = check_thinking(_request({"type": "enabled", "budget_tokens": 2048}), SONNET_45)
    assert thinking == Thinking("enabled", 2048, "summarized")


def test_adaptive_thinking_defaults_to_omitted_on_adaptive_only_models() -> None:
    assert check_thinking(_request({"type": "adaptive"}), OPUS_47) == Thinking(
        "adaptive", None, "omitted"
    )
    assert check_thinking(_request({"type": "adaptive"}), OPUS_46) == Thinking(
        "adaptive", None, "summarized"
    )


def test_no_thinking_disabled_thinking_and_models_that_do_not_think_give_none() -> None:
    assert check_thinking(ConversationRequest(messages=QUESTION), SONNET_45) is None
    assert check_thinking(_request({"type": "disabled"}), SONNET_45) is None
    assert (
        check_thinking(_request({"type": "enabled", "budget_tokens": 1}), "amazon.nova-lite-v1:0")
        is None
    )


def test_every_claude_model_from_3_7_on_thinks_in_at_least_one_way() -> None:
    assert all(support.budget or support.adaptive for support in THINKING_SUPPORT.values())
    assert "anthropic.claude-3-5-haiku-20241022-v1:0" not in THINKING_SUPPORT


@pytest.mark.parametrize(
    ("request_", "model_id", "expected"),
    [
        (
            _request({"type": "enabled", "budget_tokens": 1023}),
            SONNET_45,
            _errors.THINKING_BUDGET_TOO_SMALL,
        ),
        (
            _request({"type": "enabled", "budget_tokens": 4096}, max_tokens=4096),
            SONNET_45,
            _errors.THINKING_BUDGET_NOT_BELOW_MAX_TOKENS,
        ),
        (
            _request({"type": "enabled", "budget_tokens": 1024}, tool_choice="tool"),
            SONNET_45,
            _errors.THINKING_WITH_FORCED_TOOL,
        ),
        (
            _request({"type": "adaptive"}, tool_choice="any"),
            OPUS_47,
            _errors.THINKING_WITH_FORCED_TOOL,
        ),
        (_request({"type": "adaptive"}, temperature=0.0), OPUS_47, _errors.THINKING_TEMPERATURE),
        (_request({"type": "adaptive"}, top_p=0.9), OPUS_47, _errors.THINKING_TOP_P),
        (
            _request({"type": "adaptive"}, additional_fields={"top_k": 5}),
            OPUS_47,
            _errors.THINKING_TOP_K,
        ),
        (
            _request({"type": "enabled", "budget_tokens": 2048}),
            OPUS_47,
            _errors.THINKING_ENABLED_UNSUPPORTED,
        ),
        (_request({"type": "adaptive"}), SONNET_45, _errors.THINKING_ADAPTIVE_UNSUPPORTED),
        (_request({"type": "sometimes"}), SONNET_45, _errors.MALFORMED_INPUT),
        (
            _request({"type": "enabled", "budget_tokens": "1024"}),
            SONNET_45,
            _errors.MALFORMED_INPUT,
        ),
        (
            _request({"type": "adaptive", "display": "verbose"}),
            OPUS_46,
            _errors.THINKING_DISPLAY_INVALID.format(kind="adaptive"),
        ),
    ],
)
def test_thinking_bedrock_refuses_gets_its_text(
    request_: ConversationRequest, model_id: str, expected: str
) -> None:
    assert _refusal(request_, model_id) == expected


def test_auto_tool_choice_and_default_sampling_are_compatible_with_thinking() -> None:
    request = _request({"type": "enabled", "budget_tokens": 1024}, tool_choice="auto", top_p=0.95)
    assert check_thinking(request, SONNET_45) is not None


def test_reasoning_text_and_signature_are_deterministic() -> None:
    text = reasoning_text("What is 27 times 3?", None)
    assert text == reasoning_text("What is 27 times 3?", None)
    assert signature(SONNET_45, text) == signature(SONNET_45, text)
    assert signature(SONNET_45, text) != signature(OPUS_46, text)
    assert redacted_payload(SONNET_45, text) != text.encode()


def test_reasoning_text_keeps_the_first_forty_words_of_a_long_question() -> None:
    question = " ".join(f"w{i}" for i in range(100))
    assert '"w0 ' in reasoning_text(question, None)
    assert 'w39 ..."' in reasoning_text(question, None)
    assert "w40" not in reasoning_text(question, None)


def _with_thinking(thinking: dict[str, Any], **fields: Any) -> Reply:
    model = SONNET if thinking["type"] == "enabled" else OPUS
    request = _request(thinking, **fields)
    return converse_features(generate_reply(request, model), request, model, body=b"")


def test_reasoning_comes_first_and_its_tokens_are_output_tokens() -> None:
    plain = generate_reply(ConversationRequest(messages=QUESTION), SONNET)
    reply = _with_thinking({"type": "enabled", "budget_tokens": 1024})
    assert reply.reasoning is not None
    assert reply.output_tokens == plain.output_tokens + reply.reasoning.tokens
    content = converse_response(reply, latency_ms=0)["output"]["message"]["content"]
    assert list(content[0]) == ["reasoningContent"]
    assert content[0]["reasoningContent"]["reasoningText"]["signature"] == reply.reasoning.signature
    assert content[1] == {"text": plain.text}


def test_a_stream_sends_reasoning_text_then_the_signature_in_block_zero() -> None:
    block = ReasoningBlock("Thinking it over.", "c2ln", 3)
    reply = Reply(("Answer.",), "end_turn", 3, 4, reasoning=block)
    deltas = [p for n, p in converse_stream_events(reply, latency_ms=0) if n == "contentBlockDelta"]
    reasoning = [d["delta"]["reasoningContent"] for d in deltas if d["contentBlockIndex"] == 0]
    assert "".join(r.get("text", "") for r in reasoning) == "Thinking it over."
    assert reasoning[-1] == {"signature": "c2ln"}
    assert [d["delta"] for d in deltas if d["contentBlockIndex"] == 1] == [{"text": "Answer."}]


def test_redacted_reasoning_is_sent_as_base64_redacted_content() -> None:
    reply = Reply(("A.",), "end_turn", 1, 2, reasoning=ReasoningBlock("", "", 1, redacted=b"\x00x"))
    content = converse_response(reply, latency_ms=0)["output"]["message"]["content"]
    assert content[0] == {"reasoningContent": {"redactedContent": "AHg="}}


def test_reasoning_counts_against_max_tokens_and_cuts_the_answer() -> None:
    reply = _with_thinking({"type": "adaptive"}, max_tokens=15)
    assert reply.reasoning is not None
    assert reply.reasoning.tokens == 12
    assert (reply.text, reply.stop_reason, reply.output_tokens) == (
        "Emulated reply from",
        "max_tokens",
        15,
    )


def test_omitted_display_keeps_the_signature_and_the_token_count() -> None:
    shown = _with_thinking({"type": "adaptive", "display": "summarized"})
    hidden = _with_thinking({"type": "adaptive", "display": "omitted"})
    assert shown.reasoning is not None
    assert hidden.reasoning is not None
    assert (hidden.reasoning.text, hidden.reasoning.signature) == ("", shown.reasoning.signature)
    assert hidden.output_tokens == shown.output_tokens
