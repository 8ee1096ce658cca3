"""P2: wasted round trips over 100 calls to a profile-only model, from its bare ID.

A wasted round trip is a runtime request that did not produce the answer. Anchor:
plain langchain-aws `ChatBedrockConverse` with the same bare ID, same emulator, same
run (it has no fallback, so every request is wasted and every call fails).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

from botocore.config import Config
from langchain_aws import ChatBedrockConverse

from benchmarks._common import (
    EMULATOR_CREDENTIALS,
    clear_records,
    emulator_process,
    model_call_records,
)
from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.access import AccessMethodTracker

MODEL_ID = "anthropic.claude-sonnet-4-5-20250929-v1:0"
REGION = "eu-west-1"

NOTES = {
    "p2_wasted_round_trips": "ours, catalog on; target 0",
    "p2_wasted_round_trips_catalog_off": "ours, catalog off: the first call learns (1 expected)",
    "p2_wasted_round_trips_second_process": "a second process with the file store, catalog off",
    "p2_wasted_round_trips_lc_aws": "anchor: plain ChatBedrockConverse, bare ID",
}


def _wasted(url: str, succeeded: int) -> int:
    sent = len(model_call_records(url))
    return sent - succeeded


def _ours(url: str, calls: int, *, catalog: bool) -> int:
    clear_records(url)
    model = create_langchain_chatbedrock(
        MODEL_ID,
        region_name=REGION,
        endpoint_url=url,
        catalog=None if catalog else False,
        tracker=AccessMethodTracker(),
        **EMULATOR_CREDENTIALS,
    )
    succeeded = sum(1 for _ in range(calls) if model.invoke("hello").content)
    return _wasted(url, succeeded)


def _second_process(url: str, calls: int) -> int:
    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "preferences.json"
        script = textwrap.dedent(
            f"""
            from langchain_bedrock_enhanced import create_langchain_chatbedrock
            model = create_langchain_chatbedrock(
                {MODEL_ID!r}, region_name={REGION!r}, endpoint_url={url!r},
                catalog=False, preference_store={str(store)!r}, **{EMULATOR_CREDENTIALS!r},
            )
            print(sum(1 for _ in range({calls}) if model.invoke("hello").content))
            """
        )
        subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
        clear_records(url)
        done = subprocess.run(
            [sys.executable, "-c", script], check=True, capture_output=True, text=True
        )
        return _wasted(url, int(done.stdout.strip()))


def _lc_aws(url: str, calls: int) -> int:
    clear_records(url)
    model = ChatBedrockConverse(
        model=MODEL_ID,
        region_name=REGION,
        endpoint_url=url,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
        **EMULATOR_CREDENTIALS,
    )
    succeeded = 0
    for _ in range(calls):
        try:
            model.invoke("hello")
            succeeded += 1
        except Exception:  # noqa: BLE001, PERF203, S112 - the failure is what is measured
            continue
    return _wasted(url, succeeded)


def run(*, calls: int = 100) -> dict[str, Any]:
    """Count wasted round trips for each configuration against the anchor."""
    with emulator_process() as url:
        return {
            "p2_wasted_round_trips": _ours(url, calls, catalog=True),
            "p2_wasted_round_trips_catalog_off": _ours(url, calls, catalog=False),
            "p2_wasted_round_trips_second_process": _second_process(url, calls),
            "p2_wasted_round_trips_lc_aws": _lc_aws(url, calls),
            "p2_calls": calls,
        }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
