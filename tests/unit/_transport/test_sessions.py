"""The model's clients: built as langchain-aws builds them, on sessions that share parsed data."""

# ruff: noqa: S106 - the keys here are fakes

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_aws import ChatBedrockConverse

from langchain_bedrock_enhanced import EnhancedChatBedrockConverse
from langchain_bedrock_enhanced._transport.sessions import (
    create_client,
    open_session,
    shared_data_session,
)

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
