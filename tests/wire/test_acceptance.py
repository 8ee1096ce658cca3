"""The foundation issue's acceptance points, against an emulator started from the shell."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.wire.conftest import make_client

SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HELLO = [{"role": "user", "content": [{"text": "Say hello to the emulator"}]}]
PROFILE_REQUIRED = (
    f"Invocation of model ID {SONNET_45} with on-demand throughput isn\u2019t supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)


def test_bare_profile_only_model_is_refused_with_the_verbatim_profile_message(
    cli_emulator_url: str,
) -> None:
    client = make_client(cli_emulator_url, region="us-east-1")
    with pytest.raises(client.exceptions.ValidationException) as info:
        client.converse(modelId=SONNET_45, messages=HELLO)
    assert info.value.response["Error"]["Message"] == PROFILE_REQUIRED


@pytest.mark.parametrize(
    "model_id",
    [
        f"us.{SONNET_45}",
        f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.{SONNET_45}",
    ],
)
def test_us_profile_id_and_its_arn_return_text_in_us_east_1(
    cli_emulator_url: str, model_id: str
) -> None:
    client = make_client(cli_emulator_url, region="us-east-1")
    reply = client.converse(modelId=model_id, messages=HELLO)
    text = reply["output"]["message"]["content"][0]["text"]
    assert "hello" in text.lower()


def test_eu_profile_is_invalid_from_us_east_1_but_answers_from_eu_west_1(
    cli_emulator_url: str,
) -> None:
    us_client = make_client(cli_emulator_url, region="us-east-1")
    with pytest.raises(us_client.exceptions.ValidationException) as info:
        us_client.converse(modelId=f"eu.{SONNET_45}", messages=HELLO)
    assert info.value.response["Error"]["Message"] == "The provided model identifier is invalid."

    eu_client = make_client(cli_emulator_url, region="eu-west-1")
    reply = eu_client.converse(modelId=f"eu.{SONNET_45}", messages=HELLO)
    assert reply["output"]["message"]["content"][0]["text"]


def test_converse_stream_yields_events_in_bedrock_order(cli_emulator_url: str) -> None:
    client = make_client(cli_emulator_url, region="us-east-1")
    response = client.converse_stream(modelId=f"us.{SONNET_45}", messages=HELLO)
    kinds = [next(iter(event)) for event in response["stream"]]
    assert kinds[0] == "messageStart"
    assert kinds[-3:] == ["contentBlockStop", "messageStop", "metadata"]
    assert set(kinds[1:-3]) == {"contentBlockDelta"}
    assert len(kinds[1:-3]) > 1


def test_list_inference_profiles_pages_through_every_profile(cli_emulator_url: str) -> None:
    client = make_client(cli_emulator_url, service="bedrock", region="us-east-1")
    seen: list[str] = []
    pages = 0
    token: str | None = None
    while True:
        kwargs = {"maxResults": 2} | ({"nextToken": token} if token else {})
        page = client.list_inference_profiles(**kwargs)
        pages += 1
        assert len(page["inferenceProfileSummaries"]) <= 2
        seen += [p["inferenceProfileId"] for p in page["inferenceProfileSummaries"]]
        token = page.get("nextToken")
        if not token:
            break
    everything = client.list_inference_profiles(maxResults=1000)["inferenceProfileSummaries"]
    assert seen == [p["inferenceProfileId"] for p in everything]
    assert len(set(seen)) == len(seen)
    assert pages == (len(seen) + 1) // 2
    assert f"us.{SONNET_45}" in seen


def test_list_foundation_models_marks_profile_only_models(cli_emulator_url: str) -> None:
    client = make_client(cli_emulator_url, service="bedrock", region="us-east-1")
    summaries = {m["modelId"]: m for m in client.list_foundation_models()["modelSummaries"]}
    assert summaries[SONNET_45]["inferenceTypesSupported"] == ["INFERENCE_PROFILE"]
    assert (
        "ON_DEMAND"
        in summaries["anthropic.claude-3-haiku-20240307-v1:0"]["inferenceTypesSupported"]
    )


def test_scenario_fault_fails_exactly_the_first_two_matching_requests() -> None:
    from langchain_bedrock_enhanced.emulator import BedrockEmulator

    haiku = "anthropic.claude-3-haiku-20240307-v1:0"
    fault = {"match": {"model_id": haiku}, "error": "ThrottlingException", "times": 2}
    with BedrockEmulator(scenario={"faults": [fault]}) as emu:
        client = make_client(emu.endpoint_url, region="us-east-1")
        outcomes = []
        for _ in range(4):
            try:
                client.converse(modelId=haiku, messages=HELLO)
                outcomes.append("ok")
            except ClientError as err:
                outcomes.append(err.response["Error"]["Code"])
        # Another model is not matched by the rule.
        client.converse(modelId=f"us.{SONNET_45}", messages=HELLO)
    assert outcomes == ["ThrottlingException", "ThrottlingException", "ok", "ok"]
    assert [r.status for r in emu.requests] == [429, 429, 200, 200, 200]
