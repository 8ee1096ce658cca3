"""Amazon Nova's native body: `schemaVersion: messages-v1`, shaped like Converse.

Nova reads Converse-style messages, system blocks and `toolConfig`, and takes
its inference settings in either Converse's spelling (`maxTokens`, `topP`) or
its own (`max_new_tokens`, `top_p`). Its stream chunks are named like
ConverseStream's events.

Example:
    >>> request = NovaFormat().parse(
    ...     {"messages": [{"role": "user", "content": [{"text": "Hi"}]}],
    ...      "inferenceConfig": {"max_new_tokens": 40, "topK": 20}}
    ... )
    >>> request.max_tokens, request.additional_fields
    (40, {'inferenceConfig': {'topK': 20}})
"""

from __future__ import annotations

from typing import Any, Final

from typing_extensions import override

from langchain_bedrock_enhanced.emulator._replies import converse_stream_events, parse_tool_config
from langchain_bedrock_enhanced.emulator._types import ConversationRequest, Reply
from langchain_bedrock_enhanced.emulator.native._common import (
    NativeFormat,
    check_keys,
    first_present,
    integer_value,
    malformed_input,
    number,
    number_value,
    typed,
)

__all__ = ["NovaFormat"]

_KEYS: Final = frozenset(["schemaVersion", "messages", "system", "inferenceConfig", "toolConfig"])


class NovaFormat(NativeFormat):
    """Amazon Nova's InvokeModel body.

    Example:
        >>> from langchain_bedrock_enhanced.emulator._types import Reply
        >>> NovaFormat().response(Reply(("Hi",), "end_turn", 3, 1), model_id="m", chat=False)[
        ...     "output"
        ... ]
        {'message': {'role': 'assistant', 'content': [{'text': 'Hi'}]}}
    """

    @override
    def parse(self, document: dict[str, Any]) -> ConversationRequest:
        check_keys(document, _KEYS, ("messages",))
        messages = [_turn(m) for m in typed(document, "messages", list, "JSONArray")]
        inference = typed(document, "inferenceConfig", dict, "JSONObject") or {}
        tools, choice, choice_name = parse_tool_config(document.get("toolConfig"))
        top_k = first_present(inference, "topK", "top_k")
        stops = first_present(inference, "stopSequences", "stop_sequences")
        return ConversationRequest(
            messages=messages,
            system=[
                str(b["text"])
                for b in document.get("system") or []
                if isinstance(b, dict) and "text" in b
            ],
            max_tokens=integer_value(
                "maxTokens", first_present(inference, "maxTokens", "max_new_tokens")
            ),
            temperature=number(inference, "temperature"),
            top_p=number_value("topP", first_present(inference, "topP", "top_p")),
            stop_sequences=[str(s) for s in stops] if isinstance(stops, list) else [],
            tools=tools,
            tool_choice=choice,
            tool_choice_name=choice_name,
            additional_fields={} if top_k is None else {"inferenceConfig": {"topK": top_k}},
        )

    @override
    def response(self, reply: Reply, *, model_id: str, chat: bool) -> dict[str, Any]:
        content: list[dict[str, Any]] = [
            {"text": block}
            if isinstance(block, str)
            else {
                "toolUse": {
                    "toolUseId": block.tool_use_id,
                    "name": block.name,
                    "input": block.input,
                }
            }
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

    @override
    def stream_chunks(
        self, reply: Reply, *, model_id: str, latency_ms: int, chat: bool
    ) -> list[dict[str, Any]]:
        return [
            {name: payload}
            for name, payload in converse_stream_events(reply, latency_ms=latency_ms)
        ]


def _turn(message: Any) -> dict[str, Any]:  # noqa: ANN401 - untrusted JSON
    if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
        raise malformed_input()
    content = message.get("content")
    if not isinstance(content, list):
        raise malformed_input()
    return {"role": message["role"], "content": [dict(b) for b in content if isinstance(b, dict)]}
