"""Pure identifier parsing: every spelling Bedrock accepts names one base model."""

from __future__ import annotations

import pytest

from langchain_bedrock_enhanced.model_ids import (
    base_model_id,
    parse_model_id,
    unversioned_model_id,
)

HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.mark.parametrize(
    "identifier",
    [
        HAIKU,
        f"{HAIKU}:200k",
        f"us.{HAIKU}",
        f"eu.{HAIKU}",
        f"apac.{HAIKU}",
        f"jp.{HAIKU}",
        f"au.{HAIKU}",
        f"us-gov.{HAIKU}",
        f"global.{HAIKU}",
        f"ca.{HAIKU}",
        f"amer.{HAIKU}",
        f"sa.{HAIKU}",
        f"us.{HAIKU}:200k",
        f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}",
        f"arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/{HAIKU}",
        f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.{HAIKU}",
        f"arn:aws:bedrock:eu-west-1:123456789012:inference-profile/global.{HAIKU}",
    ],
)
def test_every_spelling_resolves_to_the_base_model(identifier: str) -> None:
    assert base_model_id(identifier) == HAIKU


def test_profile_ids_report_their_prefix_and_kind() -> None:
    parsed = parse_model_id(f"us-gov.{HAIKU}")
    assert parsed.kind == "system_profile"
    assert parsed.geo_prefix == "us-gov"
    assert parsed.profile_id == f"us-gov.{HAIKU}"
    assert parsed.provider == "anthropic"


def test_context_suffix_is_kept_apart() -> None:
    parsed = parse_model_id(f"{HAIKU}:48k")
    assert parsed.base_model_id == HAIKU
    assert parsed.context_suffix == "48k"


def test_unversioned_ids_without_colon_are_left_intact() -> None:
    assert base_model_id("anthropic.claude-sonnet-4-6") == "anthropic.claude-sonnet-4-6"
    assert base_model_id("global.anthropic.claude-opus-4-6-v1") == "anthropic.claude-opus-4-6-v1"


def test_arn_parts_are_exposed() -> None:
    parsed = parse_model_id(f"arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.{HAIKU}")
    assert (parsed.kind, parsed.region, parsed.account_id, parsed.partition) == (
        "system_profile",
        "us-west-2",
        "123456789012",
        "aws",
    )
    assert parsed.is_arn


@pytest.mark.parametrize(
    ("identifier", "kind"),
    [
        (
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123",
            "application_profile",
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefabcdef",
            "provisioned_model",
        ),
        ("arn:aws:bedrock:us-east-1:123456789012:imported-model/abcdefabcdef", "imported_model"),
    ],
)
def test_arns_that_need_the_control_plane_have_no_base(identifier: str, kind: str) -> None:
    parsed = parse_model_id(identifier)
    assert parsed.kind == kind
    assert parsed.base_model_id is None
    assert parsed.resource_id is not None


def test_a_provider_named_like_a_prefix_is_not_stripped_without_a_model_after_it() -> None:
    # "us.foo" has no provider segment after the prefix, so it is a bare ID.
    assert base_model_id("us.foo") == "us.foo"


def test_unversioned_model_id_cuts_at_the_first_colon() -> None:
    assert unversioned_model_id(HAIKU) == "anthropic.claude-3-haiku-20240307-v1"
    assert unversioned_model_id("anthropic.claude-sonnet-4-6") == "anthropic.claude-sonnet-4-6"
