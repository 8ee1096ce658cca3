"""`BedrockLLMClient` over the real wire: text, structured answers, retries, invoke, pacing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from langchain_bedrock_enhanced import (
    AccessDeniedError,
    BedrockLLMClient,
    ConfigurationError,
    RateLimitExceededError,
    StructuredOutputError,
)
from langchain_bedrock_enhanced.emulator import BedrockEmulator

NOVA = "amazon.nova-pro-v1:0"
# Served only through its profile in us-east-1: the bare ID exercises fallback.
CLAUDE_BARE = "anthropic.claude-haiku-4-5-20251001-v1:0"
TRIP = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "days": {"type": "integer", "minimum": 1},
    },
    "required": ["city", "days"],
}


class Person(BaseModel):
    """A person mentioned in the text."""

    name: str
    age: int


@pytest.fixture
def emu() -> Iterator[BedrockEmulator]:
    with BedrockEmulator() as emulator:
        yield emulator


def _client(emulator: BedrockEmulator, model_id: str = NOVA, **options: Any) -> BedrockLLMClient:
    return BedrockLLMClient(
        model_id, region_name="us-east-1", endpoint_url=emulator.endpoint_url, **options
    )


def _runtime(emulator: BedrockEmulator) -> list[tuple[str, str | None, int]]:
    return [(r.operation, r.model_id, r.status) for r in emulator.requests if r.is_runtime]


# ----------------------------------------------------------------- generate


def test_generate_returns_the_answer_text_and_counts_usage(emu: BedrockEmulator) -> None:
    client = _client(emu)
    text = client.generate("Say hello", system_prompt="Be brief.")
    assert "Say hello" in text
    assert _runtime(emu) == [("Converse", NOVA, 200)]
    usage = client.usage
    assert usage.successful_requests == 1
    assert usage.input_tokens > 0
    assert usage.output_tokens > 0
    assert list(usage.by_access_method) == ["direct"]


def test_generate_falls_back_to_the_profile_for_a_profile_only_model(
    emu: BedrockEmulator,
) -> None:
    client = _client(emu, CLAUDE_BARE)
    assert client.generate("Hi")
    sent = [model_id for _, model_id, status in _runtime(emu) if status == 200]
    assert sent == [f"us.{CLAUDE_BARE}"]
    assert list(client.usage.by_access_method) == ["regional_cris"]


def test_per_call_settings_reach_the_request(emu: BedrockEmulator) -> None:
    client = _client(emu, temperature=0.2, max_tokens=100)
    client.generate("Hi", temperature=0.7, max_tokens=50)
    body = emu.requests[-1].body or {}
    assert body["inferenceConfig"]["temperature"] == 0.7
    assert body["inferenceConfig"]["maxTokens"] == 50


def test_a_permanent_error_is_raised_typed(emu: BedrockEmulator) -> None:
    emu.set_scenario({"faults": [{"match": {"model_id": NOVA}, "error": "AccessDeniedException"}]})
    with pytest.raises(AccessDeniedError):
        _client(emu).generate("Hi")
    assert client_failures(emu) == 1


def client_failures(emulator: BedrockEmulator) -> int:
    return sum(1 for r in emulator.requests if r.is_runtime and r.status >= 400)


# ------------------------------------------------------- generate_with_retry


def _throttle_twice() -> dict[str, Any]:
    return {"faults": [{"match": {"model_id": NOVA}, "error": "ThrottlingException", "times": 2}]}


def test_generate_with_retry_succeeds_after_two_throttles_with_three_requests() -> None:
    with BedrockEmulator(scenario=_throttle_twice()) as emulator:
        client = _client(emulator, retry_options={"backoff_base": 0.01})
        assert client.generate_with_retry("Hi", max_retries=2)
    assert [status for _, _, status in _runtime(emulator)] == [429, 429, 200]


def test_generate_with_retry_raises_a_permanent_error_after_one_request() -> None:
    fault = {"match": {"model_id": NOVA}, "error": "AccessDeniedException"}
    with (
        BedrockEmulator(scenario={"faults": [fault]}) as emulator,
        pytest.raises(AccessDeniedError),
    ):
        _client(emulator, retry_options={"backoff_base": 0.01}).generate_with_retry("Hi")
    assert len(_runtime(emulator)) == 1


# ------------------------------------------------------ generate_structured


def test_generate_structured_with_a_json_schema_returns_a_valid_dict(
    emu: BedrockEmulator,
) -> None:
    answer = _client(emu).generate_structured("Plan a trip to Paris for 3 days", TRIP)
    assert isinstance(answer, dict)
    assert isinstance(answer["city"], str)
    assert answer["days"] >= 1
    body = emu.requests[-1].body or {}
    assert body["toolConfig"]["tools"][0]["toolSpec"]["name"] == "structured_answer"


def test_generate_structured_with_a_pydantic_class_returns_an_instance(
    emu: BedrockEmulator,
) -> None:
    answer = _client(emu, CLAUDE_BARE).generate_structured("Alice is 30.", Person)
    assert isinstance(answer, Person)


def test_generate_structured_raises_with_the_raw_text_when_answers_never_match(
    emu: BedrockEmulator,
) -> None:
    # Contradictory: no answer can match, so every answer is rejected.
    impossible = {
        "type": "object",
        "properties": {"n": {"type": "integer"}},
        "required": ["n"],
        "not": {"required": ["n"]},
    }
    with pytest.raises(StructuredOutputError) as caught:
        _client(emu, max_retries=1).generate_structured("Give me n", impossible)
    assert caught.value.validation_errors
    assert caught.value.raw_text
    assert len(_runtime(emu)) == 2  # the first answer and one corrective retry


@pytest.mark.parametrize("model_id", [NOVA, "us.meta.llama3-3-70b-instruct-v1:0"])
def test_generate_structured_with_api_invoke_extracts_json_from_the_text(
    emu: BedrockEmulator, model_id: str
) -> None:
    client = _client(emu, model_id, api="invoke")
    answer = client.generate_structured("Plan a trip to Paris for 3 days", TRIP)
    assert isinstance(answer["city"], str)
    assert answer["days"] >= 1
    [record] = [r for r in emu.requests if r.is_runtime]
    assert record.operation == "InvokeModel"
    assert "JSON Schema" in json.dumps(record.body)  # asked in the prompt, not as a tool


# ------------------------------------------------------------- async twins


def test_each_async_twin_answers(emu: BedrockEmulator) -> None:
    client = _client(emu, retry_options={"backoff_base": 0.01})

    async def main() -> tuple[str, str, Any]:
        return (
            await client.agenerate("Hi"),
            await client.agenerate_with_retry("Hi"),
            await client.agenerate_structured("Alice is 30.", Person),
        )

    text, retried, person = asyncio.run(main())
    assert text
    assert retried
    assert isinstance(person, Person)
    assert client.usage.successful_requests == 3


# ------------------------------------------------------------ api="invoke"


@pytest.mark.parametrize(
    ("model_id", "sent", "body_check"),
    [
        (
            CLAUDE_BARE,
            f"us.{CLAUDE_BARE}",
            lambda body: body["anthropic_version"] == "bedrock-2023-05-31" and body["messages"],
        ),
        (NOVA, NOVA, lambda body: body["schemaVersion"] == "messages-v1"),
        (
            "us.meta.llama3-3-70b-instruct-v1:0",
            "us.meta.llama3-3-70b-instruct-v1:0",
            lambda body: body["prompt"].startswith("<|begin_of_text|>"),
        ),
        (
            "mistral.mistral-large-2407-v1:0",
            "mistral.mistral-large-2407-v1:0",
            lambda body: body["prompt"].startswith("<s>[INST]"),
        ),
    ],
)
def test_api_invoke_sends_the_native_body_and_reports_like_converse(
    model_id: str, sent: str, body_check: Any
) -> None:
    region = "us-west-2" if model_id.startswith("mistral.") else "us-east-1"
    with BedrockEmulator() as emulator:
        client = BedrockLLMClient(
            model_id, region_name=region, endpoint_url=emulator.endpoint_url, api="invoke"
        )
        text = client.generate("Say hello", system_prompt="Be brief.")
        converse = BedrockLLMClient(
            model_id, region_name=region, endpoint_url=emulator.endpoint_url
        )
        converse_text = converse.generate("Say hello", system_prompt="Be brief.")
    invoked = [r for r in emulator.requests if r.operation == "InvokeModel" and r.status == 200]
    assert [r.model_id for r in invoked] == [sent]
    assert body_check(invoked[0].body)
    assert "Say hello" in text
    assert "Say hello" in converse_text
    assert client.usage.input_tokens > 0
    assert client.usage.output_tokens > 0
    assert client.usage.by_access_method.keys() == converse.usage.by_access_method.keys()


# ------------------------------------------------------------------ pacing


def test_calls_draw_from_the_clients_rate_limiter(emu: BedrockEmulator) -> None:
    client = _client(emu, requests_per_minute=1)
    client.generate("Hi")
    assert client.rate_limiter is not None
    assert client.rate_limiter.acquire(blocking=False) is False  # the one slot was used


def test_on_rate_limit_raise_refuses_before_any_request(emu: BedrockEmulator) -> None:
    client = _client(emu, requests_per_minute=1, on_rate_limit="raise")
    client.generate("Hi")
    with pytest.raises(RateLimitExceededError) as caught:
        client.generate("Hi again")
    assert caught.value.requests_per_minute == 1.0
    assert len(_runtime(emu)) == 1


def test_environment_configuration_builds_the_client(
    emu: BedrockEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BEDROCK_MODEL_ID", NOVA)
    monkeypatch.setenv("BEDROCK_TEMPERATURE", "0.3")
    monkeypatch.setenv("BEDROCK_MAX_TOKENS", "77")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", emu.endpoint_url)
    client = BedrockLLMClient()
    client.generate("Hi")
    record = emu.requests[-1]
    assert (record.model_id, record.region) == (NOVA, "us-east-1")
    assert record.body is not None
    assert record.body["inferenceConfig"] == {"temperature": 0.3, "maxTokens": 77}


@pytest.mark.parametrize(
    ("variable", "value"),
    [("BEDROCK_MODEL_ID", ""), ("BEDROCK_MAX_TOKENS", "many"), ("BEDROCK_TEMPERATURE", "hot")],
)
def test_a_bad_environment_fails_before_any_request(
    emu: BedrockEmulator, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv("BEDROCK_MODEL_ID", NOVA)
    monkeypatch.setenv("AWS_ENDPOINT_URL", emu.endpoint_url)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=variable):
        BedrockLLMClient().generate("Hi")
    assert emu.requests == []
