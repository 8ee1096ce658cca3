"""Mistral and Mixtral: parameter classes, system-prompt folding, [INST] bodies."""

from __future__ import annotations

import re

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage

from langchain_bedrock_enhanced import MistralEnhancedChatBedrockConverse, ParameterValidationError
from langchain_bedrock_enhanced.models import MistralParameters, MixtralParameters
from langchain_bedrock_enhanced.models.mistral import short_tool_call_id


def test_mixtral_and_mistral_7b_take_top_k_between_1_and_200() -> None:
    assert MixtralParameters.validated(
        {"model_id": "mistral.mixtral-8x7b-instruct-v0:1", "top_k": 200}
    )
    for model_id, parameter_class in (
        ("mistral.mixtral-8x7b-instruct-v0:1", MixtralParameters),
        ("mistral.mistral-7b-instruct-v0:2", MistralParameters),
    ):
        with pytest.raises(ParameterValidationError):
            parameter_class.validated({"model_id": model_id, "top_k": 0})
        with pytest.raises(ParameterValidationError):
            parameter_class.validated({"model_id": model_id, "top_k": 201})


def test_mistral_large_has_no_top_k() -> None:
    with pytest.raises(ParameterValidationError, match="no top_k"):
        MistralParameters.validated({"model_id": "mistral.mistral-large-2402-v1:0", "top_k": 5})


def test_mixtral_output_limit_is_4096() -> None:
    with pytest.raises(ParameterValidationError):
        MixtralParameters.validated(
            {"model_id": "mistral.mixtral-8x7b-instruct-v0:1", "max_tokens": 4097}
        )
    assert MistralParameters.validated(
        {"model_id": "mistral.mistral-7b-instruct-v0:2", "max_tokens": 8192}
    )


@pytest.mark.parametrize(
    ("model_id", "system", "choices"),
    [
        ("mistral.mistral-7b-instruct-v0:2", False, ()),
        ("mistral.mixtral-8x7b-instruct-v0:1", False, ()),
        ("mistral.mistral-large-2402-v1:0", True, ("auto", "any")),
        ("us.mistral.pixtral-large-2502-v1:0", True, ("auto",)),
    ],
)
def test_hooks_per_model(
    model_id: str,
    system: bool,  # noqa: FBT001 - a parametrized expectation
    choices: tuple[str, ...],
) -> None:
    model = MistralEnhancedChatBedrockConverse(model=model_id, region_name="us-east-1")
    assert model.accepts_system_prompt() is system
    assert tuple(model.supports_tool_choice_values or ()) == choices
    assert model.disable_streaming == "tool_calling"


def test_system_field_of_a_model_without_system_prompts_is_kept_for_folding() -> None:
    model = MistralEnhancedChatBedrockConverse(
        model="mistral.mistral-7b-instruct-v0:2", region_name="us-east-1", system=["Be terse."]
    )
    assert model.system is None
    assert model._folded_system == ("Be terse.",)


def test_native_body_folds_system_text_into_the_first_inst_block() -> None:
    body = MistralEnhancedChatBedrockConverse.format_invoke_body(
        [SystemMessage("Be terse."), HumanMessage("Hi")],
        MixtralParameters(max_tokens=50, top_k=10, stop=["</s>"]),
    )
    assert body == {
        "prompt": "<s>[INST] Be terse.\n\nHi [/INST]",
        "max_tokens": 50,
        "top_k": 10,
        "stop": ["</s>"],
    }


def test_native_responses_in_both_forms() -> None:
    text_form = MistralEnhancedChatBedrockConverse.parse_invoke_response(
        {"outputs": [{"text": "Hi", "stop_reason": "stop"}]}
    )
    chat_form = MistralEnhancedChatBedrockConverse.parse_invoke_response(
        {
            "choices": [
                {"message": {"role": "assistant", "content": "Hi"}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1},
        }
    )
    assert text_form.content == chat_form.content == "Hi"
    assert chat_form.usage_metadata is not None
    assert (
        MistralEnhancedChatBedrockConverse.extract_stream_text({"outputs": [{"text": "x"}]}) == "x"
    )
    assert (
        MistralEnhancedChatBedrockConverse.extract_stream_text(
            {"choices": [{"delta": {"content": "y"}}]}
        )
        == "y"
    )


LARGE_3 = "mistral.mistral-large-3-675b-instruct"
BEDROCK_ID = "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q"


def _loop(tool_call_id: str) -> list[BaseMessage]:
    return [
        HumanMessage("call magic_function with 3"),
        AIMessage(
            content=[{"type": "tool_use", "id": tool_call_id, "name": "magic_function"}],
            tool_calls=[{"name": "magic_function", "args": {"input": 3}, "id": tool_call_id}],
        ),
        ToolMessage("5", tool_call_id=tool_call_id),
    ]


def test_mistral_3_gets_nine_character_tool_call_ids_that_still_match() -> None:
    model = MistralEnhancedChatBedrockConverse(model=LARGE_3, region_name="us-east-1")
    _, call, result = model._prepare_messages(_loop(BEDROCK_ID))
    assert isinstance(call, AIMessage)
    assert isinstance(result, ToolMessage)
    short = call.tool_calls[0]["id"]
    assert short is not None
    assert re.fullmatch(r"[a-zA-Z0-9]{9}", short)
    assert call.content[0]["id"] == short  # type: ignore[index]
    assert result.tool_call_id == short


def test_other_mistral_models_keep_their_tool_call_ids() -> None:
    model = MistralEnhancedChatBedrockConverse(
        model="mistral.mistral-large-2407-v1:0", region_name="us-west-2"
    )
    _, call, result = model._prepare_messages(_loop(BEDROCK_ID))
    assert isinstance(call, AIMessage)
    assert call.tool_calls[0]["id"] == BEDROCK_ID
    assert isinstance(result, ToolMessage)
    assert result.tool_call_id == BEDROCK_ID


def test_a_valid_short_id_is_kept_and_a_long_one_always_maps_the_same_way() -> None:
    assert short_tool_call_id("abc123XYZ") == "abc123XYZ"
    assert short_tool_call_id(BEDROCK_ID) == short_tool_call_id(BEDROCK_ID)
    assert short_tool_call_id(BEDROCK_ID) != short_tool_call_id(BEDROCK_ID + "x")
