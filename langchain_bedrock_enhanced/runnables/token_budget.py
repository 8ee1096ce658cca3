"""A tokens-per-minute budget for Bedrock calls, on langchain-core's token bucket.

`TokenRateLimiter` is `InMemoryRateLimiter`'s bucket filled with LLM tokens instead of
requests: it refills at `tokens_per_minute / 60` per second, and a call takes as many
units as it is expected to use. `BedrockRateLimiter`
(`langchain_bedrock_enhanced.runnables.rate_limit`) composes it with a request pace.

**Estimated, then reconciled.** A call's usage is known only when it ends, so it is
charged an estimate up front (`estimate(input_tokens)`: the input's estimated tokens
plus the learned *overhead* per call: output and prompt-template tokens) and settled
afterwards (`settle`): extra tokens become debt that delays later calls, unused ones
are returned, and a failed call is refunded. The overhead is an exponential moving
average of `used - input estimate`, seeded with `expected_tokens_per_request`.

Example:
    >>> budget = TokenRateLimiter(tokens_per_minute=60_000, expected_tokens_per_request=200)
    >>> budget.estimate(estimate_tokens("x" * 400))
    300.0
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Mapping

from langchain_core.messages import BaseMessage
from langchain_core.prompt_values import PromptValue
from langchain_core.rate_limiters import InMemoryRateLimiter
from typing_extensions import override

from langchain_bedrock_enhanced.errors import ConfigurationError

__all__ = ["TokenRateLimiter", "estimate_tokens"]

_CHARS_PER_TOKEN = 4


def estimate_tokens(value: object) -> int:
    """Estimate the tokens of a runnable's input: about four characters per token.

    Strings, messages, prompt values, and lists and dicts of them are measured by
    their text; anything else by its `str()`. The estimate is at least 1.

    Args:
        value: The input.

    Returns:
        The estimated token count.

    Example:
        >>> estimate_tokens("12345678"), estimate_tokens({"topic": "cats"})
        (2, 1)
    """
    return max(math.ceil(_text_length(value) / _CHARS_PER_TOKEN), 1)


def _text_length(value: object) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, BaseMessage):
        return len(value.text)
    if isinstance(value, PromptValue):
        return sum(len(message.text) for message in value.to_messages())
    if isinstance(value, Mapping):
        return sum(_text_length(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_text_length(item) for item in value)
    return len(str(value))


class TokenRateLimiter(InMemoryRateLimiter):
    """A tokens-per-minute budget built on `InMemoryRateLimiter`'s bucket.

    The bucket holds LLM tokens: it refills at `tokens_per_minute / 60` per second up
    to `max_bucket_size` (default: one second's worth), and a call takes as many as
    it is expected to use. A call larger than the bucket is admitted when the bucket
    is full and leaves it in debt, which later refills repay (Bedrock's own quota
    behaves the same way). Like its base, it starts empty, so it never bursts.

    Used alone as a model's `rate_limiter=`, each `acquire()` charges the learned
    average tokens per call; attach `RateLimitFeedbackHandler(budget)` (from
    `langchain_bedrock_enhanced.runnables.rate_limit`) as a callback so calls are reconciled.

    Example:
        >>> budget = TokenRateLimiter(tokens_per_minute=60_000)
        >>> budget.requests_per_second, budget.max_bucket_size
        (1000.0, 1000.0)
    """

    def __init__(
        self,
        *,
        tokens_per_minute: float,
        max_bucket_size: float | None = None,
        check_every_n_seconds: float = 0.05,
        expected_tokens_per_request: int = 1000,
        smoothing: float = 0.2,
    ) -> None:
        """Create an empty budget.

        Args:
            tokens_per_minute: Sustained input plus output tokens per minute.
            max_bucket_size: Most tokens that can accumulate (the burst); default one
                second's worth.
            check_every_n_seconds: How often a waiting caller re-checks.
            expected_tokens_per_request: The first estimate of a call's tokens beyond
                its measured input, before any call has been reconciled.
            smoothing: Weight of the newest call in the moving average (0-1].

        Raises:
            ConfigurationError: A rate or size is not positive.
        """
        if tokens_per_minute <= 0 or not 0 < smoothing <= 1:
            msg = (
                f"tokens_per_minute must be > 0 and smoothing in (0, 1]; got "
                f"{tokens_per_minute} and {smoothing}."
            )
            raise ConfigurationError(msg)
        rate = tokens_per_minute / 60
        super().__init__(
            requests_per_second=rate,
            check_every_n_seconds=check_every_n_seconds,
            max_bucket_size=max_bucket_size or max(rate, 1.0),
        )
        self.tokens_per_minute = tokens_per_minute
        self.smoothing = smoothing
        self._overhead = float(expected_tokens_per_request)
        self._pending: deque[float] = deque()

    @property
    def expected_overhead(self) -> float:
        """Tokens a call is expected to use beyond its measured input (learned)."""
        with self._consume_lock:
            return self._overhead

    def estimate(self, input_tokens: int = 0) -> float:
        """The charge for a call whose input is estimated at `input_tokens`.

        Args:
            input_tokens: The input's estimate (0 when unknown).

        Returns:
            `input_tokens` plus the learned overhead.

        Example:
            >>> budget = TokenRateLimiter(tokens_per_minute=6000, expected_tokens_per_request=50)
            >>> budget.estimate(10)
            60.0
        """
        return input_tokens + self.expected_overhead

    def _take(self, tokens: float) -> bool:
        # The refill mirrors InMemoryRateLimiter._consume, which can only take one
        # unit; a call here takes `tokens` and may leave the bucket in debt.
        with self._consume_lock:
            now = time.monotonic()
            if self.last is None:
                self.last = now
            elapsed = now - self.last
            self.last = now
            self.available_tokens = min(
                self.available_tokens + elapsed * self.requests_per_second, self.max_bucket_size
            )
            if self.available_tokens >= min(tokens, self.max_bucket_size):
                self.available_tokens -= tokens
                return True
            return False

    def acquire_tokens(self, tokens: float, *, blocking: bool = True) -> bool:
        """Take `tokens` from the budget, waiting for them if `blocking`.

        Args:
            tokens: The charge.
            blocking: Wait until the budget allows it; otherwise answer at once.

        Returns:
            Whether the tokens were taken.
        """
        while not self._take(tokens):
            if not blocking:
                return False
            time.sleep(self.check_every_n_seconds)
        return True

    async def aacquire_tokens(self, tokens: float, *, blocking: bool = True) -> bool:
        """Async `acquire_tokens`: waits with `asyncio.sleep`, never blocking the loop.

        Args:
            tokens: The charge.
            blocking: Wait until the budget allows it; otherwise answer at once.

        Returns:
            Whether the tokens were taken.
        """
        while not self._take(tokens):
            if not blocking:
                return False
            # Polling, as the base class does: refills happen with time, not events.
            await asyncio.sleep(self.check_every_n_seconds)
        return True

    @override
    def acquire(self, *, blocking: bool = True) -> bool:
        """Charge one call of average size (the `rate_limiter=` path)."""
        charge = self.estimate()
        if not self.acquire_tokens(charge, blocking=blocking):
            return False
        with self._consume_lock:
            self._pending.append(charge)
        return True

    @override
    async def aacquire(self, *, blocking: bool = True) -> bool:
        """Async `acquire`."""
        charge = self.estimate()
        if not await self.aacquire_tokens(charge, blocking=blocking):
            return False
        with self._consume_lock:
            self._pending.append(charge)
        return True

    def settle(
        self, used_tokens: int | None, *, charged: float | None = None, input_tokens: int = 0
    ) -> None:
        """Reconcile a finished call's charge with what it really used.

        Args:
            used_tokens: Input plus output tokens the call used; `None` for a failed
                call, whose charge is refunded.
            charged: What the call was charged; `None` settles the oldest charge made
                by `acquire()` (nothing to settle when there is none).
            input_tokens: The input estimate the charge was built on, so the learned
                overhead excludes it.
        """
        with self._consume_lock:
            if charged is None:
                if not self._pending:
                    return
                charged = self._pending.popleft()
            spent = 0 if used_tokens is None else used_tokens
            self.available_tokens = min(
                self.available_tokens + charged - spent, self.max_bucket_size
            )
            if used_tokens is not None:
                self._overhead += self.smoothing * (
                    max(used_tokens - input_tokens, 0) - self._overhead
                )

    def scale(self, fraction: float) -> None:
        """Refill at `fraction` of the configured rate (used by adaptive slow-down).

        Args:
            fraction: Between 0 (exclusive) and 1.
        """
        with self._consume_lock:
            self.requests_per_second = self.tokens_per_minute / 60 * fraction
