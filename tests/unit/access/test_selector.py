"""AccessMethodSelector: learned > catalog > default order, within the access policy."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from langchain_bedrock_enhanced.access import (
    AccessMethod,
    AccessMethodSelector,
    AccessMethodTracker,
    ProfileCatalog,
    ProfileRequirementError,
)
from langchain_bedrock_enhanced.catalog.model_catalog import ModelCatalog
from langchain_bedrock_enhanced.errors import ParameterValidationError

D, R, G, A = (
    AccessMethod.DIRECT,
    AccessMethod.REGIONAL_CRIS,
    AccessMethod.GLOBAL_CRIS,
    AccessMethod.APPLICATION_PROFILE,
)
SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"
NOVA = "amazon.nova-pro-v1:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
APP_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456"


class FakeCatalog:
    def __init__(self, facts: Mapping[tuple[str, str], tuple[bool | None, dict[str, str]]]) -> None:
        self.facts = facts
        self.questions = 0

    def supports_on_demand(self, model_id: str, region: str) -> bool | None:
        self.questions += 1
        return self.facts.get((model_id, region), (None, {}))[0]

    def profiles_for(self, model_id: str, region: str) -> dict[str, str]:
        return dict(self.facts.get((model_id, region), (None, {}))[1])


def profiles(model: str, *prefixes: str) -> dict[str, str]:
    return {prefix: f"{prefix}.{model}" for prefix in prefixes}


@pytest.fixture
def tracker() -> AccessMethodTracker:
    return AccessMethodTracker(ttl=timedelta(hours=1))


def methods(candidates: list[tuple[str, AccessMethod]]) -> list[AccessMethod]:
    return [method for _, method in candidates]


# Without a catalog -----------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "expected"),
    [
        ("eu-west-1", [(NOVA, D), (f"eu.{NOVA}", R), (f"global.{NOVA}", G)]),
        ("us-west-2", [(NOVA, D), (f"us.{NOVA}", R), (f"global.{NOVA}", G)]),
        (
            "ap-northeast-1",
            [(NOVA, D), (f"jp.{NOVA}", R), (f"apac.{NOVA}", R), (f"global.{NOVA}", G)],
        ),
        (
            "ap-southeast-2",
            [(NOVA, D), (f"au.{NOVA}", R), (f"apac.{NOVA}", R), (f"global.{NOVA}", G)],
        ),
        ("us-gov-west-1", [(NOVA, D), (f"us-gov.{NOVA}", R)]),
        ("ca-central-1", [(NOVA, D), (f"global.{NOVA}", G)]),
    ],
)
def test_without_a_catalog_the_default_order_is_guessed_from_the_region(
    tracker: AccessMethodTracker, region: str, expected: list[tuple[str, AccessMethod]]
) -> None:
    selector = AccessMethodSelector(tracker)
    assert selector.candidates(NOVA, region) == expected
    assert selector.select_access_method(NOVA, region) == expected[0]


def test_a_learned_requirement_skips_direct(tracker: AccessMethodTracker) -> None:
    tracker.record_profile_requirement(NOVA, "eu-west-1")
    selector = AccessMethodSelector(tracker)
    assert selector.select_access_method(NOVA, "eu-west-1") == (f"eu.{NOVA}", R)
    assert D not in methods(selector.get_fallback_access_methods(NOVA, "eu-west-1", []))


def test_a_learned_profile_goes_first_even_against_the_default_order(
    tracker: AccessMethodTracker,
) -> None:
    tracker.record_profile_requirement(NOVA, "eu-west-1")
    tracker.record_success(NOVA, "eu-west-1", G, f"global.{NOVA}")
    selector = AccessMethodSelector(tracker)
    assert selector.candidates(NOVA, "eu-west-1") == [(f"global.{NOVA}", G), (f"eu.{NOVA}", R)]


def test_learning_is_per_region(tracker: AccessMethodTracker) -> None:
    tracker.record_profile_requirement(NOVA, "eu-west-1")
    assert AccessMethodSelector(tracker).select_access_method(NOVA, "us-east-1") == (NOVA, D)


def test_expired_learning_no_longer_counts() -> None:
    now = [datetime(2026, 1, 1, tzinfo=timezone.utc)]
    tracker = AccessMethodTracker(ttl=timedelta(hours=1), clock=lambda: now[0])
    tracker.record_profile_requirement(NOVA, "eu-west-1")
    assert AccessMethodSelector(tracker).select_access_method(NOVA, "eu-west-1") == (
        f"eu.{NOVA}",
        R,
    )
    now[0] += timedelta(hours=2)
    assert AccessMethodSelector(tracker).select_access_method(NOVA, "eu-west-1") == (NOVA, D)


# With a catalog --------------------------------------------------------------


def test_a_profile_only_model_goes_straight_to_its_regional_profile(
    tracker: AccessMethodTracker,
) -> None:
    catalog = FakeCatalog({(SONNET, "eu-west-1"): (False, profiles(SONNET, "eu", "global"))})
    selector = AccessMethodSelector(tracker, catalog)
    assert selector.select_access_method(SONNET, "eu-west-1") == (f"eu.{SONNET}", R)
    assert selector.candidates(SONNET, "eu-west-1") == [
        (f"eu.{SONNET}", R),
        (f"global.{SONNET}", G),
    ]


def test_a_prefix_the_catalog_lacks_is_never_guessed(tracker: AccessMethodTracker) -> None:
    # Sonnet 4 in Tokyo: an apac profile, no jp one.
    catalog = FakeCatalog(
        {(SONNET_4, "ap-northeast-1"): (False, profiles(SONNET_4, "apac", "global"))}
    )
    candidates = AccessMethodSelector(tracker, catalog).candidates(SONNET_4, "ap-northeast-1")
    assert candidates == [(f"apac.{SONNET_4}", R), (f"global.{SONNET_4}", G)]


def test_only_a_global_profile_means_no_regional_guess(tracker: AccessMethodTracker) -> None:
    catalog = FakeCatalog({(SONNET, "ca-central-1"): (False, profiles(SONNET, "global"))})
    selector = AccessMethodSelector(tracker, catalog)
    assert selector.candidates(SONNET, "ca-central-1") == [(f"global.{SONNET}", G)]


def test_the_narrower_geography_wins_when_the_catalog_lists_both(
    tracker: AccessMethodTracker,
) -> None:
    catalog = FakeCatalog(
        {(SONNET, "ap-northeast-1"): (False, profiles(SONNET, "global", "apac", "jp"))}
    )
    assert methods(AccessMethodSelector(tracker, catalog).candidates(SONNET, "ap-northeast-1")) == [
        R,
        R,
        G,
    ]
    assert AccessMethodSelector(tracker, catalog).select_access_method(
        SONNET, "ap-northeast-1"
    ) == (f"jp.{SONNET}", R)


def test_an_on_demand_model_is_called_directly_with_listed_profiles_as_fallbacks(
    tracker: AccessMethodTracker,
) -> None:
    catalog = FakeCatalog({(NOVA, "us-east-1"): (True, profiles(NOVA, "us"))})
    selector = AccessMethodSelector(tracker, catalog)
    assert selector.candidates(NOVA, "us-east-1") == [(NOVA, D), (f"us.{NOVA}", R)]


def test_a_model_the_catalog_does_not_know_falls_back_to_the_default_guess(
    tracker: AccessMethodTracker,
) -> None:
    catalog = FakeCatalog({})
    assert AccessMethodSelector(tracker, catalog).candidates(NOVA, "eu-west-1") == [
        (NOVA, D),
        (f"eu.{NOVA}", R),
        (f"global.{NOVA}", G),
    ]


def test_learning_outranks_the_catalog(tracker: AccessMethodTracker) -> None:
    catalog = FakeCatalog({(NOVA, "us-east-1"): (True, profiles(NOVA, "us"))})
    tracker.record_profile_requirement(NOVA, "us-east-1")
    selector = AccessMethodSelector(tracker, catalog)
    assert selector.select_access_method(NOVA, "us-east-1") == (f"us.{NOVA}", R)


def test_a_learned_direct_success_outranks_a_catalog_that_says_profile_only(
    tracker: AccessMethodTracker,
) -> None:
    catalog = FakeCatalog({(NOVA, "eu-west-1"): (False, profiles(NOVA, "eu"))})
    tracker.record_success(NOVA, "eu-west-1", D)
    assert AccessMethodSelector(tracker, catalog).select_access_method(NOVA, "eu-west-1") == (
        NOVA,
        D,
    )


def test_a_learned_profile_the_catalog_does_not_list_is_still_tried_first(
    tracker: AccessMethodTracker,
) -> None:
    catalog = FakeCatalog({(SONNET, "eu-west-1"): (False, profiles(SONNET, "eu"))})
    tracker.record_success(SONNET, "eu-west-1", G, f"global.{SONNET}")
    assert AccessMethodSelector(tracker, catalog).candidates(SONNET, "eu-west-1") == [
        (f"global.{SONNET}", G),
        (f"eu.{SONNET}", R),
    ]


def test_a_profile_only_model_without_any_profile_raises_before_any_call(
    tracker: AccessMethodTracker,
) -> None:
    catalog = FakeCatalog({(SONNET, "sa-east-1"): (False, {})})
    selector = AccessMethodSelector(tracker, catalog)
    with pytest.raises(ProfileRequirementError, match="refresh the model catalog") as info:
        selector.select_access_method(SONNET, "sa-east-1")
    assert (info.value.model_id, info.value.region) == (SONNET, "sa-east-1")
    assert selector.get_fallback_access_methods(SONNET, "sa-east-1") == []


def test_the_bundled_snapshot_catalog_drives_selection(tracker: AccessMethodTracker) -> None:
    catalog = ModelCatalog(discover=False, disk_cache=False)
    assert isinstance(catalog, ProfileCatalog)
    selector = AccessMethodSelector(tracker, catalog)
    assert selector.select_access_method(SONNET, "eu-west-1") == (f"eu.{SONNET}", R)
    assert selector.select_access_method(HAIKU, "us-east-1") == (HAIKU, D)
    assert selector.select_access_method(NOVA, "ap-northeast-1") == (f"apac.{NOVA}", R)


# Identifiers used as given ---------------------------------------------------


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [
        (f"us.{SONNET}", R),
        (f"global.{SONNET}", G),
        (f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.{SONNET}", R),
        (APP_ARN, A),
        ("arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc123", D),
    ],
    ids=["profile id", "global profile id", "profile arn", "application profile", "provisioned"],
)
def test_identifiers_that_name_their_way_in_are_used_as_given(
    tracker: AccessMethodTracker, identifier: str, expected: AccessMethod
) -> None:
    tracker.record_profile_requirement(SONNET, "us-east-1")
    tracker.record_success(SONNET, "us-east-1", G, f"global.{SONNET}")
    catalog = FakeCatalog({(SONNET, "us-east-1"): (False, profiles(SONNET, "us"))})
    selector = AccessMethodSelector(tracker, catalog)
    assert selector.select_access_method(identifier, "us-east-1") == (identifier, expected)
    assert selector.get_fallback_access_methods(identifier, "us-east-1", [expected]) == []


def test_a_foundation_model_arn_is_sent_as_given_but_can_fall_back_to_profiles(
    tracker: AccessMethodTracker,
) -> None:
    arn = f"arn:aws:bedrock:eu-west-1::foundation-model/{NOVA}"
    selector = AccessMethodSelector(tracker)
    assert selector.candidates(arn, "eu-west-1") == [
        (arn, D),
        (f"eu.{NOVA}", R),
        (f"global.{NOVA}", G),
    ]


# Fallbacks -------------------------------------------------------------------


def test_fallbacks_exclude_failed_methods_and_keep_the_order(tracker: AccessMethodTracker) -> None:
    selector = AccessMethodSelector(tracker)
    assert selector.get_fallback_access_methods(NOVA, "ap-northeast-1", [D]) == [
        (f"jp.{NOVA}", R),
        (f"apac.{NOVA}", R),
        (f"global.{NOVA}", G),
    ]
    assert selector.get_fallback_access_methods(NOVA, "ap-northeast-1", [D, R]) == [
        (f"global.{NOVA}", G)
    ]
    assert selector.get_fallback_access_methods(NOVA, "ap-northeast-1", [D, R, G]) == []


def test_a_failed_model_id_excludes_only_that_candidate(tracker: AccessMethodTracker) -> None:
    selector = AccessMethodSelector(tracker)
    assert selector.get_fallback_access_methods(NOVA, "ap-northeast-1", [D, f"jp.{NOVA}"]) == [
        (f"apac.{NOVA}", R),
        (f"global.{NOVA}", G),
    ]


def test_plain_strings_name_methods_too(tracker: AccessMethodTracker) -> None:
    selector = AccessMethodSelector(tracker)
    assert selector.get_fallback_access_methods(NOVA, "eu-west-1", ["direct", "regional_cris"]) == [
        (f"global.{NOVA}", G)
    ]


# Logging and defaults --------------------------------------------------------


def test_the_chosen_method_is_logged_at_info(
    tracker: AccessMethodTracker, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="langchain_bedrock_enhanced.access.selector"):
        AccessMethodSelector(tracker).select_access_method(NOVA, "eu-west-1")
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert "direct" in record.getMessage()


def test_candidates_and_fallbacks_do_not_log(
    tracker: AccessMethodTracker, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="langchain_bedrock_enhanced.access.selector"):
        AccessMethodSelector(tracker).get_fallback_access_methods(NOVA, "eu-west-1", [D])
    assert caplog.records == []


def test_the_process_default_tracker_is_used_when_none_is_given() -> None:
    AccessMethodTracker.reset_instance()
    try:
        assert AccessMethodSelector().tracker is AccessMethodTracker.get_instance()
    finally:
        AccessMethodTracker.reset_instance()


# The access policy -------------------------------------------------------------

RESIDENT = ("direct", "regional")
"""A data-residency policy: no `global.` profile."""


def test_a_policy_without_global_never_offers_a_global_profile(
    tracker: AccessMethodTracker,
) -> None:
    selector = AccessMethodSelector(tracker, access_methods=RESIDENT)
    assert selector.candidates(NOVA, "eu-west-1") == [(NOVA, D), (f"eu.{NOVA}", R)]
    assert selector.get_fallback_access_methods(NOVA, "eu-west-1", [D]) == [(f"eu.{NOVA}", R)]
    assert selector.get_fallback_access_methods(NOVA, "eu-west-1", [D, R]) == []


def test_the_policy_sets_the_order_regional_profiles_keeping_the_narrowest_first(
    tracker: AccessMethodTracker,
) -> None:
    selector = AccessMethodSelector(tracker, access_methods=("regional", "direct"))
    assert selector.select_access_method(NOVA, "ap-northeast-1") == (f"jp.{NOVA}", R)
    assert selector.candidates(NOVA, "ap-northeast-1") == [
        (f"jp.{NOVA}", R),
        (f"apac.{NOVA}", R),
        (NOVA, D),
    ]


def test_access_method_members_and_their_values_name_a_policy_too(
    tracker: AccessMethodTracker,
) -> None:
    by_member = AccessMethodSelector(tracker, access_methods=(G, D))
    by_value = AccessMethodSelector(tracker, access_methods=("global_cris", "direct"))
    assert by_member.access_methods == by_value.access_methods == (G, D)
    assert by_member.candidates(NOVA, "eu-west-1") == [(f"global.{NOVA}", G), (NOVA, D)]


def test_a_learned_global_profile_cannot_push_a_call_outside_the_policy(
    tracker: AccessMethodTracker,
) -> None:
    tracker.record_profile_requirement(NOVA, "eu-west-1")
    tracker.record_success(NOVA, "eu-west-1", G, f"global.{NOVA}")
    selector = AccessMethodSelector(tracker, access_methods=RESIDENT)
    assert selector.candidates(NOVA, "eu-west-1") == [(f"eu.{NOVA}", R)]
    # Under the default policy the same learning still puts the global profile first.
    assert AccessMethodSelector(tracker).select_access_method(NOVA, "eu-west-1") == (
        f"global.{NOVA}",
        G,
    )


def test_a_learned_global_profile_the_catalog_does_not_list_stays_out_too(
    tracker: AccessMethodTracker,
) -> None:
    catalog = FakeCatalog({(SONNET, "eu-west-1"): (False, profiles(SONNET, "eu"))})
    tracker.record_success(SONNET, "eu-west-1", G, f"global.{SONNET}")
    selector = AccessMethodSelector(tracker, catalog, access_methods=RESIDENT)
    assert selector.candidates(SONNET, "eu-west-1") == [(f"eu.{SONNET}", R)]


def test_learning_reorders_only_within_the_policy(tracker: AccessMethodTracker) -> None:
    tracker.record_success(NOVA, "eu-west-1", D)
    selector = AccessMethodSelector(tracker, access_methods=("regional", "direct"))
    assert selector.candidates(NOVA, "eu-west-1") == [(NOVA, D), (f"eu.{NOVA}", R)]
    regional_only = AccessMethodSelector(tracker, access_methods=("regional",))
    assert regional_only.candidates(NOVA, "eu-west-1") == [(f"eu.{NOVA}", R)]


def test_a_learned_requirement_under_a_direct_only_policy_raises_before_any_call(
    tracker: AccessMethodTracker,
) -> None:
    tracker.record_profile_requirement(NOVA, "eu-west-1")
    selector = AccessMethodSelector(tracker, access_methods=("direct",))
    with pytest.raises(ProfileRequirementError) as info:
        selector.select_access_method(NOVA, "eu-west-1")
    assert info.value.excluded_by_policy == ((f"eu.{NOVA}", R), (f"global.{NOVA}", G))
    assert info.value.access_methods == (D,)
    assert "access_methods=('direct', 'regional', 'global')" in info.value.message


def test_a_model_the_catalog_serves_only_through_global_raises_before_any_call(
    tracker: AccessMethodTracker,
) -> None:
    catalog = FakeCatalog({(SONNET, "ca-central-1"): (False, profiles(SONNET, "global"))})
    selector = AccessMethodSelector(tracker, catalog, access_methods=RESIDENT)
    with pytest.raises(ProfileRequirementError) as info:
        selector.select_access_method(SONNET, "ca-central-1")
    error = info.value
    assert (error.model_id, error.region, error.tried) == (SONNET, "ca-central-1", ())
    assert error.excluded_by_policy == ((f"global.{SONNET}", G),)
    assert f"the global profile 'global.{SONNET}', which the access policy forbids" in (
        error.message
    )
    assert "access_methods=('direct', 'regional', 'global')" in error.message
    assert "BEDROCK_ACCESS_METHODS=direct,regional,global" in error.message
    assert selector.get_fallback_access_methods(SONNET, "ca-central-1") == []


def test_the_catalog_still_filters_inside_the_policy(tracker: AccessMethodTracker) -> None:
    catalog = FakeCatalog({(SONNET, "eu-west-1"): (False, profiles(SONNET, "eu", "global"))})
    global_first = AccessMethodSelector(tracker, catalog, access_methods=("global", "regional"))
    assert global_first.candidates(SONNET, "eu-west-1") == [
        (f"global.{SONNET}", G),
        (f"eu.{SONNET}", R),
    ]
    # The catalog says no on-demand: a direct-first policy skips to what is listed.
    direct_first = AccessMethodSelector(tracker, catalog, access_methods=RESIDENT)
    assert direct_first.select_access_method(SONNET, "eu-west-1") == (f"eu.{SONNET}", R)


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [(f"global.{SONNET}", G), (f"us.{SONNET}", R), (APP_ARN, A)],
    ids=["global profile id", "regional profile id", "application profile"],
)
def test_identifiers_that_name_their_way_in_are_sent_as_given_whatever_the_policy(
    tracker: AccessMethodTracker, identifier: str, expected: AccessMethod
) -> None:
    selector = AccessMethodSelector(tracker, access_methods=("direct",))
    assert selector.select_access_method(identifier, "us-east-1") == (identifier, expected)
    assert selector.excluded_by_policy(identifier, "us-east-1") == []


def test_with_access_methods_shares_learning_and_returns_itself_for_the_same_policy(
    tracker: AccessMethodTracker,
) -> None:
    catalog = FakeCatalog({})
    selector = AccessMethodSelector(tracker, catalog)
    resident = selector.with_access_methods(RESIDENT)
    assert (resident.tracker, resident.catalog) == (tracker, catalog)
    assert resident.access_methods == (D, R)
    assert selector.access_methods == (D, R, G)
    assert selector.with_access_methods(["direct", "regional", "global"]) is selector
    assert resident.with_access_methods(RESIDENT) is resident


def test_the_excluded_candidates_leave_out_what_already_failed(
    tracker: AccessMethodTracker,
) -> None:
    selector = AccessMethodSelector(tracker, access_methods=("direct",))
    assert selector.excluded_by_policy(NOVA, "ap-northeast-1", [f"jp.{NOVA}"]) == [
        (f"apac.{NOVA}", R),
        (f"global.{NOVA}", G),
    ]
    assert AccessMethodSelector(tracker).excluded_by_policy(NOVA, "eu-west-1") == []


@pytest.mark.parametrize("policy", [(), ["direct", "direct"], ["direct", "everywhere"], [A], "", 3])
def test_a_selector_refuses_what_is_not_a_policy(
    tracker: AccessMethodTracker, policy: object
) -> None:
    with pytest.raises(ParameterValidationError):
        AccessMethodSelector(tracker, access_methods=policy)  # type: ignore[arg-type]


_POLICIES = st.lists(st.sampled_from([D, R, G]), min_size=1, max_size=3, unique=True)
_REGIONS = st.sampled_from(["us-east-1", "eu-west-1", "ap-northeast-1", "ca-central-1"])
_LEARNED = st.one_of(
    st.none(),
    st.tuples(st.booleans(), st.sampled_from([D, R, G]), st.sampled_from(["us", "eu", "global"])),
)
_CATALOG = st.one_of(
    st.none(),
    st.tuples(
        st.sampled_from([True, False, None]),
        st.lists(st.sampled_from(["us", "eu", "jp", "apac", "global"]), unique=True),
    ),
)


@settings(max_examples=200, deadline=None)
@given(policy=_POLICIES, region=_REGIONS, learned=_LEARNED, facts=_CATALOG)
def test_whatever_was_learned_or_listed_every_candidate_is_allowed_by_the_policy(
    policy: list[AccessMethod],
    region: str,
    learned: tuple[bool, AccessMethod, str] | None,
    facts: tuple[bool | None, list[str]] | None,
) -> None:
    tracker = AccessMethodTracker(ttl=timedelta(hours=1))
    if learned is not None:
        requirement, method, prefix = learned
        if requirement:
            tracker.record_profile_requirement(NOVA, region)
        tracker.record_success(NOVA, region, method, None if method is D else f"{prefix}.{NOVA}")
    catalog = None
    if facts is not None:
        catalog = FakeCatalog({(NOVA, region): (facts[0], profiles(NOVA, *facts[1]))})
    selector = AccessMethodSelector(tracker, catalog, access_methods=policy)
    unrestricted = AccessMethodSelector(tracker, catalog)
    candidates = selector.candidates(NOVA, region)
    assert set(methods(candidates)) <= set(policy)
    # The policy only removes: what it allows is what the default policy would offer.
    assert sorted(candidates) == sorted(
        c for c in unrestricted.candidates(NOVA, region) if c[1] in policy
    )
    # Apart from a learned method moved to the front, the policy's order holds.
    rest = methods(candidates[1:])
    assert rest == sorted(rest, key=policy.index)
    excluded = selector.excluded_by_policy(NOVA, region)
    assert sorted(candidates + excluded) == sorted(unrestricted.candidates(NOVA, region))
