"""AccessMethodPreference and the preference stores (in memory, and a JSON file)."""

from __future__ import annotations

import json
import logging
import multiprocessing
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from langchain_bedrock_enhanced.access import (
    AccessMethod,
    AccessMethodPreference,
    InMemoryPreferenceStore,
    JsonFilePreferenceStore,
    PreferenceStore,
)
from langchain_bedrock_enhanced.errors import ConfigurationError

WHEN = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
NOVA = "amazon.nova-pro-v1:0"


def regional(profile: str = f"eu.{NOVA}") -> AccessMethodPreference:
    return AccessMethodPreference(
        prefer_regional_cris=True, learned_from_error=True, last_updated=WHEN, profile_id=profile
    )


# The dataclass ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("preference", "expected"),
    [
        (AccessMethodPreference(prefer_direct=True), AccessMethod.DIRECT),
        (AccessMethodPreference(prefer_regional_cris=True), AccessMethod.REGIONAL_CRIS),
        (AccessMethodPreference(prefer_global_cris=True), AccessMethod.GLOBAL_CRIS),
        (AccessMethodPreference(learned_from_error=True), None),
        (AccessMethodPreference(), None),
    ],
)
def test_preferred_method_follows_the_flag(
    preference: AccessMethodPreference, expected: AccessMethod | None
) -> None:
    assert preference.get_preferred_method() is expected


def test_a_preference_prefers_at_most_one_method() -> None:
    with pytest.raises(ConfigurationError, match="at most one"):
        AccessMethodPreference(prefer_direct=True, prefer_global_cris=True)


def test_direct_cannot_be_preferred_when_learned_from_a_profile_error() -> None:
    with pytest.raises(ConfigurationError, match="direct"):
        AccessMethodPreference(prefer_direct=True, learned_from_error=True)


def test_last_updated_must_be_timezone_aware() -> None:
    with pytest.raises(ConfigurationError, match="timezone"):
        AccessMethodPreference(last_updated=datetime(2026, 1, 1))  # noqa: DTZ001 - the point


def test_for_method_builds_the_matching_preference() -> None:
    direct = AccessMethodPreference.for_method(
        AccessMethod.DIRECT, profile_id="ignored", learned_from_error=True, now=WHEN
    )
    assert (direct.prefer_direct, direct.learned_from_error, direct.profile_id) == (
        True,
        False,
        None,
    )
    global_ = AccessMethodPreference.for_method(
        AccessMethod.GLOBAL_CRIS, profile_id=f"global.{NOVA}", learned_from_error=True, now=WHEN
    )
    assert global_.requires_profile
    assert global_.profile_id == f"global.{NOVA}"
    with pytest.raises(ConfigurationError):
        AccessMethodPreference.for_method(AccessMethod.APPLICATION_PROFILE)


def test_to_dict_and_from_dict_round_trip() -> None:
    preference = regional()
    assert AccessMethodPreference.from_dict(preference.to_dict()) == preference
    assert json.loads(json.dumps(preference.to_dict()))["last_updated"] == WHEN.isoformat()


@pytest.mark.parametrize(
    "data",
    [
        {"prefer_direct": "yes", "last_updated": WHEN.isoformat()},
        {"profile_id": 3, "last_updated": WHEN.isoformat()},
        {"last_updated": "yesterday"},
        {"prefer_direct": True, "prefer_global_cris": True, "last_updated": WHEN.isoformat()},
    ],
    ids=["flag not a bool", "profile not a string", "bad timestamp", "two methods"],
)
def test_from_dict_rejects_bad_data_with_a_typed_error(data: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        AccessMethodPreference.from_dict(data)


def test_same_facts_ignores_the_timestamp() -> None:
    assert regional().same_facts(
        AccessMethodPreference(
            prefer_regional_cris=True,
            learned_from_error=True,
            last_updated=WHEN + timedelta(days=1),
            profile_id=f"eu.{NOVA}",
        )
    )
    assert not regional().same_facts(regional(f"global.{NOVA}"))


# Both stores -----------------------------------------------------------------


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> PreferenceStore:
    if request.param == "memory":
        return InMemoryPreferenceStore()
    return JsonFilePreferenceStore(tmp_path / "nested" / "prefs.json")


def test_stores_satisfy_the_protocol(store: PreferenceStore) -> None:
    assert isinstance(store, PreferenceStore)


def test_stores_put_get_delete_items_and_clear(store: PreferenceStore) -> None:
    assert store.get(NOVA, "eu-west-1") is None
    store.put(NOVA, "eu-west-1", regional())
    store.put(NOVA, "us-east-1", AccessMethodPreference(prefer_direct=True, last_updated=WHEN))
    assert store.get(NOVA, "eu-west-1") == regional()
    assert sorted(key for key, _ in store.items()) == [(NOVA, "eu-west-1"), (NOVA, "us-east-1")]
    store.delete(NOVA, "eu-west-1")
    store.delete(NOVA, "never-there")
    assert store.get(NOVA, "eu-west-1") is None
    store.clear()
    assert store.items() == []


# The file store --------------------------------------------------------------


def test_the_file_store_persists_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "prefs.json"
    JsonFilePreferenceStore(path).put(NOVA, "eu-west-1", regional())
    assert JsonFilePreferenceStore(path).get(NOVA, "eu-west-1") == regional()


def test_the_file_is_replaced_atomically_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    path = tmp_path / "prefs.json"
    store = JsonFilePreferenceStore(path)
    for index in range(5):
        store.put(f"m.model-{index}-v1:0", "us-east-1", regional())
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["prefs.json", "prefs.json.lock"]
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == 1
    assert len(document["preferences"]) == 5


def test_writes_merge_with_what_another_writer_stored_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "prefs.json"
    first, second = JsonFilePreferenceStore(path), JsonFilePreferenceStore(path)
    first.get(NOVA, "eu-west-1")  # both have read the (empty) file
    second.get(NOVA, "eu-west-1")
    first.put(NOVA, "eu-west-1", regional())
    second.put(NOVA, "us-east-1", AccessMethodPreference(prefer_direct=True, last_updated=WHEN))
    third = JsonFilePreferenceStore(path)
    assert {key for key, _ in third.items()} == {(NOVA, "eu-west-1"), (NOVA, "us-east-1")}
    assert second.get(NOVA, "eu-west-1") == regional()


def test_reads_are_cached_until_reload(tmp_path: Path) -> None:
    path = tmp_path / "prefs.json"
    reader = JsonFilePreferenceStore(path)
    assert reader.get(NOVA, "eu-west-1") is None
    JsonFilePreferenceStore(path).put(NOVA, "eu-west-1", regional())
    assert reader.get(NOVA, "eu-west-1") is None
    reader.reload()
    assert reader.get(NOVA, "eu-west-1") == regional()


@pytest.mark.parametrize(
    "content",
    [
        '{"format": 1, "preferences": [{"model_id": "amazon.nova-pro-v1:0", "reg',
        "\x00\x00\x00garbage",
        "[1, 2, 3]",
        '{"format": 1, "preferences": "nope"}',
    ],
    ids=["truncated", "binary garbage", "wrong top level", "wrong preferences type"],
)
def test_a_corrupted_or_truncated_file_warns_and_starts_empty(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    path = tmp_path / "prefs.json"
    path.write_text(content, encoding="utf-8")
    store = JsonFilePreferenceStore(path)
    with caplog.at_level(logging.WARNING):
        assert store.get(NOVA, "eu-west-1") is None
    assert any(r.levelno == logging.WARNING for r in caplog.records)
    store.put(NOVA, "eu-west-1", regional())
    assert JsonFilePreferenceStore(path).get(NOVA, "eu-west-1") == regional()


def test_malformed_entries_are_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "prefs.json"
    good = {"model_id": NOVA, "region": "eu-west-1", **regional().to_dict()}
    bad = [
        "not an object",
        {"region": "eu-west-1"},
        {"model_id": NOVA, "region": "us-east-1", "prefer_direct": "yes"},
    ]
    path.write_text(json.dumps({"format": 1, "preferences": [*bad, good]}), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        items = JsonFilePreferenceStore(path).items()
    assert items == [((NOVA, "eu-west-1"), regional())]
    assert "Skipped 3" in caplog.text


def test_an_empty_file_is_an_empty_store_without_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "prefs.json"
    path.write_text("", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert JsonFilePreferenceStore(path).items() == []
    assert caplog.records == []


def _write_many(path: str, worker: int, count: int, start: object) -> None:
    start.wait()  # type: ignore[attr-defined]
    store = JsonFilePreferenceStore(path)
    for index in range(count):
        store.put(
            f"m.worker{worker}-model{index}-v1:0",
            "us-east-1",
            AccessMethodPreference(prefer_global_cris=True, last_updated=WHEN),
        )


def test_two_processes_writing_one_file_keep_every_entry(tmp_path: Path) -> None:
    path = tmp_path / "shared.json"
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=_write_many, args=(str(path), worker, 40, start))
        for worker in range(2)
    ]
    for process in workers:
        process.start()
    start.set()
    for process in workers:
        process.join(timeout=60)
    assert [p.exitcode for p in workers] == [0, 0]
    keys = {key for key, _ in JsonFilePreferenceStore(path).items()}
    assert len(keys) == 80
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == 1
