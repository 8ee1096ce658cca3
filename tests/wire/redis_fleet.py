"""Helpers for the tests that share learning and quotas through a real Redis.

- `require_redis()` returns the server's URL (`LBE_REDIS_URL`, default
  `redis://127.0.0.1:6379/0`), or skips the test with the reason when it is not
  reachable; with `LBE_REQUIRE_REDIS=1` (set by `.ci/run`) it fails instead.
- `unique_namespace()` / `delete_namespace()`: each test writes under its own prefix
  and removes its keys afterwards.
- `CuttableProxy`: a loopback TCP proxy in front of Redis whose connections the test
  can cut and restore, to lose Redis for real without stopping the shared server.
- The `*_worker` functions run in spawned processes (a fleet of workers).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import traceback
import uuid
from typing import Any

import pytest

REDIS_URL = os.environ.get("LBE_REDIS_URL", "redis://127.0.0.1:6379/0")
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1"
"""Port 1 on loopback: the connection is refused at once."""
SONNET_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"


def require_redis() -> str:
    """The Redis URL, or skip (fail under LBE_REQUIRE_REDIS=1) when it is unreachable."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as err:
        reason = f"no Redis server at {REDIS_URL} ({err}); set LBE_REDIS_URL or start one"
        if os.environ.get("LBE_REQUIRE_REDIS") == "1":
            pytest.fail(f"LBE_REQUIRE_REDIS=1 but {reason}")
        pytest.skip(reason)
    finally:
        client.close()
    return REDIS_URL


def unique_namespace() -> str:
    return f"lbe-test-{uuid.uuid4().hex[:12]}"


def delete_namespace(url: str, namespace: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{namespace}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def namespace_keys(url: str, namespace: str) -> list[str]:
    import redis

    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        return sorted(client.scan_iter(match=f"{namespace}:*"))
    finally:
        client.close()


class CuttableProxy:
    """Forwards loopback connections to Redis until `cut()`; `restore()` lets them in again.

    While cut, every open connection is closed and new ones are accepted and closed
    at once, as a server that went away would.
    """

    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 6379) -> None:
        self._target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)  # so that close() is noticed promptly
        self.url = f"redis://127.0.0.1:{self._listener.getsockname()[1]}/0"
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._closed = False
        self._thread = threading.Thread(target=self._accept, name="redis-proxy", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            if not self._open.is_set():
                client.close()
                continue
            upstream = socket.create_connection(self._target)
            with self._lock:
                self._sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self._open.clear()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def restore(self) -> None:
        self._open.set()

    def close(self) -> None:
        self._closed = True
        self.cut()
        self._listener.close()
        self._thread.join(timeout=5)


def _report(results: Any, worker: int, run: Any) -> None:
    try:
        results.put((worker, "ok", run()))
    except BaseException:  # noqa: BLE001 - the parent shows the child's traceback
        results.put((worker, "error", traceback.format_exc()))


def learning_worker(  # noqa: PLR0913, PLR0917 - Process(args=...) passes them by position
    redis_url: str,
    namespace: str,
    worker: int,
    workers: int,
    distinct: int,
    barrier: Any,
    results: Any,
) -> None:
    """Learn `distinct` preferences of its own and one shared one; report what it sees."""

    def run() -> dict[str, Any]:
        from langchain_bedrock_enhanced.access import AccessMethod, AccessMethodPreference
        from langchain_bedrock_enhanced.access.redis_store import RedisPreferenceStore

        with RedisPreferenceStore(redis_url, namespace=namespace) as store:
            barrier.wait(timeout=240)
            for index in range(distinct):
                store.put(
                    f"acme.model-{worker}-{index}-v1:0",
                    "us-east-1",
                    AccessMethodPreference.for_method(AccessMethod.DIRECT),
                )
            store.put(
                "acme.shared-v1:0",
                "eu-west-1",
                AccessMethodPreference.for_method(
                    AccessMethod.REGIONAL_CRIS,
                    profile_id=f"eu.acme.shared-v1:0#worker-{worker}",
                    learned_from_error=True,
                ),
            )
            everything = workers * (distinct + 1)
            caught_up = store.wait_for_change(everything, timeout=60)
            return {
                "caught_up": caught_up,
                "seen": {
                    f"{model_id}@{region}": pref.profile_id
                    for (model_id, region), pref in store.items()
                },
            }

    _report(results, worker, run)


def paced_worker(  # noqa: PLR0913, PLR0917 - Process(args=...) passes them by position
    endpoint_url: str,
    redis_url: str | None,
    namespace: str,
    worker: int,
    calls: int,
    requests_per_second: float,
    barrier: Any,
    results: Any,
) -> None:
    """Send `calls` requests through run_parallel, paced by a shared or a private limiter."""

    def run() -> dict[str, int]:
        from botocore.config import Config
        from langchain_aws import ChatBedrockConverse

        from langchain_bedrock_enhanced.runnables.parallel import run_parallel
        from langchain_bedrock_enhanced.runnables.rate_limit import BedrockRateLimiter
        from langchain_bedrock_enhanced.runnables.redis_rate_limit import RedisRateLimiter

        limiter = (
            BedrockRateLimiter(requests_per_second=requests_per_second)
            if redis_url is None
            else RedisRateLimiter(
                redis_url,
                namespace=namespace,
                key="fleet",
                requests_per_second=requests_per_second,
                fallback_share=4,
            )
        )
        model = ChatBedrockConverse(
            model=SONNET_US,
            region_name="us-east-1",
            endpoint_url=endpoint_url,
            # One attempt per call: the emulator's log then counts calls, not retries.
            config=Config(
                retries={"mode": "standard", "total_max_attempts": 1}, max_pool_connections=8
            ),
        )
        barrier.wait(timeout=240)
        response = run_parallel(
            model,
            [f"worker {worker} item {i}" for i in range(calls)],
            max_concurrency=4,
            rate_limiter=limiter,
            progress=False,
        )
        return {"succeeded": response.statistics.succeeded, "failed": response.statistics.failed}

    _report(results, worker, run)
