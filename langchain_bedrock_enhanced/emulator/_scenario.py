"""Scenarios: what a run of the emulator looks like (world changes, latency, quota, faults).

A scenario is plain data, loadable from a dict, a JSON file or a TOML file, and
validated up front so a typo fails when the scenario is loaded rather than in the
middle of a test. The format is documented in `docs/emulator-scenarios.md`.

Model hierarchy:

    Scenario
    ├── world: WorldOverrides        (applied with World.with_overrides)
    ├── latency_ms: number | UniformLatency | NormalLatency
    ├── quota: QuotaSpec
    ├── faults: [FaultRule]
    │             └── match: FaultMatch
    ├── reasoning: ReasoningSpec
    ├── prompt_cache: PromptCacheSpec
    ├── batch: BatchSpec              (_batch: S3 endpoint, job speed, record failures)
    └── guardrails: [GuardrailSpec]   (_guardrails)
                      └── denied_topics: [DeniedTopic]
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._batch import OPERATIONS as BATCH_OPERATIONS
from langchain_bedrock_enhanced.emulator._batch import BatchSpec
from langchain_bedrock_enhanced.emulator._guardrails import GuardrailSpec
from langchain_bedrock_enhanced.emulator._json import has_lone_surrogate
from langchain_bedrock_enhanced.emulator._world import World

RUNTIME_OPERATIONS = frozenset(
    {"Converse", "ConverseStream", "InvokeModel", "InvokeModelWithResponseStream", "CountTokens"}
)
"""bedrock-runtime operations, the ones a quota applies to."""
CONTROL_PLANE_OPERATIONS = frozenset(
    {
        "ListFoundationModels",
        "GetFoundationModel",
        "ListInferenceProfiles",
        "GetInferenceProfile",
        "GetFoundationModelAvailability",
        *BATCH_OPERATIONS,
    }
)
STREAMING_OPERATIONS = frozenset({"ConverseStream", "InvokeModelWithResponseStream"})
STREAM_EXCEPTIONS = frozenset(
    {
        "InternalServerException",
        "ModelStreamErrorException",
        "ModelTimeoutException",
        "ServiceUnavailableException",
        "ThrottlingException",
        "ValidationException",
    }
)
"""The exceptions botocore models as members of the runtime event streams."""


def _one_or_many(value: object) -> object:
    """Let a match key be one string or a list of them."""
    return (value,) if isinstance(value, str) else value


OneOrMany = Annotated[tuple[str, ...] | None, BeforeValidator(_one_or_many)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FaultMatch(_Frozen):
    """Which requests a fault applies to; an omitted key matches every request."""

    model_id: OneOrMany = None
    """The `modelId` as sent, or the base model it resolves to (either matches)."""
    operation: OneOrMany = None
    """Operation names: `Converse`, `ConverseStream`, `InvokeModel`, ... or control-plane names."""
    region: OneOrMany = None
    """The caller's regions."""

    @model_validator(mode="after")
    def _known_operations(self) -> FaultMatch:
        unknown = set(self.operation or ()) - RUNTIME_OPERATIONS - CONTROL_PLANE_OPERATIONS
        if unknown:
            known = sorted(RUNTIME_OPERATIONS | CONTROL_PLANE_OPERATIONS)
            msg = f"unknown operation {sorted(unknown)}; expected some of {known}"
            raise ValueError(msg)
        return self

    def matches(
        self, *, operation: str, model_id: str, base_model_id: str | None, region: str
    ) -> bool:
        """Whether a request with these attributes is matched.

        Example:
            >>> match = FaultMatch(model_id="a.b")
            >>> match.matches(operation="Converse", model_id="us.a.b", base_model_id="a.b",
            ...               region="us-east-1")
            True
        """
        if self.operation is not None and operation not in self.operation:
            return False
        if self.region is not None and region not in self.region:
            return False
        return self.model_id is None or bool({model_id, base_model_id} & set(self.model_id))


class FaultRule(_Frozen):
    """One injected fault: which requests, what happens, and how often.

    Exactly one outcome is set: `error` (answer with an HTTP error), `mid_stream`
    (start the stream, then fail it) or `drop_connection` (close the socket unanswered).

    Example:
        >>> rule = FaultRule.model_validate({"error": "ThrottlingException", "times": 2})
        >>> rule.outcome, rule.resolved_message
        ('error', 'Too many requests, please wait before trying again.')
    """

    match: FaultMatch = Field(default_factory=FaultMatch)
    """Which requests the rule applies to; omitted, every request."""
    error: str | None = None
    """A bedrock-runtime modeled exception to answer with, e.g. `ThrottlingException`."""
    mid_stream: str | None = None
    """An exception sent as an event-stream exception frame after `after_events` events."""
    drop_connection: Literal[True] | None = None
    """Close the connection without answering."""
    message: str | None = None
    """The error message; Bedrock's usual text for the exception when omitted."""
    after_events: int = Field(default=1, ge=0)
    """With `mid_stream`: how many stream events are sent before the exception frame."""
    times: int | None = Field(default=None, ge=1)
    """Fire for the first `times` matching requests only, then never."""
    probability: float | None = Field(default=None, ge=0.0, le=1.0)
    """Fire for each matching request with this probability (seeded, so runs repeat)."""
    seed: int | None = None
    """Seed of this rule's random draws; defaults to the rule's position in `faults`."""
    original_status_code: int | None = None
    """`originalStatusCode` body member of ModelErrorException / ModelStreamErrorException."""
    original_message: str | None = None
    """`originalMessage` body member of ModelStreamErrorException."""
    resource_name: str | None = None
    """`resourceName` body member of ModelErrorException."""

    @model_validator(mode="after")
    def _consistent(self) -> FaultRule:  # noqa: C901 - one flat list of independent checks
        outcomes = [self.error, self.mid_stream, self.drop_connection]
        if sum(outcome is not None for outcome in outcomes) != 1:
            msg = "a fault needs exactly one of 'error', 'mid_stream' or 'drop_connection'"
            raise ValueError(msg)
        if self.times is not None and self.probability is not None:
            msg = "'times' and 'probability' cannot both be set on one fault"
            raise ValueError(msg)
        if self.error is not None and not _errors.is_modeled(self.error):
            msg = (
                f"error {self.error!r} is not a bedrock-runtime modeled exception; "
                f"expected one of {sorted(_errors.MODELED_CODES)}"
            )
            raise ValueError(msg)
        if self.mid_stream is not None:
            if self.mid_stream not in STREAM_EXCEPTIONS:
                msg = (
                    f"mid_stream {self.mid_stream!r} is not an event-stream exception; "
                    f"expected one of {sorted(STREAM_EXCEPTIONS)}"
                )
                raise ValueError(msg)
            if not set(self.match.operation or STREAMING_OPERATIONS) <= STREAMING_OPERATIONS:
                msg = "mid_stream faults only match ConverseStream/InvokeModelWithResponseStream"
                raise ValueError(msg)
        elif "after_events" in self.model_fields_set:
            msg = "'after_events' only applies to mid_stream faults"
            raise ValueError(msg)
        if self.drop_connection and self.message is not None:
            msg = "'message' has no effect with drop_connection"
            raise ValueError(msg)
        members = {
            "original_status_code": {"ModelErrorException", "ModelStreamErrorException"},
            "original_message": {"ModelStreamErrorException"},
            "resource_name": {"ModelErrorException"},
        }
        for name, codes in members.items():
            if getattr(self, name) is not None and self.code not in codes:
                msg = f"{name!r} only applies to {' and '.join(sorted(codes))}"
                raise ValueError(msg)
        return self

    @property
    def outcome(self) -> Literal["error", "mid_stream", "drop_connection"]:
        """Which of the three outcomes this rule has."""
        if self.error is not None:
            return "error"
        return "mid_stream" if self.mid_stream is not None else "drop_connection"

    @property
    def code(self) -> str | None:
        """The exception name of an `error` or `mid_stream` rule."""
        return self.error or self.mid_stream

    @property
    def resolved_message(self) -> str:
        """`message`, or the emulator's default text for the exception."""
        if self.message is not None:
            return self.message
        return _errors.default_message(self.code) if self.code else ""

    def extra(self) -> dict[str, Any]:
        """Extra error-body members (`originalStatusCode`, `originalMessage`, `resourceName`)."""
        members = {
            "originalStatusCode": self.original_status_code,
            "originalMessage": self.original_message,
            "resourceName": self.resource_name,
        }
        return {key: value for key, value in members.items() if value is not None}


class UniformLatency(_Frozen):
    """Latency drawn uniformly from `[min, max]` milliseconds."""

    distribution: Literal["uniform"]
    min: float = Field(ge=0)
    """Lowest latency, in milliseconds."""
    max: float = Field(ge=0)
    """Highest latency, in milliseconds."""
    seed: int = 0
    """Seed of the draws, so runs repeat."""

    @model_validator(mode="after")
    def _ordered(self) -> UniformLatency:
        if self.min > self.max:
            msg = f"latency min ({self.min}) is above max ({self.max})"
            raise ValueError(msg)
        return self


class NormalLatency(_Frozen):
    """Latency drawn from a normal distribution, clamped at 0 milliseconds."""

    distribution: Literal["normal"]
    mean: float = Field(ge=0)
    """Mean latency, in milliseconds."""
    stddev: float = Field(ge=0)
    """Standard deviation, in milliseconds."""
    seed: int = 0
    """Seed of the draws, so runs repeat."""


LatencySpec = Annotated[UniformLatency | NormalLatency, Field(discriminator="distribution")]
FixedLatency = Annotated[int, Field(ge=0)] | Annotated[float, Field(ge=0)]


class QuotaSpec(_Frozen):
    """Token-bucket quotas on runtime model calls; each rate set adds one bucket.

    Request buckets hold `burst` requests (default: one second's worth, at least 1).
    Token buckets hold one second's worth of tokens (at least 1); a call bigger than
    that is admitted from a full bucket and leaves it in debt until refilled.
    """

    requests_per_second: float | None = Field(default=None, gt=0)
    """Sustained requests per second."""
    requests_per_minute: float | None = Field(default=None, gt=0)
    """Sustained requests per minute (refilled continuously, 1/60 per second)."""
    tokens_per_second: float | None = Field(default=None, gt=0)
    """Sustained input plus output tokens per second."""
    tokens_per_minute: float | None = Field(default=None, gt=0)
    """Sustained input plus output tokens per minute."""
    burst: int | None = Field(default=None, ge=1)
    """Capacity of the request buckets: how many requests may arrive at once."""

    @model_validator(mode="after")
    def _burst_needs_rate(self) -> QuotaSpec:
        if self.burst is not None and not (self.requests_per_second or self.requests_per_minute):
            msg = "'burst' needs requests_per_second or requests_per_minute"
            raise ValueError(msg)
        return self


class WorldOverrides(_Frozen):
    """Changes to the bundled world; see `World.with_overrides` for the order applied."""

    replace: bool = False
    """Start from no models and no application profiles instead of the bundled ones."""
    models: tuple[dict[str, Any], ...] = ()
    """Partial `ModelSpec` dicts merged over the model with the same `model_id`, or new models."""
    remove_models: tuple[str, ...] = ()
    """Model IDs to remove (with their application profiles)."""
    application_profiles: tuple[dict[str, Any], ...] = ()
    """Application profiles (`id`, `name`, `region`, and `copy_from` or `models`), by `id`."""
    regions: tuple[str, ...] | None = None
    """The world's regions, replacing the bundled list."""
    prefix_source_regions: dict[str, tuple[str, ...]] | None = None
    """Per profile prefix, the regions it may be called from (replaces those prefixes' lists)."""
    prefix_destination_regions: dict[str, tuple[str, ...]] | None = None
    """Per profile prefix, the regions its profiles route to (what `models[].modelArn` lists)."""

    @model_validator(mode="after")
    def _applies(self) -> WorldOverrides:
        # Applying the overrides is the only complete check of partial model dicts.
        World.default().with_overrides(self)
        return self


class ReasoningSpec(_Frozen):
    """How the emulator answers requests that ask for extended thinking."""

    redacted: bool = False
    """Send the reasoning as `redactedContent` (encrypted by the provider) instead of text."""


class PromptCacheSpec(_Frozen):
    """The prompt cache's behaviour during this scenario."""

    ttl_seconds: float | None = Field(default=None, ge=0)
    """Replace every cache entry's TTL (`5m`, `1h`) with this many seconds, entries
    already cached included; 0 expires them all at once."""
    clear: bool = False
    """Empty the cache when this scenario is applied."""


class Scenario(_Frozen):
    """Everything that shapes one emulator run.

    Example:
        >>> scenario = Scenario.from_dict({
        ...     "latency_ms": {"distribution": "uniform", "min": 5, "max": 20, "seed": 1},
        ...     "faults": [{"match": {"operation": "Converse"}, "error": "ThrottlingException",
        ...                 "times": 2}],
        ... })
        >>> scenario.faults[0].times
        2
    """

    description: str | None = None
    """Free text, for the reader of a scenario file."""
    world: WorldOverrides | None = None
    """Changes to the bundled world."""
    latency_ms: FixedLatency | LatencySpec | None = None
    """Added latency of model calls: a fixed number of milliseconds or a distribution."""
    quota: QuotaSpec | None = None
    """Token-bucket quotas on runtime model calls; none when omitted."""
    faults: tuple[FaultRule, ...] = ()
    """Faults, checked in order; the first that fires wins."""
    batch: BatchSpec = Field(default_factory=BatchSpec)
    """How batch inference jobs run: S3 endpoint, speed, record failures (see `_batch`)."""
    reasoning: ReasoningSpec | None = None
    """How extended-thinking replies are sent; plain text reasoning when omitted."""
    prompt_cache: PromptCacheSpec | None = None
    """Prompt-cache TTL override and clearing; Bedrock's TTLs when omitted."""
    guardrails: tuple[GuardrailSpec, ...] = ()
    """Guardrails of the emulated account, for `guardrailConfig` to name (see `_guardrails`)."""

    @model_validator(mode="before")
    @classmethod
    def _valid_unicode(cls, data: Any) -> Any:  # noqa: ANN401 - pydantic's raw input
        # Texts here reach responses (fault messages, model names), and a lone
        # surrogate, which JSON's `\ud800` escape can produce, cannot be sent as UTF-8.
        if has_lone_surrogate(data):
            msg = "a scenario's text must be valid Unicode; this one holds a lone surrogate"
            raise ValueError(msg)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """Validate a scenario's dict form.

        Raises:
            pydantic.ValidationError: The scenario is invalid (a `ValueError`).
        """
        return cls.model_validate(dict(data))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Scenario:
        """Load a `.json` or `.toml` scenario file.

        Raises:
            ValueError: Unsupported suffix, unparsable file or invalid scenario.
            ImportError: A TOML file on Python 3.10 without `tomli` installed.
        """
        file = Path(path)
        text = file.read_text(encoding="utf-8")
        suffix = file.suffix.lower()
        if suffix == ".json":
            data = json.loads(text)
        elif suffix == ".toml":
            data = _load_toml(text)
        else:
            msg = f"scenario files must end in .json or .toml, not {file.name!r}"
            raise ValueError(msg)
        if not isinstance(data, dict):
            msg = f"{file}: a scenario is a JSON object / TOML table"
            raise ValueError(msg)  # noqa: TRY004 - callers catch ValueError for bad files
        return cls.from_dict(data)

    def build_world(self, base: World | None = None) -> World:
        """The world of this scenario: `base` (the bundled world) with `world` applied."""
        world = base if base is not None else World.default()
        return world.with_overrides(self.world) if self.world is not None else world


def _load_toml(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib  # noqa: PLC0415 - only TOML scenarios need it

        return tomllib.loads(text)
    try:  # pragma: no cover - exercised on Python 3.10 only
        import tomli  # type: ignore[import-not-found,unused-ignore]  # noqa: PLC0415
    except ModuleNotFoundError as err:  # pragma: no cover
        msg = "TOML scenarios need Python 3.11+ or `pip install tomli`; JSON works everywhere"
        raise ImportError(msg) from err
    return tomli.loads(text)  # type: ignore[no-any-return,unused-ignore]  # pragma: no cover
