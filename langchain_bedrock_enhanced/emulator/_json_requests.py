r"""Answers to prompts that ask for JSON matching a schema they quote.

A real model asked, in its system prompt or the user's turn, for "JSON that matches
this JSON Schema" followed by the schema in a ```json fence usually answers with a
fenced JSON object. The emulator does the same, deterministically: when a prompt text
mentions "JSON Schema" and quotes, in a ```json fence, a JSON object that looks like a
schema (it has `properties`, or `"type": "object"`), the reply is a schema-valid
instance in a ```json fence, after one line of prose. So clients that extract JSON
from prose (such as `BedrockLLMClient.generate_structured` without tools) can be
tested end to end.

Example:
    >>> schema = '{"type": "object", "properties": {"n": {"type": "integer"}}}'
    >>> prompt = f"Answer with JSON matching this JSON Schema:\n```json\n{schema}\n```"
    >>> print(json_answer(schema_asked_for([prompt])))
    Here is the JSON you asked for:
    ```json
    {"n":1}
    ```
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from langchain_bedrock_enhanced.emulator._schema_instances import instance_for_schema

__all__ = ["json_answer", "schema_asked_for"]

_FENCED_JSON = re.compile(r"```json[ \t]*\n(.*?)```", re.DOTALL)


def schema_asked_for(texts: Iterable[str]) -> dict[str, Any] | None:
    """The JSON Schema a prompt quotes and asks an answer for, if any.

    Args:
        texts: The system texts and the last user turn's text.

    Returns:
        The first schema found, or `None`.
    """
    for text in texts:
        if "json schema" not in text.lower():
            continue
        for block in _FENCED_JSON.findall(text):
            try:
                value = json.loads(block)
            except ValueError:
                continue
            if isinstance(value, dict) and ("properties" in value or value.get("type") == "object"):
                return value
    return None


def json_answer(schema: dict[str, Any]) -> str:
    """A fenced, schema-valid JSON instance after one line of prose.

    Args:
        schema: The schema the prompt quoted.

    Returns:
        The answer's text.
    """
    instance = json.dumps(instance_for_schema(schema), separators=(",", ":"))
    return f"Here is the JSON you asked for:\n```json\n{instance}\n```"
