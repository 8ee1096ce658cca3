"""Shared plumbing: starting the emulator in its own process, and writing results."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from langchain_bedrock_enhanced.emulator import DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY

RESULTS_DIR = Path(__file__).parent / "results"

MODEL_CALL_OPERATIONS = frozenset(
    {"Converse", "ConverseStream", "InvokeModel", "InvokeModelWithResponseStream"}
)
"""The runtime operations that are model calls (CountTokens is not)."""

ON_DEMAND_MODEL_ID = "anthropic.claude-3-haiku-20240307-v1:0"
"""A model served on demand in us-east-1: every call is one direct request."""
EMULATOR_CREDENTIALS: dict[str, Any] = {
    "aws_access_key_id": "AKIDEXAMPLEBENCH0000",
    "aws_secret_access_key": "bench",
}
"""Explicit keys for the chat models, so no AWS profile or instance role is consulted."""


@contextmanager
def emulator_process(*extra_args: str) -> Iterator[str]:
    """Run the emulator from the shell in its own process (its own core) and yield its URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "langchain_bedrock_enhanced.emulator", "--port", "0", *extra_args],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if "http://" not in line:
            msg = f"emulator did not start: {line!r}"
            raise RuntimeError(msg)
        yield line.strip().rsplit(" ", 1)[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def write_results(results: dict[str, Any], notes: dict[str, str]) -> Path:
    """Merge `results` into latest.json (keeping keys from other benchmarks) and latest.md."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / "latest.json"
    existing: dict[str, Any] = {}
    if path.exists():
        try:
            existing = json.loads(path.read_text())
        except ValueError:
            existing = {}
    existing.update(results)
    existing["_meta"] = {
        "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
    }
    path.write_text(json.dumps(existing, indent=2, sort_keys=True) + "\n")
    lines = ["| key | value | target / anchor |", "|---|---|---|"]
    for key in sorted(k for k in existing if not k.startswith("_")):
        value = existing[key]
        shown = f"{value:.4g}" if isinstance(value, float) else str(value)
        lines.append(f"| `{key}` | {shown} | {notes.get(key, '')} |")
    (RESULTS_DIR / "latest.md").write_text("\n".join(lines) + "\n")
    return path


def admin_request(url: str, method: str, route: str, body: bytes | None = None) -> bytes:
    """Call an emulator admin route, signed with the emulator's test keys.

    An emulator started with `--verify-signatures` answers its admin routes only to
    signed requests; one started without it ignores the signature.
    """
    headers = {"Content-Type": "application/json"} if body is not None else {}
    signed = AWSRequest(method=method, url=f"{url}/_emulator/{route}", data=body, headers=headers)
    credentials = Credentials(DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY)
    SigV4Auth(credentials, "bedrock", "us-east-1").add_auth(signed)
    request = urllib.request.Request(  # noqa: S310 - loopback
        signed.url, data=body, method=method, headers=dict(signed.headers.items())
    )
    with urllib.request.urlopen(request) as reply:  # noqa: S310 - loopback
        return bytes(reply.read())


def model_call_records(url: str) -> list[dict[str, Any]]:
    """The emulator's log of model calls, read over HTTP from its admin route."""
    records: list[dict[str, Any]] = json.loads(admin_request(url, "GET", "requests"))
    return [record for record in records if record["operation"] in MODEL_CALL_OPERATIONS]


def clear_records(url: str) -> None:
    """Empty the emulator's request log."""
    admin_request(url, "DELETE", "requests")


@contextmanager
def scenario_file(scenario: dict[str, Any]) -> Iterator[Path]:
    """Write `scenario` to a temporary JSON file, for `emulator_process("--scenario", path)`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "scenario.json"
        path.write_text(json.dumps(scenario))
        yield path


def put_scenario(url: str, scenario: dict[str, Any]) -> None:
    """Replace a running emulator's scenario (its request log is kept)."""
    admin_request(url, "PUT", "scenario", json.dumps(scenario).encode())


def write_json_result(name: str, payload: dict[str, Any]) -> Path:
    """Write `payload` to benchmarks/results/`name`, with the same `_meta` as latest.json."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / name
    meta = {
        "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    path.write_text(json.dumps({**payload, "_meta": meta}, indent=2, sort_keys=True) + "\n")
    return path
