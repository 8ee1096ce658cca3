"""Connections to Redis for fleet-wide state: the optional import, the client, safe URLs.

`RedisPreferenceStore` and `RedisRateLimiter` both connect through here, so they fail
the same way: fast when the server is unreachable, with a pip hint when redis-py is
missing, and never showing a password in a log line or a repr.

Example:
    >>> redact_url("redis://app:s3cret@cache:6379/0")
    'redis://app:***@cache:6379/0'
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from langchain_bedrock_enhanced.errors import ConfigurationError

if TYPE_CHECKING:
    from redis import Redis

__all__ = ["import_redis", "redact_url", "redis_client"]

_INSTALL_HINT = "pip install 'langchain-bedrock-enhanced[redis]'"


def import_redis() -> ModuleType:
    """Import redis-py, or explain how to install it.

    Returns:
        The `redis` module.

    Raises:
        ConfigurationError: redis-py is not installed.

    Example:
        >>> import_redis().__name__  # doctest: +SKIP
        'redis'
    """
    try:
        import redis  # noqa: PLC0415 - an optional extra, imported only when used
    except ImportError as err:
        msg = f"Sharing through Redis needs redis-py: {_INSTALL_HINT}"
        raise ConfigurationError(msg) from err
    return redis


def redis_client(url: str) -> Redis:
    """A redis-py client for `url`, tuned so that an unreachable server fails fast.

    Nothing connects until the first command. Timeouts are one second and a failed
    command is retried once, so a model call waits at most a few seconds before this
    package gives up on Redis; pass your own client to choose otherwise.

    Args:
        url: `redis://[user:password@]host[:port][/db]`, `rediss://...` (TLS) or
            `unix://path`.

    Returns:
        The client (responses decoded as UTF-8).

    Raises:
        ConfigurationError: redis-py is missing or the URL is malformed.

    Example:
        >>> redis_client("redis://127.0.0.1:6379/0").get_connection_kwargs()["port"]
        6379
    """
    redis = import_redis()
    from redis.backoff import ExponentialBackoff  # noqa: PLC0415 - optional extra
    from redis.retry import Retry  # noqa: PLC0415 - optional extra

    try:
        client: Redis = redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_connect_timeout=1.0,
            socket_timeout=1.0,
            retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1),
        )
    except ValueError as err:
        msg = f"Not a Redis URL: {redact_url(url)!r} ({err})."
        raise ConfigurationError(msg) from err
    return client


def redact_url(url: str) -> str:
    """`url` without its password, for logs and reprs.

    Example:
        >>> redact_url("redis://app:s3cret@cache:6379/0")
        'redis://app:***@cache:6379/0'
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname or ''}"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))
