"""The Redis preference store without a network: names, setup, and Redis being away.

What crosses the wire (pub/sub, expiry, several processes) is in
tests/wire/test_redis_store.py, against a real Redis server.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from langchain_bedrock_enhanced.access import (
    AccessMethod,
    AccessMethodPreference,
    InMemoryPreferenceStore,
    JsonFilePreferenceStore,
    PreferenceStore,
    RedisPreferenceStore,
)
from langchain_bedrock_enhanced.access.redis_store import (
    SCRIPTS,
    events_channel,
    preference_key,
    sequence_key,
    store_from_spec,
)
from langchain_bedrock_enhanced.errors import ConfigurationError

NOVA = "amazon.nova-pro-v1:0"
LOGGER = "langchain_bedrock_enhanced.access.redis_store"


@pytest.fixture
def absent_redis(tmp_path: Path) -> str:
    """A Unix-socket URL with no server behind it: refused at once, no network needed."""
    return f"unix://{tmp_path / 'no-redis.sock'}"


@pytest.fixture
def offline_store(absent_redis: str) -> Iterator[RedisPreferenceStore]:
    store = RedisPreferenceStore(absent_redis, namespace="unit")
    yield store
    store.close()


def test_a_preference_key_names_the_namespace_then_region_then_model() -> None:
    assert preference_key(NOVA, "eu-west-1") == f"lbe:pref:eu-west-1:{NOVA}"
    assert preference_key(NOVA, "eu-west-1", "team-a") == f"team-a:pref:eu-west-1:{NOVA}"


def test_the_namespace_also_prefixes_the_change_counter_and_the_channel() -> None:
    assert sequence_key("team-a") == "team-a:pref-seq"
    assert events_channel("team-a") == "team-a:pref:events"


def test_every_write_script_counts_and_publishes_its_change() -> None:
    assert sorted(SCRIPTS) == ["clear", "delete", "put"]
    for text in SCRIPTS.values():
        assert "redis.call('INCR', KEYS[" in text
        assert "redis.call('PUBLISH', ARGV[1]" in text
    assert "'PX'" in SCRIPTS["put"]  # a learned preference expires in Redis too


def test_without_redis_py_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(
        ConfigurationError, match=r"pip install 'langchain-bedrock-enhanced\[redis\]'"
    ):
        RedisPreferenceStore("redis://127.0.0.1:6379")


def test_importing_the_package_does_not_import_redis() -> None:
    code = (
        "import sys, langchain_bedrock_enhanced.access, langchain_bedrock_enhanced.runnables\n"
        "print('redis' in sys.modules)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "False"


def test_the_factory_spec_is_a_store_a_file_path_or_a_redis_url(
    tmp_path: Path, absent_redis: str
) -> None:
    given = InMemoryPreferenceStore()
    assert store_from_spec(given) is given
    assert isinstance(store_from_spec(str(tmp_path / "p.json")), JsonFilePreferenceStore)
    assert isinstance(store_from_spec(tmp_path / "p.json"), JsonFilePreferenceStore)
    redis_store = store_from_spec(absent_redis)
    assert isinstance(redis_store, RedisPreferenceStore)
    redis_store.close()


def test_the_store_is_a_preference_store(offline_store: RedisPreferenceStore) -> None:
    assert isinstance(offline_store, PreferenceStore)


def test_without_redis_learning_stays_in_memory_after_one_warning(
    absent_redis: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    learned = AccessMethodPreference.for_method(
        AccessMethod.REGIONAL_CRIS, profile_id=f"eu.{NOVA}", learned_from_error=True
    )
    with RedisPreferenceStore(absent_redis, namespace="unit") as store:
        store.put(NOVA, "eu-west-1", learned)
        store.put(NOVA, "us-east-1", AccessMethodPreference.for_method(AccessMethod.DIRECT))
        store.delete(NOVA, "us-east-1")
        assert store.get(NOVA, "eu-west-1") == learned
        assert store.items() == [((NOVA, "eu-west-1"), learned)]
        assert not store.connected
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()


def test_close_stops_the_listener_thread(absent_redis: str) -> None:
    store = RedisPreferenceStore(absent_redis, namespace="unit-close")
    assert "lbe-redis-preferences[unit-close]" in [t.name for t in threading.enumerate()]
    store.close()
    assert "lbe-redis-preferences[unit-close]" not in [t.name for t in threading.enumerate()]


def test_the_repr_shows_where_without_the_password(tmp_path: Path) -> None:
    with RedisPreferenceStore(f"unix://app:s3cret@{tmp_path}/r.sock", namespace="n") as store:
        assert "s3cret" not in repr(store)
        assert (
            repr(store)
            == f"RedisPreferenceStore('unix://app:***@{tmp_path}/r.sock', namespace='n')"
        )


@pytest.mark.parametrize("interval", ["refresh_interval", "reconnect_interval", "poll_interval"])
def test_intervals_must_be_positive(absent_redis: str, interval: str) -> None:
    with pytest.raises(ConfigurationError, match="must be positive"):
        RedisPreferenceStore(absent_redis, **{interval: 0})
