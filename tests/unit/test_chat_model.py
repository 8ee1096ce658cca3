"""EnhancedChatBedrockConverse: a drop-in ChatBedrockConverse that validates and shapes requests."""

from __future__ import annotations

import inspect
import logging
from typing import Any
from unittest.mock import MagicMock

import boto3
import pytest
from botocore.stub import ANY, Stubber
from langchain_aws import ChatBedrockConverse
from langchain_core.load import dumpd, load
from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel

from langchain_bedrock_enhanced import (
    ClaudeEnhancedChatBedrockConverse,
    EnhancedChatBedrockConverse,
    LlamaEnhancedChatBedrockConverse,
    MistralEnhancedChatBedrockConverse,
    NovaEnhancedChatBedrockConverse,
    ParameterValidationError,
    UnsupportedModelError,
)

SONNET_45 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"


def reply() -> dict[str, Any]:
    # A fresh dict each time: langchain-aws consumes the response it parses.
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": "hi"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 3, "outputTokens": 1, "totalTokens": 4},
        "metrics": {"latencyMs": 1},
    }


class Weather(BaseModel):
    """Get the weather."""

    city: str


@pytest.fixture
def runtime() -> Any:
    return boto3.client("bedrock-runtime", region_name="us-east-1")


def test_base_class_accepts_any_model_id_unvalidated(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="langchain_bedrock_enhanced.chat_model"):
        model = EnhancedChatBedrockConverse(model="cohere.command-r-v1:0", region_name="us-east-1")
    assert model.parameters is None
    assert model.SUPPORTED_MODELS == ()
    assert "no parameter class for 'cohere.command-r-v1:0'" in caplog.text


def test_fields_are_chat_bedrock_converse_plus_one_optional_switch() -> None:
    added = {"auto_inference_profile"}
    parent = set(ChatBedrockConverse.model_fields)
    for cls in (
        EnhancedChatBedrockConverse,
        ClaudeEnhancedChatBedrockConverse,
        NovaEnhancedChatBedrockConverse,
        LlamaEnhancedChatBedrockConverse,
        MistralEnhancedChatBedrockConverse,
    ):
        assert set(cls.model_fields) == parent | added
        assert not cls.model_fields["auto_inference_profile"].is_required()
        assert cls.model_fields["auto_inference_profile"].default is True
        assert issubclass(cls, ChatBedrockConverse)


def test_base_class_does_not_validate_values_a_family_would_reject() -> None:
    model = EnhancedChatBedrockConverse(
        model="anthropic.claude-3-haiku-20240307-v1:0", region_name="us-east-1", max_tokens=999_999
    )
    assert model.max_tokens == 999_999


def test_family_classes_build_their_own_clients_like_the_parent() -> None:
    model = NovaEnhancedChatBedrockConverse(
        model="us.amazon.nova-lite-v1:0", region_name="eu-west-1"
    )
    assert model.client.meta.service_model.service_name == "bedrock-runtime"
    assert model.client.meta.region_name == "eu-west-1"
    assert model.bedrock_client.meta.service_model.service_name == "bedrock"


def test_mocked_clients_degrade_quietly_for_application_profiles() -> None:
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"
    model = ClaudeEnhancedChatBedrockConverse(
        model=arn, client=MagicMock(), bedrock_client=MagicMock(), temperature=0.5
    )
    assert model.parameters is None
    assert model.provider == "anthropic"


def test_application_profile_with_explicit_base_model_is_validated() -> None:
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"
    with pytest.raises(ParameterValidationError):
        ClaudeEnhancedChatBedrockConverse(
            model=arn,
            base_model_id="anthropic.claude-3-haiku-20240307-v1:0",
            region_name="us-east-1",
            max_tokens=5000,
        )


def test_family_class_given_a_foreign_model_raises_unsupported_model() -> None:
    with pytest.raises(UnsupportedModelError) as info:
        ClaudeEnhancedChatBedrockConverse(model="amazon.nova-lite-v1:0", region_name="us-east-1")
    assert info.value.model_id == "amazon.nova-lite-v1:0"


def test_validated_values_are_what_the_request_carries(runtime: Any) -> None:
    model = ClaudeEnhancedChatBedrockConverse(
        model=SONNET_45, client=runtime, temperature=0.25, max_tokens=300, top_k=40, stop=["END"]
    )
    with Stubber(runtime) as stub:
        stub.add_response(
            "converse",
            reply(),
            {
                "modelId": SONNET_45,
                "messages": ANY,
                "system": ANY,
                "inferenceConfig": {
                    "maxTokens": 300,
                    "temperature": 0.25,
                    "stopSequences": ["END"],
                },
                "additionalModelRequestFields": {"top_k": 40},
            },
        )
        assert model.invoke("hello").content == "hi"
        stub.assert_no_pending_responses()
    assert model.parameters is not None
    assert model.parameters.top_k == 40


def test_top_k_given_as_request_field_is_validated_too() -> None:
    with pytest.raises(ParameterValidationError) as info:
        ClaudeEnhancedChatBedrockConverse(
            model=SONNET_45,
            region_name="us-east-1",
            additional_model_request_fields={"top_k": 900},
        )
    assert "top_k" in str(info.value)


def test_other_request_fields_pass_through_untouched() -> None:
    thinking = {"thinking": {"type": "enabled", "budget_tokens": 2048}}
    model = ClaudeEnhancedChatBedrockConverse(
        model=SONNET_45, region_name="us-east-1", additional_model_request_fields=thinking, top_k=5
    )
    assert model.additional_model_request_fields == {**thinking, "top_k": 5}


def test_call_time_values_are_validated_before_any_request(runtime: Any) -> None:
    model = ClaudeEnhancedChatBedrockConverse(model=SONNET_45, client=runtime, temperature=0.2)
    with Stubber(runtime) as stub:
        with pytest.raises(ParameterValidationError):
            model.invoke("hello", top_p=0.9)
        with pytest.raises(ParameterValidationError):
            model.invoke("hello", max_tokens=70_000)
        stub.assert_no_pending_responses()


def test_call_time_top_k_goes_under_the_family_key(runtime: Any) -> None:
    model = NovaEnhancedChatBedrockConverse(model="us.amazon.nova-lite-v1:0", client=runtime)
    with Stubber(runtime) as stub:
        stub.add_response(
            "converse",
            reply(),
            {
                "modelId": "us.amazon.nova-lite-v1:0",
                "messages": ANY,
                "system": ANY,
                "inferenceConfig": ANY,
                "additionalModelRequestFields": {"inferenceConfig": {"topK": 7}},
            },
        )
        model.invoke("hello", top_k=7)
        stub.assert_no_pending_responses()


def test_models_without_system_prompts_fold_it_into_the_first_user_turn(runtime: Any) -> None:
    model = MistralEnhancedChatBedrockConverse(
        model="mistral.mixtral-8x7b-instruct-v0:1", client=runtime, system=["Be terse."]
    )
    with Stubber(runtime) as stub:
        stub.add_response(
            "converse",
            reply(),
            {
                "modelId": "mistral.mixtral-8x7b-instruct-v0:1",
                "messages": [
                    {"role": "user", "content": [{"text": "Be terse.\n\nAnswer in French.\n\nHi"}]}
                ],
                "system": [],
                "inferenceConfig": ANY,
            },
        )
        model.invoke([SystemMessage("Answer in French."), HumanMessage("Hi")])
        stub.assert_no_pending_responses()


def test_models_with_system_prompts_keep_them(runtime: Any) -> None:
    model = MistralEnhancedChatBedrockConverse(
        model="mistral.mistral-large-2402-v1:0", client=runtime
    )
    with Stubber(runtime) as stub:
        stub.add_response(
            "converse",
            reply(),
            {
                "modelId": "mistral.mistral-large-2402-v1:0",
                "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
                "system": [{"text": "Answer in French."}],
                "inferenceConfig": ANY,
            },
        )
        model.invoke([SystemMessage("Answer in French."), HumanMessage("Hi")])
        stub.assert_no_pending_responses()


def test_llama_streams_without_tools_by_falling_back_to_one_call(runtime: Any) -> None:
    model = LlamaEnhancedChatBedrockConverse(
        model="us.meta.llama4-scout-17b-instruct-v1:0", client=runtime
    )
    with Stubber(runtime) as stub:
        # Only a non-streaming Converse is stubbed: a ConverseStream call would fail.
        stub.add_response("converse", reply(), None)
        chunks = list(model.bind_tools([Weather]).stream("weather in Paris?"))
        stub.assert_no_pending_responses()
    assert "".join(str(c.content) for c in chunks) == "hi"


def test_arn_model_ids_need_no_explicit_provider() -> None:
    model = NovaEnhancedChatBedrockConverse(
        model="arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0",
        region_name="us-east-1",
    )
    assert model.provider == "amazon"
    assert model.parameters is not None
    assert model.parameters.model_id == "amazon.nova-pro-v1:0"


@pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
def test_serialization_round_trips_through_langchain_load() -> None:
    model = ClaudeEnhancedChatBedrockConverse(
        model=SONNET_45, region_name="us-east-1", temperature=0.3, top_k=10
    )
    rebuilt = load(
        dumpd(model),
        valid_namespaces=["langchain_bedrock_enhanced"],
        allowed_objects=[ClaudeEnhancedChatBedrockConverse],
    )
    assert type(rebuilt) is ClaudeEnhancedChatBedrockConverse
    assert rebuilt.parameters == model.parameters
    assert rebuilt.additional_model_request_fields == {"top_k": 10}


def test_supported_models_come_from_the_parameter_classes() -> None:
    supported = ClaudeEnhancedChatBedrockConverse.get_supported_models()
    assert "anthropic.claude-3-haiku-20240307-v1:0" in supported
    assert "anthropic.claude-opus-4-7" in supported
    model = ClaudeEnhancedChatBedrockConverse(model=SONNET_45, region_name="us-east-1")
    assert supported == model.SUPPORTED_MODELS


def test_parameter_class_matches_exactly_then_by_versioned_base() -> None:
    exact = ClaudeEnhancedChatBedrockConverse.parameter_class_for("anthropic.claude-opus-4-7")
    assert exact is not None
    assert exact[0].__name__ == "Claude4Parameters"
    newer_minor = NovaEnhancedChatBedrockConverse.parameter_class_for("amazon.nova-lite-v1:1")
    assert newer_minor is not None
    assert newer_minor[1] == "amazon.nova-lite-v1:0"
    assert NovaEnhancedChatBedrockConverse.parameter_class_for("amazon.nova-lite-v2:0") is None


@pytest.mark.parametrize("name", ["_generate", "_agenerate"])
def test_precomputed_signatures_describe_the_methods(name: str) -> None:
    function = vars(EnhancedChatBedrockConverse)[name]
    code = function.__code__

    parameters = inspect.signature(getattr(EnhancedChatBedrockConverse(model="x.y-v1:0"), name))

    # langchain-core passes `run_manager` only when the signature shows it.
    assert list(parameters.parameters) == [*code.co_varnames[1 : code.co_argcount], "kwargs"]
    assert "run_manager" in parameters.parameters


def test_invocation_params_are_langchain_cores_and_a_dict_override_still_counts() -> None:
    model = EnhancedChatBedrockConverse(model="amazon.nova-lite-v1:0", region_name="us-east-1")
    assert model._dict_for_compat() == model.asdict()
    assert model._get_invocation_params(stop=["END"])["stop"] == ["END"]

    class Overriding(EnhancedChatBedrockConverse):
        def dict(self, **_: Any) -> dict[str, Any]:
            return {"_type": "custom", "extra": 1}

    overriding = Overriding(model="amazon.nova-lite-v1:0", region_name="us-east-1")
    assert overriding._get_invocation_params()["extra"] == 1
