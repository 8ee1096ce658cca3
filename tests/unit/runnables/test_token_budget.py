"""TokenRateLimiter: a tokens-per-minute bucket, charged an estimate and settled afterwards.

Counts, never times: elapsed time is simulated by moving the bucket's `last` refill
stamp back (a field of langchain-core's InMemoryRateLimiter), and admissions are
counted with non-blocking acquires. Waiting callers are released by events the test
controls, never by the clock. The budget's use inside `BedrockRateLimiter` and as a
model's `rate_limiter=` is tested in test_rate_limit.py.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from langchain_core.messages import AIMessage

from langchain_bedrock_enhanced.errors import ConfigurationError
from langchain_bedrock_enhanced.runnables import TokenRateLimiter, estimate_tokens


def pretend_elapsed(budget: TokenRateLimiter, seconds: float) -> None:
    budget.last = time.monotonic() - seconds


def budget_holding(tokens: float, **kwargs: float) -> TokenRateLimiter:
    # 60 tokens per minute refills one token a second: negligible during a test.
    budget = TokenRateLimiter(tokens_per_minute=60, max_bucket_size=100_000, **kwargs)
    budget.available_tokens = tokens
    budget.last = time.monotonic()
    return budget


def admitted_units(budget: TokenRateLimiter, limit: int = 100_000) -> int:
    count = 0
    while count < limit and budget.acquire_tokens(1, blocking=False):
        count += 1
    return count


@pytest.mark.parametrize(
    "kwargs",
    [
        {"tokens_per_minute": 0},
        {"tokens_per_minute": -60},
        {"tokens_per_minute": 60, "smoothing": 0},
        {"tokens_per_minute": 60, "smoothing": 1.5},
    ],
)
def test_impossible_budgets_are_configuration_errors(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError):
        TokenRateLimiter(**kwargs)


def test_a_new_budget_is_empty_so_nothing_bursts_at_start() -> None:
    budget = TokenRateLimiter(tokens_per_minute=600_000)
    assert not budget.acquire_tokens(1, blocking=False)


def test_by_default_at_most_one_seconds_worth_of_tokens_accumulates() -> None:
    budget = TokenRateLimiter(tokens_per_minute=6000)  # 100 a second
    assert admitted_units(budget) == 0
    pretend_elapsed(budget, 3600)
    assert admitted_units(budget) == 100


def test_a_very_small_budget_still_holds_a_whole_token() -> None:
    budget = TokenRateLimiter(tokens_per_minute=30)  # half a token a second
    pretend_elapsed(budget, 3600)
    assert admitted_units(budget) == 1


def test_the_refill_follows_tokens_per_minute() -> None:
    budget = TokenRateLimiter(tokens_per_minute=600, max_bucket_size=10_000)  # 10 a second
    assert admitted_units(budget) == 0
    pretend_elapsed(budget, 5)
    assert admitted_units(budget) == 50


def test_a_scaled_down_budget_refills_more_slowly_and_scaling_back_restores_it() -> None:
    budget = TokenRateLimiter(tokens_per_minute=600, max_bucket_size=10_000)
    budget.scale(0.5)
    pretend_elapsed(budget, 10)
    assert admitted_units(budget) == 50
    budget.scale(1.0)
    pretend_elapsed(budget, 10)
    assert admitted_units(budget) == 100


def test_an_average_call_is_charged_the_learned_overhead() -> None:
    budget = budget_holding(5_000, expected_tokens_per_request=1_000)
    assert budget.estimate() == 1_000
    assert budget.estimate(250) == 1_250
    assert budget.acquire(blocking=False)
    assert budget.available_tokens == pytest.approx(4_000, abs=1)


def test_settling_without_a_charge_settles_the_oldest_call_first() -> None:
    budget = budget_holding(10_000, expected_tokens_per_request=1_000, smoothing=1)
    assert budget.acquire(blocking=False)  # charged 1000
    budget.settle(400, charged=0)  # another call teaches an overhead of 400
    assert budget.acquire(blocking=False)  # charged 400
    before = budget.available_tokens
    budget.settle(None)  # the first call failed: its 1000 come back
    assert budget.available_tokens == pytest.approx(before + 1_000, abs=1)
    budget.settle(None)  # then the second: 400
    assert budget.available_tokens == pytest.approx(before + 1_400, abs=1)
    budget.settle(None)  # nothing left to settle
    assert budget.available_tokens == pytest.approx(before + 1_400, abs=1)


def test_a_refund_never_fills_the_bucket_past_its_size() -> None:
    budget = TokenRateLimiter(tokens_per_minute=60, max_bucket_size=1_000)
    budget.available_tokens = 900
    budget.last = time.monotonic()
    assert budget.acquire_tokens(500, blocking=False)
    budget.available_tokens = 1_000  # refilled while the call ran
    budget.settle(None, charged=500)
    assert budget.available_tokens == 1_000


def test_a_call_that_used_less_than_its_input_estimate_teaches_no_negative_overhead() -> None:
    budget = budget_holding(10_000, expected_tokens_per_request=300, smoothing=1)
    budget.settle(10, charged=350, input_tokens=50)
    assert budget.expected_overhead == 0
    assert budget.estimate(7) == 7


def test_the_newest_call_is_all_that_counts_with_full_smoothing() -> None:
    budget = budget_holding(10_000, expected_tokens_per_request=1_000, smoothing=1)
    budget.settle(260, charged=1_060, input_tokens=60)
    assert budget.expected_overhead == 200


def test_a_waiting_caller_is_admitted_when_a_failed_call_refunds_its_charge() -> None:
    budget = budget_holding(0, check_every_n_seconds=0.001)
    assert not budget.acquire_tokens(100, blocking=False)
    waiting = threading.Event()
    admitted: list[bool] = []

    def caller() -> None:
        waiting.set()
        admitted.append(budget.acquire_tokens(100))

    thread = threading.Thread(target=caller, daemon=True)
    thread.start()
    assert waiting.wait(timeout=30)
    budget.settle(None, charged=100)
    thread.join(timeout=30)
    assert admitted == [True]
    assert budget.available_tokens < 100


async def test_an_async_caller_waits_without_blocking_the_event_loop() -> None:
    budget = budget_holding(0, check_every_n_seconds=0.001)
    waiter = asyncio.create_task(budget.aacquire_tokens(100))
    # One turn of the loop: the waiter finds the budget empty and yields back. While
    # it waits, other work on the loop runs: here, the refund that frees it.
    await asyncio.sleep(0)
    assert not waiter.done()
    budget.settle(None, charged=100)
    assert await asyncio.wait_for(waiter, timeout=30) is True


async def test_an_async_acquire_is_settled_like_a_sync_one() -> None:
    budget = budget_holding(3_000, expected_tokens_per_request=1_000)
    assert not await budget.aacquire_tokens(5_000, blocking=False)
    assert await budget.aacquire(blocking=False)
    assert budget.available_tokens == pytest.approx(2_000, abs=1)
    budget.settle(None)
    assert budget.available_tokens == pytest.approx(3_000, abs=1)


def test_inputs_that_are_not_text_are_measured_by_their_string_form() -> None:
    assert estimate_tokens(12_345_678) == 2
    assert estimate_tokens(("abcd", AIMessage("efgh"), {"k": ["ijkl"]})) == 3
    assert estimate_tokens(None) == 1
