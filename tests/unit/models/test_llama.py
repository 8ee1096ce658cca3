"""Llama's parameter classes (no top_k), hooks and Llama 3 chat template."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from langchain_bedrock_enhanced import LlamaEnhancedChatBedrockConverse, ParameterValidationError
from langchain_bedrock_enhanced.models import Llama3Parameters, Llama4Parameters


def test_top_k_is_an_error_not_a_silent_drop() -> None:
    with pytest.raises(ParameterValidationError, match="top_k"):
        LlamaEnhancedChatBedrockConverse(
            model="us.meta.llama3-3-70b-instruct-v1:0", region_name="us-east-1", top_k=10
        )
    with pytest.raises(ParameterValidationError, match="top_k"):
        LlamaEnhancedChatBedrockConverse(
            model="meta.llama3-8b-instruct-v1:0",
            region_name="us-east-1",
            additional_model_request_fields={"top_k": 10},
        )


@pytest.mark.parametrize(
    ("parameter_class", "model_id", "limit"),
    [
        (Llama3Parameters, "meta.llama3-8b-instruct-v1:0", 2048),
        (Llama3Parameters, "meta.llama3-3-70b-instruct-v1:0", 2048),
        (Llama4Parameters, "meta.llama4-maverick-17b-instruct-v1:0", 8192),
    ],
)
def test_max_tokens_is_capped(
    parameter_class: type[Llama3Parameters], model_id: str, limit: int
) -> None:
    assert parameter_class.validated({"model_id": model_id, "max_tokens": limit})
    with pytest.raises(ParameterValidationError):
        parameter_class.validated({"model_id": model_id, "max_tokens": limit + 1})


@pytest.mark.parametrize(
    ("model_id", "choices"),
    [
        ("meta.llama3-8b-instruct-v1:0", ()),
        ("us.meta.llama3-2-1b-instruct-v1:0", ()),
        ("us.meta.llama3-2-90b-instruct-v1:0", ("auto",)),
        ("us.meta.llama3-1-70b-instruct-v1:0", ("auto",)),
        ("us.meta.llama4-scout-17b-instruct-v1:0", ("auto",)),
    ],
)
def test_tool_choice_values_per_model(model_id: str, choices: tuple[str, ...]) -> None:
    model = LlamaEnhancedChatBedrockConverse(model=model_id, region_name="us-east-1")
    assert tuple(model.supports_tool_choice_values or ()) == choices
    assert model.disable_streaming == "tool_calling"


def test_native_body_uses_the_llama_3_chat_template() -> None:
    body = LlamaEnhancedChatBedrockConverse.format_invoke_body(
        [SystemMessage("Be brief."), HumanMessage("Hi"), AIMessage("Hello"), HumanMessage("Bye")],
        Llama3Parameters(max_tokens=64, temperature=0.2),
    )
    assert body["prompt"] == (
        "<|begin_of_text|>"
        "<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )
    assert (body["max_gen_len"], body["temperature"]) == (64, 0.2)
    assert "top_k" not in body


def test_native_response_and_stream_chunks() -> None:
    message = LlamaEnhancedChatBedrockConverse.parse_invoke_response(
        {"generation": "Hi!", "prompt_token_count": 7, "generation_token_count": 2}
    )
    assert message.content == "Hi!"
    assert message.usage_metadata is not None
    assert message.usage_metadata["input_tokens"] == 7
    assert LlamaEnhancedChatBedrockConverse.extract_stream_text({"generation": "Hi"}) == "Hi"
