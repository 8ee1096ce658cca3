"""What one call reported about itself: call_info_from_*, error_info, CallInfoHandler.

The usage handler built on these is tested in test_usage.py; this file covers the
fallbacks, aggregation and run bookkeeping that every reader of a call shares.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from botocore.exceptions import ClientError
from langchain_core.language_models import FakeListLLM
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.outputs import ChatGeneration, Generation, LLMResult

from langchain_bedrock_enhanced.callbacks import (
    BedrockCallInfo,
    CallInfoHandler,
    TokenUsage,
    call_info_from_llm_result,
    call_info_from_message,
    error_info,
)
from langchain_bedrock_enhanced.errors import ThrottlingError
from langchain_bedrock_enhanced.model_ids import AccessMethod
from tests.unit.throughput_fakes import HAIKU_3, EchoChatModel, throttling_error

SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
NOVA_LITE = "amazon.nova-lite-v1:0"  # $0.06 in, $0.24 out per million tokens
APP_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456"


def message(input_tokens: int = 0, output_tokens: int = 0, **metadata: Any) -> AIMessage:
    return AIMessage(
        "ok",
        usage_metadata={
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
        },
        response_metadata=metadata,
    )


def chat_result(*messages: AIMessage) -> LLMResult:
    return LLMResult(generations=[[ChatGeneration(message=m) for m in messages]])


# TokenUsage --------------------------------------------------------------------------


def test_a_missing_total_is_input_plus_output() -> None:
    usage = TokenUsage.from_usage_metadata({"input_tokens": 7, "output_tokens": 5})
    assert usage.total_tokens == 12


def test_counts_that_are_not_integers_count_as_zero() -> None:
    usage = TokenUsage.from_usage_metadata(
        {"input_tokens": True, "output_tokens": "5", "total_tokens": None}
    )
    assert usage == TokenUsage()


def test_uncached_input_is_never_negative() -> None:
    usage = TokenUsage.from_usage_metadata(
        {
            "input_tokens": 10,
            "output_tokens": 1,
            "input_token_details": {"cache_read": 8, "cache_creation": 8},
        }
    )
    assert usage.uncached_input_tokens == 0


def test_usages_add_up_field_by_field() -> None:
    one = TokenUsage(
        input_tokens=1, output_tokens=2, cache_read_tokens=3, cache_write_tokens=4, total_tokens=5
    )
    two = TokenUsage(
        input_tokens=10,
        output_tokens=20,
        cache_read_tokens=30,
        cache_write_tokens=40,
        total_tokens=50,
    )
    assert one + two == TokenUsage(
        input_tokens=11,
        output_tokens=22,
        cache_read_tokens=33,
        cache_write_tokens=44,
        total_tokens=55,
    )


# One message -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metadata", "hint", "expected"),
    [
        ({"model_name": HAIKU_3, "model_id": SONNET_45}, None, HAIKU_3),
        ({"model_id": SONNET_45}, HAIKU_3, SONNET_45),
        ({"model_name": ""}, HAIKU_3, HAIKU_3),
        ({}, None, "unknown"),
    ],
)
def test_the_model_falls_back_from_model_name_to_model_id_to_the_hint_to_unknown(
    metadata: dict[str, Any], hint: str | None, expected: str
) -> None:
    assert call_info_from_message(message(**metadata), model_hint=hint).model_id == expected


def test_an_application_profile_that_was_sent_is_the_profile_used_but_has_no_price() -> None:
    info = call_info_from_message(message(1000, 1000, model_name=APP_ARN))
    assert info.inference_profile_id == APP_ARN
    assert info.base_model_id is None
    assert info.model_key == APP_ARN
    assert info.usage.total_tokens == 2000
    assert info.cost_usd is None


def test_a_response_that_says_no_profile_was_used_is_believed() -> None:
    info = call_info_from_message(
        message(model_name=f"us.{SONNET_45}", inference_profile_used=False)
    )
    assert info.inference_profile_id is None


def test_profiles_of_one_model_share_the_base_model_as_their_key() -> None:
    keys = {
        call_info_from_message(message(model_id_sent=sent)).model_key
        for sent in (SONNET_45, f"us.{SONNET_45}", f"global.{SONNET_45}")
    }
    assert keys == {SONNET_45}


def test_a_bare_id_served_through_the_global_profile_is_priced_at_the_global_rate() -> None:
    info = call_info_from_message(
        message(1_000_000, 0, model_name=SONNET_45, access_method_used="global_cris")
    )
    assert info.cost_usd == pytest.approx(3.0)
    regional = call_info_from_message(
        message(1_000_000, 0, model_name=SONNET_45, access_method_used="direct")
    )
    assert regional.cost_usd == pytest.approx(3.3)


@pytest.mark.parametrize(
    ("metadata", "attempts"),
    [
        ({"attempts": 3}, 3),
        ({"ResponseMetadata": {"RetryAttempts": 0}}, 1),
        ({"attempts": True, "ResponseMetadata": {"RetryAttempts": 2}}, 3),
        ({}, None),
    ],
)
def test_attempts_come_from_our_key_then_from_botocores_retry_count(
    metadata: dict[str, Any], attempts: int | None
) -> None:
    assert call_info_from_message(message(**metadata)).attempts == attempts


def test_a_message_that_is_not_from_a_model_counts_no_tokens() -> None:
    info = call_info_from_message(HumanMessage("hi"), model_hint=NOVA_LITE)
    assert info.usage == TokenUsage()
    assert info.cost_usd == 0


# A whole run -----------------------------------------------------------------------


def test_a_run_with_several_generations_adds_their_tokens_and_costs() -> None:
    result = chat_result(
        message(1_000_000, 0, model_name=NOVA_LITE, region="us-west-2"),
        message(0, 1_000_000, model_name=NOVA_LITE, region="eu-west-1"),
    )
    info = call_info_from_llm_result(result)
    assert (info.usage.input_tokens, info.usage.output_tokens) == (1_000_000, 1_000_000)
    assert info.cost_usd == pytest.approx(0.06 + 0.24)
    assert info.region == "us-west-2"


def test_one_unpriced_generation_makes_the_run_cost_unknown_but_keeps_its_tokens() -> None:
    result = chat_result(
        message(100, 10, model_name=NOVA_LITE), message(100, 10, model_name="acme.mystery-v1:0")
    )
    info = call_info_from_llm_result(result)
    assert info.cost_usd is None
    assert info.usage.total_tokens == 220


def test_a_completion_run_is_described_by_its_hints_with_no_tokens_and_no_price() -> None:
    result = LLMResult(generations=[[Generation(text="done")]])
    info = call_info_from_llm_result(result, model_hint=HAIKU_3, region_hint="eu-west-1")
    assert (info.model_id, info.region, info.access_method) == (HAIKU_3, "eu-west-1", "unknown")
    assert info.usage == TokenUsage()
    assert info.cost_usd is None


# Errors ----------------------------------------------------------------------------


def test_our_errors_tell_their_model_region_and_access_method() -> None:
    error = ThrottlingError(
        "slow down",
        model_id=SONNET_45,
        region="eu-west-1",
        access_method=AccessMethod.REGIONAL_CRIS,
    )
    info = error_info(error)
    assert (info.model_id, info.region, info.access_method) == (
        SONNET_45,
        "eu-west-1",
        "regional_cris",
    )
    assert info.attempts is None


def test_botocores_retry_count_is_found_through_causes_and_contexts() -> None:
    by_cause = ValueError("langchain-aws re-raised it")
    by_cause.__cause__ = throttling_error()  # RetryAttempts=2
    during = RuntimeError("while handling")
    during.__context__ = by_cause
    assert error_info(by_cause).attempts == 3
    assert error_info(during).attempts == 3
    assert error_info(ValueError("nothing underneath")).attempts is None


def test_an_attempts_count_on_the_error_wins_over_botocores() -> None:
    error = ThrottlingError("gave up", model_id=HAIKU_3)
    error.attempts = 5  # type: ignore[attr-defined]
    error.__cause__ = throttling_error()
    assert error_info(error).attempts == 5


def test_a_client_error_without_response_metadata_has_no_attempts() -> None:
    bare = ClientError({"Error": {"Code": "ThrottlingException", "Message": "x"}}, "Converse")
    assert error_info(bare).attempts is None


# CallInfoHandler -------------------------------------------------------------------


class Recorder(CallInfoHandler):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[BedrockCallInfo] = []
        self.errors: list[tuple[BaseException, str | None, str | None]] = []

    def on_call(self, info: BedrockCallInfo) -> None:
        self.calls.append(info)

    def on_call_error(
        self, error: BaseException, model_hint: str | None, region_hint: str | None
    ) -> None:
        self.errors.append((error, model_hint, region_hint))


def test_each_finished_chat_run_is_described_with_the_region_it_was_configured_with() -> None:
    recorder = Recorder()
    EchoChatModel(region_name="ap-southeast-2").invoke("a b", config={"callbacks": [recorder]})
    [info] = recorder.calls
    assert (info.model_id, info.region, info.usage.total_tokens) == (HAIKU_3, "ap-southeast-2", 5)
    assert recorder.errors == []


def test_a_failed_run_hands_over_the_error_with_the_runs_model_and_region() -> None:
    recorder = Recorder()
    failing = EchoChatModel(region_name="eu-west-1", fail_for=lambda _: throttling_error())
    with pytest.raises(ClientError):
        failing.invoke("hi", config={"callbacks": [recorder]})
    [(error, model_hint, region_hint)] = recorder.errors
    assert isinstance(error, ClientError)
    assert (model_hint, region_hint) == (HAIKU_3, "eu-west-1")
    assert recorder.calls == []


def test_a_completion_model_run_is_described_by_the_model_it_was_configured_with() -> None:
    class NamedLLM(FakeListLLM):
        model_name: str = SONNET_45

    recorder = Recorder()
    NamedLLM(responses=["done"]).invoke("hi", config={"callbacks": [recorder]})
    [info] = recorder.calls
    assert info.model_id == SONNET_45
    assert info.cost_usd is None


def test_runs_in_flight_at_once_keep_their_own_model_and_region() -> None:
    recorder = Recorder()
    first, second = uuid4(), uuid4()
    for run_id, model, region in ((first, HAIKU_3, "us-east-1"), (second, SONNET_45, "eu-west-1")):
        recorder.on_chat_model_start(
            {},
            [[HumanMessage("hi")]],
            run_id=run_id,
            metadata={"ls_model_name": model, "ls_invocation_params": {"region_name": region}},
        )
    recorder.on_llm_end(chat_result(AIMessage("two")), run_id=second)
    recorder.on_llm_error(throttling_error(), run_id=first)
    assert [(c.model_id, c.region) for c in recorder.calls] == [(SONNET_45, "eu-west-1")]
    assert [(m, r) for _, m, r in recorder.errors] == [(HAIKU_3, "us-east-1")]
    # An end for a run that is no longer in flight has nothing to fall back on.
    recorder.on_llm_end(chat_result(AIMessage("again")), run_id=second)
    assert (recorder.calls[-1].model_id, recorder.calls[-1].region) == ("unknown", None)


def test_reasoning_and_one_hour_cache_writes_are_read_and_priced_at_their_own_rates() -> None:
    info = call_info_from_message(
        AIMessage(
            "x",
            usage_metadata={
                "input_tokens": 3000,
                "output_tokens": 1000,
                "total_tokens": 4000,
                "input_token_details": {
                    "cache_read": 1000,
                    "cache_creation": 0,
                    "ephemeral_1h_input_tokens": 1000,
                },
                "output_token_details": {"reasoning": 400},
            },
            response_metadata={"model_id_sent": "global.anthropic.claude-haiku-4-5-20251001-v1:0"},
        )
    )
    usage = info.usage
    assert (usage.reasoning_tokens, usage.cache_write_tokens, usage.cache_write_1h_tokens) == (
        400,
        1000,
        1000,
    )
    assert usage.uncached_input_tokens == 1000
    # Global Haiku 4.5: input 1.00, output (reasoning too) 5.00, cache read 0.10, 1h write 2.00.
    assert info.cost_usd == pytest.approx((1000 * 1.0 + 1000 * 5.0 + 1000 * 0.1 + 1000 * 2.0) / 1e6)
