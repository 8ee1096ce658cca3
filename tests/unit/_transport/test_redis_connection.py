"""Connecting to Redis: the client, its errors, and URLs safe to log."""

from __future__ import annotations

import pytest

from langchain_bedrock_enhanced._transport.redis_connection import redact_url, redis_client
from langchain_bedrock_enhanced.errors import ConfigurationError


def test_a_password_in_the_url_is_hidden() -> None:
    assert redact_url("rediss://app:s3cret@cache.internal:6380/2") == (
        "rediss://app:***@cache.internal:6380/2"
    )
    assert redact_url("redis://cache:6379") == "redis://cache:6379"


def test_a_url_that_is_not_redis_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="Not a Redis URL"):
        redis_client("http://cache:6379")
