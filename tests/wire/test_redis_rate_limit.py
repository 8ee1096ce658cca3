"""A fleet shares one quota through a real Redis: counted in the emulator's log, never timed."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from botocore.config import Config
from langchain_aws import ChatBedrockConverse

from langchain_bedrock_enhanced.emulator import BedrockEmulator
from langchain_bedrock_enhanced.runnables import (
    RedisRateLimiter,
    arun_parallel,
    run_parallel,
)
from tests.wire.redis_fleet import (
    SONNET_US,
    UNREACHABLE_REDIS_URL,
    CuttableProxy,
    delete_namespace,
    paced_worker,
    require_redis,
    unique_namespace,
)

pytestmark = pytest.mark.emulator

LIMITER_LOGGER = "langchain_bedrock_enhanced.runnables.redis_rate_limit"
REQUESTS_PER_SECOND = 20
QUOTA = {"quota": {"requests_per_second": REQUESTS_PER_SECOND}}
WORKERS, CALLS_EACH = 4, 25


@pytest.fixture
def redis_url() -> str:
    return require_redis()


@pytest.fixture
def namespace(redis_url: str) -> Iterator[str]:
    name = unique_namespace()
    yield name
    delete_namespace(redis_url, name)


def limiter(url: str, namespace: str, **kwargs: Any) -> RedisRateLimiter:
    return RedisRateLimiter(url, namespace=namespace, **kwargs)


def sonnet(endpoint_url: str, **kwargs: Any) -> ChatBedrockConverse:
    return ChatBedrockConverse(
        model=SONNET_US,
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        config=Config(
            retries={"mode": "standard", "total_max_attempts": 1}, max_pool_connections=16
        ),
        **kwargs,
    )


def throttled(emu: BedrockEmulator) -> int:
    return sum(1 for record in emu.requests if record.error_code == "ThrottlingException")


def served(emu: BedrockEmulator) -> int:
    return sum(1 for record in emu.requests if record.is_runtime and record.status == 200)


def limiter_logs(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == LIMITER_LOGGER and r.levelno == level
    ]


def test_limiters_with_the_same_key_share_one_request_budget(
    redis_url: str, namespace: str
) -> None:
    # One request a minute: the second ask comes long before the next slot.
    with (
        limiter(redis_url, namespace, key="team", requests_per_minute=1) as first,
        limiter(redis_url, namespace, key="team", requests_per_minute=1) as second,
        limiter(redis_url, namespace, key="other", requests_per_minute=1) as other,
    ):
        assert first.reserve(blocking=False) is not None
        assert second.reserve(blocking=False) is None
        assert first.reserve(blocking=False) is None
        assert other.reserve(blocking=False) is not None


def test_unused_tokens_are_returned_to_the_fleet_and_extra_ones_become_its_debt(
    redis_url: str, namespace: str
) -> None:
    # One token a second, and calls expected to cost 600: each leaves ten minutes of debt.
    options = {"tokens_per_minute": 60, "expected_tokens_per_request": 600}
    with (
        limiter(redis_url, namespace, **options) as first,
        limiter(redis_url, namespace, **options) as second,
    ):
        granted = first.reserve(blocking=False)  # a full bucket admits it, into debt
        assert granted is not None
        assert second.reserve(blocking=False) is None
        first.settle(granted, used_tokens=0)  # all 600 come back: the bucket is full again
        again = second.reserve(blocking=False)
        assert again is not None
        second.settle(again, used_tokens=5_000)  # 4,400 more than charged
        assert first.reserve(blocking=False) is None
        client = redis.Redis.from_url(redis_url)
        try:
            # 5,000 tokens at one a second: the fleet's next call waits over an hour.
            assert int(client.pttl(first.bucket_keys()[1])) > 4_000_000
        finally:
            client.close()


def test_a_throttle_reported_by_one_worker_slows_every_worker(
    redis_url: str, namespace: str
) -> None:
    with (
        limiter(redis_url, namespace, requests_per_second=1000, recovery_step=0.1) as first,
        limiter(redis_url, namespace, requests_per_second=1000, recovery_step=0.1) as second,
    ):
        assert first.record_throttle()
        assert second.rate_fraction == 0.5
        second.record_success()
        second.record_success()
        assert first.rate_fraction == pytest.approx(0.7)
        fraction_key = first.bucket_keys()[2]
        client = redis.Redis.from_url(redis_url)
        try:
            assert 0 < int(client.pttl(fraction_key)) <= 60_000
        finally:
            client.close()


def test_a_throttle_of_a_call_sent_before_the_fleets_last_slowdown_is_ignored(
    redis_url: str, namespace: str
) -> None:
    with (
        limiter(redis_url, namespace, requests_per_second=1000) as first,
        limiter(redis_url, namespace, requests_per_second=1000) as second,
    ):
        in_flight = second.reserve()
        assert first.record_throttle()
        second.settle(in_flight, used_tokens=None, throttled=True)
        assert first.rate_fraction == 0.5


def test_run_parallel_with_a_redis_limiter_at_the_quota_rate_gets_no_throttling(
    redis_url: str, namespace: str
) -> None:
    with (
        BedrockEmulator(scenario=QUOTA) as emu,
        limiter(redis_url, namespace, requests_per_second=REQUESTS_PER_SECOND) as shared,
    ):
        response = run_parallel(
            sonnet(emu.endpoint_url),
            [f"item {i}" for i in range(30)],
            max_concurrency=8,
            rate_limiter=shared,
            progress=False,
        )
        assert response.statistics.succeeded == 30
        assert throttled(emu) == 0


def test_arun_parallel_with_a_redis_limiter_gets_no_throttling(
    redis_url: str, namespace: str
) -> None:
    with (
        BedrockEmulator(scenario=QUOTA) as emu,
        limiter(redis_url, namespace, requests_per_second=REQUESTS_PER_SECOND) as shared,
    ):
        response = asyncio.run(
            arun_parallel(
                sonnet(emu.endpoint_url),
                [f"item {i}" for i in range(30)],
                max_concurrency=8,
                rate_limiter=shared,
                progress=False,
            )
        )
        assert response.statistics.succeeded == 30
        assert throttled(emu) == 0


def test_a_model_with_a_redis_rate_limiter_is_paced_and_reports_back(
    redis_url: str, namespace: str
) -> None:
    scenario = {
        "faults": [{"match": {"operation": "Converse"}, "error": "ThrottlingException", "times": 1}]
    }
    with (
        BedrockEmulator(scenario=scenario) as emu,
        limiter(redis_url, namespace, requests_per_second=1000) as shared,
    ):
        model = sonnet(emu.endpoint_url, rate_limiter=shared, callbacks=[shared.callback_handler()])
        with pytest.raises(Exception, match="Too many requests"):
            model.invoke("first")
        assert model.invoke("second").content
        # The callback handler told the fleet: halved, then one success added back.
        assert shared.rate_fraction == pytest.approx(0.55)


def test_unreachable_redis_paces_locally_at_a_share_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=LIMITER_LOGGER)
    with (
        BedrockEmulator(scenario=QUOTA) as emu,
        RedisRateLimiter(
            UNREACHABLE_REDIS_URL, requests_per_second=REQUESTS_PER_SECOND, fallback_share=2
        ) as fallback,
    ):
        response = run_parallel(
            sonnet(emu.endpoint_url),
            [f"item {i}" for i in range(10)],
            max_concurrency=4,
            rate_limiter=fallback,
            progress=False,
        )
        assert response.statistics.succeeded == 10
        assert throttled(emu) == 0
        assert fallback.requests_per_second == REQUESTS_PER_SECOND / 2
        assert len(limiter_logs(caplog, logging.WARNING)) == 1


def test_a_limiter_that_lost_redis_comes_back_to_the_shared_budget(
    redis_url: str, namespace: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LIMITER_LOGGER)
    proxy = CuttableProxy()
    try:
        with (
            # Redis is retried on every call, so the test needs no waiting.
            limiter(
                proxy.url, namespace, requests_per_minute=1, reconnect_interval=1e-9
            ) as cut_off,
            limiter(redis_url, namespace, requests_per_minute=1) as other,
        ):
            assert cut_off.reserve(blocking=False) is not None
            proxy.cut()
            # Its own share of one request a minute: the local bucket starts empty.
            assert cut_off.reserve(blocking=False) is None
            assert cut_off.reserve(blocking=False) is None
            proxy.restore()
            # Back on the shared bucket, whose slot the first reservation took.
            assert cut_off.reserve(blocking=False) is None
            assert other.reserve(blocking=False) is None
        assert len(limiter_logs(caplog, logging.WARNING)) == 1
        assert len([m for m in limiter_logs(caplog, logging.INFO) if "Reconnected" in m]) == 1
    finally:
        proxy.close()


def _run_fleet(endpoint_url: str, redis_url: str | None, namespace: str) -> list[dict[str, int]]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WORKERS), context.Queue()
    processes = [
        context.Process(
            target=paced_worker,
            args=(
                endpoint_url,
                redis_url,
                namespace,
                worker,
                CALLS_EACH,
                REQUESTS_PER_SECOND,
                barrier,
                results,
            ),
        )
        for worker in range(WORKERS)
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=240) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        if process.is_alive():  # pragma: no cover - only when a worker hangs
            process.terminate()
    failures = [detail for _, status, detail in reports if status != "ok"]
    assert failures == []
    return [detail for _, _, detail in reports]


# Spawned workers import the package afresh; on a busy machine that is slow.
@pytest.mark.timeout(300)
def test_four_processes_sharing_a_redis_limiter_stay_within_the_quota(
    redis_url: str, namespace: str
) -> None:
    with BedrockEmulator(scenario=QUOTA) as emu:
        reports = _run_fleet(emu.endpoint_url, redis_url, namespace)
        assert throttled(emu) == 0
        assert served(emu) == WORKERS * CALLS_EACH
    assert [report["succeeded"] for report in reports] == [CALLS_EACH] * WORKERS


# Spawned workers import the package afresh; on a busy machine that is slow.
@pytest.mark.timeout(300)
def test_four_processes_each_pacing_itself_at_the_quota_get_throttled(namespace: str) -> None:
    with BedrockEmulator(scenario=QUOTA) as emu:
        reports = _run_fleet(emu.endpoint_url, None, namespace)
        assert throttled(emu) > 0
        assert sum(report["failed"] for report in reports) == throttled(emu)
