"""AccessEngine: one call, the right model ID, and an in-call fallback when a profile is needed.

Requests go through a real bedrock-runtime client under botocore's Stubber; streams
are generators that raise botocore's own `ClientError`, as an event stream does
before its first event.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from langchain_core.messages import AIMessage, AIMessageChunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from langchain_bedrock_enhanced.access import AccessMethodSelector, AccessMethodTracker
from langchain_bedrock_enhanced.access.engine import (
    AccessEngine,
    AccessOutcome,
    FirstChunkOutcome,
    with_outcome,
)
from langchain_bedrock_enhanced.errors import ProfileRequirementError, RequestValidationError
from langchain_bedrock_enhanced.model_ids import AccessMethod

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
APP_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456"
PROFILE_REQUIRED = (
    "Invocation of model ID {} with on-demand throughput isn\u2019t supported. Retry your "
    "request with the ID or ARN of an inference profile that contains this model."
)
INVALID_IDENTIFIER = "The provided model identifier is invalid."
REPLY = {
    "output": {"message": {"role": "assistant", "content": [{"text": "ok"}]}},
    "stopReason": "end_turn",
    "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4},
    "metrics": {"latencyMs": 1},
}
MESSAGES = [{"role": "user", "content": [{"text": "hello"}]}]


class Runtime:
    """A stubbed bedrock-runtime client in one region, and the model IDs it was sent."""

    def __init__(self, region: str) -> None:
        self.region = region
        self.client = boto3.client(
            "bedrock-runtime",
            region_name=region,
            config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
        )
        self.stubber = Stubber(self.client)
        self.sent: list[str] = []

    def answers(self, model_id: str) -> None:
        self.stubber.add_response(
            "converse", copy.deepcopy(REPLY), {"modelId": model_id, "messages": MESSAGES}
        )

    def refuses(self, model_id: str, message: str, code: str = "ValidationException") -> None:
        status = 429 if code == "ThrottlingException" else 400
        self.stubber.add_client_error(
            "converse",
            service_error_code=code,
            service_message=message,
            http_status_code=status,
            expected_params={"modelId": model_id, "messages": MESSAGES},
        )

    def converse(self, model_id: str) -> dict[str, Any]:
        self.sent.append(model_id)
        return self.client.converse(modelId=model_id, messages=MESSAGES)

    async def aconverse(self, model_id: str) -> dict[str, Any]:
        return self.converse(model_id)


def profile_required(model_id: str, operation: str = "ConverseStream") -> ClientError:
    return ClientError(
        {
            "Error": {"Code": "ValidationException", "Message": PROFILE_REQUIRED.format(model_id)},
            "ResponseMetadata": {"HTTPStatusCode": 400, "RequestId": "req-1"},
        },
        operation,
    )


async def drain(stream: AsyncIterator[Any], into: list[Any]) -> None:
    async for item in stream:
        into.append(item)  # noqa: PERF401 - keeps what arrived before a failure


def engine_with(tracker: AccessMethodTracker | None = None) -> AccessEngine:
    tracker = tracker or AccessMethodTracker()
    return AccessEngine(selector=AccessMethodSelector(tracker), tracker=tracker)


class ScriptedStreams:
    """`open_stream` for the engine: a refusal before the first item, or the given items."""

    def __init__(
        self, refusing: set[str], items: list[str], *, fail_after_first: bool = False
    ) -> None:
        self.refusing = refusing
        self.items = items
        self.fail_after_first = fail_after_first
        self.opened: list[str] = []
        self.events: list[str] = []

    def __call__(self, model_id: str) -> Iterator[str]:
        self.opened.append(model_id)
        return self._items(model_id)

    def _items(self, model_id: str) -> Iterator[str]:
        if model_id in self.refusing:
            raise profile_required(model_id)
        for position, item in enumerate(self.items):
            if position == 1 and self.fail_after_first:
                raise ClientError(
                    {"Error": {"Code": "modelStreamErrorException", "Message": "broke"}},
                    "ConverseStream",
                )
            yield item

    def aopen(self, model_id: str) -> AsyncIterator[str]:
        self.opened.append(model_id)
        return self._aitems(model_id)

    async def _aitems(self, model_id: str) -> AsyncIterator[str]:
        for item in self._items(model_id):
            yield item

    def on_outcome(self, outcome: AccessOutcome) -> None:
        self.events.append(f"outcome:{outcome.access_method.value}:{outcome.attempts}")


# run ---------------------------------------------------------------------------


def test_a_bare_id_that_needs_a_profile_is_resent_as_the_regional_profile_in_the_same_call() -> (
    None
):
    runtime = Runtime("eu-west-1")
    runtime.refuses(SONNET, PROFILE_REQUIRED.format(SONNET))
    runtime.answers(f"eu.{SONNET}")
    tracker = AccessMethodTracker()
    with runtime.stubber:
        reply, outcome = engine_with(tracker).run(SONNET, "eu-west-1", runtime.converse)
    runtime.stubber.assert_no_pending_responses()
    assert reply["output"]["message"]["content"] == [{"text": "ok"}]
    assert runtime.sent == [SONNET, f"eu.{SONNET}"]
    assert outcome.as_metadata() == {
        "access_method_used": "regional_cris",
        "inference_profile_used": True,
        "inference_profile_id": f"eu.{SONNET}",
        "model_id_sent": f"eu.{SONNET}",
        "region": "eu-west-1",
        "attempts": 2,
    }
    stats = tracker.get_statistics()[(SONNET, "eu-west-1")]
    assert (stats.successes, stats.failures, stats.profile_requirements) == (1, 1, 1)
    assert dict(stats.calls_by_method) == {
        AccessMethod.DIRECT: 1,
        AccessMethod.REGIONAL_CRIS: 1,
    }


def test_the_next_call_goes_straight_to_the_profile_that_worked() -> None:
    runtime = Runtime("eu-west-1")
    runtime.refuses(SONNET, PROFILE_REQUIRED.format(SONNET))
    runtime.answers(f"eu.{SONNET}")
    runtime.answers(f"eu.{SONNET}")
    engine = engine_with()
    with runtime.stubber:
        engine.run(SONNET, "eu-west-1", runtime.converse)
        _, outcome = engine.run(SONNET, "eu-west-1", runtime.converse)
    assert runtime.sent == [SONNET, f"eu.{SONNET}", f"eu.{SONNET}"]
    assert (outcome.access_method, outcome.attempts) == (AccessMethod.REGIONAL_CRIS, 1)


def test_an_on_demand_model_is_sent_once_as_the_bare_id() -> None:
    runtime = Runtime("us-east-1")
    runtime.answers(SONNET)
    with runtime.stubber:
        _, outcome = engine_with().run(SONNET, "us-east-1", runtime.converse)
    assert runtime.sent == [SONNET]
    assert outcome.as_metadata()["inference_profile_id"] is None
    assert (outcome.access_method, outcome.attempts) == (AccessMethod.DIRECT, 1)


def test_other_errors_are_raised_unchanged_after_one_request_and_teach_nothing() -> None:
    runtime = Runtime("us-east-1")
    runtime.refuses(SONNET, "Too many requests", code="ThrottlingException")
    tracker = AccessMethodTracker()
    with runtime.stubber, pytest.raises(runtime.client.exceptions.ThrottlingException):
        engine_with(tracker).run(SONNET, "us-east-1", runtime.converse)
    assert runtime.sent == [SONNET]
    assert tracker.get_preference(SONNET, "us-east-1") is None
    stats = tracker.get_statistics()[(SONNET, "us-east-1")]
    assert (stats.failures, stats.profile_requirements) == (1, 0)


def test_a_guessed_profile_the_region_lacks_moves_on_to_the_next_guess() -> None:
    # Tokyo sits in two geographies: `jp.` is guessed first, `apac.` next.
    runtime = Runtime("ap-northeast-1")
    runtime.refuses(SONNET, PROFILE_REQUIRED.format(SONNET))
    runtime.refuses(f"jp.{SONNET}", INVALID_IDENTIFIER)
    runtime.answers(f"apac.{SONNET}")
    with runtime.stubber:
        _, outcome = engine_with().run(SONNET, "ap-northeast-1", runtime.converse)
    assert runtime.sent == [SONNET, f"jp.{SONNET}", f"apac.{SONNET}"]
    assert (outcome.model_id_sent, outcome.attempts) == (f"apac.{SONNET}", 3)


@pytest.mark.parametrize("given", [f"us.{SONNET}", APP_ARN])
def test_an_identifier_the_caller_chose_is_final(given: str) -> None:
    runtime = Runtime("us-east-1")
    runtime.refuses(given, INVALID_IDENTIFIER)
    with runtime.stubber, pytest.raises(runtime.client.exceptions.ValidationException):
        engine_with().run(given, "us-east-1", runtime.converse)
    assert runtime.sent == [given]


@pytest.mark.parametrize(
    ("given", "method"),
    [(f"global.{SONNET}", AccessMethod.GLOBAL_CRIS), (APP_ARN, AccessMethod.APPLICATION_PROFILE)],
)
def test_a_profile_given_as_the_model_is_sent_as_given_and_reported_as_the_profile_used(
    given: str, method: AccessMethod
) -> None:
    runtime = Runtime("us-east-1")
    runtime.answers(given)
    with runtime.stubber:
        _, outcome = engine_with().run(given, "us-east-1", runtime.converse)
    assert runtime.sent == [given]
    assert (outcome.access_method, outcome.inference_profile_id) == (method, given)


def test_when_every_method_is_refused_the_error_says_what_was_tried() -> None:
    # ca-central-1 has no geographic profile to guess: direct, then global.
    runtime = Runtime("ca-central-1")
    runtime.refuses(SONNET, PROFILE_REQUIRED.format(SONNET))
    runtime.refuses(f"global.{SONNET}", PROFILE_REQUIRED.format(f"global.{SONNET}"))
    with runtime.stubber, pytest.raises(ProfileRequirementError) as info:
        engine_with().run(SONNET, "ca-central-1", runtime.converse)
    error = info.value
    assert isinstance(error, RequestValidationError)
    assert (error.model_id, error.region) == (SONNET, "ca-central-1")
    assert error.tried == (
        (SONNET, AccessMethod.DIRECT),
        (f"global.{SONNET}", AccessMethod.GLOBAL_CRIS),
    )
    assert isinstance(error.original_error, ClientError)
    assert SONNET in str(error.original_error)
    assert f"global.{SONNET}" not in str(error.original_error)
    assert isinstance(error.__cause__, ClientError)
    assert f"global.{SONNET}" in str(error.__cause__)


def test_a_learned_requirement_with_no_profile_in_the_region_fails_before_sending() -> None:
    # China has neither a geographic nor a global profile to offer.
    tracker = AccessMethodTracker()
    tracker.record_profile_requirement(SONNET, "cn-north-1")
    runtime = Runtime("cn-north-1")
    with runtime.stubber, pytest.raises(ProfileRequirementError) as info:
        engine_with(tracker).run(SONNET, "cn-north-1", runtime.converse)
    assert runtime.sent == []
    assert info.value.region == "cn-north-1"


async def test_arun_falls_back_to_the_profile_like_run() -> None:
    runtime = Runtime("us-west-2")
    runtime.refuses(SONNET, PROFILE_REQUIRED.format(SONNET))
    runtime.answers(f"us.{SONNET}")
    with runtime.stubber:
        reply, outcome = await engine_with().arun(SONNET, "us-west-2", runtime.aconverse)
    assert reply["stopReason"] == "end_turn"
    assert runtime.sent == [SONNET, f"us.{SONNET}"]
    assert (outcome.model_id_sent, outcome.attempts) == (f"us.{SONNET}", 2)


async def test_arun_raises_other_errors_unchanged() -> None:
    runtime = Runtime("us-west-2")
    runtime.refuses(SONNET, "Too many requests", code="ThrottlingException")
    with runtime.stubber, pytest.raises(runtime.client.exceptions.ThrottlingException):
        await engine_with().arun(SONNET, "us-west-2", runtime.aconverse)
    assert runtime.sent == [SONNET]


# stream ------------------------------------------------------------------------


def test_a_stream_falls_back_before_its_first_item_and_reports_the_outcome_first() -> None:
    streams = ScriptedStreams(refusing={SONNET}, items=["a", "b", "c"])
    received = []
    for item in engine_with().stream(SONNET, "us-east-1", streams, streams.on_outcome):
        streams.events.append(f"item:{item}")
        received.append(item)
    assert received == ["a", "b", "c"]
    assert streams.opened == [SONNET, f"us.{SONNET}"]
    assert streams.events == ["outcome:regional_cris:2", "item:a", "item:b", "item:c"]


def test_a_stream_that_breaks_after_its_first_item_is_never_sent_again() -> None:
    streams = ScriptedStreams(refusing=set(), items=["a", "b"], fail_after_first=True)
    received: list[str] = []
    with pytest.raises(ClientError, match="broke"):
        received.extend(engine_with().stream(SONNET, "us-east-1", streams, streams.on_outcome))
    assert received == ["a"]
    assert streams.opened == [SONNET]
    assert streams.events == ["outcome:direct:1"]


def test_an_empty_stream_still_reports_how_it_was_served() -> None:
    streams = ScriptedStreams(refusing={SONNET}, items=[])
    received = list(engine_with().stream(SONNET, "eu-west-1", streams, streams.on_outcome))
    assert received == []
    assert streams.events == ["outcome:regional_cris:2"]


async def test_an_async_stream_falls_back_before_its_first_item() -> None:
    streams = ScriptedStreams(refusing={SONNET}, items=["a", "b"])
    received = [
        item
        async for item in engine_with().astream(
            SONNET, "eu-west-1", streams.aopen, streams.on_outcome
        )
    ]
    assert received == ["a", "b"]
    assert streams.opened == [SONNET, f"eu.{SONNET}"]
    assert streams.events == ["outcome:regional_cris:2"]


async def test_an_async_stream_that_breaks_after_its_first_item_is_never_sent_again() -> None:
    streams = ScriptedStreams(refusing=set(), items=["a", "b"], fail_after_first=True)
    received: list[str] = []
    with pytest.raises(ClientError, match="broke"):
        await drain(
            engine_with().astream(SONNET, "us-east-1", streams.aopen, streams.on_outcome),
            received,
        )
    assert received == ["a"]
    assert streams.opened == [SONNET]


def test_a_stream_whose_opening_call_is_refused_still_falls_back() -> None:
    opened: list[str] = []

    def open_stream(model_id: str) -> Iterator[str]:
        opened.append(model_id)
        if model_id == SONNET:
            raise profile_required(model_id)
        return iter(["a"])

    outcomes: list[AccessOutcome] = []
    received = list(engine_with().stream(SONNET, "us-east-1", open_stream, outcomes.append))
    assert received == ["a"]
    assert opened == [SONNET, f"us.{SONNET}"]


# outcome in the metadata ------------------------------------------------------------


def test_every_generation_of_a_result_says_how_the_call_was_served() -> None:
    outcome = AccessOutcome(AccessMethod.GLOBAL_CRIS, f"global.{SONNET}", "eu-west-1", 1)
    result = ChatResult(
        generations=[
            ChatGeneration(message=AIMessage("one", response_metadata={"stopReason": "x"})),
            ChatGeneration(message=AIMessage("two")),
        ]
    )
    tagged = with_outcome(result, outcome)
    for generation in tagged.generations:
        assert generation.message.response_metadata["model_id_sent"] == f"global.{SONNET}"
        assert generation.message.response_metadata["access_method_used"] == "global_cris"
    assert tagged.generations[0].message.response_metadata["stopReason"] == "x"


def test_a_merged_stream_carries_its_outcome_once() -> None:
    outcome = AccessOutcome(AccessMethod.REGIONAL_CRIS, f"eu.{SONNET}", "eu-west-1", 2)
    first_chunk = FirstChunkOutcome()
    first_chunk.set(outcome)
    chunks = [
        first_chunk.tag(ChatGenerationChunk(message=AIMessageChunk(content=word)))
        for word in ("one ", "two ", "three")
    ]
    merged = chunks[0] + chunks[1] + chunks[2]
    assert merged.message.content == "one two three"
    assert merged.message.response_metadata == outcome.as_metadata()
    assert [c.message.response_metadata for c in chunks[1:]] == [{}, {}]


# the access policy ----------------------------------------------------------------


def test_a_policy_without_global_stops_where_the_policy_ends_and_says_how_to_allow_more() -> None:
    # ca-central-1 has no geographic profile: only `global.` is left after direct.
    runtime = Runtime("ca-central-1")
    runtime.refuses(SONNET, PROFILE_REQUIRED.format(SONNET))
    engine = engine_with().with_access_methods(("direct", "regional"))
    with runtime.stubber, pytest.raises(ProfileRequirementError) as info:
        engine.run(SONNET, "ca-central-1", runtime.converse)
    assert runtime.sent == [SONNET]
    error = info.value
    assert error.tried == ((SONNET, AccessMethod.DIRECT),)
    assert error.excluded_by_policy == ((f"global.{SONNET}", AccessMethod.GLOBAL_CRIS),)
    assert "which the access policy forbids" in error.message
    assert "access_methods=('direct', 'regional', 'global')" in error.message


def test_a_policy_that_puts_regional_first_sends_the_profile_first() -> None:
    runtime = Runtime("eu-west-1")
    runtime.answers(f"eu.{SONNET}")
    engine = engine_with().with_access_methods(("regional", "direct"))
    with runtime.stubber:
        _, outcome = engine.run(SONNET, "eu-west-1", runtime.converse)
    assert runtime.sent == [f"eu.{SONNET}"]
    assert (outcome.access_method, outcome.attempts) == (AccessMethod.REGIONAL_CRIS, 1)


def test_a_stream_under_a_policy_falls_back_only_inside_it() -> None:
    streams = ScriptedStreams(refusing={SONNET}, items=["a", "b"])
    engine = engine_with().with_access_methods(("direct",))
    with pytest.raises(ProfileRequirementError) as info:
        list(engine.stream(SONNET, "eu-west-1", streams, streams.on_outcome))
    assert streams.opened == [SONNET]
    assert [sent for sent, _ in info.value.excluded_by_policy] == [
        f"eu.{SONNET}",
        f"global.{SONNET}",
    ]


def test_engines_under_other_policies_share_the_tracker_and_learn_for_each_other() -> None:
    runtime = Runtime("eu-west-1")
    runtime.refuses(SONNET, PROFILE_REQUIRED.format(SONNET))
    runtime.answers(f"eu.{SONNET}")
    runtime.answers(f"eu.{SONNET}")
    engine = engine_with()
    resident = engine.with_access_methods(["direct", "regional"])
    assert resident.tracker is engine.tracker
    assert engine.with_access_methods(["direct", "regional", "global"]) is engine
    with runtime.stubber:
        engine.run(SONNET, "eu-west-1", runtime.converse)
        resident.run(SONNET, "eu-west-1", runtime.converse)
    # What the default engine learned (a profile is required) spared the second a request.
    assert runtime.sent == [SONNET, f"eu.{SONNET}", f"eu.{SONNET}"]
