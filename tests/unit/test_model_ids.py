"""Pure identifier parsing: every spelling Bedrock accepts names one base model."""

from __future__ import annotations

import pytest

from langchain_bedrock_enhanced.model_ids import (
    MAX_MODEL_ID_LENGTH,
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


# The grammar: what Bedrock accepts, and nothing else ---------------------------

ACCOUNT = "123456789012"


@pytest.mark.parametrize(
    "identifier",
    [
        HAIKU,
        "anthropic.claude-sonnet-4-6",
        "amazon.titan-text-express-v1",
        f"{HAIKU}:200k",
        "amazon.nova-premier-v1:0:1000k",
        "amazon.nova-premier-v1:0:mm",
        "cohere.embed-english-v3:0:512",
        "global.anthropic.claude-opus-4-6-v1",
        f"us-gov.{HAIKU}",
        "us.foo",
        "zai.glm-4.6",
        f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}",
        f"arn:aws-cn:bedrock:cn-north-1::foundation-model/{HAIKU}",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.{HAIKU}",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/abc123def456",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:provisioned-model/abcdefabcdef",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/amazon.titan-text-lite-v1:0:4k/abc123",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model-deployment/abcdefabcdef",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:imported-model/abcdefabcdef",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:prompt/PROMPT1234:1",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:default-prompt-router/anthropic.claude:1",
        f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:endpoint/my-endpoint",
    ],
)
def test_every_form_bedrock_accepts_is_well_formed(identifier: str) -> None:
    parsed = parse_model_id(identifier)
    assert parsed.problem is None
    assert parsed.is_valid
    assert parsed.kind != "invalid"


@pytest.mark.parametrize(
    ("identifier", "problem"),
    [
        ("", "it is empty"),
        (f"{HAIKU[:-2]}:banana", "the version after ':' must be digits, not 'banana'"),
        (f"{HAIKU}\n", "it contains '\\n' at position 38; model IDs have no whitespace"),
        (f" {HAIKU}", "it contains ' ' at position 0"),
        (f"{HAIKU[:10]}\x00{HAIKU[10:]}", "it contains '\\x00' at position 10"),
        (f"{HAIKU}" + "x" * 300_000, "it is 300,038 characters long; Bedrock accepts at most 2048"),
        (f"{HAIKU}xyz", "the version after ':' must be digits, not '0xyz'"),
        (f"{HAIKU}:banana", "'banana' is not a context-window suffix"),
        (f"{HAIKU}:200k:1", "it has more ':' fields than version and context suffix"),
        ("anthropic.claude-sonnet-4-6:200k", "the version after ':' must be digits, not '200k'"),
        ("claude", "it does not have the form provider.model[:version]"),
        ("Anthropic.Claude-3-haiku", "a model ID is lower-case letters, digits and '-'"),
        ("anthropic.claude_3", "it contains '_' at position 16"),
        (f"arn:aws:bedrock:us-east-1:{ACCOUNT}:foundation-model/{HAIKU}", "has no account ID"),
        (f"arn:aws:bedrock:::foundation-model/{HAIKU}", "region must be 1 to 20"),
        (f"arn:aws:bedrock:us-east-1::inference-profile/us.{HAIKU}", "account must be 12 digits"),
        (f"arn:aws:bedrock:us-east-1::foundation-model/us.{HAIKU}", "drop the prefix"),
        (f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU[:-2]}:x", "in the ARN's model ID"),
        (f"arn:aws:bedrock:us-east-1:{ACCOUNT}:agent/ABCDEFGHIJ", "unknown Bedrock resource"),
        (f"arn:aws:iam::{ACCOUNT}:role/x", "it is not a Bedrock ARN"),
        (f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:model/x", "must name an endpoint"),
        (f"arn:aws:bedrock:us-east-1:{ACCOUNT}:custom-model/x", "is not a custom model"),
    ],
)
def test_anything_else_is_invalid_and_says_why(identifier: str, problem: str) -> None:
    parsed = parse_model_id(identifier)
    assert parsed.kind == "invalid"
    assert not parsed.is_valid
    assert parsed.problem is not None
    assert problem in parsed.problem


def test_the_length_limit_is_the_one_botocore_documents() -> None:
    longest = "a." + "b" * (MAX_MODEL_ID_LENGTH - 2)
    assert parse_model_id(longest).is_valid
    assert not parse_model_id(f"{longest}b").is_valid


def test_an_invalid_identifier_matches_no_model_but_keeps_what_its_arn_says() -> None:
    typo = f"{HAIKU}\n"
    assert base_model_id(typo) == typo
    assert parse_model_id(typo).provider is None
    arn = parse_model_id(f"arn:aws:bedrock:us-east-1:{ACCOUNT}:foundation-model/{HAIKU}")
    assert (arn.is_arn, arn.region, arn.account_id, arn.partition) == (
        True,
        "us-east-1",
        ACCOUNT,
        "aws",
    )
    assert arn.base_model_id == arn.raw


def test_a_trailing_newline_is_not_trimmed_into_a_valid_id() -> None:
    assert parse_model_id(f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}\n").kind == (
        "invalid"
    )


def test_only_a_digit_version_is_cut_from_the_versioned_base() -> None:
    assert unversioned_model_id(f"{HAIKU}:200k") == "anthropic.claude-3-haiku-20240307-v1"
    assert unversioned_model_id(f"{HAIKU[:-2]}:banana") == f"{HAIKU[:-2]}:banana"
    assert unversioned_model_id(f"{HAIKU}\n") == f"{HAIKU}\n"
    too_long = HAIKU + "0" * MAX_MODEL_ID_LENGTH
    assert unversioned_model_id(too_long) == too_long
