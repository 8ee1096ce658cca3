"""BedrockRetryRunnable / with_bedrock_retry, without sockets.

Each (model, region) pair's model is the real chat model the wrapper builds, with
botocore's Stubber on its real client (`Wire`), or, where a test needs a failure no
Stubber can make (a broken stream, an unexpected exception, time passing), the fake
chat model of tests/unit/throughput_fakes.py. Backoff and deadlines run on a fake
clock, so nothing waits and no time is asserted. What crosses the real wire (status
codes the emulator saw, callbacks tags, batches) is in tests/wire/test_retry.py.
"""

from __future__ import annotations

import copy
import logging
import pickle
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.tools import tool
from pydantic import BaseModel

from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.access import AccessMethodTracker
from langchain_bedrock_enhanced.errors import (
    AccessDeniedError,
    BedrockRetryError,
    ConfigurationError,
    LLMError,
    ModelNotFoundError,
    PermanentError,
    RequestValidationError,
    RetryAttempt,
    ThrottlingError,
)
from langchain_bedrock_enhanced.runnables import BedrockRetryRunnable, with_bedrock_retry
from langchain_bedrock_enhanced.runnables import retry as retry_module
from tests.unit.throughput_fakes import EchoChatModel, throttling_error

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA = "amazon.nova-lite-v1:0"
SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
PROFILE_REQUIRED = (
    "Invocation of model ID {} with on-demand throughput isn\u2019t supported. Retry your "
    "request with the ID or ARN of an inference profile that contains this model."
)
USAGE = {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4}
REPLY = {
    "output": {"message": {"role": "assistant", "content": [{"text": "ok"}]}},
    "stopReason": "end_turn",
    "usage": USAGE,
    "metrics": {"latencyMs": 1},
}
OK = "ok"
Outcome = str | tuple[str, int, str]


def failure(code: str, status: int, message: str = "it failed") -> tuple[str, int, str]:
    return (code, status, message)


OUTAGE = failure("ServiceUnavailableException", 503, "Service unavailable")
THROTTLED = failure("ThrottlingException", 429, "Too many requests")


class Wire:
    """`apply_to_model` for the wrapper: each pair's real client answers from a script.

    `sent` lists `(model ID sent, region)` in the order the requests were made.
    """

    def __init__(self) -> None:
        self.script: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
        self.sent: list[tuple[str, str]] = []
        self.params: list[dict[str, Any]] = []

    def answer(self, model_id: str, region: str, *outcomes: Outcome) -> Wire:
        self.script[(model_id, region)].extend(outcomes)
        return self

    def __call__(self, chat: Any) -> Any:
        client = chat.client
        stubber = Stubber(client)
        for outcome in self.script[(chat.model_id, chat.request_region)]:
            if outcome == OK:
                stubber.add_response("converse", copy.deepcopy(REPLY))
            else:
                code, status, message = outcome
                stubber.add_client_error(
                    "converse",
                    service_error_code=code,
                    service_message=message,
                    http_status_code=status,
                )
        client.meta.events.register(
            "provide-client-params.bedrock-runtime.Converse", self._record(client)
        )
        stubber.activate()
        return chat

    def _record(self, client: Any) -> Callable[..., None]:
        def record(params: dict[str, Any], **_: Any) -> None:
            self.sent.append((params["modelId"], client.meta.region_name))
            self.params.append(params)

        return record


class Clock:
    """Stands in for the `time` module the wrapper reads: nothing really waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(retry_module, "time", fake)
    return fake


def primary(model_id: str = HAIKU, region: str = "us-east-1", **params: Any) -> Any:
    return create_langchain_chatbedrock(
        model_id, region_name=region, catalog=False, tracker=AccessMethodTracker(), **params
    )


def wrapped(
    apply_to_model: Callable[[Any], Any], model: Any = None, **settings: Any
) -> BedrockRetryRunnable:
    settings.setdefault("backoff_base", 0)
    return BedrockRetryRunnable(
        model=model if model is not None else primary(),
        apply_to_model=apply_to_model,
        **settings,
    )


class Echoes:
    """`apply_to_model` that answers with the fake chat model, counting the calls per pair."""

    def __init__(self, fail: Callable[[str, str, int], BaseException | None], **echo: Any):
        self.fail = fail
        self.echo = echo
        self.calls: list[tuple[str, str]] = []

    def __call__(self, chat: Any) -> EchoChatModel:
        pair = (chat.model_id, chat.request_region)

        def fail_for(_: str) -> BaseException | None:
            self.calls.append(pair)
            return self.fail(*pair, len(self.calls))

        return EchoChatModel(
            model_name=chat.model_id,
            region_name=chat.request_region,
            fail_for=fail_for,
            metadata_for=lambda _: {"region": pair[1]},
            **self.echo,
        )


# Settings --------------------------------------------------------------------------


IMPOSSIBLE = [
    {"max_attempts": 0},
    {"backoff_base": -1},
    {"backoff_max": -0.5},
    {"deadline": 0},
    {"deadline": -5},
]


@pytest.mark.parametrize("settings", IMPOSSIBLE)
def test_impossible_settings_are_rejected_when_the_wrapper_is_built(
    settings: dict[str, float],
) -> None:
    with pytest.raises(ValueError, match=next(iter(settings))):
        with_bedrock_retry(primary(), **settings)


@pytest.mark.parametrize("settings", IMPOSSIBLE)
def test_impossible_settings_are_configuration_errors(settings: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError):
        with_bedrock_retry(primary(), **settings)


# The order of (model, region) pairs --------------------------------------------------


def test_pairs_are_tried_model_by_model_then_region_by_region_in_the_order_given() -> None:
    wire = Wire()
    for model_id in (HAIKU, NOVA):
        for region in ("eu-west-1", "us-west-2"):
            wire.answer(model_id, region, OUTAGE)
    robust = wrapped(
        wire, regions=["eu-west-1", "us-west-2"], fallback_models=[NOVA], max_attempts=1
    )
    with pytest.raises(BedrockRetryError) as info:
        robust.invoke("hello")
    order = [(HAIKU, "eu-west-1"), (HAIKU, "us-west-2"), (NOVA, "eu-west-1"), (NOVA, "us-west-2")]
    assert wire.sent == order
    assert [(a.model_id, a.region) for a in info.value.attempts] == order


def test_each_pair_gets_max_attempts_before_the_next_region_is_tried() -> None:
    wire = Wire().answer(HAIKU, "us-east-1", OUTAGE, OUTAGE, OUTAGE)
    wire.answer(HAIKU, "us-west-2", OUTAGE, OK)
    robust = wrapped(wire, regions=["us-east-1", "us-west-2"], max_attempts=3)
    message = robust.invoke("hello")
    assert message.response_metadata["region"] == "us-west-2"
    assert wire.sent == [(HAIKU, "us-east-1")] * 3 + [(HAIKU, "us-west-2")] * 2


@pytest.mark.parametrize("regions", [None, []])
def test_without_regions_the_model_is_retried_in_its_own_region(
    regions: list[str] | None,
) -> None:
    wire = Wire().answer(HAIKU, "eu-central-1", THROTTLED, OK)
    robust = wrapped(wire, model=primary(region="eu-central-1"), regions=regions)
    robust.invoke("hello")
    assert wire.sent == [(HAIKU, "eu-central-1")] * 2


def test_a_client_the_caller_built_serves_its_own_region_and_no_other() -> None:
    own_client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    instrumented: list[str] = []
    own_client.meta.events.register(
        "provide-client-params.bedrock-runtime.Converse",
        lambda params, **_: instrumented.append(params["modelId"]),
    )
    model = create_langchain_chatbedrock(
        HAIKU, region_name="us-east-1", client=own_client, catalog=False
    )
    wire = Wire().answer(HAIKU, "us-east-1", OUTAGE).answer(HAIKU, "us-west-2", OK)
    robust = wrapped(wire, model=model, regions=["us-east-1", "us-west-2"], max_attempts=1)
    robust.invoke("hello")
    assert wire.sent == [(HAIKU, "us-east-1"), (HAIKU, "us-west-2")]
    assert instrumented == [HAIKU]


# Backoff ---------------------------------------------------------------------------


def test_each_retry_waits_a_jittered_backoff_that_doubles_up_to_the_cap(clock: Clock) -> None:
    wire = Wire().answer(HAIKU, "us-east-1", *[OUTAGE] * 12)
    robust = wrapped(wire, max_attempts=12, backoff_base=0.5, backoff_max=3)
    with pytest.raises(BedrockRetryError):
        robust.invoke("hello")
    ceilings = [0.5, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3]
    assert len(clock.sleeps) == len(ceilings)
    for slept, ceiling in zip(clock.sleeps, ceilings, strict=True):
        assert 0 <= slept <= ceiling


def test_moving_on_to_the_next_pair_does_not_wait(clock: Clock) -> None:
    wire = Wire()
    for region in ("us-east-1", "us-west-2"):
        wire.answer(HAIKU, region, OUTAGE, OUTAGE)
    robust = wrapped(wire, regions=["us-east-1", "us-west-2"], max_attempts=2, backoff_base=1)
    with pytest.raises(BedrockRetryError):
        robust.invoke("hello")
    # One backoff inside each pair; none between the pairs.
    assert len(wire.sent) == 4
    assert len(clock.sleeps) == 2


def test_without_a_backoff_base_no_retry_waits(clock: Clock) -> None:
    wire = Wire().answer(HAIKU, "us-east-1", THROTTLED, THROTTLED, OK)
    wrapped(wire, max_attempts=3, backoff_base=0).invoke("hello")
    assert len(wire.sent) == 3
    assert clock.sleeps == []


# Deadline --------------------------------------------------------------------------


def one_second_outages(clock: Clock) -> Echoes:
    def fail(*_: object) -> BaseException:
        clock.now += 1  # each attempt takes a second
        return throttling_error()

    return Echoes(fail)


def test_no_attempt_starts_once_the_deadline_has_passed(clock: Clock) -> None:
    echoes = one_second_outages(clock)
    robust = wrapped(echoes, max_attempts=10, deadline=2.5)
    with pytest.raises(BedrockRetryError) as info:
        robust.invoke("hello")
    assert len(echoes.calls) == 3  # started at 0, 1 and 2 seconds
    assert len(info.value.attempts) == 3


def test_the_deadline_also_stops_failing_over(clock: Clock) -> None:
    echoes = one_second_outages(clock)
    robust = wrapped(echoes, regions=["us-east-1", "us-west-2"], max_attempts=2, deadline=1.5)
    with pytest.raises(BedrockRetryError):
        robust.invoke("hello")
    assert echoes.calls == [(HAIKU, "us-east-1")] * 2


def test_a_backoff_never_carries_an_attempt_past_the_deadline(clock: Clock) -> None:
    started: list[float] = []

    def fail(*_: object) -> BaseException:
        started.append(clock.now)
        return throttling_error()

    robust = wrapped(Echoes(fail), max_attempts=3, backoff_base=1e9, backoff_max=1e9, deadline=1.0)
    with pytest.raises(BedrockRetryError):
        robust.invoke("hello")
    assert all(start < 1.0 for start in started), started


# Transient and permanent errors ------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        THROTTLED,
        failure("ServiceQuotaExceededException", 400, "Quota exceeded"),
        OUTAGE,
        failure("InternalServerException", 500, "Internal error"),
        failure("ModelNotReadyException", 429, "Model is not ready"),
        failure("ModelTimeoutException", 408, "Model timed out"),
        failure("SomethingNewException", 502, "A new 5xx"),
    ],
    ids=lambda error: error[0],
)
def test_transient_errors_are_retried_in_the_same_pair(error: tuple[str, int, str]) -> None:
    wire = Wire().answer(HAIKU, "us-east-1", error, OK)
    message = wrapped(wire, max_attempts=2).invoke("hello")
    assert message.content == "ok"
    assert wire.sent == [(HAIKU, "us-east-1")] * 2


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        (failure("AccessDeniedException", 403, "No access to this model"), AccessDeniedError),
        (failure("ValidationException", 400, "Malformed input request"), RequestValidationError),
        (
            failure("ResourceNotFoundException", 404, "This model version has reached its end"),
            ModelNotFoundError,
        ),
        (failure("ModelErrorException", 424, "The model failed"), PermanentError),
        (failure("SomethingNewException", 418, "A new 4xx"), LLMError),
    ],
    ids=lambda value: value[0] if isinstance(value, tuple) else value.__name__,
)
def test_permanent_errors_raise_at_once_without_failing_over(
    error: tuple[str, int, str], raised: type[LLMError]
) -> None:
    wire = Wire().answer(HAIKU, "us-east-1", error)
    robust = wrapped(
        wire, regions=["us-east-1", "us-west-2"], fallback_models=[NOVA], max_attempts=3
    )
    with pytest.raises(raised) as info:
        robust.invoke("hello")
    # Typed, and still the botocore error langchain-aws would have raised.
    assert isinstance(info.value, ClientError)
    assert info.value.response["Error"]["Code"] == error[0]
    assert not isinstance(info.value, BedrockRetryError)
    assert (info.value.model_id, info.value.region) == (HAIKU, "us-east-1")
    assert wire.sent == [(HAIKU, "us-east-1")]


def test_an_unexpected_exception_is_not_retried_and_keeps_its_cause() -> None:
    echoes = Echoes(lambda *_: KeyError("surprise"))
    with pytest.raises(LLMError) as info:
        wrapped(echoes, max_attempts=3).invoke("hello")
    assert type(info.value) is LLMError
    assert isinstance(info.value.__cause__, KeyError)
    assert len(echoes.calls) == 1


def test_our_own_errors_are_classified_as_they_are_and_raised_unchanged() -> None:
    slow_down = ThrottlingError("slow down", model_id=HAIKU)
    denied = AccessDeniedError("no", model_id=HAIKU)
    outcomes = [slow_down, denied]
    echoes = Echoes(lambda *_: outcomes.pop(0))
    with pytest.raises(AccessDeniedError) as info:
        wrapped(echoes, max_attempts=3).invoke("hello")
    assert info.value is denied
    assert len(echoes.calls) == 2


def test_a_region_without_the_profile_a_model_needs_is_left_after_one_try(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # ca-central-1 has no geographic profile, and here its global profile refuses too;
    # us-east-1 serves the model through `us.`. The profile fallbacks happen inside the
    # model: the three attempts per pair are not spent on them.
    refusal = failure("ValidationException", 400, PROFILE_REQUIRED.format(SONNET))
    # A pair's model sends its profile fallbacks on the pair's own client.
    wire = Wire().answer(SONNET, "ca-central-1", refusal, refusal)
    wire.answer(SONNET, "us-east-1", refusal, OK)
    robust = wrapped(
        wire,
        model=primary(SONNET, region="ca-central-1"),
        regions=["ca-central-1", "us-east-1"],
        max_attempts=3,
    )
    with caplog.at_level(logging.WARNING, logger=retry_module.__name__):
        message = robust.invoke("hello")
    assert wire.sent == [
        (SONNET, "ca-central-1"),
        (f"global.{SONNET}", "ca-central-1"),
        (SONNET, "us-east-1"),
        (f"us.{SONNET}", "us-east-1"),
    ]
    assert message.response_metadata["model_id_sent"] == f"us.{SONNET}"
    assert any(
        "ca-central-1" in record.getMessage() and record.levelno == logging.WARNING
        for record in caplog.records
    )


# When everything fails -------------------------------------------------------------


def test_the_error_lists_every_attempt_and_keeps_the_first_failure_as_its_cause() -> None:
    wire = Wire()
    wire.answer(HAIKU, "us-east-1", failure("ServiceUnavailableException", 503, "first outage"))
    wire.answer(HAIKU, "us-west-2", failure("ThrottlingException", 429, "then throttled"))
    robust = wrapped(wire, regions=["us-east-1", "us-west-2"], max_attempts=1)
    with pytest.raises(BedrockRetryError) as info:
        robust.invoke("hello")
    error = info.value
    assert [(a.model_id, a.region, a.access_method) for a in error.attempts] == [
        (HAIKU, "us-east-1", "direct"),
        (HAIKU, "us-west-2", "direct"),
    ]
    assert error.attempts[0].outcome.startswith("ServiceUnavailableError: ")
    assert "first outage" in error.attempts[0].outcome
    assert error.attempts[1].outcome.startswith("ThrottlingError: ")
    assert isinstance(error.__cause__, ClientError)
    assert "first outage" in str(error.__cause__)
    assert (error.model_id, error.region) == (HAIKU, "us-east-1")
    message = str(error)
    assert "All 2 attempt(s) failed" in message
    assert "add fallback models/regions" in message
    clone = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert clone.attempts == error.attempts


def test_each_attempt_names_the_access_method_planned_for_its_pair() -> None:
    profile = f"us.{NOVA}"
    wire = Wire().answer(HAIKU, "us-east-1", OUTAGE).answer(profile, "us-east-1", OUTAGE)
    robust = wrapped(wire, fallback_models=[profile], max_attempts=1)
    with pytest.raises(BedrockRetryError) as info:
        robust.invoke("hello")
    assert [a.access_method for a in info.value.attempts] == ["direct", "regional_cris"]
    assert str(info.value.attempts[1]).startswith(f"{profile} @ us-east-1 via regional_cris: ")


def test_without_automatic_profiles_the_access_method_is_not_guessed() -> None:
    wire = Wire().answer(HAIKU, "us-east-1", OUTAGE)
    robust = wrapped(wire, model=primary(auto_inference_profile=False), max_attempts=1)
    with pytest.raises(BedrockRetryError) as info:
        robust.invoke("hello")
    assert info.value.attempts == [
        RetryAttempt(HAIKU, "us-east-1", None, info.value.attempts[0].outcome)
    ]


# Streams ---------------------------------------------------------------------------


async def drain(stream: AsyncIterator[Any], into: list[Any]) -> None:
    async for item in stream:
        into.append(item)  # noqa: PERF401 - keeps what arrived before a failure


def throttled_first(*pair_and_count: Any) -> BaseException | None:
    return throttling_error() if pair_and_count[-1] == 1 else None


def test_a_stream_is_retried_before_its_first_chunk_and_seen_once() -> None:
    echoes = Echoes(throttled_first)
    chunks = list(wrapped(echoes, max_attempts=2).stream("one two"))
    assert "".join(chunk.text for chunk in chunks) == "echo: one two "
    assert len(echoes.calls) == 2


def test_a_stream_that_breaks_after_its_first_chunk_is_never_sent_again() -> None:
    echoes = Echoes(lambda *_: None, fail_mid_stream_for=lambda _: throttling_error())
    received: list[str] = []
    with pytest.raises(ClientError, match="Too many requests"):
        received.extend(chunk.text for chunk in wrapped(echoes, max_attempts=3).stream("one two"))
    assert received == ["echo: "]
    assert len(echoes.calls) == 1


async def test_an_async_stream_that_breaks_after_its_first_chunk_is_never_sent_again() -> None:
    echoes = Echoes(lambda *_: None, fail_mid_stream_for=lambda _: throttling_error())
    received: list[Any] = []
    with pytest.raises(ClientError, match="Too many requests"):
        await drain(wrapped(echoes, max_attempts=3).astream("one two"), received)
    assert [chunk.text for chunk in received] == ["echo: "]
    assert len(echoes.calls) == 1


class ChainErrors(BaseCallbackHandler):
    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    def on_chain_error(self, error: BaseException, **kwargs: Any) -> None:
        self.errors.append(error)


def test_a_stream_that_fails_everywhere_raises_the_retry_error_and_tells_callbacks() -> None:
    echoes = Echoes(lambda *_: throttling_error())
    handler = ChainErrors()
    robust = wrapped(echoes, regions=["us-east-1", "us-west-2"], max_attempts=2)
    with pytest.raises(BedrockRetryError) as info:
        list(robust.stream("hello", config={"callbacks": [handler]}))
    assert len(info.value.attempts) == 4
    assert handler.errors == [info.value]


@pytest.mark.parametrize(
    "path",
    [
        "invoke",
        "ainvoke",
        "stream",
        "astream",
    ],
)
async def test_a_fallback_model_that_rejects_the_models_parameters_is_skipped(
    path: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Claude Haiku 4.5 takes 8000 output tokens, Claude 3 Haiku at most 4096.
    haiku_45 = "anthropic.claude-haiku-4-5-20251001-v1:0"
    echoes = Echoes(lambda model_id, *_: throttling_error() if model_id == haiku_45 else None)
    robust = wrapped(
        echoes,
        model=primary(haiku_45, max_tokens=8000),
        fallback_models=[HAIKU, NOVA],
        max_attempts=1,
    )
    with caplog.at_level(logging.WARNING, logger=retry_module.__name__):
        if path == "invoke":
            text = robust.invoke("hi").text
        elif path == "ainvoke":
            text = (await robust.ainvoke("hi")).text
        elif path == "stream":
            text = "".join(chunk.text for chunk in robust.stream("hi"))
        else:
            text = "".join([chunk.text async for chunk in robust.astream("hi")])
    assert text.strip() == "echo: hi"
    assert echoes.calls == [(haiku_45, "us-east-1"), (NOVA, "us-east-1")]
    assert any(HAIKU in record.getMessage() for record in caplog.records)


# Async -----------------------------------------------------------------------------


async def test_ainvoke_retries_and_fails_over_like_invoke() -> None:
    echoes = Echoes(lambda _, region, __: throttling_error() if region == "us-east-1" else None)
    robust = wrapped(echoes, regions=["us-east-1", "eu-west-1"], max_attempts=2)
    message = await robust.ainvoke("hello")
    assert message.response_metadata["region"] == "eu-west-1"
    assert echoes.calls == [(HAIKU, "us-east-1")] * 2 + [(HAIKU, "eu-west-1")]


async def test_ainvoke_raises_the_retry_error_when_everything_fails() -> None:
    echoes = Echoes(lambda *_: throttling_error())
    with pytest.raises(BedrockRetryError) as info:
        await wrapped(echoes, fallback_models=[NOVA], max_attempts=2).ainvoke("hello")
    assert [(a.model_id, a.region) for a in info.value.attempts] == [
        (HAIKU, "us-east-1"),
        (HAIKU, "us-east-1"),
        (NOVA, "us-east-1"),
        (NOVA, "us-east-1"),
    ]


# Derived wrappers ------------------------------------------------------------------


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return city


class City(BaseModel):
    """A city."""

    name: str


def tool_reply(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    content = [{"toolUse": {"toolUseId": "tool-1", "name": name, "input": arguments}}]
    return {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": "tool_use",
        "usage": USAGE,
        "metrics": {"latencyMs": 1},
    }


def stubbed_primary() -> tuple[Any, Stubber, list[dict[str, Any]]]:
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )
    sent: list[dict[str, Any]] = []
    client.meta.events.register(
        "provide-client-params.bedrock-runtime.Converse", lambda params, **_: sent.append(params)
    )
    model = create_langchain_chatbedrock(
        HAIKU, region_name="us-east-1", client=client, catalog=False
    )
    return model, Stubber(client), sent


def test_bind_tools_keeps_the_whole_policy_and_passes_its_arguments_on() -> None:
    model, stubber, sent = stubbed_primary()
    robust = with_bedrock_retry(
        model,
        max_attempts=3,
        regions=["us-east-1"],
        fallback_models=[NOVA],
        backoff_base=0,
        backoff_max=7,
        deadline=600,
    )
    derived = robust.bind_tools([get_weather], tool_choice="get_weather")
    assert isinstance(derived, BedrockRetryRunnable)
    policy = ("max_attempts", "regions", "fallback_models", "backoff_base", "backoff_max")
    assert [getattr(derived, name) for name in (*policy, "deadline")] == [
        getattr(robust, name) for name in (*policy, "deadline")
    ]
    stubber.add_client_error("converse", "ThrottlingException", "slow", 429)
    stubber.add_client_error("converse", "ThrottlingException", "slow", 429)
    stubber.add_response("converse", tool_reply("get_weather", {"city": "Paris"}))
    stubber.add_response("converse", copy.deepcopy(REPLY))
    with stubber:
        message = derived.invoke("Weather in Paris?")
        plain = robust.invoke("Hello")
    assert message.tool_calls[0]["args"] == {"city": "Paris"}
    assert [p["toolConfig"]["toolChoice"] for p in sent[:3]] == [
        {"tool": {"name": "get_weather"}}
    ] * 3
    assert "toolConfig" not in sent[3]
    assert plain.content == "ok"


def test_with_structured_output_keeps_retrying_and_passes_its_arguments_on() -> None:
    model, stubber, _ = stubbed_primary()
    structured = with_bedrock_retry(model, max_attempts=2, backoff_base=0).with_structured_output(
        City, include_raw=True
    )
    stubber.add_client_error("converse", "ServiceUnavailableException", "down", 503)
    stubber.add_response("converse", tool_reply("City", {"name": "Lyon"}))
    with stubber:
        result = structured.invoke("Name a city")
    assert result["parsed"] == City(name="Lyon")
    assert result["raw"].tool_calls[0]["name"] == "City"
