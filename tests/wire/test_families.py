"""Every family end to end: factory -> real boto3 -> the emulator, in LCEL chains."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable
from langchain_core.tools import tool
from pydantic import BaseModel

from langchain_bedrock_enhanced import (
    ClaudeEnhancedChatBedrockConverse,
    EnhancedChatBedrockConverse,
    LlamaEnhancedChatBedrockConverse,
    MistralEnhancedChatBedrockConverse,
    NovaEnhancedChatBedrockConverse,
    ParameterValidationError,
    create_langchain_chatbedrock,
)
from langchain_bedrock_enhanced.emulator import BedrockEmulator

pytestmark = pytest.mark.emulator

FAMILIES = [
    ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", ClaudeEnhancedChatBedrockConverse),
    ("us.amazon.nova-lite-v1:0", NovaEnhancedChatBedrockConverse),
    ("us.meta.llama4-scout-17b-instruct-v1:0", LlamaEnhancedChatBedrockConverse),
    ("us.mistral.pixtral-large-2502-v1:0", MistralEnhancedChatBedrockConverse),
    ("mistral.mistral-large-2402-v1:0", MistralEnhancedChatBedrockConverse),
]
MODEL_IDS = [model_id for model_id, _ in FAMILIES]


@pytest.fixture(autouse=True)
def _no_bearer_token() -> Iterator[None]:
    # Signed requests only: a bearer token would bypass SigV4 (and its region scope).
    saved = os.environ.pop("AWS_BEARER_TOKEN_BEDROCK", None)
    yield
    if saved is not None:
        os.environ["AWS_BEARER_TOKEN_BEDROCK"] = saved


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"Sunny in {city}"


class Person(BaseModel):
    """A person mentioned in the text."""

    name: str
    age: int


def _model(
    emulator: BedrockEmulator, model_id: str, **params: object
) -> EnhancedChatBedrockConverse:
    return create_langchain_chatbedrock(
        model_id, endpoint_url=emulator.endpoint_url, region_name="us-east-1", **params
    )


def _chain(model: EnhancedChatBedrockConverse) -> Runnable[dict[str, str], str]:
    prompt = ChatPromptTemplate.from_messages(
        [("system", "You answer in one short sentence."), ("human", "Tell me about {topic}")]
    )
    return prompt | model | StrOutputParser()


@pytest.mark.parametrize(("model_id", "family"), FAMILIES)
def test_factory_returns_the_family_class(
    emulator: BedrockEmulator, model_id: str, family: type
) -> None:
    assert type(_model(emulator, model_id)) is family


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_prompt_model_parser_chain_invokes_streams_and_batches(
    emulator: BedrockEmulator, model_id: str
) -> None:
    chain = _chain(_model(emulator, model_id, temperature=0.3, max_tokens=256))
    answer = chain.invoke({"topic": "otters"})
    assert "otters" in answer
    chunks = list(chain.stream({"topic": "otters"}))
    assert len(chunks) > 1
    assert "".join(chunks) == answer
    batch = chain.batch([{"topic": "otters"}, {"topic": "beavers"}])
    assert "otters" in batch[0]
    assert "beavers" in batch[1]
    operations = [r.operation for r in emulator.requests if r.is_runtime]
    assert operations.count("ConverseStream") == 1
    assert operations.count("Converse") == 3
    assert all(r.status == 200 for r in emulator.requests)


@pytest.mark.parametrize("model_id", MODEL_IDS)
async def test_prompt_model_parser_chain_works_async(
    emulator: BedrockEmulator, model_id: str
) -> None:
    chain = _chain(_model(emulator, model_id))
    answer = await chain.ainvoke({"topic": "herons"})
    assert "herons" in answer
    chunks = [chunk async for chunk in chain.astream({"topic": "herons"})]
    assert "".join(chunks) == answer
    assert [r.operation for r in emulator.requests if r.is_runtime] == [
        "Converse",
        "ConverseStream",
    ]


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_bind_tools_yields_a_tool_call(emulator: BedrockEmulator, model_id: str) -> None:
    model = _model(emulator, model_id)
    reply = model.bind_tools([get_weather]).invoke("Use the get_weather tool for Paris.")
    assert [call["name"] for call in reply.tool_calls] == ["get_weather"]


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_streaming_with_tools_works_for_every_family(
    emulator: BedrockEmulator, model_id: str
) -> None:
    model = _model(emulator, model_id)
    chunks = list(model.bind_tools([get_weather]).stream("Use the get_weather tool for Oslo."))
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged += chunk
    assert [call["name"] for call in merged.tool_calls] == ["get_weather"]
    operations = [r.operation for r in emulator.requests if r.is_runtime]
    # Llama and Mistral cannot stream with tools: the call falls back to Converse.
    expected = "ConverseStream" if model.disable_streaming is False else "Converse"
    assert operations == [expected]


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_with_structured_output_returns_the_pydantic_schema(
    emulator: BedrockEmulator, model_id: str
) -> None:
    structured = _model(emulator, model_id).with_structured_output(Person)
    person = structured.invoke("Use the Person tool to record: Ada is 36 years old.")
    assert isinstance(person, Person)


@pytest.mark.parametrize(
    ("model_id", "params"),
    [
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", {"max_tokens": 64001}),
        ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", {"temperature": 0.5, "top_p": 0.5}),
        ("us.amazon.nova-lite-v1:0", {"temperature": 1.5}),
        ("us.meta.llama4-scout-17b-instruct-v1:0", {"top_k": 20}),
        ("mistral.mistral-large-2402-v1:0", {"max_tokens": 9000}),
    ],
)
def test_out_of_range_parameters_raise_before_anything_is_sent(
    emulator: BedrockEmulator, model_id: str, params: dict[str, float]
) -> None:
    with pytest.raises(ParameterValidationError):
        _model(emulator, model_id, **params)
    assert emulator.requests == []


def test_out_of_range_call_time_parameters_raise_before_anything_is_sent(
    emulator: BedrockEmulator,
) -> None:
    model = _model(emulator, "us.amazon.nova-lite-v1:0")
    with pytest.raises(ParameterValidationError):
        model.invoke("hello", max_tokens=10_001)
    with pytest.raises(ParameterValidationError):
        list(model.stream("hello", top_k=1000))
    assert emulator.requests == []


@pytest.mark.parametrize(
    ("model_id", "params", "inference_config", "request_fields"),
    [
        (
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            {"temperature": 0.3, "max_tokens": 512, "top_k": 40, "stop": ["END"]},
            {"temperature": 0.3, "maxTokens": 512, "stopSequences": ["END"]},
            {"top_k": 40},
        ),
        (
            "us.amazon.nova-lite-v1:0",
            {"top_p": 0.8, "max_tokens": 300, "top_k": 25},
            {"topP": 0.8, "maxTokens": 300},
            {"inferenceConfig": {"topK": 25}},
        ),
        (
            "us.meta.llama4-scout-17b-instruct-v1:0",
            {"temperature": 0.6, "max_tokens": 8192},
            {"temperature": 0.6, "maxTokens": 8192},
            None,
        ),
        (
            "mistral.mistral-7b-instruct-v0:2",
            {"temperature": 0.1, "top_k": 50},
            {"temperature": 0.1},
            {"top_k": 50},
        ),
    ],
)
def test_validated_parameters_are_what_the_emulator_receives(
    emulator: BedrockEmulator,
    model_id: str,
    params: dict[str, object],
    inference_config: dict[str, object],
    request_fields: dict[str, object] | None,
) -> None:
    model = _model(emulator, model_id, **params)
    model.invoke("hello")
    (record,) = [r for r in emulator.requests if r.is_runtime]
    assert record.status == 200
    assert record.model_id == model_id
    assert record.body is not None
    assert record.body["inferenceConfig"] == inference_config
    assert record.body.get("additionalModelRequestFields") == request_fields


def test_system_prompt_is_folded_for_models_without_one(emulator: BedrockEmulator) -> None:
    model = _model(emulator, "mistral.mistral-7b-instruct-v0:2")
    answer = _chain(model).invoke({"topic": "otters"})
    assert "otters" in answer
    (record,) = [r for r in emulator.requests if r.is_runtime]
    assert record.status == 200
    assert record.body is not None
    assert not record.body.get("system")
    first_turn = record.body["messages"][0]["content"][0]["text"]
    assert first_turn.startswith("You answer in one short sentence.")
