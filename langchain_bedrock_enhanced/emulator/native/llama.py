"""Meta Llama's native body: one `prompt` in the Llama 3 chat template.

The prompt is read back into a system prompt and turns; a Llama 2 prompt, in
Mistral's `[INST]` markup, is read too. The answer is one `generation` string,
with tool calls written as text the way Llama 3.1 writes them.

Example:
    >>> from langchain_bedrock_enhanced.emulator._types import Reply
    >>> body = LlamaFormat().response(Reply(("Hi",), "max_tokens", 3, 1), model_id="m", chat=False)
    >>> body["generation"], body["generation_token_count"], body["stop_reason"]
    ('Hi', 1, 'length')
"""

from __future__ import annotations

import re
from typing import Any, Final

from typing_extensions import override

from langchain_bedrock_enhanced.emulator._replies import text_deltas, token_pieces
from langchain_bedrock_enhanced.emulator._types import ConversationRequest, Reply
from langchain_bedrock_enhanced.emulator.native._common import (
    NativeFormat,
    check_keys,
    finish_reason,
    inst_turns,
    integer,
    number,
    plain_text,
    text_turn,
    typed,
)

__all__ = ["LlamaFormat"]

_KEYS: Final = frozenset(["prompt", "max_gen_len", "temperature", "top_p", "images"])
_TURN: Final = re.compile(
    r"<\|start_header_id\|>(\w+)<\|end_header_id\|>\n*(.*?)(?:<\|eot_id\|>|$)", re.DOTALL
)
_SPECIAL_TOKEN: Final = re.compile(r"<\|[a-z_]+\|>")


class LlamaFormat(NativeFormat):
    r"""Meta Llama's InvokeModel body.

    Example:
        >>> prompt = (
        ...     "<|begin_of_text|>"
        ...     "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        ...     "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"
        ...     "<|start_header_id|>assistant<|end_header_id|>\n\n"
        ... )
        >>> request = LlamaFormat().parse({"prompt": prompt})
        >>> request.system, request.messages
        (['Be brief.'], [{'role': 'user', 'content': [{'text': 'Hi!'}]}])
    """

    @override
    def parse(self, document: dict[str, Any]) -> ConversationRequest:
        check_keys(document, _KEYS, ("prompt",))
        prompt = typed(document, "prompt", str, "String")
        if "[INST]" in prompt:
            # Llama 2 used the same `[INST]` markup as Mistral.
            system: list[str] = []
            messages = inst_turns(prompt)
        else:
            system, messages = _template_turns(prompt)
        return ConversationRequest(
            messages=messages,
            system=system,
            max_tokens=integer(document, "max_gen_len"),
            temperature=number(document, "temperature"),
            top_p=number(document, "top_p"),
        )

    @override
    def response(self, reply: Reply, *, model_id: str, chat: bool) -> dict[str, Any]:
        return {
            "generation": plain_text(reply),
            "prompt_token_count": reply.input_tokens,
            "generation_token_count": reply.output_tokens,
            "stop_reason": finish_reason(reply, tools=False),
        }

    @override
    def stream_chunks(
        self, reply: Reply, *, model_id: str, latency_ms: int, chat: bool
    ) -> list[dict[str, Any]]:
        deltas = text_deltas(plain_text(reply))
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
        chunks[-1]["stop_reason"] = finish_reason(reply, tools=False)
        return chunks


def _template_turns(prompt: str) -> tuple[list[str], list[dict[str, Any]]]:
    turns = _TURN.findall(prompt)
    if not turns:
        return [], [text_turn("user", _SPECIAL_TOKEN.sub("", prompt).strip())]
    system: list[str] = []
    messages: list[dict[str, Any]] = []
    for role, text in turns:
        if role == "system":
            system.append(text.strip())
        elif role == "assistant":
            # The template ends with an open assistant header: the turn to generate.
            if text.strip():
                messages.append(text_turn("assistant", text.strip()))
        else:
            messages.append(text_turn("user", text.strip()))
    return system, messages
