"""Claude's native body: the Anthropic Messages API as Bedrock carries it.

Requests name `anthropic_version: bedrock-2023-05-31` and may use Anthropic's
own settings (`top_k`, `thinking`, `anthropic_beta`, `metadata`), which land in
`additional_fields`. Responses are Messages API messages; streams follow the
Messages API event order (`message_start`, content blocks, `message_delta`,
`message_stop`).

Example:
    >>> from langchain_bedrock_enhanced.emulator._types import Reply
    >>> body = ClaudeFormat().response(
    ...     Reply(("Hi",), "end_turn", 3, 1), model_id="us.anthropic.claude-x-v1:0", chat=False
    ... )
    >>> body["model"], body["content"]
    ('claude-x-v1:0', [{'type': 'text', 'text': 'Hi'}])
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

from typing_extensions import override

from langchain_bedrock_enhanced.emulator._replies import json_deltas, text_deltas
from langchain_bedrock_enhanced.emulator._types import (
    ConversationRequest,
    EmulatedError,
    Reply,
    ToolSpec,
    ToolUseBlock,
)
from langchain_bedrock_enhanced.emulator.native._common import (
    NativeFormat,
    check_keys,
    integer,
    malformed_input,
    number,
    tool_choice,
    typed,
)

__all__ = ["ClaudeFormat"]

_ANTHROPIC_VERSION: Final = "bedrock-2023-05-31"
_KEYS: Final = frozenset(
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
_EXTRAS: Final = ("top_k", "anthropic_beta", "metadata", "thinking")
_TOO_FEW_MESSAGES: Final = (
    "Malformed input request: #/messages: expected minimum item count: 1, found: 0, "
    "please reformat your input and try again."
)


class ClaudeFormat(NativeFormat):
    """Anthropic Claude's InvokeModel body.

    Example:
        >>> request = ClaudeFormat().parse(
        ...     {
        ...         "anthropic_version": "bedrock-2023-05-31",
        ...         "max_tokens": 64,
        ...         "system": "Be brief.",
        ...         "messages": [{"role": "user", "content": "Hi"}],
        ...     }
        ... )
        >>> request.system, request.messages
        (['Be brief.'], [{'role': 'user', 'content': [{'text': 'Hi'}]}])
    """

    @override
    def parse(self, document: dict[str, Any]) -> ConversationRequest:
        check_keys(document, _KEYS, ("anthropic_version", "max_tokens", "messages"))
        if document["anthropic_version"] != _ANTHROPIC_VERSION:
            raise malformed_input()
        messages = [_turn(m) for m in typed(document, "messages", list, "JSONArray")]
        if not messages:
            raise EmulatedError("ValidationException", _TOO_FEW_MESSAGES)
        tools = [_tool(tool) for tool in typed(document, "tools", list, "JSONArray") or []]
        choice_body = typed(document, "tool_choice", dict, "JSONObject") or {}
        choice = choice_body.get("type")
        if choice == "none":
            # Anthropic's `none` forbids tool calls; Converse has no such choice.
            tools, choice = [], None
        return ConversationRequest(
            messages=messages,
            system=_system(document.get("system")),
            max_tokens=integer(document, "max_tokens"),
            temperature=number(document, "temperature"),
            top_p=number(document, "top_p"),
            stop_sequences=[
                str(s) for s in typed(document, "stop_sequences", list, "JSONArray") or []
            ],
            tools=tools,
            tool_choice=tool_choice(choice),
            tool_choice_name=str(choice_body["name"])
            if choice == "tool" and "name" in choice_body
            else None,
            additional_fields={key: document[key] for key in _EXTRAS if key in document},
        )

    @override
    def response(self, reply: Reply, *, model_id: str, chat: bool) -> dict[str, Any]:
        return _message(reply, model_id)

    @override
    def stream_chunks(
        self, reply: Reply, *, model_id: str, latency_ms: int, chat: bool
    ) -> list[dict[str, Any]]:
        message = _message(reply, model_id)
        # Like Anthropic, announce the message empty and count one output token so far.
        start = {**message, "content": [], "stop_reason": None, "stop_sequence": None}
        start["usage"] = {"input_tokens": reply.input_tokens, "output_tokens": 1}
        chunks: list[dict[str, Any]] = [{"type": "message_start", "message": start}]
        for index, block in enumerate(reply.blocks):
            chunks += _block_chunks(index, block)
        chunks.append(
            {
                "type": "message_delta",
                "delta": {"stop_reason": reply.stop_reason, "stop_sequence": reply.stop_sequence},
                "usage": {"output_tokens": reply.output_tokens},
            }
        )
        chunks.append({"type": "message_stop"})
        return chunks


# --- Request bodies ---------------------------------------------------------------------------


def _turn(message: Any) -> dict[str, Any]:  # noqa: ANN401 - untrusted JSON
    if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
        raise malformed_input()
    content = message.get("content")
    if isinstance(content, str):
        return {"role": message["role"], "content": [{"text": content}]}
    if not isinstance(content, list):
        raise malformed_input()
    blocks = [_block(block) for block in content if isinstance(block, dict)]
    return {"role": message["role"], "content": [block for block in blocks if block]}


def _block(block: Mapping[str, Any]) -> dict[str, Any]:
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
        items = [{"text": raw}] if isinstance(raw, str) else [_block(b) for b in raw]
        return {
            "toolResult": {
                "toolUseId": block.get("tool_use_id"),
                # Text and images, as Anthropic's tool results carry; the answer names both.
                "content": [item for item in items if "text" in item or "image" in item],
                "status": "error" if block.get("is_error") else "success",
            }
        }
    # Thinking and document blocks carry nothing the emulator's replies use.
    return {}


def _tool(tool: Any) -> ToolSpec:  # noqa: ANN401 - untrusted JSON
    if not isinstance(tool, dict) or "name" not in tool:
        raise malformed_input()
    schema = tool.get("input_schema")
    return ToolSpec(
        str(tool["name"]),
        str(tool.get("description", "")),
        schema if isinstance(schema, dict) else {},
    )


def _system(system: Any) -> list[str]:  # noqa: ANN401 - untrusted JSON
    if isinstance(system, str):
        return [system] if system else []
    if isinstance(system, list):
        return [str(b["text"]) for b in system if isinstance(b, dict) and "text" in b]
    return []


# --- Response bodies and stream chunks --------------------------------------------------------


def _message(reply: Reply, model_id: str) -> dict[str, Any]:
    return {
        "id": "msg_bdrk_" + hashlib.sha256(repr(reply).encode("utf-8")).hexdigest()[:24],
        "type": "message",
        "role": "assistant",
        "model": model_id.rpartition("anthropic.")[2],
        "content": [_content(block) for block in reply.blocks],
        "stop_reason": reply.stop_reason,
        "stop_sequence": reply.stop_sequence,
        "usage": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
    }


def _content(block: str | ToolUseBlock) -> dict[str, Any]:
    if isinstance(block, str):
        return {"type": "text", "text": block}
    return {"type": "tool_use", "id": block.tool_use_id, "name": block.name, "input": block.input}


def _block_chunks(index: int, block: str | ToolUseBlock) -> list[dict[str, Any]]:
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
