"""What each (model, region) pair taught us about access methods, shared by threads.

The tracker is told the outcome of every call (`record_success`,
`record_failure`, `record_profile_requirement`) and answers `get_preference` and
`requires_profile` for the selector. It keeps two kinds of facts:

- **Learned preferences** (`AccessMethodPreference`), kept in a `PreferenceStore`
  so a file store can carry them to later processes. They expire `ttl` after they
  were learned (or last confirmed), because AWS adds profiles and on-demand support
  over time. The store is written only when a fact *changes*, or when a fact that
  keeps being confirmed is more than half a TTL old, so a busy model does not
  rewrite the file on every call.
- **Statistics** (`get_statistics()`): per pair, the calls by access method,
  successes, failures and profile requirements. They live in memory only.
  `statistics_records()` gives them with the learned preference as plain records,
  ready for `json.dumps` or `pandas.DataFrame`.

Every method is thread-safe: state changes happen under one lock, and the hot path
(`get_preference`, `record_*` without a change) is a few dictionary operations.

Model IDs are normalised to their base model (`us.amazon.nova-pro-v1:0`,
`amazon.nova-pro-v1:0:300k` and the foundation-model ARN all count as
`amazon.nova-pro-v1:0`); application-profile and other ARNs are kept as given.

Example:
    >>> tracker = AccessMethodTracker()
    >>> tracker.record_profile_requirement("amazon.nova-pro-v1:0", "eu-west-1")
    >>> tracker.requires_profile("amazon.nova-pro-v1:0", "eu-west-1")
    True
    >>> tracker.record_success(
    ...     "amazon.nova-pro-v1:0", "eu-west-1", AccessMethod.REGIONAL_CRIS,
    ...     profile_id="eu.amazon.nova-pro-v1:0")
    >>> tracker.get_preference("amazon.nova-pro-v1:0", "eu-west-1").profile_id
    'eu.amazon.nova-pro-v1:0'
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import ClassVar, TypedDict

from langchain_bedrock_enhanced.access.detection import ProfileRequirementDetector
from langchain_bedrock_enhanced.access.preferences import (
    AccessMethodPreference,
    InMemoryPreferenceStore,
    PreferenceKey,
    PreferenceStore,
    _utcnow,
)
from langchain_bedrock_enhanced.errors import ConfigurationError
from langchain_bedrock_enhanced.model_ids import AccessMethod, parse_model_id

__all__ = [
    "DEFAULT_TTL",
    "AccessMethodTracker",
    "AccessStatistics",
    "Clock",
    "PreferenceRecord",
    "StatisticsRecord",
]

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware. Injected in tests."""

DEFAULT_TTL = timedelta(hours=24)
"""How long a learned fact is trusted before the catalog and defaults decide again."""

_DETECTOR = ProfileRequirementDetector()


@functools.lru_cache(maxsize=4096)
def normalise_model_id(model_id: str) -> str:
    """The key a model is tracked under: its base model ID where one is knowable.

    Args:
        model_id: Any identifier form.

    Returns:
        The base model ID for bare IDs, profile IDs and foundation-model or
        system-profile ARNs; the identifier unchanged otherwise.

    Example:
        >>> normalise_model_id("global.anthropic.claude-sonnet-4-5-20250929-v1:0")
        'anthropic.claude-sonnet-4-5-20250929-v1:0'
    """
    parsed = parse_model_id(model_id)
    if parsed.kind in ("foundation_model", "system_profile") and parsed.base_model_id:
        return parsed.base_model_id
    return model_id.strip()


@dataclass(frozen=True)
class AccessStatistics:
    """What happened for one (model, region) pair since the tracker was created.

    Attributes:
        calls_by_method: Calls (successful or not) per access method.
        successes: Calls that succeeded.
        failures: Calls that failed, profile requirements included.
        profile_requirements: Times Bedrock said the bare ID needs a profile.

    Example:
        >>> AccessStatistics().total_calls
        0
    """

    calls_by_method: Mapping[AccessMethod, int] = field(
        default_factory=lambda: MappingProxyType({})
    )
    successes: int = 0
    failures: int = 0
    profile_requirements: int = 0

    @property
    def total_calls(self) -> int:
        """Successes plus failures.

        Example:
            >>> AccessStatistics(successes=2, failures=1).total_calls
            3
        """
        return self.successes + self.failures

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary (methods by their string values).

        Example:
            >>> AccessStatistics(successes=1).to_dict()["successes"]
            1
        """
        return {
            "calls_by_method": {str(m): n for m, n in self.calls_by_method.items()},
            "successes": self.successes,
            "failures": self.failures,
            "profile_requirements": self.profile_requirements,
        }


class PreferenceRecord(TypedDict):
    """A learned preference as plain JSON values; part of a `StatisticsRecord`.

    Example:
        >>> record: PreferenceRecord = {
        ...     "preferred_method": "regional_cris", "profile_id": "eu.m",
        ...     "learned_from_error": True, "learned_at": "2026-01-01T00:00:00+00:00"}
        >>> sorted(record)
        ['learned_at', 'learned_from_error', 'preferred_method', 'profile_id']
    """

    preferred_method: str | None
    """The `AccessMethod` value that worked (`"direct"`, `"regional_cris"`, ...), or
    `None` when only "the bare ID needs a profile" is known."""
    profile_id: str | None
    """The profile ID that worked, for a profile method."""
    learned_from_error: bool
    """Bedrock said the bare model ID needs an inference profile."""
    learned_at: str
    """When it was learned or last confirmed, ISO-8601 with its UTC offset."""


class StatisticsRecord(TypedDict):
    """One (model, region) pair's statistics and learned preference, as plain JSON values.

    Example:
        >>> AccessMethodTracker().statistics_records()
        []
    """

    model_id: str
    """The model, normalised to its base model ID where one is knowable."""
    region: str
    """The region of the calls."""
    calls_by_method: dict[str, int]
    """Calls per access method, keyed by every `AccessMethod` value (0 when unused)."""
    calls: int
    """Successes plus failures."""
    successes: int
    """Calls that succeeded."""
    failures: int
    """Calls that failed, profile requirements included."""
    profile_requirements: int
    """Times Bedrock said the bare ID needs a profile."""
    preference: PreferenceRecord | None
    """The unexpired learned preference, or `None` when nothing is learned."""


@dataclass
class _Counts:
    by_method: Counter[AccessMethod] = field(default_factory=Counter)
    successes: int = 0
    failures: int = 0
    profile_requirements: int = 0

    def frozen(self) -> AccessStatistics:
        return AccessStatistics(
            calls_by_method=MappingProxyType(dict(self.by_method)),
            successes=self.successes,
            failures=self.failures,
            profile_requirements=self.profile_requirements,
        )


class AccessMethodTracker:
    """Thread-safe memory of which access method works for each model and region.

    Args:
        store: Where learned preferences live; an `InMemoryPreferenceStore` by
            default. Pass a `JsonFilePreferenceStore` to share them across processes.
        ttl: How long a learned preference stays valid.
        clock: Returns the current timezone-aware time; inject one in tests.

    Example:
        >>> from datetime import timedelta
        >>> tracker = AccessMethodTracker(ttl=timedelta(hours=1))
        >>> tracker.record_success("anthropic.claude-3-haiku-20240307-v1:0", "us-east-1",
        ...                        AccessMethod.DIRECT)
        >>> tracker.get_preference("anthropic.claude-3-haiku-20240307-v1:0",
        ...                        "us-east-1").get_preferred_method()
        <AccessMethod.DIRECT: 'direct'>
    """

    _instance: ClassVar[AccessMethodTracker | None] = None
    _instance_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        store: PreferenceStore | None = None,
        *,
        ttl: timedelta = DEFAULT_TTL,
        clock: Clock = _utcnow,
    ) -> None:
        """Create a tracker; nothing is read from the store until first use."""
        if ttl <= timedelta(0):
            msg = f"The preference TTL must be positive, got {ttl}."
            raise ConfigurationError(msg)
        self.store: PreferenceStore = store if store is not None else InMemoryPreferenceStore()
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.RLock()
        self._counts: dict[PreferenceKey, _Counts] = {}

    def __repr__(self) -> str:
        """Show the store and TTL."""
        return f"{type(self).__name__}(store={self.store!r}, ttl={self.ttl!r})"

    # The process-wide default ----------------------------------------------

    @classmethod
    def get_instance(cls) -> AccessMethodTracker:
        """The process-wide default tracker (in memory, default TTL), created lazily.

        Example:
            >>> AccessMethodTracker.get_instance() is AccessMethodTracker.get_instance()
            True
        """
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    @classmethod
    def reset_instance(cls) -> None:
        """Drop the process-wide default; the next `get_instance()` makes a new one.

        Example:
            >>> first = AccessMethodTracker.get_instance()
            >>> AccessMethodTracker.reset_instance()
            >>> AccessMethodTracker.get_instance() is first
            False
        """
        with cls._instance_lock:
            cls._instance = None

    # Recording -------------------------------------------------------------

    def record_success(
        self,
        model_id: str,
        region: str,
        access_method: AccessMethod,
        profile_id: str | None = None,
    ) -> None:
        """Record a successful call, and learn that its method works.

        Args:
            model_id: The model the caller asked for (any identifier form).
            region: The region of the call.
            access_method: How the model was reached.
            profile_id: The profile ID or ARN sent, for a profile method.

        Example:
            >>> AccessMethodTracker().record_success("m.x-v1:0", "us-east-1", AccessMethod.DIRECT)
        """
        method = AccessMethod(access_method)
        key = (normalise_model_id(model_id), region)
        with self._lock:
            counts = self._counts_for(key)
            counts.by_method[method] += 1
            counts.successes += 1
            if method is AccessMethod.APPLICATION_PROFILE:
                return
            now = self._clock()
            current = self._current(key, now)
            if (
                current is not None
                and current.confirmed_by(method, profile_id)
                and not self._due_for_rewrite(current, now)
            ):
                return  # the hot path: a known method worked again
            new = AccessMethodPreference.for_method(
                method,
                profile_id=profile_id,
                learned_from_error=current is not None and current.requires_profile,
                now=now,
            )
            self._learn(key, current, new)

    def record_profile_requirement(self, model_id: str, region: str) -> None:
        """Record that Bedrock refused the bare model ID (on-demand not supported).

        A profile method learned earlier is kept; a direct preference is dropped.

        Args:
            model_id: The model the caller asked for.
            region: The region of the call.

        Example:
            >>> tracker = AccessMethodTracker()
            >>> tracker.record_profile_requirement("m.x-v1:0", "eu-west-1")
            >>> tracker.requires_profile("m.x-v1:0", "eu-west-1")
            True
        """
        key = (normalise_model_id(model_id), region)
        with self._lock:
            counts = self._counts_for(key)
            counts.by_method[AccessMethod.DIRECT] += 1
            counts.failures += 1
            counts.profile_requirements += 1
            current = self._current(key)
            kept = current if current is not None and not current.prefer_direct else None
            new = AccessMethodPreference(
                prefer_regional_cris=kept is not None and kept.prefer_regional_cris,
                prefer_global_cris=kept is not None and kept.prefer_global_cris,
                learned_from_error=True,
                last_updated=self._clock(),
                profile_id=kept.profile_id if kept is not None else None,
            )
            self._learn(key, current, new)

    def record_failure(
        self,
        model_id: str,
        region: str,
        access_method: AccessMethod,
        error: BaseException | None = None,
    ) -> None:
        """Record a failed call.

        Two failures also change what is learned:

        - a profile-requirement error on the `DIRECT` method is recorded as
          `record_profile_requirement` (counted once);
        - "The provided model identifier is invalid." on the preferred profile
          method forgets that profile, so selection goes back to the catalog and
          defaults.

        Anything else (throttling, timeouts, ...) is counted and learns nothing.

        Args:
            model_id: The model the caller asked for.
            region: The region of the call.
            access_method: How the model was reached.
            error: The exception, if any.

        Example:
            >>> tracker = AccessMethodTracker()
            >>> tracker.record_failure("m.x-v1:0", "us-east-1", AccessMethod.DIRECT)
            >>> tracker.get_statistics()[("m.x-v1:0", "us-east-1")].failures
            1
        """
        method = AccessMethod(access_method)
        if method is AccessMethod.DIRECT and _DETECTOR.is_profile_requirement_error(
            error, log=False
        ):
            self.record_profile_requirement(model_id, region)
            return
        key = (normalise_model_id(model_id), region)
        with self._lock:
            counts = self._counts_for(key)
            counts.by_method[method] += 1
            counts.failures += 1
            current = self._current(key)
            if (
                current is not None
                and method.uses_profile
                and current.get_preferred_method() is method
                and _DETECTOR.is_invalid_model_identifier_error(error)
            ):
                new = AccessMethodPreference(
                    learned_from_error=current.learned_from_error,
                    last_updated=self._clock(),
                )
                self._learn(key, current, new)

    # Queries ---------------------------------------------------------------

    def get_preference(self, model_id: str, region: str) -> AccessMethodPreference | None:
        """The unexpired learned preference for a pair, if any.

        Args:
            model_id: Any identifier form.
            region: The region.

        Returns:
            The preference, or `None` when nothing (unexpired) was learned.

        Example:
            >>> AccessMethodTracker().get_preference("m.x-v1:0", "us-east-1") is None
            True
        """
        key = (normalise_model_id(model_id), region)
        with self._lock:
            return self._current(key)

    def requires_profile(self, model_id: str, region: str) -> bool:
        """Whether the bare model ID is known (and not expired) to need a profile here.

        Example:
            >>> AccessMethodTracker().requires_profile("m.x-v1:0", "us-east-1")
            False
        """
        preference = self.get_preference(model_id, region)
        return preference is not None and preference.requires_profile

    def get_statistics(self) -> dict[PreferenceKey, AccessStatistics]:
        """A snapshot of the statistics, per `(model_id, region)`.

        Example:
            >>> tracker = AccessMethodTracker()
            >>> tracker.record_success("m.x-v1:0", "us-east-1", AccessMethod.DIRECT)
            >>> tracker.get_statistics()[("m.x-v1:0", "us-east-1")].calls_by_method
            mappingproxy({<AccessMethod.DIRECT: 'direct'>: 1})
        """
        with self._lock:
            return {key: counts.frozen() for key, counts in self._counts.items()}

    def statistics_records(self) -> list[StatisticsRecord]:
        """The statistics and learned preference of every pair, as plain records.

        There is one record per `(model_id, region)` pair with statistics (as in
        `get_statistics()`), sorted by model ID then region. Every value is a string,
        number, boolean, `None`, or a dictionary of those, so the list goes straight
        into `json.dumps` or `pandas.DataFrame(records)`.

        Returns:
            The records; see `StatisticsRecord` for the keys.

        Example:
            >>> import json
            >>> from datetime import datetime, timezone
            >>> new_year = datetime(2026, 1, 1, tzinfo=timezone.utc)
            >>> tracker = AccessMethodTracker(clock=lambda: new_year)
            >>> tracker.record_profile_requirement("amazon.nova-pro-v1:0", "eu-west-1")
            >>> tracker.record_success("amazon.nova-pro-v1:0", "eu-west-1",
            ...     AccessMethod.REGIONAL_CRIS, profile_id="eu.amazon.nova-pro-v1:0")
            >>> record = tracker.statistics_records()[0]
            >>> record["calls_by_method"]
            {'direct': 1, 'regional_cris': 1, 'global_cris': 0, 'application_profile': 0}
            >>> record["calls"], record["successes"], record["profile_requirements"]
            (2, 1, 1)
            >>> print(json.dumps(record["preference"], indent=1))
            {
             "preferred_method": "regional_cris",
             "profile_id": "eu.amazon.nova-pro-v1:0",
             "learned_from_error": true,
             "learned_at": "2026-01-01T00:00:00+00:00"
            }
        """
        with self._lock:
            now = self._clock()
            return [
                _record(key, counts.frozen(), self._current(key, now))
                for key, counts in sorted(self._counts.items())
            ]

    def forget(self, model_id: str, region: str) -> None:
        """Drop the learned preference for a pair (statistics stay).

        Example:
            >>> AccessMethodTracker().forget("m.x-v1:0", "us-east-1")
        """
        key = (normalise_model_id(model_id), region)
        with self._lock:
            if self.store.get(*key) is not None:
                self.store.delete(*key)

    def clear(self) -> None:
        """Forget every preference and statistic.

        Example:
            >>> AccessMethodTracker().clear()
        """
        with self._lock:
            self.store.clear()
            self._counts.clear()

    # Internals -------------------------------------------------------------

    def _counts_for(self, key: PreferenceKey) -> _Counts:
        counts = self._counts.get(key)
        if counts is None:
            counts = self._counts[key] = _Counts()
        return counts

    def _expired(self, preference: AccessMethodPreference, now: datetime) -> bool:
        return now - preference.last_updated >= self.ttl

    def _due_for_rewrite(self, preference: AccessMethodPreference, now: datetime) -> bool:
        """Whether a confirmed fact is old enough (half a TTL) to store again."""
        return now - preference.last_updated >= self.ttl / 2

    def _current(
        self, key: PreferenceKey, now: datetime | None = None
    ) -> AccessMethodPreference | None:
        """The stored preference unless expired; an expired one is deleted."""
        preference = self.store.get(*key)
        if preference is None:
            return None
        if self._expired(preference, now or self._clock()):
            logger.debug("Learned access preference for %s in %s expired.", *key)
            self.store.delete(*key)
            return None
        return preference

    def _learn(
        self,
        key: PreferenceKey,
        current: AccessMethodPreference | None,
        new: AccessMethodPreference,
    ) -> None:
        """Store `new` if it differs from `current`, or if `current` is getting old."""
        if (
            current is not None
            and current.same_facts(new)
            and not self._due_for_rewrite(current, new.last_updated)
        ):
            return
        self.store.put(*key, new)
        if current is None or not current.same_facts(new):
            logger.debug(
                "Learned access for %s in %s: method=%s, requires_profile=%s, profile=%s.",
                key[0],
                key[1],
                new.get_preferred_method(),
                new.requires_profile,
                new.profile_id,
            )


def _record(
    key: PreferenceKey, stats: AccessStatistics, preference: AccessMethodPreference | None
) -> StatisticsRecord:
    learned: PreferenceRecord | None = None
    if preference is not None:
        method = preference.get_preferred_method()
        learned = {
            "preferred_method": None if method is None else method.value,
            "profile_id": preference.profile_id,
            "learned_from_error": preference.learned_from_error,
            "learned_at": preference.last_updated.isoformat(),
        }
    return {
        "model_id": key[0],
        "region": key[1],
        "calls_by_method": {m.value: stats.calls_by_method.get(m, 0) for m in AccessMethod},
        "calls": stats.total_calls,
        "successes": stats.successes,
        "failures": stats.failures,
        "profile_requirements": stats.profile_requirements,
        "preference": learned,
    }
