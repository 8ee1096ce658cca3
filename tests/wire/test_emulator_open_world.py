"""The world is open (issue 13, §4): new models, scenario-added models, a recorded world.

A scenario can add a model nobody has heard of, which the emulator then serves with its
generic Converse behaviour; `scripts/record_world.py` turns an account's control plane
into such a scenario, and is run here against the emulator itself.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError

from langchain_bedrock_enhanced import (
    EnhancedChatBedrockConverse,
    MistralEnhancedChatBedrockConverse,
    UnsupportedModelError,
    create_langchain_chatbedrock,
)
from langchain_bedrock_enhanced.emulator import BedrockEmulator, Scenario
from tests.wire.conftest import ClientFactory, make_client

pytestmark = pytest.mark.emulator

REPO = Path(__file__).resolve().parents[2]
FRONTIER = "acme.frontier-1"
ACME_SCENARIO = {
    "world": {
        "models": [
            {
                "model_id": FRONTIER,
                "name": "Frontier 1",
                "provider": "Acme",
                "on_demand_regions": ["us-east-1"],
                "profile_prefixes": ["us"],
                "max_output_tokens": 2000,
                "context_window": 50,
                "tool_choice": ["auto"],
            }
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
def acme() -> Iterator[BedrockEmulator]:
    with BedrockEmulator(scenario=ACME_SCENARIO) as emu:
        yield emu


def _user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": [{"text": text}]}]


# --- Current models in the bundled world --------------------------------------------------


def test_mistral_large_3_is_listed_and_served_through_its_family_class(
    control: ClientFactory, emulator: BedrockEmulator
) -> None:
    listed = control().get_foundation_model(modelIdentifier="mistral.mistral-large-3-675b-instruct")
    assert listed["modelDetails"]["modelName"] == "Mistral Large 3"
    assert listed["modelDetails"]["inferenceTypesSupported"] == ["ON_DEMAND"]
    model = create_langchain_chatbedrock(
        "mistral.mistral-large-3-675b-instruct",
        endpoint_url=emulator.endpoint_url,
        region_name="us-east-1",
        catalog=False,
    )
    assert isinstance(model, MistralEnhancedChatBedrockConverse)
    assert model.invoke("Bonjour").text == "Emulated reply from Mistral Large 3: Bonjour"


# --- A model added by a scenario ----------------------------------------------------------


def test_a_scenario_added_model_is_listed_and_answers_converse_and_its_profile(
    acme: BedrockEmulator,
) -> None:
    control = make_client(acme.endpoint_url, "bedrock")
    runtime = make_client(acme.endpoint_url)
    summary = control.get_foundation_model(modelIdentifier=FRONTIER)["modelDetails"]
    assert (summary["providerName"], summary["inferenceTypesSupported"]) == (
        "Acme",
        ["ON_DEMAND", "INFERENCE_PROFILE"],
    )
    profiles = control.list_inference_profiles(typeEquals="SYSTEM_DEFINED")
    assert f"us.{FRONTIER}" in {
        p["inferenceProfileId"] for p in profiles["inferenceProfileSummaries"]
    }
    reply = runtime.converse(modelId=f"us.{FRONTIER}", messages=_user("Hello"))
    assert reply["output"]["message"]["content"] == [
        {"text": "Emulated reply from Frontier 1: Hello"}
    ]
    streamed = runtime.converse_stream(modelId=FRONTIER, messages=_user("Hi"))["stream"]
    assert any("messageStop" in event for event in streamed)


def test_a_scenario_added_model_keeps_the_limits_the_scenario_gives_it(
    acme: BedrockEmulator,
) -> None:
    runtime = make_client(acme.endpoint_url)
    with pytest.raises(ClientError, match=r"Input is too long for requested model\."):
        runtime.converse(modelId=FRONTIER, messages=_user("word " * 100))
    with pytest.raises(ClientError, match="exceed the model limit of 2000"):
        runtime.converse(
            modelId=FRONTIER, messages=_user("Hi"), inferenceConfig={"maxTokens": 2001}
        )
    # No native body is known for an unknown provider: InvokeModel is refused plainly.
    with pytest.raises(ClientError, match="knows no InvokeModel body format"):
        runtime.invoke_model(modelId=FRONTIER, body=b'{"prompt": "Hi"}')


def test_the_factory_refuses_an_unknown_family_and_the_base_class_serves_it(
    acme: BedrockEmulator,
) -> None:
    with pytest.raises(UnsupportedModelError):
        create_langchain_chatbedrock(
            FRONTIER, endpoint_url=acme.endpoint_url, region_name="us-east-1", catalog=False
        )
    model = EnhancedChatBedrockConverse(
        model=FRONTIER,
        region_name="us-east-1",
        endpoint_url=acme.endpoint_url,
        # langchain-aws streams only providers it knows; this one is known to the scenario.
        disable_streaming=False,
    )
    assert model.invoke("Hello there").text == "Emulated reply from Frontier 1: Hello there"
    assert (
        "".join(chunk.text for chunk in model.stream("Hi")) == "Emulated reply from Frontier 1: Hi"
    )
    assert [(r.operation, r.status) for r in acme.requests] == [
        ("Converse", 200),
        ("ConverseStream", 200),
    ]


# --- Recording a world -------------------------------------------------------------------


def _record_world() -> ModuleType:
    """`scripts/record_world.py`, loaded as a module (it is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "record_world", REPO / "scripts" / "record_world.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _details(client: Any, model_id: str) -> Any:
    """GetFoundationModel's answer: the details, or the error for a retired model."""
    try:
        return client.get_foundation_model(modelIdentifier=model_id)["modelDetails"]
    except ClientError as err:
        return err.response["Error"]


def _control_plane(endpoint_url: str, regions: list[str]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for region in regions:
        client = make_client(endpoint_url, "bedrock", region)
        profiles = [
            profile
            for page in client.get_paginator("list_inference_profiles").paginate()
            for profile in page["inferenceProfileSummaries"]
        ]
        models = client.list_foundation_models()["modelSummaries"]
        details = [_details(client, m["modelId"]) for m in models]
        answers[region] = {"models": models, "profiles": profiles, "details": details}
    return answers


def test_record_world_turns_the_emulators_control_plane_into_a_scenario_that_replays_it(
    tmp_path: Path,
) -> None:
    regions = ["us-east-1", "eu-west-1", "ap-northeast-1"]
    output = tmp_path / "recorded.json"
    with BedrockEmulator(scenario=ACME_SCENARIO) as emu:
        exit_code = _record_world().main(
            [
                *(f"--region={r}" for r in regions),
                f"--endpoint-url={emu.endpoint_url}",
                "-o",
                str(output),
            ]
        )
        original = _control_plane(emu.endpoint_url, regions)
        recorded_calls = {r.operation for r in emu.requests}
    assert exit_code == 0
    assert recorded_calls >= {"ListFoundationModels", "ListInferenceProfiles", "GetFoundationModel"}
    recorded = json.loads(output.read_text())
    Scenario.from_dict(recorded)  # a valid scenario
    frontier = next(m for m in recorded["world"]["models"] if m["model_id"] == FRONTIER)
    assert (frontier["family"], frontier["profile_prefixes"]) == ("converse", ["us"])
    with BedrockEmulator(scenario=output) as replay:
        assert _control_plane(replay.endpoint_url, regions) == original
        runtime = make_client(replay.endpoint_url)
        sonnet = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
        assert runtime.converse(modelId=sonnet, messages=_user("Hi"))["stopReason"] == "end_turn"
        with pytest.raises(ClientError, match="reached the end of its life"):
            runtime.converse(modelId="us.amazon.nova-premier-v1:0", messages=_user("Hi"))
