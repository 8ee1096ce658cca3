"""Helpers shared by the families' native InvokeModel formats (private).

Native prompt templates only know roles and text, so a conversation is reduced to
system text plus alternating user/assistant turns. Tool results become user text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.messages.ai import UsageMetadata

Role = Literal["user", "assistant"]


def split_turns(messages: Sequence[BaseMessage]) -> tuple[list[str], list[tuple[Role, str]]]:
    """Split messages into system texts and merged user/assistant turns.

    Args:
        messages: The conversation.

    Returns:
        `(system_texts, turns)`; consecutive turns of one role are joined.
    """
    system: list[str] = []
    turns: list[tuple[Role, str]] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            if message.text:
                system.append(str(message.text))
            continue
        role: Role = "user"
        text = str(message.text)
        if isinstance(message, AIMessage):
            role = "assistant"
        elif isinstance(message, ToolMessage):
            text = f"Tool result ({message.tool_call_id}): {text}"
        elif isinstance(message, ChatMessage) and message.role == "assistant":
            role = "assistant"
        if turns and turns[-1][0] == role:
            turns[-1] = (role, f"{turns[-1][1]}\n\n{text}")
        else:
            turns.append((role, text))
    return system, turns


def usage(input_tokens: object, output_tokens: object) -> UsageMetadata | None:
    """Usage metadata from two token counts, or `None` when either is missing.

    Args:
        input_tokens: Prompt tokens as reported.
        output_tokens: Generated tokens as reported.

    Returns:
        The usage metadata, or `None`.
    """
    if not isinstance(input_tokens, int) or not isinstance(output_tokens, int):
        return None
    return UsageMetadata(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
    )


def drop_none(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` without the keys whose value is `None`.

    Args:
        values: A mapping.

    Returns:
        A new dict.
    """
    return {key: value for key, value in values.items() if value is not None}
