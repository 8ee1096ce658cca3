"""Call-time values: checked for type, validated, and sent in their validated form."""

from __future__ import annotations

import pytest

from langchain_bedrock_enhanced._call_values import deep_merge, validated_call_kwargs
from langchain_bedrock_enhanced.errors import ParameterValidationError
from langchain_bedrock_enhanced.models import Llama3Parameters

LLAMA = "meta.llama3-3-70b-instruct-v1:0"


def test_a_family_validates_call_values_merged_with_its_own_and_sends_them_converted() -> None:
    parameters = Llama3Parameters(model_id=LLAMA, temperature=0.2)
    sent = validated_call_kwargs(
        {"maxTokens": 100, "stop": ("END",)}, parameters, model_id=LLAMA, region="us-east-1"
    )
    assert sent["maxTokens"] == 100
    assert sent["stop"] == ["END"]


@pytest.mark.parametrize(
    "kwargs",
    [{"temperature": "0.5"}, {"temperature": True}, {"maxTokens": 1.0}, {"maxTokens": 9999999}],
)
def test_a_bad_call_value_is_a_parameter_validation_error(kwargs: dict[str, object]) -> None:
    parameters = Llama3Parameters(model_id=LLAMA)
    with pytest.raises(ParameterValidationError):
        validated_call_kwargs(kwargs, parameters, model_id=LLAMA, region="us-east-1")


def test_a_model_no_family_claims_is_held_to_converses_own_bounds() -> None:
    with pytest.raises(ParameterValidationError):
        validated_call_kwargs({"temperature": 1.5}, None, model_id="x.y-v1:0", region=None)
    sent = validated_call_kwargs({"topK": 5}, None, model_id="x.y-v1:0", region=None)
    assert sent["additionalModelRequestFields"] == {"top_k": 5}


def test_deep_merge_merges_nested_mappings_and_lets_the_second_win() -> None:
    merged = deep_merge({"a": {"b": 1, "c": 2}, "d": 1}, {"a": {"c": 3}, "d": {"e": 4}})
    assert merged == {"a": {"b": 1, "c": 3}, "d": {"e": 4}}
