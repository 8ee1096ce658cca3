"""Properties of the access engine's pure half (issue 4, section 11: properties 1-4 and 7).

1. Detection accuracy: every variant of the profile requirement is caught; other errors never.
2. Selection consistency: selection is deterministic, agrees with the fallbacks, and
   honours learned > catalog > default without guessing prefixes the catalog lacks.
3. Preference-learning persistence: what one tracker learned, a new tracker over the same
   store (in memory or a JSON file) knows, until the TTL.
4. Fallback ordering: fallbacks are the candidates, in order, minus what failed.
7. Tracker thread safety: a stateful model check, and real threads.
"""

from __future__ import annotations

import pickle
import re
import string
import tempfile
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EventStreamError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from langchain_bedrock_enhanced.access import (
    DEFAULT_ORDER,
    AccessMethod,
    AccessMethodSelector,
    AccessMethodTracker,
    InMemoryPreferenceStore,
    JsonFilePreferenceStore,
    PreferenceStore,
    ProfileRequirementDetector,
    ProfileRequirementError,
    regional_prefixes,
)
from langchain_bedrock_enhanced.errors import translate_bedrock_error
from langchain_bedrock_enhanced.model_ids import global_profile_allowed

DETECTOR = ProfileRequirementDetector()
D, R, G, A = (
    AccessMethod.DIRECT,
    AccessMethod.REGIONAL_CRIS,
    AccessMethod.GLOBAL_CRIS,
    AccessMethod.APPLICATION_PROFILE,
)
TTL = timedelta(hours=1)


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


# Strategies ------------------------------------------------------------------

KNOWN_MODELS = (
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-sonnet-4-6",
    "anthropic.claude-3-haiku-20240307-v1:0",
    "amazon.nova-pro-v1:0",
    "meta.llama3-2-90b-instruct-v1:0",
    "mistral.pixtral-large-2502-v1:0",
)
model_ids = st.one_of(
    st.sampled_from(KNOWN_MODELS),
    st.builds(
        "{}.{}-v{}:0".format,
        st.sampled_from(["anthropic", "amazon", "meta", "mistral", "cohere"]),
        st.text(string.ascii_lowercase + string.digits + "-", min_size=1, max_size=20).filter(
            lambda s: s[0].isalnum()
        ),
        st.integers(1, 3),
    ),
)
REGIONS = (
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-northeast-1",
    "ap-southeast-2",
    "ap-south-1",
    "ca-central-1",
    "sa-east-1",
    "us-gov-west-1",
    "cn-north-1",
)
regions = st.sampled_from(REGIONS)

APOSTROPHES = (
    "\u2019",
    "'",
    "\u00e2\u20ac\u2122",
    "\u00e2\x80\x99",
    "\u2018",
    "\u02bc",
    "`",
    "\\u2019",
    "&rsquo;",
    "&#39;",
    "&#x27;",
    "\ufffd",
    "",
)
CASINGS: tuple[Callable[[str], str], ...] = (
    str,
    str.lower,
    str.upper,
    str.title,
    str.swapcase,
)
separators = st.sampled_from([" ", "  ", "\n", "\t", " \n "])


def respace(text: str, seps: list[str]) -> str:
    words = text.split(" ")
    return "".join(
        w + (seps[i % len(seps)] if i < len(words) - 1 else "") for i, w in enumerate(words)
    )


ADVICE = "Retry your request with the ID or ARN of an inference profile that contains this model."


@st.composite
def requirement_messages(draw: st.DrawFn) -> tuple[str, str | None]:
    """A profile-requirement message and the model ID it names (None if it names none)."""
    model = draw(model_ids)
    apostrophe = draw(st.sampled_from(APOSTROPHES))
    negation = draw(st.sampled_from([f"isn{apostrophe}t", "is not"]))
    hyphen = draw(st.sampled_from(["-", "\u2011", "\u2010", " "]))
    wording = draw(st.sampled_from(["current", "current, advice dropped", "2024", "advice only"]))
    if wording.startswith("current"):
        text = (
            f"Invocation of model ID {model} with on{hyphen}demand throughput {negation} supported."
        )
        if wording == "current":
            text += f" {ADVICE}"
        named: str | None = model
    elif wording == "2024":
        text = f"The provided model doesn{apostrophe}t support on{hyphen}demand throughput."
        named = None
    else:
        text = ADVICE
        named = None
    casing = draw(st.sampled_from(CASINGS))
    text = respace(casing(text), draw(st.lists(separators, min_size=1, max_size=4)))
    if casing is not str:
        named = None  # the echoed ID changed case too; only detection is checked
    return text, named


def client_error(code: str, message: str, operation: str = "Converse") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def raised_from(error: BaseException, cause: BaseException) -> BaseException:
    """`error` as `raise error from cause` leaves it."""
    error.__cause__ = cause
    return error


WRAPPINGS: dict[str, Callable[[str, str], BaseException]] = {
    "client error": client_error,
    "stream error": lambda code, msg: EventStreamError(
        {"Error": {"Code": code[0].lower() + code[1:], "Message": msg}}, "ConverseStream"
    ),
    "our error with cause": lambda code, msg: raised_from(
        translate_bedrock_error(client_error(code, msg)), client_error(code, msg)
    ),
    "our error pickled": lambda code, msg: pickle.loads(  # noqa: S301 - our own bytes
        pickle.dumps(translate_bedrock_error(client_error(code, msg)))
    ),
    "foreign wrapper text": lambda code, msg: ValueError(
        f"Error raised by bedrock service: {client_error(code, msg, 'InvokeModel')}"
    ),
    "foreign wrapper cause": lambda code, msg: raised_from(
        RuntimeError("call failed"), client_error(code, msg)
    ),
}
wrappings = st.sampled_from(sorted(WRAPPINGS))

NEGATIVE_VALIDATION = (
    "The provided model identifier is invalid.",
    (
        "1 validation error detected: Value 'x' at 'modelId' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: (arn:aws(-[^:]+)?:bedrock:..."
    ),
    (
        "This model doesn't support system messages. Try again without a system message or use "
        "a model that supports system messages."
    ),
    "This model doesn't support tool use in streaming mode.",
    (
        "This model doesn't support the toolConfig.toolChoice.any field. Remove "
        "toolConfig.toolChoice.any and try again."
    ),
    "The toolConfig field must be defined when using toolUse and toolResult content blocks.",
    (
        "A conversation must start with a user message. Try again with a conversation that "
        "starts with a user message."
    ),
    (
        "The model returned the following errors: `temperature` and `top_p` cannot both be "
        "specified for this model. Please use only one."
    ),
    (
        "The maximum tokens you requested exceed the model limit of 4096. Try again with a "
        "maximum tokens value lower than 4096."
    ),
    "Malformed input request, please reformat your input and try again.",
    "The inference profile us.foo.bar-v1:0 was not found in this region.",
    "On-demand throughput is supported for this model.",
    (
        "Invocation of model ID arn:aws:bedrock:us-east-1:123456789012:custom-model/x with "
        "on-demand throughput isn't supported. Purchase Provisioned Throughput to use it."
    ),
)
OTHER_ERRORS = (
    ("AccessDeniedException", "You don't have access to the model with the specified model ID."),
    (
        "AccessDeniedException",
        (
            "User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: "
            "bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1:123456789012:"
            "inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0"
        ),
    ),
    (
        "ResourceNotFoundException",
        (
            "This model version has reached the end of its life. Please refer to the AWS "
            "documentation for more details."
        ),
    ),
    (
        "ResourceNotFoundException",
        (
            "Access denied. This Model is marked by provider as Legacy and you have not been "
            "actively using the model in the last 15 days. Please upgrade to an active model on "
            "Amazon Bedrock"
        ),
    ),
    ("ThrottlingException", "Too many requests, please wait before trying again."),
    ("ThrottlingException", "Too many tokens per day, please wait before trying again."),
    ("ServiceUnavailableException", "Bedrock is unable to process your request."),
    ("ModelErrorException", "The model returned an error."),
)
NON_VALIDATION_CODES = (
    "ThrottlingException",
    "AccessDeniedException",
    "ResourceNotFoundException",
    "ModelErrorException",
    "ModelStreamErrorException",
    "ServiceUnavailableException",
    "InternalServerException",
    "ModelTimeoutException",
    "400",
)


@st.composite
def negative_errors(draw: st.DrawFn) -> BaseException:
    kind = draw(st.sampled_from(["validation", "other", "requirement text, other code", "noise"]))
    if kind == "validation":
        code, message = "ValidationException", draw(st.sampled_from(NEGATIVE_VALIDATION))
    elif kind == "other":
        code, message = draw(st.sampled_from(OTHER_ERRORS))
    elif kind == "requirement text, other code":
        code = draw(st.sampled_from(NON_VALIDATION_CODES))
        message = draw(requirement_messages())[0]
    else:
        code = "ValidationException"
        message = draw(st.text(max_size=200))
        assume(not re.search(r"demand|inference|profile", message, re.IGNORECASE))
    apostrophe = draw(st.sampled_from(APOSTROPHES))
    message = draw(st.sampled_from(CASINGS))(message.replace("'", apostrophe))
    return WRAPPINGS[draw(wrappings)](code, message)


# Property 1: detection accuracy ---------------------------------------------


@given(
    requirement_messages(),
    wrappings,
    st.sampled_from(["ValidationException", "validationException"]),
)
def test_property_1_every_variant_of_the_requirement_is_detected(
    generated: tuple[str, str | None], wrapping: str, code: str
) -> None:
    message, named = generated
    error = WRAPPINGS[wrapping](code, message)
    assert DETECTOR.is_profile_requirement_error(error, log=False)
    assert not DETECTOR.is_invalid_model_identifier_error(error)
    if named is not None:
        assert DETECTOR.extract_model_id(error) == named


@given(model_ids, regions)
def test_property_1_our_own_profile_requirement_error_is_detected(model: str, region: str) -> None:
    error = ProfileRequirementError(model_id=model, region=region)
    assert DETECTOR.is_profile_requirement_error(error, log=False)
    assert DETECTOR.extract_model_id(error) == model


@given(negative_errors())
def test_property_1_no_other_error_is_ever_detected(error: BaseException) -> None:
    assert not DETECTOR.is_profile_requirement_error(error, log=False)
    assert DETECTOR.extract_model_id(error) is None


# A generated world for properties 2 and 4 -----------------------------------


class FakeCatalog:
    def __init__(self, facts: dict[tuple[str, str], tuple[bool | None, dict[str, str]]]) -> None:
        self.facts = facts

    def supports_on_demand(self, model_id: str, region: str) -> bool | None:
        return self.facts.get((model_id, region), (None, {}))[0]

    def profiles_for(self, model_id: str, region: str) -> dict[str, str]:
        return dict(self.facts.get((model_id, region), (None, {}))[1])


@dataclass
class World:
    model: str
    region: str
    catalog: FakeCatalog | None
    ops: list[tuple[str, AccessMethod, str | None]]

    def tracker(
        self, store: PreferenceStore | None = None, clock: FakeClock | None = None
    ) -> AccessMethodTracker:
        tracker = AccessMethodTracker(store, ttl=TTL, clock=clock or FakeClock())
        for op, method, profile in self.ops:
            if op == "requirement":
                tracker.record_profile_requirement(self.model, self.region)
            elif op == "success":
                tracker.record_success(self.model, self.region, method, profile)
            else:
                tracker.record_failure(self.model, self.region, method)
        return tracker

    def catalog_knows(self) -> bool:
        if self.catalog is None:
            return False
        on_demand, listed = self.catalog.facts.get((self.model, self.region), (None, {}))
        return on_demand is not None or bool(listed)


@st.composite
def worlds(draw: st.DrawFn) -> World:
    model = draw(model_ids)
    region = draw(regions)
    catalog: FakeCatalog | None = None
    if draw(st.booleans()):
        offered = [*regional_prefixes(region), "global"]
        listed = draw(st.lists(st.sampled_from(offered), unique=True))
        on_demand = draw(st.sampled_from([True, False, None]))
        catalog = FakeCatalog({(model, region): (on_demand, {p: f"{p}.{model}" for p in listed})})
    prefixes = [*regional_prefixes(region), "global"]
    op = st.one_of(
        st.tuples(st.just("requirement"), st.just(D), st.none()),
        st.tuples(st.just("success"), st.just(D), st.none()),
        st.sampled_from(prefixes).map(
            lambda p: ("success", G if p == "global" else R, f"{p}.{model}")
        ),
        st.tuples(st.just("failure"), st.sampled_from([D, R, G]), st.none()),
    )
    return World(model, region, catalog, draw(st.lists(op, max_size=6)))


def prefix_of(sent: str, model: str) -> str | None:
    return sent[: -len(model) - 1] if sent.endswith(f".{model}") and sent != model else None


# Property 2: selection consistency -------------------------------------------


@given(worlds())
def test_property_2_selection_is_deterministic_and_agrees_with_the_fallbacks(world: World) -> None:
    tracker = world.tracker()
    selector = AccessMethodSelector(tracker, world.catalog)
    candidates = selector.candidates(world.model, world.region)
    assert candidates == selector.candidates(world.model, world.region)
    assert len(candidates) == len(set(candidates))
    assert candidates == selector.get_fallback_access_methods(world.model, world.region, [])
    if not candidates:
        with pytest.raises(ProfileRequirementError):
            selector.select_access_method(world.model, world.region)
        return
    assert selector.select_access_method(world.model, world.region) == candidates[0]
    # A second selector over the same facts chooses the same.
    assert (
        AccessMethodSelector(tracker, world.catalog).select_access_method(world.model, world.region)
        == candidates[0]
    )


@given(worlds())
def test_property_2_learned_beats_catalog_beats_default(world: World) -> None:
    tracker = world.tracker()
    selector = AccessMethodSelector(tracker, world.catalog)
    candidates = selector.candidates(world.model, world.region)
    learned = tracker.get_preference(world.model, world.region)
    if learned is not None and learned.requires_profile:
        assert D not in [m for _, m in candidates]
    if learned is not None and learned.get_preferred_method() is not None:
        assert candidates[0][1] is learned.get_preferred_method()
        if learned.profile_id:
            assert candidates[0][0] == learned.profile_id
        return
    if world.catalog_knows():
        assert world.catalog is not None
        on_demand, listed = world.catalog.facts[world.model, world.region]
        for sent, method in candidates:
            if method is D:
                assert on_demand is not False
            else:
                assert prefix_of(sent, world.model) in listed  # never guess what is absent
    else:
        allowed = set(regional_prefixes(world.region))
        if global_profile_allowed(world.region):
            allowed.add("global")
        for sent, method in candidates:
            if method is not D:
                assert prefix_of(sent, world.model) in allowed


@given(worlds(), st.sampled_from(["us", "eu", "global", "jp"]))
def test_property_2_given_profile_ids_are_used_as_given(world: World, prefix: str) -> None:
    selector = AccessMethodSelector(world.tracker(), world.catalog)
    given_id = f"{prefix}.{world.model}"
    expected = G if prefix == "global" else R
    assert selector.select_access_method(given_id, world.region) == (given_id, expected)
    arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456"
    assert selector.select_access_method(arn, world.region) == (arn, A)


# Property 3: preference-learning persistence ---------------------------------


def check_persisted(world: World, make_store: Callable[[], PreferenceStore]) -> None:
    clock = FakeClock()
    first = world.tracker(make_store(), clock)
    second = AccessMethodTracker(make_store(), ttl=TTL, clock=clock)
    key = (world.model, world.region)
    assert second.get_preference(*key) == first.get_preference(*key)
    assert second.requires_profile(*key) == first.requires_profile(*key)
    assert AccessMethodSelector(second, world.catalog).candidates(*key) == AccessMethodSelector(
        first, world.catalog
    ).candidates(*key)
    # The last method that worked is what is remembered.
    successes = [(m, p) for op, m, p in world.ops if op == "success"]
    learned = second.get_preference(*key)
    if successes and learned is not None and learned.get_preferred_method() is not None:
        method, profile = successes[-1]
        assert learned.get_preferred_method() is method
        assert learned.profile_id == profile
    if world.ops and world.ops[-1][0] == "requirement":
        assert second.requires_profile(*key)
    clock.advance(TTL)
    third = AccessMethodTracker(make_store(), ttl=TTL, clock=clock)
    assert third.get_preference(*key) is None


@given(worlds())
def test_property_3_learning_persists_through_a_shared_in_memory_store(world: World) -> None:
    store = InMemoryPreferenceStore()
    check_persisted(world, lambda: store)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds())
def test_property_3_learning_persists_through_the_file_store(world: World) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prefs.json"
        check_persisted(world, lambda: JsonFilePreferenceStore(path))


# Property 4: fallback ordering -----------------------------------------------


@given(worlds(), st.data())
def test_property_4_fallbacks_are_the_candidates_in_order_minus_the_failed(
    world: World, data: st.DataObject
) -> None:
    selector = AccessMethodSelector(world.tracker(), world.catalog)
    candidates = selector.candidates(world.model, world.region)
    pool: list[AccessMethod | str] = [D, R, G, *(sent for sent, _ in candidates)]
    failed = data.draw(st.lists(st.sampled_from(pool), unique=True))
    more = data.draw(st.lists(st.sampled_from(pool), unique=True))
    fallbacks = selector.get_fallback_access_methods(world.model, world.region, failed)
    assert fallbacks == [c for c in candidates if c[0] not in failed and c[1] not in failed]
    for sent, method in fallbacks:
        assert sent not in failed
        assert method not in failed
    narrower = selector.get_fallback_access_methods(world.model, world.region, [*failed, *more])
    assert narrower == [c for c in fallbacks if c in narrower]  # a subsequence, same order


@given(worlds())
def test_property_4_without_learning_the_default_order_holds(world: World) -> None:
    world.ops = []
    candidates = AccessMethodSelector(AccessMethodTracker(ttl=TTL), world.catalog).candidates(
        world.model, world.region
    )
    ranks = [DEFAULT_ORDER.index(m) for _, m in candidates]
    assert ranks == sorted(ranks)


@given(worlds())
def test_property_4_failing_each_candidate_in_turn_walks_the_list(world: World) -> None:
    selector = AccessMethodSelector(world.tracker(), world.catalog)
    candidates = selector.candidates(world.model, world.region)
    failed: list[AccessMethod | str] = []
    walked = []
    remaining = selector.get_fallback_access_methods(world.model, world.region, failed)
    while remaining:
        walked.append(remaining[0])
        failed.append(remaining[0][0])
        remaining = selector.get_fallback_access_methods(world.model, world.region, failed)
    assert walked == candidates


# Property 7: tracker thread safety -------------------------------------------

KEYS = (
    ("amazon.nova-pro-v1:0", "eu-west-1"),
    ("amazon.nova-pro-v1:0", "us-east-1"),
    ("anthropic.claude-sonnet-4-6", "eu-west-1"),
)
INVALID = client_error("ValidationException", "The provided model identifier is invalid.")


@dataclass
class Expected:
    method: AccessMethod | None = None
    requires: bool = False
    profile: str | None = None
    since: datetime | None = None


class TrackerMachine(RuleBasedStateMachine):
    """The tracker against a plain model of what it should have learned and counted."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.tracker = AccessMethodTracker(ttl=TTL, clock=self.clock)
        self.learned: dict[tuple[str, str], Expected] = {}
        self.counts: dict[tuple[str, str], Counter[str]] = {}

    def _count(self, key: tuple[str, str], *names: str) -> None:
        self.counts.setdefault(key, Counter()).update(names)

    def _current(self, key: tuple[str, str]) -> Expected | None:
        found = self.learned.get(key)
        if found is not None and found.since is not None and self.clock.now - found.since >= TTL:
            del self.learned[key]
            return None
        return found

    def _set(self, key: tuple[str, str], new: Expected) -> None:
        old = self._current(key)
        same = old is not None and (old.method, old.requires, old.profile) == (
            new.method,
            new.requires,
            new.profile,
        )
        if (
            same
            and old is not None
            and old.since is not None
            and self.clock.now - old.since < TTL / 2
        ):
            return
        new.since = self.clock.now
        self.learned[key] = new

    @rule(
        key=st.sampled_from(KEYS),
        method=st.sampled_from([D, R, G, A]),
        prefix=st.sampled_from(["eu", "us", "global"]),
    )
    def success(self, key: tuple[str, str], method: AccessMethod, prefix: str) -> None:
        profile = None if method is D else f"{prefix}.{key[0]}"
        self.tracker.record_success(*key, method, profile)
        self._count(key, f"calls:{method}", "successes")
        if method is A:
            return
        old = self._current(key)
        requires = method is not D and old is not None and old.requires
        self._set(key, Expected(method, requires, profile))

    @rule(key=st.sampled_from(KEYS))
    def requirement(self, key: tuple[str, str]) -> None:
        self.tracker.record_profile_requirement(*key)
        self._count(key, f"calls:{D}", "failures", "requirements")
        old = self._current(key)
        if old is not None and old.method is not D:
            self._set(key, Expected(old.method, requires=True, profile=old.profile))
        else:
            self._set(key, Expected(None, requires=True))

    @rule(key=st.sampled_from(KEYS), method=st.sampled_from([R, G]))
    def invalid_profile(self, key: tuple[str, str], method: AccessMethod) -> None:
        self.tracker.record_failure(*key, method, INVALID)
        self._count(key, f"calls:{method}", "failures")
        old = self._current(key)
        if old is not None and old.method is method:
            self._set(key, Expected(None, requires=old.requires))

    @rule(minutes=st.integers(0, 90))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))

    @invariant()
    def statistics_match(self) -> None:
        stats = self.tracker.get_statistics()
        assert set(stats) == set(self.counts)
        for key, counts in self.counts.items():
            got = stats[key]
            assert got.successes == counts["successes"]
            assert got.failures == counts["failures"]
            assert got.profile_requirements == counts["requirements"]
            assert {str(m): n for m, n in got.calls_by_method.items()} == {
                name.split(":", 1)[1]: n for name, n in counts.items() if name.startswith("calls:")
            }

    @invariant()
    def learning_matches(self) -> None:
        for key in KEYS:
            expected = self._current(key)
            got = self.tracker.get_preference(*key)
            if expected is None:
                assert got is None
                continue
            assert got is not None
            assert got.get_preferred_method() is expected.method
            assert got.requires_profile == expected.requires
            assert got.profile_id == expected.profile


TestTrackerStateMachine = TrackerMachine.TestCase
TestTrackerStateMachine.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)

operation_lists = st.lists(
    st.tuples(
        st.sampled_from(KEYS), st.sampled_from(["success", "requirement", "failure", "read"])
    ),
    min_size=1,
    max_size=60,
)


def run_threads(
    tracker: AccessMethodTracker, plans: list[list[tuple[tuple[str, str], str]]]
) -> list[BaseException]:
    barrier = threading.Barrier(len(plans))
    errors: list[BaseException] = []

    def work(plan: list[tuple[tuple[str, str], str]]) -> None:
        barrier.wait()
        try:
            for key, op in plan:
                if op == "success":
                    tracker.record_success(*key, R, f"eu.{key[0]}")
                elif op == "requirement":
                    tracker.record_profile_requirement(*key)
                elif op == "failure":
                    tracker.record_failure(*key, G, INVALID)
                else:
                    tracker.get_statistics()
                    tracker.get_preference(*key)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)

    threads = [threading.Thread(target=work, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@settings(max_examples=30, deadline=None)
@given(st.lists(operation_lists, min_size=2, max_size=6))
def test_property_7_real_threads_lose_no_updates(
    plans: list[list[tuple[tuple[str, str], str]]],
) -> None:
    tracker = AccessMethodTracker(ttl=TTL, clock=FakeClock())
    assert run_threads(tracker, plans) == []
    expected: dict[tuple[str, str], Counter[str]] = {}
    for plan in plans:
        for key, op in plan:
            if op != "read":
                expected.setdefault(key, Counter())[op] += 1
    stats = tracker.get_statistics()
    assert set(stats) == set(expected)
    for key, ops in expected.items():
        assert stats[key].successes == ops["success"]
        assert stats[key].profile_requirements == ops["requirement"]
        assert stats[key].failures == ops["requirement"] + ops["failure"]
        preference = tracker.get_preference(*key)
        if ops["requirement"]:
            assert preference is not None
            assert preference.requires_profile
        if ops["success"] and not ops["requirement"] and preference is not None:
            assert preference.get_preferred_method() in {R, None}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operation_lists, min_size=2, max_size=4))
def test_property_7_threads_sharing_a_file_store_leave_a_consistent_file(
    plans: list[list[tuple[tuple[str, str], str]]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prefs.json"
        clock = FakeClock()
        tracker = AccessMethodTracker(JsonFilePreferenceStore(path), ttl=TTL, clock=clock)
        assert run_threads(tracker, plans) == []
        reread = AccessMethodTracker(JsonFilePreferenceStore(path), ttl=TTL, clock=clock)
        for key in KEYS:
            assert reread.get_preference(*key) == tracker.get_preference(*key)
