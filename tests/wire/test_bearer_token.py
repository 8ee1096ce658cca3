"""A Bedrock API key (bearer token) travels only over https, or in clear to a loopback host.

botocore sends a bearer token to any endpoint it is given, `http://` included, so the
model refuses to build clients that would send one in clear text anywhere but this
machine. The local emulator, on a loopback host, keeps working with a token.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.config import Config

from langchain_bedrock_enhanced import EnhancedChatBedrockConverse, create_langchain_chatbedrock
from langchain_bedrock_enhanced.emulator import BedrockEmulator
from langchain_bedrock_enhanced.errors import ConfigurationError

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
TOKEN = "bedrock-api-key-example"  # noqa: S105 - a fake token
REMOTE = "http://bedrock-proxy.internal:8000"


def test_a_bearer_token_reaches_the_emulator_on_a_loopback_host() -> None:
    # A bearer request carries no SigV4 credential scope, so the emulator serves it
    # from its default region, not from the model's.
    with BedrockEmulator(default_region="us-east-1") as emu:
        model = EnhancedChatBedrockConverse(
            model=HAIKU, region_name="eu-west-1", endpoint_url=emu.endpoint_url, api_key=TOKEN
        )
        reply = model.invoke("Hello")

    assert "Hello" in str(reply.content)
    assert [(r.operation, r.region, r.status) for r in emu.requests] == [
        ("Converse", "us-east-1", 200)
    ]


def test_a_bearer_token_from_the_environment_reaches_the_emulator_on_localhost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", TOKEN)
    with BedrockEmulator(default_region="us-east-1") as emu:
        endpoint = emu.endpoint_url.replace("127.0.0.1", "localhost")
        model = EnhancedChatBedrockConverse(
            model=HAIKU, region_name="eu-west-1", endpoint_url=endpoint
        )
        model.invoke("Hello")

    assert [(r.region, r.status) for r in emu.requests] == [("us-east-1", 200)]


def test_the_factory_refuses_a_bearer_token_for_plain_http_to_another_host() -> None:
    # Raised while the clients are built: no socket is opened (pytest-socket would
    # refuse any host but loopback here).
    with pytest.raises(ConfigurationError, match="Refusing to send the Bedrock API key") as info:
        create_langchain_chatbedrock(
            HAIKU, region_name="us-east-1", endpoint_url=REMOTE, api_key=TOKEN, catalog=False
        )

    assert info.value.model_id == HAIKU
    assert TOKEN not in str(info.value)


def test_an_endpoint_from_the_environment_is_checked_like_an_argument(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", TOKEN)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", REMOTE)

    with pytest.raises(ConfigurationError, match="AWS_ENDPOINT_URL_BEDROCK_RUNTIME"):
        create_langchain_chatbedrock(HAIKU, region_name="us-east-1", catalog=False)


def test_botocore_signs_with_sigv4_despite_the_variable_when_the_config_pins_v4(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Why a Config(signature_version=...) exempts a client from the check: botocore
    # then ignores AWS_BEARER_TOKEN_BEDROCK, as this emulator, which accepts only
    # SigV4 from the test keys, confirms.
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", TOKEN)
    with BedrockEmulator(verify_signatures=True) as emu:
        pinned = boto3.client(
            "bedrock-runtime",
            region_name="eu-west-1",
            endpoint_url=emu.endpoint_url,
            config=Config(signature_version="v4", retries={"total_max_attempts": 1}),
        )
        unpinned = boto3.client(
            "bedrock-runtime",
            region_name="eu-west-1",
            endpoint_url=emu.endpoint_url,
            config=Config(retries={"total_max_attempts": 1}),
        )
        messages = [{"role": "user", "content": [{"text": "Hello"}]}]
        pinned.converse(modelId=HAIKU, messages=messages)
        with pytest.raises(unpinned.exceptions.ClientError) as bearer:
            unpinned.converse(modelId=HAIKU, messages=messages)

    assert bearer.value.response["Error"]["Code"] == "MissingAuthenticationTokenException"
    assert [(r.region, r.status) for r in emu.requests] == [("eu-west-1", 200), ("us-east-1", 403)]
