"""The model's clients: built as langchain-aws builds them, on sessions that share parsed data."""

# ruff: noqa: S106 - the keys here are fakes

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from langchain_aws import ChatBedrockConverse

from langchain_bedrock_enhanced import EnhancedChatBedrockConverse
from langchain_bedrock_enhanced._transport.sessions import (
    create_client,
    is_loopback_host,
    open_session,
    shared_data_session,
)
from langchain_bedrock_enhanced.errors import ConfigurationError

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


def _cache(client: Any) -> Any:
    return client._loader._cache


def _access_key(client: Any) -> str:
    return str(client._request_signer._credentials.access_key)


def test_models_share_parsed_service_data_but_keep_their_own_credentials() -> None:
    first = EnhancedChatBedrockConverse(
        model=MODEL,
        region_name="us-east-1",
        aws_access_key_id="AKIDFIRST",
        aws_secret_access_key="a",
    )
    second = EnhancedChatBedrockConverse(
        model=MODEL,
        region_name="eu-west-1",
        aws_access_key_id="AKIDSECOND",
        aws_secret_access_key="b",
    )

    assert _cache(first.client) is _cache(second.client) is _cache(second.bedrock_client)
    assert (_access_key(first.client), _access_key(second.client)) == ("AKIDFIRST", "AKIDSECOND")
    assert _access_key(second.bedrock_client) == "AKIDSECOND"
    assert (first.client.meta.region_name, second.client.meta.region_name) == (
        "us-east-1",
        "eu-west-1",
    )
    assert second.bedrock_client.meta.region_name == "eu-west-1"


def test_clients_match_what_langchain_aws_builds() -> None:
    arguments: dict[str, Any] = {
        "model": MODEL,
        "region_name": "ap-northeast-1",
        "aws_access_key_id": "AKIDSAME",
        "aws_secret_access_key": "s",
        "aws_session_token": "token",
        "endpoint_url": "http://127.0.0.1:9",
    }
    ours = EnhancedChatBedrockConverse(**arguments)
    theirs = ChatBedrockConverse(**arguments)

    for mine, plain in ((ours.client, theirs.client), (ours.bedrock_client, theirs.bedrock_client)):
        assert mine.meta.service_model.service_name == plain.meta.service_model.service_name
        assert mine.meta.region_name == plain.meta.region_name
        assert mine.meta.endpoint_url == plain.meta.endpoint_url
        assert mine.meta.config.user_agent_extra == plain.meta.config.user_agent_extra
        assert mine._request_signer._credentials.token == "token"  # noqa: S105 - a fake token


def test_a_profile_signs_with_the_profiles_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[team]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = p\n", encoding="utf-8"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))

    model = EnhancedChatBedrockConverse(
        model=MODEL, region_name="us-west-2", credentials_profile_name="team"
    )

    assert _access_key(model.client) == "AKIDPROFILE"
    assert _cache(model.client) is shared_data_session()._loader._cache


def test_an_unknown_profile_is_reported_as_langchain_aws_reports_it() -> None:
    with pytest.raises(ValueError, match="Could not load credentials") as ours:
        EnhancedChatBedrockConverse(model=MODEL, credentials_profile_name="no-such-profile")
    with pytest.raises(ValueError, match="Could not load credentials") as theirs:
        ChatBedrockConverse(model=MODEL, credentials_profile_name="no-such-profile")
    reason = "The config profile (no-such-profile) could not be found"
    assert reason in str(ours.value)
    assert reason in str(theirs.value)


def test_the_region_falls_back_to_aws_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "ca-central-1")

    session = open_session(
        credentials_profile_name=None,
        aws_access_key_id="AKIDREGION",
        aws_secret_access_key="r",
        aws_session_token=None,
    )
    assert session is not None
    client = create_client(
        "bedrock-runtime", session, region_name=None, endpoint_url=None, config=None
    )

    assert client is not None
    assert client.meta.region_name == "ca-central-1"


@pytest.mark.parametrize(
    "credentials",
    [{}, {"aws_access_key_id": "AKIDHALF"}],
    ids=["default-chain", "half-a-key-pair"],
)
def test_other_credential_cases_are_left_to_langchain_aws(credentials: dict[str, str]) -> None:
    assert (
        open_session(
            credentials_profile_name=None,
            aws_access_key_id=credentials.get("aws_access_key_id"),
            aws_secret_access_key=None,
            aws_session_token=None,
        )
        is None
    )


def test_bearer_token_models_are_built_by_langchain_aws() -> None:
    model = EnhancedChatBedrockConverse(
        model=MODEL, region_name="us-east-1", bedrock_api_key="bedrock-api-key-example"
    )

    assert "httpBearerAuth" in (model.client.meta.config.auth_scheme_preference or "")


REMOTE_HTTP = "http://bedrock-proxy.internal:8000"


@pytest.mark.parametrize("token_field", ["api_key", "bedrock_api_key"])
def test_a_bearer_token_is_refused_for_a_plain_http_endpoint_on_another_host(
    token_field: str,
) -> None:
    arguments: dict[str, Any] = {token_field: "bedrock-api-key-example"}
    with pytest.raises(ConfigurationError) as info:
        EnhancedChatBedrockConverse(
            model=MODEL, region_name="us-east-1", endpoint_url=REMOTE_HTTP, **arguments
        )

    message = str(info.value)
    assert REMOTE_HTTP in message
    assert "https://" in message
    assert "127.0.0.1" in message
    assert "bedrock-api-key-example" not in message
    assert info.value.model_id == MODEL


def test_a_bearer_token_from_the_environment_is_refused_for_a_plain_http_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-example")

    with pytest.raises(ConfigurationError, match="AWS_BEARER_TOKEN_BEDROCK"):
        EnhancedChatBedrockConverse(model=MODEL, region_name="us-east-1", endpoint_url=REMOTE_HTTP)


def test_the_refusal_is_a_value_error_as_langchain_aws_configuration_errors_are() -> None:
    with pytest.raises(ValueError, match="Refusing to send the Bedrock API key"):
        EnhancedChatBedrockConverse(
            model=MODEL, region_name="us-east-1", endpoint_url=REMOTE_HTTP, api_key="k"
        )


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL"])
def test_a_bearer_token_is_refused_for_a_plain_http_endpoint_from_the_environment(
    variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(variable, REMOTE_HTTP)

    with pytest.raises(ConfigurationError, match="AWS_ENDPOINT_URL") as info:
        EnhancedChatBedrockConverse(model=MODEL, region_name="us-east-1", api_key="k")

    assert REMOTE_HTTP in str(info.value)


def test_a_control_plane_endpoint_from_the_environment_is_checked_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", REMOTE_HTTP)

    with pytest.raises(ConfigurationError, match="AWS_ENDPOINT_URL_BEDROCK,"):
        EnhancedChatBedrockConverse(model=MODEL, region_name="us-east-1", api_key="k")


@pytest.mark.parametrize(
    "endpoint_url",
    [
        "https://bedrock-proxy.internal:8443",
        "http://127.0.0.1:8000",
        "http://127.8.9.10:8000",
        "http://localhost:8000",
        "http://LOCALHOST:8000",
        "http://[::1]:8000",
    ],
)
def test_a_bearer_token_may_use_https_anywhere_and_plain_http_on_a_loopback_host(
    endpoint_url: str,
) -> None:
    model = EnhancedChatBedrockConverse(
        model=MODEL, region_name="us-east-1", endpoint_url=endpoint_url, api_key="k"
    )

    assert model.client.meta.endpoint_url == endpoint_url
    assert model.bedrock_client.meta.endpoint_url == endpoint_url
    assert "httpBearerAuth" in (model.client.meta.config.auth_scheme_preference or "")


def test_aws_credentials_may_use_a_plain_http_endpoint_on_another_host() -> None:
    model = EnhancedChatBedrockConverse(
        model=MODEL, region_name="us-east-1", endpoint_url=REMOTE_HTTP
    )

    assert model.client.meta.endpoint_url == REMOTE_HTTP


def test_a_token_in_the_environment_is_allowed_when_the_config_pins_sigv4(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # botocore ignores the variable when the client's Config names a signature version.
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "bedrock-api-key-example")

    model = EnhancedChatBedrockConverse(
        model=MODEL,
        region_name="us-east-1",
        endpoint_url=REMOTE_HTTP,
        api_key=None,
        config=Config(signature_version="v4"),
    )

    assert model.client.meta.endpoint_url == REMOTE_HTTP


def test_clients_the_caller_passes_are_used_as_they_are() -> None:
    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=REMOTE_HTTP)
    control = boto3.client("bedrock", region_name="us-east-1", endpoint_url=REMOTE_HTTP)

    model = EnhancedChatBedrockConverse(
        model=MODEL, client=client, bedrock_client=control, endpoint_url=REMOTE_HTTP, api_key="k"
    )

    assert model.client is client


def test_a_control_plane_client_built_for_a_passed_runtime_client_is_checked() -> None:
    client = boto3.client("bedrock-runtime", region_name="us-east-1", endpoint_url=REMOTE_HTTP)

    with pytest.raises(ConfigurationError, match="endpoint_url="):
        EnhancedChatBedrockConverse(
            model=MODEL, client=client, endpoint_url=REMOTE_HTTP, api_key="k"
        )


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.255.0.1", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        ("localhost.", True),
        ("0.0.0.0", False),  # noqa: S104 - a host name under test, nothing binds it
        ("10.1.2.3", False),
        ("localhost.example.com", False),
        ("bedrock-runtime.us-east-1.amazonaws.com", False),
        ("", False),
        (None, False),
    ],
)
def test_loopback_hosts_are_localhost_and_the_loopback_addresses(
    host: str | None, *, loopback: bool
) -> None:
    assert is_loopback_host(host) is loopback
