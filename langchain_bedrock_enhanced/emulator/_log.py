"""The emulator's request log: one record per request, readable while the server runs."""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

_ATTEMPT_RE = re.compile(r"attempt=(\d+)")

NO_STATUS = 0
"""The `status` of a request that got no answer at all (a `drop_connection` fault)."""
DROPPED_CONNECTION = "DropConnection"
"""The `error_code` of a request whose connection a `drop_connection` fault closed."""


def parse_attempt(header: str | None) -> int:
    """The attempt number from botocore's `amz-sdk-request: attempt=N; max=M` header (1 if absent).

    Example:
        >>> parse_attempt("attempt=2; max=3")
        2
    """
    if header:
        match = _ATTEMPT_RE.search(header)
        if match:
            return int(match.group(1))
    return 1


@dataclass(frozen=True)
class RequestRecord:
    """One request as the emulator saw and answered it."""

    operation: str
    """The API operation, e.g. `Converse` or `ListInferenceProfiles` (`Unknown` if unrouted)."""
    model_id: str | None
    """The model identifier exactly as sent (percent-decoded path segment), if any."""
    region: str
    """The region from the SigV4 credential scope."""
    status: int
    """The HTTP status sent (200 for a stream, even one that later fails mid-stream).

    `NO_STATUS` (0) when none was sent: a `drop_connection` fault closed the
    connection, and `error_code` is `DROPPED_CONNECTION` (`"DropConnection"`).
    """
    attempt: int
    """botocore's attempt number for this call, from `amz-sdk-request`."""
    request_id: str
    """The `x-amzn-RequestId` sent back."""
    error_code: str | None = None
    """The error code answered, including a mid-stream exception's, if any.

    `DROPPED_CONNECTION` when a `drop_connection` fault closed the connection.
    """
    body: dict[str, Any] | None = field(default=None, compare=False)
    """The JSON request body: Converse, ConverseStream and CountTokens, and the native
    InvokeModel bodies that are JSON objects."""

    @property
    def is_runtime(self) -> bool:
        """Whether this is a bedrock-runtime model call (as opposed to a control-plane call)."""
        return self.operation in RUNTIME_OPERATIONS

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict, as served by `GET /_emulator/requests`."""
        return asdict(self)


RUNTIME_OPERATIONS = frozenset(
    {"Converse", "ConverseStream", "InvokeModel", "InvokeModelWithResponseStream", "CountTokens"}
)


class RequestLog:
    """A thread-safe, append-only list of `RequestRecord`s."""

    def __init__(self) -> None:
        """Create an empty log."""
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def append(self, record: RequestRecord) -> None:
        """Add one record."""
        with self._lock:
            self._records.append(record)

    def snapshot(self) -> list[RequestRecord]:
        """A copy of every record so far, in arrival order."""
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._records.clear()
