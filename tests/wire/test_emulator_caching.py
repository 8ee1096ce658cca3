"""Prompt caching on the wire: a write, then a read, then expiry; and what it costs."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from langchain_core.messages import HumanMessage, SystemMessage

from langchain_bedrock_enhanced import create_langchain_chatbedrock, get_bedrock_usage_callback
from langchain_bedrock_enhanced.catalog.pricing import price_for
from langchain_bedrock_enhanced.emulator import BedrockEmulator
from tests.wire.conftest import ClientFactory

pytestmark = pytest.mark.emulator

SONNET_45 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"  # 1,024 tokens a checkpoint; 5m, 1h
SONNET_46 = "us.anthropic.claude-sonnet-4-6"  # 1,024 tokens a checkpoint
HAIKU_45 = "us.anthropic.claude-haiku-4-5-20251001-v1:0"  # 4,096 tokens a checkpoint
OPUS_47 = "us.anthropic.claude-opus-4-7"  # 5m TTL only
NOVA = "amazon.nova-lite-v1:0"  # caching not modelled
# The emulator counts about four characters a token: this prompt is 1,250 tokens.
HANDBOOK = "rule " * 1000
HANDBOOK_TOKENS = 1250


def _body(*, ttl: str | None = None, question: str = "Which rule applies?") -> dict[str, Any]:
    point: dict[str, Any] = {"type": "default"} if ttl is None else {"type": "default", "ttl": ttl}
    return {
        "system": [{"text": HANDBOOK}, {"cachePoint": point}],
        "messages": [{"role": "user", "content": [{"text": question}]}],
    }


def _usage(
    runtime: ClientFactory, model_id: str = SONNET_45, region: str = "us-east-1", **body: Any
) -> dict[str, Any]:
    request = body or _body()
    return runtime(region).converse(modelId=model_id, **request)["usage"]  # type: ignore[no-any-return]


def test_the_first_call_writes_the_prefix_and_a_repeat_reads_it(runtime: ClientFactory) -> None:
    first = _usage(runtime)
    second = _usage(runtime)
    assert first["cacheWriteInputTokens"] == HANDBOOK_TOKENS
    assert first["cacheReadInputTokens"] == 0
    assert first["cacheDetails"] == [{"ttl": "5m", "inputTokens": HANDBOOK_TOKENS}]
    assert second["cacheReadInputTokens"] == HANDBOOK_TOKENS
    assert second["cacheWriteInputTokens"] == 0
    assert "cacheDetails" not in second
    # inputTokens keeps only what the cache neither wrote nor read.
    assert first["inputTokens"] == second["inputTokens"] == 5  # "Which rule applies?"
    for usage in (first, second):
        cached = usage["cacheReadInputTokens"] + usage["cacheWriteInputTokens"]
        assert usage["totalTokens"] == usage["inputTokens"] + cached + usage["outputTokens"]


def test_a_different_question_after_the_same_prefix_still_reads_it(runtime: ClientFactory) -> None:
    _usage(runtime)
    other = _usage(runtime, **_body(question="And on Sundays?"))
    assert other["cacheReadInputTokens"] == HANDBOOK_TOKENS


def test_the_stream_reports_the_same_cache_usage(runtime: ClientFactory) -> None:
    _usage(runtime)
    response = runtime().converse_stream(modelId=SONNET_45, **_body())
    metadata = next(e["metadata"] for e in response["stream"] if "metadata" in e)
    assert metadata["usage"]["cacheReadInputTokens"] == HANDBOOK_TOKENS


def test_entries_expire_when_a_scenario_shortens_the_ttl(
    emulator: BedrockEmulator, runtime: ClientFactory
) -> None:
    _usage(runtime)
    emulator.set_scenario({"prompt_cache": {"ttl_seconds": 0}})
    expired = _usage(runtime)
    emulator.set_scenario({})
    read_again = _usage(runtime)
    assert (expired["cacheReadInputTokens"], expired["cacheWriteInputTokens"]) == (
        0,
        HANDBOOK_TOKENS,
    )
    assert read_again["cacheReadInputTokens"] == HANDBOOK_TOKENS


def test_a_scenario_can_clear_the_cache(emulator: BedrockEmulator, runtime: ClientFactory) -> None:
    _usage(runtime)
    emulator.set_scenario({"prompt_cache": {"clear": True}})
    assert _usage(runtime)["cacheWriteInputTokens"] == HANDBOOK_TOKENS


def test_a_prefix_below_the_models_minimum_is_not_cached(runtime: ClientFactory) -> None:
    plain = runtime().converse(
        modelId=HAIKU_45,
        system=[{"text": HANDBOOK}],
        messages=[{"role": "user", "content": [{"text": "Which rule applies?"}]}],
    )["usage"]
    for _ in range(2):
        usage = _usage(runtime, HAIKU_45)
        assert (usage["cacheReadInputTokens"], usage["cacheWriteInputTokens"]) == (0, 0)
        assert usage["inputTokens"] == plain["inputTokens"]


def test_the_cache_is_kept_per_region_and_per_model(runtime: ClientFactory) -> None:
    _usage(runtime)
    assert _usage(runtime, region="us-west-2")["cacheWriteInputTokens"] == HANDBOOK_TOKENS
    assert _usage(runtime, SONNET_46)["cacheWriteInputTokens"] == HANDBOOK_TOKENS
    assert _usage(runtime)["cacheReadInputTokens"] == HANDBOOK_TOKENS


def test_a_one_hour_ttl_is_reported_per_ttl_where_the_model_offers_it(
    runtime: ClientFactory,
) -> None:
    usage = _usage(runtime, **_body(ttl="1h"))
    assert usage["cacheDetails"] == [{"ttl": "1h", "inputTokens": HANDBOOK_TOKENS}]
    with pytest.raises(ClientError) as caught:
        _usage(runtime, OPUS_47, **_body(ttl="1h"))
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_checkpoints_in_tools_and_messages_cache_everything_before_them(
    runtime: ClientFactory,
) -> None:
    tool = {
        "toolSpec": {
            "name": "lookup_rule",
            "description": HANDBOOK,
            "inputSchema": {"json": {"type": "object", "properties": {}}},
        }
    }
    body = {
        "toolConfig": {"tools": [tool, {"cachePoint": {"type": "default"}}]},
        "messages": [
            {
                "role": "user",
                "content": [{"text": HANDBOOK}, {"cachePoint": {"type": "default"}}, {"text": "?"}],
            }
        ],
    }
    first = _usage(runtime, **body)
    second = _usage(runtime, **body)
    assert first["cacheWriteInputTokens"] > 2 * HANDBOOK_TOKENS - 10
    assert second["cacheReadInputTokens"] == first["cacheWriteInputTokens"]
    assert first["inputTokens"] == second["inputTokens"]


def test_a_model_without_caching_ignores_cache_points(runtime: ClientFactory) -> None:
    usage = _usage(runtime, NOVA)
    assert (usage["cacheReadInputTokens"], usage["cacheWriteInputTokens"]) == (0, 0)


def test_the_usage_callback_prices_cache_writes_and_reads_at_their_own_rates(
    emulator: BedrockEmulator,
) -> None:
    model = create_langchain_chatbedrock(
        SONNET_45, region_name="us-east-1", endpoint_url=emulator.endpoint_url
    )
    messages = [SystemMessage(HANDBOOK), HumanMessage("Which rule applies?")]
    with get_bedrock_usage_callback() as cb:
        model.invoke(messages, cache_control={"ttl": "5m"})
        model.invoke(messages, cache_control={"ttl": "5m"})
    assert (cb.cache_write_tokens, cb.cache_read_tokens) == (HANDBOOK_TOKENS, HANDBOOK_TOKENS)
    price = price_for(SONNET_45)  # the us. profile: the regional tier
    assert price is not None
    assert price.cache_write is not None
    assert price.cache_read is not None
    uncached = cb.input_tokens - cb.cache_write_tokens - cb.cache_read_tokens
    expected = (
        uncached * price.input
        + cb.output_tokens * price.output
        + HANDBOOK_TOKENS * price.cache_write
        + HANDBOOK_TOKENS * price.cache_read
    ) / 1e6
    assert cb.total_cost == pytest.approx(expected)
    # Reading the prefix cost a tenth of sending it uncached.
    assert price.cache_read == pytest.approx(price.input / 10)
