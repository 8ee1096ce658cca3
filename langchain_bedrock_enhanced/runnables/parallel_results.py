"""What `run_parallel` returns: per-input results, and statistics over them.

Example:
    >>> stats = compute_statistics(
    ...     [ParallelResult(0, "a", output="x", latency_s=1.0, region="us-east-1"),
    ...      ParallelResult(1, "b", output="y", latency_s=3.0, region="us-east-1")],
    ...     wall_time_s=3.5,
    ... )
    >>> stats.success_rate, stats.by_region, stats.latency_p50_s
    (1.0, {'us-east-1': 2}, 2.0)
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any, overload

from langchain_bedrock_enhanced.callbacks.call_info import UNKNOWN, TokenUsage
from langchain_bedrock_enhanced.errors import BedrockEnhancedError

__all__ = [
    "ParallelResponse",
    "ParallelResult",
    "ParallelStatistics",
    "compute_statistics",
    "percentile",
]

_P50 = 0.5
_P95 = 0.95


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """The `fraction` quantile of sorted values, interpolating linearly between ranks.

    Args:
        sorted_values: Values in ascending order.
        fraction: Between 0 and 1 (0.5 is the median).

    Returns:
        The quantile; 0.0 for no values.

    Example:
        >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5), percentile([5.0], 0.95)
        (2.5, 5.0)
    """
    if not sorted_values:
        return 0.0
    position = (len(sorted_values) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    weight = position - low
    return sorted_values[low] * (1 - weight) + sorted_values[high] * weight


@dataclass(frozen=True)
class ParallelStatistics:
    """What happened over a whole `run_parallel` call.

    Counts by access method, region and model cover every result (a failed input is
    counted where it was sent, when known); profile usage, tokens and cost cover what
    the calls reported. Latency quantiles cover every result.

    Example:
        >>> ParallelStatistics().success_rate
        0.0
    """

    total: int = 0
    """Inputs."""
    succeeded: int = 0
    """Inputs that produced an output."""
    failed: int = 0
    """Inputs that ended in an error."""
    success_rate: float = 0.0
    """`succeeded / total` (0.0 for no inputs)."""
    by_access_method: dict[str, int] = field(default_factory=dict)
    """Results per access method (`"unknown"` when not reported)."""
    by_region: dict[str, int] = field(default_factory=dict)
    """Results per region (`"unknown"` when not known)."""
    by_model: dict[str, int] = field(default_factory=dict)
    """Results per model the caller asked for, failures included (`"unknown"` when no
    model was called); the profiles that served them are in `profile_usage`."""
    access_methods_by_model: dict[str, dict[str, int]] = field(default_factory=dict)
    """For each model in `by_model`, its results per access method."""
    profile_usage: dict[str, int] = field(default_factory=dict)
    """Successful results per inference profile ID or ARN used."""
    errors_by_type: dict[str, int] = field(default_factory=dict)
    """Failed results per error class name (`ThrottlingError`, ...), sorted by name."""
    usage: TokenUsage = field(default_factory=TokenUsage)
    """Tokens of every model call: input, output (reasoning included), cache read and write."""
    cost_usd: float | None = 0.0
    """USD spent, each token category (input, output, reasoning, cache read, 5-minute and
    1-hour cache write) at its own rate; `None` when a model called has no price."""
    known_cost_usd: float = 0.0
    """USD spent on the calls whose model has a price."""
    attempts: int | None = None
    """Requests sent, retries included, over the results that reported them."""
    latency_p50_s: float = 0.0
    """Median seconds per input."""
    latency_p95_s: float = 0.0
    """95th-percentile seconds per input."""
    latency_max_s: float = 0.0
    """Slowest input, in seconds."""
    wall_time_s: float = 0.0
    """Seconds for the whole run."""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tokens as a nested dict).

        Returns:
            The statistics.

        Example:
            >>> ParallelStatistics().as_dict()["usage"]["input_tokens"]
            0
        """
        return asdict(self)

    def to_markdown(self) -> str:
        """A two-column markdown table, for a notebook or a log.

        Returns:
            The table.

        Example:
            >>> ParallelStatistics().to_markdown().splitlines()[0]
            '| Statistic | Value |'
        """
        cost = "unknown (unpriced model)" if self.cost_usd is None else f"${self.cost_usd:.6f}"
        rows = [
            ("inputs", str(self.total)),
            ("succeeded / failed", f"{self.succeeded} / {self.failed}"),
            ("success rate", f"{self.success_rate:.1%}"),
            ("by model", _counts(self.by_model)),
            ("by access method", _counts(self.by_access_method)),
            ("by region", _counts(self.by_region)),
            ("profiles", _counts(self.profile_usage)),
            ("errors", _counts(self.errors_by_type)),
            (
                "tokens in / out",
                f"{self.usage.input_tokens} / {self.usage.output_tokens}",
            ),
            ("reasoning tokens (of output)", str(self.usage.reasoning_tokens)),
            (
                "cache read / write (of which 1h)",
                (
                    f"{self.usage.cache_read_tokens} / {self.usage.cache_write_tokens} "
                    f"({self.usage.cache_write_1h_tokens})"
                ),
            ),
            ("cost", cost),
            ("attempts", "unknown" if self.attempts is None else str(self.attempts)),
            (
                "latency p50 / p95 / max",
                (
                    f"{self.latency_p50_s:.3f}s / {self.latency_p95_s:.3f}s / "
                    f"{self.latency_max_s:.3f}s"
                ),
            ),
            ("wall time", f"{self.wall_time_s:.3f}s"),
        ]
        lines = ["| Statistic | Value |", "|---|---|"]
        lines += [f"| {name} | {value} |" for name, value in rows]
        return "\n".join(lines)


def _nested_counts(pairs: Iterable[tuple[str, str]]) -> dict[str, dict[str, int]]:
    nested: dict[str, Counter[str]] = {}
    for outer, inner in pairs:
        nested.setdefault(outer, Counter())[inner] += 1
    return {outer: dict(counts) for outer, counts in nested.items()}


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{key}: {value}" for key, value in counts.items()) or "-"


def compute_statistics(results: Sequence[ParallelResult], wall_time_s: float) -> ParallelStatistics:
    """Aggregate results into statistics.

    Args:
        results: Every input's result.
        wall_time_s: Seconds the whole run took.

    Returns:
        The statistics.
    """
    total = len(results)
    succeeded = sum(1 for result in results if result.ok)
    errors = Counter(type(r.error).__name__ for r in results if r.error is not None)
    costs = [result.cost_usd for result in results]
    known_cost = sum(cost for cost in costs if cost is not None)
    attempts = [result.attempts for result in results if result.attempts is not None]
    latencies = sorted(result.latency_s for result in results)
    return ParallelStatistics(
        total=total,
        succeeded=succeeded,
        failed=total - succeeded,
        success_rate=succeeded / total if total else 0.0,
        by_access_method=dict(Counter(result.access_method for result in results)),
        by_region=dict(Counter(result.region or UNKNOWN for result in results)),
        by_model=dict(Counter(result.model_id or UNKNOWN for result in results)),
        access_methods_by_model=_nested_counts(
            (result.model_id or UNKNOWN, result.access_method) for result in results
        ),
        profile_usage=dict(
            Counter(
                result.inference_profile_id
                for result in results
                if result.ok and result.inference_profile_id
            )
        ),
        errors_by_type=dict(sorted(errors.items())),  # the same order however calls ran
        usage=sum((result.usage for result in results), TokenUsage()),
        cost_usd=None if any(cost is None for cost in costs) else known_cost,
        known_cost_usd=known_cost,
        attempts=sum(attempts) if attempts else None,
        latency_p50_s=percentile(latencies, _P50),
        latency_p95_s=percentile(latencies, _P95),
        latency_max_s=latencies[-1] if latencies else 0.0,
        wall_time_s=wall_time_s,
    )


@dataclass(frozen=True)
class ParallelResult:
    """The outcome of one input.

    Example:
        >>> result = ParallelResult(index=0, input="hi", output="hello")
        >>> result.ok, result.access_method
        (True, 'unknown')
    """

    index: int
    """The input's position in the inputs."""
    input: Any
    """The input, as given."""
    output: Any = None
    """The runnable's output; `None` when it failed."""
    error: BedrockEnhancedError | None = None
    """The typed error when it failed (the original exception is its `__cause__`)."""
    model_id: str | None = None
    """The model identifier sent (or reported), if a model was called."""
    access_method: str = UNKNOWN
    """How the model was reached (`"unknown"` when the response did not say)."""
    inference_profile_id: str | None = None
    """The inference profile ID or ARN used, if any."""
    region: str | None = None
    """The region of the call, if known."""
    latency_s: float = 0.0
    """Seconds from sending to the outcome (time waiting for the rate limiter excluded)."""
    usage: TokenUsage = field(default_factory=TokenUsage)
    """Tokens used by every model call this input made."""
    cost_usd: float | None = 0.0
    """USD spent; `None` when a model called has no price."""
    attempts: int | None = None
    """Requests sent for this input, retries included, if known."""
    llm_calls: int = 0
    """Model calls that returned a response."""

    @property
    def ok(self) -> bool:
        """Whether the input produced an output."""
        return self.error is None


@dataclass(frozen=True)
class ParallelResponse(Sequence[ParallelResult]):
    """Every input's result, in input order, and statistics over them.

    It is a sequence: `len(response)`, `response[i]`, iteration.

    Example:
        >>> response = ParallelResponse((ParallelResult(0, "x", output="y"),), wall_time_s=0.5)
        >>> response.outputs, response.statistics.succeeded
        (['y'], 1)
    """

    results: tuple[ParallelResult, ...]
    """One result per input, in input order."""
    wall_time_s: float
    """Seconds from the first call to the last outcome."""

    @cached_property
    def statistics(self) -> ParallelStatistics:
        """Success rate, counts, tokens, cost and latency over every result."""
        return compute_statistics(self.results, self.wall_time_s)

    def summary(self) -> str:
        """The statistics as a markdown table (see `ParallelStatistics.to_markdown`).

        Returns:
            The table.
        """
        return self.statistics.to_markdown()

    @property
    def outputs(self) -> list[Any]:
        """Each input's output, `None` for a failed one."""
        return [result.output for result in self.results]

    @property
    def failures(self) -> list[ParallelResult]:
        """The results that failed, in input order."""
        return [result for result in self.results if not result.ok]

    def __len__(self) -> int:
        """The number of inputs."""
        return len(self.results)

    def __iter__(self) -> Iterator[ParallelResult]:
        """The results, in input order."""
        return iter(self.results)

    @overload
    def __getitem__(self, index: int) -> ParallelResult: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ParallelResult, ...]: ...

    def __getitem__(self, index: int | slice) -> ParallelResult | tuple[ParallelResult, ...]:
        """The result of one input (or a tuple of results for a slice)."""
        return self.results[index]
