"""P6: the emulator under 500 concurrent Converse calls with 50 ms latency.

Anchor: a trivial threaded stdlib HTTP server that sleeps the same 50 ms, measured
with the same asyncio client in the same run. Also measured: the zero-latency boto3
round trip, which must not show a delayed-ACK stall (~40 ms).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from benchmarks._common import emulator_process, median

MODEL_ID = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
BODY = json.dumps({"messages": [{"role": "user", "content": [{"text": "benchmark me"}]}]}).encode()

NOTES = {
    "p6_emulator_500_wall_s": "target <= 0.5 s",
    "p6_stdlib_threaded_500_wall_s": "anchor: trivial threaded stdlib server, same client",
    "p6_boto3_zero_latency_roundtrip_ms": "median; target well under 5 ms (no delayed-ACK stall)",
}


def _signed_headers(url: str) -> dict[str, str]:
    """One real SigV4 signature, reused: the emulator reads the region from its scope."""
    path = "/model/" + MODEL_ID.replace(":", "%3A") + "/converse"
    request = AWSRequest(
        method="POST", url=url + path, data=BODY, headers={"Content-Type": "application/json"}
    )
    SigV4Auth(Credentials("AKIDEXAMPLEBENCH0000", "bench"), "bedrock", "us-east-1").add_auth(
        request
    )
    return dict(request.headers.items())


def _raw_request(url: str) -> tuple[str, int, bytes]:
    """The bytes of one signed HTTP/1.1 Converse request, built once and sent by every client."""
    host_port = url.removeprefix("http://")
    host, port = host_port.rsplit(":", 1)
    path = "/model/" + MODEL_ID.replace(":", "%3A") + "/converse"
    headers = _signed_headers(url)
    headers["Host"] = host_port
    headers["Content-Length"] = str(len(BODY))
    lines = [f"POST {path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return host, int(port), "\r\n".join(lines).encode() + BODY


async def _one(host: str, port: int, raw: bytes) -> None:
    """A minimal asyncio HTTP client: connect, send, read the status and the body, close.

    aiohttp's client costs about as much CPU per request as the server under test, and
    on 2 cores that would measure the client; this keeps the client's share small.
    """
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(raw)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await reader.readexactly(length)
        if status != 200:
            msg = f"HTTP {status}"
            raise RuntimeError(msg)
    finally:
        writer.close()


async def _fire(url: str, n: int) -> float:
    host, port, raw = _raw_request(url)
    await _one(host, port, raw)  # warm-up: imports and first-request costs on both sides
    started = time.perf_counter()
    await asyncio.gather(*(_one(host, port, raw) for _ in range(n)))
    return time.perf_counter() - started


class _SleepyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    latency_s = 0.05
    reply = json.dumps(
        {
            "output": {"message": {"role": "assistant", "content": [{"text": "ok"}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
            "metrics": {"latencyMs": 50},
        }
    ).encode()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(self.latency_s)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.reply)))
        self.end_headers()
        self.wfile.write(self.reply)

    def log_message(self, *_args: Any) -> None:
        return


class _AnchorServer(ThreadingHTTPServer):
    request_queue_size = 1024  # listen() backlog: the default 5 resets a burst of 500
    daemon_threads = True


def _stdlib_anchor(n: int, latency_ms: float) -> float:
    _SleepyHandler.latency_s = latency_ms / 1000
    server = _AnchorServer(("127.0.0.1", 0), _SleepyHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        return asyncio.run(_fire(f"http://127.0.0.1:{server.server_port}", n))
    finally:
        server.shutdown()
        server.server_close()


def _boto3_round_trip_ms(url: str, samples: int) -> float:
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="AKIDEXAMPLEBENCH0000",
        aws_secret_access_key="bench",  # noqa: S106 - the emulator's
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    messages = [{"role": "user", "content": [{"text": "ping"}]}]
    client.converse(modelId=MODEL_ID, messages=messages)
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        client.converse(modelId=MODEL_ID, messages=messages)
        timings.append((time.perf_counter() - started) * 1000)
    return median(timings)


def run(
    *, n: int = 500, latency_ms: float = 50, samples: int = 200, repeats: int = 3
) -> dict[str, Any]:
    """Run P6 and its anchor; the wall times are the best of `repeats` runs."""
    with emulator_process("--latency-ms", str(latency_ms)) as url:
        ours = min(asyncio.run(_fire(url, n)) for _ in range(repeats))
    with emulator_process() as url:
        round_trip = _boto3_round_trip_ms(url, samples)
    anchor = min(_stdlib_anchor(n, latency_ms) for _ in range(repeats))
    return {
        "p6_emulator_500_wall_s": round(ours, 4),
        "p6_stdlib_threaded_500_wall_s": round(anchor, 4),
        "p6_boto3_zero_latency_roundtrip_ms": round(round_trip, 3),
        "p6_requests": n,
        "p6_latency_ms": latency_ms,
    }
