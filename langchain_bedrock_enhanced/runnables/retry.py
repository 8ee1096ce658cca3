"""`BedrockRetryRunnable`: backoff, region failover and model fallback around a chat model.

In the style of langchain-core's `RunnableRetry` and `RunnableWithFallbacks`, as one
combinator: it walks the (model, region) pairs in order (the primary model first,
then each fallback model; for each, the primary region then the others) and, for
each pair, retries transient errors with exponential backoff and full jitter.

- Only typed transient errors are retried (throttling, 5xx, timeouts, model not
  ready, a stream that broke before its first chunk). Permanent errors (access
  denied, validation other than the profile requirement, end of life) raise at once.
- The access method is chosen afresh for each pair by the same access engine the
  model uses: a profile requirement is handled inside the model, without spending
  an attempt here. A pair whose region offers no profile for a profile-only model
  (or only one the access policy forbids) logs a WARNING and the walk moves on.
  Every pair's model keeps the primary model's access policy.
- When everything fails, `BedrockRetryError` lists every attempt (model, region,
  access method, outcome) and keeps the first error as its cause.
- Each attempt runs under a child callback tagged `retry:attempt:N`; a batch retries
  only its failed items, because every item is retried on its own.

The wrapped models are built with botocore's own retries off, so that the attempt
count here is the number of requests sent.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from botocore.config import Config
from langchain_core.callbacks import (
    AsyncCallbackManagerForChainRun,
    CallbackManagerForChainRun,
)
from langchain_core.messages import AIMessage
from langchain_core.runnables import Runnable, RunnableConfig, RunnableSerializable
from langchain_core.runnables.config import (
    ensure_config,
    get_async_callback_manager_for_config,
    get_callback_manager_for_config,
    patch_config,
)
from pydantic import ConfigDict, Field, ValidationError
from typing_extensions import override

from langchain_bedrock_enhanced._transport.request_count import (
    RequestCount,
    counting,
    open_count,
)
from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse
from langchain_bedrock_enhanced.errors import (
    BedrockEnhancedError,
    BedrockRetryError,
    ConfigurationError,
    ProfileRequirementError,
    RetryAttempt,
    TransientError,
    as_typed,
    translate_bedrock_error,
)
from langchain_bedrock_enhanced.factory import rebuild_model

logger = logging.getLogger(__name__)

Transform = Callable[[EnhancedChatBedrockConverse], Runnable[Any, Any]]

_NO_BOTOCORE_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})


class BedrockRetryRunnable(RunnableSerializable[Any, Any]):
    """A Runnable that retries, fails over between regions and falls back between models.

    Create it with `with_bedrock_retry(model, ...)` or `model.with_bedrock_retry(...)`.

    Example:
        >>> from langchain_bedrock_enhanced import create_langchain_chatbedrock, with_bedrock_retry
        >>> model = create_langchain_chatbedrock(
        ...     "anthropic.claude-sonnet-4-5-20250929-v1:0", region_name="us-east-1"
        ... )  # doctest: +SKIP
        >>> robust = with_bedrock_retry(
        ...     model, regions=["us-east-1", "us-west-2"], max_attempts=3
        ... )  # doctest: +SKIP
        >>> robust.invoke("Hello")  # doctest: +SKIP
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model: EnhancedChatBedrockConverse
    """The primary chat model; its settings are reused for every pair."""
    max_attempts: int = Field(default=3, ge=1)
    """Attempts per (model, region) pair for transient errors."""
    regions: list[str] | None = None
    """Regions to try in order; the model's own region when None."""
    fallback_models: list[str] = Field(default_factory=list)
    """Model IDs to try, in order, after the primary model."""
    backoff_base: float = Field(default=0.5, ge=0)
    """Seconds before the first retry; doubles each attempt (full jitter)."""
    backoff_max: float = Field(default=20.0, ge=0)
    """The cap on one backoff, in seconds."""
    deadline: float | None = Field(default=None, gt=0)
    """An overall budget in seconds: no new attempt starts after it."""
    apply_to_model: Transform | None = Field(default=None, exclude=True)
    """Applied to each pair's model: how `bind_tools`/`with_structured_output` keep wrapping."""

    _cache: dict[tuple[str, str], Runnable[Any, Any]]
    _lock: threading.Lock

    def model_post_init(self, context: Any, /) -> None:  # noqa: ANN401 - pydantic's hook
        """Set up the per-pair cache of built runnables."""
        super().model_post_init(context)
        self._cache = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ wrapping

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> BedrockRetryRunnable:  # noqa: ANN401
        """The same retry policy around `model.bind_tools(tools, **kwargs)`."""
        return self._derive(lambda model: model.bind_tools(tools, **kwargs))

    def with_structured_output(
        self,
        schema: Any,  # noqa: ANN401 - whatever the chat model accepts
        **kwargs: Any,  # noqa: ANN401
    ) -> BedrockRetryRunnable:
        """The same retry policy around `model.with_structured_output(schema, **kwargs)`."""
        return self._derive(lambda model: model.with_structured_output(schema, **kwargs))

    def _derive(self, apply_to_model: Transform) -> BedrockRetryRunnable:
        settings = self.model_dump(exclude={"model", "apply_to_model"})
        return type(self)(model=self.model, apply_to_model=apply_to_model, **settings)

    # ------------------------------------------------------------------- pairs

    def _pairs(self) -> list[tuple[str, str]]:
        regions = self.regions or [self.model.request_region]
        models = [self.model.model_id, *self.fallback_models]
        return [(model_id, region) for model_id in models for region in regions]

    def _runnable_for(self, model_id: str, region: str) -> Runnable[Any, Any]:
        with self._lock:
            cached = self._cache.get((model_id, region))
        if cached is not None:
            return cached
        chat = self.model
        own_pair = (model_id, region) == (chat.model_id, chat.request_region)
        if not (own_pair and chat.has_caller_client):
            # A client the caller built (stubbed, instrumented, ...) is kept for its
            # own pair; every other pair gets fresh clients without botocore retries.
            chat = rebuild_model(
                chat, model_id=model_id, region_name=region, config=_NO_BOTOCORE_RETRIES
            )
        runnable: Runnable[Any, Any] = self.apply_to_model(chat) if self.apply_to_model else chat
        with self._lock:
            return self._cache.setdefault((model_id, region), runnable)

    def _planned_method(self, model_id: str, region: str) -> str | None:
        engine = self.model.access_engine
        if engine is None:
            return None
        try:
            # `candidates`, not `select_access_method`: nothing is sent, so nothing to log.
            candidates = engine.selector.candidates(model_id, region)
        except BedrockEnhancedError:
            return None
        return candidates[0][1].value if candidates else None

    def _backoff(self, attempt: int) -> float:
        # Full jitter (AWS architecture blog): uniform over [0, min(cap, base * 2^n)].
        ceiling = min(self.backoff_max, self.backoff_base * (2 ** (attempt - 1)))
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not cryptography

    # -------------------------------------------------------------- the policy

    def _classify(
        self, error: BaseException, model_id: str, region: str, sent: RequestCount, requests: int
    ) -> tuple[str, RetryAttempt]:
        """Return (`retry` | `next_pair`, the attempt record), or raise a permanent error."""
        typed = as_typed(error, model_id=model_id, region=region)
        if not isinstance(typed, BedrockEnhancedError):
            typed = translate_bedrock_error(error, model_id=model_id, region=region)
        record = RetryAttempt(
            model_id,
            region,
            self._planned_method(model_id, region),
            f"{type(typed).__name__}: {typed.message}",
            requests=requests or None,
        )
        if isinstance(typed, ProfileRequirementError):
            logger.warning(
                "%s needs an inference profile that %s does not offer%s; trying the next pair",
                model_id,
                region,
                " under the access policy" if typed.excluded_by_policy else "",
            )
            return "next_pair", record
        if isinstance(typed, ConfigurationError):
            logger.warning(
                "Cannot use %s in %s (%s); trying the next pair", model_id, region, typed
            )
            return "next_pair", record
        if isinstance(typed, TransientError):
            return "retry", record
        if sent.value:
            # Every request of the call, the wrapper's earlier attempts included.
            typed.context = replace(typed.context, attempts=sent.value)
        if typed is error:
            raise error
        raise typed from error

    @override
    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        return self._call_with_config(self._invoke, input, ensure_config(config), **kwargs)

    @override
    async def ainvoke(
        self,
        input: Any,
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> Any:
        return await self._acall_with_config(self._ainvoke, input, ensure_config(config), **kwargs)

    def _invoke(
        self,
        input_: Any,  # noqa: ANN401
        run_manager: CallbackManagerForChainRun,
        config: RunnableConfig,
        **kwargs: Any,  # noqa: ANN401
    ) -> Any:  # noqa: ANN401
        with counting() as sent:
            walk = _Walk(self, sent)
            for model_id, region, backoff in walk.steps():
                if backoff:
                    time.sleep(backoff)
                child = patch_config(config, callbacks=run_manager.get_child(walk.tag()))
                try:
                    output = self._runnable_for(model_id, region).invoke(input_, child, **kwargs)
                    return _with_attempts(output, sent)
                except Exception as error:  # noqa: BLE001 - classified; permanent ones re-raised
                    walk.failed(error)
            raise walk.exhausted()

    async def _ainvoke(
        self,
        input_: Any,  # noqa: ANN401
        run_manager: AsyncCallbackManagerForChainRun,
        config: RunnableConfig,
        **kwargs: Any,  # noqa: ANN401
    ) -> Any:  # noqa: ANN401
        with counting() as sent:
            walk = _Walk(self, sent)
            for model_id, region, backoff in walk.steps():
                if backoff:
                    await asyncio.sleep(backoff)
                child = patch_config(config, callbacks=run_manager.get_child(walk.tag()))
                try:
                    runnable = self._runnable_for(model_id, region)
                    return _with_attempts(await runnable.ainvoke(input_, child, **kwargs), sent)
                except Exception as error:  # noqa: BLE001
                    walk.failed(error)
            raise walk.exhausted()

    @override
    def stream(
        self,
        input: Any,
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> Iterator[Any]:
        config = ensure_config(config)
        run_manager = get_callback_manager_for_config(config).on_chain_start(
            None, input, name=config.get("run_name") or self.get_name()
        )
        sent, close = open_count()
        walk = _Walk(self, sent)
        try:
            for model_id, region, backoff in walk.steps():
                if backoff:
                    time.sleep(backoff)
                child = patch_config(config, callbacks=run_manager.get_child(walk.tag()))
                try:
                    runnable = self._runnable_for(model_id, region)
                    iterator = iter(runnable.stream(input, child, **kwargs))
                    first = next(iterator)
                except StopIteration:
                    run_manager.on_chain_end(None)
                    return
                except Exception as error:  # noqa: BLE001 - before the first chunk: retryable
                    walk.failed(error)
                    continue
                # From here on a failure propagates: a user never sees two streams. A
                # chat model holds back its stream until content, so a first chunk is
                # content (or the stream's end): nothing is ever repeated.
                yield _with_attempts(first, sent)
                yield from iterator
                run_manager.on_chain_end(None)
                return
            raise walk.exhausted()  # noqa: TRY301 - reported to the run manager below
        except BaseException as error:
            run_manager.on_chain_error(error)
            raise
        finally:
            close()

    @override
    async def astream(
        self,
        input: Any,
        config: RunnableConfig | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[Any]:
        config = ensure_config(config)
        run_manager = await get_async_callback_manager_for_config(config).on_chain_start(
            None, input, name=config.get("run_name") or self.get_name()
        )
        sent, close = open_count()
        walk = _Walk(self, sent)
        try:
            for model_id, region, backoff in walk.steps():
                if backoff:
                    await asyncio.sleep(backoff)
                child = patch_config(config, callbacks=run_manager.get_child(walk.tag()))
                try:
                    runnable = self._runnable_for(model_id, region)
                    iterator = runnable.astream(input, child, **kwargs).__aiter__()
                    first = await iterator.__anext__()
                except StopAsyncIteration:
                    await run_manager.on_chain_end(None)
                    return
                except Exception as error:  # noqa: BLE001
                    walk.failed(error)
                    continue
                yield _with_attempts(first, sent)
                async for item in iterator:
                    yield item
                await run_manager.on_chain_end(None)
                return
            raise walk.exhausted()  # noqa: TRY301 - reported to the run manager below
        except BaseException as error:
            await run_manager.on_chain_error(error)
            raise
        finally:
            close()


def _with_attempts(output: Any, sent: RequestCount) -> Any:  # noqa: ANN401 - any output
    """A chat model's message (or first chunk) reports the requests of the whole call."""
    metadata = getattr(output, "response_metadata", None)
    if (
        sent.value
        and isinstance(metadata, dict)
        and (isinstance(output, AIMessage) or "attempts" in metadata)
    ):
        metadata["attempts"] = sent.value
    return output


class _Walk:
    """One call's walk over (model, region, attempt): what was tried and what to skip."""

    def __init__(self, owner: BedrockRetryRunnable, sent: RequestCount) -> None:
        self._owner = owner
        self._sent = sent
        self._sent_before = 0
        self.attempts: list[RetryAttempt] = []
        self.errors: list[BaseException] = []
        self._started = time.monotonic()
        self._skip: tuple[str, str] | None = None
        self._current: tuple[str, str, int] = ("", "", 0)

    def steps(self) -> Iterator[tuple[str, str, float | None]]:
        """Yield (model_id, region, backoff before the attempt) until success or the end."""
        owner = self._owner
        for model_id, region in owner._pairs():  # noqa: SLF001 - the walk is the owner's helper
            for attempt in range(1, owner.max_attempts + 1):
                if (model_id, region) == self._skip:
                    break
                backoff = owner._backoff(attempt - 1) if attempt > 1 else None  # noqa: SLF001
                # A backoff that would carry the attempt past the deadline is not slept.
                starts_at = time.monotonic() - self._started + (backoff or 0.0)
                if owner.deadline is not None and starts_at >= owner.deadline:
                    return
                self._current = (model_id, region, attempt)
                yield model_id, region, backoff

    def tag(self) -> str:
        """The callback tag of the attempt about to start."""
        return f"retry:attempt:{len(self.attempts) + 1}"

    def failed(self, error: BaseException) -> None:
        """Record a failed attempt; raise at once if the error is permanent."""
        model_id, region, _attempt = self._current
        self.errors.append(error)
        requests = self._sent.value - self._sent_before
        self._sent_before = self._sent.value
        decision, record = self._owner._classify(  # noqa: SLF001
            error, model_id, region, self._sent, requests
        )
        self.attempts.append(record)
        if decision == "next_pair":
            self._skip = (model_id, region)

    def exhausted(self) -> BedrockRetryError:
        """The error to raise when no attempt is left, caused by the first failure."""
        error = BedrockRetryError(self.attempts)
        if self._sent.value:
            error.context = replace(error.context, attempts=self._sent.value)
        error.__cause__ = self.errors[0] if self.errors else None
        return error


def with_bedrock_retry(  # noqa: PLR0913 - the policy's knobs, all keyword-only
    model: EnhancedChatBedrockConverse,
    *,
    max_attempts: int = 3,
    regions: Sequence[str] | None = None,
    fallback_models: Sequence[str] | None = None,
    backoff_base: float = 0.5,
    backoff_max: float = 20.0,
    deadline: float | None = None,
) -> BedrockRetryRunnable:
    """Wrap `model` with backoff, region failover and model fallback.

    Args:
        model: A chat model from `create_langchain_chatbedrock` (or any
            `EnhancedChatBedrockConverse`).
        max_attempts: Attempts per (model, region) pair for transient errors.
        regions: Regions to try, in order; the model's region when omitted.
        fallback_models: Model IDs to try after the primary, in order.
        backoff_base: Seconds before the first retry (doubled each time, full jitter).
        backoff_max: The cap on one backoff, in seconds.
        deadline: An overall budget in seconds; no attempt starts after it.

    Returns:
        The wrapping Runnable; `.bind_tools()` and `.with_structured_output()` on it
        keep the policy.

    Example:
        >>> robust = with_bedrock_retry(
        ...     model, regions=["us-east-1", "us-west-2"], fallback_models=["amazon.nova-pro-v1:0"]
        ... )  # doctest: +SKIP
    """
    try:
        return BedrockRetryRunnable(
            model=model,
            max_attempts=max_attempts,
            regions=list(regions) if regions else None,
            fallback_models=list(fallback_models or []),
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            deadline=deadline,
        )
    except ValidationError as err:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
            for problem in err.errors()
        )
        msg = f"Invalid with_bedrock_retry settings: {problems}."
        raise ConfigurationError(msg, model_id=model.model_id) from err
