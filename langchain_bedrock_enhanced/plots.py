"""Plots of what happened: calls by access method, latency, and the attempts of each call.

The notebooks in `notebooks/` draw with these helpers rather than each copying its
own. They take what the package already reports, as plain values:

- `plot_calls_by_access_method`: `AccessMethodTracker.statistics_records()`;
- `plot_latency_histogram`: the results of `run_parallel` (anything with
  `latency_s` and `ok`);
- `attempt_rows` and `plot_attempt_timeline`: the emulator's request log
  (`BedrockEmulator.requests`) or `BedrockRetryError.attempts`, grouped by call.

matplotlib comes with the `[notebooks]` extra and is imported inside each plotting
function, so importing this module (or the package) never imports it. Each function
draws on the `ax` it is given, or on a new figure from `matplotlib.pyplot`, and
returns the axes.

Example:
    >>> from matplotlib.figure import Figure
    >>> ax = Figure().subplots()
    >>> records = [
    ...     {"model_id": "amazon.nova-pro-v1:0", "region": "eu-west-1",
    ...      "calls_by_method": {"direct": 1, "regional_cris": 3}},
    ... ]
    >>> plot_calls_by_access_method(records, ax=ax).get_title()
    'Calls by access method'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from langchain_bedrock_enhanced.model_ids import AccessMethod, method_for_prefix, parse_model_id
from langchain_bedrock_enhanced.runnables.parallel_results import percentile

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "METHOD_COLORS",
    "OUTCOME_COLORS",
    "AttemptRow",
    "LoggedRequest",
    "RecordedAttempt",
    "TimedResult",
    "attempt_rows",
    "method_of_identifier",
    "outcome_kind",
    "plot_attempt_timeline",
    "plot_calls_by_access_method",
    "plot_latency_histogram",
]

UNKNOWN_METHOD = "unknown"
"""The access method shown when neither the record nor its identifier says."""

METHOD_COLORS: Mapping[str, str] = {
    AccessMethod.DIRECT.value: "tab:blue",
    AccessMethod.REGIONAL_CRIS.value: "tab:orange",
    AccessMethod.GLOBAL_CRIS.value: "tab:green",
    AccessMethod.APPLICATION_PROFILE.value: "tab:purple",
    UNKNOWN_METHOD: "tab:gray",
}
"""One color per access method, the same in every plot."""

OUTCOME_COLORS: Mapping[str, str] = {
    "ok": "tab:green",
    "throttled": "tab:orange",
    "error": "tab:red",
}
"""One color per kind of outcome (see `outcome_kind`)."""

_METHOD_MARKERS: Mapping[str, str] = {
    AccessMethod.DIRECT.value: "o",
    AccessMethod.REGIONAL_CRIS.value: "s",
    AccessMethod.GLOBAL_CRIS.value: "^",
    AccessMethod.APPLICATION_PROFILE.value: "D",
    UNKNOWN_METHOD: "X",
}
_METHOD_LABELS: Mapping[str, str] = {
    AccessMethod.DIRECT.value: "direct",
    AccessMethod.REGIONAL_CRIS.value: "regional",
    AccessMethod.GLOBAL_CRIS.value: "global",
    AccessMethod.APPLICATION_PROFILE.value: "app profile",
    UNKNOWN_METHOD: "unknown",
}
_HTTP_OK = 200
_MILLISECONDS = 1000.0


@runtime_checkable
class LoggedRequest(Protocol):
    """A request as the emulator logged it (`langchain_bedrock_enhanced.emulator.RequestRecord`).

    Example:
        >>> from types import SimpleNamespace
        >>> logged = SimpleNamespace(model_id="m.a-v1:0", region="us-east-1", status=200,
        ...                          error_code=None)
        >>> isinstance(logged, LoggedRequest)
        True
    """

    @property
    def model_id(self) -> str | None:
        """The identifier sent."""

    @property
    def region(self) -> str:
        """The caller's region."""

    @property
    def status(self) -> int:
        """The HTTP status answered (0 when the connection was dropped)."""

    @property
    def error_code(self) -> str | None:
        """The error answered, if any."""


@runtime_checkable
class RecordedAttempt(Protocol):
    """An attempt as `with_bedrock_retry` recorded it (`errors.RetryAttempt`).

    Example:
        >>> from langchain_bedrock_enhanced.errors import RetryAttempt
        >>> isinstance(RetryAttempt("m.a-v1:0", "us-east-1", "direct", "ok"), RecordedAttempt)
        True
    """

    @property
    def model_id(self) -> str:
        """The model of the attempt."""

    @property
    def region(self) -> str:
        """The region of the attempt."""

    @property
    def access_method(self) -> str | None:
        """The access method the engine chose, when known."""

    @property
    def outcome(self) -> str:
        """`ok`, or the error's type and message."""


class TimedResult(Protocol):
    """One input's outcome, as `run_parallel` returns it (`ParallelResult`).

    Example:
        >>> from langchain_bedrock_enhanced.runnables import ParallelResult
        >>> result: TimedResult = ParallelResult(index=0, input="hi", latency_s=0.2)
        >>> result.ok
        True
    """

    @property
    def latency_s(self) -> float:
        """Seconds from sending to the outcome."""

    @property
    def ok(self) -> bool:
        """Whether the input produced an output."""


@dataclass(frozen=True)
class AttemptRow:
    """One request (or one retry attempt) of one call, ready for a table or a plot.

    Example:
        >>> row = AttemptRow("call 1", 1, "us.amazon.nova-pro-v1:0", "us-east-1",
        ...                  "regional_cris", "ok")
        >>> row.access_method, row.outcome
        ('regional_cris', 'ok')
    """

    call: str
    """The label of the call the attempt belongs to."""
    attempt: int
    """The attempt's position in its call, from 1."""
    model_id: str
    """The identifier sent, or the model of the attempt."""
    region: str
    """The region of the attempt."""
    access_method: str
    """An `AccessMethod` value, or `"unknown"`."""
    outcome: str
    """`"ok"`, or the error's code (`ThrottlingException`) or type (`ThrottlingError`)."""


def method_of_identifier(identifier: str | None) -> str:
    """The access method an identifier stands for, read from its form alone.

    Args:
        identifier: A model identifier as sent (bare ID, profile ID or ARN), or `None`.

    Returns:
        An `AccessMethod` value, or `"unknown"` for `None` or another kind of ARN.

    Example:
        >>> [method_of_identifier(i) for i in ("eu.amazon.nova-pro-v1:0", "amazon.nova-pro-v1:0")]
        ['regional_cris', 'direct']
    """
    if identifier is None:
        return UNKNOWN_METHOD
    parsed = parse_model_id(identifier)
    if parsed.kind == "system_profile" and parsed.geo_prefix is not None:
        return method_for_prefix(parsed.geo_prefix).value
    if parsed.kind == "application_profile":
        return AccessMethod.APPLICATION_PROFILE.value
    if parsed.kind == "foundation_model":
        return AccessMethod.DIRECT.value
    return UNKNOWN_METHOD


def outcome_kind(outcome: str) -> str:
    """Group an outcome for coloring: `"ok"`, `"throttled"` or `"error"`.

    Args:
        outcome: `"ok"`, an AWS error code, or an error type.

    Returns:
        The kind, a key of `OUTCOME_COLORS`.

    Example:
        >>> [outcome_kind(o) for o in ("ok", "ThrottlingException", "ServiceUnavailableError")]
        ['ok', 'throttled', 'error']
    """
    if outcome == "ok":
        return "ok"
    return "throttled" if "Throttl" in outcome else "error"


def _row(call: str, attempt: int, item: object) -> AttemptRow:
    if isinstance(item, LoggedRequest):
        answered = "ok" if item.status == _HTTP_OK else f"HTTP {item.status}"
        outcome = item.error_code or answered
        return AttemptRow(
            call,
            attempt,
            item.model_id or "",
            item.region,
            method_of_identifier(item.model_id),
            outcome,
        )
    if isinstance(item, RecordedAttempt):
        return AttemptRow(
            call,
            attempt,
            item.model_id,
            item.region,
            str(item.access_method or UNKNOWN_METHOD),
            item.outcome.split(":", 1)[0].strip(),
        )
    msg = (
        f"{type(item).__name__} is neither a logged request (model_id, region, status, "
        "error_code) nor a retry attempt (model_id, region, access_method, outcome)."
    )
    raise TypeError(msg)


def attempt_rows(calls: Mapping[str, Iterable[object]]) -> list[AttemptRow]:
    """Flatten calls into one row per attempt, in order.

    Args:
        calls: For each call's label, its attempts in order: the emulator's
            `RequestRecord`s for that call, or a `BedrockRetryError`'s `attempts`.

    Returns:
        The rows, call by call.

    Raises:
        TypeError: An attempt is neither a logged request nor a retry attempt.

    Example:
        >>> from langchain_bedrock_enhanced.errors import RetryAttempt
        >>> rows = attempt_rows({"call 1": [
        ...     RetryAttempt("amazon.nova-pro-v1:0", "us-east-1", "direct",
        ...                  "ThrottlingError: Too many requests"),
        ...     RetryAttempt("amazon.nova-pro-v1:0", "us-west-2", "regional_cris", "ok"),
        ... ]})
        >>> [(row.attempt, row.region, row.outcome) for row in rows]
        [(1, 'us-east-1', 'ThrottlingError'), (2, 'us-west-2', 'ok')]
    """
    return [
        _row(call, position, item)
        for call, items in calls.items()
        for position, item in enumerate(items, start=1)
    ]


def _base_model(identifier: str) -> str:
    return parse_model_id(identifier).base_model_id or identifier


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt  # noqa: PLC0415 - matplotlib is the [notebooks] extra's

    _, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def plot_calls_by_access_method(
    records: Iterable[Mapping[str, Any]], ax: Axes | None = None
) -> Axes:
    """Draw each (model, region) pair's calls as one bar, stacked by access method.

    Args:
        records: `AccessMethodTracker.statistics_records()`, or mappings with
            `model_id`, `region` and `calls_by_method` (access method -> calls).
        ax: The axes to draw on; a new figure when omitted.

    Returns:
        The axes.

    Example:
        >>> from matplotlib.figure import Figure
        >>> ax = plot_calls_by_access_method(
        ...     [{"model_id": "m.a-v1:0", "region": "us-east-1",
        ...       "calls_by_method": {"direct": 2, "regional_cris": 1}}],
        ...     ax=Figure().subplots(),
        ... )
        >>> [text.get_text() for text in ax.get_legend().get_texts()]
        ['direct', 'regional_cris']
    """
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415 - the [notebooks] extra's

    rows = list(records)
    axes = _new_axes(ax, (9.0, 1.0 + 0.45 * max(len(rows), 1)))
    labels = [f"{row['model_id']}  ·  {row['region']}" for row in rows]
    used = {method for row in rows for method, n in row["calls_by_method"].items() if n}
    methods = [m for m in METHOD_COLORS if m in used] + sorted(used - set(METHOD_COLORS))
    left = [0.0] * len(rows)
    positions = list(range(len(rows)))
    for method in methods:
        counts = [float(row["calls_by_method"].get(method, 0)) for row in rows]
        bars = axes.barh(
            positions,
            counts,
            left=left,
            label=method,
            color=METHOD_COLORS.get(method, METHOD_COLORS[UNKNOWN_METHOD]),
        )
        axes.bar_label(bars, labels=[str(int(n)) if n else "" for n in counts], label_type="center")
        left = [start + n for start, n in zip(left, counts, strict=True)]
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    axes.set_xlim(0, max(max(left, default=0.0), 1.0) * 1.08)
    axes.set_xlabel("calls")
    axes.set_title("Calls by access method")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if methods:
        axes.legend(title="access method", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return axes


def plot_latency_histogram(
    results: Iterable[TimedResult], ax: Axes | None = None, *, bins: int = 30
) -> Axes:
    """Draw a histogram of per-input latency, succeeded and failed inputs stacked.

    The median and the 95th percentile of all inputs are marked.

    Args:
        results: The results of `run_parallel` (a `ParallelResponse`), or anything
            with `latency_s` and `ok`.
        ax: The axes to draw on; a new figure when omitted.
        bins: How many bins.

    Returns:
        The axes.

    Example:
        >>> from types import SimpleNamespace
        >>> from matplotlib.figure import Figure
        >>> results = [SimpleNamespace(latency_s=s / 100, ok=s % 5 != 0) for s in range(1, 41)]
        >>> ax = plot_latency_histogram(results, ax=Figure().subplots(), bins=8)
        >>> ax.get_xlabel()
        'latency (ms)'
    """
    items = list(results)
    axes = _new_axes(ax, (8.0, 3.5))
    succeeded = [item.latency_s * _MILLISECONDS for item in items if item.ok]
    failed = [item.latency_s * _MILLISECONDS for item in items if not item.ok]
    axes.hist(
        [succeeded, failed],
        bins=bins,
        stacked=True,
        color=[OUTCOME_COLORS["ok"], OUTCOME_COLORS["error"]],
        label=[f"succeeded ({len(succeeded)})", f"failed ({len(failed)})"],
    )
    every = sorted(succeeded + failed)
    if every:
        for fraction, style in ((0.5, "--"), (0.95, ":")):
            axes.axvline(
                percentile(every, fraction),
                color="black",
                linestyle=style,
                label=f"p{round(fraction * 100)}",
            )
    axes.set_xlabel("latency (ms)")
    axes.set_ylabel("inputs")
    axes.set_title("Latency per input")
    axes.legend()
    return axes


def plot_attempt_timeline(calls: Mapping[str, Sequence[object]], ax: Axes | None = None) -> Axes:
    """Draw each call as a row of its attempts: region, access method and outcome.

    Each marker is one attempt, left to right in the order sent. Its color is the
    outcome (`OUTCOME_COLORS`), its shape the access method, and the text under it
    the region, and the model when it is not the call's first (a fallback).

    Args:
        calls: For each call's label, its attempts in order (see `attempt_rows`).
        ax: The axes to draw on; a new figure when omitted.

    Returns:
        The axes.

    Raises:
        TypeError: An attempt is neither a logged request nor a retry attempt.

    Example:
        >>> from langchain_bedrock_enhanced.errors import RetryAttempt
        >>> from matplotlib.figure import Figure
        >>> ax = plot_attempt_timeline(
        ...     {"call 1": [RetryAttempt("m.a-v1:0", "us-east-1", "direct", "ok")]},
        ...     ax=Figure().subplots(),
        ... )
        >>> [label.get_text() for label in ax.get_yticklabels()]
        ['call 1']
    """
    from matplotlib.lines import Line2D  # noqa: PLC0415 - matplotlib is the [notebooks] extra's

    rows = attempt_rows(calls)
    labels = list(calls)
    widest = max((row.attempt for row in rows), default=1)
    axes = _new_axes(ax, (1.8 + 1.3 * widest, 0.9 + 0.75 * max(len(labels), 1)))
    first_model: dict[str, str] = {}
    for row in rows:
        first_model.setdefault(row.call, _base_model(row.model_id))
    for row in rows:
        y = labels.index(row.call)
        model = _base_model(row.model_id)
        text = row.region if model == first_model[row.call] else f"{row.region}\n{model}"
        axes.scatter(
            row.attempt,
            y,
            s=220,
            marker=_METHOD_MARKERS.get(row.access_method, _METHOD_MARKERS[UNKNOWN_METHOD]),
            color=OUTCOME_COLORS[outcome_kind(row.outcome)],
            edgecolors="black",
            zorder=3,
        )
        axes.annotate(
            text,
            (row.attempt, y),
            xytext=(0, -15),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize="small",
        )
    for y, label in enumerate(labels):
        count = sum(1 for row in rows if row.call == label)
        axes.plot([1, max(count, 1)], [y, y], color="lightgray", zorder=1)
    axes.set_yticks(range(len(labels)), labels)
    axes.set_ylim(len(labels) - 0.4, -0.6)
    axes.set_xticks(range(1, widest + 1))
    axes.set_xlim(0.4, widest + 0.6)
    axes.set_xlabel("attempt")
    axes.set_title("Attempts per call")
    seen_methods = [m for m in _METHOD_MARKERS if any(r.access_method == m for r in rows)]
    seen_outcomes = [k for k in OUTCOME_COLORS if any(outcome_kind(r.outcome) == k for r in rows)]
    handles = [
        Line2D([], [], marker="o", linestyle="", color=OUTCOME_COLORS[kind], label=kind)
        for kind in seen_outcomes
    ] + [
        Line2D(
            [],
            [],
            marker=_METHOD_MARKERS[m],
            linestyle="",
            color="white",
            markeredgecolor="black",
            label=_METHOD_LABELS[m],
        )
        for m in seen_methods
    ]
    if handles:
        axes.legend(handles=handles, loc="center left", bbox_to_anchor=(1.01, 0.5))
    return axes
