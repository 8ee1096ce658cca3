"""Mistral's native body, in its two forms.

- The prompt form: a `prompt` in the `[INST]` markup, answered with `outputs`.
- The chat form (Mistral Large): OpenAI-style `messages`, `tools` and
  `tool_choice`, answered with `choices`.

A body with top-level `messages` is in the chat form (`is_chat_body`), and the
caller passes `chat=True` to render the answer in that form.

Example:
    >>> from langchain_bedrock_enhanced.emulator._types import Reply
    >>> reply = Reply(("Hi",), "end_turn", 3, 1)
    >>> MistralFormat().response(reply, model_id="m", chat=False)
    {'outputs': [{'text': 'Hi', 'stop_reason': 'stop'}]}
    >>> MistralFormat().response(reply, model_id="m", chat=True)["choices"][0]["message"]
    {'role': 'assistant', 'content': 'Hi'}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from typing_extensions import override

from langchain_bedrock_enhanced.emulator._json import load_json
from langchain_bedrock_enhanced.emulator._replies import compact_json, text_deltas
from langchain_bedrock_enhanced.emulator._types import (
    ConversationRequest,
    Reply,
    ToolSpec,
    ToolUseBlock,
)
from langchain_bedrock_enhanced.emulator.native._common import (
    NativeFormat,
    check_keys,
    finish_reason,
    inst_turns,
    integer,
    malformed_input,
    number,
    plain_text,
    tool_choice,
    typed,
)

__all__ = ["MistralFormat"]

_PROMPT_KEYS: Final = frozenset(["prompt", "max_tokens", "temperature", "top_p", "top_k", "stop"])
_CHAT_KEYS: Final = frozenset(
    ["messages", "max_tokens", "temperature", "top_p", "top_k", "stop", "tools", "tool_choice"]
)


class MistralFormat(NativeFormat):
    """Mistral's InvokeModel body, prompt or chat form.

    Example:
        >>> request = MistralFormat().parse(
        ...     {"prompt": "<s>[INST] Hi [/INST] Hello!</s>[INST] Bye [/INST]", "stop": "###"}
        ... )
        >>> [m["role"] for m in request.messages], request.stop_sequences
        (['user', 'assistant', 'user'], ['###'])
    """

    @override
    def parse(self, document: dict[str, Any]) -> ConversationRequest:
        if "messages" in document:
            return _parse_chat(document)
        check_keys(document, _PROMPT_KEYS, ("prompt",))
        return ConversationRequest(
            messages=inst_turns(typed(document, "prompt", str, "String")),
            **_settings(document),
        )

    @override
    def is_chat_body(self, body: bytes) -> bool:
        """Whether `body` has top-level `messages`.

        Example:
            >>> MistralFormat().is_chat_body(b'{"messages": []}')
            True
            >>> MistralFormat().is_chat_body(b'{"prompt": "[INST] Hi [/INST]"}')
            False
        """
        try:
            document = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            return False
        return isinstance(document, dict) and "messages" in document

    @override
    def response(self, reply: Reply, *, model_id: str, chat: bool) -> dict[str, Any]:
        if chat:
            return {"choices": [{"index": 0, **_chat_choice(reply)}]}
        return {
            "outputs": [
                {"text": plain_text(reply), "stop_reason": finish_reason(reply, tools=False)}
            ]
        }

    @override
    def stream_chunks(
        self, reply: Reply, *, model_id: str, latency_ms: int, chat: bool
    ) -> list[dict[str, Any]]:
        if chat:
            return _chat_chunks(reply)
        pieces = text_deltas(plain_text(reply))
        chunks: list[dict[str, Any]] = [
            {"outputs": [{"text": piece, "stop_reason": None}]} for piece in pieces
        ]
        chunks[-1]["outputs"][0]["stop_reason"] = finish_reason(reply, tools=False)
        return chunks


# --- Request bodies ---------------------------------------------------------------------------


def _parse_chat(document: dict[str, Any]) -> ConversationRequest:
    check_keys(document, _CHAT_KEYS, ("messages",))
    system: list[str] = []
    messages: list[dict[str, Any]] = []
    for message in typed(document, "messages", list, "JSONArray"):
        if not isinstance(message, dict):
            raise malformed_input()
        if message.get("role") == "system":
            system.append(_chat_text(message.get("content")))
        else:
            messages.append(_chat_turn(message))
    tools = [_tool(tool) for tool in typed(document, "tools", list, "JSONArray") or []]
    choice = document.get("tool_choice")
    if choice == "none":
        tools, choice = [], None
    return ConversationRequest(
        messages=messages,
        system=system,
        tools=tools,
        tool_choice=tool_choice(choice),
        **_settings(document),
    )


def _chat_turn(message: Mapping[str, Any]) -> dict[str, Any]:
    role = message.get("role")
    if role == "tool":
        result = {
            "toolUseId": message.get("tool_call_id"),
            "content": [{"text": _chat_text(message.get("content"))}],
        }
        return {"role": "user", "content": [{"toolResult": result}]}
    if role not in ("user", "assistant"):
        raise malformed_input()
    content: list[dict[str, Any]] = []
    text = _chat_text(message.get("content"))
    if text:
        content.append({"text": text})
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        arguments = function.get("arguments", "{}")
        parsed = load_json(arguments) if isinstance(arguments, str) else arguments
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


def _tool(tool: Any) -> ToolSpec:  # noqa: ANN401 - untrusted JSON
    function = tool.get("function") if isinstance(tool, dict) else None
    if not isinstance(function, dict) or "name" not in function:
        raise malformed_input()
    schema = function.get("parameters")
    return ToolSpec(
        str(function["name"]),
        str(function.get("description", "")),
        schema if isinstance(schema, dict) else {},
    )


def _settings(document: Mapping[str, Any]) -> dict[str, Any]:
    stop = document.get("stop")
    stops = [stop] if isinstance(stop, str) else [str(s) for s in stop or []]
    return {
        "max_tokens": integer(document, "max_tokens"),
        "temperature": number(document, "temperature"),
        "top_p": number(document, "top_p"),
        "stop_sequences": stops,
        "additional_fields": {"top_k": document["top_k"]} if "top_k" in document else {},
    }


def _chat_text(content: Any) -> str:  # noqa: ANN401 - untrusted JSON
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
    return ""


# --- Response bodies and stream chunks --------------------------------------------------------


def _chat_chunks(reply: Reply) -> list[dict[str, Any]]:
    final = _chat_choice(reply)
    choices: list[dict[str, Any]] = [
        {"index": 0, "message": {"role": "assistant", "content": piece}, "stop_reason": None}
        for piece in text_deltas(reply.text)
    ]
    # Tool calls arrive whole with the last chunk, which also says why generation stopped.
    choices[-1]["stop_reason"] = final["stop_reason"]
    if "tool_calls" in final["message"]:
        choices[-1]["message"]["tool_calls"] = final["message"]["tool_calls"]
    return [{"choices": [choice]} for choice in choices]


def _chat_choice(reply: Reply) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    calls = [
        {"id": b.tool_use_id, "function": {"name": b.name, "arguments": compact_json(b.input)}}
        for b in reply.blocks
        if isinstance(b, ToolUseBlock)
    ]
    if calls:
        message["tool_calls"] = calls
    return {"message": message, "stop_reason": finish_reason(reply, tools=True)}
