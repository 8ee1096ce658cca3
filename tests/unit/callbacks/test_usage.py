"""Usage and cost counting: BedrockUsageCallbackHandler and get_bedrock_usage_callback."""

from __future__ import annotations

import asyncio
import itertools
import threading

import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from langchain_bedrock_enhanced.callbacks.call_info import TokenUsage, call_info_from_message
from langchain_bedrock_enhanced.callbacks.usage import (
    BedrockUsageCallbackHandler,
    get_bedrock_usage_callback,
)
from langchain_bedrock_enhanced.errors import ThrottlingError
from tests.unit.throughput_fakes import (
    HAIKU_3,
    EchoChatModel,
    issue4_metadata,
    throttling_error,
)

SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
NOVA_LITE = "amazon.nova-lite-v1:0"  # $0.06 in, $0.24 out per million tokens


def reply(
    *, model: str = NOVA_LITE, input_tokens: int = 1000, output_tokens: int = 1000, **metadata
) -> AIMessage:
    return AIMessage(
        "ok",
        usage_metadata={
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
        },
        response_metadata={"model_name": model, **metadata},
    )


def fake(*messages: AIMessage) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter(messages))


def test_an_invoked_call_counts_its_tokens_one_request_and_its_cost() -> None:
    handler = BedrockUsageCallbackHandler()
    fake(reply()).invoke("hi", config={"callbacks": [handler]})
    assert (handler.input_tokens, handler.output_tokens, handler.total_tokens) == (
        1000,
        1000,
        2000,
    )
    assert handler.successful_requests == 1
    assert handler.failed_requests == 0
    assert handler.total_cost == pytest.approx(0.00006 + 0.00024)


def test_cache_reads_and_writes_are_counted_and_priced_at_their_own_rates() -> None:
    message = AIMessage(
        "ok",
        usage_metadata={
            "input_tokens": 1_000_000 + 2_000_000 + 400_000,
            "output_tokens": 100_000,
            "total_tokens": 3_500_000,
            "input_token_details": {"cache_read": 2_000_000, "cache_creation": 400_000},
        },
        response_metadata={"model_id_sent": f"global.{SONNET_45}"},
    )
    handler = BedrockUsageCallbackHandler()
    fake(message).invoke("hi", config={"callbacks": [handler]})
    assert handler.cache_read_tokens == 2_000_000
    assert handler.cache_write_tokens == 400_000
    assert handler.usage.uncached_input_tokens == 1_000_000
    # Global Sonnet 4.5: input 3.00, output 15.00, cache read 0.30, cache write 3.75.
    assert handler.total_cost == pytest.approx(3.0 + 1.5 + 0.6 + 1.5)


def test_per_ttl_cache_writes_reported_by_langchain_aws_count_as_cache_writes() -> None:
    usage = TokenUsage.from_usage_metadata(
        {
            "input_tokens": 300,
            "output_tokens": 10,
            "total_tokens": 310,
            "input_token_details": {
                "cache_read": 0,
                "cache_creation": 0,
                "ephemeral_5m_input_tokens": 100,
                "ephemeral_1h_input_tokens": 50,
            },
        }
    )
    assert usage.cache_write_tokens == 150
    assert usage.uncached_input_tokens == 150


def test_geo_and_global_profiles_of_one_model_are_priced_differently() -> None:
    handler = BedrockUsageCallbackHandler()
    model = fake(
        reply(model=f"us.{SONNET_45}", input_tokens=1_000_000, output_tokens=0),
        reply(model=f"global.{SONNET_45}", input_tokens=1_000_000, output_tokens=0),
    )
    model.invoke("a", config={"callbacks": [handler]})
    first = handler.total_cost
    model.invoke("b", config={"callbacks": [handler]})
    assert first == pytest.approx(3.3)
    assert handler.total_cost == pytest.approx(3.3 + 3.0)
    assert handler.by_model[SONNET_45].successful_requests == 2


def test_unknown_model_counts_tokens_with_cost_none_never_zero() -> None:
    handler = BedrockUsageCallbackHandler()
    fake(reply(model="acme.mystery-v1:0")).invoke("hi", config={"callbacks": [handler]})
    assert handler.total_tokens == 2000
    assert handler.total_cost is None
    assert handler.by_model["acme.mystery-v1:0"].cost_usd is None


def test_one_unpriced_call_makes_the_total_unknown_but_keeps_the_priced_part() -> None:
    handler = BedrockUsageCallbackHandler()
    model = fake(reply(), reply(model="acme.mystery-v1:0"))
    model.invoke("a", config={"callbacks": [handler]})
    model.invoke("b", config={"callbacks": [handler]})
    assert handler.total_cost is None
    assert handler.known_cost == pytest.approx(0.0003)
    assert handler.by_model[NOVA_LITE].cost_usd == pytest.approx(0.0003)


def test_counts_are_split_per_model_and_per_access_method() -> None:
    handler = BedrockUsageCallbackHandler()
    model = fake(
        reply(
            **issue4_metadata(
                model_id_sent=f"eu.{SONNET_45}",
                access_method="regional_cris",
                region="eu-west-1",
                profile_id=f"eu.{SONNET_45}",
            )
        ),
        reply(**issue4_metadata(model_id_sent=HAIKU_3, access_method="direct", region="us-east-1")),
        reply(
            **issue4_metadata(
                model_id_sent=f"global.{SONNET_45}",
                access_method="global_cris",
                region="eu-west-1",
                profile_id=f"global.{SONNET_45}",
            )
        ),
    )
    for prompt in ("a", "b", "c"):
        model.invoke(prompt, config={"callbacks": [handler]})
    assert {k: v.successful_requests for k, v in handler.by_model.items()} == {
        SONNET_45: 2,
        HAIKU_3: 1,
    }
    by_access = handler.by_access_method
    assert {k: v.successful_requests for k, v in by_access.items()} == {
        "regional_cris": 1,
        "direct": 1,
        "global_cris": 1,
    }
    assert by_access["global_cris"].cost_usd == pytest.approx((3.0 + 15.0) / 1000)
    assert by_access["regional_cris"].cost_usd == pytest.approx((3.3 + 16.5) / 1000)


def test_missing_metadata_falls_back_to_model_name_and_unknown_access_method() -> None:
    info = call_info_from_message(
        reply(model=f"us.{SONNET_45}", ResponseMetadata={"RetryAttempts": 1})
    )
    assert info.model_id == f"us.{SONNET_45}"
    assert info.base_model_id == SONNET_45
    assert info.access_method == "unknown"
    assert info.inference_profile_id == f"us.{SONNET_45}"
    assert info.region is None
    assert info.attempts == 2


def test_metadata_keys_win_over_the_fallbacks() -> None:
    info = call_info_from_message(
        reply(
            model=SONNET_45,
            ResponseMetadata={"RetryAttempts": 0},
            **issue4_metadata(
                model_id_sent=HAIKU_3, access_method="direct", region="us-west-2", attempts=3
            ),
        ),
        region_hint="eu-west-1",
    )
    assert (info.model_id, info.access_method, info.region, info.attempts) == (
        HAIKU_3,
        "direct",
        "us-west-2",
        3,
    )
    assert info.inference_profile_id is None


def test_region_falls_back_to_the_hint_from_the_run_configuration() -> None:
    assert call_info_from_message(AIMessage("x"), region_hint="ap-southeast-2").region == (
        "ap-southeast-2"
    )
    assert call_info_from_message(AIMessage("x")).region is None


def test_a_streamed_call_is_counted_once_from_the_aggregated_message() -> None:
    handler = BedrockUsageCallbackHandler()
    chunks = list(EchoChatModel().stream("one two three", config={"callbacks": [handler]}))
    assert len(chunks) > 2
    assert handler.successful_requests == 1
    assert handler.input_tokens == 3
    assert handler.output_tokens == 4  # "echo: one two three"


async def test_an_async_streamed_call_is_counted_once() -> None:
    handler = BedrockUsageCallbackHandler()
    async for _ in EchoChatModel().astream("one two", config={"callbacks": [handler]}):
        pass
    assert (handler.successful_requests, handler.total_tokens) == (1, 5)


def test_a_failed_call_counts_as_a_failed_request_without_tokens() -> None:
    handler = BedrockUsageCallbackHandler()
    model = EchoChatModel(fail_for=lambda _: ThrottlingError("slow down", model_id=HAIKU_3))
    with pytest.raises(ThrottlingError):
        model.invoke("hi", config={"callbacks": [handler]})
    assert (handler.successful_requests, handler.failed_requests) == (0, 1)
    assert handler.total_tokens == 0
    assert handler.by_model[HAIKU_3].failed_requests == 1


def test_a_botocore_failure_is_counted_against_the_model_of_the_run() -> None:
    handler = BedrockUsageCallbackHandler()
    model = EchoChatModel(model_name=SONNET_45, fail_for=lambda _: throttling_error())
    with pytest.raises(Exception, match="Too many requests"):
        model.invoke("hi", config={"callbacks": [handler]})
    assert handler.by_model[SONNET_45].failed_requests == 1
    assert handler.by_access_method["unknown"].failed_requests == 1


def test_the_context_manager_counts_every_run_of_a_chain_without_callbacks_argument() -> None:
    model = EchoChatModel(model_name=NOVA_LITE)
    chain = ChatPromptTemplate.from_template("Tell me about {topic}") | model | StrOutputParser()
    with get_bedrock_usage_callback() as cb:
        assert chain.invoke({"topic": "cats"}) == "echo: Tell me about cats"
        assert "".join(chain.stream({"topic": "dogs"})).strip() == "echo: Tell me about dogs"
    assert cb.successful_requests == 2
    assert cb.input_tokens == 8
    assert cb.output_tokens == 10
    assert cb.total_cost == pytest.approx((8 * 0.06 + 10 * 0.24) / 1e6)


def test_runs_outside_the_block_are_not_counted() -> None:
    model = EchoChatModel()
    with get_bedrock_usage_callback() as cb:
        model.invoke("inside")
    model.invoke("outside")
    assert cb.successful_requests == 1


def test_nested_blocks_count_inner_calls_in_both() -> None:
    model = EchoChatModel()
    with get_bedrock_usage_callback() as outer:
        model.invoke("one")
        with get_bedrock_usage_callback() as inner:
            model.invoke("two")
    assert inner.successful_requests == 1
    assert outer.successful_requests == 2


async def test_the_context_manager_covers_async_runs() -> None:
    model = EchoChatModel()
    with get_bedrock_usage_callback() as cb:
        await asyncio.gather(*(model.ainvoke(f"prompt {i}") for i in range(20)))
    assert cb.successful_requests == 20
    assert cb.input_tokens == 40


def test_one_handler_counts_exactly_under_many_threads() -> None:
    handler = BedrockUsageCallbackHandler()
    model = GenericFakeChatModel(messages=itertools.repeat(reply(input_tokens=3, output_tokens=2)))
    model.batch(["x"] * 400, config={"callbacks": [handler], "max_concurrency": 32})
    assert handler.successful_requests == 400
    assert handler.total_tokens == 2000


def test_reads_during_concurrent_updates_are_consistent_snapshots() -> None:
    handler = BedrockUsageCallbackHandler()
    model = GenericFakeChatModel(messages=itertools.repeat(reply(input_tokens=3, output_tokens=2)))
    done = threading.Event()
    snapshots = []

    def reader() -> None:
        while not done.is_set():
            snapshots.append(handler.totals)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        model.batch(["x"] * 200, config={"callbacks": [handler], "max_concurrency": 16})
    finally:
        done.set()
        thread.join()
    assert all(s.usage.total_tokens == 5 * s.successful_requests for s in snapshots)


async def test_one_handler_counts_exactly_under_many_tasks() -> None:
    handler = BedrockUsageCallbackHandler()
    model = EchoChatModel()
    await asyncio.gather(
        *(model.ainvoke("a b", config={"callbacks": [handler]}) for _ in range(300))
    )
    assert handler.successful_requests == 300
    assert handler.input_tokens == 600


def test_reset_forgets_everything() -> None:
    handler = BedrockUsageCallbackHandler()
    EchoChatModel().invoke("hi", config={"callbacks": [handler]})
    handler.reset()
    assert (handler.successful_requests, handler.total_tokens, handler.by_model) == (0, 0, {})
    assert "requests=0" in repr(handler)


def test_reasoning_and_one_hour_cache_writes_are_counted_apart() -> None:
    message = AIMessage(
        "ok",
        usage_metadata={
            "input_tokens": 2000,
            "output_tokens": 500,
            "total_tokens": 2500,
            "input_token_details": {
                "ephemeral_5m_input_tokens": 600,
                "ephemeral_1h_input_tokens": 400,
            },
            "output_token_details": {"reasoning": 200},
        },
        response_metadata={"model_id_sent": f"global.{SONNET_45}"},
    )
    handler = BedrockUsageCallbackHandler()
    fake(message).invoke("hi", config={"callbacks": [handler]})
    assert (handler.reasoning_tokens, handler.cache_write_tokens) == (200, 1000)
    assert handler.cache_write_1h_tokens == 400
    assert "reasoning=200" in repr(handler)
    # Global Sonnet 4.5: input 3.00, output 15.00, 5m write 3.75, 1h write 6.00.
    expected = (1000 * 3.0 + 500 * 15.0 + 600 * 3.75 + 400 * 6.0) / 1e6
    assert handler.total_cost == pytest.approx(expected)
