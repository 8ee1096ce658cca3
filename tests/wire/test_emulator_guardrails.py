"""Guardrails a scenario defines, met through real boto3 and through our chat model (§2).

The answer's shape follows a recorded Bedrock answer: the configured message as the
text, `stopReason: guardrail_intervened`, and `trace.guardrail` with trace enabled.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from langchain_core.messages import AIMessageChunk, HumanMessage

from langchain_bedrock_enhanced import RequestValidationError, create_langchain_chatbedrock
from langchain_bedrock_enhanced.emulator import BedrockEmulator
from tests.wire.conftest import make_client

pytestmark = pytest.mark.emulator

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
GUARDRAIL_ID = "gr0abc123def"
SCENARIO = {
    "guardrails": [
        {
            "id": GUARDRAIL_ID,
            "name": "no-finance",
            "versions": ["DRAFT", "1"],
            "regions": ["us-east-1"],
            "blocked_words": ["project zebra"],
            "denied_topics": [{"name": "Investment advice", "phrases": ["stocks", "crypto"]}],
            "blocked_input_messaging": "Sorry, I can't discuss investments.",
            "blocked_outputs_messaging": "Sorry, that answer was withheld.",
        }
    ]
}
CONFIG = {"guardrailIdentifier": GUARDRAIL_ID, "guardrailVersion": "1", "trace": "enabled"}
TOPIC_BLOCKED = {
    "topicPolicy": {
        "topics": [
            {"name": "Investment advice", "type": "DENY", "action": "BLOCKED", "detected": True}
        ]
    }
}


@pytest.fixture(autouse=True)
def _no_bearer_token() -> Iterator[None]:
    saved = os.environ.pop("AWS_BEARER_TOKEN_BEDROCK", None)
    yield
    if saved is not None:
        os.environ["AWS_BEARER_TOKEN_BEDROCK"] = saved


@pytest.fixture
def guarded() -> Iterator[BedrockEmulator]:
    with BedrockEmulator(scenario=SCENARIO) as emu:
        yield emu


def _user(*blocks: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"role": "user", "content": list(blocks)}]


def test_a_denied_topic_in_the_input_answers_the_blocked_messaging_with_a_trace(
    guarded: BedrockEmulator,
) -> None:
    client = make_client(guarded.endpoint_url)
    reply = client.converse(
        modelId=SONNET,
        messages=_user({"text": "Which stocks should I buy?"}),
        guardrailConfig=CONFIG,
    )
    assert reply["stopReason"] == "guardrail_intervened"
    assert reply["output"]["message"]["content"] == [
        {"text": "Sorry, I can't discuss investments."}
    ]
    assert reply["trace"] == {"guardrail": {"inputAssessment": {GUARDRAIL_ID: TOPIC_BLOCKED}}}


def test_without_trace_the_intervention_carries_none(guarded: BedrockEmulator) -> None:
    client = make_client(guarded.endpoint_url)
    reply = client.converse(
        modelId=SONNET,
        messages=_user({"text": "Is PROJECT ZEBRA on track?"}),
        guardrailConfig={**CONFIG, "trace": "disabled"},
    )
    assert reply["stopReason"] == "guardrail_intervened"
    assert "trace" not in reply


def test_a_blocked_output_is_replaced_and_its_text_traced_in_full(
    guarded: BedrockEmulator,
) -> None:
    # Only guardContent is assessed on input; the reply repeats the other text, which
    # names a denied topic, so the output is what the guardrail blocks.
    client = make_client(guarded.endpoint_url)
    reply = client.converse(
        modelId=SONNET,
        messages=_user(
            {"text": "Repeat: crypto"},
            {"guardContent": {"text": {"text": "Repeat what I said."}}},
        ),
        guardrailConfig={**CONFIG, "trace": "enabled_full"},
    )
    assert reply["output"]["message"]["content"] == [{"text": "Sorry, that answer was withheld."}]
    guardrail = reply["trace"]["guardrail"]
    assert guardrail["inputAssessment"] == {GUARDRAIL_ID: {}}
    assert guardrail["outputAssessments"] == {GUARDRAIL_ID: [TOPIC_BLOCKED]}
    assert "crypto" in guardrail["modelOutput"][0]


def test_a_stream_intervenes_and_carries_the_trace_in_its_metadata(
    guarded: BedrockEmulator,
) -> None:
    client = make_client(guarded.endpoint_url)
    stream = client.converse_stream(
        modelId=SONNET,
        messages=_user({"text": "Tell me about crypto."}),
        guardrailConfig={**CONFIG, "streamProcessingMode": "sync"},
    )["stream"]
    events = list(stream)
    text = "".join(
        e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e
    )
    assert text == "Sorry, I can't discuss investments."
    assert next(e["messageStop"] for e in events if "messageStop" in e) == {
        "stopReason": "guardrail_intervened"
    }
    metadata = next(e["metadata"] for e in events if "metadata" in e)
    assert metadata["trace"]["guardrail"]["inputAssessment"] == {GUARDRAIL_ID: TOPIC_BLOCKED}


def test_a_prompt_the_guardrail_allows_is_answered_by_the_model(guarded: BedrockEmulator) -> None:
    client = make_client(guarded.endpoint_url)
    reply = client.converse(
        modelId=SONNET, messages=_user({"text": "Hello there"}), guardrailConfig=CONFIG
    )
    assert reply["stopReason"] == "end_turn"
    assert reply["trace"]["guardrail"]["inputAssessment"] == {GUARDRAIL_ID: {}}


@pytest.mark.parametrize(
    ("config", "region"),
    [
        ({**CONFIG, "guardrailIdentifier": "nosuchguard1"}, "us-east-1"),
        ({**CONFIG, "guardrailVersion": "7"}, "us-east-1"),
        (CONFIG, "us-west-2"),
    ],
    ids=["unknown-id", "unknown-version", "other-region"],
)
def test_a_guardrail_that_does_not_exist_is_a_validation_exception(
    guarded: BedrockEmulator, config: dict[str, Any], region: str
) -> None:
    client = make_client(guarded.endpoint_url, region=region)
    with pytest.raises(ClientError) as caught:
        client.converse(modelId=SONNET, messages=_user({"text": "Hi"}), guardrailConfig=config)
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "ValidationException",
        "The guardrail identifier or version provided in the request does not exist.",
    )


def _chat_model(emulator: BedrockEmulator, **guardrail: Any) -> Any:
    return create_langchain_chatbedrock(
        SONNET,
        endpoint_url=emulator.endpoint_url,
        region_name="us-east-1",
        catalog=False,
        guardrail_config={**CONFIG, **guardrail},
    )


def test_through_the_chat_model_an_intervention_is_an_answer_on_invoke_and_stream(
    guarded: BedrockEmulator,
) -> None:
    model = _chat_model(guarded)
    prompt = [HumanMessage("Which stocks should I buy?")]
    answer = model.invoke(prompt)
    assert answer.text == "Sorry, I can't discuss investments."
    assert answer.response_metadata["stopReason"] == "guardrail_intervened"
    assert answer.response_metadata["trace"]["guardrail"]["inputAssessment"]
    streamed: AIMessageChunk | None = None
    for chunk in model.stream(prompt):
        streamed = chunk if streamed is None else streamed + chunk
    assert streamed is not None
    assert streamed.text == "Sorry, I can't discuss investments."
    assert streamed.response_metadata["stopReason"] == "guardrail_intervened"
    assert streamed.response_metadata["trace"]["guardrail"]["inputAssessment"]


def test_through_the_chat_model_an_unknown_guardrail_is_a_typed_error(
    guarded: BedrockEmulator,
) -> None:
    with pytest.raises(RequestValidationError, match="guardrail identifier or version"):
        _chat_model(guarded, guardrailIdentifier="nosuchguard1").invoke("Hi")
    assert [(r.operation, r.status) for r in guarded.requests] == [("Converse", 400)]
