"""Run one runnable over many inputs at once, and report what happened to each.

`run_parallel` (threads) and `arun_parallel` (asyncio) take any Runnable built from a
chat model (the model itself, a chain, `bind_tools(...)`, `with_structured_output(...)`)
and a list of inputs, and return a `ParallelResponse`: one `ParallelResult` per
input, in input order, each holding the output or a typed error plus what the call
reported (model, access method, inference profile, region, latency, tokens, cost,
attempts), and `ParallelStatistics` over all of them.

A failure never stops the others, and every input gets exactly one result. Errors
are translated into this package's hierarchy (`translate_bedrock_error`), with the
original exception as `__cause__`.

The call details are captured by a callback handler attached to each input's run,
so they are available whatever the runnable outputs (a message, a string, a
pydantic object). When one input makes several model calls (an agent, a chain of
two models), tokens, cost and attempts add up, and the model, access method,
profile and region are those of the last call.

Example:
    >>> from langchain_core.language_models import GenericFakeChatModel
    >>> from langchain_core.messages import AIMessage
    >>> model = GenericFakeChatModel(messages=iter([AIMessage("a"), AIMessage("b")]))
    >>> response = run_parallel(model, ["first", "second"], max_concurrency=1, progress=False)
    >>> [result.output.content for result in response], response.statistics.success_rate
    (['a', 'b'], 1.0)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextvars import copy_context
from typing import Any
from uuid import UUID

from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.runnables.config import merge_configs
from typing_extensions import override

from langchain_bedrock_enhanced._transport.request_count import counting
from langchain_bedrock_enhanced.callbacks.call_info import (
    UNKNOWN,
    BedrockCallInfo,
    CallInfoHandler,
    error_info,
)
from langchain_bedrock_enhanced.callbacks.usage import sum_calls
from langchain_bedrock_enhanced.errors import (
    BedrockEnhancedError,
    ConfigurationError,
    as_typed,
    iter_causes,
    translate_bedrock_error,
)
from langchain_bedrock_enhanced.runnables._progress import progress_bar
from langchain_bedrock_enhanced.runnables.parallel_results import (
    ParallelResponse,
    ParallelResult,
    ParallelStatistics,
)
from langchain_bedrock_enhanced.runnables.rate_limit import (
    BedrockRateLimiter,
    Reservation,
    is_throttling_error,
)
from langchain_bedrock_enhanced.runnables.token_budget import estimate_tokens

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "ParallelResponse",
    "ParallelResult",
    "ParallelStatistics",
    "arun_parallel",
    "run_parallel",
]

logger = logging.getLogger(__name__)

DEFAULT_MAX_CONCURRENCY = 8
"""Calls in flight by default: below botocore's default pool of 10 connections."""


class _RunCollector(CallInfoHandler):
    """Collects what every model call inside one input's run reported."""

    def __init__(self) -> None:
        super().__init__()
        self.last_hints: tuple[str | None, str | None] = (None, None)
        self.calls: list[BedrockCallInfo] = []
        self.errors: list[BaseException] = []

    @override
    def _remember(self, run_id: UUID, metadata: Mapping[str, Any] | None) -> None:
        super()._remember(run_id, metadata)
        with self._lock:
            self.last_hints = self._runs[run_id]

    @override
    def on_call(self, info: BedrockCallInfo) -> None:
        with self._lock:
            self.calls.append(info)

    @override
    def on_call_error(
        self, error: BaseException, model_hint: str | None, region_hint: str | None
    ) -> None:
        with self._lock:
            self.errors.append(error)


def _typed_error(exc: Exception, model: str | None, region: str | None) -> BedrockEnhancedError:
    if isinstance(exc, BedrockEnhancedError):
        return exc
    # Translate the botocore error underneath a wrapper (langchain-aws re-raises some
    # as ValueError), keeping its botocore class and, as the cause, the exception the
    # caller would have seen.
    source = next(
        (link for link in iter_causes(exc) if type(link).__module__.startswith("botocore")), exc
    )
    typed = as_typed(source, model_id=model, region=region)
    if not isinstance(typed, BedrockEnhancedError):
        typed = translate_bedrock_error(source, model_id=model, region=region)
    typed.__cause__ = exc
    return typed


def _build_result(  # noqa: PLR0913 - the pieces of one outcome
    index: int,
    value: Any,  # noqa: ANN401 - inputs are whatever the runnable accepts
    *,
    output: Any,  # noqa: ANN401 - outputs are whatever the runnable returns
    exc: Exception | None,
    latency_s: float,
    collector: _RunCollector,
    requests: int,
) -> ParallelResult:
    calls = list(collector.calls)
    model_hint, region_hint = collector.last_hints
    context = error_info(exc) if exc is not None else None
    attempts = [call.attempts for call in calls]
    attempts += [error_info(err).attempts for err in collector.errors]
    if context is not None and not collector.errors:
        attempts.append(context.attempts)
    known_attempts = [count for count in attempts if count is not None]
    totals = sum_calls(calls)
    last = calls[-1] if calls else None
    error = None
    if exc is not None and context is not None:
        error = _typed_error(exc, context.model_id or model_hint, context.region or region_hint)
    requested = model_hint or (error and error.model_id) or (last and last.model_id)
    method = last.access_method if last else (error and error.access_method) or UNKNOWN
    return ParallelResult(
        index=index,
        input=value,
        output=output,
        error=error,
        # Grouped by the model the caller asked for, success or failure; the profile
        # that served it is `inference_profile_id`.
        model_id=requested or UNKNOWN,
        access_method=str(method),
        inference_profile_id=last.inference_profile_id if last else None,
        region=last.region if last else (error and error.region) or region_hint,
        latency_s=latency_s,
        usage=totals.usage,
        cost_usd=totals.cost_usd,
        # Requests counted on the wire (every retry, fallback and dropped connection);
        # what the calls reported when nothing could be counted (a stubbed client).
        attempts=requests or (sum(known_attempts) if known_attempts else None),
        llm_calls=len(calls),
    )


def _settle(
    limiter: BedrockRateLimiter | None,
    reservation: Reservation | None,
    result: ParallelResult,
    collector: _RunCollector,
) -> None:
    if limiter is None or reservation is None:
        return
    errors = [*collector.errors, *([result.error] if result.error is not None else [])]
    used = result.usage.total_tokens if result.ok or result.llm_calls else None
    limiter.settle(
        reservation, used_tokens=used, throttled=any(is_throttling_error(e) for e in errors)
    )


def _limiter_for(
    rate_limiter: BedrockRateLimiter | None,
    requests_per_minute: float | None,
    tokens_per_minute: float | None,
) -> BedrockRateLimiter | None:
    if rate_limiter is not None:
        if requests_per_minute is not None or tokens_per_minute is not None:
            msg = "Give rate_limiter or requests_per_minute/tokens_per_minute, not both."
            raise ConfigurationError(msg)
        return rate_limiter
    if requests_per_minute is None and tokens_per_minute is None:
        return None
    return BedrockRateLimiter(
        requests_per_minute=requests_per_minute, tokens_per_minute=tokens_per_minute
    )


def _prepare(
    inputs: Iterable[Any], max_concurrency: int
) -> tuple[list[Any], list[ParallelResult | None]]:
    if max_concurrency < 1:
        msg = f"max_concurrency must be at least 1, got {max_concurrency}."
        raise ConfigurationError(msg)
    values = list(inputs)
    return values, [None] * len(values)


def _finish(results: list[ParallelResult | None], started: float) -> ParallelResponse:
    done = tuple(result for result in results if result is not None)
    if len(done) != len(results):  # pragma: no cover - every worker returns a result
        msg = "run_parallel lost an input; this is a bug, please report it."
        raise RuntimeError(msg)
    response = ParallelResponse(done, wall_time_s=time.perf_counter() - started)
    stats = response.statistics
    logger.info(
        "run_parallel: %d/%d succeeded in %.2fs", stats.succeeded, stats.total, stats.wall_time_s
    )
    return response


def _run_one(
    runnable: Runnable[Any, Any],
    index: int,
    value: Any,  # noqa: ANN401 - inputs are whatever the runnable accepts
    config: RunnableConfig | None,
    limiter: BedrockRateLimiter | None,
) -> ParallelResult:
    collector = _RunCollector()
    run_config = merge_configs(config, {"callbacks": [collector]})
    reservation = limiter.reserve(estimate_tokens(value)) if limiter else None
    started = time.perf_counter()
    output: Any = None
    failure: Exception | None = None
    with counting() as sent:
        try:
            output = runnable.invoke(value, run_config)
        except Exception as exc:  # noqa: BLE001 - every failure becomes that input's result
            failure = exc
    result = _build_result(
        index,
        value,
        output=output,
        exc=failure,
        latency_s=time.perf_counter() - started,
        collector=collector,
        requests=sent.value,
    )
    _settle(limiter, reservation, result, collector)
    return result


async def _arun_one(
    runnable: Runnable[Any, Any],
    index: int,
    value: Any,  # noqa: ANN401 - inputs are whatever the runnable accepts
    config: RunnableConfig | None,
    limiter: BedrockRateLimiter | None,
) -> ParallelResult:
    collector = _RunCollector()
    run_config = merge_configs(config, {"callbacks": [collector]})
    reservation = await limiter.areserve(estimate_tokens(value)) if limiter else None
    started = time.perf_counter()
    output: Any = None
    failure: Exception | None = None
    with counting() as sent:
        try:
            output = await runnable.ainvoke(value, run_config)
        except Exception as exc:  # noqa: BLE001 - every failure becomes that input's result
            failure = exc
    result = _build_result(
        index,
        value,
        output=output,
        exc=failure,
        latency_s=time.perf_counter() - started,
        collector=collector,
        requests=sent.value,
    )
    _settle(limiter, reservation, result, collector)
    return result


def run_parallel(  # noqa: PLR0913 - the issue's signature plus two optional hooks
    model: Runnable[Any, Any],
    inputs: Iterable[Any],
    *,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    requests_per_minute: float | None = None,
    tokens_per_minute: float | None = None,
    progress: bool = True,
    rate_limiter: BedrockRateLimiter | None = None,
    config: RunnableConfig | None = None,
) -> ParallelResponse:
    """Invoke `model` on every input, `max_concurrency` at a time, in threads.

    Args:
        model: Any Runnable: a chat model, a chain, `bind_tools(...)`,
            `with_structured_output(...)`.
        inputs: One input per call, of whatever type `model` accepts.
        max_concurrency: Calls in flight at once. Size the model's connection pool
            to match (`max_pool_connections` in its botocore `Config`).
        requests_per_minute: Pace calls to at most this many per minute.
        tokens_per_minute: Keep estimated input plus output tokens under this many
            per minute (see `langchain_bedrock_enhanced.runnables.rate_limit`).
        progress: Show a progress bar (tqdm: terminal or notebook).
        rate_limiter: A limiter to share with other code, instead of
            `requests_per_minute`/`tokens_per_minute`. It is told each outcome, so
            it slows down on throttling.
        config: A `RunnableConfig` for every call (tags, metadata, callbacks, ...).

    Returns:
        One result per input, in input order, and statistics.

    Raises:
        ConfigurationError: `max_concurrency` below 1, or both `rate_limiter` and
            the per-minute limits. Failures of individual inputs never raise.

    Example:
        >>> from langchain_core.runnables import RunnableLambda
        >>> response = run_parallel(RunnableLambda(lambda x: 10 // x), [5, 0], progress=False)
        >>> response[0].output, type(response[1].error).__name__
        (2, 'LLMError')
    """
    values, results = _prepare(inputs, max_concurrency)
    limiter = _limiter_for(rate_limiter, requests_per_minute, tokens_per_minute)
    started = time.perf_counter()
    # Threads rather than asyncio.run(arun_parallel(...)): this must also work where an
    # event loop is already running (Jupyter, async web handlers), where asyncio.run
    # fails. botocore's sync clients are thread-safe and release the GIL while waiting
    # on the network, so max_concurrency threads keep max_concurrency calls in flight.
    # Each call runs in a copy of the caller's context, so context-scoped callbacks
    # (get_bedrock_usage_callback, tracing) see it.
    with progress_bar(
        enabled=progress, total=len(values), desc="Bedrock", unit="call", leave=True
    ) as bar:
        executor = ThreadPoolExecutor(
            max_workers=min(max_concurrency, max(len(values), 1)),
            thread_name_prefix="bedrock-parallel",
        )
        try:
            futures = {
                executor.submit(
                    copy_context().run, _run_one, model, index, value, config, limiter
                ): index
                for index, value in enumerate(values)
            }
            for future in as_completed(futures):
                result = future.result()
                results[futures[future]] = result
                bar.update(1)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
    return _finish(results, started)


async def arun_parallel(  # noqa: PLR0913 - the issue's signature plus two optional hooks
    model: Runnable[Any, Any],
    inputs: Iterable[Any],
    *,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    requests_per_minute: float | None = None,
    tokens_per_minute: float | None = None,
    progress: bool = True,
    rate_limiter: BedrockRateLimiter | None = None,
    config: RunnableConfig | None = None,
) -> ParallelResponse:
    """Async `run_parallel`: `ainvoke` on every input, at most `max_concurrency` at once.

    Every input is one task; an `asyncio.Semaphore` bounds how many are calling the
    model (or waiting for the rate limiter) at any moment.

    Args:
        model: Any Runnable (see `run_parallel`).
        inputs: One input per call.
        max_concurrency: Calls in flight at once.
        requests_per_minute: Pace calls to at most this many per minute.
        tokens_per_minute: Keep estimated tokens under this many per minute.
        progress: Show a progress bar.
        rate_limiter: A limiter to share, instead of the per-minute limits.
        config: A `RunnableConfig` for every call.

    Returns:
        One result per input, in input order, and statistics.

    Raises:
        ConfigurationError: As `run_parallel`.

    Example:
        >>> import asyncio
        >>> from langchain_core.runnables import RunnableLambda
        >>> double = RunnableLambda(lambda x: 2 * x)
        >>> asyncio.run(arun_parallel(double, [1, 2, 3], progress=False)).outputs
        [2, 4, 6]
    """
    values, results = _prepare(inputs, max_concurrency)
    limiter = _limiter_for(rate_limiter, requests_per_minute, tokens_per_minute)
    semaphore = asyncio.Semaphore(max_concurrency)
    started = time.perf_counter()
    with progress_bar(
        enabled=progress, total=len(values), desc="Bedrock", unit="call", leave=True
    ) as bar:

        async def one(index: int, value: Any) -> None:  # noqa: ANN401 - any input
            async with semaphore:
                results[index] = await _arun_one(model, index, value, config, limiter)
            bar.update(1)

        await asyncio.gather(*(one(index, value) for index, value in enumerate(values)))
    return _finish(results, started)
