"""A fleet shares what it learns about access methods through a real Redis server."""

from __future__ import annotations

import json
import logging
import multiprocessing
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import redis

from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.access import (
    AccessMethod,
    AccessMethodPreference,
    RedisPreferenceStore,
)
from langchain_bedrock_enhanced.access.redis_store import (
    events_channel,
    preference_key,
    sequence_key,
)
from langchain_bedrock_enhanced.emulator import BedrockEmulator
from tests.wire.redis_fleet import (
    UNREACHABLE_REDIS_URL,
    CuttableProxy,
    delete_namespace,
    learning_worker,
    namespace_keys,
    require_redis,
    unique_namespace,
)

pytestmark = pytest.mark.emulator

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
STORE_LOGGER = "langchain_bedrock_enhanced.access.redis_store"
NOVA_EU = AccessMethodPreference.for_method(
    AccessMethod.REGIONAL_CRIS, profile_id="eu.amazon.nova-pro-v1:0", learned_from_error=True
)
DIRECT = AccessMethodPreference.for_method(AccessMethod.DIRECT)


@pytest.fixture
def redis_url() -> str:
    return require_redis()


@pytest.fixture
def namespace(redis_url: str) -> Iterator[str]:
    name = unique_namespace()
    yield name
    delete_namespace(redis_url, name)


@pytest.fixture(autouse=True)
def _no_listener_outlives_its_test() -> Iterator[None]:
    yield
    leaked = [t.name for t in threading.enumerate() if t.name.startswith("lbe-redis-")]
    assert leaked == []


@pytest.fixture
def raw(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    yield client
    client.close()


def store_logs(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == STORE_LOGGER and r.levelno == level]


def test_a_preference_learned_by_one_worker_reaches_another_through_pubsub(
    redis_url: str, namespace: str
) -> None:
    with (
        RedisPreferenceStore(redis_url, namespace=namespace) as first,
        RedisPreferenceStore(redis_url, namespace=namespace) as second,
    ):
        first.put("amazon.nova-pro-v1:0", "eu-west-1", NOVA_EU)
        assert second.wait_for_change(1, timeout=10)
        assert second.get("amazon.nova-pro-v1:0", "eu-west-1") == NOVA_EU
        second.delete("amazon.nova-pro-v1:0", "eu-west-1")
        assert first.wait_for_change(2, timeout=10)
        assert first.get("amazon.nova-pro-v1:0", "eu-west-1") is None


def test_a_worker_that_starts_later_loads_what_the_fleet_learned(
    redis_url: str, namespace: str
) -> None:
    with RedisPreferenceStore(redis_url, namespace=namespace) as first:
        first.put("amazon.nova-pro-v1:0", "eu-west-1", NOVA_EU)
        first.put("m.direct-v1:0", "us-east-1", DIRECT)
    with RedisPreferenceStore(redis_url, namespace=namespace) as late:
        assert dict(late.items()) == {
            ("amazon.nova-pro-v1:0", "eu-west-1"): NOVA_EU,
            ("m.direct-v1:0", "us-east-1"): DIRECT,
        }


def test_the_keys_are_namespaced_and_hold_the_file_store_entry_without_credentials(
    redis_url: str, namespace: str, raw: redis.Redis
) -> None:
    with RedisPreferenceStore(redis_url, namespace=namespace) as store:
        store.put("amazon.nova-pro-v1:0", "eu-west-1", NOVA_EU)
    key = preference_key("amazon.nova-pro-v1:0", "eu-west-1", namespace)
    assert namespace_keys(redis_url, namespace) == sorted([key, sequence_key(namespace)])
    entry = json.loads(str(raw.get(key)))
    assert entry == {
        "model_id": "amazon.nova-pro-v1:0",
        "region": "eu-west-1",
        "seq": 1,
        **NOVA_EU.to_dict(),
    }


def test_a_learned_preference_expires_in_redis_when_the_tracker_would_expire_it(
    redis_url: str, namespace: str, raw: redis.Redis
) -> None:
    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    learned = AccessMethodPreference(prefer_direct=True, last_updated=an_hour_ago)
    with RedisPreferenceStore(redis_url, namespace=namespace, ttl=timedelta(hours=2)) as store:
        store.put("m.x-v1:0", "us-east-1", learned)
    left_ms = int(raw.pttl(preference_key("m.x-v1:0", "us-east-1", namespace)))
    assert 0 < left_ms <= 3_600_000


def test_clear_forgets_for_every_worker(redis_url: str, namespace: str) -> None:
    with (
        RedisPreferenceStore(redis_url, namespace=namespace) as first,
        RedisPreferenceStore(redis_url, namespace=namespace) as second,
    ):
        first.put("m.a-v1:0", "us-east-1", AccessMethodPreference(prefer_direct=True))
        first.put("m.b-v1:0", "us-east-1", AccessMethodPreference(prefer_direct=True))
        second.clear()
        assert first.wait_for_change(3, timeout=10)
        assert first.items() == []
        assert namespace_keys(redis_url, namespace) == [sequence_key(namespace)]


def test_a_late_message_never_undoes_a_newer_write(
    redis_url: str, namespace: str, raw: redis.Redis
) -> None:
    with RedisPreferenceStore(redis_url, namespace=namespace) as store:
        store.put("m.x-v1:0", "us-east-1", AccessMethodPreference(prefer_direct=True))
        store.put("m.x-v1:0", "us-east-1", NOVA_EU)
        assert store.wait_for_change(2, timeout=10)
        stale = {"model_id": "m.x-v1:0", "region": "us-east-1", **NOVA_EU.to_dict()}
        stale["prefer_regional_cris"], stale["prefer_global_cris"] = False, True
        raw.publish(events_channel(namespace), json.dumps({"op": "put", "seq": 1, "entry": stale}))
        newer = {"op": "delete", "seq": 3, "model_id": "m.other-v1:0", "region": "us-east-1"}
        raw.publish(events_channel(namespace), json.dumps(newer))
        assert store.wait_for_change(3, timeout=10)
        assert store.get("m.x-v1:0", "us-east-1") == NOVA_EU


def test_the_fleet_pays_the_profile_requirement_once(
    redis_url: str, namespace: str, emulator: BedrockEmulator, raw: redis.Redis
) -> None:
    def model(store: RedisPreferenceStore) -> Any:
        return create_langchain_chatbedrock(
            SONNET,
            region_name="eu-west-1",
            endpoint_url=emulator.endpoint_url,
            catalog=False,
            preference_store=store,
        )

    with (
        RedisPreferenceStore(redis_url, namespace=namespace) as first_worker,
        RedisPreferenceStore(redis_url, namespace=namespace) as second_worker,
    ):
        model(first_worker).invoke("hello")
        assert [(r.model_id, r.status) for r in emulator.requests if r.is_runtime] == [
            (SONNET, 400),
            (f"eu.{SONNET}", 200),
        ]
        emulator.clear_requests()
        changes = int(str(raw.get(sequence_key(namespace))))
        assert second_worker.wait_for_change(changes, timeout=10)
        reply = model(second_worker).invoke("hello")
        assert reply.response_metadata["model_id_sent"] == f"eu.{SONNET}"
        assert [(r.model_id, r.status) for r in emulator.requests if r.is_runtime] == [
            (f"eu.{SONNET}", 200)
        ]


def test_unreachable_redis_degrades_to_memory_with_one_warning_and_calls_succeed(
    emulator: BedrockEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=STORE_LOGGER)
    model = create_langchain_chatbedrock(
        SONNET,
        region_name="eu-west-1",
        endpoint_url=emulator.endpoint_url,
        catalog=False,
        preference_store=UNREACHABLE_REDIS_URL,
    )
    store = model.access_engine.tracker.store
    try:
        assert isinstance(store, RedisPreferenceStore)
        assert model.invoke("hello").content
        assert model.invoke("again").content
        assert not store.connected
        # Learned in memory: the second call went straight to the profile.
        assert [(r.model_id, r.status) for r in emulator.requests if r.is_runtime] == [
            (SONNET, 400),
            (f"eu.{SONNET}", 200),
            (f"eu.{SONNET}", 200),
        ]
        assert len(store_logs(caplog, logging.WARNING)) == 1
    finally:
        store.close()


def test_a_lost_connection_warns_once_keeps_learning_then_reconnects_and_shares_it(
    redis_url: str, namespace: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=STORE_LOGGER)
    proxy = CuttableProxy()
    try:
        with (
            RedisPreferenceStore(proxy.url, namespace=namespace, reconnect_interval=0.05) as store,
            RedisPreferenceStore(redis_url, namespace=namespace) as other,
        ):
            store.put("m.before-v1:0", "us-east-1", AccessMethodPreference(prefer_direct=True))
            proxy.cut()
            store.put("m.during-v1:0", "us-east-1", NOVA_EU)
            store.put("m.during-v2:0", "us-east-1", NOVA_EU)
            assert not store.connected
            assert store.get("m.before-v1:0", "us-east-1") is not None
            assert store.get("m.during-v1:0", "us-east-1") == NOVA_EU
            proxy.restore()
            # Reconnected, the two changes made meanwhile are written back: 1 + 2.
            assert other.wait_for_change(3, timeout=30)
            assert other.get("m.during-v1:0", "us-east-1") == NOVA_EU
            assert other.get("m.during-v2:0", "us-east-1") == NOVA_EU
            assert store.connected
        assert len(store_logs(caplog, logging.WARNING)) == 1
        assert len([m for m in store_logs(caplog, logging.INFO) if "Reconnected" in m]) == 1
    finally:
        proxy.close()


def test_get_answers_from_the_mirror_while_redis_is_unreachable(
    redis_url: str, namespace: str
) -> None:
    proxy = CuttableProxy()
    try:
        with RedisPreferenceStore(redis_url, namespace=namespace) as writer:
            writer.put("amazon.nova-pro-v1:0", "eu-west-1", NOVA_EU)
        with RedisPreferenceStore(proxy.url, namespace=namespace) as store:
            proxy.cut()
            assert store.get("amazon.nova-pro-v1:0", "eu-west-1") == NOVA_EU
    finally:
        proxy.close()


def test_close_stops_the_listener_thread(redis_url: str, namespace: str) -> None:
    store = RedisPreferenceStore(redis_url, namespace=namespace)
    assert any(t.name.startswith("lbe-redis-preferences") for t in threading.enumerate())
    store.close()
    assert not any(t.name.startswith("lbe-redis-preferences") for t in threading.enumerate())


# Spawned workers import the package afresh; on a busy machine that is slow.
@pytest.mark.timeout(300)
def test_four_processes_learn_through_one_redis_and_none_loses_an_update(
    redis_url: str, namespace: str
) -> None:
    workers, distinct = 4, 5
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(workers), context.Queue()
    processes = [
        context.Process(
            target=learning_worker,
            args=(redis_url, namespace, worker, workers, distinct, barrier, results),
        )
        for worker in range(workers)
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
    views = [detail for _, _, detail in reports]
    assert all(view["caught_up"] for view in views)
    # Every worker sees every worker's keys, and the same winner for the shared one.
    expected_keys = {
        f"acme.model-{w}-{i}-v1:0@us-east-1" for w in range(workers) for i in range(distinct)
    } | {"acme.shared-v1:0@eu-west-1"}
    assert all(set(view["seen"]) == expected_keys for view in views)
    with RedisPreferenceStore(redis_url, namespace=namespace) as referee:
        winner = referee.get("acme.shared-v1:0", "eu-west-1")
    assert winner is not None
    assert all(view["seen"]["acme.shared-v1:0@eu-west-1"] == winner.profile_id for view in views)
