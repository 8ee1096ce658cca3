r"""Reading untrusted JSON: a request body, or a JSON document nested in one as a string.

Python's `json` module accepts the escape `\ud800` on its own, although it is
only half of a UTF-16 surrogate pair, and returns a `str` holding a lone
surrogate. No UTF-8 encoder accepts that string, so a reply that echoes it
cannot be sent. It also accepts `NaN`, `Infinity` and `-Infinity`, which are not
JSON (RFC 8259, section 6: "Numeric values that cannot be represented in the
grammar below (such as Infinity and NaN) are not permitted"), and reads `1e400` as
infinity. The emulator therefore refuses such text and numbers when it reads them,
as it refuses JSON it cannot parse.

What Bedrock answers for a lone surrogate is not documented anywhere we found (no
sample in `shared/reference/bedrock_error_messages.json`, the Bedrock API
reference or public issue threads), so the emulator answers Bedrock's generic
`ValidationException` "Malformed input request, please reformat your input and
try again.", its verbatim answer to a body it cannot read.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Final, NoReturn

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._types import EmulatedError

__all__ = ["has_lone_surrogate", "load_json"]

_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def load_json(data: str | bytes) -> Any:  # noqa: ANN401 - any JSON value
    r"""Decode JSON that must be valid UTF-8, well-formed and hold only valid Unicode text.

    Args:
        data: The raw body, or a JSON document received as a string.

    Returns:
        The decoded value.

    Raises:
        EmulatedError: `ValidationException` with Bedrock's generic "Malformed
            input request" text for bytes that are not UTF-8, invalid or too deeply
            nested JSON, `NaN` and infinite numbers, and text or keys holding a lone
            surrogate.

    Example:
        >>> load_json(b'{"text": "caf\\u00e9 \\ud83d\\ude00"}')
        {'text': 'café 😀'}
        >>> load_json(b'{"text": "a\\ud800b"}')
        Traceback (most recent call last):
        ...
        langchain_bedrock_enhanced.emulator._types.EmulatedError: ValidationException: ...
        >>> load_json(b'{"maxTokens": 1e400}')
        Traceback (most recent call last):
        ...
        langchain_bedrock_enhanced.emulator._types.EmulatedError: ValidationException: ...
    """
    try:
        document = json.loads(data, parse_constant=_not_a_number, parse_float=_finite_float)
    except (ValueError, RecursionError) as err:  # JSONDecodeError and UnicodeDecodeError
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT) from err
    if has_lone_surrogate(document):
        raise EmulatedError("ValidationException", _errors.MALFORMED_INPUT)
    return document


def _not_a_number(literal: str) -> NoReturn:
    msg = f"{literal} is not JSON"
    raise ValueError(msg)


def _finite_float(literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        msg = f"{literal} is out of range for a double"
        raise ValueError(msg)
    return value


def has_lone_surrogate(value: Any) -> bool:  # noqa: ANN401 - any JSON value
    r"""Whether any string in a decoded JSON value, key or value, holds a lone surrogate.

    `json` joins an escaped pair (`\ud83d\ude00`) into one character, so every
    surrogate left in a decoded string is alone.

    Example:
        >>> has_lone_surrogate({"messages": [{"text": "ok"}]})
        False
        >>> has_lone_surrogate({"messages": [{"te\udc00xt": "ok"}]})
        True
    """
    # An explicit stack: a body may nest deeper than Python's recursion limit allows.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
