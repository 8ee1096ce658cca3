"""BedrockModelParameters and ModelLimits: what the base gives every family.

The families here are defined by the test, as a third party would define one; the
bundled families' own limits are tested beside them in tests/unit/models/.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

import pytest
from langchain_aws import ChatBedrockConverse
from pydantic import ValidationError

from langchain_bedrock_enhanced.errors import ParameterValidationError
from langchain_bedrock_enhanced.parameters import (
    BedrockModelParameters,
    ModelLimits,
    check_value_types,
    value_type_problems,
)

ROCKET = "acme.rocket-v1:0"
ROCKET_MAX = "acme.rocket-max-v1:0"


class RocketParameters(BedrockModelParameters):
    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        ROCKET: ModelLimits(1000, "Acme Rocket", temperature=(0.0, 0.5), top_k=(1, 50)),
        ROCKET_MAX: ModelLimits(
            8000, "Acme Rocket Max", top_p=(0.1, 1.0), top_k=(0, 500), sampling="exclusive"
        ),
    }
    top_k: int | None = None


class DeepParameters(BedrockModelParameters):
    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "acme.deep-v1:0": ModelLimits(100, "Acme Deep", top_k=(1, 10)),
    }
    TOP_K_PATH: ClassVar[tuple[str, ...]] = ("sampling", "options", "topK")
    top_k: int | None = None


class QuietParameters(BedrockModelParameters):
    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "acme.quiet-v1:0": ModelLimits(100, "Acme Quiet", sampling="none"),
        "acme.hush-v1:0": ModelLimits(100, "Acme Hush", sampling="exclusive"),
    }


class SilentParameters(BedrockModelParameters):
    MODELS: ClassVar[Mapping[str, ModelLimits]] = {
        "acme.silent-v1:0": ModelLimits(100, "Acme Silent", sampling="none"),
    }


class OpenParameters(BedrockModelParameters):
    """A family that lists no models yet."""


def rejects(parameters: type[BedrockModelParameters], **values: Any) -> str:
    with pytest.raises(ParameterValidationError) as info:
        parameters.validated(values)
    return str(info.value)


# Which limits apply ----------------------------------------------------------


def test_limits_are_those_of_the_exact_model_then_of_its_versioned_base() -> None:
    assert RocketParameters.limits_for(ROCKET).name == "Acme Rocket"
    assert RocketParameters.limits_for("acme.rocket-v1:1").name == "Acme Rocket"
    assert RocketParameters.validated({"model_id": "acme.rocket-v1:1", "max_tokens": 1000})
    assert "(1000)" in rejects(RocketParameters, model_id="acme.rocket-v1:1", max_tokens=1001)


def test_a_model_the_family_does_not_list_is_held_to_the_loosest_limits_of_the_family() -> None:
    limits = RocketParameters.limits_for("acme.rocket-v2:0")
    assert limits == RocketParameters.limits_for(None)
    assert (limits.max_output_tokens, limits.top_k, limits.sampling) == (8000, (0, 500), "any")
    assert (limits.temperature, limits.top_p) == ((0.0, 1.0), (0.0, 1.0))


def test_without_a_model_id_any_value_some_model_of_the_family_accepts_is_accepted() -> None:
    loose = RocketParameters.validated(
        {"max_tokens": 8000, "temperature": 0.9, "top_p": 0.05, "top_k": 0}
    )
    assert (loose.max_tokens, loose.temperature, loose.top_p, loose.top_k) == (8000, 0.9, 0.05, 0)
    assert "(8000)" in rejects(RocketParameters, max_tokens=8001)
    assert "top_k=501" in rejects(RocketParameters, top_k=501)


def test_a_family_without_models_bounds_max_tokens_only_by_a_32_bit_integer() -> None:
    assert OpenParameters.validated({"max_tokens": 2**31 - 1}).max_tokens == 2**31 - 1
    rejects(OpenParameters, max_tokens=2**31)


def test_the_loosest_sampling_rule_of_the_family_applies_to_an_unknown_model() -> None:
    # One model takes no sampling at all, the other takes temperature or top_p.
    assert QuietParameters.validated({"temperature": 0.3}).temperature == 0.3
    assert "together with top_p" in rejects(QuietParameters, temperature=0.3, top_p=0.9)
    assert "no sampling parameters" in rejects(SilentParameters, top_p=0.9)


# Validation against one model ------------------------------------------------------


def test_a_models_own_ranges_narrower_than_converse_are_enforced() -> None:
    assert "temperature=0.6 is outside [0, 0.5]" in rejects(
        RocketParameters, model_id=ROCKET, temperature=0.6
    )
    assert "top_p=0.05 is outside [0.1, 1]" in rejects(
        RocketParameters, model_id=ROCKET_MAX, top_p=0.05
    )
    assert "top_k=0 is outside [1, 50]" in rejects(RocketParameters, model_id=ROCKET, top_k=0)
    accepted = RocketParameters.validated({"model_id": ROCKET, "temperature": 0.5, "top_k": 50})
    assert (accepted.temperature, accepted.top_k) == (0.5, 50)


def test_converse_bounds_hold_whatever_the_family_declares() -> None:
    class WarmParameters(BedrockModelParameters):
        MODELS: ClassVar[Mapping[str, ModelLimits]] = {
            "acme.warm-v1:0": ModelLimits(100, "Acme Warm", temperature=(0.0, 2.0)),
        }

    # Converse's inferenceConfig takes temperature in [0, 1] (botocore's model).
    message = rejects(WarmParameters, model_id="acme.warm-v1:0", temperature=1.5)
    assert "temperature" in message


def test_every_limit_problem_is_reported_at_once_before_anything_is_sent() -> None:
    values = {"model_id": ROCKET, "max_tokens": 5000, "temperature": 0.9, "top_k": 99}
    with pytest.raises(ParameterValidationError) as info:
        RocketParameters.validated(values, region="eu-west-1")
    error = info.value
    message = str(error)
    for problem in (
        "max_tokens=5000 exceeds the output limit of Acme Rocket (1000)",
        "temperature=0.9 is outside [0, 0.5]",
        "top_k=99 is outside [1, 50]",
        "Nothing was sent to Bedrock",
    ):
        assert problem in message
    assert (error.model_id, error.region) == (ROCKET, "eu-west-1")
    assert isinstance(error, ValueError)
    assert isinstance(error.__cause__, ValidationError)


def test_problems_with_single_values_name_their_parameter() -> None:
    with pytest.raises(ParameterValidationError) as info:
        RocketParameters.validated({"max_tokens": 0, "temperature": 2, "frequency_penalty": 1})
    problems = dict(info.value.problems)
    assert set(problems) == {"max_tokens", "temperature", "frequency_penalty"}
    assert problems["frequency_penalty"] == "is not a parameter of this model family"


def test_problems_against_a_models_limits_name_their_parameter_too() -> None:
    values = {"model_id": ROCKET, "max_tokens": 5000, "temperature": 0.9, "top_k": 99}
    with pytest.raises(ParameterValidationError) as info:
        RocketParameters.validated(values)
    assert {name for name, _ in info.value.problems} == {"max_tokens", "temperature", "top_k"}


def test_a_chat_models_fields_and_request_fields_are_validated_for_a_given_model() -> None:
    chat = ChatBedrockConverse(
        model=ROCKET,
        provider="acme",
        region_name="eu-west-1",
        temperature=0.4,
        max_tokens=900,
        stop_sequences=["END"],
        additional_model_request_fields={"top_k": 12},
    )
    params = RocketParameters.from_chat_model(chat, ROCKET)
    assert (params.model_id, params.temperature, params.max_tokens, params.top_k) == (
        ROCKET,
        0.4,
        900,
        12,
    )
    assert params.stop_sequences == ("END",)
    too_warm = chat.model_copy(update={"temperature": 0.7})
    with pytest.raises(ParameterValidationError) as info:
        RocketParameters.from_chat_model(too_warm, ROCKET)
    assert info.value.region == "eu-west-1"


# Request shaping -------------------------------------------------------------------


def test_unset_values_are_left_out_of_the_request() -> None:
    params = RocketParameters(model_id=ROCKET)
    assert params.inference_config() == {}
    assert params.additional_model_request_fields() == {}


def test_stop_sequences_may_be_given_by_either_name_and_are_sent_as_a_list() -> None:
    by_alias = RocketParameters.validated({"stop": ("END", "STOP")})
    by_name = RocketParameters.validated({"stop_sequences": ["END", "STOP"]})
    assert by_alias == by_name
    assert by_alias.inference_config() == {"stopSequences": ["END", "STOP"]}


def test_top_k_goes_wherever_the_family_puts_it() -> None:
    params = DeepParameters(model_id="acme.deep-v1:0", top_k=3, max_tokens=10)
    assert params.additional_model_request_fields() == {"sampling": {"options": {"topK": 3}}}
    assert params.inference_config() == {"maxTokens": 10}


def test_family_values_are_read_back_from_request_fields_and_the_rest_passes_through() -> None:
    given = {"sampling": {"options": {"topK": 4}, "seed": 1}, "guardrail": "on"}
    untouched = copy.deepcopy(given)
    assert DeepParameters.read_additional_fields(given) == {"top_k": 4}
    assert DeepParameters.without_additional_fields(given) == {
        "sampling": {"seed": 1},
        "guardrail": "on",
    }
    assert given == untouched


def test_a_branch_left_empty_by_removing_top_k_is_removed_too() -> None:
    only_top_k = {"sampling": {"options": {"topK": 4}}, "guardrail": "on"}
    assert DeepParameters.without_additional_fields(only_top_k) == {"guardrail": "on"}


@pytest.mark.parametrize(
    "fields", [{}, {"sampling": "fast"}, {"sampling": {"options": None}}, {"topK": 4}]
)
def test_request_fields_without_the_familys_path_hold_no_family_values(
    fields: dict[str, Any],
) -> None:
    assert DeepParameters.read_additional_fields(fields) == {}
    assert DeepParameters.without_additional_fields(fields) == fields


def test_supported_models_are_listed_in_order() -> None:
    assert RocketParameters.supported_models() == (ROCKET_MAX, ROCKET)
    assert OpenParameters.supported_models() == ()


# Call-time types: what a value must be before pydantic may convert it -----------


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("temperature", "0.5", "expected a number, got str '0.5'"),
        ("temperature", True, "expected a number, got bool True (a bool is not a number)"),
        ("top_p", False, "expected a number, got bool False (a bool is not a number)"),
        ("top_p", [0.9], "expected a number, got list [0.9]"),
        ("max_tokens", 1.0, "expected an int, got float 1.0"),
        ("max_tokens", True, "expected an int, got bool True (a bool is not a number)"),
        ("max_tokens", "100", "expected an int, got str '100'"),
        ("top_k", 5.0, "expected an int, got float 5.0"),
        ("top_k", True, "expected an int, got bool True (a bool is not a number)"),
        ("stop_sequences", "END", "expected a list of strings, got str 'END'"),
        ("stop_sequences", {"END"}, "expected a list of strings, got set {'END'}"),
        ("stop_sequences", ["END", 7], "expected a list of strings; item 1 is int 7"),
    ],
)
def test_a_value_of_a_type_bedrock_refuses_is_named_with_what_it_is(
    name: str, value: object, problem: str
) -> None:
    assert value_type_problems({name: value}) == [(name, problem)]


def test_values_botocore_sends_as_given_have_no_type_problem() -> None:
    values = {
        "temperature": 1,
        "top_p": Decimal("0.5"),
        "max_tokens": 512,
        "top_k": 0,
        "stop_sequences": ("END",),
        "not_a_parameter": object(),
        "temperature_unset": None,
    }
    assert value_type_problems(values) == []
    assert value_type_problems({"temperature": None, "stop_sequences": []}) == []


def test_long_values_are_shown_cut_short() -> None:
    ((_, problem),) = value_type_problems({"temperature": "9" * 500})
    assert len(problem) < 80


def test_type_problems_raise_one_error_naming_every_parameter() -> None:
    with pytest.raises(ParameterValidationError) as info:
        check_value_types(
            {"temperature": "0.5", "max_tokens": 1.0, "top_p": 0.2},
            model_id=ROCKET,
            region="eu-west-1",
        )
    assert [name for name, _ in info.value.problems] == ["temperature", "max_tokens"]
    assert (info.value.model_id, info.value.region) == (ROCKET, "eu-west-1")
    assert "Nothing was sent" in info.value.message
    check_value_types({"temperature": 0.2})


# A whole inferenceConfig given at call time -------------------------------------


def test_an_inference_config_is_validated_and_rendered_as_sent() -> None:
    validated = RocketParameters.from_inference_config(
        {"maxTokens": 100, "temperature": 0, "stopSequences": ("END",)}, model_id=ROCKET
    )
    assert validated.inference_config() == {
        "maxTokens": 100,
        "temperature": 0.0,
        "stopSequences": ["END"],
    }
    assert isinstance(validated.inference_config()["temperature"], float)


@pytest.mark.parametrize(
    ("config", "parameter"),
    [
        ({"temperature": "0.5"}, "temperature"),
        ({"maxTokens": 1.0}, "max_tokens"),
        ({"maxTokens": 1001}, "max_tokens"),
        ({"temperature": 0.9}, "temperature"),
        ({"topK": 5}, "inference_config.topK"),
        (["maxTokens", 5], "inference_config"),
    ],
)
def test_an_inference_config_bedrock_refuses_is_a_parameter_error(
    config: object, parameter: str
) -> None:
    with pytest.raises(ParameterValidationError) as info:
        RocketParameters.from_inference_config(config, model_id=ROCKET, region="us-east-1")
    assert parameter in [name for name, _ in info.value.problems]
