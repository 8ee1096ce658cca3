"""P1: the cost our model adds to one call, against plain `ChatBedrockConverse`.

Both models talk to the same zero-latency emulator (in its own process) with the same
botocore `Config` (the factory's), so the ratio measures our code, not a retry mode.
Calls alternate between the two, with the order flipped every round, so drift (CPU
frequency, the emulator's warm-up) falls on both equally. Medians of `samples` each.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from langchain_aws import ChatBedrockConverse

from benchmarks._common import EMULATOR_CREDENTIALS as CREDENTIALS
from benchmarks._common import ON_DEMAND_MODEL_ID as MODEL_ID
from benchmarks._common import emulator_process, median
from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.factory import default_client_config

PROMPT = "Say something short."

NOTES = {
    "p1_invoke_ratio_vs_lc_aws": "target <= 1.05 (median ours / median ChatBedrockConverse)",
    "p1_stream_ttft_ratio_vs_lc_aws": "target <= 1.05 (time to the first chunk with text, medians)",
    "p1_invoke_ms": "median invoke, ours, zero-latency emulator",
    "p1_lc_aws_invoke_ms": "anchor: median invoke, ChatBedrockConverse, same Config",
    "p1_stream_ttft_ms": "median time to the first chunk with text, ours",
    "p1_lc_aws_stream_ttft_ms": "anchor: the same, ChatBedrockConverse",
}


def _invoke_s(model: Any) -> float:
    started = time.perf_counter()
    model.invoke(PROMPT)
    return time.perf_counter() - started


def _ttft_s(model: Any) -> float:
    # Time to the first token the user sees: the first chunk with text. langchain-aws
    # yields an empty message-start chunk first; ours holds it back until content, so
    # "first chunk" would compare different moments of the stream.
    started = time.perf_counter()
    chunks = iter(model.stream(PROMPT))
    while not next(chunks).text:
        pass
    elapsed = time.perf_counter() - started
    for _ in chunks:  # drain, so the connection goes back to the pool
        pass
    return elapsed


def _interleaved(
    measure: Callable[[Any], float], ours: Any, plain: Any, samples: int, warmup: int
) -> tuple[list[float], list[float]]:
    for _ in range(warmup):
        measure(ours)
        measure(plain)
    ours_s: list[float] = []
    plain_s: list[float] = []
    for index in range(samples):
        if index % 2:
            plain_s.append(measure(plain))
            ours_s.append(measure(ours))
        else:
            ours_s.append(measure(ours))
            plain_s.append(measure(plain))
    return ours_s, plain_s


def run(*, samples: int = 300, warmup: int = 20) -> dict[str, Any]:
    """Run P1: invoke latency and time to first streamed chunk, ours over langchain-aws."""
    with emulator_process() as url:
        ours = create_langchain_chatbedrock(
            MODEL_ID, region_name="us-east-1", endpoint_url=url, **CREDENTIALS
        )
        plain = ChatBedrockConverse(
            model_id=MODEL_ID,
            region_name="us-east-1",
            endpoint_url=url,
            config=default_client_config(),
            **CREDENTIALS,
        )
        invoke_ours, invoke_plain = _interleaved(_invoke_s, ours, plain, samples, warmup)
        ttft_ours, ttft_plain = _interleaved(_ttft_s, ours, plain, samples, warmup)
    return {
        "p1_invoke_ratio_vs_lc_aws": round(median(invoke_ours) / median(invoke_plain), 4),
        "p1_stream_ttft_ratio_vs_lc_aws": round(median(ttft_ours) / median(ttft_plain), 4),
        "p1_invoke_ms": round(median(invoke_ours) * 1000, 3),
        "p1_lc_aws_invoke_ms": round(median(invoke_plain) * 1000, 3),
        "p1_stream_ttft_ms": round(median(ttft_ours) * 1000, 3),
        "p1_lc_aws_stream_ttft_ms": round(median(ttft_plain) * 1000, 3),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
