"""Paging for the emulator's list operations: a page, and an opaque token for the next.

The token is unpadded URL-safe base64 of `{"offset": n}`; a token this module did not
issue for a list this long is Bedrock's `Invalid pagination token.`, and `maxResults`
outside 1..1000 is Bedrock's validation message.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import TypeVar

from langchain_bedrock_enhanced.emulator._types import EmulatedError

__all__ = ["INVALID_PAGINATION_TOKEN", "paginate"]

T = TypeVar("T")

INVALID_PAGINATION_TOKEN = "Invalid pagination token."  # noqa: S105 - not a secret

_MAX_PAGE = 1000


def _encode_token(offset: int) -> str:
    # Unpadded URL-safe base64: nothing in it needs escaping in a query string.
    raw = base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode())
    return raw.decode().rstrip("=")


def _decode_token(token: str, size: int) -> int:
    try:
        padded = token + "=" * (-len(token) % 4)
        offset = json.loads(base64.urlsafe_b64decode(padded.encode()))["offset"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeError):
        offset = None
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 < offset <= size:
        raise EmulatedError("ValidationException", INVALID_PAGINATION_TOKEN)
    return offset


def paginate(
    items: Sequence[T], *, max_results: int | None, next_token: str | None
) -> tuple[list[T], str | None]:
    """One page of `items`, and the opaque token of the next page (None on the last).

    Without `max_results` the rest of the list is one page. Concatenating the pages
    gives `items` exactly once each.

    Raises:
        EmulatedError: `ValidationException` for `max_results` outside 1..1000 or a
            token this function did not issue for a list this long.

    Example:
        >>> page, token = paginate(["a", "b", "c"], max_results=2, next_token=None)
        >>> page, paginate(["a", "b", "c"], max_results=2, next_token=token)
        (['a', 'b'], (['c'], None))
    """
    if max_results is not None and not 1 <= max_results <= _MAX_PAGE:
        bound = "greater than or equal to 1" if max_results < 1 else "less than or equal to 1000"
        msg = (
            f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to "
            f"satisfy constraint: Member must have value {bound}"
        )
        raise EmulatedError("ValidationException", msg)
    start = 0 if next_token is None else _decode_token(next_token, len(items))
    end = len(items) if max_results is None else min(len(items), start + max_results)
    return list(items[start:end]), (_encode_token(end) if end < len(items) else None)
