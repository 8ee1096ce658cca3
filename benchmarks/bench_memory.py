"""Memory per model: ours against plain `ChatBedrockConverse`, built with the same arguments.

Both get explicit keys, as most users' models do (explicit keys, `AWS_ACCESS_KEY_ID`,
or a profile), which is when langchain-aws opens a boto3 session per client. One model
of each kind is built first, so one-off imports and the first parse of botocore's data
files are not counted; then `tracemalloc` measures the memory `models` more of each
hold, and `gc` counts the objects the collector has to walk.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable
from typing import Any

from langchain_aws import ChatBedrockConverse

from benchmarks._common import EMULATOR_CREDENTIALS as CREDENTIALS
from benchmarks._common import ON_DEMAND_MODEL_ID as MODEL_ID
from langchain_bedrock_enhanced import EnhancedChatBedrockConverse

NOTES = {
    "p7_model_mb": "memory held per model, ours (explicit keys)",
    "p7_lc_aws_model_mb": "anchor: memory held per ChatBedrockConverse, same arguments",
    "p7_model_objects": "GC-tracked objects per model, ours",
    "p7_lc_aws_model_objects": "anchor: GC-tracked objects per ChatBedrockConverse",
}

_ARGUMENTS: dict[str, Any] = {
    "model": MODEL_ID,
    "region_name": "us-east-1",
    "endpoint_url": "http://127.0.0.1:9",  # nothing is sent
    **CREDENTIALS,
}


def _per_model(build: Callable[[], Any], models: int) -> tuple[float, float]:
    build()  # imports and the first parse of botocore's data are not counted
    gc.collect()
    objects_before = len(gc.get_objects())
    tracemalloc.start()
    kept = [build() for _ in range(models)]
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    gc.collect()
    objects = (len(gc.get_objects()) - objects_before) / models
    del kept
    return held / models / 1e6, objects


def run(*, models: int = 5) -> dict[str, Any]:
    """Measure both kinds of model; figures are per model."""
    ours_mb, ours_objects = _per_model(lambda: EnhancedChatBedrockConverse(**_ARGUMENTS), models)
    plain_mb, plain_objects = _per_model(lambda: ChatBedrockConverse(**_ARGUMENTS), models)
    return {
        "p7_model_mb": round(ours_mb, 3),
        "p7_lc_aws_model_mb": round(plain_mb, 3),
        "p7_model_objects": round(ours_objects),
        "p7_lc_aws_model_objects": round(plain_objects),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
