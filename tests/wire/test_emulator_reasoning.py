"""Extended thinking on the wire: reasoning blocks, reasoning deltas, and Bedrock's refusals."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from langchain_core.messages import AIMessage, AIMessageChunk

from langchain_bedrock_enhanced import create_langchain_chatbedrock, get_bedrock_usage_callback
from langchain_bedrock_enhanced.catalog.pricing import price_for
from langchain_bedrock_enhanced.emulator import BedrockEmulator
from langchain_bedrock_enhanced.emulator import _errors as bedrock_text
from tests.wire.conftest import ClientFactory, make_client

pytestmark = pytest.mark.emulator

SONNET_45 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"  # budget thinking only
OPUS_46 = "us.anthropic.claude-opus-4-6-v1"  # budget and adaptive
OPUS_47 = "us.anthropic.claude-opus-4-7"  # adaptive only, display omitted by default
NOVA = "amazon.nova-lite-v1:0"  # does not think
QUESTION = [{"role": "user", "content": [{"text": "What is 27 times 3?"}]}]
BUDGET = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
ADAPTIVE = {"thinking": {"type": "adaptive"}}
ANY_TOOL = {
    "tools": [
        {
            "toolSpec": {
                "name": "multiply",
                "description": "Multiply two numbers.",
                "inputSchema": {"json": {"type": "object", "properties": {}}},
            }
        }
    ],
    "toolChoice": {"any": {}},
}


def _converse(runtime: ClientFactory, model_id: str, **request: Any) -> dict[str, Any]:
    return runtime().converse(modelId=model_id, messages=QUESTION, **request)  # type: ignore[no-any-return]


def _stream_events(runtime: ClientFactory, model_id: str, **request: Any) -> list[dict[str, Any]]:
    response = runtime().converse_stream(modelId=model_id, messages=QUESTION, **request)
    return list(response["stream"])


def test_budget_thinking_puts_signed_reasoning_before_the_answer(runtime: ClientFactory) -> None:
    reply = _converse(
        runtime,
        SONNET_45,
        inferenceConfig={"maxTokens": 4000},
        additionalModelRequestFields=BUDGET,
    )
    reasoning, answer = reply["output"]["message"]["content"]
    text = reasoning["reasoningContent"]["reasoningText"]
    assert "What is 27 times 3?" in text["text"]
    assert text["signature"]
    assert answer["text"].startswith("Emulated reply from Claude Sonnet 4.5")


def test_reasoning_tokens_are_counted_as_output_tokens(runtime: ClientFactory) -> None:
    plain = _converse(runtime, SONNET_45, inferenceConfig={"maxTokens": 4000})
    thinking = _converse(
        runtime,
        SONNET_45,
        inferenceConfig={"maxTokens": 4000},
        additionalModelRequestFields=BUDGET,
    )
    reasoning = thinking["output"]["message"]["content"][0]["reasoningContent"]["reasoningText"]
    added = len(reasoning["text"].split())
    assert thinking["usage"]["outputTokens"] == plain["usage"]["outputTokens"] + added
    usage = thinking["usage"]
    assert usage["totalTokens"] == usage["inputTokens"] + usage["outputTokens"]


def test_the_stream_sends_reasoning_text_then_its_signature_before_the_answer(
    runtime: ClientFactory,
) -> None:
    request: dict[str, Any] = {
        "inferenceConfig": {"maxTokens": 4000},
        "additionalModelRequestFields": BUDGET,
    }
    whole = _converse(runtime, SONNET_45, **request)["output"]["message"]["content"]
    deltas = [
        e["contentBlockDelta"]
        for e in _stream_events(runtime, SONNET_45, **request)
        if "contentBlockDelta" in e
    ]
    reasoning = [d["delta"]["reasoningContent"] for d in deltas if d["contentBlockIndex"] == 0]
    assert [set(piece) for piece in reasoning[:-1]] == [{"text"}] * (len(reasoning) - 1)
    assert (
        "".join(piece["text"] for piece in reasoning[:-1])
        == (whole[0]["reasoningContent"]["reasoningText"]["text"])
    )
    assert reasoning[-1] == {
        "signature": whole[0]["reasoningContent"]["reasoningText"]["signature"]
    }
    answer = "".join(d["delta"]["text"] for d in deltas if d["contentBlockIndex"] == 1)
    assert answer == whole[1]["text"]


def test_adaptive_thinking_hides_the_text_by_default_on_the_newest_models(
    runtime: ClientFactory,
) -> None:
    omitted = _converse(runtime, OPUS_47, additionalModelRequestFields=ADAPTIVE)
    shown = _converse(
        runtime,
        OPUS_47,
        additionalModelRequestFields={"thinking": {"type": "adaptive", "display": "summarized"}},
    )
    hidden = omitted["output"]["message"]["content"][0]["reasoningContent"]["reasoningText"]
    visible = shown["output"]["message"]["content"][0]["reasoningContent"]["reasoningText"]
    assert hidden["text"] == ""
    assert hidden["signature"] == visible["signature"]
    assert "27 times 3" in visible["text"]
    # The hidden reasoning still cost its tokens.
    assert omitted["usage"]["outputTokens"] == shown["usage"]["outputTokens"]


def test_a_model_that_takes_both_kinds_shows_adaptive_reasoning_by_default(
    runtime: ClientFactory,
) -> None:
    reply = _converse(runtime, OPUS_46, additionalModelRequestFields=ADAPTIVE)
    text = reply["output"]["message"]["content"][0]["reasoningContent"]["reasoningText"]["text"]
    assert "27 times 3" in text


def test_a_model_that_does_not_think_answers_without_reasoning(runtime: ClientFactory) -> None:
    reply = _converse(runtime, NOVA, additionalModelRequestFields=BUDGET)
    assert [list(block) for block in reply["output"]["message"]["content"]] == [["text"]]


@pytest.mark.parametrize(
    ("model_id", "request_fields", "expected"),
    [
        (
            SONNET_45,
            {
                "additionalModelRequestFields": {
                    "thinking": {"type": "enabled", "budget_tokens": 1000}
                }
            },
            bedrock_text.THINKING_BUDGET_TOO_SMALL,
        ),
        (
            SONNET_45,
            {
                "inferenceConfig": {"maxTokens": 2048},
                "additionalModelRequestFields": {
                    "thinking": {"type": "enabled", "budget_tokens": 2048}
                },
            },
            bedrock_text.THINKING_BUDGET_NOT_BELOW_MAX_TOKENS,
        ),
        (
            SONNET_45,
            {"toolConfig": ANY_TOOL, "additionalModelRequestFields": BUDGET},
            bedrock_text.THINKING_WITH_FORCED_TOOL,
        ),
        (
            SONNET_45,
            {"inferenceConfig": {"temperature": 0.2}, "additionalModelRequestFields": BUDGET},
            bedrock_text.THINKING_TEMPERATURE,
        ),
        (
            SONNET_45,
            {"inferenceConfig": {"topP": 0.5}, "additionalModelRequestFields": BUDGET},
            bedrock_text.THINKING_TOP_P,
        ),
        (
            SONNET_45,
            {"additionalModelRequestFields": {**BUDGET, "top_k": 40}},
            bedrock_text.THINKING_TOP_K,
        ),
        (
            OPUS_47,
            {"additionalModelRequestFields": BUDGET},
            bedrock_text.THINKING_ENABLED_UNSUPPORTED,
        ),
        (
            SONNET_45,
            {"additionalModelRequestFields": ADAPTIVE},
            bedrock_text.THINKING_ADAPTIVE_UNSUPPORTED,
        ),
    ],
    ids=[
        "budget-below-1024",
        "budget-not-below-maxTokens",
        "forced-toolChoice",
        "temperature",
        "top_p",
        "top_k",
        "enabled-on-adaptive-only-model",
        "adaptive-on-budget-only-model",
    ],
)
@pytest.mark.parametrize("operation", ["converse", "converse_stream"])
def test_bedrock_refuses_thinking_it_cannot_honour_with_its_own_words(
    runtime: ClientFactory,
    model_id: str,
    request_fields: dict[str, Any],
    expected: str,
    operation: str,
) -> None:
    with pytest.raises(ClientError) as caught:
        getattr(runtime(), operation)(modelId=model_id, messages=QUESTION, **request_fields)
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == ("ValidationException", expected)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


@pytest.mark.parametrize("inference", [{"temperature": 1}, {"topP": 0.95}])
def test_temperature_1_or_top_p_of_at_least_0_95_is_accepted_with_thinking(
    runtime: ClientFactory, inference: dict[str, float]
) -> None:
    reply = _converse(
        runtime, SONNET_45, inferenceConfig=inference, additionalModelRequestFields=BUDGET
    )
    assert "reasoningContent" in reply["output"]["message"]["content"][0]


def test_a_scenario_switch_sends_redacted_reasoning_instead_of_text() -> None:
    with BedrockEmulator(scenario={"reasoning": {"redacted": True}}) as emu:
        client = make_client(emu.endpoint_url)
        reply = client.converse(
            modelId=SONNET_45, messages=QUESTION, additionalModelRequestFields=BUDGET
        )
        stream = client.converse_stream(
            modelId=SONNET_45, messages=QUESTION, additionalModelRequestFields=BUDGET
        )
        deltas = [e["contentBlockDelta"] for e in stream["stream"] if "contentBlockDelta" in e]
    block = reply["output"]["message"]["content"][0]["reasoningContent"]
    assert set(block) == {"redactedContent"}
    assert isinstance(block["redactedContent"], bytes)
    assert block["redactedContent"]
    first = deltas[0]
    assert first["contentBlockIndex"] == 0
    assert first["delta"]["reasoningContent"] == {"redactedContent": block["redactedContent"]}


# Through our chat model ---------------------------------------------------------------


def _chat_model(emulator: BedrockEmulator, **params: Any) -> Any:
    return create_langchain_chatbedrock(
        SONNET_45, region_name="us-east-1", endpoint_url=emulator.endpoint_url, **params
    )


@pytest.mark.parametrize(
    "params",
    [{"additional_model_request_fields": BUDGET}, {"model_kwargs": BUDGET}],
    ids=["additional_model_request_fields", "model_kwargs"],
)
def test_the_chat_model_gets_reasoning_content_on_invoke_and_stream(
    emulator: BedrockEmulator, params: dict[str, Any]
) -> None:
    model = _chat_model(emulator, max_tokens=4000, **params)
    message = model.invoke("What is 27 times 3?")
    assert isinstance(message, AIMessage)
    assert isinstance(message.content, list)
    reasoning = message.content[0]
    assert isinstance(reasoning, dict)
    assert reasoning["type"] == "reasoning_content"
    assert "27 times 3" in reasoning["reasoning_content"]["text"]
    assert reasoning["reasoning_content"]["signature"]
    chunks = list(model.stream("What is 27 times 3?"))
    streamed = chunks[0]
    for chunk in chunks[1:]:
        streamed += chunk
    assert isinstance(streamed, AIMessageChunk)
    assert isinstance(streamed.content, list)
    first = streamed.content[0]
    assert isinstance(first, dict)
    assert first["type"] == "reasoning_content"
    assert first["reasoning_content"] == reasoning["reasoning_content"]


def test_the_usage_callback_prices_reasoning_as_output_tokens(emulator: BedrockEmulator) -> None:
    model = _chat_model(emulator, max_tokens=4000, additional_model_request_fields=BUDGET)
    plain = _chat_model(emulator, max_tokens=4000)
    with get_bedrock_usage_callback() as thinking_cb:
        model.invoke("What is 27 times 3?")
    with get_bedrock_usage_callback() as plain_cb:
        plain.invoke("What is 27 times 3?")
    assert thinking_cb.output_tokens > plain_cb.output_tokens
    assert thinking_cb.input_tokens == plain_cb.input_tokens
    price = price_for(SONNET_45)
    assert price is not None
    extra = (thinking_cb.output_tokens - plain_cb.output_tokens) * price.output / 1e6
    assert thinking_cb.total_cost == pytest.approx((plain_cb.total_cost or 0.0) + extra)
