"""run_parallel against the emulator: every input accounted for, statistics match the log."""

from __future__ import annotations

from collections import Counter
from typing import Any

import boto3
import pytest
from botocore.config import Config
from langchain_aws import ChatBedrockConverse
from langchain_core.prompts import ChatPromptTemplate
from pydantic import BaseModel, Field

from langchain_bedrock_enhanced.catalog.pricing import price_for
from langchain_bedrock_enhanced.emulator import BedrockEmulator, RequestRecord
from langchain_bedrock_enhanced.errors import ThrottlingError
from langchain_bedrock_enhanced.runnables.parallel import arun_parallel, run_parallel

pytestmark = pytest.mark.emulator

SONNET_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
FIVE_PERCENT_THROTTLING = {
    "faults": [
        {
            "match": {"operation": ["Converse", "ConverseStream"]},
            "error": "ThrottlingException",
            "probability": 0.05,
            "seed": 1,
        }
    ]
}


def sonnet(endpoint_url: str, *, concurrency: int = 16, **kwargs: Any) -> ChatBedrockConverse:
    return ChatBedrockConverse(
        model=SONNET_US,
        region_name="us-east-1",
        endpoint_url=endpoint_url,
        config=Config(
            retries={"mode": "standard", "total_max_attempts": 1},
            max_pool_connections=concurrency,
        ),
        **kwargs,
    )


def runtime_calls(emu: BedrockEmulator) -> list[RequestRecord]:
    return [record for record in emu.requests if record.is_runtime]


def replayed_usage(records: list[RequestRecord]) -> tuple[int, int]:
    """The usage the emulator reports for these requests, asked again without faults.

    Replies are deterministic, so a fault-free emulator answers each logged request
    body with the usage the original reply carried.
    """
    input_tokens = output_tokens = 0
    with BedrockEmulator() as clean:
        client = boto3.client(
            "bedrock-runtime", region_name="us-east-1", endpoint_url=clean.endpoint_url
        )
        for record in records:
            assert record.body is not None
            usage = client.converse(modelId=record.model_id, **record.body)["usage"]
            input_tokens += (
                usage["inputTokens"]
                + usage["cacheReadInputTokens"]
                + usage["cacheWriteInputTokens"]
            )
            output_tokens += usage["outputTokens"]
    return input_tokens, output_tokens


def assert_statistics_match_the_log(response: Any, emu: BedrockEmulator, count: int) -> None:
    log = runtime_calls(emu)
    throttled = [r for r in log if r.error_code == "ThrottlingException"]
    answered = [r for r in log if r.status == 200 and r.error_code is None]
    stats = response.statistics

    assert len(response) == count
    assert [result.index for result in response] == list(range(count))
    for result in response:
        if result.ok:
            assert f"item {result.index}" in result.output.content
        else:
            assert isinstance(result.error, ThrottlingError)
            assert result.error.request_id is not None
    assert throttled, "the scenario should have thrown some faults"
    assert stats.total == count
    assert stats.failed == len(throttled)
    assert stats.succeeded == len(answered)
    assert stats.failed + stats.succeeded == len(log)  # one request per input
    assert stats.attempts == len(log)
    assert stats.by_region == dict(Counter(r.region for r in log))
    assert stats.by_model == dict(Counter(r.model_id for r in log))
    assert stats.profile_usage == {SONNET_US: len(answered)}
    assert stats.errors_by_type == {"ThrottlingError": len(throttled)}

    input_tokens, output_tokens = replayed_usage(answered)
    assert (stats.usage.input_tokens, stats.usage.output_tokens) == (input_tokens, output_tokens)
    price = price_for(SONNET_US)
    assert price is not None
    expected_cost = (input_tokens * price.input + output_tokens * price.output) / 1_000_000
    assert stats.cost_usd == pytest.approx(expected_cost)


def test_run_parallel_over_200_inputs_with_5_percent_faults_accounts_for_every_input() -> None:
    with BedrockEmulator(scenario=FIVE_PERCENT_THROTTLING) as emu:
        model = sonnet(emu.endpoint_url)
        inputs = [f"Tell me about item {i}" for i in range(200)]
        response = run_parallel(model, inputs, max_concurrency=16, progress=False)
        assert_statistics_match_the_log(response, emu, 200)


async def test_arun_parallel_over_200_inputs_with_5_percent_faults_accounts_for_every_input() -> (
    None
):
    with BedrockEmulator(scenario=FIVE_PERCENT_THROTTLING) as emu:
        model = sonnet(emu.endpoint_url)
        inputs = [f"Tell me about item {i}" for i in range(200)]
        response = await arun_parallel(model, inputs, max_concurrency=16, progress=False)
        assert_statistics_match_the_log(response, emu, 200)


def test_run_parallel_over_a_streaming_chain_captures_usage_once_per_input(
    emulator: BedrockEmulator,
) -> None:
    model = sonnet(emulator.endpoint_url, streaming=True)
    chain = ChatPromptTemplate.from_template("Tell me about item {n}") | model
    response = run_parallel(chain, [{"n": i} for i in range(20)], max_concurrency=4, progress=False)
    log = runtime_calls(emulator)
    assert {record.operation for record in log} == {"ConverseStream"}
    assert response.statistics.succeeded == 20
    assert response.statistics.attempts == len(log) == 20
    input_tokens, output_tokens = replayed_usage(log)
    assert response.statistics.usage.input_tokens == input_tokens
    assert response.statistics.usage.output_tokens == output_tokens


class Weather(BaseModel):
    """The weather in a city."""

    city: str = Field(description="The city")
    celsius: int = Field(description="Temperature in degrees Celsius")


def test_structured_output_results_carry_their_call_metadata(emulator: BedrockEmulator) -> None:
    structured = sonnet(emulator.endpoint_url).with_structured_output(Weather)
    inputs = [f"What is the weather in city number {i}?" for i in range(12)]
    response = run_parallel(structured, inputs, max_concurrency=4, progress=False)
    assert response.statistics.succeeded == 12
    for result in response:
        assert isinstance(result.output, Weather)
        assert result.inference_profile_id == SONNET_US
        assert result.region == "us-east-1"
        assert result.attempts == 1
        assert result.usage.input_tokens > 0
        assert result.cost_usd is not None
    assert response.statistics.attempts == len(runtime_calls(emulator))


def test_bound_tools_results_carry_their_tool_calls_and_usage(emulator: BedrockEmulator) -> None:
    with_tools = sonnet(emulator.endpoint_url).bind_tools([Weather], tool_choice="any")
    response = run_parallel(with_tools, ["Paris", "Lima", "Oslo"], progress=False)
    assert all(result.output.tool_calls for result in response)
    assert response.statistics.usage.output_tokens > 0
    assert response.statistics.by_region == {"us-east-1": 3}
