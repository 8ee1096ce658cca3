"""`make bench`: run every benchmark and write benchmarks/results/latest.json and latest.md."""

from __future__ import annotations

import argparse
import json

from benchmarks import (
    bench_async,
    bench_discovery,
    bench_emulator,
    bench_goodput,
    bench_import,
    bench_latency,
    bench_memory,
    bench_redis_quota,
    bench_wasted,
)
from benchmarks._common import write_results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the harness")
    args = parser.parse_args()
    results: dict[str, object] = {}
    notes: dict[str, str] = {}
    if args.smoke:
        results.update(bench_emulator.run(n=20, latency_ms=5, samples=5, repeats=1))
        results.update(bench_latency.run(samples=5, warmup=2))
        results.update(bench_async.run(n=20, latency_ms=5, repeats=1))
        results.update(bench_import.run(repeats=1))
        results.update(bench_goodput.run(n=20))
        results.update(bench_wasted.run(calls=5))
        results.update(bench_memory.run(models=1))
        results.update(bench_redis_quota.run(calls=5))
        discovery = bench_discovery.run(repeats=1, lookups=1000)
    else:
        results.update(bench_emulator.run())
        results.update(bench_latency.run())
        results.update(bench_async.run())
        results.update(bench_import.run())
        results.update(bench_goodput.run())
        results.update(bench_wasted.run())
        results.update(bench_memory.run())
        results.update(bench_redis_quota.run())
        discovery = bench_discovery.run()
    results["p4_first_discovery_ms"] = round(discovery["first_discovery_ms"], 3)
    results["p4_cached_lookup_us"] = round(discovery["cached_lookup_us"], 4)
    modules = (
        bench_emulator,
        bench_latency,
        bench_async,
        bench_import,
        bench_goodput,
        bench_wasted,
        bench_memory,
        bench_redis_quota,
    )
    for module in modules:
        notes.update(module.NOTES)
    notes.update(
        {
            "p4_first_discovery_ms": "target < 100 ms (fresh interpreter, after import)",
            "p4_cached_lookup_us": "target < 5 us per get_client_class_for_model",
        }
    )
    path = write_results(results, notes)
    print(json.dumps(results, indent=2))
    print(f"written to {path}")


if __name__ == "__main__":
    main()
