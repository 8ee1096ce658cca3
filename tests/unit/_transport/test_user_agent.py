"""The memoized User-Agent: the header sent is exactly the one botocore would build."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from botocore.useragent import register_feature_id

from langchain_bedrock_enhanced import EnhancedChatBedrockConverse
from langchain_bedrock_enhanced._transport.user_agent import memoize_user_agent

_REPLY = {
    "output": {"message": {"role": "assistant", "content": [{"text": "hi"}]}},
    "stopReason": "end_turn",
    "usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
    "metrics": {"latencyMs": 1},
}


class _HeaderRecorder:
    """Answers every request locally (no socket) and keeps its User-Agent header."""

    def __init__(self) -> None:
        self.user_agents: list[str] = []

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        self.user_agents.append(
            request.headers["User-Agent"].decode()
            if isinstance(request.headers["User-Agent"], bytes)
            else request.headers["User-Agent"]
        )
        return _Reply()


class _Reply(AWSResponse):
    def __init__(self) -> None:
        body = json.dumps(_REPLY).encode()
        super().__init__("https://local", 200, {"Content-Type": "application/json"}, None)
        self._body = body

    @property
    def content(self) -> bytes:
        return self._body


def _client(config: Config | None = None) -> Any:
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",  # noqa: S106 - a fake key
        config=config,
    )


def _user_agents(client: Any, calls: int = 2, *, feature: str | None = None) -> list[str]:
    recorder = _HeaderRecorder()
    client.meta.events.register("before-send.bedrock-runtime.Converse", recorder)
    if feature is not None:

        def add_feature(**_: Any) -> None:
            register_feature_id(feature)

        client.meta.events.register("before-call.bedrock-runtime.Converse", add_feature)
    for _ in range(calls):
        client.converse(modelId="m", messages=[{"role": "user", "content": [{"text": "x"}]}])
    return recorder.user_agents


@pytest.mark.parametrize(
    "config",
    [
        None,
        Config(retries={"mode": "adaptive"}, user_agent_appid="my-app"),
        Config(user_agent_extra="extra/1"),
        Config(user_agent="Legacy/1.0"),
    ],
    ids=["default", "adaptive-with-app-id", "extra", "legacy-override"],
)
def test_memoized_client_sends_the_header_botocore_builds(config: Config | None) -> None:
    plain, memoized = _client(config), _client(config)
    assert memoize_user_agent(memoized)

    expected = _user_agents(plain)
    sent = _user_agents(memoized)

    assert sent == expected
    assert len(set(sent)) == 1


def test_a_feature_registered_during_the_request_is_in_the_header() -> None:
    plain, memoized = _client(), _client()
    memoize_user_agent(memoized)
    without = _user_agents(memoized, calls=1)

    # Any feature ID will do; the header must carry it, as botocore's does.
    with_feature = _user_agents(memoized, calls=2, feature="S3_TRANSFER")

    assert with_feature == _user_agents(plain, calls=2, feature="S3_TRANSFER")
    assert with_feature[0] != without[0]


def test_memoizing_twice_keeps_one_cache() -> None:
    client = _client()
    assert memoize_user_agent(client)
    first = vars(client._user_agent_creator)["to_string"]

    assert memoize_user_agent(client)
    assert vars(client._user_agent_creator)["to_string"] is first


def test_objects_without_a_botocore_builder_are_left_alone() -> None:
    assert not memoize_user_agent(object())
    assert not memoize_user_agent(None)


def test_the_model_memoizes_the_client_it_builds_but_not_a_callers_client() -> None:
    built = EnhancedChatBedrockConverse(model="amazon.nova-lite-v1:0", region_name="us-east-1")
    callers = _client()
    given = EnhancedChatBedrockConverse(model="amazon.nova-lite-v1:0", client=callers)

    assert "to_string" in vars(built.client._user_agent_creator)
    assert "to_string" not in vars(callers._user_agent_creator)
    assert given.client is callers
