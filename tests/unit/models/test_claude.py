"""Claude's parameter classes, hooks and native InvokeModel body."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

from langchain_bedrock_enhanced import ClaudeEnhancedChatBedrockConverse, ParameterValidationError
from langchain_bedrock_enhanced.models import (
    Claude3Parameters,
    Claude4Parameters,
    Claude35Parameters,
    Claude37Parameters,
)


@pytest.mark.parametrize(
    ("parameter_class", "model_id", "limit"),
    [
        (Claude3Parameters, "anthropic.claude-3-haiku-20240307-v1:0", 4096),
        (Claude35Parameters, "anthropic.claude-3-5-sonnet-20241022-v2:0", 8192),
        (Claude35Parameters, "anthropic.claude-3-5-haiku-20241022-v1:0", 8192),
        (Claude37Parameters, "anthropic.claude-3-7-sonnet-20250219-v1:0", 64000),
        (Claude4Parameters, "anthropic.claude-opus-4-20250514-v1:0", 32000),
        (Claude4Parameters, "anthropic.claude-opus-4-1-20250805-v1:0", 32000),
        (Claude4Parameters, "anthropic.claude-sonnet-4-5-20250929-v1:0", 64000),
        (Claude4Parameters, "anthropic.claude-haiku-4-5-20251001-v1:0", 64000),
        (Claude4Parameters, "anthropic.claude-opus-4-6-v1", 128000),
        (Claude4Parameters, "anthropic.claude-opus-4-7", 128000),
    ],
)
def test_max_tokens_is_capped_at_each_models_output_limit(
    parameter_class: type[Claude3Parameters], model_id: str, limit: int
) -> None:
    assert (
        parameter_class.validated({"model_id": model_id, "max_tokens": limit}).max_tokens == limit
    )
    with pytest.raises(ParameterValidationError) as info:
        parameter_class.validated({"model_id": model_id, "max_tokens": limit + 1})
    assert str(limit) in str(info.value)
    assert info.value.model_id == model_id


def test_temperature_and_top_k_ranges() -> None:
    model_id = "anthropic.claude-3-haiku-20240307-v1:0"
    assert Claude3Parameters.validated({"model_id": model_id, "temperature": 1.0, "top_k": 500})
    for bad in ({"temperature": 1.01}, {"temperature": -0.1}, {"top_k": 501}, {"top_p": 1.5}):
        with pytest.raises(ParameterValidationError):
            Claude3Parameters.validated({"model_id": model_id, **bad})


@pytest.mark.parametrize(
    "model_id",
    [
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "anthropic.claude-haiku-4-5-20251001-v1:0",
        "anthropic.claude-opus-4-5-20251101-v1:0",
        "anthropic.claude-opus-4-6-v1",
        "anthropic.claude-sonnet-4-6",
    ],
)
def test_claude_4_5_and_later_reject_temperature_with_top_p(model_id: str) -> None:
    assert Claude4Parameters.validated({"model_id": model_id, "temperature": 0.5})
    assert Claude4Parameters.validated({"model_id": model_id, "top_p": 0.5})
    with pytest.raises(ParameterValidationError, match="temperature together with top_p"):
        Claude4Parameters.validated({"model_id": model_id, "temperature": 0.5, "top_p": 0.5})


def test_claude_4_and_4_1_accept_temperature_with_top_p() -> None:
    params = Claude4Parameters.validated(
        {"model_id": "anthropic.claude-opus-4-1-20250805-v1:0", "temperature": 0.5, "top_p": 0.9}
    )
    assert (params.temperature, params.top_p) == (0.5, 0.9)


@pytest.mark.parametrize(
    "model_id",
    ["anthropic.claude-opus-4-7", "anthropic.claude-opus-4-8", "anthropic.claude-sonnet-5"],
)
@pytest.mark.parametrize("sampling", [{"temperature": 0.1}, {"top_p": 0.9}, {"top_k": 5}])
def test_opus_4_7_and_later_accept_no_sampling_parameters(
    model_id: str, sampling: dict[str, float]
) -> None:
    with pytest.raises(ParameterValidationError, match="no sampling parameters"):
        Claude4Parameters.validated({"model_id": model_id, **sampling})
    assert Claude4Parameters.validated({"model_id": model_id, "max_tokens": 1000})


def test_stop_sequences_are_bounded_and_non_empty() -> None:
    model_id = "anthropic.claude-3-haiku-20240307-v1:0"
    assert Claude3Parameters.validated({"model_id": model_id, "stop": ["a"] * 2500})
    with pytest.raises(ParameterValidationError, match="2500"):
        Claude3Parameters.validated({"model_id": model_id, "stop": ["a"] * 2501})
    with pytest.raises(ParameterValidationError, match="non-empty"):
        Claude3Parameters.validated({"model_id": model_id, "stop": [""]})


def test_unknown_parameters_are_rejected_and_instances_are_frozen() -> None:
    with pytest.raises(ParameterValidationError, match="not a parameter"):
        Claude3Parameters.validated({"presence_penalty": 1})
    params = Claude3Parameters(temperature=0.1)
    with pytest.raises(ValueError, match="frozen"):
        params.temperature = 0.2  # type: ignore[misc]


def test_request_shape_puts_top_k_at_the_top_level_of_request_fields() -> None:
    params = Claude35Parameters(max_tokens=100, temperature=0.2, top_k=7, stop=["X"])
    assert params.inference_config() == {
        "maxTokens": 100,
        "temperature": 0.2,
        "stopSequences": ["X"],
    }
    assert params.additional_model_request_fields() == {"top_k": 7}


def test_claude_hooks() -> None:
    model = ClaudeEnhancedChatBedrockConverse(
        model="us.anthropic.claude-haiku-4-5-20251001-v1:0", region_name="us-east-1"
    )
    assert model.accepts_system_prompt()
    assert model.disable_streaming is False
    assert set(model.supports_tool_choice_values or ()) == {"auto", "any", "tool"}
    assert (
        ClaudeEnhancedChatBedrockConverse.extract_stream_text(
            {"type": "content_block_delta", "delta": {"type": "text_delta", "text": "Hel"}}
        )
        == "Hel"
    )
    assert ClaudeEnhancedChatBedrockConverse.extract_stream_text({"type": "message_stop"}) == ""


def test_native_body_is_the_messages_api_with_anthropic_version() -> None:
    params = Claude35Parameters(
        model_id="anthropic.claude-3-5-haiku-20241022-v1:0", temperature=0.3, top_k=9
    )
    body = ClaudeEnhancedChatBedrockConverse.format_invoke_body(
        [
            SystemMessage("Be brief."),
            HumanMessage("Weather?"),
            AIMessage("", tool_calls=[{"name": "w", "args": {"c": "P"}, "id": "t1"}]),
            ToolMessage("sunny", tool_call_id="t1"),
        ],
        params,
    )
    assert body["anthropic_version"] == "bedrock-2023-05-31"
    assert body["system"] == "Be brief."
    assert body["max_tokens"] == 4096
    assert (body["temperature"], body["top_k"]) == (0.3, 9)
    assert [turn["role"] for turn in body["messages"]] == ["user", "assistant", "user"]
    assert body["messages"][1]["content"][0] == {
        "type": "tool_use",
        "id": "t1",
        "name": "w",
        "input": {"c": "P"},
    }
    assert body["messages"][2]["content"][0]["type"] == "tool_result"


def test_native_response_is_parsed_with_tool_calls_and_usage() -> None:
    message = ClaudeEnhancedChatBedrockConverse.parse_invoke_response(
        {
            "content": [
                {"type": "text", "text": "Checking."},
                {"type": "tool_use", "id": "t1", "name": "w", "input": {"c": "P"}},
            ],
            "stop_reason": "tool_use",
            "usage": {"input_tokens": 10, "output_tokens": 5},
        }
    )
    assert message.content == "Checking."
    assert message.tool_calls[0]["name"] == "w"
    assert message.usage_metadata is not None
    assert message.usage_metadata["total_tokens"] == 15
