"""Choose the model ID to send: bare, regional profile, global profile, or as given.

For a bare model ID (or a foundation-model ARN) the selector builds an ordered list
of candidates, `(model ID to send, AccessMethod)`:

1. **What was learned wins.** A learned profile requirement removes the direct
   candidate; a learned working method (and its exact profile ID) goes first.
2. **Then the catalog.** If the catalog knows the model in the region, direct is
   offered only when on-demand is supported (or unknown), and only profiles the
   catalog lists are offered. A prefix the catalog says is absent is never guessed.
3. **Then the default order:** direct → regional (`us.`, `eu.`, `apac.`, `jp.`,
   `au.`, `us-gov.` by source region, narrowest geography first) → `global.`.

Over all three sits the **access policy** (`access_methods`, see
`langchain_bedrock_enhanced.access.policy`): only the methods it allows are offered,
in its order instead of the default one. Learning may move an allowed method to the
front, never bring back a forbidden one; when the policy rules out every way in,
`select_access_method` raises `ProfileRequirementError` naming what it excluded.

`select_access_method` returns the first candidate, and
`get_fallback_access_methods` the rest after the failed ones, so the two always
agree. Identifiers that already name a way in (a profile ID like `us.…`, a
system-profile ARN, an application-profile ARN, a provisioned or custom model ARN)
are used exactly as given, with no fallbacks.

Example:
    >>> selector = AccessMethodSelector(AccessMethodTracker())
    >>> selector.select_access_method("amazon.nova-pro-v1:0", "eu-west-1")
    ('amazon.nova-pro-v1:0', <AccessMethod.DIRECT: 'direct'>)
    >>> selector.get_fallback_access_methods(
    ...     "amazon.nova-pro-v1:0", "eu-west-1", [AccessMethod.DIRECT])
    [('eu.amazon.nova-pro-v1:0', <AccessMethod.REGIONAL_CRIS: 'regional_cris'>), \
('global.amazon.nova-pro-v1:0', <AccessMethod.GLOBAL_CRIS: 'global_cris'>)]
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterable, Mapping
from typing import Protocol, runtime_checkable

from langchain_bedrock_enhanced.access.policy import AccessMethodsInput, parse_access_methods
from langchain_bedrock_enhanced.access.preferences import AccessMethodPreference
from langchain_bedrock_enhanced.access.tracker import AccessMethodTracker
from langchain_bedrock_enhanced.errors import ProfileRequirementError
from langchain_bedrock_enhanced.model_ids import (
    DEFAULT_ORDER,
    GLOBAL_PREFIX,
    AccessMethod,
    ParsedModelId,
    global_profile_allowed,
    method_for_prefix,
    parse_model_id,
    profile_id,
    regional_prefixes,
)

__all__ = ["AccessMethodSelector", "Candidate", "ProfileCatalog"]

logger = logging.getLogger(__name__)

Candidate = tuple[str, AccessMethod]
"""`(model ID to send, how it reaches the model)`."""


@runtime_checkable
class ProfileCatalog(Protocol):
    """What the selector needs from a model catalog (`ModelCatalog` provides it).

    Example:
        >>> class NoCatalog:
        ...     def supports_on_demand(self, model_id: str, region: str) -> bool | None:
        ...         return None
        ...     def profiles_for(self, model_id: str, region: str) -> dict[str, str]:
        ...         return {}
        >>> isinstance(NoCatalog(), ProfileCatalog)
        True
    """

    def supports_on_demand(self, model_id: str, region: str) -> bool | None:
        """Whether the bare ID can be invoked in `region`; `None` when unknown."""
        ...

    def profiles_for(self, model_id: str, region: str) -> Mapping[str, str]:
        """The system profiles callable from `region`: prefix → profile ID."""
        ...


class AccessMethodSelector:
    """Pick the access method for each call, and the fallbacks after a failure.

    Args:
        tracker: Learned preferences; the process-wide default when `None`.
        catalog: What each region offers; `None` to rely on learning and defaults.
        access_methods: The access policy: the methods that may be chosen for a bare
            model ID, in order (`"direct"`, `"regional"`, `"global"`). All three, in
            that order, by default.

    Raises:
        ParameterValidationError: `access_methods` is not a policy.

    Example:
        >>> selector = AccessMethodSelector(AccessMethodTracker(), catalog=None)
        >>> selector.select_access_method("us.amazon.nova-pro-v1:0", "us-east-1")
        ('us.amazon.nova-pro-v1:0', <AccessMethod.REGIONAL_CRIS: 'regional_cris'>)
        >>> residency = selector.with_access_methods(("regional", "direct"))
        >>> residency.select_access_method("amazon.nova-pro-v1:0", "eu-west-1")
        ('eu.amazon.nova-pro-v1:0', <AccessMethod.REGIONAL_CRIS: 'regional_cris'>)
    """

    def __init__(
        self,
        tracker: AccessMethodTracker | None = None,
        catalog: ProfileCatalog | None = None,
        access_methods: AccessMethodsInput = DEFAULT_ORDER,
    ) -> None:
        """Keep the tracker, the catalog and the access policy."""
        self.tracker = tracker if tracker is not None else AccessMethodTracker.get_instance()
        self.catalog = catalog
        self.access_methods: tuple[AccessMethod, ...] = parse_access_methods(access_methods)

    def __repr__(self) -> str:
        """Show the collaborators and the policy."""
        return (
            f"{type(self).__name__}(tracker={self.tracker!r}, catalog={self.catalog!r}, "
            f"access_methods={self.access_methods!r})"
        )

    def with_access_methods(self, access_methods: AccessMethodsInput) -> AccessMethodSelector:
        """This selector under another access policy, sharing its tracker and catalog.

        Args:
            access_methods: The policy; see the class docstring.

        Returns:
            `self` when the policy is the same, else a copy with the new policy.

        Raises:
            ParameterValidationError: `access_methods` is not a policy.

        Example:
            >>> selector = AccessMethodSelector(AccessMethodTracker())
            >>> selector.with_access_methods(["direct", "regional"]).tracker is selector.tracker
            True
        """
        methods = parse_access_methods(access_methods)
        if methods == self.access_methods:
            return self
        bound = copy.copy(self)
        bound.access_methods = methods
        return bound

    def select_access_method(self, model_id: str, region: str) -> Candidate:
        """The model ID to send, and its access method, for one call.

        Args:
            model_id: The identifier the caller gave (any form).
            region: The region the request goes to.

        Returns:
            `(model ID to send, AccessMethod)`.

        Raises:
            ProfileRequirementError: The model needs a profile (learned or per the
                catalog) and the catalog lists none in this region, or the access
                policy forbids every way in that is left (`excluded_by_policy`).

        Example:
            >>> AccessMethodSelector(AccessMethodTracker()).select_access_method(
            ...     "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/"
            ...     "abc123def456", "us-east-1")[1]
            <AccessMethod.APPLICATION_PROFILE: 'application_profile'>
        """
        candidates = self.candidates(model_id, region)
        if not candidates:
            raise self._no_candidate_error(model_id, region)
        chosen = candidates[0]
        logger.info(
            "Access method for %s in %s: %s (sending %s).", model_id, region, chosen[1], chosen[0]
        )
        return chosen

    def get_fallback_access_methods(
        self,
        model_id: str,
        region: str,
        failed: Iterable[AccessMethod | str] = (),
    ) -> list[Candidate]:
        """The candidates still worth trying, in order, after some failed.

        An entry of `failed` removes every candidate it equals: an `AccessMethod`
        removes that whole method; a model ID (as sent) removes just that candidate.
        Pass the sent ID to move from a guessed `jp.` profile to `apac.`; pass the
        method to skip, say, every regional profile.

        Args:
            model_id: The identifier the caller gave.
            region: The region the request goes to.
            failed: Methods or sent model IDs that already failed.

        Returns:
            The remaining candidates, best first; empty when nothing is left.

        Example:
            >>> AccessMethodSelector(AccessMethodTracker()).get_fallback_access_methods(
            ...     "amazon.nova-pro-v1:0", "us-gov-west-1", ["amazon.nova-pro-v1:0"])
            [('us-gov.amazon.nova-pro-v1:0', <AccessMethod.REGIONAL_CRIS: 'regional_cris'>)]
        """
        excluded = set(failed)
        return [
            candidate
            for candidate in self.candidates(model_id, region)
            if candidate[0] not in excluded and candidate[1] not in excluded
        ]

    def candidates(self, model_id: str, region: str) -> list[Candidate]:
        """Every candidate for a call, best first (no logging, no side effects).

        Args:
            model_id: The identifier the caller gave.
            region: The region the request goes to.

        Returns:
            The ordered candidates the access policy allows; empty when a profile is
            required and none is known, or when the policy forbids every way in.

        Example:
            >>> [m for _, m in AccessMethodSelector(AccessMethodTracker()).candidates(
            ...     "amazon.nova-pro-v1:0", "us-east-1")]
            [<AccessMethod.DIRECT: 'direct'>, <AccessMethod.REGIONAL_CRIS: 'regional_cris'>, \
<AccessMethod.GLOBAL_CRIS: 'global_cris'>]
        """
        return self._candidates(model_id, region, self.access_methods)

    def excluded_by_policy(
        self,
        model_id: str,
        region: str,
        failed: Iterable[AccessMethod | str] = (),
    ) -> list[Candidate]:
        """The candidates the access policy rules out, and that would otherwise be tried.

        Args:
            model_id: The identifier the caller gave.
            region: The region the request goes to.
            failed: Methods or sent model IDs that already failed, as for
                `get_fallback_access_methods`.

        Returns:
            The forbidden candidates, in the order the default policy would try them;
            empty under the default policy and for identifiers used as given.

        Example:
            >>> AccessMethodSelector(
            ...     AccessMethodTracker(), access_methods=["direct", "regional"]
            ... ).excluded_by_policy("amazon.nova-pro-v1:0", "eu-west-1")
            [('global.amazon.nova-pro-v1:0', <AccessMethod.GLOBAL_CRIS: 'global_cris'>)]
        """
        if _as_given(parse_model_id(model_id), model_id) is not None:
            return []
        excluded = set(failed)
        return [
            candidate
            for candidate in self._candidates(model_id, region, DEFAULT_ORDER)
            if candidate[1] not in self.access_methods
            and candidate[0] not in excluded
            and candidate[1] not in excluded
        ]

    def _candidates(
        self, model_id: str, region: str, policy: tuple[AccessMethod, ...]
    ) -> list[Candidate]:
        parsed = parse_model_id(model_id)
        given = _as_given(parsed, model_id)
        if given is not None:
            return [given]
        base = parsed.base_model_id
        if base is None:  # pragma: no cover - foundation-model kinds always have a base
            return [(model_id, AccessMethod.DIRECT)]
        candidates = self._catalog_or_default(model_id, base, region)
        # Filter and order by the policy first, so that learning works inside it.
        allowed = sorted(
            (candidate for candidate in candidates if candidate[1] in policy),
            key=lambda candidate: policy.index(candidate[1]),
        )
        return _apply_learning(
            allowed, self.tracker.get_preference(base, region), model_id, base, policy
        )

    def _catalog_or_default(self, sent: str, base: str, region: str) -> list[Candidate]:
        on_demand: bool | None = None
        listed: Mapping[str, str] = {}
        if self.catalog is not None:
            on_demand = self.catalog.supports_on_demand(base, region)
            listed = self.catalog.profiles_for(base, region)
        candidates: list[Candidate] = []
        if on_demand is not False:
            candidates.append((sent, AccessMethod.DIRECT))
        if on_demand is None and not listed:
            # The catalog knows nothing about this pair: guess from the region table.
            candidates += [
                (profile_id(prefix, base), AccessMethod.REGIONAL_CRIS)
                for prefix in regional_prefixes(region)
            ]
            if global_profile_allowed(region):
                candidates.append((profile_id(GLOBAL_PREFIX, base), AccessMethod.GLOBAL_CRIS))
            return candidates
        # The catalog knows the pair: offer only what it lists, regional first.
        preferred = regional_prefixes(region)
        regional = sorted(
            (prefix for prefix in listed if prefix != GLOBAL_PREFIX),
            key=lambda p: (preferred.index(p) if p in preferred else len(preferred), p),
        )
        candidates += [(listed[prefix], AccessMethod.REGIONAL_CRIS) for prefix in regional]
        if GLOBAL_PREFIX in listed:
            candidates.append((listed[GLOBAL_PREFIX], AccessMethod.GLOBAL_CRIS))
        return candidates

    def _no_candidate_error(self, model_id: str, region: str) -> ProfileRequirementError:
        return ProfileRequirementError(
            model_id=model_id,
            region=region,
            tried=(),
            suggested_profile_id=None,
            excluded_by_policy=self.excluded_by_policy(model_id, region),
            access_methods=self.access_methods,
        )


def _as_given(parsed: ParsedModelId, model_id: str) -> Candidate | None:
    """The single candidate for identifiers that already name their way in."""
    if parsed.kind == "application_profile":
        return (model_id, AccessMethod.APPLICATION_PROFILE)
    if parsed.kind == "system_profile":
        return (model_id, method_for_prefix(parsed.geo_prefix or ""))
    if parsed.kind != "foundation_model":
        # Provisioned, custom, imported and other ARNs: no profile can stand in.
        return (model_id, AccessMethod.DIRECT)
    return None


def _apply_learning(
    candidates: list[Candidate],
    learned: AccessMethodPreference | None,
    sent: str,
    base: str,
    policy: tuple[AccessMethod, ...],
) -> list[Candidate]:
    if learned is None:
        return candidates
    if learned.requires_profile:
        candidates = [c for c in candidates if c[1] is not AccessMethod.DIRECT]
    method = learned.get_preferred_method()
    if method is None or method not in policy:
        # A method the policy forbids stays forbidden, however well it worked.
        return candidates
    # Learned facts outrank the catalog: a method that worked is offered even when
    # the catalog (perhaps a stale snapshot) does not list it.
    first: Candidate | None
    if method is AccessMethod.DIRECT:
        first = (sent, method)
    elif learned.profile_id:
        first = (learned.profile_id, method)
    elif method is AccessMethod.GLOBAL_CRIS:
        first = (profile_id(GLOBAL_PREFIX, base), method)
    else:
        first = next((c for c in candidates if c[1] is method), None)
    if first is None:
        return candidates
    return [first, *(c for c in candidates if c != first)]
