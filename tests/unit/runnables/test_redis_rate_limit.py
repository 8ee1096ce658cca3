"""The Redis rate limiter without a network: its arithmetic, and its fallback.

Counts, never times, as in test_rate_limit.py: elapsed time is simulated by moving
the fallback bucket's `last` refill stamp back. What crosses the wire (one budget
shared by processes, the shared slow-down) is in tests/wire/test_redis_rate_limit.py.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_aws import ChatBedrockConverse
from langchain_core.rate_limiters import BaseRateLimiter

from langchain_bedrock_enhanced.errors import ConfigurationError
from langchain_bedrock_enhanced.runnables import BedrockRateLimiter, RedisRateLimiter
from langchain_bedrock_enhanced.runnables.redis_rate_limit import SCRIPTS, quota_keys

URL = "redis://127.0.0.1:6379/0"
LOGGER = "langchain_bedrock_enhanced.runnables.redis_rate_limit"


@pytest.fixture
def absent_redis(tmp_path: Path) -> str:
    """A Unix-socket URL with no server behind it: refused at once, no network needed."""
    return f"unix://{tmp_path / 'no-redis.sock'}"


@pytest.fixture
def offline(absent_redis: str) -> Iterator[RedisRateLimiter]:
    limiter = RedisRateLimiter(
        absent_redis, requests_per_second=20, fallback_share=4, max_bucket_size=10
    )
    yield limiter
    limiter.close()


def admitted(limiter: RedisRateLimiter, attempts: int = 100) -> int:
    return sum(limiter.reserve(blocking=False) is not None for _ in range(attempts))


def test_quota_keys_are_namespaced_by_the_quota_name() -> None:
    assert quota_keys("bedrock-prod", "team-a") == (
        "team-a:quota:bedrock-prod:requests",
        "team-a:quota:bedrock-prod:tokens",
        "team-a:quota:bedrock-prod:fraction",
    )


def test_every_script_that_measures_time_reads_the_clock_of_redis() -> None:
    # One clock for the whole fleet, whatever the workers' clocks say.
    for name in ("reserve", "settle_tokens", "throttle"):
        assert "redis.call('TIME')" in SCRIPTS[name]


def test_the_fleet_keeps_the_rates_and_the_fallback_gets_a_share() -> None:
    limiter = RedisRateLimiter(
        URL, requests_per_minute=1200, tokens_per_minute=400_000, fallback_share=4
    )
    assert limiter.fleet_requests_per_second == 20.0
    assert limiter.fleet_tokens_per_minute == 400_000
    assert limiter.requests_per_second == 5.0
    assert limiter.max_requests_per_second == 5.0
    assert limiter.tokens is not None
    assert limiter.tokens.tokens_per_minute == 100_000


def test_by_default_the_fallback_paces_at_the_fleets_rate() -> None:
    limiter = RedisRateLimiter(URL, requests_per_second=20)
    assert limiter.fallback_share == 1.0
    assert limiter.requests_per_second == 20.0


def test_a_booking_is_described_in_microseconds_at_full_speed() -> None:
    limiter = RedisRateLimiter(
        URL, requests_per_second=20, tokens_per_minute=60_000, max_bucket_size=3
    )
    # 50 ms a request, burst 3; 1 ms a token, burst one second of tokens; cost; book.
    assert limiter.booking_arguments(250.0, book=True) == [50_000.0, 3, 1000.0, 1000.0, 250.0, 1]
    assert limiter.booking_arguments(0.0, book=False)[-1] == 0


def test_a_limit_left_out_is_not_booked() -> None:
    tokens_only = RedisRateLimiter(URL, tokens_per_minute=6_000)
    requests_only = RedisRateLimiter(URL, requests_per_second=2)
    assert tokens_only.booking_arguments(10.0, book=True)[0] == 0.0
    assert requests_only.booking_arguments(0.0, book=True)[2] == 0.0


@pytest.mark.parametrize("share", [0, 0.5, -1])
def test_a_fallback_share_below_one_is_rejected(share: float) -> None:
    with pytest.raises(ConfigurationError, match="fallback_share"):
        RedisRateLimiter(URL, requests_per_second=20, fallback_share=share)


def test_the_rate_checks_of_the_in_memory_limiter_apply() -> None:
    with pytest.raises(ConfigurationError, match="not both"):
        RedisRateLimiter(URL, requests_per_second=1, requests_per_minute=60)
    with pytest.raises(ConfigurationError, match="Give a request rate"):
        RedisRateLimiter(URL)


def test_without_redis_py_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ConfigurationError, match=r"langchain-bedrock-enhanced\[redis\]"):
        RedisRateLimiter(URL, requests_per_second=1)


def test_it_goes_wherever_a_bedrock_rate_limiter_goes() -> None:
    limiter = RedisRateLimiter(URL, requests_per_second=5)
    assert isinstance(limiter, BedrockRateLimiter)
    assert isinstance(limiter, BaseRateLimiter)
    model = ChatBedrockConverse(
        model="us.amazon.nova-lite-v1:0", region_name="us-east-1", rate_limiter=limiter
    )
    assert model.rate_limiter is limiter


def test_the_repr_hides_the_password() -> None:
    limiter = RedisRateLimiter("rediss://app:s3cret@cache:6380/0", requests_per_second=5)
    assert "s3cret" not in repr(limiter)
    assert "rediss://app:***@cache:6380/0" in repr(limiter)


def test_without_redis_a_worker_admits_its_share_after_one_warning(
    offline: RedisRateLimiter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    assert offline.reserve(blocking=False) is None  # the fallback bucket starts empty
    offline.last = time.monotonic() - 1.0
    # A quarter of the fleet's 20 requests per second.
    assert admitted(offline) == 5
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "1/4 of the fleet's rates" in warnings[0].getMessage()


def test_without_redis_a_throttle_slows_this_worker_down(offline: RedisRateLimiter) -> None:
    assert offline.record_throttle()
    assert offline.rate_fraction == 0.5
    assert offline.requests_per_second == 2.5


def test_without_redis_a_reserved_call_settles_against_the_fallback(
    absent_redis: str,
) -> None:
    limiter = RedisRateLimiter(
        absent_redis, tokens_per_minute=6_000, expected_tokens_per_request=50
    )
    assert limiter.tokens is not None
    limiter.tokens.last = time.monotonic() - 1.0  # a full second: 100 tokens
    reservation = limiter.reserve(10, blocking=False)
    assert reservation is not None
    assert reservation.tokens == 60.0
    limiter.settle(reservation, used_tokens=20)
    # The call used 10 tokens beyond its input instead of 50: the estimate learns.
    assert limiter.tokens.expected_overhead == pytest.approx(42.0)
    limiter.close()
