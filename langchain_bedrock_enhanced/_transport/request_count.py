"""Count the HTTP requests a call sends, retries and dropped connections included.

botocore emits `before-send` once per HTTP attempt, its own retries included, and
before the connection is tried, so a request whose connection drops is counted too.
A handler registered on each client this package sends through adds one to every
`RequestCount` open in the current context. Counts nest: a model call opens one, the
retry wrapper opens one around all its attempts, `run_parallel` one per input, and
each sees every request sent beneath it. That is how the `attempts` we report equal
what the emulator or AWS saw.

The counts live in a context variable, so concurrent calls (threads that copy the
context, asyncio tasks) never mix. Scopes are entered and left with `set`, not a
reset token, because a stream's scope may be left from another context when its
consumer abandons it.

Example:
    >>> with counting() as count:
    ...     count_one()  # what the before-send handler does for each request
    ...     with counting() as inner:
    ...         count_one()
    >>> count.value, inner.value
    (2, 1)
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

__all__ = [
    "RequestCount",
    "count_one",
    "count_requests_of",
    "counting",
    "open_count",
]

SERVICE_ID = "bedrock-runtime"
_HOOK_ID = "langchain-bedrock-enhanced-request-count"


class RequestCount:
    """How many HTTP requests were sent while this count was open.

    Example:
        >>> RequestCount().value
        0
    """

    __slots__ = ("_lock", "value")

    def __init__(self) -> None:
        """Start at zero."""
        self.value = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        """Count one request (thread-safe: a call's requests may come from a pool)."""
        with self._lock:
            self.value += 1


_OPEN: ContextVar[tuple[RequestCount, ...]] = ContextVar(
    "langchain_bedrock_enhanced_request_counts", default=()
)
_counted_clients: weakref.WeakSet[Any] = weakref.WeakSet()
_counted_lock = threading.Lock()


def count_one(**_: Any) -> None:  # noqa: ANN401 - botocore passes the request by keyword
    """Add one request to every count open in this context (the before-send handler)."""
    for count in _OPEN.get():
        count.add()


def count_requests_of(client: Any) -> None:  # noqa: ANN401 - a boto3 or aiobotocore client
    """Have `client`'s Bedrock runtime requests counted; idempotent and cheap to repeat.

    Args:
        client: A `bedrock-runtime` client, sync or aiobotocore. Anything without
            botocore's event system is left alone.
    """
    if client in _counted_clients:
        return
    events = getattr(getattr(client, "meta", None), "events", None)
    if events is None:
        return
    with _counted_lock:
        events.register(f"before-send.{SERVICE_ID}", count_one, unique_id=_HOOK_ID)
        _counted_clients.add(client)


def open_count() -> tuple[RequestCount, Callable[[], None]]:
    """Open a count in this context; returns it and the function that closes it.

    For generators, whose scope may be closed from another context (a consumer that
    drops a stream): closing only restores the counts around it where it is still
    the innermost one, so it never clobbers another context's counts.
    """
    previous = _OPEN.get()
    count = RequestCount()
    opened = (*previous, count)
    _OPEN.set(opened)

    def close() -> None:
        if _OPEN.get() is opened:
            _OPEN.set(previous)

    return count, close


@contextmanager
def counting() -> Iterator[RequestCount]:
    """Count the requests sent inside the block (and in every count around it).

    Yields:
        The count, read after (or during) the block.
    """
    count, close = open_count()
    try:
        yield count
    finally:
        close()
