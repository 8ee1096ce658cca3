"""P5: goodput of `run_parallel` under an emulator quota of 20 requests per second.

400 inputs, 32 in flight, paced client-side at 1,200 requests per minute (the quota).
Goodput is the emulator's successful model calls over every model call it received
(botocore's retries of throttled calls included); `p5_failed` counts inputs that
ended in an error.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from benchmarks._common import EMULATOR_CREDENTIALS as CREDENTIALS
from benchmarks._common import ON_DEMAND_MODEL_ID as MODEL_ID
from benchmarks._common import emulator_process, model_call_records
from langchain_bedrock_enhanced import create_langchain_chatbedrock, run_parallel

NOTES = {
    "p5_goodput_fraction": "target >= 0.9 (successful / all model calls the emulator received)",
    "p5_failed": "target 0 (inputs that ended in an error)",
    "p5_throttled": "model calls the emulator throttled",
    "p5_wall_s": "wall time of run_parallel",
}


def run(
    *, n: int = 400, requests_per_second: int = 20, max_concurrency: int = 32
) -> dict[str, Any]:
    """Run `n` inputs through `run_parallel` against a quota-limited emulator."""
    scenario = {"quota": {"requests_per_second": requests_per_second, "burst": requests_per_second}}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "quota.json"
        path.write_text(json.dumps(scenario))
        with emulator_process("--scenario", str(path)) as url:
            model = create_langchain_chatbedrock(
                MODEL_ID, region_name="us-east-1", endpoint_url=url, **CREDENTIALS
            )
            response = run_parallel(
                model,
                [f"question {i}" for i in range(n)],
                max_concurrency=max_concurrency,
                requests_per_minute=requests_per_second * 60,
                progress=False,
            )
            calls = model_call_records(url)
    succeeded = sum(1 for call in calls if call["status"] == 200)
    return {
        "p5_goodput_fraction": round(succeeded / len(calls), 4) if calls else 0.0,
        "p5_failed": sum(1 for result in response if not result.ok),
        "p5_throttled": sum(1 for call in calls if call["error_code"] == "ThrottlingException"),
        "p5_model_calls": len(calls),
        "p5_wall_s": round(response.statistics.wall_time_s, 3),
        "p5_inputs": n,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
