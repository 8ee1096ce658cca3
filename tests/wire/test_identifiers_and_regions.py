"""Every identifier form, percent-encoded paths, and region scoping from SigV4."""

from __future__ import annotations

import pytest

from langchain_bedrock_enhanced.emulator import BedrockEmulator
from tests.wire.conftest import ClientFactory

SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
HELLO = [{"role": "user", "content": [{"text": "hello"}]}]


@pytest.mark.parametrize(
    "model_id",
    [
        HAIKU,
        f"us.{SONNET_45}",
        f"global.{SONNET_45}",
        f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}",
        f"arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.{SONNET_45}",
        "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456",
    ],
    ids=["bare", "geo-profile", "global-profile", "fm-arn", "profile-arn", "app-profile-arn"],
)
def test_every_identifier_form_is_served(
    emulator: BedrockEmulator, runtime: ClientFactory, model_id: str
) -> None:
    reply = runtime().converse(modelId=model_id, messages=HELLO)
    assert reply["output"]["message"]["content"][0]["text"]
    # The log holds the identifier exactly as sent, decoded only after the path was split.
    assert emulator.requests[-1].model_id == model_id


def test_foundation_model_arn_of_another_region_is_invalid(runtime: ClientFactory) -> None:
    client = runtime("us-east-1")
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.converse(
            modelId=f"arn:aws:bedrock:us-west-2::foundation-model/{HAIKU}", messages=HELLO
        )
    assert info.value.response["Error"]["Message"] == "The provided model identifier is invalid."


def test_region_comes_from_the_credential_scope_not_the_endpoint(
    emulator: BedrockEmulator, runtime: ClientFactory
) -> None:
    nova = "amazon.nova-pro-v1:0"
    assert runtime("us-east-1").converse(modelId=nova, messages=HELLO)["output"]
    eu = runtime("eu-west-1")
    with pytest.raises(eu.exceptions.ValidationException) as info:
        eu.converse(modelId=nova, messages=HELLO)
    assert "with on-demand throughput isn\u2019t supported" in str(info.value)
    assert eu.converse(modelId=f"eu.{nova}", messages=HELLO)["output"]
    assert [r.region for r in emulator.requests] == ["us-east-1", "eu-west-1", "eu-west-1"]


def test_global_profile_is_not_offered_in_govcloud(runtime: ClientFactory) -> None:
    client = runtime("us-gov-west-1")
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.converse(modelId=f"global.{SONNET_45}", messages=HELLO)
    assert info.value.response["Error"]["Message"] == "The provided model identifier is invalid."


@pytest.mark.parametrize(
    "model_id",
    [
        "us.meta.llama3-2-11b-instruct-v1:0",
        "us.meta.llama4-maverick-17b-instruct-v1:0",
        "global.amazon.nova-2-lite-v1:0",
    ],
)
def test_profile_only_models_answer_through_their_profile_only(
    runtime: ClientFactory, model_id: str
) -> None:
    client = runtime()
    assert client.converse(modelId=model_id, messages=HELLO)["output"]
    bare = model_id.split(".", 1)[1]
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.converse(modelId=bare, messages=HELLO)
    assert f"Invocation of model ID {bare} with on-demand throughput" in str(info.value)
