"""get_bedrock_usage_callback around real chains: totals equal the emulator's reported usage."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from langchain_aws import ChatBedrockConverse
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from langchain_bedrock_enhanced.callbacks.usage import get_bedrock_usage_callback
from langchain_bedrock_enhanced.catalog.pricing import price_for
from langchain_bedrock_enhanced.emulator import BedrockEmulator

pytestmark = pytest.mark.emulator

SONNET_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
SONNET_GLOBAL = "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
UNPRICED = "amazon.emulated-unpriced-v1:0"
UNPRICED_WORLD = {
    "world": {
        "models": [
            {
                "model_id": UNPRICED,
                "name": "Emulated unpriced model",
                "provider": "Amazon",
                "family": "nova",
                "on_demand_regions": ["us-east-1"],
            }
        ]
    }
}


def chain_for(model_id: str, endpoint_url: str) -> Any:
    model = ChatBedrockConverse(model=model_id, region_name="us-east-1", endpoint_url=endpoint_url)
    return ChatPromptTemplate.from_template("Tell me about {topic}") | model | StrOutputParser()


def emulator_usage(emu: BedrockEmulator) -> dict[str, int]:
    """What the emulator reports for every logged model call, asked again.

    Replies are deterministic, so replaying each request body returns the usage the
    original reply (streamed or not) carried.
    """
    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=emu.endpoint_url)
    calls = [record for record in emu.requests if record.is_runtime]
    totals = {"input": 0, "output": 0, "cache_read": 0, "cache_write": 0, "calls": len(calls)}
    for record in calls:
        assert record.body is not None
        usage = client.converse(modelId=record.model_id, **record.body)["usage"]
        totals["input"] += usage["inputTokens"]
        totals["output"] += usage["outputTokens"]
        totals["cache_read"] += usage["cacheReadInputTokens"]
        totals["cache_write"] += usage["cacheWriteInputTokens"]
    return totals


def assert_matches(cb: Any, reported: dict[str, int]) -> None:
    assert cb.successful_requests == reported["calls"]
    # LangChain's input_tokens include cached tokens; Bedrock reports them apart.
    assert cb.input_tokens == reported["input"] + reported["cache_read"] + reported["cache_write"]
    assert cb.output_tokens == reported["output"]
    assert cb.cache_read_tokens == reported["cache_read"]
    assert cb.cache_write_tokens == reported["cache_write"]


@pytest.mark.parametrize("model_id", [SONNET_US, SONNET_GLOBAL])
def test_invoke_and_stream_of_a_chain_report_the_emulators_usage_and_a_cost(
    emulator: BedrockEmulator, model_id: str
) -> None:
    chain = chain_for(model_id, emulator.endpoint_url)
    with get_bedrock_usage_callback() as cb:
        assert "penguins" in chain.invoke({"topic": "penguins"})
        streamed = list(chain.stream({"topic": "whales and the open sea"}))
    assert len(streamed) > 1
    assert {r.operation for r in emulator.requests} == {"Converse", "ConverseStream"}
    reported = emulator_usage(emulator)
    assert_matches(cb, reported)
    price = price_for(model_id)
    assert price is not None
    expected = (reported["input"] * price.input + reported["output"] * price.output) / 1e6
    assert cb.total_cost == pytest.approx(expected)
    assert cb.total_cost > 0


async def test_async_invoke_and_stream_report_the_emulators_usage(
    emulator: BedrockEmulator,
) -> None:
    chain = chain_for(SONNET_US, emulator.endpoint_url)
    with get_bedrock_usage_callback() as cb:
        await chain.ainvoke({"topic": "otters"})
        async for _ in chain.astream({"topic": "seals"}):
            pass
    assert_matches(cb, emulator_usage(emulator))
    assert cb.total_cost is not None


def test_an_unpriced_model_counts_tokens_with_cost_none() -> None:
    with BedrockEmulator(scenario=UNPRICED_WORLD) as emu:
        chain = chain_for(UNPRICED, emu.endpoint_url)
        with get_bedrock_usage_callback() as cb:
            chain.invoke({"topic": "penguins"})
            list(chain.stream({"topic": "whales"}))
        reported = emulator_usage(emu)
    assert_matches(cb, reported)
    assert cb.total_tokens > 0
    assert cb.total_cost is None
    assert cb.by_model[UNPRICED].cost_usd is None


def test_priced_and_unpriced_calls_keep_the_priced_part(emulator: BedrockEmulator) -> None:
    with BedrockEmulator(scenario=UNPRICED_WORLD) as other, get_bedrock_usage_callback() as cb:
        chain_for(SONNET_US, emulator.endpoint_url).invoke({"topic": "a"})
        chain_for(UNPRICED, other.endpoint_url).invoke({"topic": "b"})
    assert cb.total_cost is None
    assert cb.known_cost > 0
    assert cb.by_model["anthropic.claude-sonnet-4-5-20250929-v1:0"].cost_usd == cb.known_cost
