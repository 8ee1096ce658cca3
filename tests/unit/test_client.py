"""`BedrockLLMClient`'s configuration: arguments, the environment, and its errors."""

from __future__ import annotations

import pytest

from langchain_bedrock_enhanced import (
    BedrockLLMClient,
    ConfigurationError,
    ModelType,
    RateLimitExceededError,
    create_llm_client,
)
from langchain_bedrock_enhanced.runnables import BedrockRateLimiter

NOVA = "amazon.nova-lite-v1:0"


@pytest.fixture(autouse=True)
def _no_bedrock_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "BEDROCK_MODEL_ID",
        "BEDROCK_TEMPERATURE",
        "BEDROCK_MAX_TOKENS",
        "BEDROCK_REQUESTS_PER_MINUTE",
    ):
        monkeypatch.delenv(name, raising=False)


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEDROCK_MODEL_ID", "amazon.nova-pro-v1:0")
    monkeypatch.setenv("BEDROCK_TEMPERATURE", "0.9")
    client = BedrockLLMClient(NOVA, temperature=0.1)
    assert (client.model_id, client.temperature) == (NOVA, 0.1)


def test_unset_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEDROCK_MODEL_ID", NOVA)
    monkeypatch.setenv("BEDROCK_TEMPERATURE", "0.25")
    monkeypatch.setenv("BEDROCK_MAX_TOKENS", "512")
    monkeypatch.setenv("BEDROCK_REQUESTS_PER_MINUTE", "50")
    client = create_llm_client()
    assert client.model_id == NOVA
    assert client.temperature == 0.25
    assert client.max_tokens == 512
    assert client.requests_per_minute == 50.0
    assert isinstance(client.rate_limiter, BedrockRateLimiter)


def test_a_missing_model_names_the_variable() -> None:
    with pytest.raises(ConfigurationError, match="BEDROCK_MODEL_ID"):
        BedrockLLMClient()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BEDROCK_TEMPERATURE", "warm"),
        ("BEDROCK_TEMPERATURE", "-1"),
        ("BEDROCK_MAX_TOKENS", "1.5"),
        ("BEDROCK_MAX_TOKENS", "0"),
        ("BEDROCK_REQUESTS_PER_MINUTE", "fast"),
    ],
)
def test_an_unparsable_value_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=variable):
        BedrockLLMClient(NOVA)


@pytest.mark.parametrize(
    "options",
    [
        {"api": "rest"},
        {"on_rate_limit": "drop"},
        {"max_retries": -1},
        {"requests_per_minute": 10, "rate_limiter": BedrockRateLimiter(requests_per_second=1)},
        {"retry_options": {"max_attempts": 5}},
    ],
)
def test_bad_options_raise_configuration_errors(options: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        BedrockLLMClient(NOVA, **options)  # type: ignore[arg-type]


def test_a_client_starts_with_one_free_request_slot() -> None:
    client = BedrockLLMClient(NOVA, requests_per_minute=1)
    assert client.rate_limiter is not None
    assert client.rate_limiter.acquire(blocking=False) is True
    assert client.rate_limiter.acquire(blocking=False) is False


def test_on_rate_limit_raise_refuses_instead_of_waiting() -> None:
    client = BedrockLLMClient(NOVA, requests_per_minute=1, on_rate_limit="raise")
    assert client.rate_limiter is not None
    client.rate_limiter.acquire()
    with pytest.raises(RateLimitExceededError, match="1 requests per minute"):
        client.rate_limiter.acquire()


def test_a_model_type_member_names_the_model() -> None:
    client = BedrockLLMClient(ModelType.NOVA_PRO)
    assert client.model_id == "amazon.nova-pro-v1:0"
    assert type(client.model_id) is str
