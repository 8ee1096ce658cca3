"""Identifier resolution invariants, over generated identifiers."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from langchain_bedrock_enhanced import UnsupportedModelError, get_all_supported_model_ids
from langchain_bedrock_enhanced.model_ids import (
    GEO_PREFIXES,
    MAX_MODEL_ID_LENGTH,
    parse_model_id,
    unversioned_model_id,
)
from langchain_bedrock_enhanced.models import (
    get_client_class_for_model,
    get_parameter_class_for_model,
)

SUPPORTED = get_all_supported_model_ids()

supported_ids = st.sampled_from(SUPPORTED)
prefixes = st.sampled_from(sorted(GEO_PREFIXES))
regions = st.from_regex(r"[a-z]{2}(-gov)?-[a-z]{4,9}-[1-9]", fullmatch=True)
accounts = st.from_regex(r"[0-9]{12}", fullmatch=True)
partitions = st.sampled_from(["aws", "aws-us-gov", "aws-cn"])
suffixes = st.from_regex(r"[0-9]{1,3}k", fullmatch=True)
# Base IDs of arbitrary (mostly unknown) models: provider.name[-vN[:M]]
segment = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)
names = st.from_regex(r"[a-z][a-z0-9-]{0,30}[a-z0-9]", fullmatch=True)
versions = st.one_of(st.just(""), st.from_regex(r"-v[0-9]:[0-9]", fullmatch=True))
arbitrary_ids = st.builds(lambda p, n, v: f"{p}.{n}{v}", segment, names, versions).filter(
    lambda mid: mid.split(".", 1)[0] not in GEO_PREFIXES
)


@st.composite
def spellings(draw: st.DrawFn, base: str) -> str:
    """Any spelling Bedrock accepts for `base` (except application profiles)."""
    form = draw(st.sampled_from(["bare", "suffix", "profile", "fm_arn", "profile_arn"]))
    if form == "bare":
        return base
    if form == "suffix" and ":" in base:
        return f"{base}:{draw(suffixes)}"
    if form == "profile":
        return f"{draw(prefixes)}.{base}"
    partition, region = draw(partitions), draw(regions)
    if form == "fm_arn":
        return f"arn:{partition}:bedrock:{region}::foundation-model/{base}"
    return (
        f"arn:{partition}:bedrock:{region}:{draw(accounts)}:inference-profile/"
        f"{draw(prefixes)}.{base}"
    )


@given(data=st.data(), base=arbitrary_ids)
def test_every_spelling_of_any_model_parses_back_to_its_base(
    data: st.DataObject, base: str
) -> None:
    identifier = data.draw(spellings(base))
    assert parse_model_id(identifier).base_model_id == base


@given(data=st.data(), base=arbitrary_ids)
def test_parsing_the_base_again_changes_nothing(data: st.DataObject, base: str) -> None:
    resolved = parse_model_id(data.draw(spellings(base))).base_model_id
    assert resolved is not None
    assert parse_model_id(resolved).base_model_id == resolved


@given(data=st.data(), base=supported_ids)
def test_every_spelling_of_a_supported_model_finds_the_same_family(
    data: st.DataObject, base: str
) -> None:
    identifier = data.draw(spellings(base))
    assert get_client_class_for_model(identifier) is get_client_class_for_model(base)
    assert get_parameter_class_for_model(identifier) is get_parameter_class_for_model(base)
    assert base in get_parameter_class_for_model(identifier).MODELS


@given(base=supported_ids, minor=st.integers(min_value=1, max_value=9))
def test_a_new_minor_version_falls_back_to_the_versioned_base(base: str, minor: int) -> None:
    stem = unversioned_model_id(base)
    assert get_parameter_class_for_model(f"{stem}:{minor}") is get_parameter_class_for_model(base)


@given(identifier=st.text(max_size=80))
def test_parsing_never_raises(identifier: str) -> None:
    parse_model_id(identifier)


# The grammar: every spelling above is well formed; damage to one never is ------

# Characters no model ID holds: whitespace, controls, and printable strays.
strays = st.one_of(
    st.sampled_from([" ", "\n", "\t", "\r", "\x00", "\x7f", "\u00a0", "\u2028"]),
    st.sampled_from(list("!\"#$%&'()*+,;<=>?@[\\]^`{|}~_é")),
)
junk_versions = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)


@st.composite
def malformed(draw: st.DrawFn, base: str) -> str:
    """A spelling of `base` with one thing Bedrock rejects."""
    identifier = draw(spellings(base))
    damage = draw(st.sampled_from(["stray", "version", "length"]))
    if damage == "stray":
        position = draw(st.integers(0, len(identifier)))
        return identifier[:position] + draw(strays) + identifier[position:]
    if damage == "version":
        return f"{unversioned_model_id(base)}:{draw(junk_versions)}"
    return identifier + "0" * (MAX_MODEL_ID_LENGTH + 1 - len(identifier))


@given(data=st.data(), base=arbitrary_ids)
def test_every_spelling_of_any_model_is_well_formed(data: st.DataObject, base: str) -> None:
    assert parse_model_id(data.draw(spellings(base))).problem is None


@given(data=st.data(), base=arbitrary_ids)
def test_a_damaged_spelling_is_invalid_and_names_no_model(data: st.DataObject, base: str) -> None:
    identifier = data.draw(malformed(base))
    parsed = parse_model_id(identifier)
    assert parsed.kind == "invalid"
    assert parsed.problem
    assert parsed.base_model_id == identifier
    assert parsed.provider is None


@given(data=st.data(), base=supported_ids)
def test_a_damaged_spelling_of_a_supported_model_is_unsupported_with_suggestions(
    data: st.DataObject, base: str
) -> None:
    identifier = data.draw(malformed(base))
    with pytest.raises(UnsupportedModelError) as info:
        get_client_class_for_model(identifier)
    assert info.value.suggestions
    assert set(info.value.suggestions) <= set(SUPPORTED)
    assert "is not a valid Bedrock model identifier" in info.value.message


# Each example builds a model (boto3 clients, no I/O); a few dozen suffice.
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), base=supported_ids)
def test_a_family_constructor_rejects_a_damaged_spelling_of_its_own_model(
    data: st.DataObject, base: str
) -> None:
    family = get_client_class_for_model(base)
    identifier = data.draw(malformed(base))
    with pytest.raises(UnsupportedModelError):
        family(model=identifier, region_name="us-east-1")


def test_every_supported_model_id_is_well_formed() -> None:
    assert [model_id for model_id in SUPPORTED if not parse_model_id(model_id).is_valid] == []


@given(identifier=st.text(min_size=MAX_MODEL_ID_LENGTH - 2, max_size=MAX_MODEL_ID_LENGTH + 40))
def test_parsing_long_text_never_raises(identifier: str) -> None:
    parse_model_id(identifier)
