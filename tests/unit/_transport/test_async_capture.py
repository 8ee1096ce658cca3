"""Native async, the socket-free half: capturing the sync path's request, errors, pools."""

from __future__ import annotations

import asyncio
import threading
from datetime import datetime, timedelta, timezone
from typing import Any
from unittest.mock import MagicMock

import boto3
import pytest
from botocore.config import Config
from botocore.credentials import RefreshableCredentials
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel

from langchain_bedrock_enhanced import (
    ClaudeEnhancedChatBedrockConverse,
    MistralEnhancedChatBedrockConverse,
    NovaEnhancedChatBedrockConverse,
)
from langchain_bedrock_enhanced._transport import async_capture as _async
from langchain_bedrock_enhanced._transport import async_clients as _async_clients
from langchain_bedrock_enhanced._transport.async_capture import (
    agenerate_once,
    capture_converse_request,
    capture_converse_stream_request,
)
from langchain_bedrock_enhanced._transport.async_clients import native_async_available

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA = "amazon.nova-lite-v1:0"
MIXTRAL = "mistral.mixtral-8x7b-instruct-v0:1"


class Weather(BaseModel):
    """Get the weather."""

    city: str


def reply() -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": "hi"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4},
        "metrics": {"latencyMs": 1},
    }


@pytest.fixture
def runtime() -> Any:
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        config=Config(
            max_pool_connections=64, retries={"mode": "standard", "total_max_attempts": 2}
        ),
    )


def test_capture_builds_the_request_and_sends_nothing(runtime: Any) -> None:
    model = ClaudeEnhancedChatBedrockConverse(model=HAIKU, client=runtime, temperature=0.2)
    # Sockets are off here: a request that went out would fail.
    params = capture_converse_request(model, [HumanMessage("Hi")], model_id=HAIKU)
    assert params["modelId"] == HAIKU
    assert params["messages"] == [{"role": "user", "content": [{"text": "Hi"}]}]
    assert params["inferenceConfig"]["temperature"] == 0.2


CASES = {
    "plain": (ClaudeEnhancedChatBedrockConverse, HAIKU, [HumanMessage("Hi")], {}),
    "system-stop-sampling": (
        ClaudeEnhancedChatBedrockConverse,
        HAIKU,
        [SystemMessage("Be terse."), HumanMessage("Hi")],
        {"stop": ["END"], "temperature": 0.5, "top_k": 20},
    ),
    "tools": (ClaudeEnhancedChatBedrockConverse, HAIKU, [HumanMessage("Weather?")], {"tools": 1}),
    "folded-system": (
        MistralEnhancedChatBedrockConverse,
        MIXTRAL,
        [SystemMessage("Answer in French."), HumanMessage("Hi")],
        {},
    ),
    "nova": (NovaEnhancedChatBedrockConverse, NOVA, [HumanMessage("Hi")], {"max_tokens": 64}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_captured_request_is_exactly_what_invoke_sends(runtime: Any, case: str) -> None:
    model_class, model_id, messages, call_kwargs = CASES[case]
    model = model_class(model=model_id, client=runtime)
    kwargs = {k: v for k, v in call_kwargs.items() if k != "tools"}
    kwargs["model_id"] = model_id
    runnable = model.bind_tools([Weather]) if "tools" in call_kwargs else model
    stop = kwargs.pop("stop", None)
    params = capture_converse_request(
        model, messages, stop, **getattr(runnable, "kwargs", {}), **kwargs
    )
    with Stubber(runtime) as stub:
        # The Stubber compares the parameters the sync path really sends with these.
        stub.add_response("converse", reply(), params)
        runnable.invoke(messages, stop=stop, **kwargs)
        stub.assert_no_pending_responses()


def test_model_id_chooses_the_model_id_sent(runtime: Any) -> None:
    model = ClaudeEnhancedChatBedrockConverse(model=HAIKU, client=runtime)
    profile = "us.anthropic.claude-3-haiku-20240307-v1:0"
    assert capture_converse_request(model, [HumanMessage("Hi")], model_id=profile)["modelId"] == (
        profile
    )


def test_stream_capture_shapes_the_request_like_converse(runtime: Any) -> None:
    model = MistralEnhancedChatBedrockConverse(model=MIXTRAL, client=runtime, system=["Terse."])
    messages = [SystemMessage("French."), HumanMessage("Hi")]
    streamed = capture_converse_stream_request(model, messages, model_id=MIXTRAL)
    assert streamed == capture_converse_request(model, messages, model_id=MIXTRAL)
    assert streamed["messages"][0]["content"][0]["text"].startswith("Terse.\n\nFrench.")


def test_capture_leaves_other_calls_on_the_client_alone(runtime: Any) -> None:
    model = ClaudeEnhancedChatBedrockConverse(model=HAIKU, client=runtime)
    capture_converse_request(model, [HumanMessage("Hi")], model_id=HAIKU)
    outcome: list[Any] = []
    with Stubber(runtime) as stub:
        stub.add_response("converse", reply(), None)
        stub.add_response("converse", reply(), None)
        # The hook stays registered but fires only in a capturing context.
        thread = threading.Thread(target=lambda: outcome.append(model.invoke("Hi", model_id=HAIKU)))
        thread.start()
        thread.join()
        assert model.invoke("Hi", model_id=HAIKU).content == "hi"
        stub.assert_no_pending_responses()
    assert outcome[0].content == "hi"


def test_errors_are_raised_as_the_sync_clients_own_classes(runtime: Any) -> None:
    foreign = type("ThrottlingException", (ClientError,), {})
    error = foreign({"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "Converse")
    mapped = _async._as_sync_error(runtime, error)
    assert type(mapped) is runtime.exceptions.ThrottlingException
    assert mapped.response is error.response
    unknown = ClientError({"Error": {"Code": "Teapot", "Message": "?"}}, "Converse")
    assert _async._as_sync_error(runtime, unknown) is unknown


def test_native_async_needs_a_botocore_client_that_signs_with_sigv4(runtime: Any) -> None:
    assert not native_async_available(object())
    assert not native_async_available(MagicMock())
    assert native_async_available(runtime) is _async_clients._aiobotocore_installed()
    bearer = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        config=Config(auth_scheme_preference="httpBearerAuth"),
    )
    assert not native_async_available(bearer)


def test_async_client_copies_the_sync_config_but_not_its_user_agent(runtime: Any) -> None:
    options = _async_clients._async_config_options(runtime)
    assert options["max_pool_connections"] == 64
    assert options["retries"] == {"mode": "standard", "total_max_attempts": 2}
    assert "user_agent" not in options
    assert "region_name" not in options


class _InFlight:
    """Requests a client is making at once, seen through botocore's own events.

    The first `hold` requests wait for one another, so the count reaches `hold` exactly
    when that many can run together; when fewer can, the wait gives up and lets all
    through, and the count stays below `hold`.
    """

    def __init__(self, hold: int) -> None:
        self.hold = hold
        self.now = 0
        self.most = 0
        self._lock = threading.Lock()
        self._full = threading.Event()

    def started(self, **_: Any) -> None:
        with self._lock:
            self.now += 1
            self.most = max(self.most, self.now)
            if self.now >= self.hold:
                self._full.set()
        if not self._full.wait(timeout=10):
            self._full.set()

    def finished(self, **_: Any) -> None:
        with self._lock:
            self.now -= 1


async def test_without_aiobotocore_as_many_calls_run_at_once_as_the_client_has_connections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_async_clients, "_aiobotocore_installed", lambda: False)
    # Wider than asyncio's default executor can be (32 threads): only a pool sized from
    # the client's own config lets 40 requests run at once.
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        config=Config(max_pool_connections=40, retries={"mode": "standard", "max_attempts": 1}),
    )
    in_flight = _InFlight(hold=40)
    client.meta.events.register(
        "before-parameter-build.bedrock-runtime.Converse", in_flight.started
    )
    client.meta.events.register("after-call.bedrock-runtime.Converse", in_flight.finished)
    model = ClaudeEnhancedChatBedrockConverse(model=HAIKU, client=client)
    with Stubber(client) as stub:
        for _ in range(50):
            stub.add_response("converse", reply(), None)
        replies = await asyncio.gather(*(model.ainvoke(f"question {i}") for i in range(50)))
        stub.assert_no_pending_responses()
    assert [r.content for r in replies] == ["hi"] * 50
    assert in_flight.now == 0
    assert in_flight.most == 40


async def test_without_aiobotocore_the_call_runs_in_a_pool_while_the_loop_stays_free(
    runtime: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_async_clients, "_aiobotocore_installed", lambda: False)
    model = ClaudeEnhancedChatBedrockConverse(model=HAIKU, client=runtime)
    sending = threading.Event()
    released = threading.Event()
    senders: list[threading.Thread] = []

    def hold_until_released(**_: Any) -> None:
        senders.append(threading.current_thread())
        sending.set()
        # Only the event loop sets this: had the call blocked the loop, it never would.
        if not released.wait(timeout=30):
            msg = "the event loop was blocked while the request was being made"
            raise RuntimeError(msg)

    runtime.meta.events.register(
        "before-parameter-build.bedrock-runtime.Converse", hold_until_released
    )
    with Stubber(runtime) as stub:
        stub.add_response("converse", reply(), None)
        call = asyncio.ensure_future(agenerate_once(model, [HumanMessage("Hi")], model_id=HAIKU))
        assert await asyncio.to_thread(sending.wait, 30)
        released.set()
        result = await call
        stub.assert_no_pending_responses()
    assert result.generations[0].message.content == "hi"
    assert senders[0] is not threading.current_thread()
    assert senders[0].name.startswith("bedrock-async")


async def test_async_client_keeps_a_fips_endpoint_without_tripping_the_endpoint_rules() -> None:
    pytest.importorskip("aiobotocore")
    fips = boto3.client(
        "bedrock-runtime", region_name="us-east-1", config=Config(use_fips_endpoint=True)
    )
    options = _async_clients._async_config_options(fips)
    assert options["use_fips_endpoint"] is False
    async_client = await _async_clients._open_async_client(fips)  # builds locally, connects nothing
    try:
        assert async_client.meta.endpoint_url == fips.meta.endpoint_url
        assert "fips" in async_client.meta.endpoint_url
    finally:
        await async_client.close()


async def test_expiring_credentials_refresh_off_the_event_loop() -> None:
    refreshed_in: list[str] = []

    def refresh() -> dict[str, str]:
        refreshed_in.append(threading.current_thread().name)
        expiry = datetime.now(timezone.utc) + timedelta(hours=1)
        return {
            "access_key": "AKIDREFRESHED0000000",
            "secret_key": "new-secret",
            "token": "new-token",
            "expiry_time": expiry.isoformat(),
        }

    expired = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    credentials = RefreshableCredentials.create_from_metadata(
        {"access_key": "AKIDOLD", "secret_key": "old", "token": "t", "expiry_time": expired},
        refresh_using=refresh,
        method="sts-assume-role",
    )
    bridge = _async_clients._SyncCredentialsBridge(credentials)
    frozen = await bridge.get_frozen_credentials()
    assert frozen.access_key == "AKIDREFRESHED0000000"
    assert refreshed_in
    assert refreshed_in[0] != threading.current_thread().name
    assert bridge.method == "sts-assume-role"
