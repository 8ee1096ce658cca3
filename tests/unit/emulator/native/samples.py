"""Bodies, replies and helpers shared by the native-body tests."""

from __future__ import annotations

import json
from typing import Any

import pytest

from langchain_bedrock_enhanced.emulator._types import (
    ConversationRequest,
    EmulatedError,
    Family,
    Reply,
    ToolUseBlock,
)
from langchain_bedrock_enhanced.emulator.native import parse_native_request

FAMILIES: list[Family] = ["claude", "nova", "llama", "mistral"]
HAIKU_ID = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
WEATHER_SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}},
    "required": ["city"],
}
TEXT_REPLY = Reply(("Hello there, friend",), "end_turn", input_tokens=12, output_tokens=3)
TOOL_REPLY = Reply(
    ("Checking.", ToolUseBlock("tooluse_x", "get_weather", {"city": "Paris"})),
    "tool_use",
    input_tokens=30,
    output_tokens=8,
)


def parse(family: Family, body: Any) -> ConversationRequest:
    return parse_native_request(family, json.dumps(body).encode())


def rejection(family: Family, body: Any) -> str:
    """The message of the ValidationException a body is refused with."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with pytest.raises(EmulatedError) as caught:
        parse_native_request(family, raw)
    assert caught.value.code == "ValidationException"
    return caught.value.message


def user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": [{"text": text}]}


def claude_body(**extra: Any) -> dict[str, Any]:
    return {
        "anthropic_version": "bedrock-2023-05-31",
        "max_tokens": 256,
        "messages": [{"role": "user", "content": "Hi"}],
        **extra,
    }
