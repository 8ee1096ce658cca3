"""Client-side rate limiting: request pace, token budget, adaptive slow-down.

Counts, never times: elapsed time is simulated by moving the bucket's `last` refill
stamp back, and admissions are counted with non-blocking acquires.
"""

from __future__ import annotations

import time

import pytest
from langchain_aws import ChatBedrockConverse
from langchain_core.rate_limiters import BaseRateLimiter, InMemoryRateLimiter

from langchain_bedrock_enhanced.errors import ConfigurationError, ThrottlingError
from langchain_bedrock_enhanced.runnables.rate_limit import (
    BedrockRateLimiter,
    RateLimitFeedbackHandler,
    adaptive_retry_config,
    is_throttling_error,
)
from langchain_bedrock_enhanced.runnables.token_budget import TokenRateLimiter, estimate_tokens
from tests.unit.throughput_fakes import EchoChatModel, throttling_error


def pretend_elapsed(bucket: InMemoryRateLimiter, seconds: float) -> None:
    bucket.last = time.monotonic() - seconds


def admitted(limiter: BaseRateLimiter, attempts: int = 1000) -> int:
    count = 0
    for _ in range(attempts):
        if not limiter.acquire(blocking=False):
            break
        count += 1
    return count


def full_budget(tokens: float, **kwargs) -> TokenRateLimiter:
    # 60 tokens per minute refills one token per second: negligible during a test.
    budget = TokenRateLimiter(tokens_per_minute=60, max_bucket_size=100_000, **kwargs)
    budget.available_tokens = tokens
    budget.last = time.monotonic()
    return budget


def test_limiters_are_langchain_core_in_memory_rate_limiters() -> None:
    assert isinstance(BedrockRateLimiter(requests_per_second=1), InMemoryRateLimiter)
    assert isinstance(TokenRateLimiter(tokens_per_minute=1000), InMemoryRateLimiter)


def test_requests_per_minute_is_converted_to_requests_per_second() -> None:
    limiter = BedrockRateLimiter(requests_per_minute=90)
    assert limiter.requests_per_second == 1.5
    assert limiter.max_requests_per_second == 1.5
    assert limiter.tokens is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"requests_per_second": 1, "requests_per_minute": 60},
        {"requests_per_second": 0},
        {"requests_per_second": 1, "min_rate_fraction": 0},
    ],
)
def test_impossible_limits_are_configuration_errors(kwargs: dict) -> None:
    with pytest.raises(ConfigurationError):
        BedrockRateLimiter(**kwargs)


def test_the_request_bucket_admits_what_elapsed_time_refilled_and_no_more() -> None:
    limiter = BedrockRateLimiter(requests_per_second=10, max_bucket_size=100)
    assert admitted(limiter) == 0  # starts empty: no burst
    pretend_elapsed(limiter, 1.0)
    assert admitted(limiter) == 10


def test_the_burst_is_capped_by_max_bucket_size() -> None:
    limiter = BedrockRateLimiter(requests_per_second=10, max_bucket_size=3)
    assert admitted(limiter) == 0
    pretend_elapsed(limiter, 60.0)
    assert admitted(limiter) == 3


def test_a_throttle_halves_the_rate_and_successes_recover_it_additively() -> None:
    limiter = BedrockRateLimiter(requests_per_second=8, recovery_step=0.25)
    assert limiter.record_throttle()
    assert (limiter.rate_fraction, limiter.requests_per_second) == (0.5, 4.0)
    assert limiter.record_throttle()
    assert (limiter.rate_fraction, limiter.requests_per_second) == (0.25, 2.0)
    limiter.record_success()
    assert (limiter.rate_fraction, limiter.requests_per_second) == (0.5, 4.0)
    for _ in range(10):
        limiter.record_success()
    assert (limiter.rate_fraction, limiter.requests_per_second) == (1.0, 8.0)


def test_the_slow_down_stops_at_the_floor() -> None:
    limiter = BedrockRateLimiter(requests_per_second=10, min_rate_fraction=0.1)
    for _ in range(20):
        limiter.record_throttle()
    assert limiter.rate_fraction == 0.1
    assert limiter.requests_per_second == pytest.approx(1.0)


def test_a_halved_rate_admits_half_as_many_requests() -> None:
    limiter = BedrockRateLimiter(requests_per_second=10, max_bucket_size=100)
    limiter.record_throttle()
    pretend_elapsed(limiter, 2.0)
    assert admitted(limiter) == 10


def test_throttles_of_calls_sent_before_the_last_slow_down_are_ignored() -> None:
    limiter = BedrockRateLimiter(requests_per_second=10)
    sent_before = time.monotonic()
    assert limiter.record_throttle()
    # Nine more calls that were in flight at the old rate come back throttled.
    assert not any(limiter.record_throttle(sent_at=sent_before) for _ in range(9))
    assert limiter.rate_fraction == 0.5
    assert limiter.record_throttle(sent_at=time.monotonic())
    assert limiter.rate_fraction == 0.25


def test_a_non_adaptive_limiter_keeps_its_rate() -> None:
    limiter = BedrockRateLimiter(requests_per_second=10, adaptive=False)
    assert not limiter.record_throttle()
    assert limiter.requests_per_second == 10


def test_the_token_budget_slows_down_with_the_request_rate() -> None:
    limiter = BedrockRateLimiter(requests_per_second=10, tokens_per_minute=6000)
    assert limiter.tokens is not None
    limiter.record_throttle()
    assert limiter.tokens.requests_per_second == pytest.approx(50.0)


def test_a_call_takes_its_estimate_from_the_token_budget() -> None:
    budget = full_budget(1000, expected_tokens_per_request=100)
    assert budget.acquire_tokens(300 + budget.estimate(), blocking=False)
    assert budget.available_tokens == pytest.approx(600, abs=1)


def test_settling_charges_extra_usage_as_debt_and_refunds_failed_calls() -> None:
    budget = full_budget(1000)
    assert budget.acquire_tokens(200, blocking=False)
    budget.settle(500, charged=200)
    assert budget.available_tokens == pytest.approx(500, abs=1)
    assert budget.acquire_tokens(100, blocking=False)
    budget.settle(None, charged=100)
    assert budget.available_tokens == pytest.approx(500, abs=1)


def test_a_call_larger_than_the_bucket_waits_for_a_full_bucket_then_leaves_debt() -> None:
    budget = TokenRateLimiter(tokens_per_minute=60, max_bucket_size=100)
    budget.available_tokens = 99
    budget.last = time.monotonic()
    assert not budget.acquire_tokens(250, blocking=False)
    budget.available_tokens = 100
    assert budget.acquire_tokens(250, blocking=False)
    assert budget.available_tokens == pytest.approx(-150, abs=1)
    assert not budget.acquire_tokens(1, blocking=False)


def test_the_expected_overhead_learns_from_reconciled_calls() -> None:
    budget = full_budget(10_000, expected_tokens_per_request=1000, smoothing=0.5)
    budget.settle(120, charged=1010, input_tokens=20)
    assert budget.expected_overhead == pytest.approx(550)
    budget.settle(120, charged=1010, input_tokens=20)
    assert budget.expected_overhead == pytest.approx(325)
    budget.settle(None, charged=10)  # a failure teaches nothing
    assert budget.expected_overhead == pytest.approx(325)


def test_a_model_rate_limiter_is_reconciled_by_its_callback_handler() -> None:
    limiter = BedrockRateLimiter(requests_per_second=1000, tokens_per_minute=60)
    budget = limiter.tokens
    assert budget is not None
    budget.max_bucket_size = 100_000
    budget.available_tokens = 10_000
    budget.last = time.monotonic()
    pretend_elapsed(limiter, 1.0)
    model = EchoChatModel(rate_limiter=limiter, callbacks=[limiter.callback_handler()])
    model.invoke("one two three")  # uses 3 + 4 tokens; charged the 1000 expected
    assert budget.available_tokens == pytest.approx(10_000 - 7, abs=1)


def test_a_token_budget_alone_works_as_a_model_rate_limiter() -> None:
    budget = full_budget(5_000, expected_tokens_per_request=1000)
    model = EchoChatModel(rate_limiter=budget, callbacks=[RateLimitFeedbackHandler(budget)])
    model.invoke("one two three")
    assert budget.available_tokens == pytest.approx(5_000 - 7, abs=1)


def test_a_throttled_model_call_slows_its_rate_limiter_down() -> None:
    limiter = BedrockRateLimiter(requests_per_second=1000)
    pretend_elapsed(limiter, 1.0)
    model = EchoChatModel(
        rate_limiter=limiter,
        callbacks=[limiter.callback_handler()],
        fail_for=lambda _: throttling_error(),
    )
    with pytest.raises(Exception, match="Too many requests"):
        model.invoke("hi")
    assert limiter.rate_fraction == 0.5


async def test_async_acquire_is_reconciled_the_same_way() -> None:
    limiter = BedrockRateLimiter(requests_per_second=1000, recovery_step=0.5)
    limiter.record_throttle()
    pretend_elapsed(limiter, 1.0)
    model = EchoChatModel(rate_limiter=limiter, callbacks=[limiter.callback_handler()])
    await model.ainvoke("hello")
    assert limiter.rate_fraction == 1.0


async def test_async_reservations_take_from_both_buckets() -> None:
    limiter = BedrockRateLimiter(requests_per_second=10, max_bucket_size=5, tokens_per_minute=60)
    assert limiter.tokens is not None
    limiter.tokens.max_bucket_size = 100_000
    limiter.tokens.available_tokens = 2_000
    limiter.tokens.last = time.monotonic()
    pretend_elapsed(limiter, 10.0)
    reservation = await limiter.areserve(50)
    assert reservation is not None
    assert reservation.tokens == 50 + 1000
    assert limiter.tokens.available_tokens == pytest.approx(950, abs=1)
    # The budget now lacks an average call: the request slot is handed back.
    slots_before = limiter.available_tokens
    assert await limiter.areserve(0, blocking=False) is None
    assert limiter.available_tokens == pytest.approx(slots_before, abs=0.01)


def test_adaptive_retry_config_selects_botocores_adaptive_mode() -> None:
    config = adaptive_retry_config(total_max_attempts=5, max_pool_connections=64)
    model = ChatBedrockConverse(
        model="us.amazon.nova-lite-v1:0", region_name="us-east-1", config=config
    )
    assert model.client.meta.config.retries["mode"] == "adaptive"
    assert model.client.meta.config.retries["total_max_attempts"] == 5
    assert model.client.meta.config.max_pool_connections == 64


def test_adaptive_retry_config_keeps_the_rest_of_a_base_config() -> None:
    from botocore.config import Config

    config = adaptive_retry_config(base=Config(read_timeout=3600, retries={"mode": "legacy"}))
    assert config.read_timeout == 3600
    assert config.retries == {"mode": "adaptive", "total_max_attempts": 3}


def test_throttling_is_recognised_through_wrappers() -> None:
    wrapped = ValueError("wrapped")
    wrapped.__cause__ = throttling_error()
    assert is_throttling_error(wrapped)
    context_only = RuntimeError("during handling")
    context_only.__context__ = throttling_error()
    assert is_throttling_error(context_only)
    assert is_throttling_error(ThrottlingError("x"))
    assert not is_throttling_error(ValueError("other"))


def test_token_estimates_follow_the_text_of_any_input_shape() -> None:
    from langchain_core.messages import HumanMessage
    from langchain_core.prompts import ChatPromptTemplate

    text = "x" * 400
    prompt = ChatPromptTemplate.from_template("{q}").invoke({"q": text})
    assert estimate_tokens(text) == 100
    assert estimate_tokens([HumanMessage(text)]) == 100
    assert estimate_tokens(prompt) == 100
    assert estimate_tokens({"a": text, "b": [text]}) == 200
    assert estimate_tokens("") == 1


def test_a_limiter_can_start_with_a_full_bucket() -> None:
    assert BedrockRateLimiter(requests_per_minute=1).acquire(blocking=False) is False
    full = BedrockRateLimiter(requests_per_minute=1, start_full=True)
    assert full.acquire(blocking=False) is True
    assert full.acquire(blocking=False) is False
