"""AccessMethodTracker: learns, forgets on time, counts, and stays consistent under threads."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from langchain_bedrock_enhanced.access import (
    AccessMethod,
    AccessMethodPreference,
    AccessMethodTracker,
    InMemoryPreferenceStore,
    JsonFilePreferenceStore,
)

NOVA = "amazon.nova-pro-v1:0"
SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
REQUIREMENT = (
    f"Invocation of model ID {SONNET} with on-demand throughput isn\u2019t supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


class CountingStore(InMemoryPreferenceStore):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def put(self, model_id: str, region: str, preference: AccessMethodPreference) -> None:
        self.writes += 1
        super().put(model_id, region, preference)


def validation_error(message: str) -> ClientError:
    return ClientError({"Error": {"Code": "ValidationException", "Message": message}}, "Converse")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tracker(clock: FakeClock) -> AccessMethodTracker:
    return AccessMethodTracker(ttl=timedelta(hours=1), clock=clock)


def test_nothing_is_known_at_first(tracker: AccessMethodTracker) -> None:
    assert tracker.get_preference(NOVA, "eu-west-1") is None
    assert not tracker.requires_profile(NOVA, "eu-west-1")
    assert tracker.get_statistics() == {}


def test_a_profile_requirement_is_learned_per_model_and_region(
    tracker: AccessMethodTracker,
) -> None:
    tracker.record_profile_requirement(NOVA, "eu-west-1")
    assert tracker.requires_profile(NOVA, "eu-west-1")
    assert not tracker.requires_profile(NOVA, "us-east-1")
    assert not tracker.requires_profile(SONNET, "eu-west-1")
    preference = tracker.get_preference(NOVA, "eu-west-1")
    assert preference is not None
    assert preference.learned_from_error
    assert preference.get_preferred_method() is None


def test_a_profile_success_after_a_requirement_keeps_the_requirement_and_the_profile(
    tracker: AccessMethodTracker,
) -> None:
    tracker.record_profile_requirement(NOVA, "eu-west-1")
    tracker.record_success(NOVA, "eu-west-1", AccessMethod.REGIONAL_CRIS, f"eu.{NOVA}")
    preference = tracker.get_preference(NOVA, "eu-west-1")
    assert preference is not None
    assert preference.get_preferred_method() is AccessMethod.REGIONAL_CRIS
    assert preference.profile_id == f"eu.{NOVA}"
    assert tracker.requires_profile(NOVA, "eu-west-1")


def test_a_new_requirement_keeps_the_profile_that_worked(tracker: AccessMethodTracker) -> None:
    tracker.record_success(NOVA, "eu-west-1", AccessMethod.GLOBAL_CRIS, f"global.{NOVA}")
    tracker.record_profile_requirement(NOVA, "eu-west-1")
    preference = tracker.get_preference(NOVA, "eu-west-1")
    assert preference is not None
    assert (preference.prefer_global_cris, preference.profile_id) == (True, f"global.{NOVA}")
    assert preference.requires_profile


def test_a_direct_success_overrules_an_old_requirement(tracker: AccessMethodTracker) -> None:
    tracker.record_profile_requirement(NOVA, "us-east-1")
    tracker.record_success(NOVA, "us-east-1", AccessMethod.DIRECT)
    assert not tracker.requires_profile(NOVA, "us-east-1")
    preference = tracker.get_preference(NOVA, "us-east-1")
    assert preference is not None
    assert preference.get_preferred_method() is AccessMethod.DIRECT
    assert preference.profile_id is None


def test_profile_ids_and_arns_are_tracked_under_their_base_model(
    tracker: AccessMethodTracker,
) -> None:
    tracker.record_profile_requirement(f"eu.{NOVA}", "eu-west-1")
    assert tracker.requires_profile(NOVA, "eu-west-1")
    assert tracker.requires_profile(
        f"arn:aws:bedrock:eu-west-1::foundation-model/{NOVA}", "eu-west-1"
    )
    assert (NOVA, "eu-west-1") in tracker.get_statistics()


def test_learned_facts_expire_after_the_ttl(tracker: AccessMethodTracker, clock: FakeClock) -> None:
    tracker.record_profile_requirement(NOVA, "eu-west-1")
    clock.advance(timedelta(minutes=59))
    assert tracker.requires_profile(NOVA, "eu-west-1")
    clock.advance(timedelta(minutes=1))
    assert not tracker.requires_profile(NOVA, "eu-west-1")
    assert tracker.get_preference(NOVA, "eu-west-1") is None


def test_an_expired_fact_is_removed_from_the_store(clock: FakeClock) -> None:
    store = InMemoryPreferenceStore()
    tracker = AccessMethodTracker(store, ttl=timedelta(hours=1), clock=clock)
    tracker.record_profile_requirement(NOVA, "eu-west-1")
    clock.advance(timedelta(hours=2))
    tracker.get_preference(NOVA, "eu-west-1")
    assert store.items() == []


def test_a_confirmed_fact_is_written_once_then_refreshed_after_half_the_ttl(
    clock: FakeClock,
) -> None:
    store = CountingStore()
    tracker = AccessMethodTracker(store, ttl=timedelta(hours=1), clock=clock)
    for _ in range(50):
        tracker.record_success(NOVA, "us-east-1", AccessMethod.DIRECT)
    assert store.writes == 1
    clock.advance(timedelta(minutes=31))
    tracker.record_success(NOVA, "us-east-1", AccessMethod.DIRECT)
    assert store.writes == 2
    clock.advance(timedelta(minutes=59))
    # Refreshed at 31 minutes, so still valid at 90 minutes.
    assert tracker.get_preference(NOVA, "us-east-1") is not None


def test_statistics_count_calls_by_method_successes_failures_and_requirements(
    tracker: AccessMethodTracker,
) -> None:
    tracker.record_profile_requirement(SONNET, "eu-west-1")
    tracker.record_success(SONNET, "eu-west-1", AccessMethod.REGIONAL_CRIS, f"eu.{SONNET}")
    tracker.record_success(SONNET, "eu-west-1", AccessMethod.REGIONAL_CRIS, f"eu.{SONNET}")
    tracker.record_failure(SONNET, "eu-west-1", AccessMethod.REGIONAL_CRIS)
    stats = tracker.get_statistics()[SONNET, "eu-west-1"]
    assert dict(stats.calls_by_method) == {
        AccessMethod.DIRECT: 1,
        AccessMethod.REGIONAL_CRIS: 3,
    }
    assert (stats.successes, stats.failures, stats.profile_requirements) == (2, 2, 1)
    assert stats.total_calls == 4
    assert stats.to_dict()["calls_by_method"] == {"direct": 1, "regional_cris": 3}


def test_statistics_are_a_snapshot(tracker: AccessMethodTracker) -> None:
    tracker.record_success(NOVA, "us-east-1", AccessMethod.DIRECT)
    before = tracker.get_statistics()
    tracker.record_success(NOVA, "us-east-1", AccessMethod.DIRECT)
    assert before[NOVA, "us-east-1"].successes == 1


def test_statistics_records_go_straight_into_json(tracker: AccessMethodTracker) -> None:
    tracker.record_profile_requirement(SONNET, "eu-west-1")
    tracker.record_success(SONNET, "eu-west-1", AccessMethod.REGIONAL_CRIS, f"eu.{SONNET}")
    tracker.record_success(NOVA, "us-east-1", AccessMethod.DIRECT)
    tracker.record_failure(NOVA, "us-west-2", AccessMethod.DIRECT)
    records = tracker.statistics_records()
    assert json.loads(json.dumps(records)) == records


def test_statistics_records_hold_one_record_per_model_and_region_sorted(
    tracker: AccessMethodTracker,
) -> None:
    tracker.record_success(f"us.{SONNET}", "us-east-1", AccessMethod.REGIONAL_CRIS, f"us.{SONNET}")
    tracker.record_success(NOVA, "us-west-2", AccessMethod.DIRECT)
    tracker.record_success(NOVA, "eu-west-1", AccessMethod.DIRECT)
    tracker.record_success(NOVA, "eu-west-1", AccessMethod.DIRECT)
    pairs = [(r["model_id"], r["region"]) for r in tracker.statistics_records()]
    assert pairs == [(NOVA, "eu-west-1"), (NOVA, "us-west-2"), (SONNET, "us-east-1")]
    assert set(pairs) == set(tracker.get_statistics())


def test_statistics_records_count_calls_by_every_method_under_string_keys(
    tracker: AccessMethodTracker,
) -> None:
    tracker.record_profile_requirement(SONNET, "eu-west-1")
    tracker.record_success(SONNET, "eu-west-1", AccessMethod.REGIONAL_CRIS, f"eu.{SONNET}")
    tracker.record_failure(SONNET, "eu-west-1", AccessMethod.GLOBAL_CRIS)
    [record] = tracker.statistics_records()
    assert record["calls_by_method"] == {
        "direct": 1,
        "regional_cris": 1,
        "global_cris": 1,
        "application_profile": 0,
    }
    assert (
        record["calls"],
        record["successes"],
        record["failures"],
        record["profile_requirements"],
    ) == (3, 1, 2, 1)


def test_statistics_records_carry_the_learned_preference_with_an_iso_timestamp(
    tracker: AccessMethodTracker, clock: FakeClock
) -> None:
    tracker.record_profile_requirement(SONNET, "eu-west-1")
    clock.advance(timedelta(minutes=5))
    tracker.record_success(SONNET, "eu-west-1", AccessMethod.GLOBAL_CRIS, f"global.{SONNET}")
    [record] = tracker.statistics_records()
    assert record["preference"] == {
        "preferred_method": "global_cris",
        "profile_id": f"global.{SONNET}",
        "learned_from_error": True,
        "learned_at": "2026-01-01T00:05:00+00:00",
    }
    assert datetime.fromisoformat(record["preference"]["learned_at"]) == clock.now


def test_a_requirement_alone_is_a_preference_without_a_preferred_method(
    tracker: AccessMethodTracker,
) -> None:
    tracker.record_profile_requirement(SONNET, "eu-west-1")
    [record] = tracker.statistics_records()
    assert record["preference"] is not None
    assert record["preference"]["preferred_method"] is None
    assert record["preference"]["learned_from_error"] is True


def test_statistics_records_have_no_preference_when_nothing_is_learned_or_it_expired(
    tracker: AccessMethodTracker, clock: FakeClock
) -> None:
    tracker.record_failure(NOVA, "us-east-1", AccessMethod.DIRECT)  # a failure learns nothing
    tracker.record_success(SONNET, "us-east-1", AccessMethod.DIRECT)
    clock.advance(timedelta(hours=2))
    records = tracker.statistics_records()
    assert [(r["model_id"], r["preference"]) for r in records] == [(NOVA, None), (SONNET, None)]
    assert [r["successes"] for r in records] == [0, 1]


def test_a_requirement_reported_as_a_failure_is_learned_and_counted_once(
    tracker: AccessMethodTracker,
) -> None:
    tracker.record_failure(SONNET, "eu-west-1", AccessMethod.DIRECT, validation_error(REQUIREMENT))
    assert tracker.requires_profile(SONNET, "eu-west-1")
    stats = tracker.get_statistics()[SONNET, "eu-west-1"]
    assert (stats.failures, stats.profile_requirements) == (1, 1)


def test_an_invalid_identifier_on_the_learned_profile_forgets_the_profile(
    tracker: AccessMethodTracker,
) -> None:
    tracker.record_profile_requirement(NOVA, "ap-northeast-1")
    tracker.record_success(NOVA, "ap-northeast-1", AccessMethod.REGIONAL_CRIS, f"jp.{NOVA}")
    tracker.record_failure(
        NOVA,
        "ap-northeast-1",
        AccessMethod.REGIONAL_CRIS,
        validation_error("The provided model identifier is invalid."),
    )
    preference = tracker.get_preference(NOVA, "ap-northeast-1")
    assert preference is not None
    assert preference.get_preferred_method() is None
    assert preference.profile_id is None
    assert preference.requires_profile


def test_transient_failures_learn_nothing(tracker: AccessMethodTracker) -> None:
    tracker.record_success(NOVA, "eu-west-1", AccessMethod.REGIONAL_CRIS, f"eu.{NOVA}")
    throttled = ClientError(
        {"Error": {"Code": "ThrottlingException", "Message": "Too many requests"}}, "Converse"
    )
    tracker.record_failure(NOVA, "eu-west-1", AccessMethod.REGIONAL_CRIS, throttled)
    preference = tracker.get_preference(NOVA, "eu-west-1")
    assert preference is not None
    assert preference.profile_id == f"eu.{NOVA}"


def test_application_profile_calls_are_counted_but_not_learned(
    tracker: AccessMethodTracker,
) -> None:
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456"
    tracker.record_success(arn, "us-east-1", AccessMethod.APPLICATION_PROFILE, arn)
    assert tracker.get_preference(arn, "us-east-1") is None
    assert tracker.get_statistics()[arn, "us-east-1"].successes == 1


def test_learning_is_logged_at_debug_and_only_when_something_changes(
    tracker: AccessMethodTracker, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="langchain_bedrock_enhanced.access.tracker"):
        tracker.record_profile_requirement(NOVA, "eu-west-1")
        tracker.record_profile_requirement(NOVA, "eu-west-1")
    learned = [r for r in caplog.records if "Learned" in r.getMessage()]
    assert len(learned) == 1
    assert learned[0].levelno == logging.DEBUG


def test_forget_and_clear(tracker: AccessMethodTracker) -> None:
    tracker.record_profile_requirement(NOVA, "eu-west-1")
    tracker.forget(NOVA, "eu-west-1")
    assert tracker.get_preference(NOVA, "eu-west-1") is None
    assert tracker.get_statistics() != {}
    tracker.clear()
    assert tracker.get_statistics() == {}


def test_a_file_store_carries_learning_to_a_new_tracker(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "prefs.json"
    first = AccessMethodTracker(JsonFilePreferenceStore(path), clock=clock)
    first.record_profile_requirement(SONNET, "eu-west-1")
    first.record_success(SONNET, "eu-west-1", AccessMethod.REGIONAL_CRIS, f"eu.{SONNET}")
    second = AccessMethodTracker(JsonFilePreferenceStore(path), clock=clock)
    assert second.get_preference(SONNET, "eu-west-1") == first.get_preference(SONNET, "eu-west-1")


def test_the_ttl_must_be_positive() -> None:
    with pytest.raises(ValueError, match="TTL"):
        AccessMethodTracker(ttl=timedelta(0))


def test_get_instance_is_a_lazily_created_process_default() -> None:
    AccessMethodTracker.reset_instance()
    try:
        first = AccessMethodTracker.get_instance()
        assert AccessMethodTracker.get_instance() is first
        AccessMethodTracker.reset_instance()
        assert AccessMethodTracker.get_instance() is not first
    finally:
        AccessMethodTracker.reset_instance()


def test_get_instance_is_created_once_under_concurrency() -> None:
    AccessMethodTracker.reset_instance()
    barrier = threading.Barrier(16)
    seen: list[AccessMethodTracker] = []

    def grab() -> None:
        barrier.wait()
        seen.append(AccessMethodTracker.get_instance())

    threads = [threading.Thread(target=grab) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert len({id(t) for t in seen}) == 1
    finally:
        AccessMethodTracker.reset_instance()


def test_concurrent_recording_loses_no_counts(tracker: AccessMethodTracker) -> None:
    threads_count, per_thread = 8, 250
    barrier = threading.Barrier(threads_count)

    def work(index: int) -> None:
        barrier.wait()
        for i in range(per_thread):
            if (index + i) % 3 == 0:
                tracker.record_profile_requirement(NOVA, "eu-west-1")
            else:
                tracker.record_success(NOVA, "eu-west-1", AccessMethod.REGIONAL_CRIS, f"eu.{NOVA}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = tracker.get_statistics()[NOVA, "eu-west-1"]
    assert stats.total_calls == threads_count * per_thread
    assert stats.profile_requirements + stats.successes == threads_count * per_thread
    assert tracker.requires_profile(NOVA, "eu-west-1")
