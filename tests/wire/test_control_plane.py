"""The bedrock control plane: models and inference profiles per region."""

from __future__ import annotations

import pytest

from tests.wire.conftest import ClientFactory

SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
APP_PROFILE_ARN = (
    "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456"
)


def test_list_foundation_models_filters_by_provider_modality_and_inference_type(
    control: ClientFactory,
) -> None:
    client = control()
    anthropic = client.list_foundation_models(byProvider="Anthropic")["modelSummaries"]
    assert anthropic
    assert {m["providerName"] for m in anthropic} == {"Anthropic"}
    on_demand = client.list_foundation_models(byInferenceType="ON_DEMAND")["modelSummaries"]
    assert HAIKU in {m["modelId"] for m in on_demand}
    assert SONNET_45 not in {m["modelId"] for m in on_demand}
    text = client.list_foundation_models(byOutputModality="TEXT")["modelSummaries"]
    assert {m["modelId"] for m in text} >= {HAIKU, SONNET_45}


def test_nova_is_on_demand_in_us_east_1_and_profile_only_in_eu_west_1(
    control: ClientFactory,
) -> None:
    def types(region: str) -> list[str]:
        summaries = control(region).list_foundation_models(byProvider="Amazon")["modelSummaries"]
        return next(m for m in summaries if m["modelId"] == "amazon.nova-pro-v1:0")[
            "inferenceTypesSupported"
        ]

    assert "ON_DEMAND" in types("us-east-1")
    assert types("eu-west-1") == ["INFERENCE_PROFILE"]


def test_get_foundation_model_by_id_and_by_arn(control: ClientFactory) -> None:
    client = control()
    by_id = client.get_foundation_model(modelIdentifier=HAIKU)["modelDetails"]
    arn = f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"
    by_arn = client.get_foundation_model(modelIdentifier=arn)["modelDetails"]
    assert by_id["modelId"] == by_arn["modelId"] == HAIKU
    assert by_id["modelArn"] == arn


def test_list_inference_profiles_type_filter(control: ClientFactory) -> None:
    client = control()
    system = client.list_inference_profiles(typeEquals="SYSTEM_DEFINED", maxResults=1000)
    application = client.list_inference_profiles(typeEquals="APPLICATION", maxResults=1000)
    assert {p["type"] for p in system["inferenceProfileSummaries"]} == {"SYSTEM_DEFINED"}
    assert [p["inferenceProfileArn"] for p in application["inferenceProfileSummaries"]] == [
        APP_PROFILE_ARN
    ]


def test_paginator_walks_every_profile(control: ClientFactory) -> None:
    client = control("eu-west-1")
    paginator = client.get_paginator("list_inference_profiles")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 3}))
    ids = [p["inferenceProfileId"] for page in pages for p in page["inferenceProfileSummaries"]]
    assert len(pages) > 1
    assert len(ids) == len(set(ids))
    assert f"eu.{SONNET_45}" in ids
    assert f"us.{SONNET_45}" not in ids


def test_profile_lists_its_destination_models_and_uses_the_callers_region(
    control: ClientFactory,
) -> None:
    profile = control("us-west-2").get_inference_profile(
        inferenceProfileIdentifier=f"us.{SONNET_45}"
    )
    assert profile["inferenceProfileArn"].startswith("arn:aws:bedrock:us-west-2:")
    assert profile["status"] == "ACTIVE"
    assert profile["type"] == "SYSTEM_DEFINED"
    destinations = {m["modelArn"] for m in profile["models"]}
    assert f"arn:aws:bedrock:us-east-1::foundation-model/{SONNET_45}" in destinations
    assert all(arn.endswith(f"/{SONNET_45}") for arn in destinations)


def test_get_inference_profile_accepts_an_application_profile_arn(control: ClientFactory) -> None:
    profile = control().get_inference_profile(inferenceProfileIdentifier=APP_PROFILE_ARN)
    assert profile["type"] == "APPLICATION"
    assert profile["models"][0]["modelArn"].endswith(f"/{SONNET_45}")


def test_unknown_profile_is_resource_not_found(control: ClientFactory) -> None:
    client = control()
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_inference_profile(inferenceProfileIdentifier="us.nobody.nothing-v1:0")
