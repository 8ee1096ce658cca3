"""Value types shared by the emulator's modules.

The emulator is split into pure pieces (the world, replies, native bodies, faults)
and one server that wires them to HTTP. These types are the contract between them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Family = Literal["claude", "nova", "llama", "mistral", "converse"]
"""Which model-native InvokeModel body format a model speaks.

`converse` is a model the emulator knows no native body for (one a scenario adds):
it answers Converse, ConverseStream and CountTokens, and refuses InvokeModel.
"""

Lifecycle = Literal["ACTIVE", "LEGACY"]
"""What ListFoundationModels reports in `modelLifecycle.status`."""

Invocation = Literal["ok", "legacy_inactive", "end_of_life"]
"""What happens when the model is invoked.

`legacy_inactive` answers the verbatim "marked by provider as Legacy" text and
`end_of_life` the verbatim "reached the end of its life" text, both as
`ResourceNotFoundException`.
"""

ToolChoiceKind = Literal["auto", "any", "tool"]


@dataclass(frozen=True)
class ModelSpec:
    """One foundation model of the emulated world."""

    model_id: str
    """The base model ID, e.g. `anthropic.claude-sonnet-4-5-20250929-v1:0`."""
    name: str
    """`modelName`, e.g. `Claude Sonnet 4.5`."""
    provider: str
    """`providerName`, e.g. `Anthropic`, `Amazon`, `Meta`, `Mistral AI`."""
    family: Family
    regions: frozenset[str]
    """Regions where ListFoundationModels lists the model."""
    on_demand_regions: frozenset[str] = frozenset()
    """Regions where the bare model ID may be invoked (ON_DEMAND)."""
    profile_prefixes: tuple[str, ...] = ()
    """System inference-profile prefixes that exist for the model (`us`, `eu`, `global`, ...)."""
    lifecycle: Lifecycle = "ACTIVE"
    invocation: Invocation = "ok"
    legacy_time: str | None = None
    """`modelLifecycle.legacyTime` (ISO 8601), when known; omitted from answers otherwise."""
    end_of_life_time: str | None = None
    """`modelLifecycle.endOfLifeTime` (ISO 8601), when known; omitted from answers otherwise."""
    max_output_tokens: int = 4096
    context_window: int = 200_000
    input_modalities: tuple[str, ...] = ("TEXT",)
    output_modalities: tuple[str, ...] = ("TEXT",)
    streaming: bool = True
    system_prompts: bool = True
    tool_use: bool = True
    streaming_tool_use: bool = True
    tool_choice: tuple[ToolChoiceKind, ...] = ("auto", "any", "tool")
    mixed_tool_turns: bool = True
    """Whether one turn may hold text or media beside `toolUse`/`toolResult` blocks.

    Meta's Llama models refuse it ("Conversation blocks and tool use blocks cannot be
    provided in the same turn."); see `_limits`.
    """
    tool_use_id_pattern: str | None = None
    """A regex every `toolUseId` sent back to the model must match whole, if any.

    Mistral 3 models answer "Tool call id was … but must be a-z, A-Z, 0-9, with a
    length of 9." for other IDs; see `_limits`.
    """
    latency_optimized_regions: frozenset[str] = frozenset()
    """Regions where `performanceConfig.latency` `optimized` is served."""
    service_tiers: tuple[str, ...] = ("default",)
    """The `serviceTier.type` values served (`default` exists for every model)."""


@dataclass(frozen=True)
class ToolSpec:
    """A tool offered in `toolConfig.tools[].toolSpec` (or a native body's tools)."""

    name: str
    description: str
    input_schema: dict[str, Any]


@dataclass
class ConversationRequest:
    """A model call, normalised from either a Converse body or a native InvokeModel body."""

    messages: list[dict[str, Any]]
    """Converse-shaped messages: `{"role": ..., "content": [ContentBlock, ...]}`."""
    system: list[str] = field(default_factory=list)
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop_sequences: list[str] = field(default_factory=list)
    tools: list[ToolSpec] = field(default_factory=list)
    tool_choice: ToolChoiceKind | None = None
    tool_choice_name: str | None = None
    """The tool named by `toolChoice.tool.name`, when `tool_choice == "tool"`."""
    output_schema: dict[str, Any] | None = None
    """`outputConfig.textFormat.structure.jsonSchema.schema`, when the caller asks for JSON."""
    additional_fields: dict[str, Any] = field(default_factory=dict)
    """`additionalModelRequestFields`, kept for inspection."""


@dataclass(frozen=True)
class ToolUseBlock:
    """A tool call in a reply."""

    tool_use_id: str
    name: str
    input: dict[str, Any]


@dataclass(frozen=True)
class ReasoningBlock:
    """A `reasoningContent` block: the model's reasoning, sent before its answer."""

    text: str
    """`reasoningText.text`; empty when the display is `omitted` or the block is redacted."""
    signature: str
    """`reasoningText.signature`; empty for a redacted block."""
    tokens: int
    """Output tokens the reasoning used (counted even when its text is not shown)."""
    redacted: bytes | None = None
    """`redactedContent`, sent instead of `reasoningText` when set."""


@dataclass(frozen=True)
class CitationsBlock:
    """A `citationsContent` block: generated text and the document spans that support it."""

    text: str
    """The generated text (`content[0].text`)."""
    citations: tuple[dict[str, Any], ...]
    """Converse-shaped `Citation` members: `title`, `sourceContent`, `location`."""


StopReason = Literal["end_turn", "tool_use", "max_tokens", "stop_sequence", "guardrail_intervened"]


@dataclass(frozen=True)
class Reply:
    """The deterministic answer to a `ConversationRequest`."""

    blocks: tuple[str | ToolUseBlock, ...]
    """Text blocks (as `str`) and tool calls, in order."""
    stop_reason: StopReason
    input_tokens: int
    """Input tokens neither read from nor written to the prompt cache (`inputTokens`)."""
    output_tokens: int
    """Output tokens, reasoning included (`outputTokens`)."""
    stop_sequence: str | None = None
    """The stop sequence that ended the text, when `stop_reason == "stop_sequence"`.

    Claude's native body reports it as `stop_sequence`.
    """
    cache_read_tokens: int = 0
    """Input tokens read from the prompt cache (`cacheReadInputTokens`)."""
    cache_writes: tuple[tuple[str, int], ...] = ()
    """Input tokens written to the prompt cache, per TTL (`5m`, `1h`), longest TTL first."""
    reasoning: ReasoningBlock | None = None
    """The reasoning sent before `blocks` (Converse replies only)."""
    citations: tuple[CitationsBlock, ...] = ()
    """Cited text sent after `blocks` (Converse replies only)."""

    @property
    def cache_write_tokens(self) -> int:
        """Input tokens written to the prompt cache (`cacheWriteInputTokens`)."""
        return sum(tokens for _, tokens in self.cache_writes)

    @property
    def total_tokens(self) -> int:
        """Every input token (cached or not) plus the output tokens, as `totalTokens`."""
        return (
            self.input_tokens
            + self.cache_read_tokens
            + self.cache_write_tokens
            + self.output_tokens
        )

    @property
    def text(self) -> str:
        """All text joined: text blocks, then cited text."""
        plain = "".join(b for b in self.blocks if isinstance(b, str))
        return plain + "".join(block.text for block in self.citations)


class EmulatedError(Exception):
    """An error the emulator answers with, exactly as Bedrock would.

    Args:
        code: The modeled exception name, e.g. `ValidationException`.
        message: The message sent in the body's `message` field.
        extra: Extra body members, e.g. `originalStatusCode` for `ModelErrorException`.

    Example:
        >>> raise EmulatedError("ValidationException", "The provided model identifier is invalid.")
        Traceback (most recent call last):
        ...
        langchain_bedrock_enhanced.emulator._types.EmulatedError: ValidationException: ...
    """

    def __init__(self, code: str, message: str, extra: dict[str, Any] | None = None) -> None:
        """Create the error; see the class docstring for the arguments."""
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.extra = dict(extra or {})
