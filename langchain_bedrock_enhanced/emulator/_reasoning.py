"""Extended thinking on Claude: which models think how, what Bedrock refuses, and the reasoning.

A Converse request asks for reasoning with `additionalModelRequestFields.thinking`:
`{"type": "enabled", "budget_tokens": N}` (a fixed budget) or `{"type": "adaptive"}`
(the model decides), each with an optional `display` (`summarized` or `omitted`).
`check_thinking` validates it against the model's facts (`THINKING_SUPPORT`) and
Bedrock's rules, raising Bedrock's verbatim errors; `reasoning_text`, `signature` and
`redacted_payload` build the deterministic reasoning the reply carries.

Not modelled: thinking on by default (Claude Opus 5, Sonnet 5 and Fable 5 think when
`thinking` is unset; the emulator only reasons when asked), `output_config.effort`,
interleaved thinking between tool calls, and native InvokeModel bodies.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._types import ConversationRequest, EmulatedError

__all__ = [
    "MIN_BUDGET_TOKENS",
    "THINKING_SUPPORT",
    "Thinking",
    "ThinkingSupport",
    "check_thinking",
    "reasoning_text",
    "redacted_payload",
    "signature",
]

Display = Literal["summarized", "omitted"]
ThinkingKind = Literal["enabled", "adaptive"]

MIN_BUDGET_TOKENS: Final = 1024
"""The smallest `budget_tokens` Bedrock accepts (LibreChat#8346, verbatim error above)."""
_MIN_TOP_P: Final = 0.95
# Anthropic's extended-thinking docs: with thinking on, top_p may be set between 0.95 and 1
# (SEMOSS/Semoss#1655, memberjunction ResolveSamplingParams); lower values are refused.
_DISPLAYS: Final = ("summarized", "omitted")
_FORCED_CHOICES: Final = frozenset({"any", "tool"})
_QUESTION_WORDS: Final = 40


@dataclass(frozen=True)
class ThinkingSupport:
    """How one model reasons.

    Example:
        >>> THINKING_SUPPORT["anthropic.claude-opus-4-7"].budget
        False
    """

    budget: bool
    """Whether `{"type": "enabled", "budget_tokens": N}` is accepted."""
    adaptive: bool
    """Whether `{"type": "adaptive"}` is accepted."""
    default_display: Display = "summarized"
    """The `display` used when the request names none."""


_BUDGET = ThinkingSupport(budget=True, adaptive=False)
_BOTH = ThinkingSupport(budget=True, adaptive=True)
_ADAPTIVE_ONLY = ThinkingSupport(budget=False, adaptive=True, default_display="omitted")

# Sources. Budget thinking: AWS, "Extended thinking" (docs.aws.amazon.com/bedrock/latest/
# userguide/claude-messages-extended-thinking.html: 3.7 Sonnet, Opus 4, Sonnet 4, Sonnet 4.5,
# Haiku 4.5, Opus 4.5, Opus 4.6, Sonnet 4.6); Opus 4.1 from Anthropic's extended-thinking
# model list. Adaptive thinking: AWS, "Adaptive thinking" (claude-messages-adaptive-thinking:
# Opus 4.6, Sonnet 4.6, Opus 4.7, Opus 5, Sonnet 5, Fable 5; Opus 4.7 and Fable 5 adaptive
# only), Opus 4.8 from Anthropic's thinking page ("On Claude Opus 4.8, Opus 4.7, Opus 4.6 and
# Sonnet 4.6, thinking is off until you set thinking: {type: adaptive}"). Budget thinking
# refused on Opus 4.7, 4.8, Opus 5 and Sonnet 5: AWS model card for Opus 4.7 and the verbatim
# Bedrock errors in `_errors.THINKING_ENABLED_UNSUPPORTED`. Default display `omitted` on Opus
# 4.7 and later, Sonnet 5 and Fable 5 (Anthropic thinking page; docker/docker-agent#3415).
THINKING_SUPPORT: Final[Mapping[str, ThinkingSupport]] = {
    "anthropic.claude-3-7-sonnet-20250219-v1:0": _BUDGET,
    "anthropic.claude-sonnet-4-20250514-v1:0": _BUDGET,
    "anthropic.claude-opus-4-20250514-v1:0": _BUDGET,
    "anthropic.claude-opus-4-1-20250805-v1:0": _BUDGET,
    "anthropic.claude-sonnet-4-5-20250929-v1:0": _BUDGET,
    "anthropic.claude-haiku-4-5-20251001-v1:0": _BUDGET,
    "anthropic.claude-opus-4-5-20251101-v1:0": _BUDGET,
    "anthropic.claude-opus-4-6-v1": _BOTH,
    "anthropic.claude-sonnet-4-6": _BOTH,
    "anthropic.claude-opus-4-7": _ADAPTIVE_ONLY,
    "anthropic.claude-opus-4-8": _ADAPTIVE_ONLY,
    "anthropic.claude-sonnet-5": _ADAPTIVE_ONLY,
    "anthropic.claude-opus-5": _ADAPTIVE_ONLY,
    "anthropic.claude-fable-5": _ADAPTIVE_ONLY,
}
"""Which base models think, and how; a model missing here ignores `thinking`."""


@dataclass(frozen=True)
class Thinking:
    """A validated thinking request.

    Example:
        >>> Thinking("adaptive", None, "summarized").budget_tokens is None
        True
    """

    kind: ThinkingKind
    """`enabled` (a fixed budget) or `adaptive`."""
    budget_tokens: int | None
    """The budget of an `enabled` request."""
    display: Display
    """Whether the reasoning text is shown (`summarized`) or only signed (`omitted`)."""


def check_thinking(request: ConversationRequest, model_id: str) -> Thinking | None:
    """Read and validate `additionalModelRequestFields.thinking` as Bedrock does.

    Args:
        request: The normalised Converse request.
        model_id: The base model answering.

    Returns:
        The thinking asked for, or `None` when none is asked for, it is `disabled`, or
        the model is not one that thinks (`THINKING_SUPPORT`).

    Raises:
        EmulatedError: `ValidationException` with Bedrock's text for an unsupported
            thinking type, a budget under 1024 or not under `maxTokens`, a forced
            `toolChoice`, or `temperature`, `top_p` or `top_k` that thinking forbids.

    Example:
        >>> request = ConversationRequest(
        ...     messages=[], max_tokens=2000,
        ...     additional_fields={"thinking": {"type": "enabled", "budget_tokens": 512}})
        >>> check_thinking(request, "anthropic.claude-sonnet-4-5-20250929-v1:0")
        Traceback (most recent call last):
        ...
        langchain_bedrock_enhanced.emulator._types.EmulatedError: ValidationException: ...
    """
    raw = request.additional_fields.get("thinking")
    support = THINKING_SUPPORT.get(model_id)
    if raw is None or support is None:
        return None
    if not isinstance(raw, Mapping):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    kind = raw.get("type")
    if kind == "disabled":
        return None
    thinking = _thinking(raw, kind, support, request.max_tokens)
    _check_compatible(request)
    return thinking


def _thinking(
    raw: Mapping[str, Any], kind: object, support: ThinkingSupport, max_tokens: int | None
) -> Thinking:
    budget: int | None = None
    if kind == "enabled":
        if not support.budget:
            raise EmulatedError("ValidationException", _errors.THINKING_ENABLED_UNSUPPORTED)
        budget = _budget(raw.get("budget_tokens"))
        if budget < MIN_BUDGET_TOKENS:
            raise EmulatedError("ValidationException", _errors.THINKING_BUDGET_TOO_SMALL)
        # Bedrock fills its own maxTokens when the request has none; that default is
        # not documented, so only an explicit maxTokens is compared.
        if max_tokens is not None and budget >= max_tokens:
            raise EmulatedError("ValidationException", _errors.THINKING_BUDGET_NOT_BELOW_MAX_TOKENS)
    elif kind == "adaptive":
        if not support.adaptive:
            raise EmulatedError("ValidationException", _errors.THINKING_ADAPTIVE_UNSUPPORTED)
    else:
        # An unknown type has no verbatim sample: the generic text, as for any bad body.
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    display = raw.get("display", support.default_display)
    if display not in _DISPLAYS:
        message = _errors.THINKING_DISPLAY_INVALID.format(kind=kind)
        raise EmulatedError("ValidationException", message)
    chosen: ThinkingKind = "enabled" if kind == "enabled" else "adaptive"
    shown: Display = "omitted" if display == "omitted" else "summarized"
    return Thinking(chosen, budget, shown)


def _budget(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    return value


def _check_compatible(request: ConversationRequest) -> None:
    if request.tool_choice in _FORCED_CHOICES:
        raise EmulatedError("ValidationException", _errors.THINKING_WITH_FORCED_TOOL)
    if request.temperature is not None and request.temperature != 1:
        raise EmulatedError("ValidationException", _errors.THINKING_TEMPERATURE)
    if request.top_p is not None and request.top_p < _MIN_TOP_P:
        raise EmulatedError("ValidationException", _errors.THINKING_TOP_P)
    if request.additional_fields.get("top_k") is not None:
        raise EmulatedError("ValidationException", _errors.THINKING_TOP_K)


def reasoning_text(question: str, tool_name: str | None) -> str:
    """The deterministic reasoning for a question: what is asked, and how it will be answered.

    Args:
        question: The last user turn's text.
        tool_name: The tool the reply calls, if any.

    Returns:
        A short paragraph; the question is cut to its first 40 words.

    Example:
        >>> reasoning_text("What is 2 + 2?", None)
        'The user asks: "What is 2 + 2?". I will answer directly.'
        >>> reasoning_text("Weather in Paris?", "get_weather")[-56:]
        'The get_weather tool can answer this, so I will call it.'
    """
    words = question.split()
    asked = " ".join(words[:_QUESTION_WORDS]) + (" ..." if len(words) > _QUESTION_WORDS else "")
    plan = (
        "I will answer directly."
        if tool_name is None
        else f"The {tool_name} tool can answer this, so I will call it."
    )
    return f'The user asks: "{asked}". {plan}'


def signature(model_id: str, text: str) -> str:
    """A deterministic stand-in for the signature that vouches for a reasoning block.

    Example:
        >>> len(signature("anthropic.claude-sonnet-4-5-20250929-v1:0", "x"))
        88
    """
    digest = hashlib.sha512(f"{model_id}\n{text}".encode()).digest()
    return base64.b64encode(digest).decode("ascii")


def redacted_payload(model_id: str, text: str) -> bytes:
    """The opaque bytes sent as `redactedContent` instead of the reasoning text.

    Example:
        >>> redacted_payload("m", "x").startswith(b"emulator-redacted-reasoning:")
        True
    """
    return b"emulator-redacted-reasoning:" + hashlib.sha256(f"{model_id}\n{text}".encode()).digest()
