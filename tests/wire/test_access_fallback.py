"""Transparent inference-profile fallback, through real boto3 against the emulator."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.tools import tool
from pydantic import BaseModel

from langchain_bedrock_enhanced import ProfileRequirementError, create_langchain_chatbedrock
from langchain_bedrock_enhanced.access import AccessMethodTracker
from langchain_bedrock_enhanced.emulator import BedrockEmulator

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


@tool
def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    return f"Sunny in {city}"


class City(BaseModel):
    """A city and its country."""

    name: str
    country: str


def _runtime_requests(emu: BedrockEmulator) -> list[tuple[str | None, int]]:
    return [(r.model_id, r.status) for r in emu.requests if r.is_runtime]


def _invoke(model: Any) -> Any:
    return model.invoke("hello")


def _stream(model: Any) -> Any:
    chunks = list(model.stream("hello"))
    return sum(chunks[1:], chunks[0])


async def _ainvoke(model: Any) -> Any:
    return await model.ainvoke("hello")


async def _astream(model: Any) -> Any:
    chunks = [chunk async for chunk in model.astream("hello")]
    return sum(chunks[1:], chunks[0])


def _batch(model: Any) -> Any:
    return model.batch(["hello"])[0]


async def _abatch(model: Any) -> Any:
    return (await model.abatch(["hello"]))[0]


def _tools(model: Any) -> Any:
    return model.bind_tools([get_weather]).invoke("Use get_weather for Paris")


def _structured(model: Any) -> Any:
    return model.with_structured_output(City).invoke("Name a city in France")


def _chain(model: Any) -> Any:
    prompt = ChatPromptTemplate.from_template("Tell me about {topic}")
    return (prompt | model | StrOutputParser()).invoke({"topic": "profiles"})


PATHS: dict[str, Callable[[Any], Any]] = {
    "invoke": _invoke,
    "stream": _stream,
    "ainvoke": _ainvoke,
    "astream": _astream,
    "batch": _batch,
    "abatch": _abatch,
    "bind_tools": _tools,
    "with_structured_output": _structured,
    "lcel_chain": _chain,
}


async def _call(path: str, model: Any) -> Any:
    result = PATHS[path](model)
    if hasattr(result, "__await__"):
        result = await result
    return result


@pytest.mark.parametrize("path", list(PATHS))
async def test_profile_only_bare_id_costs_one_request_per_call_with_the_catalog(
    emulator: BedrockEmulator, path: str
) -> None:
    model = create_langchain_chatbedrock(
        SONNET, region_name="eu-west-1", endpoint_url=emulator.endpoint_url
    )
    for _ in range(2):
        await _call(path, model)
    assert _runtime_requests(emulator) == [(f"eu.{SONNET}", 200)] * 2


@pytest.mark.parametrize("path", list(PATHS))
async def test_without_catalog_the_first_call_costs_two_requests_and_later_calls_one(
    emulator: BedrockEmulator, path: str
) -> None:
    model = create_langchain_chatbedrock(
        SONNET,
        region_name="eu-west-1",
        endpoint_url=emulator.endpoint_url,
        catalog=False,
        tracker=AccessMethodTracker(),
    )
    for _ in range(3):
        await _call(path, model)
    assert _runtime_requests(emulator) == [
        (SONNET, 400),
        (f"eu.{SONNET}", 200),
        (f"eu.{SONNET}", 200),
        (f"eu.{SONNET}", 200),
    ]


@pytest.mark.parametrize("path", ["invoke", "stream", "ainvoke", "astream"])
async def test_response_metadata_says_how_the_call_was_served(
    emulator: BedrockEmulator, path: str
) -> None:
    model = create_langchain_chatbedrock(
        SONNET,
        region_name="eu-west-1",
        endpoint_url=emulator.endpoint_url,
        catalog=False,
        tracker=AccessMethodTracker(),
    )
    message = await _call(path, model)
    metadata = message.response_metadata
    assert metadata["access_method_used"] == "regional_cris"
    assert metadata["inference_profile_used"] is True
    assert metadata["inference_profile_id"] == f"eu.{SONNET}"
    assert metadata["model_id_sent"] == f"eu.{SONNET}"
    assert metadata["region"] == "eu-west-1"
    assert metadata["attempts"] == 2


def test_on_demand_model_sends_exactly_one_direct_request(emulator: BedrockEmulator) -> None:
    model = create_langchain_chatbedrock(
        HAIKU, region_name="us-east-1", endpoint_url=emulator.endpoint_url, catalog=False
    )
    message = model.invoke("hello")
    assert message.response_metadata["access_method_used"] == "direct"
    assert message.response_metadata["inference_profile_id"] is None
    assert _runtime_requests(emulator) == [(HAIKU, 200)]


def test_auto_inference_profile_false_sends_the_id_as_given(emulator: BedrockEmulator) -> None:
    model = create_langchain_chatbedrock(
        SONNET,
        region_name="eu-west-1",
        endpoint_url=emulator.endpoint_url,
        auto_inference_profile=False,
    )
    with pytest.raises(Exception, match="on-demand throughput isn\u2019t supported"):
        model.invoke("hello")
    assert _runtime_requests(emulator) == [(SONNET, 400)]


def test_a_second_process_with_the_file_store_pays_one_request(
    emulator: BedrockEmulator, tmp_path: Path
) -> None:
    store = tmp_path / "preferences.json"
    script = textwrap.dedent(
        f"""
        from langchain_bedrock_enhanced import create_langchain_chatbedrock
        model = create_langchain_chatbedrock(
            {SONNET!r}, region_name="eu-west-1", endpoint_url={emulator.endpoint_url!r},
            catalog=False, preference_store={str(store)!r},
        )
        print(model.invoke("hello").response_metadata["model_id_sent"])
        """
    )
    first = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    )
    assert first.stdout.strip() == f"eu.{SONNET}"
    assert _runtime_requests(emulator) == [(SONNET, 400), (f"eu.{SONNET}", 200)]
    emulator.clear_requests()
    second = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    )
    assert second.stdout.strip() == f"eu.{SONNET}"
    assert _runtime_requests(emulator) == [(f"eu.{SONNET}", 200)]


def test_a_guessed_profile_that_does_not_exist_moves_on_to_the_next(
    emulator: BedrockEmulator,
) -> None:
    # Tokyo callers may have `jp.` or `apac.` profiles; Nova Pro has only `apac.`.
    nova = "amazon.nova-pro-v1:0"
    model = create_langchain_chatbedrock(
        nova,
        region_name="ap-northeast-1",
        endpoint_url=emulator.endpoint_url,
        catalog=False,
        tracker=AccessMethodTracker(),
    )
    first = model.invoke("hello")
    second = model.invoke("hello")
    assert _runtime_requests(emulator) == [
        (nova, 400),
        (f"jp.{nova}", 400),
        (f"apac.{nova}", 200),
        (f"apac.{nova}", 200),
    ]
    assert first.response_metadata["attempts"] == 3
    assert second.response_metadata["attempts"] == 1


def test_with_the_catalog_tokyo_goes_straight_to_the_profile_that_exists(
    emulator: BedrockEmulator,
) -> None:
    nova = "amazon.nova-pro-v1:0"
    model = create_langchain_chatbedrock(
        nova, region_name="ap-northeast-1", endpoint_url=emulator.endpoint_url
    )
    model.invoke("hello")
    assert _runtime_requests(emulator) == [(f"apac.{nova}", 200)]


def test_a_model_the_region_does_not_offer_says_so(emulator: BedrockEmulator) -> None:
    # Nova Pro has no on-demand access and no profile whose source is sa-east-1.
    model = create_langchain_chatbedrock(
        "amazon.nova-pro-v1:0", region_name="sa-east-1", endpoint_url=emulator.endpoint_url
    )
    with pytest.raises(ProfileRequirementError) as caught:
        model.invoke("hello")
    message = caught.value.message
    assert message.startswith("Model 'amazon.nova-pro-v1:0' is not offered in sa-east-1:")
    assert "does not support on-demand throughput" not in message
    answered = {r.error_code for r in emulator.requests if r.is_runtime}
    assert answered == {"ValidationException"}


def test_a_model_that_refuses_its_bare_id_still_says_it_needs_a_profile(
    emulator: BedrockEmulator,
) -> None:
    # Sonnet 4.5 refuses on-demand calls everywhere; ca-central-1 has only `global.`.
    model = create_langchain_chatbedrock(
        SONNET,
        region_name="ca-central-1",
        endpoint_url=emulator.endpoint_url,
        catalog=False,
        access_methods=("direct", "regional"),
    )
    with pytest.raises(ProfileRequirementError) as caught:
        model.invoke("hello")
    assert "is not offered in" not in caught.value.message
