"""What one chat-model call reported about itself: model, access, region, tokens, cost.

Bedrock calls made through this package carry, in `AIMessage.response_metadata`,
`model_id_sent`, `access_method_used`, `inference_profile_used`,
`inference_profile_id`, `region` and `attempts`. Calls made through plain
langchain-aws, or before those keys existed, do not; each key then falls back:

| Field | Read from | Fallback |
|---|---|---|
| model | `model_id_sent` | `model_name`, `model_id`, the run's `ls_model_name`, `"unknown"` |
| access method | `access_method_used` | `"unknown"` |
| profile | `inference_profile_id` | the identifier sent, when it is a profile ID or ARN |
| region | `region` | the region the model was configured with (run metadata), `None` |
| attempts | `attempts` | botocore's `ResponseMetadata.RetryAttempts + 1`, `None` |

Tokens come from `usage_metadata` and cost from the bundled price table
(`langchain_bedrock_enhanced.catalog.pricing`): uncached input, output, reasoning,
cache reads and cache writes (5-minute and 1-hour) each at their own rate. An
unpriced model has cost `None`.

Example:
    >>> from langchain_core.messages import AIMessage
    >>> info = call_info_from_message(AIMessage(
    ...     "hi",
    ...     usage_metadata={"input_tokens": 10, "output_tokens": 5, "total_tokens": 15},
    ...     response_metadata={"model_name": "us.amazon.nova-lite-v1:0"},
    ... ))
    >>> info.base_model_id, info.inference_profile_id, info.access_method
    ('amazon.nova-lite-v1:0', 'us.amazon.nova-lite-v1:0', 'unknown')
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, LLMResult
from typing_extensions import override

from langchain_bedrock_enhanced.catalog.pricing import ModelPrice, price_for
from langchain_bedrock_enhanced.errors import BedrockEnhancedError, iter_causes
from langchain_bedrock_enhanced.model_ids import parse_model_id

__all__ = [
    "UNKNOWN",
    "BedrockCallInfo",
    "CallInfoHandler",
    "ErrorInfo",
    "TokenUsage",
    "call_info_from_llm_result",
    "call_info_from_message",
    "error_info",
    "run_hints",
]

UNKNOWN = "unknown"
"""The access method (or model) recorded when a response does not say."""

_PROFILE_KINDS = frozenset({"system_profile", "application_profile"})


@dataclass(frozen=True)
class TokenUsage:
    """Token counts of one or more calls, in LangChain's convention.

    `input_tokens` includes the cached tokens (read and written), as in
    `UsageMetadata`; `uncached_input_tokens` is the rest. `cache_write_tokens` counts
    every write; `cache_write_1h_tokens` is the part written with the 1-hour TTL.
    `output_tokens` includes the reasoning tokens, of which `reasoning_tokens` counts
    those the response reported apart (LangChain's `output_token_details.reasoning`).

    Example:
        >>> usage = TokenUsage.from_usage_metadata({
        ...     "input_tokens": 100, "output_tokens": 20, "total_tokens": 120,
        ...     "input_token_details": {"cache_read": 60, "cache_creation": 30},
        ... })
        >>> usage.uncached_input_tokens, (usage + usage).total_tokens
        (10, 240)
    """

    input_tokens: int = 0
    """All input tokens, cached or not."""
    output_tokens: int = 0
    """Output tokens."""
    cache_read_tokens: int = 0
    """Input tokens read from the prompt cache."""
    cache_write_tokens: int = 0
    """Input tokens written to the prompt cache, whatever their TTL."""
    total_tokens: int = 0
    """Input plus output tokens, as reported."""
    cache_write_1h_tokens: int = 0
    """The part of `cache_write_tokens` written with the 1-hour TTL."""
    reasoning_tokens: int = 0
    """The part of `output_tokens` spent reasoning, when the response says."""

    @property
    def uncached_input_tokens(self) -> int:
        """Input tokens neither read from nor written to the cache."""
        return max(self.input_tokens - self.cache_read_tokens - self.cache_write_tokens, 0)

    @property
    def cache_write_5m_tokens(self) -> int:
        """Input tokens written to the prompt cache with the default 5-minute TTL."""
        return max(self.cache_write_tokens - self.cache_write_1h_tokens, 0)

    def __add__(self, other: TokenUsage) -> TokenUsage:
        """Field-wise sum."""
        return TokenUsage(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cache_read_tokens=self.cache_read_tokens + other.cache_read_tokens,
            cache_write_tokens=self.cache_write_tokens + other.cache_write_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
            cache_write_1h_tokens=self.cache_write_1h_tokens + other.cache_write_1h_tokens,
            reasoning_tokens=self.reasoning_tokens + other.reasoning_tokens,
        )

    def cost(self, price: ModelPrice | None) -> float | None:
        """The USD cost of these tokens at `price`, each category at its own rate.

        Args:
            price: The model's price, or `None` when it has none.

        Returns:
            The cost, or `None` when the price (or a used category's rate) is unknown.

        Example:
            >>> usage = TokenUsage(input_tokens=3000, output_tokens=1000, reasoning_tokens=400,
            ...                    cache_read_tokens=1000, cache_write_tokens=1000,
            ...                    cache_write_1h_tokens=1000)
            >>> round(usage.cost(price_for("global.anthropic.claude-haiku-4-5-20251001-v1:0")), 6)
            0.0081
        """
        if price is None:
            return None
        return price.cost(
            uncached_input_tokens=self.uncached_input_tokens,
            output_tokens=self.output_tokens,
            cache_read_tokens=self.cache_read_tokens,
            cache_write_tokens=self.cache_write_5m_tokens,
            cache_write_1h_tokens=self.cache_write_1h_tokens,
            reasoning_tokens=self.reasoning_tokens,
        )

    @classmethod
    def from_usage_metadata(cls, usage: UsageMetadata | Mapping[str, Any] | None) -> TokenUsage:
        """Read LangChain's `UsageMetadata` (missing means zero).

        Cache writes are `cache_creation`, or the sum of the per-TTL
        `ephemeral_5m_input_tokens`/`ephemeral_1h_input_tokens` when langchain-aws
        moved them there (it then sets `cache_creation` to 0); the 1-hour part is kept
        apart, since it is priced apart. Reasoning tokens come from
        `output_token_details.reasoning`.

        Args:
            usage: The message's `usage_metadata`, or `None`.

        Returns:
            The counts.

        Example:
            >>> TokenUsage.from_usage_metadata(None).total_tokens
            0
        """
        if not usage:
            return cls()
        details: Mapping[str, Any] = usage.get("input_token_details") or {}
        output_details: Mapping[str, Any] = usage.get("output_token_details") or {}
        one_hour = _int(details.get("ephemeral_1h_input_tokens"))
        per_ttl = _int(details.get("ephemeral_5m_input_tokens")) + one_hour
        input_tokens = _int(usage.get("input_tokens"))
        output_tokens = _int(usage.get("output_tokens"))
        return cls(
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cache_read_tokens=_int(details.get("cache_read")),
            cache_write_tokens=max(_int(details.get("cache_creation")), per_ttl),
            total_tokens=_int(usage.get("total_tokens")) or input_tokens + output_tokens,
            cache_write_1h_tokens=one_hour,
            reasoning_tokens=min(_int(output_details.get("reasoning")), output_tokens),
        )


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass(frozen=True)
class BedrockCallInfo:
    """What one chat-model call reported about itself.

    Example:
        >>> info = call_info_from_message(AIMessage("x", response_metadata={
        ...     "model_id_sent": "eu.amazon.nova-lite-v1:0",
        ...     "access_method_used": "regional_cris",
        ...     "inference_profile_used": True,
        ...     "inference_profile_id": "eu.amazon.nova-lite-v1:0",
        ...     "region": "eu-west-1", "attempts": 2,
        ... }))
        >>> info.base_model_id, info.region, info.attempts
        ('amazon.nova-lite-v1:0', 'eu-west-1', 2)
    """

    model_id: str
    """The identifier sent (or reported), e.g. `us.anthropic.claude-…`; `"unknown"` if none."""
    base_model_id: str | None
    """The foundation model behind it, when it can be told from the identifier."""
    access_method: str
    """How the model was reached (`access_method_used`), or `"unknown"`."""
    inference_profile_id: str | None
    """The inference profile ID or ARN used, if any."""
    region: str | None
    """The region of the call, if known."""
    attempts: int | None
    """Requests sent for this call, retries included, if known."""
    usage: TokenUsage = field(default_factory=TokenUsage)
    """Tokens used."""
    cost_usd: float | None = None
    """Cost in USD; `None` when the model has no price."""

    @property
    def model_key(self) -> str:
        """The key per-model statistics use: the base model ID when known."""
        return self.base_model_id or self.model_id


def call_info_from_message(
    message: BaseMessage,
    *,
    model_hint: str | None = None,
    region_hint: str | None = None,
) -> BedrockCallInfo:
    """Describe a call from its final message.

    Args:
        message: The call's `AIMessage` (or the aggregated `AIMessageChunk`).
        model_hint: The model to assume when the metadata names none.
        region_hint: The region to assume when the metadata names none (for example
            the region the model was configured with).

    Returns:
        What the call reported, with fallbacks for missing keys.

    Example:
        >>> call_info_from_message(AIMessage("x")).access_method
        'unknown'
    """
    metadata: Mapping[str, Any] = message.response_metadata or {}
    model_id = (
        _str(metadata.get("model_id_sent"))
        or _str(metadata.get("model_name"))
        or _str(metadata.get("model_id"))
        or model_hint
        or UNKNOWN
    )
    access_method = _str(metadata.get("access_method_used")) or UNKNOWN
    parsed = parse_model_id(model_id)
    profile_id = _str(metadata.get("inference_profile_id"))
    if (
        profile_id is None
        and "inference_profile_used" not in metadata
        and parsed.kind in (_PROFILE_KINDS)
    ):
        # langchain-aws reports only application profiles; an identifier sent with a
        # geo or global prefix *is* the system profile used.
        profile_id = model_id
    usage = TokenUsage.from_usage_metadata(
        message.usage_metadata if isinstance(message, AIMessage) else None
    )
    return BedrockCallInfo(
        model_id=model_id,
        base_model_id=parsed.base_model_id,
        access_method=access_method,
        inference_profile_id=profile_id,
        region=_str(metadata.get("region")) or region_hint,
        attempts=_attempts(metadata),
        usage=usage,
        cost_usd=usage.cost(price_for(model_id, access_method)),
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _attempts(metadata: Mapping[str, Any]) -> int | None:
    attempts = metadata.get("attempts")
    if isinstance(attempts, int) and not isinstance(attempts, bool):
        return attempts
    boto = metadata.get("ResponseMetadata")
    retries = boto.get("RetryAttempts") if isinstance(boto, Mapping) else None
    return retries + 1 if isinstance(retries, int) else None


def run_hints(metadata: Mapping[str, Any] | None) -> tuple[str | None, str | None]:
    """The model and region a chat model's run metadata names (LangSmith `ls_*` keys).

    Args:
        metadata: The `metadata` passed to `on_chat_model_start`.

    Returns:
        `(model, region)`, each `None` when absent.

    Example:
        >>> run_hints({"ls_model_name": "m", "ls_invocation_params": {"region_name": "eu-west-1"}})
        ('m', 'eu-west-1')
    """
    if not metadata:
        return None, None
    params = metadata.get("ls_invocation_params")
    region = _str(params.get("region_name")) if isinstance(params, Mapping) else None
    return _str(metadata.get("ls_model_name")), region


def call_info_from_llm_result(
    response: LLMResult,
    *,
    model_hint: str | None = None,
    region_hint: str | None = None,
) -> BedrockCallInfo:
    """Describe a finished chat-model run from the `LLMResult` given to `on_llm_end`.

    The description comes from the first generation's message; tokens and cost add
    up over every generation. A result without chat messages (a completion model)
    counts with no tokens and an unknown cost.

    Args:
        response: The run's result.
        model_hint: The model to assume when the metadata names none.
        region_hint: The region to assume when the metadata names none.

    Returns:
        The call.

    Example:
        >>> from langchain_core.outputs import ChatGeneration
        >>> result = LLMResult(generations=[[ChatGeneration(message=AIMessage("x"))]])
        >>> call_info_from_llm_result(result, model_hint="amazon.nova-lite-v1:0").model_id
        'amazon.nova-lite-v1:0'
    """
    messages = [
        generation.message
        for generations in response.generations
        for generation in generations
        if isinstance(generation, ChatGeneration)
    ]
    if not messages:
        return BedrockCallInfo(model_hint or UNKNOWN, None, UNKNOWN, None, region_hint, None)
    info = call_info_from_message(messages[0], model_hint=model_hint, region_hint=region_hint)
    for extra in messages[1:]:
        more = call_info_from_message(extra, model_hint=model_hint)
        info = replace(
            info,
            usage=info.usage + more.usage,
            cost_usd=None
            if info.cost_usd is None or more.cost_usd is None
            else info.cost_usd + more.cost_usd,
        )
    return info


@dataclass(frozen=True)
class ErrorInfo:
    """What a failed call's exception says about the call.

    Example:
        >>> error_info(KeyError("x")).attempts is None
        True
    """

    model_id: str | None
    """The model identifier, if the error carries one."""
    region: str | None
    """The region, if the error carries one."""
    access_method: str | None
    """How the model was reached, if the error carries it."""
    attempts: int | None
    """Requests sent before giving up, if known."""


def error_info(error: BaseException) -> ErrorInfo:
    """Read the context a failed call's exception carries.

    This package's errors carry `model_id`, `region` and `access_method`; botocore's
    `ClientError`, anywhere in the `__cause__`/`__context__` chain, carries
    `ResponseMetadata.RetryAttempts`; an `attempts` attribute wins over both.

    Args:
        error: The exception.

    Returns:
        What it says (each field `None` when it does not say).

    Example:
        >>> from botocore.exceptions import ClientError
        >>> err = ClientError(
        ...     {
        ...         "Error": {"Code": "ThrottlingException"},
        ...         "ResponseMetadata": {"RetryAttempts": 2},
        ...     },
        ...     "Converse",
        ... )
        >>> error_info(err).attempts
        3
    """
    attempts: int | None = None
    for current in iter_causes(error):
        context = getattr(current, "context", None)
        counted = getattr(context, "attempts", None)
        if isinstance(current, BedrockEnhancedError) and isinstance(counted, int):
            # Requests counted on the wire for the whole call (our own errors).
            attempts = counted
            break
        own = getattr(current, "attempts", None)
        if isinstance(own, int) and not isinstance(own, bool):
            attempts = own
            break
        response = getattr(current, "response", None)
        if isinstance(response, Mapping):
            attempts = _attempts(response)
            if attempts is not None:
                break
    return ErrorInfo(
        model_id=_str(getattr(error, "model_id", None)),
        region=_str(getattr(error, "region", None)),
        access_method=_str(getattr(error, "access_method", None)),
        attempts=attempts,
    )


class CallInfoHandler(BaseCallbackHandler):
    """Base for handlers that turn every finished model call into a `BedrockCallInfo`.

    It remembers the model and region each run was configured with (chat and
    completion runs alike) and hands subclasses one `on_call(info)` per finished call
    and one `on_call_error(error, model_hint, region_hint)` per failed call.

    Example:
        >>> class Count(CallInfoHandler):
        ...     def on_call(self, info: BedrockCallInfo) -> None:
        ...         pass
        >>> Count().run_inline
        True
    """

    run_inline: bool = True
    """Run in the caller's thread or task: updates are quick and lock-protected."""

    def __init__(self) -> None:
        """Create the handler with no run in flight."""
        super().__init__()
        self._lock = threading.Lock()
        self._runs: dict[UUID, tuple[str | None, str | None]] = {}

    def on_call(self, info: BedrockCallInfo) -> None:
        """Handle one finished call; subclasses override this."""

    def on_call_error(
        self, error: BaseException, model_hint: str | None, region_hint: str | None
    ) -> None:
        """Handle one failed call; subclasses override this."""

    def _remember(self, run_id: UUID, metadata: Mapping[str, Any] | None) -> None:
        with self._lock:
            self._runs[run_id] = run_hints(metadata)

    def _forget(self, run_id: UUID) -> tuple[str | None, str | None]:
        with self._lock:
            return self._runs.pop(run_id, (None, None))

    @override
    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[BaseMessage]],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Remember the model and region the run was configured with."""
        self._remember(run_id, metadata)

    @override
    def on_llm_start(
        self,
        serialized: dict[str, Any],
        prompts: list[str],
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        """Remember the model and region of a completion-style run."""
        self._remember(run_id, metadata)

    @override
    def on_llm_end(
        self,
        response: LLMResult,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """Build the call's `BedrockCallInfo` and hand it to `on_call`."""
        model_hint, region_hint = self._forget(run_id)
        self.on_call(
            call_info_from_llm_result(response, model_hint=model_hint, region_hint=region_hint)
        )

    @override
    def on_llm_error(
        self,
        error: BaseException,
        *,
        run_id: UUID,
        parent_run_id: UUID | None = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """Hand the failure to `on_call_error`."""
        model_hint, region_hint = self._forget(run_id)
        self.on_call_error(error, model_hint, region_hint)
