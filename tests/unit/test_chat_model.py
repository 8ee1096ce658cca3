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
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from pydantic import BaseModel

from langchain_bedrock_enhanced import (
    AccessMethod,
    ClaudeEnhancedChatBedrockConverse,
    ConfigurationError,
    EnhancedChatBedrockConverse,
    LlamaEnhancedChatBedrockConverse,
    MistralEnhancedChatBedrockConverse,
    NovaEnhancedChatBedrockConverse,
    ParameterValidationError,
    RequestValidationError,
    UnsupportedModelError,
)
from langchain_bedrock_enhanced.access import AccessMethodTracker

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


def test_fields_are_chat_bedrock_converse_plus_two_optional_access_settings() -> None:
    added = {"auto_inference_profile", "access_methods"}
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
        assert not cls.model_fields["access_methods"].is_required()
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


# Bad input: typed, and before the network ---------------------------------------

HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0"
WRONG_TYPES = [
    {"temperature": "0.5"},
    {"temperature": True},
    {"top_p": False},
    {"max_tokens": 1.0},
    {"max_tokens": True},
    {"top_k": True},
    {"top_k": "3"},
    {"stop": "END"},
    {"stop": [1]},
    {"stop_sequences": "END"},
    {"inference_config": {"temperature": "0.5"}},
]


def sent_requests(runtime: Any) -> list[dict[str, Any]]:
    """The parameters of every Converse call the client builds, as botocore sees them."""
    seen: list[dict[str, Any]] = []
    runtime.meta.events.register(
        "provide-client-params.bedrock-runtime.Converse",
        lambda params, **_: seen.append(params),
    )
    return seen


@pytest.mark.parametrize("values", WRONG_TYPES, ids=str)
@pytest.mark.parametrize(
    "model_class", [ClaudeEnhancedChatBedrockConverse, EnhancedChatBedrockConverse]
)
def test_call_time_values_of_the_wrong_type_raise_before_any_request(
    runtime: Any, model_class: type[EnhancedChatBedrockConverse], values: dict[str, Any]
) -> None:
    model = model_class(model=HAIKU_3, client=runtime)
    with Stubber(runtime) as stub, pytest.raises(ParameterValidationError) as info:
        model.invoke("hello", **values)
    stub.assert_no_pending_responses()
    assert info.value.problems
    assert info.value.model_id == HAIKU_3


def test_a_family_reads_its_own_values_from_call_time_request_fields_too(runtime: Any) -> None:
    model = NovaEnhancedChatBedrockConverse(model="us.amazon.nova-lite-v1:0", client=runtime)
    with Stubber(runtime) as stub, pytest.raises(ParameterValidationError) as info:
        model.invoke("hello", additional_model_request_fields={"inferenceConfig": {"topK": 2.0}})
    stub.assert_no_pending_responses()
    assert [name for name, _ in info.value.problems] == ["top_k"]


def test_the_validated_values_are_what_the_request_carries(runtime: Any) -> None:
    model = ClaudeEnhancedChatBedrockConverse(model=HAIKU_3, client=runtime)
    seen = sent_requests(runtime)
    with Stubber(runtime) as stub:
        stub.add_response("converse", reply())
        model.invoke("hello", temperature=1, max_tokens=100, stop=("END",), top_k=5)
    (params,) = seen
    assert params["inferenceConfig"] == {
        "maxTokens": 100,
        "temperature": 1.0,
        "stopSequences": ["END"],
    }
    assert type(params["inferenceConfig"]["temperature"]) is float
    assert params["additionalModelRequestFields"] == {"top_k": 5}


def test_without_a_family_call_time_values_are_held_to_the_converse_bounds(
    runtime: Any,
) -> None:
    model = EnhancedChatBedrockConverse(model="cohere.command-r-v1:0", client=runtime)
    with Stubber(runtime) as stub:
        for values in ({"temperature": 1.5}, {"top_p": -0.1}, {"max_tokens": 0}, {"stop": [""]}):
            with pytest.raises(ParameterValidationError):
                model.invoke("hello", **values)
        stub.assert_no_pending_responses()


def test_without_a_family_good_call_time_values_are_sent_converted(runtime: Any) -> None:
    model = EnhancedChatBedrockConverse(model="cohere.command-r-v1:0", client=runtime)
    seen = sent_requests(runtime)
    with Stubber(runtime) as stub:
        stub.add_response("converse", reply())
        model.invoke("hello", temperature=1, stop_sequences=("END",), top_k=3)
    (params,) = seen
    assert params["inferenceConfig"] == {"temperature": 1.0, "stopSequences": ["END"]}
    assert params["additionalModelRequestFields"] == {"top_k": 3}


def test_a_call_time_inference_config_is_validated_and_sent_in_camel_case(runtime: Any) -> None:
    model = ClaudeEnhancedChatBedrockConverse(model=HAIKU_3, client=runtime, temperature=0.2)
    seen = sent_requests(runtime)
    with Stubber(runtime) as stub:
        with pytest.raises(ParameterValidationError):
            model.invoke("hello", inference_config={"max_tokens": 5000})
        with pytest.raises(ParameterValidationError):
            model.invoke("hello", inference_config={"top_k": 5})
        stub.add_response("converse", reply())
        model.invoke("hello", inference_config={"max_tokens": 10, "temperature": 1})
    (params,) = seen
    # langchain-aws sends a whole inference_config in place of the model's values.
    assert params["inferenceConfig"] == {"maxTokens": 10, "temperature": 1.0}


def test_messages_bedrock_rejects_raise_request_validation_error_before_any_request(
    runtime: Any,
) -> None:
    model = ClaudeEnhancedChatBedrockConverse(model=HAIKU_3, client=runtime)
    with Stubber(runtime) as stub:
        with pytest.raises(RequestValidationError) as surrogate:
            model.invoke([HumanMessage("fine"), AIMessage("ok"), HumanMessage("a\ud800b")])
        with pytest.raises(RequestValidationError) as first_turn:
            model.invoke([SystemMessage("Be brief."), AIMessage("Hello"), HumanMessage("Hi")])
        stub.assert_no_pending_responses()
    assert "messages[2].content: contains a lone surrogate" in surrogate.value.message
    assert "messages[1]: the conversation starts with an AIMessage" in first_turn.value.message
    assert (surrogate.value.model_id, surrogate.value.region) == (HAIKU_3, "us-east-1")
    # Still caught where langchain-aws raised Bedrock's ValidationException.
    assert isinstance(surrogate.value, runtime.exceptions.ValidationException)


def test_a_lone_surrogate_in_the_system_field_is_caught_too(runtime: Any) -> None:
    model = ClaudeEnhancedChatBedrockConverse(
        model=HAIKU_3, client=runtime, system=["Be \udc00brief."]
    )
    with Stubber(runtime) as stub, pytest.raises(RequestValidationError) as info:
        model.invoke("hello")
    stub.assert_no_pending_responses()
    assert "system[0]: contains a lone surrogate" in info.value.message


def test_folding_system_text_decides_the_first_turn_and_indices_stay_the_callers(
    runtime: Any,
) -> None:
    # Mixtral takes no system prompt: the text becomes a first user turn when none exists.
    model = MistralEnhancedChatBedrockConverse(
        model="mistral.mixtral-8x7b-instruct-v0:1", client=runtime
    )
    with Stubber(runtime) as stub:
        stub.add_response("converse", reply())
        model.invoke([SystemMessage("Be terse."), AIMessage("Hello")])
        with pytest.raises(RequestValidationError) as info:
            model.invoke([SystemMessage("Be terse."), AIMessage("Hello"), HumanMessage("Hi")])
        stub.assert_no_pending_responses()
    assert "messages[1]: the conversation starts with an AIMessage" in info.value.message


def test_raw_blocks_replace_the_messages_so_the_messages_are_not_checked(runtime: Any) -> None:
    raw = [{"role": "user", "content": [{"text": "Hi"}]}]
    model = ClaudeEnhancedChatBedrockConverse(model=HAIKU_3, client=runtime, raw_blocks=raw)
    with Stubber(runtime) as stub:
        expected = {"modelId": HAIKU_3, "messages": raw, "system": [], "inferenceConfig": ANY}
        stub.add_response("converse", reply(), expected)
        model.invoke([AIMessage("ignored \ud800")])
        stub.assert_no_pending_responses()


def test_tools_bedrock_rejects_raise_request_validation_error_before_any_request(
    runtime: Any,
) -> None:
    model = ClaudeEnhancedChatBedrockConverse(model=HAIKU_3, client=runtime)
    bad_name = {"name": "get weather", "description": "d", "input_schema": {"type": "object"}}
    bad_schema = {"toolSpec": {"name": "ok", "inputSchema": {"json": ["not", "an", "object"]}}}
    with Stubber(runtime) as stub:
        with pytest.raises(RequestValidationError) as name:
            model.bind_tools([bad_name]).invoke("hello")
        with pytest.raises(RequestValidationError) as schema:
            model.invoke("hello", tools=[bad_schema])
        stub.assert_no_pending_responses()
    assert "toolConfig.tools[0].toolSpec.name: tool name 'get weather'" in name.value.message
    assert "toolConfig.tools[0].toolSpec.inputSchema.json" in schema.value.message


def test_good_tools_and_structured_output_still_go_through(runtime: Any) -> None:
    model = ClaudeEnhancedChatBedrockConverse(model=HAIKU_3, client=runtime)
    seen = sent_requests(runtime)
    with Stubber(runtime) as stub:
        stub.add_response("converse", reply())
        model.bind_tools([Weather]).invoke("hello")
    (params,) = seen
    assert params["toolConfig"]["tools"][0]["toolSpec"]["name"] == "Weather"


@pytest.mark.parametrize(
    "identifier",
    [
        f"{HAIKU_3[:-2]}:banana",
        f"{HAIKU_3}\n",
        HAIKU_3 + "x" * 300_000,
        f"arn:aws:bedrock:us-east-1:123456789012:foundation-model/{HAIKU_3}",
    ],
    ids=["version", "newline", "junk", "fm-arn-with-account"],
)
def test_family_classes_reject_malformed_model_ids_with_the_closest_ids(identifier: str) -> None:
    with pytest.raises(UnsupportedModelError) as info:
        ClaudeEnhancedChatBedrockConverse(model=identifier, region_name="us-east-1")
    if len(identifier) < 1000:
        assert HAIKU_3 in info.value.suggestions


# The access policy -------------------------------------------------------------

SONNET_BARE = "anthropic.claude-sonnet-4-5-20250929-v1:0"
POLICY_ENV = "BEDROCK_ACCESS_METHODS"


def test_a_family_class_takes_an_access_policy_and_its_engine_keeps_to_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(POLICY_ENV, raising=False)
    model = ClaudeEnhancedChatBedrockConverse(
        model=SONNET_BARE, region_name="eu-west-1", access_methods=("regional", "direct")
    )
    assert model.access_methods == (AccessMethod.REGIONAL_CRIS, AccessMethod.DIRECT)
    engine = model.access_engine
    assert engine is not None
    assert engine.tracker is AccessMethodTracker.get_instance()
    assert engine.selector.candidates(SONNET_BARE, "eu-west-1") == [
        (f"eu.{SONNET_BARE}", AccessMethod.REGIONAL_CRIS),
        (SONNET_BARE, AccessMethod.DIRECT),
    ]


def test_without_a_policy_a_model_takes_the_environment_then_the_default_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(POLICY_ENV, raising=False)
    default = EnhancedChatBedrockConverse(model=SONNET_BARE, region_name="us-east-1")
    assert default.access_methods == (
        AccessMethod.DIRECT,
        AccessMethod.REGIONAL_CRIS,
        AccessMethod.GLOBAL_CRIS,
    )
    monkeypatch.setenv(POLICY_ENV, "direct,regional")
    from_env = EnhancedChatBedrockConverse(model=SONNET_BARE, region_name="us-east-1")
    explicit = EnhancedChatBedrockConverse(
        model=SONNET_BARE, region_name="us-east-1", access_methods=["global"]
    )
    assert from_env.access_methods == (AccessMethod.DIRECT, AccessMethod.REGIONAL_CRIS)
    assert explicit.access_methods == (AccessMethod.GLOBAL_CRIS,)


@pytest.mark.parametrize("policy", [(), ["direct", "direct"], ["direct", "somewhere"], "x"])
def test_an_invalid_policy_raises_our_typed_error_not_pydantics(policy: Any) -> None:
    with pytest.raises(ParameterValidationError, match="access_methods") as info:
        ClaudeEnhancedChatBedrockConverse(
            model=SONNET_BARE, region_name="us-east-1", access_methods=policy
        )
    assert isinstance(info.value, ValueError)


def test_a_bad_environment_policy_is_a_configuration_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(POLICY_ENV, "direct;regional")
    with pytest.raises(ConfigurationError, match="BEDROCK_ACCESS_METHODS") as info:
        EnhancedChatBedrockConverse(model=SONNET_BARE, region_name="us-east-1")
    assert not isinstance(info.value, ParameterValidationError)


@pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
def test_the_policy_survives_serialization() -> None:
    model = ClaudeEnhancedChatBedrockConverse(
        model=SONNET_BARE, region_name="us-east-1", access_methods=("regional", "direct")
    )
    rebuilt = load(
        dumpd(model),
        valid_namespaces=["langchain_bedrock_enhanced"],
        allowed_objects=[ClaudeEnhancedChatBedrockConverse],
    )
    assert rebuilt.access_methods == model.access_methods


def test_the_engine_follows_a_policy_set_after_construction() -> None:
    model = EnhancedChatBedrockConverse(
        model=SONNET_BARE, region_name="us-east-1", access_methods=("direct",)
    )
    first = model.access_engine
    model.access_methods = (AccessMethod.REGIONAL_CRIS,)
    second = model.access_engine
    assert first is not None
    assert second is not None
    assert second.access_methods == (AccessMethod.REGIONAL_CRIS,)
    assert second.tracker is first.tracker
    assert model.access_engine is second
