"""Guardrails a scenario defines, and how a Converse call with `guardrailConfig` meets them.

A guardrail here is what a test needs from Bedrock Guardrails: an ID, its versions and
regions, denied words and denied topics (each topic a list of phrases, matched whole,
ignoring case), and the blocked messaging. Bedrock's own topic detection is semantic;
the emulator's is literal, so a test knows which prompt is blocked.

What a call meets (Converse and ConverseStream; the InvokeModel guardrail headers are
not modelled):

- `guardrailConfig` naming no guardrail of the scenario, no version of it, or one from
  another region or account: `ValidationException` "The guardrail identifier or version
  provided in the request does not exist." (Bedrock's answer to both, seen live; not the
  `ResourceNotFoundException` one might expect);
- input: the text of the conversation's messages, or only its `guardContent` blocks when
  it has any (tool uses and results are not assessed, as AWS documents). A match skips
  the model: the answer is the blocked-input messaging;
- output: the reply's text; a match replaces it with the blocked-outputs messaging;
- either way `stopReason` is `guardrail_intervened`, and with `trace` `enabled` or
  `enabled_full` the response carries `trace.guardrail` in botocore's
  `GuardrailTraceAssessment` shape (`inputAssessment` by guardrail ID, `outputAssessments`
  by ID as a list, and `modelOutput` with `enabled_full`), on streams in `metadata`.

The response shape follows a recorded Bedrock answer (vercel/ai fixture
`amazon-bedrock-guard-content-intervened.json`: the configured message as the text,
`stopReason: guardrail_intervened`, `trace.guardrail.inputAssessment.<id>.topicPolicy`).
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._replies import token_pieces
from langchain_bedrock_enhanced.emulator._types import ConversationRequest, EmulatedError, Reply

__all__ = [
    "DEFAULT_BLOCKED_MESSAGING",
    "DeniedTopic",
    "GuardrailCall",
    "GuardrailSpec",
    "apply_guardrail",
    "guardrail_for",
]

DEFAULT_BLOCKED_MESSAGING: Final = "Sorry, the model cannot answer this question."
"""The console's default blocked messaging, as a recorded Bedrock answer carries it."""

# botocore's GuardrailIdentifier, GuardrailVersion, GuardrailTrace and
# GuardrailStreamProcessingMode shapes (bedrock-runtime service-2.json).
_IDENTIFIER_PATTERN: Final = (
    "(|([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))"
)
_VERSION_PATTERN: Final = "(|([1-9][0-9]{0,7})|(DRAFT))"
_ARN: Final = re.compile(
    r"arn:aws(?:-[^:]+)?:bedrock:(?P<region>[a-z0-9-]{1,20}):(?P<account>[0-9]{12}):"
    r"guardrail/(?P<id>[a-z0-9]+)"
)
_TRACES: Final = ("enabled", "disabled", "enabled_full")
_MODES: Final = ("sync", "async")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DeniedTopic(_Frozen):
    """A denied topic: a name, and the phrases that count as raising it."""

    name: str = Field(min_length=1)
    """The topic's name, as the trace reports it."""
    phrases: tuple[str, ...] = Field(min_length=1)
    """Words or phrases that raise the topic, matched whole and ignoring case."""


class GuardrailSpec(_Frozen):
    """One guardrail of the emulated account.

    Example:
        >>> spec = GuardrailSpec(id="gr0abc123def", blocked_words=["forbidden"])
        >>> spec.versions, spec.blocked_input_messaging
        (('DRAFT', '1'), 'Sorry, the model cannot answer this question.')
    """

    id: str = Field(pattern=r"^[a-z0-9]+$")
    """The guardrail ID (`guardrailIdentifier`, or the last part of its ARN)."""
    name: str = ""
    """A name for the reader of the scenario."""
    versions: tuple[str, ...] = ("DRAFT", "1")
    """The versions that exist: `DRAFT` and published numbers."""
    regions: tuple[str, ...] | None = None
    """The regions the guardrail exists in (guardrails are regional); every region if omitted."""
    blocked_words: tuple[str, ...] = ()
    """Denied words or phrases (the word policy's custom words)."""
    denied_topics: tuple[DeniedTopic, ...] = ()
    """Denied topics (the topic policy)."""
    blocked_input_messaging: str = DEFAULT_BLOCKED_MESSAGING
    """The answer when the input is blocked."""
    blocked_outputs_messaging: str = DEFAULT_BLOCKED_MESSAGING
    """The answer when the model's output is blocked."""


@dataclass(frozen=True)
class GuardrailCall:
    """The guardrail a request named, and how much trace it asked for."""

    spec: GuardrailSpec
    trace: str
    """`enabled`, `disabled` or `enabled_full`."""


def guardrail_for(
    config: Any,  # noqa: ANN401 - the untrusted `guardrailConfig` member
    guardrails: Sequence[GuardrailSpec],
    *,
    region: str,
    account_id: str,
) -> GuardrailCall | None:
    """The scenario's guardrail a `guardrailConfig` names, or Bedrock's refusal.

    Args:
        config: The request's `guardrailConfig`, or None.
        guardrails: The scenario's guardrails.
        region: The caller's region.
        account_id: The emulated account, which a guardrail ARN must name.

    Returns:
        None when the request has no `guardrailConfig`.

    Raises:
        EmulatedError: `ValidationException`: a member that breaks botocore's pattern or
            enum (the AWS constraint message), or a guardrail or version that does not exist.

    Example:
        >>> spec = GuardrailSpec(id="gr0abc123def")
        >>> call = guardrail_for({"guardrailIdentifier": "gr0abc123def", "guardrailVersion": "1",
        ...                       "trace": "enabled"}, [spec], region="us-east-1",
        ...                      account_id="123456789012")
        >>> call.trace
        'enabled'
    """
    if config is None:
        return None
    if not isinstance(config, Mapping):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    identifier = config.get("guardrailIdentifier", "")
    version = config.get("guardrailVersion", "")
    trace = config.get("trace", "disabled")
    _check_shapes(identifier, version, trace, config.get("streamProcessingMode"))
    found = _ARN.fullmatch(str(identifier))
    guardrail_id = found["id"] if found else str(identifier)
    for spec in guardrails:
        if (
            spec.id == guardrail_id
            and str(version) in spec.versions
            and (spec.regions is None or region in spec.regions)
            and (found is None or (found["region"] == region and found["account"] == account_id))
        ):
            return GuardrailCall(spec, str(trace))
    raise EmulatedError("ValidationException", _errors.GUARDRAIL_NOT_FOUND)


def apply_guardrail(
    call: GuardrailCall, request: ConversationRequest, reply: Reply
) -> tuple[Reply, dict[str, Any] | None]:
    """Assess the input, then the reply, and intervene as Bedrock does.

    Args:
        call: The guardrail the request named.
        request: The request; its messages are assessed.
        reply: The model's reply, assessed unless the input was blocked.

    Returns:
        The reply (the blocked messaging with `stop_reason="guardrail_intervened"` when
        the guardrail intervened) and the `trace` member (None unless tracing is on).

    Example:
        >>> spec = GuardrailSpec(id="gr0abc123def", blocked_words=["secret"],
        ...                      blocked_input_messaging="Blocked.")
        >>> request = ConversationRequest(
        ...     messages=[{"role": "user", "content": [{"text": "Tell me the SECRET"}]}])
        >>> answer, trace = apply_guardrail(GuardrailCall(spec, "enabled"), request,
        ...                                 Reply(("Sure",), "end_turn", 5, 1))
        >>> answer.text, answer.stop_reason
        ('Blocked.', 'guardrail_intervened')
        >>> trace["guardrail"]["inputAssessment"]["gr0abc123def"]["wordPolicy"]["customWords"]
        [{'match': 'secret', 'action': 'BLOCKED', 'detected': True}]
    """
    spec = call.spec
    inputs = _assess(spec, _input_texts(request.messages))
    trace: dict[str, Any] = {"inputAssessment": {spec.id: inputs or {}}}
    if inputs:
        answer = _intervened(reply, spec.blocked_input_messaging)
    else:
        outputs = _assess(spec, [reply.text])
        trace["outputAssessments"] = {spec.id: [outputs or {}]}
        answer = reply if not outputs else _intervened(reply, spec.blocked_outputs_messaging)
        if outputs and call.trace == "enabled_full":
            trace["modelOutput"] = [reply.text]
    if call.trace == "disabled":
        return answer, None
    return answer, {"guardrail": trace}


def _check_shapes(identifier: Any, version: Any, trace: Any, mode: Any) -> None:  # noqa: ANN401
    violations: list[str] = []
    checks = (
        ("guardrailIdentifier", identifier, _IDENTIFIER_PATTERN),
        ("guardrailVersion", version, _VERSION_PATTERN),
    )
    for name, value, pattern in checks:
        if not isinstance(value, str) or not _compiled(pattern).fullmatch(value):
            violations.append(
                f"Value '{value}' at 'guardrailConfig.{name}' failed to satisfy constraint: "
                f"Member must satisfy regular expression pattern: {pattern}"
            )
    for name, value, allowed in (("trace", trace, _TRACES), ("streamProcessingMode", mode, _MODES)):
        if value is not None and value not in allowed:
            violations.append(
                f"Value '{value}' at 'guardrailConfig.{name}' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(allowed)}]"
            )
    if violations:
        count = len(violations)
        noun = "error" if count == 1 else "errors"
        message = f"{count} validation {noun} detected: " + "; ".join(violations)
        raise EmulatedError("ValidationException", message)


def _input_texts(messages: Sequence[Mapping[str, Any]]) -> list[str]:
    """`guardContent` texts when there are any, else every text block (AWS's rule)."""
    guarded: list[str] = []
    texts: list[str] = []
    for message in messages:
        for block in message["content"]:
            guard = block.get("guardContent")
            if isinstance(guard, Mapping):
                inner = guard.get("text")
                if isinstance(inner, Mapping) and isinstance(inner.get("text"), str):
                    guarded.append(inner["text"])
            elif isinstance(block.get("text"), str):
                texts.append(block["text"])
    return guarded or texts


def _assess(spec: GuardrailSpec, texts: Sequence[str]) -> dict[str, Any]:
    """The `GuardrailAssessment` of the policies that blocked; empty when none did."""
    joined = "\n".join(texts)
    assessment: dict[str, Any] = {}
    words = [word for word in spec.blocked_words if _mentions(joined, word)]
    if words:
        custom = [{"match": word, "action": "BLOCKED", "detected": True} for word in words]
        assessment["wordPolicy"] = {"customWords": custom, "managedWordLists": []}
    topics = [
        {"name": topic.name, "type": "DENY", "action": "BLOCKED", "detected": True}
        for topic in spec.denied_topics
        if any(_mentions(joined, phrase) for phrase in topic.phrases)
    ]
    if topics:
        assessment["topicPolicy"] = {"topics": topics}
    return assessment


def _intervened(reply: Reply, message: str) -> Reply:
    # `replace` keeps what the reply counted of the input (cache reads and writes too).
    return dataclasses.replace(
        reply,
        blocks=(message,),
        stop_reason="guardrail_intervened",
        output_tokens=len(token_pieces(message)),
        stop_sequence=None,
    )


def _mentions(text: str, phrase: str) -> bool:
    return bool(phrase) and _phrase(phrase).search(text) is not None


@functools.cache
def _phrase(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)
