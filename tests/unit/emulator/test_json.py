"""Request JSON is read as Bedrock's front door reads it: valid UTF-8, valid JSON, valid text."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from langchain_bedrock_enhanced.emulator._errors import MALFORMED_INPUT
from langchain_bedrock_enhanced.emulator._json import has_lone_surrogate, load_json
from langchain_bedrock_enhanced.emulator._types import EmulatedError


def test_valid_json_decodes_with_escaped_pairs_joined_into_one_character():
    document = load_json(b'{"text": "caf\\u00e9 \\ud83d\\ude00", "n": [1, 2.5, null]}')

    assert document == {"text": "café 😀", "n": [1, 2.5, None]}


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "a\\ud800b"}',  # a high surrogate alone
        b'{"text": "\\udc00"}',  # a low surrogate alone
        b'{"text": "\\ude00\\ud83d"}',  # a pair in the wrong order
        b'{"te\\ud800xt": "in a key"}',
        b'[[[{"deep": ["\\udfff"]}]]]',
        b'{"n": NaN}',
        b'{"n": Infinity}',
        b'{"n": -Infinity}',
        b'{"n": 1e400}',
        b'{"text": "\xff"}',  # not UTF-8
        b'{"text": ',  # not JSON
        b"[" * 100_000 + b"]" * 100_000,  # deeper than Python's recursion limit
    ],
)
def test_what_bedrock_cannot_read_is_malformed_input(body: bytes):
    with pytest.raises(EmulatedError) as info:
        load_json(body)

    assert (info.value.code, info.value.message) == ("ValidationException", MALFORMED_INPUT)


def test_a_json_document_sent_as_a_string_is_read_the_same_way():
    assert load_json('{"type": "object"}') == {"type": "object"}
    with pytest.raises(EmulatedError):
        load_json('{"const": "\\ud800"}')


def test_lone_surrogates_are_found_at_any_depth_without_recursion():
    nested: Any = "\udc80"
    for _ in range(100_000):
        nested = [nested]

    assert has_lone_surrogate(nested)
    assert not has_lone_surrogate({"a": [1, None, True, {"b": "ok \U0001f600"}]})


@given(st.recursive(st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)))
def test_text_that_encodes_as_utf8_never_holds_a_lone_surrogate(value: Any):
    assert not has_lone_surrogate(value)
