"""Client-side rate limiting holds the emulator's quota: counted in its log, never timed."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.config import Config
from langchain_aws import ChatBedrockConverse

from langchain_bedrock_enhanced.emulator import BedrockEmulator
from langchain_bedrock_enhanced.runnables.parallel import run_parallel
from langchain_bedrock_enhanced.runnables.rate_limit import BedrockRateLimiter

pytestmark = pytest.mark.emulator

SONNET_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
REQUESTS_PER_SECOND = 20
TOKENS_PER_MINUTE = 30_000
REQUEST_QUOTA = {"quota": {"requests_per_second": REQUESTS_PER_SECOND, "burst": 5}}
TOKEN_QUOTA = {"quota": {"tokens_per_minute": TOKENS_PER_MINUTE}}


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


def prompts(count: int) -> list[str]:
    return [f"Tell me about item {i}" for i in range(count)]


def test_without_a_limiter_the_same_burst_exceeds_the_request_quota() -> None:
    with BedrockEmulator(scenario=REQUEST_QUOTA) as emu:
        response = run_parallel(
            sonnet(emu.endpoint_url), prompts(60), max_concurrency=8, progress=False
        )
        assert throttled(emu) > 0
        assert response.statistics.failed == throttled(emu)


def test_run_parallel_at_the_quota_rate_gets_no_throttling() -> None:
    with BedrockEmulator(scenario=REQUEST_QUOTA) as emu:
        response = run_parallel(
            sonnet(emu.endpoint_url),
            prompts(60),
            max_concurrency=8,
            requests_per_minute=REQUESTS_PER_SECOND * 60,
            progress=False,
        )
        assert throttled(emu) == 0
        assert len(emu.requests) == 60
        assert response.statistics.succeeded == 60


def test_a_model_rate_limiter_at_the_quota_rate_gets_no_throttling() -> None:
    with BedrockEmulator(scenario=REQUEST_QUOTA) as emu:
        limiter = BedrockRateLimiter(requests_per_second=REQUESTS_PER_SECOND)
        model = sonnet(
            emu.endpoint_url, rate_limiter=limiter, callbacks=[limiter.callback_handler()]
        )
        replies = model.batch(prompts(40), config={"max_concurrency": 8})
        assert len(replies) == 40
        assert throttled(emu) == 0
        assert len(emu.requests) == 40
        assert limiter.rate_fraction == 1.0


def test_without_a_limiter_the_same_burst_exceeds_the_token_quota() -> None:
    with BedrockEmulator(scenario=TOKEN_QUOTA) as emu:
        run_parallel(sonnet(emu.endpoint_url), prompts(60), max_concurrency=8, progress=False)
        assert throttled(emu) > 0


def test_run_parallel_at_the_token_quota_gets_no_throttling() -> None:
    with BedrockEmulator(scenario=TOKEN_QUOTA) as emu:
        limiter = BedrockRateLimiter(
            tokens_per_minute=TOKENS_PER_MINUTE, expected_tokens_per_request=20
        )
        response = run_parallel(
            sonnet(emu.endpoint_url),
            prompts(60),
            max_concurrency=8,
            rate_limiter=limiter,
            progress=False,
        )
        assert throttled(emu) == 0
        assert response.statistics.succeeded == 60
        assert limiter.tokens is not None
        # Learned from the replies: about 11 tokens beyond the ~6 estimated from input.
        assert 5 < limiter.tokens.expected_overhead < 20


def test_throttled_calls_slow_the_shared_limiter_down() -> None:
    scenario = {
        "faults": [{"match": {"operation": "Converse"}, "error": "ThrottlingException", "times": 2}]
    }
    with BedrockEmulator(scenario=scenario) as emu:
        limiter = BedrockRateLimiter(requests_per_second=1000, recovery_step=0.1)
        response = run_parallel(
            sonnet(emu.endpoint_url),
            prompts(4),
            max_concurrency=1,
            rate_limiter=limiter,
            progress=False,
        )
        assert [result.ok for result in response] == [False, False, True, True]
        # Halved twice, then two successes add back 0.1 each.
        assert limiter.rate_fraction == pytest.approx(0.25 + 0.2)
