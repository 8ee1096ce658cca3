"""`with_bedrock_retry`: backoff, region failover and model fallback over the real wire."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.tools import tool
from pydantic import BaseModel

from langchain_bedrock_enhanced import AccessDeniedError, create_langchain_chatbedrock
from langchain_bedrock_enhanced.emulator import BedrockEmulator
from langchain_bedrock_enhanced.runnables.retry import BedrockRetryError, with_bedrock_retry

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def _model(emu: BedrockEmulator, model_id: str = HAIKU, region: str = "us-east-1") -> Any:
    return create_langchain_chatbedrock(
        model_id, region_name=region, endpoint_url=emu.endpoint_url, catalog=False
    )


def _runtime(emu: BedrockEmulator) -> list[tuple[str | None, str, int]]:
    return [(r.model_id, r.region, r.status) for r in emu.requests if r.is_runtime]


def test_throttled_twice_succeeds_on_the_third_attempt() -> None:
    fault = {"match": {"model_id": HAIKU}, "error": "ThrottlingException", "times": 2}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        robust = with_bedrock_retry(_model(emu), max_attempts=3, backoff_base=0)
        message = robust.invoke("hello")
    assert message.content
    assert [status for _, _, status in _runtime(emu)] == [429, 429, 200]


def test_region_failover_when_the_first_region_always_answers_503() -> None:
    fault = {
        "match": {"model_id": HAIKU, "region": "us-east-1"},
        "error": "ServiceUnavailableException",
    }
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        robust = with_bedrock_retry(
            _model(emu), regions=["us-east-1", "us-west-2"], max_attempts=2, backoff_base=0
        )
        message = robust.invoke("hello")
    assert message.response_metadata["region"] == "us-west-2"
    assert _runtime(emu) == [
        (HAIKU, "us-east-1", 503),
        (HAIKU, "us-east-1", 503),
        (HAIKU, "us-west-2", 200),
    ]


def test_permanent_error_raises_at_once() -> None:
    fault = {"match": {"model_id": HAIKU}, "error": "AccessDeniedException"}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        robust = with_bedrock_retry(
            _model(emu), regions=["us-east-1", "us-west-2"], max_attempts=3, backoff_base=0
        )
        with pytest.raises(AccessDeniedError):
            robust.invoke("hello")
    assert len(_runtime(emu)) == 1


def test_model_fallback_after_the_primary_is_exhausted_and_every_attempt_is_listed() -> None:
    fault = {"match": {"model_id": HAIKU}, "error": "ThrottlingException"}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        robust = with_bedrock_retry(
            _model(emu), fallback_models=["amazon.nova-lite-v1:0"], max_attempts=2, backoff_base=0
        )
        message = robust.invoke("hello")
        assert message.response_metadata["model_id_sent"] == "amazon.nova-lite-v1:0"

        nothing_works = with_bedrock_retry(_model(emu), max_attempts=2, backoff_base=0)
        with pytest.raises(BedrockRetryError) as info:
            nothing_works.invoke("hello")
    attempts = info.value.attempts
    assert [(a.model_id, a.region, a.access_method) for a in attempts] == [
        (HAIKU, "us-east-1", "direct")
    ] * 2
    assert all(a.outcome.startswith("ThrottlingError") for a in attempts)
    assert "ThrottlingException" in str(info.value.__cause__)


def test_a_region_without_the_required_profile_moves_on_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # In this world Sonnet 4.5 is listed in eu-west-1 but has only `us.` profiles, so
    # eu-west-1 cannot serve it: the catalog knows, and no request is wasted there.
    override = {
        "model_id": SONNET,
        "profile_prefixes": ["us"],
        "regions": ["eu-west-1", "us-east-1", "us-east-2", "us-west-2"],
    }
    scenario = {"world": {"models": [override]}}
    with BedrockEmulator(scenario=scenario) as emu:
        model = create_langchain_chatbedrock(
            SONNET, region_name="eu-west-1", endpoint_url=emu.endpoint_url
        )
        robust = with_bedrock_retry(model, regions=["eu-west-1", "us-east-1"], backoff_base=0)
        with caplog.at_level(logging.WARNING, logger="langchain_bedrock_enhanced.runnables.retry"):
            message = robust.invoke("hello")
    assert message.response_metadata["model_id_sent"] == f"us.{SONNET}"
    assert any("does not offer" in r.getMessage() for r in caplog.records)
    assert _runtime(emu) == [(f"us.{SONNET}", "us-east-1", 200)]


def test_wrapping_is_kept_by_bind_tools_and_with_structured_output() -> None:
    @tool
    def get_weather(city: str) -> str:
        """Get the current weather for a city."""
        return city

    class City(BaseModel):
        name: str

    fault = {"match": {"model_id": HAIKU}, "error": "ThrottlingException", "times": 2}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        robust = with_bedrock_retry(_model(emu), max_attempts=3, backoff_base=0)
        tool_message = robust.bind_tools([get_weather]).invoke("Use get_weather for Paris")
        city = robust.with_structured_output(City).invoke("Name a city")
    assert tool_message.tool_calls[0]["name"] == "get_weather"
    assert isinstance(city, City)
    assert [status for _, _, status in _runtime(emu)] == [429, 429, 200, 200]
    assert "toolConfig" in emu.requests[2].body
    assert emu.requests[3].body["toolConfig"]["tools"][0]["toolSpec"]["name"] == "City"


def test_batch_retries_only_the_failed_items() -> None:
    fault = {"match": {"model_id": HAIKU}, "error": "ThrottlingException", "times": 1}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        robust = with_bedrock_retry(_model(emu), max_attempts=2, backoff_base=0)
        results = robust.batch(["one", "two", "three"], config={"max_concurrency": 1})
    assert len(results) == 3
    assert [status for _, _, status in _runtime(emu)] == [429, 200, 200, 200]


async def test_async_stream_retries_before_the_first_chunk_only_once_visible() -> None:
    fault = {"match": {"operation": "ConverseStream"}, "error": "ThrottlingException", "times": 1}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        robust = with_bedrock_retry(_model(emu), max_attempts=2, backoff_base=0)
        chunks = [chunk async for chunk in robust.astream("Count the stars")]
        whole = _model(emu).invoke("Count the stars")
    assert "".join(chunk.text for chunk in chunks) == whole.text


def test_each_attempt_is_tagged_in_callbacks() -> None:
    class Tags(BaseCallbackHandler):
        def __init__(self) -> None:
            self.tags: list[list[str]] = []

        def on_chat_model_start(
            self, serialized: Any, messages: Any, *, run_id: UUID, tags: Any = None, **kwargs: Any
        ) -> None:
            self.tags.append(list(tags or []))

    fault = {"match": {"model_id": HAIKU}, "error": "ThrottlingException", "times": 1}
    handler = Tags()
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        robust = with_bedrock_retry(_model(emu), max_attempts=2, backoff_base=0)
        robust.invoke("hello", config={"callbacks": [handler]})
    assert [t for tags in handler.tags for t in tags if t.startswith("retry:")] == [
        "retry:attempt:1",
        "retry:attempt:2",
    ]


def test_model_method_builds_the_same_wrapper(emulator: BedrockEmulator) -> None:
    robust = _model(emulator).with_bedrock_retry(regions=["us-west-2"], backoff_base=0)
    assert robust.invoke("hello").response_metadata["region"] == "us-west-2"


def test_a_model_without_region_name_is_retried_in_its_clients_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from langchain_bedrock_enhanced import EnhancedChatBedrockConverse

    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    with BedrockEmulator() as emu:
        model = EnhancedChatBedrockConverse(model=HAIKU, endpoint_url=emu.endpoint_url)
        assert model.region_name is None
        message = with_bedrock_retry(model, max_attempts=1).invoke("hello")
    assert message.response_metadata["region"] == "eu-west-1"
    assert [region for _, region, _ in _runtime(emu)] == ["eu-west-1"]
