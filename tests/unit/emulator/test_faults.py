"""Fault injection, quotas and latency: deterministic, thread-safe, and clock-injectable."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._faults import FaultInjector, LatencyModel, Quota
from langchain_bedrock_enhanced.emulator._scenario import (
    FaultRule,
    NormalLatency,
    Scenario,
    UniformLatency,
)

HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"


def injector(*faults: dict[str, Any]) -> FaultInjector:
    return FaultInjector(Scenario.from_dict({"faults": list(faults)}).faults)


def pick(
    faults: FaultInjector,
    model_id: str = HAIKU_3,
    *,
    operation: str = "Converse",
    base: str | None = None,
    region: str = "us-east-1",
) -> str | None:
    rule = faults.pick(
        operation=operation, model_id=model_id, base_model_id=base or model_id, region=region
    )
    return None if rule is None else rule.code or "drop"


# --- FaultInjector -----------------------------------------------------------------------


def test_times_2_fires_for_exactly_the_first_two_matching_requests() -> None:
    faults = injector({"match": {"model_id": HAIKU_3}, "error": "ThrottlingException", "times": 2})
    sequence = (HAIKU_3, SONNET_45, HAIKU_3, SONNET_45, HAIKU_3, HAIKU_3)
    outcomes = [pick(faults, model_id) for model_id in sequence]
    assert outcomes == ["ThrottlingException", None, "ThrottlingException", None, None, None]
    assert faults.fired_counts() == (2,)


def test_a_rule_without_times_or_probability_fires_every_time() -> None:
    faults = injector({"error": "ServiceUnavailableException"})
    assert [pick(faults) for _ in range(3)] == ["ServiceUnavailableException"] * 3


def test_model_id_matches_the_identifier_as_sent_or_its_base_model() -> None:
    by_base = injector({"match": {"model_id": SONNET_45}, "error": "ThrottlingException"})
    assert pick(by_base, f"us.{SONNET_45}", base=SONNET_45) == "ThrottlingException"
    by_profile = injector(
        {"match": {"model_id": f"us.{SONNET_45}"}, "error": "ThrottlingException"}
    )
    assert pick(by_profile, f"us.{SONNET_45}", base=SONNET_45) == "ThrottlingException"
    assert pick(by_profile, f"eu.{SONNET_45}", base=SONNET_45) is None
    assert pick(by_profile, SONNET_45) is None


def test_operation_and_region_narrow_the_match() -> None:
    faults = injector(
        {
            "match": {"operation": ["InvokeModel"], "region": "eu-west-1"},
            "error": "ModelTimeoutException",
        }
    )
    assert pick(faults, operation="InvokeModel", region="us-east-1") is None
    assert pick(faults, operation="Converse", region="eu-west-1") is None
    assert pick(faults, operation="InvokeModel", region="eu-west-1") == "ModelTimeoutException"


def test_control_plane_operations_can_be_faulted() -> None:
    faults = injector(
        {"match": {"operation": "ListInferenceProfiles"}, "error": "ThrottlingException"}
    )
    assert pick(faults, "", operation="ListInferenceProfiles") == "ThrottlingException"


def test_first_rule_that_fires_wins_and_later_rules_see_only_the_rest() -> None:
    faults = injector(
        {"error": "ThrottlingException", "times": 1},
        {"error": "ServiceUnavailableException", "times": 1},
    )
    assert [pick(faults) for _ in range(3)] == [
        "ThrottlingException",
        "ServiceUnavailableException",
        None,
    ]


def test_mid_stream_rules_only_fire_for_streams() -> None:
    faults = injector({"mid_stream": "ThrottlingException", "times": 1})
    assert pick(faults, operation="Converse") is None
    assert pick(faults, operation="ConverseStream") == "ThrottlingException"
    assert pick(faults, operation="ConverseStream") is None
    explicit = injector({"mid_stream": "InternalServerException"})
    rule = explicit.pick(operation="Converse", model_id=HAIKU_3, region="us-east-1", streaming=True)
    assert rule is not None


def test_probability_with_a_seed_repeats_across_runs() -> None:
    fault = {"error": "ThrottlingException", "probability": 0.5, "seed": 1234}
    run_a = injector(fault)
    run_b = injector(fault)
    a = [pick(run_a) is not None for _ in range(200)]
    b = [pick(run_b) is not None for _ in range(200)]
    assert a == b
    assert 60 < sum(a) < 140  # roughly half: the rule is neither always nor never on


def test_different_seeds_give_different_sequences() -> None:
    a = injector({"error": "ThrottlingException", "probability": 0.5, "seed": 1})
    b = injector({"error": "ThrottlingException", "probability": 0.5, "seed": 2})
    assert [pick(a) for _ in range(64)] != [pick(b) for _ in range(64)]


def test_probability_draws_only_for_matching_requests() -> None:
    fault = {"match": {"model_id": HAIKU_3}, "error": "ThrottlingException", "probability": 0.5}
    plain = injector(fault)
    interleaved = injector(fault)
    only_haiku = [pick(plain) for _ in range(50)]
    mixed = []
    for _ in range(50):
        pick(interleaved, SONNET_45)  # never matches, so never consumes a draw
        mixed.append(pick(interleaved))
    assert mixed == only_haiku


def test_probability_extremes() -> None:
    never = injector({"error": "ThrottlingException", "probability": 0.0})
    always = injector({"error": "ThrottlingException", "probability": 1.0})
    assert {pick(never) for _ in range(50)} == {None}
    assert {pick(always) for _ in range(50)} == {"ThrottlingException"}


def test_times_is_exact_under_concurrency() -> None:
    faults = FaultInjector([FaultRule(error="ThrottlingException", times=5)])
    start = threading.Barrier(8)
    fired: list[bool] = []
    guard = threading.Lock()

    def worker() -> None:
        start.wait()
        for _ in range(25):
            result = pick(faults) is not None
            with guard:
                fired.append(result)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(fired) == 200
    assert sum(fired) == 5


def test_no_rules_never_fire() -> None:
    assert pick(FaultInjector()) is None


# --- Quota --------------------------------------------------------------------------------


def test_quota_admits_the_burst_then_throttles_then_refills() -> None:
    quota = Quota({"requests_per_second": 2, "burst": 3})
    assert [quota.try_acquire(now=10.0) for _ in range(3)] == [None, None, None]
    assert quota.try_acquire(now=10.0) == _errors.THROTTLED_REQUESTS
    assert quota.try_acquire(now=10.25) == _errors.THROTTLED_REQUESTS  # half a token back
    assert quota.try_acquire(now=10.5) is None  # one whole token back
    assert quota.try_acquire(now=10.5) == _errors.THROTTLED_REQUESTS
    # A long pause refills to capacity, never beyond.
    refilled = [quota.try_acquire(now=100.0) for _ in range(4)]
    assert refilled == [None, None, None, _errors.THROTTLED_REQUESTS]


def test_requests_per_minute_default_capacity_is_one_request() -> None:
    quota = Quota({"requests_per_minute": 6})
    assert quota.try_acquire(now=0.0) is None
    assert quota.try_acquire(now=5.0) == _errors.THROTTLED_REQUESTS
    assert quota.try_acquire(now=10.0) is None  # 6 per minute is one every 10 seconds


def test_token_quota_answers_the_token_text_and_consumes_nothing_when_refused() -> None:
    quota = Quota({"requests_per_second": 100, "tokens_per_second": 100})
    assert quota.try_acquire(tokens=80, now=0.0) is None
    assert quota.try_acquire(tokens=30, now=0.0) == _errors.THROTTLED_TOKENS
    assert quota.try_acquire(tokens=20, now=0.0) is None  # the refusal took nothing
    assert quota.try_acquire(tokens=1, now=0.0) == _errors.THROTTLED_TOKENS
    assert quota.try_acquire(tokens=0, now=0.0) is None  # calls without tokens pass


def test_a_call_bigger_than_the_token_bucket_is_admitted_from_full_and_leaves_debt() -> None:
    quota = Quota({"tokens_per_minute": 600})  # 10 tokens per second, capacity 10
    assert quota.try_acquire(tokens=25, now=0.0) is None
    assert quota.try_acquire(tokens=1, now=1.0) == _errors.THROTTLED_TOKENS  # still -5
    assert quota.try_acquire(tokens=5, now=2.0) is None  # back to +5


def test_request_quota_is_checked_before_token_quota() -> None:
    quota = Quota({"requests_per_second": 1, "tokens_per_second": 10})
    assert quota.try_acquire(tokens=10, now=0.0) is None
    assert quota.try_acquire(tokens=10, now=0.0) == _errors.THROTTLED_REQUESTS


def test_a_clock_stepping_back_refills_nothing() -> None:
    quota = Quota({"requests_per_second": 1})
    assert quota.try_acquire(now=5.0) is None
    assert quota.try_acquire(now=1.0) == _errors.THROTTLED_REQUESTS
    assert quota.try_acquire(now=5.5) == _errors.THROTTLED_REQUESTS
    assert quota.try_acquire(now=6.0) is None


def test_an_empty_quota_admits_everything_and_the_real_clock_works() -> None:
    quota = Quota()
    assert all(quota.try_acquire(tokens=10**6) is None for _ in range(100))
    tight = Quota({"requests_per_minute": 1})
    assert tight.try_acquire() is None
    assert tight.try_acquire() == _errors.THROTTLED_REQUESTS


# --- LatencyModel ------------------------------------------------------------------------


def test_no_latency_and_fixed_latency() -> None:
    assert LatencyModel().sample_ms() == 0.0
    assert LatencyModel(None).sample_ms() == 0.0
    assert [LatencyModel(25).sample_ms() for _ in range(3)] == [25.0, 25.0, 25.0]


def test_uniform_latency_stays_in_bounds_and_repeats_with_its_seed() -> None:
    spec = UniformLatency(distribution="uniform", min=10, max=20, seed=5)
    a, b = LatencyModel(spec), LatencyModel(spec)
    draws = [a.sample_ms() for _ in range(100)]
    assert draws == [b.sample_ms() for _ in range(100)]
    assert all(10 <= d <= 20 for d in draws)
    assert len(set(draws)) > 50


def test_normal_latency_is_clamped_at_zero() -> None:
    model = LatencyModel(NormalLatency(distribution="normal", mean=0, stddev=10, seed=3))
    draws = [model.sample_ms() for _ in range(200)]
    assert min(draws) == 0.0
    assert max(draws) > 0.0


@pytest.mark.parametrize("seed", [1, 2])
def test_latency_seed_changes_the_sequence(seed: int) -> None:
    other = 3 - seed
    a = LatencyModel(UniformLatency(distribution="uniform", min=0, max=1000, seed=seed))
    b = LatencyModel(UniformLatency(distribution="uniform", min=0, max=1000, seed=other))
    assert [a.sample_ms() for _ in range(5)] != [b.sample_ms() for _ in range(5)]
