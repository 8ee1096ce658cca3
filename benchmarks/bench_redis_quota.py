"""Fleet: four worker processes share one 20 requests-per-second emulator quota.

Each worker (a spawned process) sends 100 inputs through `run_parallel` (4 in
flight, one attempt per call) and re-runs its failed inputs until all have
succeeded, as a batch job would. Two configurations, each against a fresh emulator:

- `local`: every worker paces itself with its own in-memory `BedrockRateLimiter` at
  the quota's rate (what a fleet without sharing does);
- `redis`: every worker uses one `RedisRateLimiter` (same Redis, same key) at the
  quota's rate.

Throttles are counted in the emulator's request log. Goodput is the successful
inputs per second (from the moment every worker is ready until the last one has
finished) divided by the quota. Needs a Redis server (`LBE_REDIS_URL`, default
`redis://127.0.0.1:6379/0`); without one the `redis` half is left out.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
import traceback
import uuid
from typing import Any

from botocore.config import Config

from benchmarks._common import EMULATOR_CREDENTIALS as CREDENTIALS
from benchmarks._common import ON_DEMAND_MODEL_ID as MODEL_ID
from benchmarks._common import emulator_process, model_call_records, scenario_file

REDIS_URL = os.environ.get("LBE_REDIS_URL", "redis://127.0.0.1:6379/0")

NOTES = {
    "fleet_redis_throttled": "target 0 (model calls the emulator throttled, shared limiter)",
    "fleet_redis_goodput_fraction": "target >= 0.9 (successful inputs per second / quota)",
    "fleet_local_throttled": "anchor: the same with one in-memory limiter per worker",
    "fleet_local_goodput_fraction": "anchor: the same with one in-memory limiter per worker",
    "fleet_redis_wall_s": "from every worker ready to the last input done, shared limiter",
    "fleet_local_wall_s": "the same, one in-memory limiter per worker",
}


def _worker(  # noqa: PLR0913, PLR0917 - Process(args=...) passes them by position
    url: str,
    redis_key: str | None,
    worker: int,
    calls: int,
    requests_per_second: int,
    barrier: Any,
    results: Any,
) -> None:
    try:
        from langchain_bedrock_enhanced import (  # noqa: PLC0415 - in the spawned worker
            BedrockRateLimiter,
            create_langchain_chatbedrock,
            run_parallel,
        )
        from langchain_bedrock_enhanced.runnables import RedisRateLimiter  # noqa: PLC0415

        limiter = (
            BedrockRateLimiter(requests_per_second=requests_per_second)
            if redis_key is None
            else RedisRateLimiter(REDIS_URL, key=redis_key, requests_per_second=requests_per_second)
        )
        model = create_langchain_chatbedrock(
            MODEL_ID,
            region_name="us-east-1",
            endpoint_url=url,
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
            **CREDENTIALS,
        )
        pending = [f"worker {worker} question {i}" for i in range(calls)]
        barrier.wait(timeout=600)
        rounds = 0
        while pending and rounds < 100:
            response = run_parallel(
                model, pending, max_concurrency=4, rate_limiter=limiter, progress=False
            )
            pending = [result.input for result in response if not result.ok]
            rounds += 1
        results.put((worker, "ok", {"left": len(pending), "rounds": rounds}))
    except BaseException:  # noqa: BLE001 - the parent reports the worker's traceback
        results.put((worker, "error", traceback.format_exc()))


def _fleet(
    *, redis_key: str | None, workers: int, calls: int, requests_per_second: int
) -> dict[str, Any]:
    scenario = {"quota": {"requests_per_second": requests_per_second}}
    context = multiprocessing.get_context("spawn")
    with scenario_file(scenario) as path, emulator_process("--scenario", str(path)) as url:
        barrier, results = context.Barrier(workers + 1), context.Queue()
        processes = [
            context.Process(
                target=_worker,
                args=(url, redis_key, worker, calls, requests_per_second, barrier, results),
            )
            for worker in range(workers)
        ]
        for process in processes:
            process.start()
        barrier.wait(timeout=600)
        started = time.perf_counter()
        reports = [results.get(timeout=900) for _ in processes]
        wall_s = time.perf_counter() - started
        for process in processes:
            process.join(timeout=60)
        errors = [detail for _, status, detail in reports if status != "ok"]
        if errors:
            raise RuntimeError("a worker failed:\n" + "\n".join(errors))
        records = model_call_records(url)
    succeeded = sum(1 for record in records if record["status"] == 200)
    return {
        "throttled": sum(1 for r in records if r["error_code"] == "ThrottlingException"),
        "goodput_fraction": round(succeeded / wall_s / requests_per_second, 4),
        "wall_s": round(wall_s, 3),
        "inputs_left": sum(report["left"] for _, _, report in reports),
        "rounds_max": max(report["rounds"] for _, _, report in reports),
    }


def _redis_available() -> bool:
    import redis  # noqa: PLC0415 - optional extra

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def run(*, workers: int = 4, calls: int = 100, requests_per_second: int = 20) -> dict[str, Any]:
    """Run the fleet without and with the shared limiter."""
    results: dict[str, Any] = {
        "fleet_workers": workers,
        "fleet_calls_per_worker": calls,
        "fleet_quota_rps": requests_per_second,
    }
    local = _fleet(
        redis_key=None, workers=workers, calls=calls, requests_per_second=requests_per_second
    )
    results.update({f"fleet_local_{name}": value for name, value in local.items()})
    if not _redis_available():
        print(f"bench_redis_quota: no Redis at {REDIS_URL}; the shared run is left out")
        return results
    key = f"bench-{uuid.uuid4().hex[:8]}"
    shared = _fleet(
        redis_key=key, workers=workers, calls=calls, requests_per_second=requests_per_second
    )
    results.update({f"fleet_redis_{name}": value for name, value in shared.items()})
    _forget(key)
    return results


def _forget(key: str) -> None:
    import redis  # noqa: PLC0415 - optional extra

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"lbe:quota:{key}:*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
