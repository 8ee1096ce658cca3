"""The access policy (`access_methods=`) holds on every path, through real boto3 to the emulator.

In the bundled world Claude Sonnet 4.5 has no on-demand throughput; it has `us.`,
`eu.`, `jp.`, `au.` and `global.` profiles. In ca-central-1, which belongs to no
geographic profile, only `global.` serves it. Under a data-residency policy
(`("direct", "regional")`) nothing may ever send a `global.` ID: not the catalog's
choice, not a learned preference, not the retry wrapper's failover or model fallback.

`PATHS` lists the ways a call is made. Each takes the chat model, makes one call
with it, and returns the answer (an `AIMessage`, or a stream merged into one
chunk) or raises; every test below runs each of them. `FACADE_PATHS` does the same
for `BedrockLLMClient`, whose answers are text, so its tests read the emulator's log.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config

from langchain_bedrock_enhanced import (
    BedrockEnhancedError,
    BedrockLLMClient,
    EnhancedChatBedrockConverse,
    ProfileRequirementError,
    create_langchain_chatbedrock,
    run_parallel,
)
from langchain_bedrock_enhanced.access import AccessMethod, AccessMethodTracker
from langchain_bedrock_enhanced.emulator import BedrockEmulator
from langchain_bedrock_enhanced.errors import BedrockRetryError, iter_causes

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU_45 = "anthropic.claude-haiku-4-5-20251001-v1:0"
RESIDENT = ("direct", "regional")
"""A data-residency policy: no `global.` profile."""
GLOBAL_ONLY = "ca-central-1"
"""A region where only the `global.` profile serves Sonnet 4.5 (no geographic profile)."""
NO_BOTOCORE_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


# The paths a call can take ------------------------------------------------------

Path = Callable[[EnhancedChatBedrockConverse], Any]


def _invoke(model: EnhancedChatBedrockConverse) -> Any:
    return model.invoke("hello")


def _stream(model: EnhancedChatBedrockConverse) -> Any:
    chunks = list(model.stream("hello"))
    return sum(chunks[1:], chunks[0])


async def _ainvoke(model: EnhancedChatBedrockConverse) -> Any:
    return await model.ainvoke("hello")


async def _astream(model: EnhancedChatBedrockConverse) -> Any:
    chunks = [chunk async for chunk in model.astream("hello")]
    return sum(chunks[1:], chunks[0])


def _batch(model: EnhancedChatBedrockConverse) -> Any:
    (answer,) = model.batch(["hello"], return_exceptions=True)
    if isinstance(answer, BaseException):
        raise answer
    return answer


def _failover_regions(model: EnhancedChatBedrockConverse) -> list[str]:
    # The global-only region first: the wrapper must fail over without sending there.
    return list(dict.fromkeys([GLOBAL_ONLY, model.request_region]))


def _retry_invoke(model: EnhancedChatBedrockConverse) -> Any:
    robust = model.with_bedrock_retry(regions=_failover_regions(model), backoff_base=0)
    return robust.invoke("hello")


async def _retry_astream(model: EnhancedChatBedrockConverse) -> Any:
    robust = model.with_bedrock_retry(regions=_failover_regions(model), backoff_base=0)
    chunks = [chunk async for chunk in robust.astream("hello")]
    return sum(chunks[1:], chunks[0])


def _run_parallel(model: EnhancedChatBedrockConverse) -> Any:
    (result,) = run_parallel(model, ["hello"], progress=False)
    if result.error is not None:
        raise result.error
    return result.output


PATHS: dict[str, Path] = {
    "invoke": _invoke,
    "stream": _stream,
    "ainvoke": _ainvoke,
    "astream": _astream,
    "batch": _batch,
    "with_bedrock_retry.invoke": _retry_invoke,
    "with_bedrock_retry.astream": _retry_astream,
    "run_parallel": _run_parallel,
}


async def _call(path: str, model: EnhancedChatBedrockConverse) -> Any:
    result = PATHS[path](model)
    return await result if inspect.isawaitable(result) else result


# Helpers ---------------------------------------------------------------------------


def _runtime(emu: BedrockEmulator) -> list[tuple[str | None, str, int]]:
    return [(r.model_id, r.region, r.status) for r in emu.requests if r.is_runtime]


def _sent_global_ids(emu: BedrockEmulator) -> list[str]:
    return [
        r.model_id for r in emu.requests if r.is_runtime and r.model_id and "global." in r.model_id
    ]


def _model(
    emu: BedrockEmulator,
    region: str,
    *,
    tracker: AccessMethodTracker | None = None,
    **kwargs: Any,
) -> EnhancedChatBedrockConverse:
    return create_langchain_chatbedrock(
        SONNET,
        region_name=region,
        endpoint_url=emu.endpoint_url,
        tracker=tracker or AccessMethodTracker(),
        config=NO_BOTOCORE_RETRIES,
        **kwargs,
    )


def _learned_global(*regions: str) -> AccessMethodTracker:
    """A tracker that learned (say, from a shared store) that `global.` serves Sonnet."""
    tracker = AccessMethodTracker()
    for region in regions:
        tracker.record_profile_requirement(SONNET, region)
        tracker.record_success(SONNET, region, AccessMethod.GLOBAL_CRIS, f"global.{SONNET}")
    return tracker


def _profile_requirement(error: BaseException) -> ProfileRequirementError:
    found = next((e for e in iter_causes(error) if isinstance(e, ProfileRequirementError)), None)
    assert found is not None, f"no ProfileRequirementError behind {error!r}"
    return found


# Tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", list(PATHS))
async def test_a_model_only_a_global_profile_serves_is_refused_before_any_request(
    emulator: BedrockEmulator, path: str
) -> None:
    model = _model(emulator, GLOBAL_ONLY, access_methods=RESIDENT)
    with pytest.raises(BedrockEnhancedError) as info:
        await _call(path, model)
    error = _profile_requirement(info.value)
    assert error.excluded_by_policy == ((f"global.{SONNET}", AccessMethod.GLOBAL_CRIS),)
    assert "which the access policy forbids" in error.message
    assert "access_methods=('direct', 'regional', 'global')" in error.message
    assert _runtime(emulator) == []


@pytest.mark.parametrize("path", list(PATHS))
async def test_without_the_catalog_the_allowed_methods_are_tried_and_global_never(
    emulator: BedrockEmulator, path: str
) -> None:
    model = _model(emulator, GLOBAL_ONLY, catalog=False, access_methods=RESIDENT)
    with pytest.raises(BedrockEnhancedError) as info:
        await _call(path, model)
    assert _profile_requirement(info.value).excluded_by_policy == (
        (f"global.{SONNET}", AccessMethod.GLOBAL_CRIS),
    )
    # Only the bare ID was worth a request: no geographic profile exists to guess.
    assert {model_id for model_id, _, _ in _runtime(emulator)} == {SONNET}
    assert _sent_global_ids(emulator) == []


@pytest.mark.parametrize("path", list(PATHS))
async def test_a_learned_global_profile_never_takes_a_call_outside_the_policy(
    emulator: BedrockEmulator, path: str
) -> None:
    tracker = _learned_global("us-east-1", GLOBAL_ONLY)
    model = _model(emulator, "us-east-1", tracker=tracker, access_methods=RESIDENT)
    answer = await _call(path, model)
    assert answer.response_metadata["model_id_sent"] == f"us.{SONNET}"
    assert _runtime(emulator) == [(f"us.{SONNET}", "us-east-1", 200)]


@pytest.mark.parametrize("path", list(PATHS))
async def test_the_default_policy_still_uses_what_was_learned_global_included(
    emulator: BedrockEmulator, path: str
) -> None:
    tracker = _learned_global("us-east-1", GLOBAL_ONLY)
    model = _model(emulator, "us-east-1", tracker=tracker)
    answer = await _call(path, model)
    assert answer.response_metadata["model_id_sent"] == f"global.{SONNET}"
    assert _sent_global_ids(emulator) == [f"global.{SONNET}"]


def test_the_policy_comes_from_bedrock_access_methods_when_not_given(
    emulator: BedrockEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEDROCK_ACCESS_METHODS", "direct,regional")
    model = _model(emulator, GLOBAL_ONLY)
    with pytest.raises(ProfileRequirementError, match="BEDROCK_ACCESS_METHODS"):
        model.invoke("hello")
    assert _runtime(emulator) == []


def test_the_default_policy_still_falls_back_to_the_global_profile(
    emulator: BedrockEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BEDROCK_ACCESS_METHODS", raising=False)
    without_catalog = _model(emulator, GLOBAL_ONLY, catalog=False)
    with_catalog = _model(emulator, GLOBAL_ONLY)
    first = without_catalog.invoke("hello")
    second = with_catalog.invoke("hello")
    assert first.response_metadata["access_method_used"] == "global_cris"
    assert second.response_metadata["access_method_used"] == "global_cris"
    assert _runtime(emulator) == [
        (SONNET, GLOBAL_ONLY, 400),
        (f"global.{SONNET}", GLOBAL_ONLY, 200),
        (f"global.{SONNET}", GLOBAL_ONLY, 200),
    ]


def test_region_failover_from_a_throttled_regional_profile_skips_the_global_only_region(
    caplog: pytest.LogCaptureFixture,
) -> None:
    throttled = {
        "match": {"model_id": f"us.{SONNET}", "region": "us-east-1"},
        "error": "ThrottlingException",
    }
    with BedrockEmulator(scenario={"faults": [throttled]}) as emu:
        model = _model(emu, "us-east-1", access_methods=RESIDENT)
        robust = model.with_bedrock_retry(
            regions=["us-east-1", GLOBAL_ONLY, "eu-west-1"], max_attempts=2, backoff_base=0
        )
        with caplog.at_level(logging.WARNING, logger="langchain_bedrock_enhanced.runnables.retry"):
            answer = robust.invoke("hello")
    assert answer.response_metadata["model_id_sent"] == f"eu.{SONNET}"
    assert any("under the access policy" in r.getMessage() for r in caplog.records)
    assert _runtime(emu) == [
        (f"us.{SONNET}", "us-east-1", 429),
        (f"us.{SONNET}", "us-east-1", 429),
        (f"eu.{SONNET}", "eu-west-1", 200),
    ]


def test_model_fallback_keeps_the_policy_for_the_fallback_model() -> None:
    # Sonnet is throttled everywhere; Haiku 4.5, the fallback, is profile-only too.
    throttled = {"match": {"model_id": SONNET}, "error": "ThrottlingException"}
    with BedrockEmulator(scenario={"faults": [throttled]}) as emu:
        model = _model(emu, GLOBAL_ONLY, access_methods=RESIDENT)
        robust = model.with_bedrock_retry(
            regions=[GLOBAL_ONLY, "us-east-1"],
            fallback_models=[HAIKU_45],
            max_attempts=1,
            backoff_base=0,
        )
        answer = robust.invoke("hello")
    assert answer.response_metadata["model_id_sent"] == f"us.{HAIKU_45}"
    assert _runtime(emu) == [
        (f"us.{SONNET}", "us-east-1", 429),
        (f"us.{HAIKU_45}", "us-east-1", 200),
    ]


def test_every_attempt_of_a_walk_the_policy_ends_is_listed(emulator: BedrockEmulator) -> None:
    model = _model(emulator, GLOBAL_ONLY, access_methods=RESIDENT)
    robust = model.with_bedrock_retry(fallback_models=[HAIKU_45], backoff_base=0)
    with pytest.raises(BedrockRetryError) as info:
        robust.invoke("hello")
    assert [(a.model_id, a.region) for a in info.value.attempts] == [
        (SONNET, GLOBAL_ONLY),
        (HAIKU_45, GLOBAL_ONLY),
    ]
    assert all(a.outcome.startswith("ProfileRequirementError") for a in info.value.attempts)
    assert _runtime(emulator) == []


# The facade: BedrockLLMClient --------------------------------------------------------
# It answers text (or a dict), not a message, so its tests read the emulator's log.

TRIP = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


def _client(
    emu: BedrockEmulator,
    region: str,
    *,
    tracker: AccessMethodTracker | None = None,
    **kwargs: Any,
) -> BedrockLLMClient:
    return BedrockLLMClient(
        SONNET,
        region_name=region,
        endpoint_url=emu.endpoint_url,
        tracker=tracker or AccessMethodTracker(),
        config=NO_BOTOCORE_RETRIES,
        retry_options={"backoff_base": 0},
        **kwargs,
    )


FacadePath = Callable[[BedrockLLMClient], Any]
FACADE_PATHS: dict[str, FacadePath] = {
    "generate": lambda client: client.generate("hello"),
    "agenerate": lambda client: client.agenerate("hello"),
    "generate_with_retry": lambda client: client.generate_with_retry("hello", max_retries=1),
    "agenerate_with_retry": lambda client: client.agenerate_with_retry("hello", max_retries=1),
    "generate_structured": lambda client: client.generate_structured("Paris", TRIP),
    "stream": lambda client: "".join(client.stream("hello")),
}


async def _call_client(path: str, client: BedrockLLMClient) -> Any:
    result = FACADE_PATHS[path](client)
    return await result if inspect.isawaitable(result) else result


@pytest.mark.parametrize("api", ["converse", "invoke"])
@pytest.mark.parametrize("path", list(FACADE_PATHS))
async def test_the_facade_refuses_a_global_only_model_before_any_request(
    emulator: BedrockEmulator, path: str, api: str
) -> None:
    if api == "invoke" and path == "stream":
        pytest.skip("a stream is always ConverseStream")
    client = _client(emulator, GLOBAL_ONLY, access_methods=RESIDENT, api=api)
    with pytest.raises(BedrockEnhancedError) as info:
        await _call_client(path, client)
    assert _profile_requirement(info.value).excluded_by_policy == (
        (f"global.{SONNET}", AccessMethod.GLOBAL_CRIS),
    )
    assert _runtime(emulator) == []


@pytest.mark.parametrize("path", list(FACADE_PATHS))
async def test_the_facade_never_sends_a_learned_global_profile_outside_the_policy(
    emulator: BedrockEmulator, path: str
) -> None:
    tracker = _learned_global("us-east-1", GLOBAL_ONLY)
    client = _client(emulator, "us-east-1", tracker=tracker, access_methods=RESIDENT)
    assert await _call_client(path, client)
    assert {model_id for model_id, _, _ in _runtime(emulator)} == {f"us.{SONNET}"}
    assert _sent_global_ids(emulator) == []


async def test_the_facade_follows_the_policy_from_the_environment(
    emulator: BedrockEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEDROCK_ACCESS_METHODS", "direct,regional")
    with pytest.raises(ProfileRequirementError):
        _client(emulator, GLOBAL_ONLY).generate("hello")
    assert _runtime(emulator) == []
