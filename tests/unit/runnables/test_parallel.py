"""run_parallel / arun_parallel over generic runnables: order, isolation, metadata, statistics."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter

import pytest
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableLambda

from langchain_bedrock_enhanced.callbacks.usage import get_bedrock_usage_callback
from langchain_bedrock_enhanced.errors import (
    ConfigurationError,
    LLMError,
    RequestValidationError,
    ThrottlingError,
)
from langchain_bedrock_enhanced.runnables.parallel import arun_parallel, run_parallel
from langchain_bedrock_enhanced.runnables.parallel_results import (
    ParallelResult,
    compute_statistics,
    percentile,
)
from langchain_bedrock_enhanced.runnables.rate_limit import BedrockRateLimiter
from tests.unit.throughput_fakes import (
    HAIKU_3,
    EchoChatModel,
    issue4_metadata,
    throttling_error,
)

SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
WAIT = 10  # seconds an event may take before the test fails instead of hanging


def routed(prompt: str) -> dict:
    """Even prompts go through the us. profile in us-east-1, odd ones direct in us-west-2."""
    number = int(prompt.rsplit(maxsplit=1)[-1])
    if number % 2 == 0:
        return issue4_metadata(
            model_id_sent=f"us.{SONNET_45}",
            access_method="regional_cris",
            region="us-east-1",
            profile_id=f"us.{SONNET_45}",
            attempts=2,
        )
    return issue4_metadata(model_id_sent=HAIKU_3, access_method="direct", region="us-west-2")


def test_results_come_back_in_input_order_whatever_order_they_finish_in() -> None:
    count = 6
    finished = [threading.Event() for _ in range(count)]

    def slow_first(i: int) -> int:
        # Input i finishes only after input i + 1: completion order is reversed.
        if i + 1 < count:
            assert finished[i + 1].wait(WAIT)
        finished[i].set()
        return i * 10

    response = run_parallel(
        RunnableLambda(slow_first), range(count), max_concurrency=count, progress=False
    )
    assert [r.index for r in response] == list(range(count))
    assert response.outputs == [i * 10 for i in range(count)]


async def test_async_results_come_back_in_input_order() -> None:
    count = 6
    finished = [asyncio.Event() for _ in range(count)]

    async def slow_first(i: int) -> int:
        if i + 1 < count:
            await asyncio.wait_for(finished[i + 1].wait(), WAIT)
        finished[i].set()
        return i * 10

    response = await arun_parallel(
        RunnableLambda(slow_first), range(count), max_concurrency=count, progress=False
    )
    assert response.outputs == [i * 10 for i in range(count)]


def test_every_input_gets_exactly_one_result_and_one_call() -> None:
    calls: Counter[int] = Counter()
    lock = threading.Lock()

    def record(i: int) -> int:
        with lock:
            calls[i] += 1
        return i

    response = run_parallel(RunnableLambda(record), range(500), max_concurrency=16, progress=False)
    assert len(response) == 500
    assert [r.output for r in response] == list(range(500))
    assert calls == Counter(range(500))


def test_failures_become_typed_errors_and_never_abort_the_others() -> None:
    def flaky(prompt: str) -> BaseException | None:
        number = int(prompt.rsplit(maxsplit=1)[-1])
        if number % 5 == 0:
            return throttling_error()
        if number % 7 == 0:
            return ValueError("not a Bedrock problem")
        return None

    model = EchoChatModel(fail_for=flaky)
    response = run_parallel(model, [f"item {i}" for i in range(30)], progress=False)
    for result in response:
        number = int(result.input.split()[-1])
        if number % 5 == 0:
            assert isinstance(result.error, ThrottlingError)
            assert result.error.__cause__ is not None
            assert result.attempts == 3  # botocore's RetryAttempts (2) + 1
        elif number % 7 == 0:
            assert type(result.error) is LLMError
            assert isinstance(result.error.__cause__, ValueError)
        else:
            assert result.ok
            assert result.output.content == f"echo: item {number}"
    stats = response.statistics
    assert stats.errors_by_type == {"ThrottlingError": 6, "LLMError": 4}
    assert stats.failed == 10
    assert stats.success_rate == pytest.approx(20 / 30)


def test_our_own_errors_pass_through_unchanged() -> None:
    error = RequestValidationError("bad", model_id=HAIKU_3, region="eu-west-1")
    response = run_parallel(EchoChatModel(fail_for=lambda _: error), ["x"], progress=False)
    assert response[0].error is error
    assert (response[0].model_id, response[0].region) == (HAIKU_3, "eu-west-1")


def test_each_result_carries_what_its_call_reported() -> None:
    model = EchoChatModel(model_name=SONNET_45, metadata_for=routed)
    response = run_parallel(model, ["item 0", "item 1"], progress=False)
    profiled, direct = response
    # Grouped under the model the caller asked for; the profile that served it is kept.
    assert profiled.model_id == SONNET_45
    assert profiled.access_method == "regional_cris"
    assert profiled.inference_profile_id == f"us.{SONNET_45}"
    assert profiled.region == "us-east-1"
    assert profiled.attempts == 2
    assert profiled.usage.input_tokens == 2
    assert profiled.usage.output_tokens == 3
    assert profiled.cost_usd == pytest.approx((2 * 3.3 + 3 * 16.5) / 1e6)
    assert (direct.model_id, direct.access_method, direct.region) == (
        SONNET_45,
        "direct",
        "us-west-2",
    )
    assert direct.inference_profile_id is None
    # Measured around each call, not left at the 0.0 a result starts with.
    assert profiled.latency_s > 0
    assert direct.latency_s > 0


def test_missing_metadata_falls_back_to_the_configured_model_and_region() -> None:
    model = EchoChatModel(model_name=f"eu.{SONNET_45}", region_name="eu-west-1")
    result = run_parallel(model, ["hello"], progress=False)[0]
    assert result.model_id == f"eu.{SONNET_45}"
    assert result.access_method == "unknown"
    assert result.inference_profile_id == f"eu.{SONNET_45}"
    assert result.region == "eu-west-1"
    assert result.attempts is None


def test_a_failed_input_is_counted_in_the_region_it_was_sent_to() -> None:
    model = EchoChatModel(region_name="eu-west-1", fail_for=lambda _: throttling_error())
    result = run_parallel(model, ["hello"], progress=False)[0]
    assert result.region == "eu-west-1"
    assert result.model_id == HAIKU_3
    assert isinstance(result.error, ThrottlingError)
    assert result.error.region == "eu-west-1"


def test_non_message_outputs_still_get_their_call_metadata() -> None:
    # Shaped like with_structured_output: a model followed by a parser.
    chain = EchoChatModel(metadata_for=routed) | RunnableLambda(
        lambda message: {"parsed": message.content.upper()}
    )
    result = run_parallel(chain, ["item 2"], progress=False)[0]
    assert result.output == {"parsed": "ECHO: ITEM 2"}
    assert result.access_method == "regional_cris"
    assert result.usage.total_tokens == 5
    assert result.llm_calls == 1


def test_tokens_cost_and_attempts_add_up_over_several_model_calls_per_input() -> None:
    first = EchoChatModel(metadata_for=routed)
    second = EchoChatModel(
        metadata_for=lambda _: issue4_metadata(
            model_id_sent="amazon.nova-lite-v1:0", access_method="direct", region="us-east-1"
        )
    )
    chain = first | RunnableLambda(lambda m: f"{m.content} 1") | second
    result = run_parallel(chain, ["item 0"], progress=False)[0]
    assert result.llm_calls == 2
    assert result.usage.input_tokens == 2 + 4
    assert result.attempts == 2 + 1
    assert result.model_id == HAIKU_3  # the last model, as the caller named it
    expected = (2 * 3.3 + 3 * 16.5) / 1e6 + (4 * 0.06 + 5 * 0.24) / 1e6
    assert result.cost_usd == pytest.approx(expected)


def test_statistics_sum_up_over_the_results() -> None:
    model = EchoChatModel(
        metadata_for=routed,
        fail_for=lambda p: throttling_error() if p.endswith(" 9") else None,
        region_name="us-west-2",
    )
    response = run_parallel(model, [f"item {i}" for i in range(10)], progress=False)
    stats = response.statistics
    assert (stats.total, stats.succeeded, stats.failed) == (10, 9, 1)
    assert stats.by_access_method == {"regional_cris": 5, "direct": 4, "unknown": 1}
    assert stats.by_region == {"us-east-1": 5, "us-west-2": 5}
    assert stats.profile_usage == {f"us.{SONNET_45}": 5}
    assert stats.usage.input_tokens == 9 * 2
    assert stats.usage.output_tokens == 9 * 3
    assert stats.usage == sum((r.usage for r in response), type(stats.usage)())
    assert stats.attempts == 5 * 2 + 4 * 1 + 3
    # The direct calls' model (Claude 3 Haiku) has no sourced price: the total is unknown.
    assert stats.cost_usd is None
    assert stats.known_cost_usd == pytest.approx(sum(r.cost_usd or 0.0 for r in response))
    assert stats.latency_p50_s <= stats.latency_p95_s <= stats.latency_max_s
    assert stats.latency_max_s == max(r.latency_s for r in response)
    assert stats.wall_time_s == response.wall_time_s
    assert "| success rate | 90.0% |" in response.summary()


def test_cost_is_unknown_when_any_model_called_has_no_price() -> None:
    model = EchoChatModel(model_name="acme.mystery-v1:0")
    response = run_parallel(model, ["a", "b"], progress=False)
    assert response.statistics.cost_usd is None
    assert response.statistics.known_cost_usd == 0.0
    assert response.statistics.usage.total_tokens > 0


def test_latency_quantiles_interpolate_between_ranks() -> None:
    latencies = [0.1 * i for i in range(1, 21)]  # 0.1 .. 2.0
    results = [
        ParallelResult(index=i, input=i, output=i, latency_s=value)
        for i, value in enumerate(latencies)
    ]
    stats = compute_statistics(results, wall_time_s=3.0)
    assert stats.latency_p50_s == pytest.approx(1.05)
    assert stats.latency_p95_s == pytest.approx(1.905)
    assert stats.latency_max_s == pytest.approx(2.0)
    assert percentile([], 0.5) == 0.0


def test_run_parallel_keeps_at_most_max_concurrency_calls_in_flight() -> None:
    limit = 4
    in_flight = 0
    peak = 0
    lock = threading.Lock()
    barrier = threading.Barrier(limit)

    def work(i: int) -> int:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        barrier.wait(WAIT)  # the pool must fill up to the limit to pass
        with lock:
            in_flight -= 1
        return i

    response = run_parallel(
        RunnableLambda(work), range(limit * 5), max_concurrency=limit, progress=False
    )
    assert response.statistics.succeeded == limit * 5
    assert peak == limit


async def test_arun_parallel_bounds_concurrency_with_its_semaphore() -> None:
    limit = 5
    in_flight = 0
    peak = 0

    async def work(i: int) -> int:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        for _ in range(3):
            await asyncio.sleep(0)
        in_flight -= 1
        return i

    response = await arun_parallel(
        RunnableLambda(work), range(50), max_concurrency=limit, progress=False
    )
    assert response.outputs == list(range(50))
    assert peak == limit


async def test_arun_parallel_isolates_failures_too() -> None:
    model = EchoChatModel(fail_for=lambda p: throttling_error() if p == "bad" else None)
    response = await arun_parallel(model, ["good", "bad", "good"], progress=False)
    assert [r.ok for r in response] == [True, False, True]
    assert isinstance(response[1].error, ThrottlingError)


def test_the_progress_bar_counts_every_input(capsys: pytest.CaptureFixture[str]) -> None:
    run_parallel(RunnableLambda(lambda x: x), range(7), progress=True)
    assert "7/7" in capsys.readouterr().err


def test_no_progress_bar_when_progress_is_false(capsys: pytest.CaptureFixture[str]) -> None:
    run_parallel(RunnableLambda(lambda x: x), range(7), progress=False)
    assert capsys.readouterr().err == ""


def test_a_shared_rate_limiter_is_told_each_outcome() -> None:
    limiter = BedrockRateLimiter(
        requests_per_second=1000, check_every_n_seconds=0.001, recovery_step=0.05
    )
    limiter.last = time.monotonic() - 1.0
    model = EchoChatModel(fail_for=lambda p: throttling_error() if p == "first" else None)
    run_parallel(
        model, ["first", "second", "third"], max_concurrency=1, rate_limiter=limiter, progress=False
    )
    assert limiter.rate_fraction == pytest.approx(0.5 + 2 * 0.05)


def test_token_charges_are_reconciled_with_reported_usage() -> None:
    limiter = BedrockRateLimiter(tokens_per_minute=60, expected_tokens_per_request=100)
    budget = limiter.tokens
    assert budget is not None
    budget.max_bucket_size = 100_000
    budget.available_tokens = 10_000
    budget.last = time.monotonic()
    prompts = ["one two three four five six seven eight"] * 4  # 8 in, 9 out
    run_parallel(EchoChatModel(), prompts, max_concurrency=2, rate_limiter=limiter, progress=False)
    assert budget.available_tokens == pytest.approx(10_000 - 4 * 17, abs=2)
    assert budget.expected_overhead < 100  # learned: 17 used, 2 estimated from the input


def test_per_minute_limits_build_a_limiter() -> None:
    response = run_parallel(
        RunnableLambda(lambda x: x), [1], requests_per_minute=600_000, progress=False
    )
    assert response.outputs == [1]


def test_a_limiter_and_per_minute_limits_are_mutually_exclusive() -> None:
    limiter = BedrockRateLimiter(requests_per_second=1)
    with pytest.raises(ConfigurationError):
        run_parallel(RunnableLambda(lambda x: x), [1], rate_limiter=limiter, requests_per_minute=60)


def test_max_concurrency_below_one_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        run_parallel(RunnableLambda(lambda x: x), [1], max_concurrency=0)


def test_no_inputs_give_an_empty_response() -> None:
    response = run_parallel(RunnableLambda(lambda x: x), [], progress=False)
    assert len(response) == 0
    assert response.statistics.total == 0


def test_calls_in_worker_threads_are_seen_by_the_usage_context_manager() -> None:
    with get_bedrock_usage_callback() as cb:
        run_parallel(EchoChatModel(), [f"p {i}" for i in range(20)], progress=False)
    assert cb.successful_requests == 20
    assert cb.input_tokens == 40


def test_a_caller_config_is_applied_to_every_call() -> None:
    seen = []

    def tags_of(value: int, config) -> int:
        seen.append(tuple(config.get("tags", [])))
        return value

    run_parallel(RunnableLambda(tags_of), [1, 2], config={"tags": ["batch-7"]}, progress=False)
    assert seen == [("batch-7",), ("batch-7",)]


def test_result_defaults_describe_an_unknown_call() -> None:
    result = ParallelResult(index=0, input="x", output=AIMessage("y"))
    assert result.ok
    assert (result.access_method, result.region, result.attempts) == ("unknown", None, None)


def test_failed_inputs_are_grouped_under_the_model_asked_for_with_each_access_method() -> None:
    model = EchoChatModel(
        model_name=SONNET_45,
        metadata_for=routed,
        fail_for=lambda p: throttling_error() if p.endswith(" 9") else None,
    )
    stats = run_parallel(model, [f"item {i}" for i in range(10)], progress=False).statistics
    assert stats.by_model == {SONNET_45: 10}
    assert stats.access_methods_by_model == {
        SONNET_45: {"regional_cris": 5, "direct": 4, "unknown": 1}
    }
