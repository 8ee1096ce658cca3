"""The access policy: an ordered, non-empty choice of direct, regional and global access."""

from __future__ import annotations

import pytest

from langchain_bedrock_enhanced.access.policy import (
    access_methods_from_env,
    describe_access_methods,
    parse_access_methods,
    resolve_access_methods,
)
from langchain_bedrock_enhanced.errors import ConfigurationError, ParameterValidationError
from langchain_bedrock_enhanced.model_ids import ACCESS_METHODS_ENV, DEFAULT_ORDER, AccessMethod

D, R, G = AccessMethod.DIRECT, AccessMethod.REGIONAL_CRIS, AccessMethod.GLOBAL_CRIS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (("direct", "regional"), (D, R)),
        (["regional", "direct"], (R, D)),
        (("global",), (G,)),
        ("direct,regional", (D, R)),
        (" Regional , DIRECT ", (R, D)),
        ((AccessMethod.REGIONAL_CRIS, AccessMethod.GLOBAL_CRIS), (R, G)),
        (AccessMethod.DIRECT, (D,)),
        (["regional_cris", "direct"], (R, D)),
    ],
    ids=[
        "names",
        "names reordered",
        "one name",
        "comma-separated",
        "any case and spacing",
        "members",
        "one member",
        "enum values",
    ],
)
def test_a_policy_is_written_in_names_members_or_one_string(
    value: object, expected: tuple[AccessMethod, ...]
) -> None:
    assert parse_access_methods(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ((), "it is empty"),
        ("", "it is empty"),
        (["direct", "direct"], "'direct' is listed twice"),
        (["regional", "regional_cris"], "'regional' is listed twice"),
        (["direct", "globl"], "'globl' is not an access method"),
        (["application_profile"], "always sent as given"),
        ([AccessMethod.APPLICATION_PROFILE], "always sent as given"),
        ("direct,,regional", "'' is not an access method"),
        (42, "not 42"),
        ([None], "None is not an access method"),
    ],
)
def test_anything_else_is_a_parameter_validation_error_that_says_why(
    value: object, problem: str
) -> None:
    with pytest.raises(ParameterValidationError) as info:
        parse_access_methods(value)  # type: ignore[arg-type]
    assert problem in info.value.message
    assert info.value.problems[0][0] == "access_methods"
    assert "access_methods=('direct', 'regional')" in info.value.message
    assert isinstance(info.value, (ConfigurationError, ValueError))


def test_the_environment_variable_sets_the_default() -> None:
    environ = {ACCESS_METHODS_ENV: "direct,regional"}
    assert ACCESS_METHODS_ENV == "BEDROCK_ACCESS_METHODS"
    assert access_methods_from_env(environ) == (D, R)
    assert resolve_access_methods(environ=environ) == (D, R)


def test_an_explicit_policy_wins_over_the_environment_even_a_bad_one() -> None:
    environ = {ACCESS_METHODS_ENV: "nowhere"}
    assert resolve_access_methods(("regional",), environ=environ) == (R,)


@pytest.mark.parametrize("environ", [{}, {ACCESS_METHODS_ENV: ""}, {ACCESS_METHODS_ENV: "  "}])
def test_without_a_policy_anywhere_the_default_order_applies(environ: dict[str, str]) -> None:
    assert access_methods_from_env(environ) is None
    assert resolve_access_methods(environ=environ) == DEFAULT_ORDER == (D, R, G)


@pytest.mark.parametrize("raw", ["direct,everywhere", "direct,direct", ","])
def test_a_bad_environment_value_is_a_configuration_error_naming_the_variable(raw: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        access_methods_from_env({ACCESS_METHODS_ENV: raw})
    assert not isinstance(info.value, ParameterValidationError)
    assert f"BEDROCK_ACCESS_METHODS={raw!r}" in info.value.message


def test_the_os_environment_is_read_when_no_mapping_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(ACCESS_METHODS_ENV, "regional")
    assert resolve_access_methods() == (R,)
    monkeypatch.delenv(ACCESS_METHODS_ENV)
    assert resolve_access_methods() == DEFAULT_ORDER


def test_a_policy_is_described_as_the_caller_writes_it() -> None:
    assert describe_access_methods((R, G)) == "('regional', 'global')"
