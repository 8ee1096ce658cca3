"""Tiny runs of the P1, P3, P4 (import), P5 and P7 benchmarks, so the harness cannot rot.

No time is asserted: only that every key is produced, with sane values.
"""

from __future__ import annotations

import pytest

from benchmarks import bench_async, bench_goodput, bench_import, bench_latency


def test_latency_benchmark_produces_both_ratios() -> None:
    results = bench_latency.run(samples=3, warmup=1)
    assert set(results) >= {"p1_invoke_ratio_vs_lc_aws", "p1_stream_ttft_ratio_vs_lc_aws"}
    assert all(value > 0 for value in results.values())


def test_async_benchmark_produces_ours_and_both_anchors() -> None:
    pytest.importorskip("aiobotocore")
    results = bench_async.run(n=10, latency_ms=1, repeats=1)
    for key in ("p3_async_500_wall_s", "p3_lc_aws_500_wall_s", "p3_raw_aiobotocore_500_wall_s"):
        assert results[key] > 0
    assert isinstance(results["p3_native_async_wired"], bool)


def test_import_benchmark_produces_the_ratio() -> None:
    results = bench_import.run(repeats=1)
    assert results["p4_import_ratio_vs_lc_aws"] > 0


def test_goodput_benchmark_accounts_for_every_input() -> None:
    results = bench_goodput.run(n=10)
    assert results["p5_inputs"] == 10
    # What run_parallel reported agrees with what the emulator saw: every input that
    # succeeded is one 200 the emulator sent, and every other model call it received
    # was throttled.
    succeeded = results["p5_inputs"] - results["p5_failed"]
    assert succeeded > 0
    assert results["p5_model_calls"] == succeeded + results["p5_throttled"]
    assert results["p5_goodput_fraction"] == round(succeeded / results["p5_model_calls"], 4)


def test_memory_benchmark_produces_both_models_figures() -> None:
    from benchmarks import bench_memory

    results = bench_memory.run(models=1)
    assert set(results) == {
        "p7_model_mb",
        "p7_lc_aws_model_mb",
        "p7_model_objects",
        "p7_lc_aws_model_objects",
    }
    assert all(value > 0 for value in results.values())
