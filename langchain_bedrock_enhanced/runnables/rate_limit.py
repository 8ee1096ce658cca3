"""Client-side pacing for Bedrock: requests per second or minute, and tokens per minute.

`BedrockRateLimiter` is a langchain-core `InMemoryRateLimiter`, so it plugs into any
chat model's `rate_limiter=` field and into `run_parallel`. It paces requests with
`InMemoryRateLimiter`'s own token bucket, adds an optional tokens-per-minute budget
(`TokenRateLimiter`, in `langchain_bedrock_enhanced.runnables.token_budget`), and slows down
when Bedrock throttles.

**Tokens are estimated, then reconciled.** A call's real usage is known only when it
ends, so a call is charged an estimate up front: `run_parallel` charges the input's
estimated tokens (about four characters per token) plus the learned average
*overhead* (output and prompt-template tokens) per call; a bare `acquire()` (the
`rate_limiter=` path, which sees no input) charges the learned average tokens per
call. When the call ends, the difference between its actual usage and its charge is
settled: extra tokens become debt that delays later calls, unused ones are returned,
and a failed call is refunded. The average is an exponential moving average seeded
with `expected_tokens_per_request`.

**Adaptive slow-down.** Told of a throttled call (`record_throttle`), the limiter
halves its rates, down to `min_rate_fraction` of the configured ones; each successful
call adds back `recovery_step` of them (additive increase, multiplicative decrease).
A throttle reported for a call sent *before* the last slow-down is ignored: it
reflects the old rate. `run_parallel` reports outcomes itself; on a model, attach
`limiter.callback_handler()` as a callback. botocore's retries happen inside one
call and are invisible to callbacks, so either turn them off
(`total_max_attempts=1`) and retry outside, or let botocore pace its own retries with
`adaptive_retry_config()`.

Example:
    >>> limiter = BedrockRateLimiter(requests_per_minute=600, tokens_per_minute=200_000)
    >>> limiter.requests_per_second, limiter.tokens.tokens_per_minute
    (10.0, 200000)
    >>> limiter.record_throttle()
    True
    >>> limiter.rate_fraction, limiter.requests_per_second
    (0.5, 5.0)
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from botocore.config import Config
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage
from langchain_core.outputs import ChatGeneration, LLMResult
from langchain_core.rate_limiters import InMemoryRateLimiter
from typing_extensions import override

from langchain_bedrock_enhanced.callbacks.call_info import TokenUsage
from langchain_bedrock_enhanced.errors import (
    ConfigurationError,
    ThrottlingError,
    iter_causes,
    translate_bedrock_error,
)
from langchain_bedrock_enhanced.runnables.token_budget import TokenRateLimiter

__all__ = [
    "BedrockRateLimiter",
    "RateLimitFeedbackHandler",
    "Reservation",
    "adaptive_retry_config",
    "is_throttling_error",
]

logger = logging.getLogger(__name__)


def is_throttling_error(error: BaseException) -> bool:
    """Whether an exception, or one it was raised from, is Bedrock throttling.

    Args:
        error: Any exception (botocore's, this package's or a wrapper's).

    Returns:
        True for `ThrottlingException`, `ServiceQuotaExceededException`, HTTP 429 and
        this package's `ThrottlingError`.

    Example:
        >>> is_throttling_error(ThrottlingError("slow down")), is_throttling_error(KeyError())
        (True, False)
    """
    return any(
        isinstance(translate_bedrock_error(link), ThrottlingError) for link in iter_causes(error)
    )


def adaptive_retry_config(
    *,
    total_max_attempts: int = 3,
    max_pool_connections: int | None = None,
    base: Config | None = None,
) -> Config:
    """A botocore `Config` whose retries use the `adaptive` mode.

    In adaptive mode botocore adds a client-side token bucket that it drains when
    Bedrock throttles, so its own retries slow down instead of storming. Pass the
    result as `config=` to the chat model or the factory.

    Args:
        total_max_attempts: Attempts per call, the first one included.
        max_pool_connections: Size of the HTTP connection pool; match it to the
            concurrency you run at (botocore's default is 10).
        base: A config to start from (timeouts, proxies, ...); its retry settings
            are replaced.

    Returns:
        The config.

    Example:
        >>> config = adaptive_retry_config(total_max_attempts=4, max_pool_connections=32)
        >>> config.retries, config.max_pool_connections
        ({'mode': 'adaptive', 'total_max_attempts': 4}, 32)
    """
    overrides = Config(retries={"mode": "adaptive", "total_max_attempts": total_max_attempts})
    if max_pool_connections is not None:
        overrides = overrides.merge(Config(max_pool_connections=max_pool_connections))
    return overrides if base is None else base.merge(overrides)


@dataclass(frozen=True)
class Reservation:
    """What `BedrockRateLimiter.reserve` granted one call.

    Example:
        >>> Reservation(tokens=120.0, input_tokens=20, sent_at=0.0).tokens
        120.0
    """

    tokens: float
    """Tokens charged to the budget (0 without a tokens-per-minute limit)."""
    input_tokens: int
    """The input estimate the charge was built on."""
    sent_at: float
    """`time.monotonic()` when the call was let through."""


class BedrockRateLimiter(InMemoryRateLimiter):
    """Requests per second or minute, optional tokens per minute, adaptive to throttling.

    The request pace is `InMemoryRateLimiter`'s token bucket (it starts empty and
    holds at most `max_bucket_size` requests); the token budget is a
    `TokenRateLimiter` in `tokens`. Give a request rate, a token rate, or both.

    Example:
        >>> from langchain_aws import ChatBedrockConverse
        >>> limiter = BedrockRateLimiter(requests_per_second=5, tokens_per_minute=100_000)
        >>> model = ChatBedrockConverse(  # doctest: +SKIP
        ...     model="us.amazon.nova-lite-v1:0", region_name="us-east-1",
        ...     rate_limiter=limiter, callbacks=[limiter.callback_handler()],
        ... )
        >>> limiter.max_requests_per_second
        5.0
    """

    def __init__(  # noqa: PLR0913 - every option is keyword-only and documented
        self,
        *,
        requests_per_second: float | None = None,
        requests_per_minute: float | None = None,
        tokens_per_minute: float | None = None,
        max_bucket_size: float = 1.0,
        check_every_n_seconds: float = 0.05,
        adaptive: bool = True,
        min_rate_fraction: float = 0.05,
        recovery_step: float = 0.05,
        expected_tokens_per_request: int = 1000,
        start_full: bool = False,
    ) -> None:
        """Create a limiter.

        Args:
            requests_per_second: Sustained request rate.
            requests_per_minute: The same, per minute (give at most one of the two).
            tokens_per_minute: Sustained input plus output tokens per minute.
            max_bucket_size: Most requests that can go out back to back (the burst).
            check_every_n_seconds: How often a waiting caller re-checks.
            adaptive: Slow down on throttling and recover on success.
            min_rate_fraction: The floor of the slow-down, as a fraction of the rates.
            recovery_step: The fraction of the rates each success adds back.
            expected_tokens_per_request: The first estimate of a call's tokens beyond
                its input (see `TokenRateLimiter`).
            start_full: Start with a full bucket, so the first `max_bucket_size`
                requests go at once (`InMemoryRateLimiter` starts empty: the first
                request waits one interval).

        Raises:
            ConfigurationError: No limit, both request rates, or a non-positive value.
        """
        if requests_per_second is not None and requests_per_minute is not None:
            msg = "Give requests_per_second or requests_per_minute, not both."
            raise ConfigurationError(msg)
        rate = requests_per_second if requests_per_minute is None else requests_per_minute / 60
        if rate is None and tokens_per_minute is None:
            msg = "Give a request rate, tokens_per_minute, or both."
            raise ConfigurationError(msg)
        if (rate is not None and rate <= 0) or not 0 < min_rate_fraction <= 1:
            msg = (
                f"Rates must be > 0 and min_rate_fraction in (0, 1]; got {rate} requests "
                f"per second and {min_rate_fraction}."
            )
            raise ConfigurationError(msg)
        super().__init__(
            requests_per_second=float(rate or 1.0),
            check_every_n_seconds=check_every_n_seconds,
            max_bucket_size=max_bucket_size,
        )
        if start_full:
            self.available_tokens = self.max_bucket_size
        self.max_requests_per_second: float | None = None if rate is None else float(rate)
        """The configured request rate (`requests_per_second` is the current one)."""
        self.tokens: TokenRateLimiter | None = (
            None
            if tokens_per_minute is None
            else TokenRateLimiter(
                tokens_per_minute=tokens_per_minute,
                check_every_n_seconds=check_every_n_seconds,
                expected_tokens_per_request=expected_tokens_per_request,
            )
        )
        """The tokens-per-minute budget, if any."""
        self.adaptive = adaptive
        self.min_rate_fraction = min_rate_fraction
        self.recovery_step = recovery_step
        self._adapt_lock = threading.Lock()
        self._fraction = 1.0
        self._last_slowdown = -math.inf
        self._pending: deque[Reservation] = deque()

    # -- the BaseRateLimiter interface (the model's rate_limiter= path) ----------

    @override
    def acquire(self, *, blocking: bool = True) -> bool:
        """Wait for a request slot and, with a token budget, an average call's tokens."""
        reservation = self.reserve(blocking=blocking)
        if reservation is None:
            return False
        with self._adapt_lock:
            self._pending.append(reservation)
        return True

    @override
    async def aacquire(self, *, blocking: bool = True) -> bool:
        """Async `acquire`."""
        reservation = await self.areserve(blocking=blocking)
        if reservation is None:
            return False
        with self._adapt_lock:
            self._pending.append(reservation)
        return True

    # -- explicit reservations (run_parallel) ------------------------------------

    def reserve(self, input_tokens: int = 0, *, blocking: bool = True) -> Reservation | None:
        """Wait for a request slot and the call's estimated tokens.

        Args:
            input_tokens: The input's estimate (see `estimate_tokens`).
            blocking: Wait; otherwise answer at once.

        Returns:
            The reservation to `settle` when the call ends, or `None` when not
            blocking and the limits do not allow the call now.
        """
        if self.max_requests_per_second is not None and not super().acquire(blocking=blocking):
            return None
        charge = 0.0
        if self.tokens is not None:
            charge = self.tokens.estimate(input_tokens)
            if not self.tokens.acquire_tokens(charge, blocking=blocking):
                self._return_request_slot()
                return None
        return Reservation(tokens=charge, input_tokens=input_tokens, sent_at=time.monotonic())

    async def areserve(self, input_tokens: int = 0, *, blocking: bool = True) -> Reservation | None:
        """Async `reserve`.

        Args:
            input_tokens: The input's estimate (see `estimate_tokens`).
            blocking: Wait; otherwise answer at once.

        Returns:
            The reservation, or `None` when not blocking and not allowed now.
        """
        if self.max_requests_per_second is not None and not await super().aacquire(
            blocking=blocking
        ):
            return None
        charge = 0.0
        if self.tokens is not None:
            charge = self.tokens.estimate(input_tokens)
            if not await self.tokens.aacquire_tokens(charge, blocking=blocking):
                self._return_request_slot()
                return None
        return Reservation(tokens=charge, input_tokens=input_tokens, sent_at=time.monotonic())

    def _return_request_slot(self) -> None:
        if self.max_requests_per_second is not None:
            with self._consume_lock:
                self.available_tokens = min(self.available_tokens + 1, self.max_bucket_size)

    def settle(
        self,
        reservation: Reservation | None,
        *,
        used_tokens: int | None,
        throttled: bool = False,
    ) -> None:
        """Report how a call ended: reconcile its tokens and adapt the pace.

        Args:
            reservation: What `reserve` granted; `None` settles the oldest `acquire()`.
            used_tokens: Input plus output tokens used; `None` when the call failed.
            throttled: Whether it failed because Bedrock throttled it.
        """
        if reservation is None:
            reservation = self._oldest_pending()
            if reservation is None:
                return
        self._settle_tokens(reservation, used_tokens)
        if throttled:
            self.record_throttle(sent_at=reservation.sent_at)
        elif used_tokens is not None:
            self.record_success()

    def _oldest_pending(self) -> Reservation | None:
        """The oldest reservation an `acquire()` made and nobody settled yet."""
        with self._adapt_lock:
            return self._pending.popleft() if self._pending else None

    def _settle_tokens(self, reservation: Reservation, used_tokens: int | None) -> None:
        """Reconcile the token budget with what a call used (subclasses book elsewhere)."""
        if self.tokens is not None:
            self.tokens.settle(
                used_tokens, charged=reservation.tokens, input_tokens=reservation.input_tokens
            )

    # -- adaptation ----------------------------------------------------------------

    @property
    def rate_fraction(self) -> float:
        """The current rates as a fraction of the configured ones (1.0 = full speed)."""
        with self._adapt_lock:
            return self._fraction

    def record_throttle(self, *, sent_at: float | None = None) -> bool:
        """Halve the rates after a throttled call (multiplicative decrease).

        Args:
            sent_at: `time.monotonic()` when the throttled call was sent. A call sent
                before the last slow-down is ignored, so a burst of in-flight calls
                throttled together halves the rate once, not once each.

        Returns:
            Whether the limiter slowed down.
        """
        if not self.adaptive:
            return False
        with self._adapt_lock:
            if sent_at is not None and sent_at < self._last_slowdown:
                return False
            self._fraction = max(self._fraction / 2, self.min_rate_fraction)
            self._last_slowdown = time.monotonic()
            fraction = self._fraction
        self._apply(fraction)
        logger.info("Bedrock throttled a call; pacing at %.0f%% of the set rate", fraction * 100)
        return True

    def record_success(self) -> None:
        """Recover `recovery_step` of the configured rates (additive increase)."""
        if not self.adaptive:
            return
        with self._adapt_lock:
            if self._fraction >= 1.0:
                return
            self._fraction = min(self._fraction + self.recovery_step, 1.0)
            fraction = self._fraction
        self._apply(fraction)

    def _apply(self, fraction: float) -> None:
        if self.max_requests_per_second is not None:
            with self._consume_lock:
                self.requests_per_second = self.max_requests_per_second * fraction
        if self.tokens is not None:
            self.tokens.scale(fraction)

    def callback_handler(self) -> RateLimitFeedbackHandler:
        """A callback handler that reports each call of a model using this limiter.

        Returns:
            The handler; pass it in the model's `callbacks`.
        """
        return RateLimitFeedbackHandler(self)


class RateLimitFeedbackHandler(BaseCallbackHandler):
    """Reports each finished chat-model call to a limiter used as `rate_limiter=`.

    A model's `rate_limiter` is asked for permission before each call but never told
    how the call went; this handler tells it (tokens used, throttled or not), in call
    order. Create it with `limiter.callback_handler()`.

    Example:
        >>> limiter = BedrockRateLimiter(requests_per_second=10)
        >>> isinstance(limiter.callback_handler(), BaseCallbackHandler)
        True
    """

    run_inline: bool = True
    """Settling is quick and lock-protected; no executor hop is needed."""

    def __init__(self, limiter: BedrockRateLimiter | TokenRateLimiter) -> None:
        """Bind the handler to a limiter.

        Args:
            limiter: The limiter the model uses as `rate_limiter=`.
        """
        super().__init__()
        self.limiter = limiter

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
        """Settle the call with the tokens its messages report."""
        usage = TokenUsage()
        for generations in response.generations:
            for generation in generations:
                if isinstance(generation, ChatGeneration) and isinstance(
                    generation.message, AIMessage
                ):
                    usage += TokenUsage.from_usage_metadata(generation.message.usage_metadata)
        if isinstance(self.limiter, BedrockRateLimiter):
            self.limiter.settle(None, used_tokens=usage.total_tokens)
        else:
            self.limiter.settle(usage.total_tokens)

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
        """Refund the call and, if Bedrock throttled it, slow down."""
        if isinstance(self.limiter, BedrockRateLimiter):
            self.limiter.settle(None, used_tokens=None, throttled=is_throttling_error(error))
        else:
            self.limiter.settle(None)
