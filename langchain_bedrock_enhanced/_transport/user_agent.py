"""Build botocore's User-Agent header once per feature set, not twice per request.

botocore rebuilds the `User-Agent` string from about a dozen components on every
request, twice: once when it serializes the request and once more, on
`request-created`, to add the features the request used. On this package's hot
path that is about 60 µs each time, some 10 % of botocore's whole cost per call.

For a given client the string depends only on the features in play (the client's
own and those the current request registered); everything else in it (SDK and
Python versions, platform, retry mode, app ID, extras) is fixed when the client is
created. So `memoize_user_agent` wraps the client's builder with a small cache keyed
by that feature set. The header sent is byte for byte what botocore would build.

Only clients this package creates are memoized; a client the caller passes in is
left exactly as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from botocore.context import get_context

__all__ = ["memoize_user_agent"]

logger = logging.getLogger(__name__)

_MAX_ENTRIES = 64
"""Distinct feature sets kept per client; a client sees a handful in practice."""


class _MemoizedUserAgent:
    """A drop-in for one `UserAgentString.to_string` bound method, cached by feature set."""

    def __init__(self, build: Callable[[], str], creator: Any) -> None:  # noqa: ANN401 - botocore's UserAgentString
        self._build = build
        self._creator = creator
        self._cache: dict[tuple[frozenset[str], frozenset[str]], str] = {}

    def __call__(self) -> str:
        context = get_context()
        key = (
            frozenset(context.features) if context is not None else frozenset(),
            frozenset(getattr(self._creator, "_client_features", None) or ()),
        )
        value = self._cache.get(key)
        if value is None:
            value = self._build()
            if len(self._cache) < _MAX_ENTRIES:
                self._cache[key] = value
        return value


def memoize_user_agent(client: Any) -> bool:  # noqa: ANN401 - any botocore client
    """Cache `client`'s User-Agent header per feature set.

    Safe to call more than once, and on anything: an object that is not a botocore
    client, or a botocore version without the expected builder, is left alone.

    Args:
        client: A botocore (or aiobotocore) client this package created.

    Returns:
        Whether the client's User-Agent builder is now memoized.

    Example:
        >>> import boto3
        >>> client = boto3.client(
        ...     "bedrock-runtime", region_name="us-east-1",
        ...     aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
        >>> memoize_user_agent(client)
        True
        >>> memoize_user_agent(object())
        False
    """
    creator = getattr(client, "_user_agent_creator", None)
    if creator is None:
        return False
    if isinstance(vars(creator).get("to_string"), _MemoizedUserAgent):
        return True
    build = getattr(creator, "to_string", None)
    if not callable(build) or not hasattr(creator, "rebuild_and_replace_user_agent_handler"):
        logger.debug("botocore's User-Agent builder has an unexpected shape; not memoized")
        return False
    # An instance attribute: botocore calls `self.to_string()` from both places that
    # build the header, and each client has its own builder object.
    creator.to_string = _MemoizedUserAgent(build, creator)
    return True
