"""Model-native InvokeModel bodies, per family.

InvokeModel and InvokeModelWithResponseStream carry the model provider's own
JSON rather than Converse's. This module reads those bodies into a
`ConversationRequest` and renders a `Reply` back in the family's format:

- `claude`: the Anthropic Messages API (`anthropic_version: bedrock-2023-05-31`);
- `nova`: `schemaVersion: messages-v1`, which is Converse-shaped;
- `llama`: a `prompt` in the Llama 3 chat template;
- `mistral`: an `[INST]` `prompt`, or the chat form with `messages` (Mistral
  Large), whose answer uses `choices`; pass `chat=True` to render that form
  (`is_chat_body` tells which form a body uses).

Bodies that break the family's schema are refused with Bedrock's "Malformed
input request" texts.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._replies import (
    compact_json,
    converse_stream_events,
    json_deltas,
    parse_tool_config,
    text_deltas,
    token_pieces,
)
from langchain_bedrock_enhanced.emulator._types import (
    ConversationRequest,
    EmulatedError,
    Family,
    Reply,
    ToolChoiceKind,
    ToolSpec,
    ToolUseBlock,
)

__all__ = [
    "invoke_metrics_headers",
    "is_chat_body",
    "native_response",
    "native_stream_chunks",
    "parse_native_request",
]

_ANTHROPIC_VERSION: Final = "bedrock-2023-05-31"
_CLAUDE_KEYS: Final = frozenset(
    [
        "anthropic_version",
        "max_tokens",
        "messages",
        "system",
        "temperature",
        "top_p",
        "top_k",
        "stop_sequences",
        "tools",
        "tool_choice",
        "anthropic_beta",
        "metadata",
        "thinking",
    ]
)
_CLAUDE_EXTRAS: Final = ("top_k", "anthropic_beta", "metadata", "thinking")
_NOVA_KEYS: Final = frozenset(
    ["schemaVersion", "messages", "system", "inferenceConfig", "toolConfig"]
)
_LLAMA_KEYS: Final = frozenset(["prompt", "max_gen_len", "temperature", "top_p", "images"])
_MISTRAL_PROMPT_KEYS: Final = frozenset(
    ["prompt", "max_tokens", "temperature", "top_p", "top_k", "stop"]
)
_MISTRAL_CHAT_KEYS: Final = frozenset(
    ["messages", "max_tokens", "temperature", "top_p", "top_k", "stop", "tools", "tool_choice"]
)
_LLAMA_TURN: Final = re.compile(
    r"<\|start_header_id\|>(\w+)<\|end_header_id\|>\n*(.*?)(?:<\|eot_id\|>|$)", re.DOTALL
)
_LLAMA_TOKENS: Final = re.compile(r"<\|[a-z_]+\|>")
_FINISHED: Final = {"max_tokens": "length", "tool_use": "tool_calls"}
# Everit (the JSON-schema validator behind these texts) names JSON types like this.
_JSON_TYPE_NAMES: Final = ((bool, "Boolean"), (int, "Integer"), (float, "Number"), (str, "String"))
_TOO_FEW_MESSAGES: Final = (
    "Malformed input request: #/messages: expected minimum item count: 1, found: 0, "
    "please reformat your input and try again."
)


def parse_native_request(family: Family, body: bytes) -> ConversationRequest:
    """Read an InvokeModel body into a `ConversationRequest`.

    Args:
        family: The model family whose native format `body` must follow.
        body: The raw request body.

    Returns:
        The request, with Converse-shaped messages. Native-only settings such as
        Claude's `top_k` or `thinking` land in `additional_fields`.

    Raises:
        EmulatedError: `ValidationException` with Bedrock's "Malformed input
            request" texts for invalid JSON, unknown or missing keys and wrong
            value types.

    Example:
        >>> request = parse_native_request("llama", b'{"prompt": "Hi there"}')
        >>> request.messages
        [{'role': 'user', 'content': [{'text': 'Hi there'}]}]
    """
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT) from err
    if not isinstance(document, dict):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    try:
        return _PARSERS[family](document)
    except (AttributeError, TypeError, KeyError) as err:
        # A nested value of an unexpected shape: Bedrock answers these generically too.
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT) from err


def is_chat_body(family: Family, body: bytes) -> bool:
    """Whether a body uses Mistral's chat form (`messages`), answered with `choices`.

    Args:
        family: The model family.
        body: The raw request body.

    Returns:
        True only for a Mistral body with top-level `messages`.

    Example:
        >>> is_chat_body("mistral", b'{"messages": []}'), is_chat_body("mistral", b'{"prompt": ""}')
        (True, False)
    """
    if family != "mistral":
        return False
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(document, dict) and "messages" in document


def native_response(
    family: Family, reply: Reply, *, model_id: str, latency_ms: int, chat: bool = False
) -> dict[str, Any]:
    """Render a reply as the family's InvokeModel response body.

    Args:
        family: The model family.
        reply: The reply.
        model_id: The invoked model; Claude bodies report it without the provider prefix.
        latency_ms: Unused by the bodies (Bedrock reports it in headers); kept for symmetry.
        chat: Render Mistral's chat form (`choices`) instead of `outputs`.

    Returns:
        The JSON-ready body.

    Example:
        >>> body = native_response(
        ...     "llama", Reply(("Hi",), "end_turn", 3, 1), model_id="m", latency_ms=5
        ... )
        >>> body["generation"], body["stop_reason"]
        ('Hi', 'stop')
    """
    del latency_ms  # Bedrock reports latency in headers, never in native bodies.
    if family == "claude":
        return _claude_message(reply, model_id)
    if family == "nova":
        return _nova_response(reply)
    if family == "llama":
        return {
            "generation": _plain_text(reply),
            "prompt_token_count": reply.input_tokens,
            "generation_token_count": reply.output_tokens,
            "stop_reason": _finish_reason(reply, tools=False),
        }
    if chat:
        return {"choices": [{"index": 0, **_mistral_chat_choice(reply)}]}
    return {
        "outputs": [{"text": _plain_text(reply), "stop_reason": _finish_reason(reply, tools=False)}]
    }


def native_stream_chunks(
    family: Family, reply: Reply, *, model_id: str, latency_ms: int, chat: bool = False
) -> list[dict[str, Any]]:
    """Render a reply as the decoded chunks of InvokeModelWithResponseStream.

    The last chunk carries `amazon-bedrock-invocationMetrics`, as Bedrock's does.

    Args:
        family: The model family.
        reply: The reply.
        model_id: The invoked model; Claude's `message_start` reports it.
        latency_ms: Reported as `invocationLatency` (and half of it as `firstByteLatency`).
        chat: Stream Mistral's chat form (`choices`) instead of `outputs`.

    Returns:
        The chunk objects in order; each becomes one `chunk` event.

    Example:
        >>> chunks = native_stream_chunks("mistral", Reply(("Hi",), "end_turn", 3, 1),
        ...                               model_id="m", latency_ms=5)
        >>> chunks[-1]["outputs"]
        [{'text': 'Hi', 'stop_reason': 'stop'}]
        >>> chunks[-1]["amazon-bedrock-invocationMetrics"]["outputTokenCount"]
        1
    """
    if family == "claude":
        chunks = _claude_chunks(reply, model_id)
    elif family == "nova":
        chunks = [
            {name: payload}
            for name, payload in converse_stream_events(reply, latency_ms=latency_ms)
        ]
    elif family == "llama":
        chunks = _llama_chunks(reply)
    else:
        chunks = _mistral_chunks(reply, chat=chat)
    chunks[-1]["amazon-bedrock-invocationMetrics"] = {
        "inputTokenCount": reply.input_tokens,
        "outputTokenCount": reply.output_tokens,
        "invocationLatency": latency_ms,
        "firstByteLatency": latency_ms // 2,
    }
    return chunks


def invoke_metrics_headers(reply: Reply, latency_ms: int) -> dict[str, str]:
    """The usage headers Bedrock adds to an InvokeModel response.

    Example:
        >>> headers = invoke_metrics_headers(Reply(("Hi",), "end_turn", 3, 1), 42)
        >>> headers["X-Amzn-Bedrock-Invocation-Latency"]
        '42'
    """
    return {
        "X-Amzn-Bedrock-Input-Token-Count": str(reply.input_tokens),
        "X-Amzn-Bedrock-Output-Token-Count": str(reply.output_tokens),
        "X-Amzn-Bedrock-Invocation-Latency": str(latency_ms),
    }


# --- Request bodies ---------------------------------------------------------------------------


def _parse_claude(document: dict[str, Any]) -> ConversationRequest:
    _check_keys(document, _CLAUDE_KEYS, ("anthropic_version", "max_tokens", "messages"))
    if document["anthropic_version"] != _ANTHROPIC_VERSION:
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    messages = [_claude_turn(m) for m in _typed(document, "messages", list, "JSONArray")]
    if not messages:
        raise EmulatedError("ValidationException", _TOO_FEW_MESSAGES)
    tools = [_claude_tool(tool) for tool in _typed(document, "tools", list, "JSONArray") or []]
    choice_body = _typed(document, "tool_choice", dict, "JSONObject") or {}
    choice = choice_body.get("type")
    if choice == "none":
        # Anthropic's `none` forbids tool calls; Converse has no such choice.
        tools, choice = [], None
    return ConversationRequest(
        messages=messages,
        system=_claude_system(document.get("system")),
        max_tokens=_integer(document, "max_tokens"),
        temperature=_number(document, "temperature"),
        top_p=_number(document, "top_p"),
        stop_sequences=[
            str(s) for s in _typed(document, "stop_sequences", list, "JSONArray") or []
        ],
        tools=tools,
        tool_choice=_tool_choice(choice),
        tool_choice_name=str(choice_body["name"])
        if choice == "tool" and "name" in choice_body
        else None,
        additional_fields={key: document[key] for key in _CLAUDE_EXTRAS if key in document},
    )


def _claude_turn(message: Any) -> dict[str, Any]:  # noqa: ANN401 - untrusted JSON
    if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    content = message.get("content")
    if isinstance(content, str):
        return {"role": message["role"], "content": [{"text": content}]}
    if not isinstance(content, list):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    blocks = [_claude_block(block) for block in content if isinstance(block, dict)]
    return {"role": message["role"], "content": [block for block in blocks if block]}


def _claude_block(block: Mapping[str, Any]) -> dict[str, Any]:
    kind = block.get("type")
    if kind == "text":
        return {"text": str(block.get("text", ""))}
    if kind == "image":
        source = block.get("source") or {}
        image_format = str(source.get("media_type", "image/png")).rpartition("/")[2]
        return {"image": {"format": image_format, "source": {"bytes": source.get("data", "")}}}
    if kind == "tool_use":
        tool_use = {
            "toolUseId": block.get("id"),
            "name": block.get("name"),
            "input": block.get("input", {}),
        }
        return {"toolUse": tool_use}
    if kind == "tool_result":
        raw = block.get("content", "")
        items = [{"text": raw}] if isinstance(raw, str) else [_claude_block(b) for b in raw]
        return {
            "toolResult": {
                "toolUseId": block.get("tool_use_id"),
                "content": [item for item in items if "text" in item],
                "status": "error" if block.get("is_error") else "success",
            }
        }
    # Thinking and document blocks carry nothing the emulator's replies use.
    return {}


def _claude_tool(tool: Any) -> ToolSpec:  # noqa: ANN401 - untrusted JSON
    if not isinstance(tool, dict) or "name" not in tool:
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    schema = tool.get("input_schema")
    return ToolSpec(
        str(tool["name"]),
        str(tool.get("description", "")),
        schema if isinstance(schema, dict) else {},
    )


def _claude_system(system: Any) -> list[str]:  # noqa: ANN401 - untrusted JSON
    if isinstance(system, str):
        return [system] if system else []
    if isinstance(system, list):
        return [str(b["text"]) for b in system if isinstance(b, dict) and "text" in b]
    return []


def _parse_nova(document: dict[str, Any]) -> ConversationRequest:
    _check_keys(document, _NOVA_KEYS, ("messages",))
    messages = [_nova_turn(m) for m in _typed(document, "messages", list, "JSONArray")]
    inference = _typed(document, "inferenceConfig", dict, "JSONObject") or {}
    tools, choice, choice_name = parse_tool_config(document.get("toolConfig"))
    top_k = _first_present(inference, "topK", "top_k")
    stops = _first_present(inference, "stopSequences", "stop_sequences")
    return ConversationRequest(
        messages=messages,
        system=[
            str(b["text"])
            for b in document.get("system") or []
            if isinstance(b, dict) and "text" in b
        ],
        max_tokens=_integer_value(
            "maxTokens", _first_present(inference, "maxTokens", "max_new_tokens")
        ),
        temperature=_number(inference, "temperature"),
        top_p=_number_value("topP", _first_present(inference, "topP", "top_p")),
        stop_sequences=[str(s) for s in stops] if isinstance(stops, list) else [],
        tools=tools,
        tool_choice=choice,
        tool_choice_name=choice_name,
        additional_fields={} if top_k is None else {"inferenceConfig": {"topK": top_k}},
    )


def _nova_turn(message: Any) -> dict[str, Any]:  # noqa: ANN401 - untrusted JSON
    if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    content = message.get("content")
    if not isinstance(content, list):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    return {"role": message["role"], "content": [dict(b) for b in content if isinstance(b, dict)]}


def _parse_llama(document: dict[str, Any]) -> ConversationRequest:
    _check_keys(document, _LLAMA_KEYS, ("prompt",))
    prompt = _typed(document, "prompt", str, "String")
    if "[INST]" in prompt:
        # Llama 2 used the same `[INST]` markup as Mistral.
        system: list[str] = []
        messages = _inst_turns(prompt)
    else:
        system, messages = _llama_turns(prompt)
    return ConversationRequest(
        messages=messages,
        system=system,
        max_tokens=_integer(document, "max_gen_len"),
        temperature=_number(document, "temperature"),
        top_p=_number(document, "top_p"),
    )


def _llama_turns(prompt: str) -> tuple[list[str], list[dict[str, Any]]]:
    turns = _LLAMA_TURN.findall(prompt)
    if not turns:
        return [], [_text_turn("user", _LLAMA_TOKENS.sub("", prompt).strip())]
    system: list[str] = []
    messages: list[dict[str, Any]] = []
    for role, text in turns:
        if role == "system":
            system.append(text.strip())
        elif role == "assistant":
            # The template ends with an open assistant header: the turn to generate.
            if text.strip():
                messages.append(_text_turn("assistant", text.strip()))
        else:
            messages.append(_text_turn("user", text.strip()))
    return system, messages


def _parse_mistral(document: dict[str, Any]) -> ConversationRequest:
    if "messages" in document:
        return _parse_mistral_chat(document)
    _check_keys(document, _MISTRAL_PROMPT_KEYS, ("prompt",))
    return ConversationRequest(
        messages=_inst_turns(_typed(document, "prompt", str, "String")),
        **_mistral_settings(document),
    )


def _parse_mistral_chat(document: dict[str, Any]) -> ConversationRequest:
    _check_keys(document, _MISTRAL_CHAT_KEYS, ("messages",))
    system: list[str] = []
    messages: list[dict[str, Any]] = []
    for message in _typed(document, "messages", list, "JSONArray"):
        if not isinstance(message, dict):
            raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
        if message.get("role") == "system":
            system.append(_chat_text(message.get("content")))
        else:
            messages.append(_mistral_chat_turn(message))
    tools = [_mistral_tool(tool) for tool in _typed(document, "tools", list, "JSONArray") or []]
    choice = document.get("tool_choice")
    if choice == "none":
        tools, choice = [], None
    return ConversationRequest(
        messages=messages,
        system=system,
        tools=tools,
        tool_choice=_tool_choice(choice),
        **_mistral_settings(document),
    )


def _mistral_chat_turn(message: Mapping[str, Any]) -> dict[str, Any]:
    role = message.get("role")
    if role == "tool":
        result = {
            "toolUseId": message.get("tool_call_id"),
            "content": [{"text": _chat_text(message.get("content"))}],
        }
        return {"role": "user", "content": [{"toolResult": result}]}
    if role not in ("user", "assistant"):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    content: list[dict[str, Any]] = []
    text = _chat_text(message.get("content"))
    if text:
        content.append({"text": text})
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        arguments = function.get("arguments", "{}")
        try:
            parsed = json.loads(arguments) if isinstance(arguments, str) else arguments
        except json.JSONDecodeError as err:
            raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT) from err
        content.append(
            {
                "toolUse": {
                    "toolUseId": call.get("id"),
                    "name": function.get("name"),
                    "input": parsed,
                }
            }
        )
    return {"role": role, "content": content}


def _mistral_tool(tool: Any) -> ToolSpec:  # noqa: ANN401 - untrusted JSON
    function = tool.get("function") if isinstance(tool, dict) else None
    if not isinstance(function, dict) or "name" not in function:
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    schema = function.get("parameters")
    return ToolSpec(
        str(function["name"]),
        str(function.get("description", "")),
        schema if isinstance(schema, dict) else {},
    )


def _mistral_settings(document: Mapping[str, Any]) -> dict[str, Any]:
    stop = document.get("stop")
    stops = [stop] if isinstance(stop, str) else [str(s) for s in stop or []]
    return {
        "max_tokens": _integer(document, "max_tokens"),
        "temperature": _number(document, "temperature"),
        "top_p": _number(document, "top_p"),
        "stop_sequences": stops,
        "additional_fields": {"top_k": document["top_k"]} if "top_k" in document else {},
    }


def _inst_turns(prompt: str) -> list[dict[str, Any]]:
    segments = prompt.split("[INST]")
    if len(segments) == 1:
        return [_text_turn("user", _strip_markers(prompt))]
    messages: list[dict[str, Any]] = []
    for segment in segments[1:]:
        question, _, answer = segment.partition("[/INST]")
        messages.append(_text_turn("user", _strip_markers(question)))
        if _strip_markers(answer):
            messages.append(_text_turn("assistant", _strip_markers(answer)))
    return messages


def _strip_markers(text: str) -> str:
    return text.replace("<s>", "").replace("</s>", "").strip()


def _chat_text(content: Any) -> str:  # noqa: ANN401 - untrusted JSON
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
    return ""


def _text_turn(role: str, text: str) -> dict[str, Any]:
    return {"role": role, "content": [{"text": text}]}


def _tool_choice(choice: Any) -> ToolChoiceKind | None:  # noqa: ANN401 - untrusted JSON
    if choice == "auto":
        return "auto"
    if choice == "any":
        return "any"
    if choice == "tool":
        return "tool"
    return None


# --- Validation -------------------------------------------------------------------------------


def _check_keys(
    document: Mapping[str, Any], allowed: frozenset[str], required: tuple[str, ...]
) -> None:
    violations = [
        _errors.MALFORMED_EXTRANEOUS_KEY.format(key=k) for k in document if k not in allowed
    ]
    violations += [
        _errors.MALFORMED_REQUIRED_KEY.format(key=k) for k in required if k not in document
    ]
    if len(violations) == 1:
        raise EmulatedError("ValidationException", violations[0])
    if violations:
        message = (
            f"Malformed input request: {len(violations)} schema violations found, "
            "please reformat your input and try again."
        )
        raise EmulatedError("ValidationException", message)


def _typed(document: Mapping[str, Any], key: str, kind: type, name: str) -> Any:  # noqa: ANN401
    value = document.get(key)
    if value is not None and not isinstance(value, kind):
        raise EmulatedError("ValidationException", _type_error(key, name, value))
    return value


def _integer(document: Mapping[str, Any], key: str) -> int | None:
    return _integer_value(key, document.get(key))


def _integer_value(key: str, value: Any) -> int | None:  # noqa: ANN401 - untrusted JSON
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EmulatedError("ValidationException", _type_error(key, "Integer", value))
    return value


def _number(document: Mapping[str, Any], key: str) -> float | None:
    return _number_value(key, document.get(key))


def _number_value(key: str, value: Any) -> float | None:  # noqa: ANN401 - untrusted JSON
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EmulatedError("ValidationException", _type_error(key, "Number", value))
    return float(value)


def _type_error(key: str, expected: str, value: Any) -> str:  # noqa: ANN401 - untrusted JSON
    found = next((name for kind, name in _JSON_TYPE_NAMES if isinstance(value, kind)), None)
    if found is None:
        found = "JSONArray" if isinstance(value, list) else "JSONObject"
    return (
        f"Malformed input request: #/{key}: expected type: {expected}, found: {found}, "
        "please reformat your input and try again."
    )


def _first_present(document: Mapping[str, Any], *keys: str) -> Any:  # noqa: ANN401
    return next((document[key] for key in keys if document.get(key) is not None), None)


_PARSERS: Final[dict[str, Callable[[dict[str, Any]], ConversationRequest]]] = {
    "claude": _parse_claude,
    "nova": _parse_nova,
    "llama": _parse_llama,
    "mistral": _parse_mistral,
}


# --- Response bodies --------------------------------------------------------------------------


def _claude_message(reply: Reply, model_id: str) -> dict[str, Any]:
    return {
        "id": "msg_bdrk_" + hashlib.sha256(repr(reply).encode("utf-8")).hexdigest()[:24],
        "type": "message",
        "role": "assistant",
        "model": model_id.rpartition("anthropic.")[2],
        "content": [_claude_content(block) for block in reply.blocks],
        "stop_reason": reply.stop_reason,
        "stop_sequence": reply.stop_sequence,
        "usage": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
    }


def _claude_content(block: str | ToolUseBlock) -> dict[str, Any]:
    if isinstance(block, str):
        return {"type": "text", "text": block}
    return {"type": "tool_use", "id": block.tool_use_id, "name": block.name, "input": block.input}


def _claude_chunks(reply: Reply, model_id: str) -> list[dict[str, Any]]:
    message = _claude_message(reply, model_id)
    # Like Anthropic, announce the message empty and count one output token so far.
    start = {**message, "content": [], "stop_reason": None, "stop_sequence": None}
    start["usage"] = {"input_tokens": reply.input_tokens, "output_tokens": 1}
    chunks: list[dict[str, Any]] = [{"type": "message_start", "message": start}]
    for index, block in enumerate(reply.blocks):
        chunks += _claude_block_chunks(index, block)
    chunks.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": reply.stop_reason, "stop_sequence": reply.stop_sequence},
            "usage": {"output_tokens": reply.output_tokens},
        }
    )
    chunks.append({"type": "message_stop"})
    return chunks


def _claude_block_chunks(index: int, block: str | ToolUseBlock) -> list[dict[str, Any]]:
    if isinstance(block, str):
        opening: dict[str, Any] = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": piece} for piece in text_deltas(block)]
    else:
        opening = {"type": "tool_use", "id": block.tool_use_id, "name": block.name, "input": {}}
        deltas = [{"type": "input_json_delta", "partial_json": p} for p in json_deltas(block.input)]
    return [
        {"type": "content_block_start", "index": index, "content_block": opening},
        *({"type": "content_block_delta", "index": index, "delta": delta} for delta in deltas),
        {"type": "content_block_stop", "index": index},
    ]


def _nova_response(reply: Reply) -> dict[str, Any]:
    content: list[dict[str, Any]] = [
        {"text": block}
        if isinstance(block, str)
        else {"toolUse": {"toolUseId": block.tool_use_id, "name": block.name, "input": block.input}}
        for block in reply.blocks
    ]
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": reply.stop_reason,
        "usage": {
            "inputTokens": reply.input_tokens,
            "outputTokens": reply.output_tokens,
            "totalTokens": reply.total_tokens,
            "cacheReadInputTokenCount": 0,
            "cacheWriteInputTokenCount": 0,
        },
    }


def _llama_chunks(reply: Reply) -> list[dict[str, Any]]:
    deltas = text_deltas(_plain_text(reply))
    chunks: list[dict[str, Any]] = []
    emitted = 0
    for position, piece in enumerate(deltas):
        emitted += len(token_pieces(piece))
        chunks.append(
            {
                "generation": piece,
                "prompt_token_count": reply.input_tokens if position == 0 else None,
                "generation_token_count": emitted,
                "stop_reason": None,
            }
        )
    # The final count matches the body's `generation_token_count` whatever the deltas held.
    chunks[-1]["generation_token_count"] = reply.output_tokens
    chunks[-1]["stop_reason"] = _finish_reason(reply, tools=False)
    return chunks


def _mistral_chunks(reply: Reply, *, chat: bool) -> list[dict[str, Any]]:
    if chat:
        return _mistral_chat_chunks(reply)
    pieces = text_deltas(_plain_text(reply))
    chunks: list[dict[str, Any]] = [
        {"outputs": [{"text": piece, "stop_reason": None}]} for piece in pieces
    ]
    chunks[-1]["outputs"][0]["stop_reason"] = _finish_reason(reply, tools=False)
    return chunks


def _mistral_chat_chunks(reply: Reply) -> list[dict[str, Any]]:
    final = _mistral_chat_choice(reply)
    choices: list[dict[str, Any]] = [
        {"index": 0, "message": {"role": "assistant", "content": piece}, "stop_reason": None}
        for piece in text_deltas(reply.text)
    ]
    # Tool calls arrive whole with the last chunk, which also says why generation stopped.
    choices[-1]["stop_reason"] = final["stop_reason"]
    if "tool_calls" in final["message"]:
        choices[-1]["message"]["tool_calls"] = final["message"]["tool_calls"]
    return [{"choices": [choice]} for choice in choices]


def _mistral_chat_choice(reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    calls = [
        {"id": b.tool_use_id, "function": {"name": b.name, "arguments": compact_json(b.input)}}
        for b in reply.blocks
        if isinstance(b, ToolUseBlock)
    ]
    if calls:
        message["tool_calls"] = calls
    return {"message": message, "stop_reason": _finish_reason(reply, tools=True)}


def _plain_text(reply: Reply) -> str:
    # Prompt-based families have no tool blocks; write calls the way Llama 3.1 does.
    return "".join(
        block
        if isinstance(block, str)
        else compact_json({"name": block.name, "parameters": block.input})
        for block in reply.blocks
    )


def _finish_reason(reply: Reply, *, tools: bool) -> str:
    reason = _FINISHED.get(reply.stop_reason, "stop")
    return "stop" if reason == "tool_calls" and not tools else reason
