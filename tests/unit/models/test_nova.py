"""Nova's parameter classes, nested top_k and native body."""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from langchain_bedrock_enhanced import NovaEnhancedChatBedrockConverse, ParameterValidationError
from langchain_bedrock_enhanced.models import Nova2Parameters, NovaParameters


@pytest.mark.parametrize(
    ("parameter_class", "model_id", "limit"),
    [
        (NovaParameters, "amazon.nova-micro-v1:0", 10000),
        (NovaParameters, "amazon.nova-lite-v1:0", 10000),
        (NovaParameters, "amazon.nova-pro-v1:0", 10000),
        (NovaParameters, "amazon.nova-premier-v1:0", 32000),
        (Nova2Parameters, "amazon.nova-2-lite-v1:0", 65536),
    ],
)
def test_max_tokens_is_capped_per_model(
    parameter_class: type[NovaParameters], model_id: str, limit: int
) -> None:
    assert parameter_class.validated({"model_id": model_id, "max_tokens": limit})
    with pytest.raises(ParameterValidationError):
        parameter_class.validated({"model_id": model_id, "max_tokens": limit + 1})


def test_top_k_is_nested_under_inference_config() -> None:
    params = NovaParameters(model_id="amazon.nova-lite-v1:0", top_k=3, top_p=0.9)
    assert params.additional_model_request_fields() == {"inferenceConfig": {"topK": 3}}
    assert params.inference_config() == {"topP": 0.9}
    assert NovaParameters.read_additional_fields({"inferenceConfig": {"topK": 4}}) == {"top_k": 4}
    assert NovaParameters.without_additional_fields(
        {"inferenceConfig": {"topK": 4}, "other": 1}
    ) == {"other": 1}


def test_top_k_range() -> None:
    with pytest.raises(ParameterValidationError):
        NovaParameters.validated({"model_id": "amazon.nova-pro-v1:0", "top_k": 129})


def test_top_k_given_the_way_claude_spells_it_is_not_sent_to_nova_unvalidated() -> None:
    model = NovaEnhancedChatBedrockConverse(
        model="us.amazon.nova-lite-v1:0", region_name="us-east-1", model_kwargs={"top_k": 5}
    )
    assert model.additional_model_request_fields == {"inferenceConfig": {"topK": 5}}


def test_nova_hooks() -> None:
    model = NovaEnhancedChatBedrockConverse(
        model="amazon.nova-2-lite-v1:0", region_name="us-east-1"
    )
    assert model.supports_tool_choice_values == ("auto", "any", "tool")
    assert model.disable_streaming is False
    assert (
        NovaEnhancedChatBedrockConverse.extract_stream_text(
            {"contentBlockDelta": {"delta": {"text": "Hi"}, "contentBlockIndex": 0}}
        )
        == "Hi"
    )


def test_native_body_uses_the_messages_v1_schema() -> None:
    body = NovaEnhancedChatBedrockConverse.format_invoke_body(
        [SystemMessage("Be brief."), HumanMessage("Hi")],
        NovaParameters(max_tokens=20, temperature=0.1, top_k=5),
    )
    assert body == {
        "schemaVersion": "messages-v1",
        "system": [{"text": "Be brief."}],
        "messages": [{"role": "user", "content": [{"text": "Hi"}]}],
        "inferenceConfig": {"max_new_tokens": 20, "temperature": 0.1, "top_k": 5},
    }


def test_native_response_is_parsed() -> None:
    message = NovaEnhancedChatBedrockConverse.parse_invoke_response(
        {
            "output": {"message": {"role": "assistant", "content": [{"text": "Hello"}]}},
            "stopReason": "end_turn",
            "usage": {"inputTokens": 4, "outputTokens": 2, "totalTokens": 6},
        }
    )
    assert message.content == "Hello"
    assert message.usage_metadata is not None
    assert message.usage_metadata["total_tokens"] == 6
