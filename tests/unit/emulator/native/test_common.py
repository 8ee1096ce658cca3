"""The schema checks every family shares: Bedrock's "Malformed input request" texts."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._types import Family
from tests.unit.emulator.native.samples import claude_body, rejection, user


@pytest.mark.parametrize(
    ("family", "body", "key"),
    [
        ("claude", {"max_tokens": 5, "messages": []}, "anthropic_version"),
        ("claude", {"anthropic_version": "bedrock-2023-05-31", "messages": []}, "max_tokens"),
        ("nova", {"schemaVersion": "messages-v1"}, "messages"),
        ("llama", {"max_gen_len": 5}, "prompt"),
        ("mistral", {"max_tokens": 5}, "prompt"),
    ],
)
def test_missing_required_key_is_named(family: Family, body: dict[str, Any], key: str):
    assert rejection(family, body) == _errors.MALFORMED_REQUIRED_KEY.format(key=key)


@pytest.mark.parametrize(
    ("family", "body"),
    [
        ("claude", claude_body(stream=True)),
        ("nova", {"messages": [user("Hi")], "stream": True}),
        ("llama", {"prompt": "Hi", "stream": True}),
        ("mistral", {"prompt": "Hi", "stream": True}),
        ("mistral", {"messages": [{"role": "user", "content": "Hi"}], "stream": True}),
    ],
)
def test_unknown_key_is_named_as_extraneous(family: Family, body: dict[str, Any]):
    message = rejection(family, body)

    assert message == (
        "Malformed input request: #: extraneous key [stream] is not permitted, "
        "please reformat your input and try again."
    )


def test_several_schema_violations_are_counted():
    message = rejection("claude", {"prompt": "Hi", "max_tokens": 5})

    assert message == (
        "Malformed input request: 3 schema violations found, "
        "please reformat your input and try again."
    )


def test_value_of_the_wrong_type_is_reported_with_its_path():
    message = rejection("claude", claude_body(max_tokens="many"))

    assert message == (
        "Malformed input request: #/max_tokens: expected type: Integer, found: String, "
        "please reformat your input and try again."
    )
