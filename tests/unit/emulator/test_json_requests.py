"""The emulator answers a prompt that quotes a JSON Schema with a fenced instance of it."""

from __future__ import annotations

import json

from langchain_bedrock_enhanced.emulator._json_requests import json_answer, schema_asked_for

SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
ASKED = f"Answer with JSON that matches this JSON Schema:\n```json\n{json.dumps(SCHEMA)}\n```"


def test_a_quoted_schema_in_any_prompt_text_is_found() -> None:
    assert schema_asked_for(["Be brief.", ASKED]) == SCHEMA


def test_a_fence_without_the_words_json_schema_is_not_a_request() -> None:
    assert schema_asked_for([f"Here is some data:\n```json\n{json.dumps(SCHEMA)}\n```"]) is None


def test_a_fenced_value_that_is_no_schema_is_ignored() -> None:
    assert schema_asked_for(["Use this JSON Schema:\n```json\n[1, 2]\n```"]) is None
    assert schema_asked_for(["Use this JSON Schema:\n```json\n{not json}\n```"]) is None


def test_the_answer_is_prose_then_a_fenced_valid_instance() -> None:
    answer = json_answer(SCHEMA)
    prose, fenced = answer.split("\n", 1)
    assert prose == "Here is the JSON you asked for:"
    assert fenced.startswith("```json\n")
    assert fenced.endswith("\n```")
    assert set(json.loads(fenced[len("```json\n") : -len("\n```")])) == {"city"}
