"""Scenario behaviour seen from a client: signatures, probability faults, quotas, latency, admin."""

from __future__ import annotations

import json
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from langchain_bedrock_enhanced.emulator import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    BedrockEmulator,
)
from tests.wire.conftest import make_client

SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
HELLO = [{"role": "user", "content": [{"text": "hello"}]}]


def _signed_client(url: str, key: str, secret: str):
    return boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


def test_signature_verification_accepts_the_test_keys_and_rejects_others() -> None:
    with BedrockEmulator(verify_signatures=True) as emu:
        good = _signed_client(emu.endpoint_url, DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY)
        assert good.converse(modelId=SONNET, messages=HELLO)["output"]
        # A path with percent-encoded ARN characters is signed and checked the same way.
        arn = f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{SONNET}"
        assert good.converse(modelId=arn, messages=HELLO)["output"]

        stranger = _signed_client(emu.endpoint_url, "AKIDSOMEONEELSE00000", "whatever")
        with pytest.raises(ClientError) as unknown:
            stranger.converse(modelId=SONNET, messages=HELLO)
        wrong_secret = _signed_client(emu.endpoint_url, DEFAULT_ACCESS_KEY_ID, "not-the-secret")
        with pytest.raises(ClientError) as forged:
            wrong_secret.converse(modelId=SONNET, messages=HELLO)
    assert unknown.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert unknown.value.response["Error"]["Code"] == "UnrecognizedClientException"
    assert forged.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert forged.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert "signature we calculated does not match" in forged.value.response["Error"]["Message"]


def _outcomes(seed: int) -> list[str]:
    fault = {"error": "ThrottlingException", "probability": 0.5, "seed": seed}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        client = make_client(emu.endpoint_url)
        outcomes = []
        for _ in range(20):
            try:
                client.converse(modelId=SONNET, messages=HELLO)
                outcomes.append("ok")
            except ClientError:
                outcomes.append("throttled")
    return outcomes


def test_probability_faults_repeat_with_the_same_seed() -> None:
    first, second = _outcomes(seed=7), _outcomes(seed=7)
    assert first == second
    assert 0 < first.count("throttled") < 20


def test_request_quota_throttles_beyond_its_burst() -> None:
    scenario = {"quota": {"requests_per_minute": 3, "burst": 3}}
    with BedrockEmulator(scenario=scenario) as emu:
        client = make_client(emu.endpoint_url)
        codes = []
        for _ in range(5):
            try:
                client.converse(modelId=SONNET, messages=HELLO)
                codes.append("ok")
            except client.exceptions.ThrottlingException as err:
                codes.append(err.response["Error"]["Message"])
    assert codes[:3] == ["ok", "ok", "ok"]
    assert codes[3:] == ["Too many requests, please wait before trying again."] * 2


def test_latency_is_reported_in_metrics(tmp_path) -> None:
    scenario_file = tmp_path / "slow.json"
    scenario_file.write_text(json.dumps({"latency_ms": 25}))
    with BedrockEmulator(scenario=scenario_file) as emu:
        reply = make_client(emu.endpoint_url).converse(modelId=SONNET, messages=HELLO)
    assert reply["metrics"]["latencyMs"] == 25


def test_world_override_makes_a_model_profile_only() -> None:
    haiku = "anthropic.claude-3-haiku-20240307-v1:0"
    scenario = {"world": {"models": [{"model_id": haiku, "on_demand_regions": []}]}}
    with BedrockEmulator(scenario=scenario) as emu:
        client = make_client(emu.endpoint_url)
        with pytest.raises(client.exceptions.ValidationException):
            client.converse(modelId=haiku, messages=HELLO)
        assert client.converse(modelId=f"us.{haiku}", messages=HELLO)["output"]


def test_request_log_is_readable_over_http(tmp_path) -> None:
    with BedrockEmulator() as emu:
        make_client(emu.endpoint_url).converse(modelId=SONNET, messages=HELLO)
        with urllib.request.urlopen(f"{emu.endpoint_url}/_emulator/requests") as response:  # noqa: S310
            records = json.load(response)
    assert [(r["operation"], r["model_id"], r["status"]) for r in records] == [
        ("Converse", SONNET, 200)
    ]
