"""Deciding, per request, whether a fault fires, whether a quota throttles, and how slow to be.

All three are driven by a `Scenario` and are deterministic: faults count requests or
draw from seeded generators, quotas take an injectable clock, and latency is drawn
from a seeded generator. Each object holds a lock, because the server answers
requests concurrently and the outcome must not depend on a race.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._scenario import (
    STREAMING_OPERATIONS,
    FaultRule,
    NormalLatency,
    QuotaSpec,
    UniformLatency,
)

__all__ = ["FaultInjector", "FaultRule", "LatencyModel", "Quota"]


def _rng(seed: int) -> random.Random:
    # Fault and latency draws only need to repeat, not to be unpredictable.
    return random.Random(seed)  # noqa: S311


class FaultInjector:
    """Picks the fault, if any, that fires for a request.

    Rules are checked in order and the first that fires wins; a request claimed by
    an earlier rule is not seen by later ones. A rule with `times` fires for the first
    `times` requests that reach it and match, then never again; a rule with
    `probability` draws once per matching request from its own `random.Random(seed)`.

    Args:
        rules: The scenario's faults.

    Example:
        >>> injector = FaultInjector([FaultRule(error="ThrottlingException", times=1)])
        >>> [injector.pick(operation="Converse", model_id="m.x", region="us-east-1") is not None
        ...  for _ in range(2)]
        [True, False]
    """

    def __init__(self, rules: Sequence[FaultRule] = ()) -> None:
        """Prepare the per-rule counters and generators; see the class docstring."""
        self._rules = tuple(rules)
        self._matched = [0] * len(self._rules)
        self._fired = [0] * len(self._rules)
        self._rngs = [
            _rng(rule.seed if rule.seed is not None else index)
            for index, rule in enumerate(self._rules)
        ]
        self._lock = threading.Lock()

    @property
    def rules(self) -> tuple[FaultRule, ...]:
        """The rules, in the order they are checked."""
        return self._rules

    def fired_counts(self) -> tuple[int, ...]:
        """How many times each rule has fired so far."""
        with self._lock:
            return tuple(self._fired)

    def pick(
        self,
        *,
        operation: str,
        model_id: str,
        base_model_id: str | None = None,
        region: str,
        streaming: bool | None = None,
    ) -> FaultRule | None:
        """The rule that fires for this request, or None.

        Args:
            operation: The operation name, e.g. `Converse` or `ListInferenceProfiles`.
            model_id: The model identifier as sent ("" for list operations).
            base_model_id: The base model it resolves to, when known.
            region: The caller's region.
            streaming: Whether the answer is an event stream; `mid_stream` rules only
                fire for streams. Defaults to whether `operation` is a stream operation.
        """
        if streaming is None:
            streaming = operation in STREAMING_OPERATIONS
        with self._lock:
            for index, rule in enumerate(self._rules):
                if rule.mid_stream is not None and not streaming:
                    continue
                if not rule.match.matches(
                    operation=operation,
                    model_id=model_id,
                    base_model_id=base_model_id,
                    region=region,
                ):
                    continue
                self._matched[index] += 1
                if rule.times is not None and self._matched[index] > rule.times:
                    continue
                if rule.probability is not None and (
                    self._rngs[index].random() >= rule.probability
                ):
                    continue
                self._fired[index] += 1
                return rule
        return None


@dataclass
class _Bucket:
    """A token bucket refilled continuously at `rate` per second up to `capacity`."""

    rate: float
    capacity: float
    level: float
    updated: float | None = None

    def refill(self, now: float) -> None:
        if self.updated is not None and now > self.updated:
            self.level = min(self.capacity, self.level + (now - self.updated) * self.rate)
        # A clock that steps back (only possible with injected times) refills nothing.
        self.updated = now if self.updated is None else max(self.updated, now)

    def can_take(self, amount: float) -> bool:
        # An amount above capacity could never fit: it is admitted from a full bucket
        # and leaves the bucket in debt, which later refills repay.
        return self.level >= min(amount, self.capacity)


def _bucket(per_second: float, capacity: float | None = None) -> _Bucket:
    size = max(1.0, per_second if capacity is None else capacity)
    return _Bucket(rate=per_second, capacity=size, level=size)


class Quota:
    """Request and token quotas as token buckets, answering with Bedrock's throttle texts.

    Each rate of the `QuotaSpec` adds a bucket. Request buckets hold `burst` requests
    (default one second's worth, at least 1); token buckets hold one second's worth of
    tokens (at least 1). Buckets start full.

    Args:
        spec: The scenario's quota, or its dict form.

    Example:
        >>> quota = Quota({"requests_per_second": 1, "burst": 2})
        >>> [quota.try_acquire(now=0.0) for _ in range(3)]
        [None, None, 'Too many requests, please wait before trying again.']
        >>> quota.try_acquire(now=1.0) is None
        True
    """

    def __init__(self, spec: QuotaSpec | Mapping[str, Any] | None = None) -> None:
        """Build the buckets; see the class docstring."""
        if spec is None:
            spec = QuotaSpec()
        elif not isinstance(spec, QuotaSpec):
            spec = QuotaSpec.model_validate(dict(spec))
        self.spec = spec
        self._requests = [
            _bucket(rate, spec.burst)
            for rate in (
                spec.requests_per_second,
                spec.requests_per_minute / 60 if spec.requests_per_minute else None,
            )
            if rate is not None
        ]
        self._tokens = [
            _bucket(rate)
            for rate in (
                spec.tokens_per_second,
                spec.tokens_per_minute / 60 if spec.tokens_per_minute else None,
            )
            if rate is not None
        ]
        self._lock = threading.Lock()

    def try_acquire(self, tokens: int = 0, now: float | None = None) -> str | None:
        """Admit one request using `tokens` tokens, or say why not.

        Nothing is consumed when the request is refused.

        Args:
            tokens: Input plus output tokens of the call.
            now: Seconds on a monotonic clock; `time.monotonic()` when omitted.

        Returns:
            None when admitted, else the verbatim ThrottlingException message:
            `THROTTLED_REQUESTS` for a request quota, `THROTTLED_TOKENS` for a token quota.
        """
        moment = time.monotonic() if now is None else now
        with self._lock:
            for bucket in (*self._requests, *self._tokens):
                bucket.refill(moment)
            if not all(bucket.can_take(1) for bucket in self._requests):
                return _errors.THROTTLED_REQUESTS
            if tokens > 0 and not all(bucket.can_take(tokens) for bucket in self._tokens):
                return _errors.THROTTLED_TOKENS
            for bucket in self._requests:
                bucket.level -= 1
            for bucket in self._tokens:
                bucket.level -= tokens
        return None


class LatencyModel:
    """Draws the added latency of each model call from the scenario's latency spec.

    Args:
        spec: Fixed milliseconds, a uniform or normal distribution, or None (no latency).

    Example:
        >>> model = LatencyModel(UniformLatency(distribution="uniform", min=10, max=20, seed=3))
        >>> 10 <= model.sample_ms() <= 20
        True
    """

    def __init__(self, spec: float | UniformLatency | NormalLatency | None = None) -> None:
        """Prepare the seeded generator; see the class docstring."""
        self.spec = spec
        seed = spec.seed if isinstance(spec, UniformLatency | NormalLatency) else 0
        self._rng = _rng(seed)
        self._lock = threading.Lock()

    def sample_ms(self) -> float:
        """The next latency, in milliseconds (never negative)."""
        spec = self.spec
        if spec is None:
            return 0.0
        if isinstance(spec, UniformLatency):
            with self._lock:
                return self._rng.uniform(spec.min, spec.max)
        if isinstance(spec, NormalLatency):
            with self._lock:
                return max(0.0, self._rng.gauss(spec.mean, spec.stddev))
        return max(0.0, float(spec))
