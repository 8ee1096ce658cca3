"""A tiny run of the emulator benchmark, so the harness cannot rot. No time is asserted."""

from __future__ import annotations

from benchmarks import bench_emulator


def test_emulator_benchmark_produces_every_key_with_its_anchor() -> None:
    results = bench_emulator.run(n=10, latency_ms=1, samples=3, repeats=1)
    assert set(results) >= {
        "p6_emulator_500_wall_s",
        "p6_stdlib_threaded_500_wall_s",
        "p6_boto3_zero_latency_roundtrip_ms",
    }
    assert all(value > 0 for value in results.values())


def test_wasted_round_trip_benchmark_counts_against_its_anchor() -> None:
    from benchmarks import bench_wasted

    results = bench_wasted.run(calls=3)
    assert results["p2_wasted_round_trips"] == 0
    assert results["p2_wasted_round_trips_catalog_off"] == 1
    assert results["p2_wasted_round_trips_second_process"] == 0
    assert results["p2_wasted_round_trips_lc_aws"] == 3


def test_discovery_benchmark_times_the_first_scan_and_a_cached_lookup() -> None:
    from benchmarks import bench_discovery

    results = bench_discovery.run(repeats=1, lookups=100)
    assert results["first_discovery_ms"] > 0
    assert results["cached_lookup_us"] > 0
