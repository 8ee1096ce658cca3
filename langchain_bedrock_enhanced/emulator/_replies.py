"""Deterministic replies, and their Converse / ConverseStream rendering.

The emulator never samples: the same request always gets the same reply, so
tests can assert on it. A reply is built from the request alone:

- a tool call when the request forces one (`toolChoice` any/tool) or the last
  user turn names or matches a tool (`_agent`), with the values the prompt states
  for its input and schema-valid defaults for the rest (`_tool_arguments`);
- otherwise JSON for `outputConfig`'s schema, when one is given;
- otherwise, when the prompt quotes a JSON Schema in a ```json fence and asks for
  JSON, a fenced instance of it after a line of prose (`_json_requests`);
- otherwise `"Emulated reply from <model name>: <last user text>"`, or, when the
  user just answered a tool call, a sentence reporting the tool's result.

Text is measured in "token pieces": a word with the whitespace before it. The
output-token count is the number of pieces, so `maxTokens=N` keeps exactly N.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from typing import Any, Final

from langchain_bedrock_enhanced.emulator import _errors, _reasoning
from langchain_bedrock_enhanced.emulator._agent import (
    choose_tool,
    last_user_text,
    tool_result_answer,
)
from langchain_bedrock_enhanced.emulator._citations import citable_passages, cite
from langchain_bedrock_enhanced.emulator._json import load_json
from langchain_bedrock_enhanced.emulator._json_requests import json_answer, schema_asked_for
from langchain_bedrock_enhanced.emulator._schema_instances import instance_for_schema
from langchain_bedrock_enhanced.emulator._tool_arguments import tool_input
from langchain_bedrock_enhanced.emulator._types import (
    CitationsBlock,
    ConversationRequest,
    EmulatedError,
    ModelSpec,
    ReasoningBlock,
    Reply,
    StopReason,
    ToolChoiceKind,
    ToolSpec,
    ToolUseBlock,
)

__all__ = [
    "check_capabilities",
    "compact_json",
    "converse_features",
    "converse_response",
    "converse_stream_events",
    "count_input_tokens",
    "generate_reply",
    "instance_for_schema",
    "json_deltas",
    "parse_converse_request",
    "parse_tool_config",
    "rejects_temperature_with_top_p",
    "text_deltas",
    "token_pieces",
    "with_cache",
]

_CHARS_PER_TOKEN: Final = 4
_DEFAULT_OUTPUT_CAP: Final = 4096
_PIECES_PER_DELTA: Final = 2
# No model streams a token of this length, and one event-stream frame may not pass
# 24 MB (botocore refuses larger ones), so a longer "word" is streamed in slices.
_MAX_DELTA_PIECE: Final = 4096
_JSON_DELTA_CHARS: Final = 12
# Leading whitespace belongs to the word after it, as in BPE vocabularies, so a
# truncated text never ends in a space; a whitespace-only tail is its own piece.
_PIECE: Final = re.compile(r"\s*\S+|\s+")
_CLAUDE_VERSION: Final = re.compile(
    r"anthropic\.claude-(?:sonnet|haiku|opus|fable)-(\d+)(?:-(\d)(?!\d))?"
)
_FIRST_SAMPLING_EXCLUSIVE: Final = (4, 5)
_NO_TOOL_USE: Final = "This model doesn't support tool use."
# Emulator wording: no verbatim sample of Bedrock's answer to an empty conversation.
_NO_MESSAGES: Final = (
    "A conversation must contain at least one message. "
    "Try again with a conversation that starts with a user message."
)
_TOOL_CHOICES: Final[tuple[ToolChoiceKind, ...]] = ("auto", "any", "tool")


def parse_converse_request(body: Mapping[str, Any]) -> ConversationRequest:
    """Normalise a Converse or ConverseStream JSON body.

    Args:
        body: The decoded request body (protocol §1.5).

    Returns:
        The request, with Converse-shaped messages kept as sent.

    Raises:
        EmulatedError: `ValidationException` for an empty conversation, an
            out-of-range `inferenceConfig`, a first message that is not the
            user's, or tool blocks without `toolConfig`.

    Example:
        >>> request = parse_converse_request(
        ...     {"messages": [{"role": "user", "content": [{"text": "Hi"}]}]}
        ... )
        >>> request.messages[0]["content"][0]["text"]
        'Hi'
    """
    inference = _mapping(body.get("inferenceConfig"))
    _check_inference_ranges(inference)
    messages = _parse_messages(body.get("messages"))
    if messages[0]["role"] != "user":
        raise EmulatedError("ValidationException", _errors.FIRST_MESSAGE_NOT_USER)
    if body.get("toolConfig") is None and _has_tool_blocks(messages):
        raise EmulatedError("ValidationException", _errors.TOOL_CONFIG_REQUIRED)
    tools, choice, choice_name = parse_tool_config(body.get("toolConfig"))
    return ConversationRequest(
        messages=messages,
        system=[str(b["text"]) for b in _list(body.get("system")) if _has_text(b)],
        max_tokens=_optional_int(inference.get("maxTokens")),
        temperature=_optional_float(inference.get("temperature")),
        top_p=_optional_float(inference.get("topP")),
        stop_sequences=[str(s) for s in _list(inference.get("stopSequences"))],
        tools=tools,
        tool_choice=choice,
        tool_choice_name=choice_name,
        output_schema=_output_schema(body.get("outputConfig")),
        additional_fields=dict(_mapping(body.get("additionalModelRequestFields"))),
    )


def parse_tool_config(
    config: Any,  # noqa: ANN401 - an untrusted JSON value
) -> tuple[list[ToolSpec], ToolChoiceKind | None, str | None]:
    """Read a Converse-shaped `toolConfig` (also used by Nova's native body).

    Args:
        config: `{"tools": [{"toolSpec": ...}], "toolChoice": {...}}` or `None`.

    Returns:
        The tools (entries other than `toolSpec`, such as `cachePoint`, are
        skipped), the tool-choice kind and the name `toolChoice.tool` names.

    Example:
        >>> tools, choice, name = parse_tool_config(
        ...     {"tools": [{"toolSpec": {"name": "f", "inputSchema": {"json": {}}}}],
        ...      "toolChoice": {"tool": {"name": "f"}}}
        ... )
        >>> ([t.name for t in tools], choice, name)
        (['f'], 'tool', 'f')
    """
    config = _mapping(config)
    tools: list[ToolSpec] = []
    for entry in _list(config.get("tools")):
        spec = _mapping(_mapping(entry).get("toolSpec"))
        if spec:
            schema = _json_document(_mapping(spec.get("inputSchema")).get("json", {}))
            tools.append(
                ToolSpec(str(spec.get("name", "")), str(spec.get("description", "")), schema)
            )
    choice_body = _mapping(config.get("toolChoice"))
    choice = next((kind for kind in _TOOL_CHOICES if kind in choice_body), None)
    name = _mapping(choice_body.get("tool")).get("name") if choice == "tool" else None
    return tools, choice, None if name is None else str(name)


def check_capabilities(request: ConversationRequest, model: ModelSpec, *, streaming: bool) -> None:
    """Refuse what `model` cannot do, with Bedrock's verbatim texts.

    Sampling conflicts (temperature with top_p on Claude 4.5+) are left to the
    caller; see `rejects_temperature_with_top_p`.

    Args:
        request: The normalised request.
        model: The model being invoked.
        streaming: Whether the call is ConverseStream / a streaming invoke.

    Raises:
        EmulatedError: `ValidationException` naming the unsupported feature.

    Example:
        >>> from langchain_bedrock_enhanced.emulator._types import ModelSpec
        >>> mistral = ModelSpec("mistral.mistral-7b-instruct-v0:2", "Mistral 7B",
        ...                     "Mistral AI", "mistral", frozenset(), system_prompts=False)
        >>> check_capabilities(ConversationRequest(messages=[], system=["Be brief"]),
        ...                    mistral, streaming=False)
        Traceback (most recent call last):
        ...
        langchain_bedrock_enhanced.emulator._types.EmulatedError: ValidationException: ...
    """
    if request.system and not model.system_prompts:
        raise EmulatedError("ValidationException", _errors.NO_SYSTEM_MESSAGES)
    if request.tools and not model.tool_use:
        raise EmulatedError("ValidationException", _NO_TOOL_USE)
    if request.tools and streaming and not model.streaming_tool_use:
        raise EmulatedError("ValidationException", _errors.NO_STREAMING_TOOL_USE)
    if request.tool_choice is not None and request.tool_choice not in model.tool_choice:
        message = _errors.TOOL_CHOICE_UNSUPPORTED.format(choice=request.tool_choice)
        raise EmulatedError("ValidationException", message)
    if request.max_tokens is not None and request.max_tokens > model.max_output_tokens:
        message = _errors.MAX_TOKENS_EXCEEDED.format(limit=model.max_output_tokens)
        raise EmulatedError("ValidationException", message)


def rejects_temperature_with_top_p(model_id: str) -> bool:
    """Whether the model refuses `temperature` and `top_p` together (Claude 4.5 and later).

    Args:
        model_id: A model ID, inference-profile ID or ARN containing one.

    Returns:
        True for Anthropic Claude models of version 4.5 or later.

    Example:
        >>> rejects_temperature_with_top_p("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
        True
        >>> rejects_temperature_with_top_p("anthropic.claude-sonnet-4-20250514-v1:0")
        False
    """
    match = _CLAUDE_VERSION.search(model_id)
    if match is None:
        return False
    version = (int(match.group(1)), int(match.group(2) or 0))
    return version >= _FIRST_SAMPLING_EXCLUSIVE


def count_input_tokens(request: ConversationRequest) -> int:
    """Estimate the input tokens of a request: about four characters per token.

    System prompts, every message and every tool definition count, each at
    least one token.

    Args:
        request: The normalised request.

    Returns:
        The input-token count reported in usage.

    Example:
        >>> count_input_tokens(ConversationRequest(
        ...     messages=[{"role": "user", "content": [{"text": "12345678"}]}]))
        2
    """
    texts = [*request.system, *(_message_text(m) for m in request.messages)]
    texts += [compact_json(asdict(tool)) for tool in request.tools]
    return sum(_approx_tokens(text) for text in texts)


def generate_reply(request: ConversationRequest, model: ModelSpec) -> Reply:
    """Answer a request deterministically.

    Args:
        request: The normalised request.
        model: The model answering; its name appears in the text.

    Returns:
        A tool call (`stop_reason="tool_use"`), or text cut by a stop sequence
        or by `max_tokens` (default cap: `min(model.max_output_tokens, 4096)`).
        Tool calls are never truncated.

    Example:
        >>> from langchain_bedrock_enhanced.emulator._types import ModelSpec
        >>> nova = ModelSpec("amazon.nova-lite-v1:0", "Nova Lite", "Amazon", "nova", frozenset())
        >>> request = ConversationRequest(
        ...     messages=[{"role": "user", "content": [{"text": "Say hello"}]}], max_tokens=4)
        >>> reply = generate_reply(request, nova)
        >>> (reply.text, reply.stop_reason, reply.output_tokens)
        ('Emulated reply from Nova', 'max_tokens', 4)
    """
    input_tokens = count_input_tokens(request)
    tool = choose_tool(request)
    if tool is not None:
        arguments = tool_input(tool, last_user_text(request.messages))
        block = ToolUseBlock(_tool_use_id(request), tool.name, arguments)
        output_tokens = _approx_tokens(compact_json(block.input))
        return Reply((block,), "tool_use", input_tokens, output_tokens)
    quoted = schema_asked_for([*request.system, last_user_text(request.messages)])
    if request.output_schema is not None:
        full_text = compact_json(instance_for_schema(request.output_schema))
    elif quoted is not None:
        full_text = json_answer(quoted)
    else:
        full_text = _reply_text(request, model)
    cap = request.max_tokens
    if cap is None:
        cap = min(model.max_output_tokens, _DEFAULT_OUTPUT_CAP)
    text, stop_reason, matched = _limit_text(full_text, cap, request.stop_sequences)
    return Reply((text,), stop_reason, input_tokens, len(token_pieces(text)), matched)


def converse_features(
    reply: Reply,
    request: ConversationRequest,
    model: ModelSpec,
    *,
    body: bytes,
    redacted_reasoning: bool = False,
) -> Reply:
    """Add what only Converse replies carry: citations and reasoning.

    A request without `thinking` or enabled citations is returned untouched, after
    a dictionary lookup and a byte search, so plain calls pay nothing for them.

    Args:
        reply: The reply `generate_reply` built.
        request: The normalised Converse request.
        model: The model answering.
        body: The raw request body (searched for `"citations"` before any parsing).
        redacted_reasoning: Send the reasoning as `redactedContent` (a scenario's
            `reasoning.redacted`).

    Returns:
        The reply with cited passages after its text and reasoning before it; the
        reasoning's tokens are output tokens, and count against `maxTokens`.

    Raises:
        EmulatedError: Bedrock's `ValidationException` for thinking it refuses (see
            `_reasoning.check_thinking`).

    Example:
        >>> from langchain_bedrock_enhanced.emulator._types import ModelSpec
        >>> sonnet = ModelSpec("anthropic.claude-sonnet-4-5-20250929-v1:0", "Claude Sonnet 4.5",
        ...                    "Anthropic", "claude", frozenset())
        >>> request = ConversationRequest(
        ...     messages=[{"role": "user", "content": [{"text": "Hi"}]}],
        ...     additional_fields={"thinking": {"type": "enabled", "budget_tokens": 1024}})
        >>> reply = converse_features(generate_reply(request, sonnet), request, sonnet, body=b"")
        >>> reply.reasoning.text
        'The user asks: "Hi". I will answer directly.'
    """
    thinking = (
        _reasoning.check_thinking(request, model.model_id)
        if "thinking" in request.additional_fields
        else None
    )
    if b'"citations"' in body and _is_plain_answer(reply, request):
        documents = citable_passages(request.messages)
        cited = cite(documents, last_user_text(request.messages)) if documents else ()
        if cited:
            extra = sum(len(token_pieces(block.text)) for block in cited)
            reply = replace(reply, citations=cited, output_tokens=reply.output_tokens + extra)
    # A guardrail's blocked-message reply stands alone, as the model never answered.
    if thinking is not None and reply.stop_reason != "guardrail_intervened":
        reply = _with_reasoning(reply, request, model, thinking, redacted=redacted_reasoning)
    return reply


def with_cache(reply: Reply, *, read: int, writes: Sequence[tuple[str, int]]) -> Reply:
    """Move the input tokens a call read from or wrote to the prompt cache out of `inputTokens`.

    Example:
        >>> reply = with_cache(Reply(("Hi",), "end_turn", 1500, 1), read=0, writes=[("5m", 1200)])
        >>> reply.input_tokens, reply.cache_write_tokens, reply.total_tokens
        (300, 1200, 1501)
    """
    written = sum(tokens for _, tokens in writes)
    uncached = max(reply.input_tokens - read - written, 0)
    return replace(reply, input_tokens=uncached, cache_read_tokens=read, cache_writes=tuple(writes))


def _is_plain_answer(reply: Reply, request: ConversationRequest) -> bool:
    return (
        reply.stop_reason == "end_turn"
        and request.output_schema is None
        and all(isinstance(block, str) for block in reply.blocks)
    )


def _with_reasoning(
    reply: Reply,
    request: ConversationRequest,
    model: ModelSpec,
    thinking: _reasoning.Thinking,
    *,
    redacted: bool,
) -> Reply:
    tool = next((block.name for block in reply.blocks if isinstance(block, ToolUseBlock)), None)
    pieces = token_pieces(_reasoning.reasoning_text(last_user_text(request.messages), tool))
    cap = request.max_tokens
    if cap is not None:
        pieces = pieces[:cap]  # reasoning counts against maxTokens too
    text = "".join(pieces)
    if redacted:
        payload = _reasoning.redacted_payload(model.model_id, text)
        block = ReasoningBlock("", "", len(pieces), redacted=payload)
    else:
        shown = text if thinking.display == "summarized" else ""
        block = ReasoningBlock(shown, _reasoning.signature(model.model_id, text), len(pieces))
    reply = replace(reply, reasoning=block, output_tokens=reply.output_tokens + len(pieces))
    if cap is None or reply.output_tokens <= cap or tool is not None:
        return reply
    answer = "".join(token_pieces(reply.text)[: max(cap - len(pieces), 0)])
    return replace(
        reply,
        blocks=(answer,) if answer else (),
        citations=(),
        output_tokens=len(pieces) + len(token_pieces(answer)),
        stop_reason="max_tokens",
        stop_sequence=None,
    )


def converse_response(reply: Reply, *, latency_ms: int) -> dict[str, Any]:
    """Render a reply as a Converse response body.

    Args:
        reply: The reply.
        latency_ms: Reported as `metrics.latencyMs`.

    Returns:
        The JSON-ready body (protocol §1.6).

    Example:
        >>> body = converse_response(Reply(("Hi",), "end_turn", 3, 1), latency_ms=7)
        >>> body["output"]["message"]["content"], body["usage"]["totalTokens"]
        ([{'text': 'Hi'}], 4)
    """
    content: list[dict[str, Any]] = []
    if reply.reasoning is not None:
        content.append({"reasoningContent": _reasoning_content(reply.reasoning)})
    for block in reply.blocks:
        if isinstance(block, str):
            content.append({"text": block})
        else:
            tool_use = {"toolUseId": block.tool_use_id, "name": block.name, "input": block.input}
            content.append({"toolUse": tool_use})
    for cited in reply.citations:
        citations = {"content": [{"text": cited.text}], "citations": list(cited.citations)}
        content.append({"citationsContent": citations})
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": reply.stop_reason,
        "usage": _usage(reply),
        "metrics": {"latencyMs": latency_ms},
    }


def converse_stream_events(reply: Reply, *, latency_ms: int) -> list[tuple[str, dict[str, Any]]]:
    """Render a reply as ConverseStream events, in Bedrock's order.

    Text, reasoning and cited blocks start directly with deltas (the start union
    has no member for them); tool blocks get a `contentBlockStart`. Reasoning
    streams its text, then its signature (or its `redactedContent`); cited text
    streams its text, then one `citation` delta a citation. Every block ends with
    a `contentBlockStop`, which some consumers rely on to assemble messages.

    Args:
        reply: The reply.
        latency_ms: Reported as `metadata.metrics.latencyMs`.

    Returns:
        `(event_type, payload)` pairs, from `messageStart` to `metadata`.

    Example:
        >>> events = converse_stream_events(Reply(("Hi",), "end_turn", 3, 1), latency_ms=7)
        >>> [name for name, _ in events]  # doctest: +NORMALIZE_WHITESPACE
        ['messageStart', 'contentBlockDelta', 'contentBlockStop', 'messageStop', 'metadata']
    """
    events: list[tuple[str, dict[str, Any]]] = [("messageStart", {"role": "assistant"})]
    blocks: list[str | ToolUseBlock | ReasoningBlock | CitationsBlock] = [
        *([reply.reasoning] if reply.reasoning is not None else []),
        *reply.blocks,
        *reply.citations,
    ]
    for index, block in enumerate(blocks):
        deltas: list[dict[str, Any]]
        if isinstance(block, str):
            deltas = [{"text": piece} for piece in text_deltas(block)]
        elif isinstance(block, ReasoningBlock):
            deltas = _reasoning_deltas(block)
        elif isinstance(block, CitationsBlock):
            deltas = [{"text": piece} for piece in text_deltas(block.text)]
            deltas += [{"citation": citation} for citation in block.citations]
        else:
            start = {"toolUse": {"toolUseId": block.tool_use_id, "name": block.name}}
            events.append(("contentBlockStart", {"contentBlockIndex": index, "start": start}))
            deltas = [{"toolUse": {"input": piece}} for piece in json_deltas(block.input)]
        events += [("contentBlockDelta", {"contentBlockIndex": index, "delta": d}) for d in deltas]
        events.append(("contentBlockStop", {"contentBlockIndex": index}))
    events.append(("messageStop", {"stopReason": reply.stop_reason}))
    metadata = {"usage": _usage(reply), "metrics": {"latencyMs": latency_ms}}
    events.append(("metadata", metadata))
    return events


def token_pieces(text: str) -> list[str]:
    """Split text into the pieces counted as output tokens; they join back to `text`.

    Example:
        >>> token_pieces("Hello big  world")
        ['Hello', ' big', '  world']
    """
    return _PIECE.findall(text)


def text_deltas(text: str) -> list[str]:
    """Split text into streaming deltas of a few pieces each (one `""` for empty text).

    A piece longer than a few thousand characters is cut into slices first, so no
    delta outgrows an event-stream frame.

    Example:
        >>> text_deltas("one two three")
        ['one two', ' three']
        >>> [len(delta) for delta in text_deltas("x" * 10_000)]
        [8192, 1808]
    """
    pieces = [
        piece[start : start + _MAX_DELTA_PIECE]
        for piece in token_pieces(text)
        for start in range(0, len(piece), _MAX_DELTA_PIECE)
    ]
    groups = range(0, len(pieces), _PIECES_PER_DELTA)
    return ["".join(pieces[i : i + _PIECES_PER_DELTA]) for i in groups] or [""]


def json_deltas(value: Any) -> list[str]:  # noqa: ANN401 - any JSON value
    """Split a value's compact JSON into partial-JSON deltas that concatenate back to it.

    Example:
        >>> "".join(json_deltas({"city": "Paris", "days": 3}))
        '{"city":"Paris","days":3}'
    """
    encoded = compact_json(value)
    return [encoded[i : i + _JSON_DELTA_CHARS] for i in range(0, len(encoded), _JSON_DELTA_CHARS)]


def compact_json(value: Any) -> str:  # noqa: ANN401 - any JSON value
    """Serialise JSON without spaces, as Bedrock's payloads are.

    Example:
        >>> compact_json({"a": [1, 2]})
        '{"a":[1,2]}'
    """
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=repr)


def _check_inference_ranges(inference: Mapping[str, Any]) -> None:
    # AWS reports every constraint violation of a request in one message.
    violations = [
        f"Value '{value}' at 'inferenceConfig.{name}' failed to satisfy constraint: "
        f"Member must have value {relation} {bound}"
        for name, value, relation, bound in _range_failures(inference)
    ]
    if violations:
        count = len(violations)
        noun = "error" if count == 1 else "errors"
        message = f"{count} validation {noun} detected: " + "; ".join(violations)
        raise EmulatedError("ValidationException", message)


def _range_failures(inference: Mapping[str, Any]) -> list[tuple[str, object, str, int]]:
    failures: list[tuple[str, object, str, int]] = []
    max_tokens = _optional_int(inference.get("maxTokens"))
    if max_tokens is not None and max_tokens < 1:
        failures.append(("maxTokens", max_tokens, "greater than or equal to", 1))
    for name in ("temperature", "topP"):
        value = _optional_float(inference.get(name))
        if value is not None and value < 0:
            failures.append((name, inference[name], "greater than or equal to", 0))
        elif value is not None and value > 1:
            failures.append((name, inference[name], "less than or equal to", 1))
    return failures


def _parse_messages(raw: Any) -> list[dict[str, Any]]:  # noqa: ANN401 - untrusted JSON
    if not isinstance(raw, list) or not raw:
        raise EmulatedError("ValidationException", _NO_MESSAGES)
    return [_parse_message(index, _mapping(message)) for index, message in enumerate(raw)]


def _parse_message(index: int, message: Mapping[str, Any]) -> dict[str, Any]:
    role, content = message.get("role"), message.get("content")
    # AWS numbers list members from 1 in constraint messages.
    where = f"messages.{index + 1}.member"
    # `system` is in the ConversationRole enum; such a turn is kept but never answered.
    if role not in ("user", "assistant", "system"):
        text = (
            f"1 validation error detected: Value '{role}' at '{where}.role' failed to "
            "satisfy constraint: Member must satisfy enum value set: [user, assistant, system]"
        )
        raise EmulatedError("ValidationException", text)
    if not isinstance(content, list):
        text = (
            f"1 validation error detected: Value null at '{where}.content' failed to "
            "satisfy constraint: Member must not be null"
        )
        raise EmulatedError("ValidationException", text)
    return {"role": role, "content": [dict(_mapping(block)) for block in content]}


def _has_tool_blocks(messages: Sequence[Mapping[str, Any]]) -> bool:
    return any(
        "toolUse" in block or "toolResult" in block
        for message in messages
        for block in message["content"]
    )


def _output_schema(output_config: Any) -> dict[str, Any] | None:  # noqa: ANN401
    structure = _mapping(_mapping(_mapping(output_config).get("textFormat")).get("structure"))
    schema = _mapping(structure.get("jsonSchema")).get("schema")
    return None if schema is None else _json_document(schema)


def _json_document(value: Any) -> dict[str, Any]:  # noqa: ANN401 - untrusted JSON
    # boto3 sends `outputConfig` schemas as JSON strings and tool schemas as documents.
    if isinstance(value, str):
        value = load_json(value)
    return dict(value) if isinstance(value, Mapping) else {}


def _reply_text(request: ConversationRequest, model: ModelSpec) -> str:
    answer = tool_result_answer(request.messages)
    if answer is not None:
        return f"Emulated reply from {model.name}: {answer}"
    last = _last_user_message(request)
    said = _normalise(_user_text(last)) if last is not None else ""
    return (
        f"Emulated reply from {model.name}: {said}"
        if said
        else f"Emulated reply from {model.name}."
    )


def _limit_text(
    full_text: str, cap: int, stop_sequences: Sequence[str]
) -> tuple[str, StopReason, str | None]:
    pieces = token_pieces(full_text)
    capped = "".join(pieces[:cap])
    hits = [(full_text.find(s) + len(s), s) for s in stop_sequences if s and s in full_text]
    if hits:
        # Generation stops where a stop sequence is first complete, if that is within the cap.
        end, sequence = min(hits, key=lambda hit: (hit[0], -len(hit[1])))
        if end <= len(capped):
            return full_text[: end - len(sequence)], "stop_sequence", sequence
    if len(pieces) > cap:
        return capped, "max_tokens", None
    return full_text, "end_turn", None


def _tool_use_id(request: ConversationRequest) -> str:
    fingerprint = json.dumps(asdict(request), sort_keys=True, default=repr).encode("utf-8")
    digest = base64.urlsafe_b64encode(hashlib.sha256(fingerprint).digest()).decode("ascii")
    return "tooluse_" + digest[:22]


def _usage(reply: Reply) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "inputTokens": reply.input_tokens,
        "outputTokens": reply.output_tokens,
        "totalTokens": reply.total_tokens,
        "cacheReadInputTokens": reply.cache_read_tokens,
        "cacheWriteInputTokens": reply.cache_write_tokens,
    }
    if reply.cache_writes:
        # botocore's TokenUsage.cacheDetails: writes per TTL, 1h before 5m.
        usage["cacheDetails"] = [{"ttl": ttl, "inputTokens": n} for ttl, n in reply.cache_writes]
    return usage


def _reasoning_content(block: ReasoningBlock) -> dict[str, Any]:
    if block.redacted is not None:
        return {"redactedContent": _base64(block.redacted)}
    return {"reasoningText": {"text": block.text, "signature": block.signature}}


def _reasoning_deltas(block: ReasoningBlock) -> list[dict[str, Any]]:
    # botocore's ReasoningContentBlockDelta: text pieces, then the signature.
    if block.redacted is not None:
        return [{"reasoningContent": {"redactedContent": _base64(block.redacted)}}]
    pieces = text_deltas(block.text) if block.text else []
    deltas = [{"reasoningContent": {"text": piece}} for piece in pieces]
    return [*deltas, {"reasoningContent": {"signature": block.signature}}]


def _base64(data: bytes) -> str:
    # JSON carries botocore blobs base64-encoded.
    return base64.b64encode(data).decode("ascii")


def _last_user_message(request: ConversationRequest) -> Mapping[str, Any] | None:
    return next((m for m in reversed(request.messages) if m.get("role") == "user"), None)


def _user_text(message: Mapping[str, Any]) -> str:
    return " ".join(str(b["text"]) for b in _list(message.get("content")) if _has_text(b))


def _tool_result_text(result: Mapping[str, Any]) -> str:
    parts = []
    for item in _list(result.get("content")):
        item_body = _mapping(item)
        if "text" in item_body:
            parts.append(str(item_body["text"]))
        elif "json" in item_body:
            parts.append(compact_json(item_body["json"]))
    return " ".join(parts)


def _message_text(message: Mapping[str, Any]) -> str:
    parts = []
    for raw_block in _list(message.get("content")):
        block = _mapping(raw_block)
        if _has_text(block):
            parts.append(str(block["text"]))
        elif "toolUse" in block:
            parts.append(compact_json(_mapping(block["toolUse"]).get("input", {})))
        elif "toolResult" in block:
            parts.append(_tool_result_text(_mapping(block["toolResult"])))
    return " ".join(parts)


def _approx_tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / _CHARS_PER_TOKEN))


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _has_text(block: Any) -> bool:  # noqa: ANN401 - untrusted JSON
    return isinstance(block, Mapping) and isinstance(block.get("text"), str)


def _mapping(value: Any) -> Mapping[str, Any]:  # noqa: ANN401 - untrusted JSON
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:  # noqa: ANN401 - untrusted JSON
    return value if isinstance(value, list) else []


def _optional_int(value: Any) -> int | None:  # noqa: ANN401 - untrusted JSON
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    return int(value)


def _optional_float(value: Any) -> float | None:  # noqa: ANN401 - untrusted JSON
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    return float(value)
