"""Bad input fails typed and before the network: the emulator never sees a request.

Each case runs on all four paths (invoke, stream, ainvoke, astream), through real boto3
clients pointed at an in-process emulator, with the catalog off so that the factory
and the model have no reason to call AWS at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable

from langchain_bedrock_enhanced import (
    EnhancedChatBedrockConverse,
    ParameterValidationError,
    RequestValidationError,
    UnsupportedModelError,
    create_langchain_chatbedrock,
)
from langchain_bedrock_enhanced.emulator import BedrockEmulator

pytestmark = pytest.mark.emulator

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
PATHS = ["invoke", "stream", "ainvoke", "astream"]


@pytest.fixture(autouse=True)
def _no_bearer_token() -> Iterator[None]:
    # Signed requests only: a bearer token would bypass SigV4 (and its region scope).
    saved = os.environ.pop("AWS_BEARER_TOKEN_BEDROCK", None)
    yield
    if saved is not None:
        os.environ["AWS_BEARER_TOKEN_BEDROCK"] = saved


def _model(emulator: BedrockEmulator, model_id: str = HAIKU) -> EnhancedChatBedrockConverse:
    return create_langchain_chatbedrock(
        model_id, endpoint_url=emulator.endpoint_url, region_name="us-east-1", catalog=False
    )


async def _call(
    path: str, runnable: Runnable[Any, Any], prompt: LanguageModelInput, **kwargs: Any
) -> None:
    if path == "invoke":
        runnable.invoke(prompt, **kwargs)
    elif path == "stream":
        list(runnable.stream(prompt, **kwargs))
    elif path == "ainvoke":
        await runnable.ainvoke(prompt, **kwargs)
    else:
        [chunk async for chunk in runnable.astream(prompt, **kwargs)]


# Parameters -------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "values",
    [{"temperature": "0.5"}, {"max_tokens": 1.0}, {"temperature": True}, {"top_k": True}],
    ids=str,
)
async def test_a_call_time_value_of_the_wrong_type_sends_nothing(
    emulator: BedrockEmulator, path: str, values: dict[str, Any]
) -> None:
    model = _model(emulator)
    with pytest.raises(ParameterValidationError):
        await _call(path, model, "Hello", **values)
    assert emulator.requests == []


@pytest.mark.parametrize("path", PATHS)
async def test_a_model_no_family_claims_checks_call_time_types_too(
    emulator: BedrockEmulator, path: str
) -> None:
    model = EnhancedChatBedrockConverse(
        model="cohere.command-r-v1:0", endpoint_url=emulator.endpoint_url, region_name="us-east-1"
    )
    with pytest.raises(ParameterValidationError):
        await _call(path, model, "Hello", temperature="0.5")
    assert emulator.requests == []


def test_the_values_sent_are_the_validated_ones(emulator: BedrockEmulator) -> None:
    _model(emulator).invoke("Hello", temperature=1, max_tokens=64, stop=("END",))
    (record,) = emulator.requests
    assert record.operation == "Converse"
    assert record.body is not None
    config = record.body["inferenceConfig"]
    assert config == {"maxTokens": 64, "temperature": 1.0, "stopSequences": ["END"]}
    assert type(config["temperature"]) is float


# Messages ---------------------------------------------------------------------

BAD_CONVERSATIONS = {
    "lone surrogate": ([HumanMessage("caf\udce9")], "messages[0].content: contains a lone"),
    "assistant first": (
        [SystemMessage("Be brief."), AIMessage("Hello"), HumanMessage("Hi")],
        "messages[1]: the conversation starts with an AIMessage",
    ),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", sorted(BAD_CONVERSATIONS))
async def test_a_conversation_bedrock_rejects_sends_nothing(
    emulator: BedrockEmulator, path: str, case: str
) -> None:
    model = _model(emulator)
    messages, where = BAD_CONVERSATIONS[case]
    with pytest.raises(RequestValidationError) as info:
        await _call(path, model, messages)
    assert where in info.value.message
    assert emulator.requests == []


@pytest.mark.parametrize("path", PATHS)
async def test_the_error_is_still_the_clients_validation_exception(
    emulator: BedrockEmulator, path: str
) -> None:
    model = _model(emulator)
    with pytest.raises(model.client.exceptions.ValidationException) as info:
        await _call(path, model, [AIMessage("Hello")])
    assert isinstance(info.value, ClientError)
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert emulator.requests == []


# Tools ------------------------------------------------------------------------

BAD_TOOLS: dict[str, Callable[[EnhancedChatBedrockConverse], Runnable[Any, Any]]] = {
    "name with a space": lambda model: model.bind_tools(
        [{"name": "get weather", "description": "d", "input_schema": {"type": "object"}}]
    ),
    "schema not an object": lambda model: model.bind_tools(
        [{"toolSpec": {"name": "get_weather", "inputSchema": {"json": ["city"]}}}]
    ),
}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", sorted(BAD_TOOLS))
async def test_a_tool_bedrock_rejects_sends_nothing(
    emulator: BedrockEmulator, path: str, case: str
) -> None:
    runnable = BAD_TOOLS[case](_model(emulator))
    with pytest.raises(RequestValidationError) as info:
        await _call(path, runnable, "What is the weather in Paris?")
    assert "toolConfig.tools[0].toolSpec" in info.value.message
    assert emulator.requests == []


# Model IDs --------------------------------------------------------------------


@pytest.mark.parametrize(
    "model_id",
    [f"{HAIKU[:-2]}:banana", f"{HAIKU}\n", HAIKU + "x" * 300_000],
    ids=["version", "newline", "junk"],
)
def test_a_malformed_model_id_fails_in_the_factory_with_the_closest_ids(
    emulator: BedrockEmulator, model_id: str
) -> None:
    with pytest.raises(UnsupportedModelError) as info:
        create_langchain_chatbedrock(
            model_id, endpoint_url=emulator.endpoint_url, region_name="us-east-1"
        )
    assert HAIKU in info.value.suggestions
    assert "is not a valid Bedrock model identifier" in info.value.message
    assert len(str(info.value)) < 2000
    assert emulator.requests == []
