"""The emulated world: what exists where, how identifiers resolve, and the control plane."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._pagination import paginate
from langchain_bedrock_enhanced.emulator._types import EmulatedError
from langchain_bedrock_enhanced.emulator._world import World

REPO = Path(__file__).resolve().parents[3]
ACCOUNT = "123456789012"
SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET_37 = "anthropic.claude-3-7-sonnet-20250219-v1:0"
OPUS_41 = "anthropic.claude-opus-4-1-20250805-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"
APP_ARN = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/abc123def456"


@pytest.fixture(scope="module")
def world() -> World:
    return World.default()


def error_of(world: World, identifier: str, region: str) -> EmulatedError:
    with pytest.raises(EmulatedError) as info:
        world.resolve(identifier, region)
    return info.value


def invalid(err: EmulatedError) -> bool:
    return (err.code, err.message) == ("ValidationException", _errors.INVALID_IDENTIFIER)


# --- The bundled world ---------------------------------------------------------------


def test_bundled_world_records_where_it_came_from(world: World) -> None:
    assert world.account_id == ACCOUNT
    assert world.provenance["as_of"] == "2026-11-21"
    assert world.provenance["botocore_version"] == "1.44.5"
    assert "bedrock_models.json" in world.provenance["source"]


def test_bundled_world_has_the_fifteen_regions_and_no_global_profiles_in_govcloud(
    world: World,
) -> None:
    assert len(world.regions) == 15
    assert "us-gov-west-1" in world.regions
    assert "us-gov-west-1" not in world.prefix_source_regions["global"]
    assert set(world.prefix_source_regions["global"]) == set(world.regions) - {"us-gov-west-1"}
    assert world.prefix_source_regions["us"] == ("us-east-1", "us-east-2", "us-west-2")
    assert world.prefix_destination_regions["au"] == ("ap-southeast-2", "ap-southeast-4")


def test_committed_world_is_what_the_generator_builds() -> None:
    reference = REPO.parent / "shared" / "reference" / "bedrock_models.json"
    if not reference.exists():
        pytest.skip("the shared reference data is not next to this checkout")
    spec = importlib.util.spec_from_file_location("build", REPO / "scripts/build_default_world.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (REPO / "langchain_bedrock_enhanced/emulator/default_world.json").read_text()
    assert module.render(module.build(json.loads(reference.read_text()))) == committed


def test_sonnet_45_is_profile_only_everywhere_with_five_profile_prefixes(world: World) -> None:
    sonnet = world.models[SONNET_45]
    assert sonnet.on_demand_regions == frozenset()
    assert set(sonnet.profile_prefixes) == {"us", "eu", "jp", "au", "global"}
    assert sonnet.invocation == "ok"


def test_claude_3_haiku_is_the_on_demand_workhorse(world: World) -> None:
    haiku = world.models[HAIKU_3]
    assert {"us-east-1", "us-west-2", "eu-west-1"} <= haiku.on_demand_regions
    assert haiku.invocation == "ok"


def test_nova_v1_is_on_demand_only_in_us_east_1(world: World) -> None:
    for model_id in ("amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0", NOVA_PRO):
        nova = world.models[model_id]
        assert nova.on_demand_regions == {"us-east-1"}
        assert set(nova.profile_prefixes) == {"us", "eu", "apac"}
        assert nova.max_output_tokens == 10_000


@pytest.mark.parametrize(
    "model_id",
    [
        "meta.llama3-2-1b-instruct-v1:0",
        "meta.llama3-2-3b-instruct-v1:0",
        "meta.llama3-2-11b-instruct-v1:0",
        "meta.llama3-2-90b-instruct-v1:0",
        "meta.llama4-scout-17b-instruct-v1:0",
        "meta.llama4-maverick-17b-instruct-v1:0",
        "amazon.nova-2-lite-v1:0",
    ],
)
def test_newer_llama_and_nova_2_lite_are_profile_only_and_callable(
    world: World, model_id: str
) -> None:
    model = world.models[model_id]
    assert model.on_demand_regions == frozenset()
    assert model.profile_prefixes
    assert model.invocation == "ok"


@pytest.mark.parametrize(
    "model_id",
    [
        "anthropic.claude-3-sonnet-20240229-v1:0",
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "anthropic.claude-3-5-sonnet-20241022-v2:0",
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        SONNET_37,
        "anthropic.claude-sonnet-4-20250514-v1:0",
        "meta.llama3-1-405b-instruct-v1:0",
        "amazon.nova-premier-v1:0",
    ],
)
def test_models_past_their_end_of_life_are_end_of_life(world: World, model_id: str) -> None:
    assert world.models[model_id].invocation == "end_of_life"
    assert world.models[model_id].lifecycle == "LEGACY"


def test_opus_4_and_4_1_are_legacy_inactive(world: World) -> None:
    for model_id in ("anthropic.claude-opus-4-20250514-v1:0", OPUS_41):
        assert world.models[model_id].invocation == "legacy_inactive"


def test_family_capabilities_follow_the_reference(world: World) -> None:
    for model_id in ("mistral.mistral-7b-instruct-v0:2", "mistral.mixtral-8x7b-instruct-v0:1"):
        assert not world.models[model_id].system_prompts
        assert not world.models[model_id].tool_use
    for model in world.models.values():
        if model.family in {"llama", "mistral"}:
            assert not model.streaming_tool_use, model.model_id
        if model.family == "llama":
            assert set(model.tool_choice) <= {"auto"}, model.model_id
    assert world.models["mistral.mistral-large-2402-v1:0"].tool_choice == ("auto", "any")
    assert not world.models["meta.llama3-8b-instruct-v1:0"].tool_use
    assert world.models["anthropic.claude-sonnet-4-6"].max_output_tokens == 64_000
    assert world.models["meta.llama4-scout-17b-instruct-v1:0"].max_output_tokens == 8192
    assert world.models["meta.llama3-3-70b-instruct-v1:0"].max_output_tokens == 2048


def test_every_reference_model_is_present_with_llama_3_2_expanded(world: World) -> None:
    assert len(world.models) == 47  # 43 from the reference, and Mistral Large 3, Ministral 3 x3
    assert not any("{" in model_id or "|" in model_id for model_id in world.models)
    providers = {model.provider for model in world.models.values()}
    assert providers == {"Anthropic", "Amazon", "Meta", "Mistral AI"}


def test_bundled_application_profile_copies_the_us_sonnet_profile(world: World) -> None:
    app = world.application_profiles["abc123def456"]
    assert (app.name, app.region, app.model_id) == ("team-sonnet", "us-east-1", SONNET_45)
    us_profile = world.get_inference_profile(f"us.{SONNET_45}", "us-east-1")
    assert [{"modelArn": arn} for arn in app.model_arns] == us_profile["models"]


def test_world_is_read_only(world: World) -> None:
    with pytest.raises(TypeError):
        world.models["x.y"] = world.models[HAIKU_3]  # type: ignore[index]
    with pytest.raises(TypeError):
        world.application_profiles["x"] = world.application_profiles["abc123def456"]  # type: ignore[index]


# --- resolve(): accepted forms ---------------------------------------------------------


@pytest.mark.parametrize(
    ("identifier", "region", "access", "profile_id"),
    [
        (HAIKU_3, "us-east-1", "direct", None),
        (f"arn:aws:bedrock:us-west-2::foundation-model/{HAIKU_3}", "us-west-2", "direct", None),
        (f"us.{SONNET_45}", "us-east-1", "system_profile", f"us.{SONNET_45}"),
        (f"eu.{SONNET_45}", "eu-west-1", "system_profile", f"eu.{SONNET_45}"),
        (f"jp.{SONNET_45}", "ap-northeast-1", "system_profile", f"jp.{SONNET_45}"),
        (f"au.{SONNET_45}", "ap-southeast-2", "system_profile", f"au.{SONNET_45}"),
        (f"global.{SONNET_45}", "ca-central-1", "system_profile", f"global.{SONNET_45}"),
        (f"apac.{NOVA_PRO}", "ap-south-1", "system_profile", f"apac.{NOVA_PRO}"),
        (f"us-gov.{HAIKU_3}", "us-gov-west-1", "system_profile", f"us-gov.{HAIKU_3}"),
        (
            f"arn:aws:bedrock:us-east-1:999999999999:inference-profile/us.{SONNET_45}",
            "us-east-1",
            "system_profile",
            f"us.{SONNET_45}",
        ),
        (APP_ARN, "us-east-1", "application_profile", "abc123def456"),
    ],
)
def test_accepted_identifier_forms_resolve_to_their_base_model(
    world: World, identifier: str, region: str, access: str, profile_id: str | None
) -> None:
    resolution = world.resolve(identifier, region)
    assert resolution.access == access
    assert resolution.profile_id == profile_id
    expected = (
        HAIKU_3 if HAIKU_3 in identifier else NOVA_PRO if NOVA_PRO in identifier else SONNET_45
    )
    assert resolution.model.model_id == expected


def test_system_profile_id_resolves_to_an_arn_in_the_callers_region_and_world_account(
    world: World,
) -> None:
    resolution = world.resolve(f"global.{SONNET_45}", "eu-north-1")
    assert resolution.profile_arn == (
        f"arn:aws:bedrock:eu-north-1:{ACCOUNT}:inference-profile/global.{SONNET_45}"
    )


def test_profile_arn_as_sent_is_kept_with_the_callers_account(world: World) -> None:
    arn = f"arn:aws:bedrock:us-east-1:999999999999:inference-profile/us.{SONNET_45}"
    assert world.resolve(arn, "us-east-1").profile_arn == arn


def test_govcloud_arns_use_the_govcloud_partition(world: World) -> None:
    arn = f"arn:aws-us-gov:bedrock:us-gov-west-1:{ACCOUNT}:inference-profile/us-gov.{HAIKU_3}"
    assert world.resolve(arn, "us-gov-west-1").model.model_id == HAIKU_3
    assert invalid(error_of(world, arn.replace("aws-us-gov", "aws"), "us-gov-west-1"))


# --- resolve(): refusals, in order -------------------------------------------------------


@pytest.mark.parametrize(
    "identifier",
    ["not a model", "anthropic/claude", "anthropic.claude_3", "a" * 2049],
)
def test_identifier_failing_the_pattern_gets_the_regex_validation_text(
    world: World, identifier: str
) -> None:
    err = error_of(world, identifier, "us-east-1")
    assert err.code == "ValidationException"
    assert err.message == _errors.model_id_regex_failure(identifier)
    assert err.message.startswith(f"1 validation error detected: Value '{identifier}'")


@pytest.mark.parametrize(
    ("identifier", "region"),
    [
        ("anthropic.claude-does-not-exist-v1:0", "us-east-1"),
        (NOVA_PRO, "ca-central-1"),  # not listed there at all
        (f"eu.{SONNET_45}", "us-east-1"),  # a prefix not offered from the region
        (f"us.{SONNET_45}", "ca-central-1"),
        (f"global.{SONNET_45}", "us-gov-west-1"),
        (f"apac.{SONNET_45}", "ap-northeast-1"),  # a profile that does not exist
        (f"ca.{SONNET_45}", "ca-central-1"),  # an unknown prefix
        (f"arn:aws:bedrock:us-west-2::foundation-model/{HAIKU_3}", "us-east-1"),
        (f"arn:aws:bedrock:us-west-2:{ACCOUNT}:inference-profile/us.{SONNET_45}", "us-east-1"),
        (f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{SONNET_45}", "us-east-1"),
        (APP_ARN.replace("abc123def456", "zzz999zzz999"), "us-east-1"),
        (APP_ARN.replace(ACCOUNT, "111111111111"), "us-east-1"),
        (APP_ARN.replace("us-east-1", "us-west-2"), "us-west-2"),
        (f"arn:aws:bedrock:us-east-1:{ACCOUNT}:provisioned-model/abcdefabcdef", "us-east-1"),
        (HAIKU_3, "mars-north-1"),
    ],
)
def test_identifiers_naming_nothing_callable_here_are_invalid(
    world: World, identifier: str, region: str
) -> None:
    assert invalid(error_of(world, identifier, region))


@pytest.mark.parametrize(
    ("identifier", "region"),
    [
        (SONNET_45, "us-east-1"),
        (NOVA_PRO, "eu-west-1"),
        (HAIKU_3, "eu-central-1"),
        (f"arn:aws:bedrock:us-east-1::foundation-model/{SONNET_45}", "us-east-1"),
    ],
)
def test_bare_id_off_its_on_demand_regions_needs_a_profile_quoting_the_id_as_sent(
    world: World, identifier: str, region: str
) -> None:
    err = error_of(world, identifier, region)
    assert err.code == "ValidationException"
    assert err.message == _errors.PROFILE_REQUIRED.format(model_id=identifier)


def test_profile_requirement_is_reported_before_end_of_life(world: World) -> None:
    err = error_of(world, SONNET_37, "us-east-1")
    assert err.message == _errors.PROFILE_REQUIRED.format(model_id=SONNET_37)


def test_unknown_region_of_a_prefix_is_reported_before_end_of_life(world: World) -> None:
    assert invalid(error_of(world, f"global.{SONNET_37}", "us-east-1"))


@pytest.mark.parametrize(
    "identifier",
    [f"us.{SONNET_37}", "anthropic.claude-3-5-sonnet-20240620-v1:0", "us.amazon.nova-premier-v1:0"],
)
def test_end_of_life_models_answer_resource_not_found_with_the_verbatim_text(
    world: World, identifier: str
) -> None:
    err = error_of(world, identifier, "us-east-1")
    assert (err.code, err.message) == ("ResourceNotFoundException", _errors.END_OF_LIFE)


def test_legacy_inactive_models_answer_the_legacy_text(world: World) -> None:
    err = error_of(world, f"us.{OPUS_41}", "us-west-2")
    assert (err.code, err.message) == ("ResourceNotFoundException", _errors.LEGACY_INACTIVE)


def test_llama_3_2_stays_callable_through_its_profile(world: World) -> None:
    resolution = world.resolve("us.meta.llama3-2-11b-instruct-v1:0", "us-west-2")
    assert resolution.model.lifecycle == "LEGACY"


# --- base_model_id() -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        (HAIKU_3, HAIKU_3),
        (f"us.{SONNET_45}", SONNET_45),
        (f"arn:aws:bedrock:eu-west-1:{ACCOUNT}:inference-profile/eu.{SONNET_45}", SONNET_45),
        (f"arn:aws:bedrock:us-east-1::foundation-model/{NOVA_PRO}", NOVA_PRO),
        (APP_ARN, SONNET_45),
        (f"eu.{SONNET_45}", SONNET_45),  # valid or not in a region, it names this model
        ("anthropic.unknown-v1:0", None),
        ("not a model", None),
        ("", None),
    ],
)
def test_base_model_id_is_best_effort_and_never_raises(
    world: World, identifier: str, expected: str | None
) -> None:
    assert world.base_model_id(identifier) == expected


# --- ListFoundationModels / GetFoundationModel -----------------------------------------


def summaries(world: World, region: str, **filters: Any) -> dict[str, dict[str, Any]]:
    return {m["modelId"]: m for m in world.list_foundation_models(region, **filters)}


def test_profile_only_models_report_exactly_inference_profile(world: World) -> None:
    listed = summaries(world, "us-east-1")
    assert listed[SONNET_45]["inferenceTypesSupported"] == ["INFERENCE_PROFILE"]
    assert listed[HAIKU_3]["inferenceTypesSupported"] == ["ON_DEMAND", "INFERENCE_PROFILE"]
    assert listed["meta.llama3-8b-instruct-v1:0"]["inferenceTypesSupported"] == ["ON_DEMAND"]


def test_foundation_model_summary_has_botocores_shape(world: World) -> None:
    haiku = summaries(world, "eu-west-1")[HAIKU_3]
    assert haiku == {
        "modelArn": f"arn:aws:bedrock:eu-west-1::foundation-model/{HAIKU_3}",
        "modelId": HAIKU_3,
        "modelName": "Claude 3 Haiku",
        "providerName": "Anthropic",
        "inputModalities": ["TEXT", "IMAGE"],
        "outputModalities": ["TEXT"],
        "responseStreamingSupported": True,
        "customizationsSupported": [],
        "inferenceTypesSupported": ["ON_DEMAND", "INFERENCE_PROFILE"],
        "modelLifecycle": {"status": "LEGACY"},
    }


def test_models_not_offered_in_a_region_are_not_listed(world: World) -> None:
    canada = summaries(world, "ca-central-1")
    assert NOVA_PRO not in canada
    assert canada[SONNET_45]["inferenceTypesSupported"] == ["INFERENCE_PROFILE"]
    assert set(summaries(world, "us-gov-west-1")) == {HAIKU_3}


@pytest.mark.parametrize("provider", ["Anthropic", "anthropic", "ANTHROPIC"])
def test_by_provider_is_case_insensitive(world: World, provider: str) -> None:
    listed = summaries(world, "us-east-1", by_provider=provider)
    assert listed
    assert {m["providerName"] for m in listed.values()} == {"Anthropic"}


def test_by_provider_also_accepts_the_model_id_prefix(world: World) -> None:
    listed = summaries(world, "us-east-1", by_provider="mistral")
    assert {m["providerName"] for m in listed.values()} == {"Mistral AI"}


def test_by_inference_type_filters_on_the_reported_types(world: World) -> None:
    on_demand = summaries(world, "us-east-1", by_inference_type="ON_DEMAND")
    assert HAIKU_3 in on_demand
    assert SONNET_45 not in on_demand
    assert summaries(world, "us-east-1", by_inference_type="PROVISIONED") == {}
    assert SONNET_45 in summaries(world, "us-east-1", by_inference_type="INFERENCE_PROFILE")


def test_other_filters(world: World) -> None:
    assert summaries(world, "us-east-1", by_output_modality="TEXT") == summaries(world, "us-east-1")
    assert summaries(world, "us-east-1", by_output_modality="IMAGE") == {}
    assert summaries(world, "us-east-1", by_customization_type="FINE_TUNING") == {}


def test_filter_value_outside_its_enum_is_a_validation_error(world: World) -> None:
    with pytest.raises(EmulatedError) as info:
        world.list_foundation_models("us-east-1", by_inference_type="SERVERLESS")
    assert info.value.code == "ValidationException"
    assert "'SERVERLESS' at 'byInferenceType'" in info.value.message


def test_get_foundation_model_accepts_id_or_arn(world: World) -> None:
    by_id = world.get_foundation_model(NOVA_PRO, "us-east-1")
    arn = f"arn:aws:bedrock:us-east-1::foundation-model/{NOVA_PRO}"
    assert world.get_foundation_model(arn, "us-east-1") == by_id
    assert by_id["modelDetails"]["modelArn"] == arn


@pytest.mark.parametrize(
    ("identifier", "region"),
    [
        ("amazon.nova-ultra-v9:0", "us-east-1"),
        (NOVA_PRO, "ca-central-1"),
        (f"us.{NOVA_PRO}", "us-east-1"),
        (f"arn:aws:bedrock:us-west-2::foundation-model/{NOVA_PRO}", "us-east-1"),
    ],
)
def test_get_foundation_model_of_nothing_here_is_resource_not_found(
    world: World, identifier: str, region: str
) -> None:
    with pytest.raises(EmulatedError) as info:
        world.get_foundation_model(identifier, region)
    assert info.value.code == "ResourceNotFoundException"
    assert info.value.message != _errors.END_OF_LIFE


def test_get_foundation_model_of_an_end_of_life_model_says_so(world: World) -> None:
    with pytest.raises(EmulatedError) as info:
        world.get_foundation_model(SONNET_37, "us-east-1")
    assert (info.value.code, info.value.message) == (
        "ResourceNotFoundException",
        _errors.END_OF_LIFE,
    )


def test_get_foundation_model_of_a_legacy_inactive_model_still_answers(world: World) -> None:
    details = world.get_foundation_model(OPUS_41, "us-east-1")["modelDetails"]
    # The EOL date of Opus 4.1 (2027-01-08, awslabs lifecycle table) is known and ahead.
    assert details["modelLifecycle"] == {
        "status": "LEGACY",
        "endOfLifeTime": "2027-01-08T00:00:00+00:00",
    }


# --- ListInferenceProfiles / GetInferenceProfile ----------------------------------------


def profile_ids(world: World, region: str, **kwargs: Any) -> list[str]:
    return [p["inferenceProfileId"] for p in world.list_inference_profiles(region, **kwargs)]


def test_profiles_listed_are_those_usable_from_the_region(world: World) -> None:
    us = profile_ids(world, "us-east-1")
    assert f"us.{SONNET_45}" in us
    assert f"global.{SONNET_45}" in us
    assert f"eu.{SONNET_45}" not in us
    assert "abc123def456" in us
    assert {p.split(".")[0] for p in profile_ids(world, "ca-central-1")} == {"global"}
    assert profile_ids(world, "us-gov-west-1") == [f"us-gov.{HAIKU_3}"]


def test_every_listed_profile_of_a_callable_model_resolves_by_its_arn(world: World) -> None:
    for region in world.regions:
        for profile in world.list_inference_profiles(region):
            identifier = profile["inferenceProfileArn"]
            base = profile["models"][0]["modelArn"].rpartition("/")[2]
            if world.models[base].invocation == "ok":
                assert world.resolve(identifier, region).model.model_id == base
            else:
                with pytest.raises(EmulatedError, match="model"):
                    world.resolve(identifier, region)


def test_profile_listing_is_sorted_and_stable(world: World) -> None:
    system = profile_ids(world, "eu-west-1", type_equals="SYSTEM_DEFINED")
    assert system == sorted(system)
    assert len(set(system)) == len(system)
    assert profile_ids(world, "eu-west-1") == profile_ids(world, "eu-west-1")


def test_type_filter_separates_system_and_application_profiles(world: World) -> None:
    assert profile_ids(world, "us-east-1", type_equals="APPLICATION") == ["abc123def456"]
    assert "abc123def456" not in profile_ids(world, "us-east-1", type_equals="SYSTEM_DEFINED")
    assert profile_ids(world, "us-west-2", type_equals="APPLICATION") == []
    with pytest.raises(EmulatedError) as info:
        world.list_inference_profiles("us-east-1", type_equals="CUSTOM")
    assert info.value.code == "ValidationException"


def test_system_profile_summary_has_botocores_shape(world: World) -> None:
    profile = world.get_inference_profile(f"us.{SONNET_45}", "us-east-2")
    assert profile == {
        "inferenceProfileName": "US Anthropic Claude Sonnet 4.5",
        "description": (
            "Routes requests to Anthropic Claude Sonnet 4.5 in us-east-1, us-east-2 and us-west-2."
        ),
        "createdAt": "2025-01-01T00:00:00+00:00",
        "updatedAt": "2025-06-01T00:00:00+00:00",
        "inferenceProfileArn": (
            f"arn:aws:bedrock:us-east-2:{ACCOUNT}:inference-profile/us.{SONNET_45}"
        ),
        "models": [
            {"modelArn": f"arn:aws:bedrock:{region}::foundation-model/{SONNET_45}"}
            for region in ("us-east-1", "us-east-2", "us-west-2")
        ],
        "inferenceProfileId": f"us.{SONNET_45}",
        "status": "ACTIVE",
        "type": "SYSTEM_DEFINED",
    }


def test_global_profile_is_named_global(world: World) -> None:
    profile = world.get_inference_profile(f"global.{SONNET_45}", "ap-south-1")
    assert profile["inferenceProfileName"] == "Global Anthropic Claude Sonnet 4.5"
    assert len(profile["models"]) > 3


@pytest.mark.parametrize(
    "identifier",
    [
        f"us.{SONNET_45}",
        f"arn:aws:bedrock:us-east-1:999999999999:inference-profile/us.{SONNET_45}",
        "abc123def456",
        APP_ARN,
    ],
)
def test_get_inference_profile_by_id_or_arn(world: World, identifier: str) -> None:
    profile = world.get_inference_profile(identifier, "us-east-1")
    assert profile["models"][0]["modelArn"].endswith(f"/{SONNET_45}")


@pytest.mark.parametrize(
    ("identifier", "region"),
    [
        (f"eu.{SONNET_45}", "us-east-1"),
        ("abc123def456", "us-west-2"),
        (SONNET_45, "us-east-1"),
        ("us.nothing.here-v1:0", "us-east-1"),
        (APP_ARN.replace(ACCOUNT, "111111111111"), "us-east-1"),
    ],
)
def test_get_inference_profile_of_nothing_here_is_resource_not_found(
    world: World, identifier: str, region: str
) -> None:
    with pytest.raises(EmulatedError) as info:
        world.get_inference_profile(identifier, region)
    assert info.value.code == "ResourceNotFoundException"
    assert identifier in info.value.message


# --- paginate() -------------------------------------------------------------------------


def all_pages(items: list[int], max_results: int | None) -> tuple[list[int], int]:
    collected: list[int] = []
    token: str | None = None
    pages = 0
    while True:
        page, token = paginate(items, max_results=max_results, next_token=token)
        collected += page
        pages += 1
        if token is None:
            return collected, pages


@given(
    items=st.lists(st.integers(), max_size=60, unique=True),
    max_results=st.one_of(st.none(), st.integers(min_value=1, max_value=1000)),
)
def test_pages_concatenate_to_the_whole_list_without_duplicates(
    items: list[int], max_results: int | None
) -> None:
    collected, pages = all_pages(items, max_results)
    assert collected == items
    expected_pages = 1 if max_results is None else max(1, -(-len(items) // max_results))
    assert pages == expected_pages


def test_paginating_real_profiles_with_small_pages(world: World) -> None:
    profiles = world.list_inference_profiles("us-east-1")
    collected: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page, token = paginate(profiles, max_results=7, next_token=token)
        assert len(page) <= 7
        collected += page
        if token is None:
            break
    assert collected == profiles


def test_tokens_are_query_safe() -> None:
    _, token = paginate(list(range(5000)), max_results=1000, next_token=None)
    assert token is not None
    assert token.replace("-", "").replace("_", "").isalnum()


@pytest.mark.parametrize("token", ["garbage", "", "e30", "eyJvZmZzZXQiOiA5OX0"])
def test_a_token_not_issued_for_this_list_is_rejected(token: str) -> None:
    with pytest.raises(EmulatedError) as info:
        paginate(list(range(10)), max_results=2, next_token=token)
    assert info.value.code == "ValidationException"
    assert "pagination token" in info.value.message.lower()


@pytest.mark.parametrize(
    ("max_results", "bound"),
    [(0, "greater than or equal to 1"), (1001, "less than or equal to 1000")],
)
def test_max_results_outside_1_to_1000_is_rejected(max_results: int, bound: str) -> None:
    with pytest.raises(EmulatedError) as info:
        paginate([1, 2], max_results=max_results, next_token=None)
    assert info.value.code == "ValidationException"
    assert info.value.message == (
        f"1 validation error detected: Value '{max_results}' at 'maxResults' failed to "
        f"satisfy constraint: Member must have value {bound}"
    )


# --- Construction and overrides --------------------------------------------------------


def test_to_dict_round_trips(world: World) -> None:
    again = World.from_dict(world.to_dict())
    assert again.models == world.models
    assert again.application_profiles == world.application_profiles
    assert again.to_dict() == world.to_dict()


def test_partial_model_override_merges_over_the_existing_model(world: World) -> None:
    changed = world.with_overrides({"models": [{"model_id": NOVA_PRO, "max_output_tokens": 5}]})
    assert changed.models[NOVA_PRO].max_output_tokens == 5
    assert changed.models[NOVA_PRO].on_demand_regions == {"us-east-1"}
    assert world.models[NOVA_PRO].max_output_tokens == 10_000  # the original is untouched


def test_making_a_model_on_demand_in_a_new_region_lists_it_there(world: World) -> None:
    changed = world.with_overrides(
        {"models": [{"model_id": SONNET_45, "on_demand_regions": ["us-east-1"]}]}
    )
    assert changed.resolve(SONNET_45, "us-east-1").access == "direct"
    canada = changed.with_overrides(
        {"models": [{"model_id": NOVA_PRO, "on_demand_regions": ["ca-central-1"]}]}
    )
    assert canada.resolve(NOVA_PRO, "ca-central-1").access == "direct"


def test_dropping_profile_prefixes_re_derives_the_listed_regions(world: World) -> None:
    changed = world.with_overrides({"models": [{"model_id": NOVA_PRO, "profile_prefixes": []}]})
    assert changed.models[NOVA_PRO].regions == {"us-east-1"}
    assert invalid(error_of(changed, NOVA_PRO, "eu-west-1"))


def test_new_model_needs_its_identity_fields(world: World) -> None:
    new: dict[str, Any] = {
        "model_id": "mistral.ministral-3-8b-instruct",
        "name": "Ministral 3 8B",
        "provider": "Mistral AI",
        "family": "mistral",
        "on_demand_regions": ["us-west-2"],
    }
    changed = world.with_overrides({"models": [new]})
    assert changed.resolve(new["model_id"], "us-west-2").model.name == "Ministral 3 8B"
    with pytest.raises(ValueError, match="missing fields"):
        world.with_overrides({"models": [{"model_id": "mistral.new-one"}]})


def test_model_override_with_a_wrong_value_names_the_model(world: World) -> None:
    with pytest.raises(ValueError, match=NOVA_PRO.replace(".", r"\.")):
        world.with_overrides({"models": [{"model_id": NOVA_PRO, "family": "gpt"}]})
    with pytest.raises(ValueError, match="unknown fields"):
        world.with_overrides({"models": [{"model_id": NOVA_PRO, "colour": "red"}]})


def test_removing_a_model_removes_its_application_profiles(world: World) -> None:
    changed = world.with_overrides({"remove_models": [SONNET_45]})
    assert SONNET_45 not in changed.models
    assert changed.application_profiles == {}
    assert invalid(error_of(changed, f"us.{SONNET_45}", "us-east-1"))
    with pytest.raises(ValueError, match="does not have"):
        world.with_overrides({"remove_models": ["nobody.none-v1:0"]})


def test_replace_starts_from_an_empty_model_list(world: World) -> None:
    only = {
        "model_id": "amazon.titan-text-v9",
        "name": "Titan",
        "provider": "Amazon",
        "family": "nova",
        "on_demand_regions": ["us-east-1"],
    }
    changed = world.with_overrides({"replace": True, "models": [only]})
    assert list(changed.models) == ["amazon.titan-text-v9"]
    assert changed.regions == world.regions


def test_application_profiles_can_be_added_by_copying_a_profile(world: World) -> None:
    app = {"id": "team0haiku01", "name": "team-haiku", "region": "us-west-2"}
    changed = world.with_overrides(
        {"application_profiles": [{**app, "copy_from": f"us.{HAIKU_3}"}]}
    )
    arn = f"arn:aws:bedrock:us-west-2:{ACCOUNT}:application-inference-profile/team0haiku01"
    assert changed.resolve(arn, "us-west-2").model.model_id == HAIKU_3
    assert "abc123def456" in changed.application_profiles
    with pytest.raises(ValueError, match="12 lowercase"):
        world.with_overrides(
            {"application_profiles": [{**app, "id": "Team", "copy_from": HAIKU_3}]}
        )
    with pytest.raises(ValueError, match="does not name a model"):
        world.with_overrides({"application_profiles": [{**app, "copy_from": "x.y-v1:0"}]})


def test_regions_override_cuts_prefix_sources(world: World) -> None:
    changed = world.with_overrides({"regions": ["us-east-1", "eu-west-1"]})
    assert changed.regions == ("us-east-1", "eu-west-1")
    assert changed.prefix_source_regions["us"] == ("us-east-1",)
    assert invalid(error_of(changed, f"us.{SONNET_45}", "us-west-2"))


def test_a_new_prefix_can_be_offered_from_a_region(world: World) -> None:
    changed = world.with_overrides(
        {
            "prefix_source_regions": {"ca": ["ca-central-1"]},
            "models": [{"model_id": SONNET_45, "profile_prefixes": ["us", "ca", "global"]}],
        }
    )
    assert changed.resolve(f"ca.{SONNET_45}", "ca-central-1").profile_id == f"ca.{SONNET_45}"
    assert changed.prefix_destination_regions["ca"] == ("ca-central-1",)


def test_unknown_override_keys_and_prefixes_are_rejected(world: World) -> None:
    with pytest.raises(ValueError, match="unknown world override keys"):
        world.with_overrides({"modles": []})
    with pytest.raises(ValueError, match="undefined profile prefixes"):
        world.with_overrides({"models": [{"model_id": NOVA_PRO, "profile_prefixes": ["zz"]}]})


def test_documents_missing_required_sections_are_rejected() -> None:
    with pytest.raises(ValueError, match="needs"):
        World.from_dict({"account_id": ACCOUNT})
    doc = World.default().to_dict()
    with pytest.raises(ValueError, match="12 digits"):
        World.from_dict({**doc, "account_id": "42"})
    with pytest.raises(ValueError, match="defined twice"):
        World.from_dict({**doc, "models": doc["models"] + doc["models"][:1]})


def test_lifecycle_dates_are_listed_where_known_and_omitted_otherwise(world: World) -> None:
    listed = summaries(world, "us-east-1")
    assert listed["anthropic.claude-sonnet-4-20250514-v1:0"]["modelLifecycle"] == {
        "status": "LEGACY",
        "legacyTime": "2026-04-14T00:00:00+00:00",
        "endOfLifeTime": "2026-10-14T00:00:00+00:00",
    }
    assert listed[NOVA_PRO]["modelLifecycle"] == {"status": "ACTIVE"}


def test_a_scenario_can_date_a_models_end_of_life(world: World) -> None:
    dated = world.with_overrides(
        {"models": [{"model_id": NOVA_PRO, "end_of_life_time": "2030-01-01T00:00:00+00:00"}]}
    )
    lifecycle = dated.get_foundation_model(NOVA_PRO, "us-east-1")["modelDetails"]["modelLifecycle"]
    assert lifecycle["endOfLifeTime"] == "2030-01-01T00:00:00+00:00"


# --- Issue 13: the open world, CountTokens, request rules --------------------------------


def test_the_bundled_world_holds_every_model_of_the_reference(world: World) -> None:
    reference = REPO.parent / "shared" / "reference" / "bedrock_models.json"
    if not reference.exists():
        pytest.skip("the shared reference data is not next to this checkout")
    rows = json.loads(reference.read_text())["models"]
    # Rows like `meta.llama3-2-{1b,3b,11b,90b}-...` name several models; the one
    # "a | b | c" row is unverified and skipped (its Mistral models are added by hand).
    single = {
        row["model_id"]
        for row in rows
        if "{" not in row["model_id"] and " | " not in row["model_id"]
    }
    assert single <= set(world.models)


def test_mistral_large_3_is_served_with_its_sources_named(world: World) -> None:
    large_3 = world.models["mistral.mistral-large-3-675b-instruct"]
    assert (large_3.context_window, large_3.max_output_tokens) == (262_144, 8192)
    assert large_3.on_demand_regions == frozenset({"us-east-1"})
    assert large_3.tool_use_id_pattern == "[a-zA-Z0-9]{9}"
    facts = world.provenance["facts"]["mistral.mistral-large-3-675b-instruct"]
    assert "models.dev" in facts["context_window"]
    assert "us-east-1" in facts["on_demand_regions"]


def test_every_llama_refuses_text_beside_tool_blocks(world: World) -> None:
    llamas = [m for m in world.models.values() if m.family == "llama"]
    assert llamas
    assert not any(m.mixed_tool_turns for m in llamas)
    assert all(m.mixed_tool_turns for m in world.models.values() if m.family != "llama")


def test_count_tokens_takes_a_bare_id_even_of_a_profile_only_model(world: World) -> None:
    assert world.count_tokens_model(SONNET_45, "us-east-1").model_id == SONNET_45
    arn = f"arn:aws:bedrock:us-east-1::foundation-model/{SONNET_45}"
    assert world.count_tokens_model(arn, "us-east-1").model_id == SONNET_45


@pytest.mark.parametrize("identifier", [f"us.{SONNET_45}", f"global.{SONNET_45}", APP_ARN])
def test_count_tokens_refuses_inference_profiles(world: World, identifier: str) -> None:
    with pytest.raises(EmulatedError) as info:
        world.count_tokens_model(identifier, "us-east-1")
    assert info.value.message == "The provided model doesn't support counting tokens."


def test_count_tokens_refuses_an_unknown_model_and_a_malformed_id(world: World) -> None:
    with pytest.raises(EmulatedError) as unknown:
        world.count_tokens_model("acme.nothing-v1:0", "us-east-1")
    assert invalid(unknown.value)
    with pytest.raises(EmulatedError, match="at 'modelId' failed to satisfy constraint"):
        world.count_tokens_model("not a model!", "us-east-1")


def test_a_scenario_model_needs_no_family_and_speaks_converse_only(world: World) -> None:
    added = world.with_overrides(
        {
            "models": [
                {
                    "model_id": "acme.frontier-1",
                    "name": "Frontier 1",
                    "provider": "Acme",
                    "on_demand_regions": ["us-east-1"],
                    "profile_prefixes": ["acme"],
                    "context_window": 1000,
                }
            ],
            "prefix_source_regions": {"acme": ["us-east-1", "us-west-2"]},
            "prefix_destination_regions": {"acme": ["us-west-2"]},
        }
    )
    model = added.models["acme.frontier-1"]
    assert (model.family, model.context_window) == ("converse", 1000)
    assert added.resolve("acme.acme.frontier-1", "us-west-2").access == "system_profile"
    profile = added.get_inference_profile("acme.acme.frontier-1", "us-east-1")
    assert profile["models"] == [
        {"modelArn": "arn:aws:bedrock:us-west-2::foundation-model/acme.frontier-1"}
    ]
    assert World.from_dict(added.to_dict()).models["acme.frontier-1"] == model
