"""Token usage and cost of Bedrock calls, collected by a LangChain callback handler.

`BedrockUsageCallbackHandler` counts, for every chat-model call it sees, the tokens
(input, output, cache read, cache write), the requests (successful and failed) and
the cost, in total, per model and per access method. `get_bedrock_usage_callback()`
installs one for every run inside a `with` block, the way LangChain's tracing
context does, so a chain needs no `callbacks=` argument.

What is read, and from where:

- tokens come from the final message of each call (`AIMessage.usage_metadata`, which
  langchain-aws fills from Bedrock's `usage`). A streamed call is counted once, from
  the aggregated message LangChain hands to `on_llm_end`; the individual chunks are
  never counted, so nothing is counted twice.
- the model and access method come from `response_metadata`, with the fallbacks
  described in `langchain_bedrock_enhanced.callbacks.call_info`.
- cost comes from the bundled price table (`langchain_bedrock_enhanced.catalog.pricing`):
  uncached input, output, reasoning, cache reads and cache writes (5-minute and 1-hour
  TTL) each at their own rate. A model without a price has cost `None`; so does any
  total that includes it.

Example:
    >>> from langchain_core.language_models import GenericFakeChatModel
    >>> from langchain_core.messages import AIMessage
    >>> reply = AIMessage(
    ...     "hi",
    ...     usage_metadata={"input_tokens": 1000, "output_tokens": 1000, "total_tokens": 2000},
    ...     response_metadata={"model_name": "global.anthropic.claude-haiku-4-5-20251001-v1:0"},
    ... )
    >>> model = GenericFakeChatModel(messages=iter([reply]))
    >>> with get_bedrock_usage_callback() as cb:
    ...     _ = model.invoke("hello")
    >>> cb.total_tokens, cb.successful_requests, cb.total_cost
    (2000, 1, 0.006)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

from langchain_core.tracers.context import register_configure_hook
from typing_extensions import override

from langchain_bedrock_enhanced.callbacks.call_info import (
    UNKNOWN,
    BedrockCallInfo,
    CallInfoHandler,
    TokenUsage,
    error_info,
)
from langchain_bedrock_enhanced.model_ids import parse_model_id

__all__ = [
    "BedrockCallInfo",
    "BedrockUsageCallbackHandler",
    "TokenUsage",
    "UsageTotals",
    "get_bedrock_usage_callback",
    "sum_calls",
]


@dataclass(frozen=True)
class UsageTotals:
    """Counts for a group of calls (all, one model, or one access method).

    Example:
        >>> UsageTotals().cost_usd
        0.0
    """

    successful_requests: int = 0
    """Calls that returned a response."""
    failed_requests: int = 0
    """Calls that raised."""
    usage: TokenUsage = field(default_factory=TokenUsage)
    """Tokens of the successful calls."""
    known_cost_usd: float = 0.0
    """The cost of the calls whose model has a price."""
    unpriced_requests: int = 0
    """Successful calls whose model has no price."""
    attempts: int = 0
    """HTTP requests the calls sent, as their metadata or errors report them (botocore's
    retries, profile fallbacks and dropped connections included)."""

    @property
    def cost_usd(self) -> float | None:
        """The total cost, or `None` when any call in the group has no price."""
        return None if self.unpriced_requests else self.known_cost_usd

    def add_call(self, info: BedrockCallInfo) -> UsageTotals:
        """These totals plus one successful call."""
        return replace(
            self,
            successful_requests=self.successful_requests + 1,
            usage=self.usage + info.usage,
            known_cost_usd=self.known_cost_usd + (info.cost_usd or 0.0),
            unpriced_requests=self.unpriced_requests + (info.cost_usd is None),
            attempts=self.attempts + (info.attempts or 0),
        )

    def add_failure(self, attempts: int | None = None) -> UsageTotals:
        """These totals plus one failed call, which sent `attempts` requests."""
        return replace(
            self,
            failed_requests=self.failed_requests + 1,
            attempts=self.attempts + (attempts or 0),
        )


class BedrockUsageCallbackHandler(CallInfoHandler):
    """Counts tokens, requests and cost of every chat-model call it is attached to.

    Attach it with `callbacks=[handler]`, or let `get_bedrock_usage_callback()` attach
    it to every run in a block. One handler may serve many threads and event-loop
    tasks at once: every update and every read happens under one lock, and it runs
    inline (no executor hop) in async runs.

    Example:
        >>> from langchain_core.language_models import GenericFakeChatModel
        >>> from langchain_core.messages import AIMessage
        >>> handler = BedrockUsageCallbackHandler()
        >>> model = GenericFakeChatModel(messages=iter([AIMessage("hi")]))
        >>> _ = model.invoke("hello", config={"callbacks": [handler]})
        >>> handler.successful_requests, handler.by_access_method["unknown"].successful_requests
        (1, 1)
    """

    def __init__(self, *, parent: BedrockUsageCallbackHandler | None = None) -> None:
        """Create an empty handler.

        Args:
            parent: A handler that also receives every call this one records (used
                by nested `get_bedrock_usage_callback()` blocks).
        """
        super().__init__()
        self._parent = parent
        self._totals = UsageTotals()
        self._by_model: dict[str, UsageTotals] = {}
        self._by_access: dict[str, UsageTotals] = {}

    # -- callbacks ---------------------------------------------------------------

    @override
    def on_call(self, info: BedrockCallInfo) -> None:
        """Count the finished call from its final message(s)."""
        self.record_call(info)

    @override
    def on_call_error(
        self, error: BaseException, model_hint: str | None, region_hint: str | None
    ) -> None:
        """Count a failed call against its model and access method."""
        context = error_info(error)
        self.record_failure(
            context.model_id or model_hint or UNKNOWN,
            context.access_method or UNKNOWN,
            attempts=context.attempts,
        )

    # -- recording ---------------------------------------------------------------

    def record_call(self, info: BedrockCallInfo) -> None:
        """Add one successful call (also to the parent handler, if any).

        Args:
            info: The call, as `call_info_from_message` describes it.
        """
        with self._lock:
            self._totals = self._totals.add_call(info)
            key = info.model_key
            self._by_model[key] = self._by_model.get(key, UsageTotals()).add_call(info)
            access = info.access_method
            self._by_access[access] = self._by_access.get(access, UsageTotals()).add_call(info)
        if self._parent is not None:
            self._parent.record_call(info)

    def record_failure(
        self, model: str, access_method: str = UNKNOWN, *, attempts: int | None = None
    ) -> None:
        """Add one failed call (also to the parent handler, if any).

        Args:
            model: The model identifier of the call.
            access_method: How the model was reached, if known.
            attempts: The HTTP requests the call sent, if known.
        """
        key = parse_model_id(model).base_model_id or model
        with self._lock:
            self._totals = self._totals.add_failure(attempts)
            self._by_model[key] = self._by_model.get(key, UsageTotals()).add_failure(attempts)
            self._by_access[access_method] = self._by_access.get(
                access_method, UsageTotals()
            ).add_failure(attempts)
        if self._parent is not None:
            self._parent.record_failure(model, access_method, attempts=attempts)

    def reset(self) -> None:
        """Forget everything counted so far."""
        with self._lock:
            self._totals = UsageTotals()
            self._by_model.clear()
            self._by_access.clear()

    # -- reading -----------------------------------------------------------------

    @property
    def totals(self) -> UsageTotals:
        """Everything counted so far, as one consistent snapshot."""
        with self._lock:
            return self._totals

    @property
    def by_model(self) -> dict[str, UsageTotals]:
        """Totals per base model ID (or the raw identifier when the base is unknown)."""
        with self._lock:
            return dict(self._by_model)

    @property
    def by_access_method(self) -> dict[str, UsageTotals]:
        """Totals per access method (`"unknown"` when responses did not say)."""
        with self._lock:
            return dict(self._by_access)

    @property
    def successful_requests(self) -> int:
        """Calls that returned a response."""
        return self.totals.successful_requests

    @property
    def failed_requests(self) -> int:
        """Calls that raised."""
        return self.totals.failed_requests

    @property
    def usage(self) -> TokenUsage:
        """Tokens of every successful call."""
        return self.totals.usage

    @property
    def input_tokens(self) -> int:
        """All input tokens, cached or not."""
        return self.usage.input_tokens

    @property
    def output_tokens(self) -> int:
        """Output tokens."""
        return self.usage.output_tokens

    @property
    def cache_read_tokens(self) -> int:
        """Input tokens read from the prompt cache."""
        return self.usage.cache_read_tokens

    @property
    def cache_write_tokens(self) -> int:
        """Input tokens written to the prompt cache, whatever their TTL."""
        return self.usage.cache_write_tokens

    @property
    def cache_write_1h_tokens(self) -> int:
        """The part of `cache_write_tokens` written with the 1-hour TTL."""
        return self.usage.cache_write_1h_tokens

    @property
    def reasoning_tokens(self) -> int:
        """The part of `output_tokens` spent reasoning, as the responses reported it."""
        return self.usage.reasoning_tokens

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens."""
        return self.usage.total_tokens

    @property
    def total_cost(self) -> float | None:
        """USD spent; `None` when any call used a model without a price."""
        return self.totals.cost_usd

    @property
    def known_cost(self) -> float:
        """USD spent on the calls whose model has a price."""
        return self.totals.known_cost_usd

    def __repr__(self) -> str:
        """A one-line summary."""
        totals = self.totals
        cost = "unknown" if totals.cost_usd is None else f"${totals.cost_usd:.6f}"
        return (
            f"{type(self).__name__}(requests={totals.successful_requests}, "
            f"failed={totals.failed_requests}, input_tokens={totals.usage.input_tokens}, "
            f"output_tokens={totals.usage.output_tokens}, "
            f"reasoning={totals.usage.reasoning_tokens}, "
            f"cache_read={totals.usage.cache_read_tokens}, "
            f"cache_write={totals.usage.cache_write_tokens}, cost={cost})"
        )


_usage_callback_var: ContextVar[BedrockUsageCallbackHandler | None] = ContextVar(
    "langchain_bedrock_enhanced_usage_callback", default=None
)
_hook_lock = threading.Lock()
_hook_registered = False


def _ensure_configure_hook() -> None:
    # Registered on first use rather than at import: importing the package must not
    # change langchain-core's global state.
    global _hook_registered  # noqa: PLW0603 - a process-wide, once-only registration
    with _hook_lock:
        if not _hook_registered:
            register_configure_hook(_usage_callback_var, inheritable=True)
            _hook_registered = True


@contextmanager
def get_bedrock_usage_callback() -> Iterator[BedrockUsageCallbackHandler]:
    """Count usage and cost of every LangChain run inside the block.

    The handler is set in a `ContextVar` that langchain-core's callback configuration
    reads, so it applies to every run started in the block, including runs in
    threads and tasks started with a copy of the context (LangChain's own executors,
    `asyncio` tasks, `run_parallel`). Blocks nest: an inner block's calls are also
    counted by the outer one.

    Yields:
        The handler; read its totals during or after the block.

    Example:
        >>> with get_bedrock_usage_callback() as cb:
        ...     pass  # chain.invoke(...), model.stream(...), await chain.ainvoke(...)
        >>> cb.total_tokens, cb.total_cost
        (0, 0.0)
    """
    _ensure_configure_hook()
    handler = BedrockUsageCallbackHandler(parent=_usage_callback_var.get())
    token = _usage_callback_var.set(handler)
    try:
        yield handler
    finally:
        _usage_callback_var.reset(token)


def sum_calls(calls: Sequence[BedrockCallInfo]) -> UsageTotals:
    """Totals of a sequence of successful calls.

    Args:
        calls: The calls.

    Returns:
        Their totals.

    Example:
        >>> sum_calls([]).successful_requests
        0
    """
    totals = UsageTotals()
    for call in calls:
        totals = totals.add_call(call)
    return totals
