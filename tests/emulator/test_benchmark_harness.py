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
