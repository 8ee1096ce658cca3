"""create_langchain_chatbedrock: the right family, the AWS config chain, typed errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber

from langchain_bedrock_enhanced import (
    AccessMethod,
    ClaudeEnhancedChatBedrockConverse,
    ConfigurationError,
    LlamaEnhancedChatBedrockConverse,
    LLMError,
    MistralEnhancedChatBedrockConverse,
    NovaEnhancedChatBedrockConverse,
    ParameterValidationError,
    UnsupportedModelError,
    create_langchain_chatbedrock,
)
from langchain_bedrock_enhanced.access import AccessMethodTracker
from langchain_bedrock_enhanced.factory import DEFAULT_CLIENT_CONFIG, rebuild_model

APP_PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456"


@pytest.mark.parametrize(
    ("model_id", "family"),
    [
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", ClaudeEnhancedChatBedrockConverse),
        ("us.amazon.nova-lite-v1:0", NovaEnhancedChatBedrockConverse),
        ("us.meta.llama4-scout-17b-instruct-v1:0", LlamaEnhancedChatBedrockConverse),
        ("us.mistral.pixtral-large-2502-v1:0", MistralEnhancedChatBedrockConverse),
    ],
)
def test_returns_the_family_class_for_a_profile_id(model_id: str, family: type) -> None:
    model = create_langchain_chatbedrock(model_id, region_name="us-east-1")
    assert type(model) is family
    assert model.model_id == model_id
    assert model.parameters is not None


def test_unknown_models_raise_unsupported_model() -> None:
    with pytest.raises(UnsupportedModelError) as info:
        create_langchain_chatbedrock("cohere.command-r-plus-v1:0", region_name="us-east-1")
    assert info.value.model_id == "cohere.command-r-plus-v1:0"


def test_out_of_range_and_unknown_parameters_fail_before_any_client_call() -> None:
    runtime = boto3.client("bedrock-runtime", region_name="us-east-1")
    with Stubber(runtime) as stub:
        with pytest.raises(ParameterValidationError):
            create_langchain_chatbedrock(
                "anthropic.claude-3-haiku-20240307-v1:0", client=runtime, max_tokens=4097
            )
        with pytest.raises(ParameterValidationError, match="temprature"):
            create_langchain_chatbedrock(
                "anthropic.claude-3-haiku-20240307-v1:0", client=runtime, temprature=0.5
            )
        stub.assert_no_pending_responses()


def test_region_comes_from_aws_region_before_aws_default_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    model = create_langchain_chatbedrock("eu.amazon.nova-lite-v1:0")
    assert model.region_name == "eu-west-1"
    assert model.client.meta.region_name == "eu-west-1"


def test_explicit_region_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    model = create_langchain_chatbedrock("us.amazon.nova-lite-v1:0", region_name="us-east-2")
    assert model.client.meta.region_name == "us-east-2"


def test_no_region_anywhere_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    with pytest.raises(ConfigurationError, match="region"):
        create_langchain_chatbedrock("amazon.nova-lite-v1:0")


def test_the_region_of_an_arn_is_the_last_resort(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    model = create_langchain_chatbedrock(
        "arn:aws:bedrock:ap-northeast-1::foundation-model/amazon.nova-lite-v1:0"
    )
    assert model.region_name == "ap-northeast-1"
    assert model.provider == "amazon"


def test_aws_profile_is_honoured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile team]\nregion = eu-central-1\n")
    credentials = tmp_path / "credentials"
    credentials.write_text("[team]\naws_access_key_id = AKIDTEAM\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    monkeypatch.setenv("AWS_PROFILE", "team")
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    model = create_langchain_chatbedrock("eu.amazon.nova-pro-v1:0")
    assert model.credentials_profile_name == "team"
    assert model.region_name == "eu-central-1"
    assert model.client._request_signer._credentials.access_key == "AKIDTEAM"


def test_unknown_aws_profile_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="nope"):
        create_langchain_chatbedrock(
            "amazon.nova-lite-v1:0", region_name="us-east-1", credentials_profile_name="nope"
        )


def test_runtime_endpoint_variable_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:4599")
    model = create_langchain_chatbedrock("amazon.nova-lite-v1:0", region_name="us-east-1")
    assert model.client.meta.endpoint_url == "http://127.0.0.1:4599"
    # The control plane keeps its own endpoint.
    assert model.bedrock_client.meta.endpoint_url != "http://127.0.0.1:4599"


def test_explicit_endpoint_wins_over_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:4599")
    model = create_langchain_chatbedrock(
        "amazon.nova-lite-v1:0", region_name="us-east-1", endpoint_url="http://127.0.0.1:4600"
    )
    assert model.client.meta.endpoint_url == "http://127.0.0.1:4600"


def test_clients_get_explicit_retries_timeouts_and_a_large_pool() -> None:
    model = create_langchain_chatbedrock("amazon.nova-lite-v1:0", region_name="us-east-1")
    config = model.client.meta.config
    assert config.retries["mode"] == "standard"
    assert config.read_timeout == DEFAULT_CLIENT_CONFIG["read_timeout"]
    assert config.connect_timeout == DEFAULT_CLIENT_CONFIG["connect_timeout"]
    assert config.max_pool_connections == DEFAULT_CLIENT_CONFIG["max_pool_connections"]


def test_a_given_config_overrides_the_defaults_it_names() -> None:
    model = create_langchain_chatbedrock(
        "amazon.nova-lite-v1:0",
        region_name="us-east-1",
        config=Config(read_timeout=7, retries={"mode": "adaptive", "max_attempts": 5}),
    )
    config = model.client.meta.config
    assert config.read_timeout == 7
    assert config.retries["mode"] == "adaptive"
    assert config.max_pool_connections == DEFAULT_CLIENT_CONFIG["max_pool_connections"]


def test_a_given_client_is_used_as_is() -> None:
    runtime = boto3.client("bedrock-runtime", region_name="us-west-2")
    model = create_langchain_chatbedrock("anthropic.claude-haiku-4-5-20251001-v1:0", client=runtime)
    assert model.client is runtime
    assert model.region_name == "us-west-2"


def test_family_parameters_in_model_kwargs_are_validated_and_placed() -> None:
    model = create_langchain_chatbedrock(
        "us.amazon.nova-lite-v1:0",
        region_name="us-east-1",
        model_kwargs={"top_k": 4, "reasoningConfig": {"type": "disabled"}},
    )
    assert model.additional_model_request_fields == {
        "reasoningConfig": {"type": "disabled"},
        "inferenceConfig": {"topK": 4},
    }
    with pytest.raises(ParameterValidationError):
        create_langchain_chatbedrock(
            "us.meta.llama3-3-70b-instruct-v1:0", region_name="us-east-1", model_kwargs={"top_k": 4}
        )


def test_application_profile_is_resolved_once_through_get_inference_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    control = boto3.client("bedrock", region_name="us-east-1")
    stub = Stubber(control)
    stub.add_response(
        "get_inference_profile",
        {
            "inferenceProfileName": "team-sonnet",
            "inferenceProfileArn": APP_PROFILE,
            "inferenceProfileId": "abc123def456",
            "status": "ACTIVE",
            "type": "APPLICATION",
            "models": [
                {
                    "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/"
                    "anthropic.claude-sonnet-4-5-20250929-v1:0"
                }
            ],
        },
        {"inferenceProfileIdentifier": APP_PROFILE},
    )
    with stub:
        model = create_langchain_chatbedrock(APP_PROFILE, bedrock_client=control, temperature=0.1)
        stub.assert_no_pending_responses()
    assert type(model) is ClaudeEnhancedChatBedrockConverse
    assert model.base_model_id == "anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert model.region_name == "us-east-1"


def test_application_profile_with_explicit_base_model_needs_no_call() -> None:
    model = create_langchain_chatbedrock(
        APP_PROFILE, base_model_id="meta.llama3-3-70b-instruct-v1:0", bedrock_client=object()
    )
    assert type(model) is LlamaEnhancedChatBedrockConverse


def test_unexpected_failures_are_wrapped_in_llm_error_with_the_cause() -> None:
    class Exploding:
        @property
        def meta(self) -> Any:
            msg = "client is broken"
            raise RuntimeError(msg)

    with pytest.raises(LLMError) as info:
        create_langchain_chatbedrock("amazon.nova-lite-v1:0", client=Exploding())
    assert isinstance(info.value.__cause__, RuntimeError)


# The access policy -------------------------------------------------------------

NOVA_PRO = "amazon.nova-pro-v1:0"
POLICY_ENV = "BEDROCK_ACCESS_METHODS"
D, R, G = AccessMethod.DIRECT, AccessMethod.REGIONAL_CRIS, AccessMethod.GLOBAL_CRIS


def test_access_methods_reach_the_model_and_the_engine_it_calls_through() -> None:
    tracker = AccessMethodTracker()
    model = create_langchain_chatbedrock(
        NOVA_PRO,
        region_name="eu-west-1",
        catalog=False,
        tracker=tracker,
        access_methods=("regional", "direct"),
    )
    assert model.access_methods == (R, D)
    engine = model.access_engine
    assert engine is not None
    assert engine.tracker is tracker
    assert engine.selector.candidates(NOVA_PRO, "eu-west-1") == [
        (f"eu.{NOVA_PRO}", R),
        (NOVA_PRO, D),
    ]


def test_without_access_methods_all_three_are_allowed_in_the_default_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(POLICY_ENV, raising=False)
    model = create_langchain_chatbedrock(NOVA_PRO, region_name="eu-west-1", catalog=False)
    assert model.access_methods == (D, R, G)


def test_bedrock_access_methods_gives_the_default_and_the_argument_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(POLICY_ENV, "direct,regional")
    from_env = create_langchain_chatbedrock(NOVA_PRO, region_name="eu-west-1", catalog=False)
    explicit = create_langchain_chatbedrock(
        NOVA_PRO, region_name="eu-west-1", catalog=False, access_methods=[G]
    )
    assert from_env.access_methods == (D, R)
    assert explicit.access_methods == (G,)


def test_a_bad_bedrock_access_methods_is_a_configuration_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(POLICY_ENV, "direct,abroad")
    with pytest.raises(ConfigurationError, match="BEDROCK_ACCESS_METHODS='direct,abroad'"):
        create_langchain_chatbedrock(NOVA_PRO, region_name="eu-west-1", catalog=False)


@pytest.mark.parametrize("policy", [(), ("direct", "direct"), ("direct", "abroad"), 7])
def test_an_invalid_policy_fails_before_any_request(policy: Any) -> None:
    # An application-profile ARN is looked up (GetInferenceProfile) while the model is
    # built, and sockets are off here: the policy is refused before that lookup.
    with pytest.raises(ParameterValidationError, match="access_methods"):
        create_langchain_chatbedrock(APP_PROFILE, region_name="us-east-1", access_methods=policy)


def test_rebuilt_models_keep_the_policy_in_another_region_and_for_another_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(POLICY_ENV, "direct,regional")
    model = create_langchain_chatbedrock(NOVA_PRO, region_name="eu-west-1", catalog=False)
    # The variable changes afterwards: the policy the model was built with still holds.
    monkeypatch.setenv(POLICY_ENV, "global")
    other_region = rebuild_model(model, region_name="us-west-2")
    other_model = rebuild_model(model, model_id="amazon.nova-lite-v1:0")
    assert other_region.access_methods == other_model.access_methods == (D, R)
    engine, rebuilt_engine = model.access_engine, other_region.access_engine
    assert engine is not None
    assert rebuilt_engine is not None
    assert rebuilt_engine.tracker is engine.tracker
    assert rebuilt_engine.access_methods == (D, R)
