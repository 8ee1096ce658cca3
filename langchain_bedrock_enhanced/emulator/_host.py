"""Hosting the emulator: in a background thread (`BedrockEmulator`) or in the current loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web
from typing_extensions import Self

from langchain_bedrock_enhanced.emulator._log import RequestRecord
from langchain_bedrock_enhanced.emulator._scenario import Scenario
from langchain_bedrock_enhanced.emulator._server import EmulatorApp

ScenarioLike = Scenario | Mapping[str, Any] | str | Path | None
"""A `Scenario`, its dict form, or the path of a JSON or TOML scenario file."""


def load_scenario(scenario: ScenarioLike, *, latency_ms: float | None = None) -> Scenario:
    """Turn any accepted scenario form into a `Scenario`, optionally overriding its latency.

    Example:
        >>> load_scenario({"latency_ms": 50}).latency_ms
        50
    """
    if scenario is None:
        loaded = Scenario()
    elif isinstance(scenario, Scenario):
        loaded = scenario
    elif isinstance(scenario, (str, Path)):
        loaded = Scenario.load(Path(scenario))
    else:
        loaded = Scenario.from_dict(dict(scenario))
    if latency_ms is not None:
        loaded = loaded.model_copy(update={"latency_ms": latency_ms})
    return loaded


class BedrockEmulator:
    """A local Bedrock-compatible server that real boto3 clients talk to.

    It serves bedrock-runtime and the bedrock control plane on one port, reads each
    request's region from its SigV4 credential scope, and answers with Bedrock's
    wire format, including its errors and event streams.

    Args:
        scenario: A `Scenario`, its dict form, or a path to a JSON/TOML scenario file.
        host: The interface to bind; loopback by default.
        port: The port to bind; 0 picks a free one.
        latency_ms: Overrides the scenario's latency for model calls.
        verify_signatures: Reject requests not signed with `credentials` (403, AWS's shape),
            the `/_emulator/` admin routes included. The in-process helpers below
            (`requests`, `clear_requests`, `set_scenario`) need no signature.
        credentials: Accepted access key IDs mapped to secret keys.
        default_region: The region of requests that carry no SigV4 scope.
        s3_endpoint_url: The S3 endpoint batch inference jobs read their input from and
            write their output to: moto's server (`moto[server]`) on loopback, for
            example; the scenario's `batch.s3_endpoint_url` when None.

    Example:
        >>> import boto3
        >>> with BedrockEmulator() as emu:  # doctest: +SKIP
        ...     client = boto3.client(
        ...         "bedrock-runtime", region_name="us-east-1", endpoint_url=emu.endpoint_url
        ...     )
        ...     reply = client.converse(
        ...         modelId="us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        ...         messages=[{"role": "user", "content": [{"text": "Hello"}]}],
        ...     )
        ...     len(emu.requests)
        1
    """

    def __init__(  # noqa: PLR0913 - mirrors the CLI's options
        self,
        scenario: ScenarioLike = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        latency_ms: float | None = None,
        verify_signatures: bool = False,
        credentials: Mapping[str, str] | None = None,
        default_region: str = "us-east-1",
        s3_endpoint_url: str | None = None,
    ) -> None:
        """Configure the emulator; nothing is bound until `start()` or `with`."""
        self._state = EmulatorApp(
            load_scenario(scenario, latency_ms=latency_ms),
            verify_signatures=verify_signatures,
            credentials=credentials,
            default_region=default_region,
            s3_endpoint_url=s3_endpoint_url,
        )
        self._host = host
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._endpoint_url: str | None = None

    @property
    def endpoint_url(self) -> str:
        """`http://HOST:PORT` of the running server."""
        if self._endpoint_url is None:
            msg = "The emulator is not running: call start() or use it as a context manager."
            raise RuntimeError(msg)
        return self._endpoint_url

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request so far, in arrival order (a copy)."""
        return self._state.log.snapshot()

    def clear_requests(self) -> None:
        """Forget the recorded requests, e.g. between phases of a test."""
        self._state.log.clear()

    def set_scenario(self, scenario: ScenarioLike) -> None:
        """Swap the scenario (world, latency, quota, faults) while running; the log is kept."""
        self._state.apply_scenario(load_scenario(scenario))

    def start(self) -> str:
        """Start serving on a background thread and return the endpoint URL."""
        if self._thread is not None:
            return self.endpoint_url
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._runner, self._endpoint_url = loop.run_until_complete(
                    start_site(self._state, self._host, self._port)
                )
            except BaseException as err:  # noqa: BLE001 - reported to the starting thread
                failure.append(err)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, name="bedrock-emulator", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread = None
            raise failure[0]
        return self.endpoint_url

    def stop(self) -> None:
        """Stop serving and join the background thread."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._thread = None
        self._loop = None
        self._endpoint_url = None

    def __enter__(self) -> Self:
        """Start the server."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the server."""
        self.stop()


async def start_site(state: EmulatorApp, host: str, port: int) -> tuple[web.AppRunner, str]:
    """Bind the emulator in the running loop; return its runner and `http://HOST:PORT`."""
    runner = web.AppRunner(state.make_app(), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=1024, reuse_address=True)
    await site.start()
    server = site._server  # noqa: SLF001 - aiohttp exposes the bound port only here
    sockets = getattr(server, "sockets", None) or []
    bound_port = sockets[0].getsockname()[1] if sockets else port
    display_host = f"[{host}]" if ":" in host else host
    return runner, f"http://{display_host}:{bound_port}"
