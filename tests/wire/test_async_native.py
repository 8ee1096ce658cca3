"""Native async through aiobotocore: same requests, same results, no thread per call."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import urllib.request
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.config import Config
from langchain_core.callbacks import AsyncCallbackHandler
from langchain_core.messages import AIMessageChunk, HumanMessage

from langchain_bedrock_enhanced import aclose_async_clients, create_langchain_chatbedrock
from langchain_bedrock_enhanced._transport import async_clients as _async_clients
from langchain_bedrock_enhanced._transport.async_capture import agenerate_once, astream_once
from langchain_bedrock_enhanced.access import AccessMethodTracker
from langchain_bedrock_enhanced.emulator import BedrockEmulator

pytest.importorskip("aiobotocore")

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
RUNTIME = {"Converse", "ConverseStream"}
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


def make_model(emu: BedrockEmulator, model_id: str = HAIKU, **params: Any) -> Any:
    config = NO_RETRIES.merge(params.pop("config", Config()))
    return create_langchain_chatbedrock(
        model_id, region_name="us-east-1", endpoint_url=emu.endpoint_url, config=config, **params
    )


def runtime_requests(emu: BedrockEmulator) -> list[Any]:
    # The emulator logs a stream after its last frame is written, so a client can finish
    # reading first. One round trip through the emulator's loop is a barrier: by the
    # time it is answered, every earlier handler has logged its request.
    with urllib.request.urlopen(f"{emu.endpoint_url}/_emulator/health") as reply:  # noqa: S310
        reply.read()
    return [r for r in emu.requests if r.operation in RUNTIME]


def async_client_of(model: Any) -> Any:
    """The running loop's aiobotocore client serving `model` (opened by a first call)."""
    return _async_clients._registries[id(asyncio.get_running_loop())].clients[id(model.client)]


def comparable(metadata: dict[str, Any]) -> dict[str, Any]:
    # Request IDs and dates differ per request; everything else must match.
    return {k: v for k, v in metadata.items() if k != "ResponseMetadata"}


@pytest.fixture
def emu() -> Iterator[BedrockEmulator]:
    with BedrockEmulator() as emulator:
        yield emulator


async def test_ainvoke_gives_what_invoke_gives_and_sends_the_same_request(
    emu: BedrockEmulator,
) -> None:
    model = make_model(emu, temperature=0.3, max_tokens=200)
    prompt = [HumanMessage("Name three rivers.")]
    sync = model.invoke(prompt, stop=["END"])
    native = await model.ainvoke(prompt, stop=["END"])
    assert native.content == sync.content
    assert native.usage_metadata == sync.usage_metadata
    assert comparable(native.response_metadata) == comparable(sync.response_metadata)
    assert native.response_metadata["ResponseMetadata"]["HTTPStatusCode"] == 200
    first, second = runtime_requests(emu)
    assert (first.operation, second.operation) == ("Converse", "Converse")
    assert second.model_id == first.model_id
    assert second.body == first.body
    # It went out on this loop's aiobotocore client, not through a thread.
    loop_clients = _async_clients._registries[id(asyncio.get_running_loop())]
    assert id(model.client) in loop_clients.clients


async def test_astream_gives_what_stream_gives_and_sends_the_same_request(
    emu: BedrockEmulator,
) -> None:
    model = make_model(emu)
    prompt = "Tell me a short story."
    sync_chunks = list(model.stream(prompt))
    native_chunks = [chunk async for chunk in model.astream(prompt)]
    assert [c.content for c in native_chunks] == [c.content for c in sync_chunks]
    merged_sync = sum(sync_chunks[1:], sync_chunks[0])
    merged_native = sum(native_chunks[1:], native_chunks[0])
    assert isinstance(merged_native, AIMessageChunk)
    assert merged_native.text == merged_sync.text
    assert merged_native.usage_metadata == merged_sync.usage_metadata
    assert comparable(merged_native.response_metadata) == comparable(merged_sync.response_metadata)
    first, second = runtime_requests(emu)
    assert (first.operation, second.operation) == ("ConverseStream", "ConverseStream")
    assert second.body == first.body


async def test_model_id_sends_exactly_one_request_with_that_id(emu: BedrockEmulator) -> None:
    model = make_model(emu)
    profile = "us.anthropic.claude-3-haiku-20240307-v1:0"
    result = await agenerate_once(model, [HumanMessage("Hi")], model_id=profile)
    chunks = [c async for c in astream_once(model, [HumanMessage("Hi")], model_id=profile)]
    assert result.generations[0].message.content
    assert "".join(c.text for c in chunks) == result.generations[0].message.text
    assert [(r.operation, r.model_id) for r in runtime_requests(emu)] == [
        ("Converse", profile),
        ("ConverseStream", profile),
    ]


class _ThreadCounter(AsyncCallbackHandler):
    """Samples the live threads whenever a call ends, on the event loop."""

    def __init__(self) -> None:
        self.counts: list[int] = []
        self.names: set[str] = set()

    async def on_llm_end(self, *_: Any, **__: Any) -> None:
        self.counts.append(threading.active_count())
        self.names.update(t.name for t in threading.enumerate())


async def test_200_concurrent_ainvoke_calls_use_no_thread_per_request() -> None:
    # Latency keeps every call in flight at once; nothing here waits on time.
    with BedrockEmulator(scenario={"latency_ms": 20}) as emu:
        model = make_model(emu)
        await model.ainvoke("warm-up")
        before = threading.active_count()
        names_before = {t.name for t in threading.enumerate()}
        counter = _ThreadCounter()
        results = await asyncio.gather(
            *(model.ainvoke(f"question {i}", config={"callbacks": [counter]}) for i in range(200))
        )
        assert len(results) == 200
        assert all(r.content for r in results)
        assert len(runtime_requests(emu)) == 201
    assert len(counter.counts) == 200
    # The default executor would add up to min(32, cpus + 4) threads; aiobotocore adds
    # none per request (its one-off SSL setup ran during the warm-up).
    assert max(counter.counts) <= before + 1
    assert counter.names <= names_before


def call_sync(model: Any, operation: str) -> list[Any]:
    return [model.invoke("Hi")] if operation == "Converse" else list(model.stream("Hi"))


async def call_async(model: Any, operation: str, seen: list[Any] | None = None) -> list[Any]:
    if operation == "Converse":
        return [await model.ainvoke("Hi")]
    chunks = [] if seen is None else seen
    async for chunk in model.astream("Hi"):
        chunks.append(chunk)
    return chunks


@pytest.mark.parametrize("operation", ["Converse", "ConverseStream"])
async def test_a_throttling_fault_raises_the_same_exception_type_on_both_paths(
    operation: str,
) -> None:
    fault = {"match": {"operation": operation}, "error": "ThrottlingException"}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        model = make_model(emu)
        expected = model.client.exceptions.ThrottlingException
        with pytest.raises(expected) as sync_info:
            call_sync(model, operation)
        with pytest.raises(expected) as async_info:
            await call_async(model, operation)
    assert type(async_info.value) is type(sync_info.value)
    assert async_info.value.response["Error"] == sync_info.value.response["Error"]


async def test_a_mid_stream_fault_raises_the_same_on_both_paths() -> None:
    fault = {"mid_stream": "ModelStreamErrorException", "after_events": 2}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        model = make_model(emu)
        sync_seen: list[Any] = []
        with pytest.raises(Exception) as sync_info:  # noqa: PT011 - compared below
            sync_seen.extend(model.stream("Hi"))
        native_seen: list[Any] = []
        with pytest.raises(Exception) as async_info:  # noqa: PT011 - compared below
            await call_async(model, "ConverseStream", native_seen)
    assert type(async_info.value) is type(sync_info.value)
    assert str(async_info.value) == str(sync_info.value)
    assert [c.content for c in native_seen] == [c.content for c in sync_seen]


class _OnTheWire:
    """Requests a sync client has on the wire at once (sent, reply not yet read).

    The first `hold` requests wait for one another before going out, so the count
    reaches `hold` exactly when that many can be in flight together; when fewer can,
    the wait gives up, lets every request through, and the count stays below `hold`.
    """

    def __init__(self, hold: int) -> None:
        self.hold = hold
        self.now = 0
        self.most = 0
        self._lock = threading.Lock()
        self._full = threading.Event()

    def sending(self, **_: Any) -> None:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
            if self.now >= self.hold:
                self._full.set()
        if not self._full.wait(timeout=10):
            self._full.set()

    def answered(self, **_: Any) -> None:
        with self._lock:
            self.now -= 1


async def test_without_aiobotocore_calls_run_in_a_pool_sized_from_the_config(
    emu: BedrockEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_async_clients, "_aiobotocore_installed", lambda: False)
    # Wider than asyncio's default executor can be (32 threads): only a pool sized from
    # the client's config puts 40 requests on the wire at once.
    model = make_model(emu, config=Config(max_pool_connections=40))
    on_the_wire = _OnTheWire(hold=40)
    model.client.meta.events.register("before-send.bedrock-runtime.Converse", on_the_wire.sending)
    model.client.meta.events.register("after-call.bedrock-runtime.Converse", on_the_wire.answered)

    results = await asyncio.gather(*(model.ainvoke(f"q{i}") for i in range(50)))
    chunks = [c async for c in model.astream("stream me")]

    assert all(r.content for r in results)
    assert "".join(c.text for c in chunks)
    assert on_the_wire.now == 0
    assert on_the_wire.most == 40
    sent = runtime_requests(emu)
    assert [(r.operation, r.status) for r in sent] == [("Converse", 200)] * 50 + [
        ("ConverseStream", 200)
    ]


def test_clients_close_when_their_loop_shuts_down(
    emu: BedrockEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    model = make_model(emu)
    loops: list[asyncio.AbstractEventLoop] = []

    async def call() -> str:
        loops.append(asyncio.get_running_loop())
        return str((await model.ainvoke("Hi")).content)

    with caplog.at_level(logging.ERROR, logger="asyncio"):
        first = asyncio.run(call())
        second = asyncio.run(call())  # a new loop gets a new client
        gc.collect()
    assert first == second
    assert all(id(loop) not in _async_clients._registries for loop in loops)
    # aiohttp reports a session left open through the loop's exception handler.
    assert "Unclosed" not in caplog.text


async def test_aclose_async_clients_closes_and_the_next_call_reopens(
    emu: BedrockEmulator,
) -> None:
    model = make_model(emu)
    await model.ainvoke("Hi")
    loop_clients = _async_clients._registries[id(asyncio.get_running_loop())]
    opened = loop_clients.clients[id(model.client)]
    await aclose_async_clients(model)
    assert id(model.client) not in loop_clients.clients
    await model.ainvoke("Hi again")
    assert loop_clients.clients[id(model.client)] is not opened
    await aclose_async_clients()
    assert not loop_clients.clients


SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"


def fresh_profile_model(emu: BedrockEmulator) -> Any:
    # No catalog and a fresh tracker: the first call learns the profile requirement.
    return make_model(emu, SONNET, catalog=False, tracker=AccessMethodTracker())


@pytest.mark.parametrize("operation", ["Converse", "ConverseStream"])
async def test_profile_fallback_and_metadata_match_the_sync_path(operation: str) -> None:
    outcomes: dict[str, tuple[list[Any], dict[str, Any]]] = {}
    for path in ("sync", "async"):
        with BedrockEmulator() as emu:
            model = fresh_profile_model(emu)
            if path == "sync":
                replies = call_sync(model, operation)
            else:
                replies = await call_async(model, operation)
            merged = sum(replies[1:], replies[0])
            sent = [(r.operation, r.model_id, r.status) for r in runtime_requests(emu)]
            outcomes[path] = (sent, comparable(merged.response_metadata))
    assert outcomes["async"] == outcomes["sync"]
    sent, metadata = outcomes["async"]
    assert [status for *_, status in sent] == [400, 200]
    assert metadata["inference_profile_used"] is True


class _InFlight:
    """Counts requests built (sync client's parameter build) and not yet answered."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0

    def built(self, **_: Any) -> None:
        self.now += 1
        self.most = max(self.most, self.now)

    def answered(self, **_: Any) -> None:
        self.now -= 1


async def test_no_more_requests_are_built_than_the_pool_can_send() -> None:
    with BedrockEmulator(scenario={"latency_ms": 20}) as emu:
        model = make_model(emu, config=Config(max_pool_connections=3))
        await model.ainvoke("warm-up")  # opens this loop's aiobotocore client
        in_flight = _InFlight()
        # The sync client's parameter build is where the request is shaped; the
        # async client's after-call is where its reply has been read.
        model.client.meta.events.register_first(
            "before-parameter-build.bedrock-runtime.Converse", in_flight.built
        )
        async_client_of(model).meta.events.register(
            "after-call.bedrock-runtime.Converse", in_flight.answered
        )

        replies = await asyncio.gather(*(model.ainvoke(f"question {i}") for i in range(12)))

    assert [r.content != "" for r in replies] == [True] * 12
    assert in_flight.now == 0
    # Twelve calls at once, three connections: three built at a time, never more.
    assert in_flight.most == 3


async def test_an_abandoned_stream_gives_its_connection_back() -> None:
    with BedrockEmulator() as emu:
        model = make_model(emu, config=Config(max_pool_connections=1))
        stream = model.astream("Tell me a long story.")
        first = await stream.__anext__()
        await stream.aclose()

        # With a pool of one, this waits forever unless the stream let go.
        reply = await asyncio.wait_for(model.ainvoke("Hi"), timeout=30)

    assert first.content or first.response_metadata
    assert reply.content


def test_a_model_dropped_inside_its_loop_leaves_no_connection_open() -> None:
    async def call_and_drop(emu: BedrockEmulator) -> None:
        model = make_model(emu)  # collected as the coroutine returns, loop still running
        await model.ainvoke("Hi")

    with BedrockEmulator() as emu, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        asyncio.run(call_and_drop(emu))
        gc.collect()

    assert [str(w.message) for w in caught if "Unclosed" in str(w.message)] == []


@pytest.mark.parametrize("default_headers", [{"x-team": "search"}, None])
async def test_default_headers_go_out_on_the_async_request_only_when_set(
    emu: BedrockEmulator, default_headers: dict[str, str] | None
) -> None:
    model = make_model(emu, default_headers=default_headers)
    await model.ainvoke("warm-up")  # opens this loop's aiobotocore client
    seen: list[str | None] = []

    def record(request: Any, **_: Any) -> None:
        seen.append(request.headers.get("x-team"))

    async_client_of(model).meta.events.register("before-send.bedrock-runtime.Converse", record)
    await model.ainvoke("Hi")

    assert seen == [None if default_headers is None else "search"]


class _StartedRuns(AsyncCallbackHandler):
    """Counts runs langchain-core has started and not yet ended."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0

    async def on_chat_model_start(self, *_: Any, **__: Any) -> None:
        self.now += 1
        self.most = max(self.most, self.now)

    async def on_llm_end(self, *_: Any, **__: Any) -> None:
        self.now -= 1


async def test_calls_beyond_the_pool_wait_before_langchain_core_starts_them() -> None:
    with BedrockEmulator(scenario={"latency_ms": 20}) as emu:
        model = make_model(emu, config=Config(max_pool_connections=3))
        runs = _StartedRuns()

        replies = await asyncio.gather(
            *(model.ainvoke(f"question {i}", config={"callbacks": [runs]}) for i in range(12))
        )

    assert len(replies) == 12
    assert runs.now == 0
    assert runs.most == 3


async def test_the_async_client_reuses_the_sync_clients_parsed_service_data(
    emu: BedrockEmulator,
) -> None:
    model = make_model(emu)
    await model.ainvoke("Hi")

    async_client = async_client_of(model)
    # One copy of the service model, endpoint rules and partitions, not two.
    assert async_client._loader is model.client._loader
