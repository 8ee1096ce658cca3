"""The access engine: send a call through the right access method, and fall back once when needed.

This is the one place where "which model ID do we send, and what if AWS says it
needs an inference profile?" is decided. The chat model (every path: invoke, stream,
async, batch, tools, structured output) and the retry wrapper both go through it.

A call starts with the selector's choice (learned > catalog > default order). When
AWS answers that the model needs an inference profile, the engine re-sends at once
with the next method. That re-send is part of the same call: it consumes no retry
attempt, and a stream falls back before it yields anything. Outcomes go to the
tracker, so later calls (and, with a file store, later processes) start right.

The access policy (`access_methods`, see `langchain_bedrock_enhanced.access.policy`)
lives in the selector: every choice and every fallback stays inside it. Engines that
differ only in policy share their tracker (`with_access_methods`), so what one model
learns serves the others, within each one's policy.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

from langchain_bedrock_enhanced._transport.request_count import RequestCount
from langchain_bedrock_enhanced.access.detection import ProfileRequirementDetector
from langchain_bedrock_enhanced.access.policy import AccessMethodsInput, parse_access_methods
from langchain_bedrock_enhanced.access.selector import AccessMethodSelector
from langchain_bedrock_enhanced.access.tracker import AccessMethodTracker
from langchain_bedrock_enhanced.errors import ProfileRequirementError, as_typed
from langchain_bedrock_enhanced.model_ids import AccessMethod, parse_model_id

if TYPE_CHECKING:
    from langchain_core.outputs import ChatGenerationChunk, ChatResult

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class AccessOutcome:
    """How one call reached the model: what `response_metadata` reports."""

    access_method: AccessMethod
    model_id_sent: str
    region: str
    attempts: int
    """Requests sent for this call, profile fallbacks included."""

    @property
    def inference_profile_used(self) -> bool:
        """Whether the call went through an inference profile."""
        return self.access_method.uses_profile

    @property
    def inference_profile_id(self) -> str | None:
        """The profile ID or ARN that served the call, or None for direct access."""
        return self.model_id_sent if self.inference_profile_used else None

    def counted(self, requests: int) -> AccessOutcome:
        """This outcome with `attempts` set to the HTTP requests counted, when any were.

        The engine counts the requests it made; botocore's own retries beneath it
        are only seen by counting requests on the wire (see `request_count`).

        Example:
            >>> AccessOutcome(AccessMethod.DIRECT, "m", "us-east-1", 1).counted(3).attempts
            3
        """
        return replace(self, attempts=requests) if requests else self

    def as_metadata(self) -> dict[str, Any]:
        """The `response_metadata` keys of this outcome.

        Example:
            >>> AccessOutcome(AccessMethod.DIRECT, "amazon.nova-lite-v1:0", "us-east-1", 1).as_metadata()
            {'access_method_used': 'direct', 'inference_profile_used': False, 'inference_profile_id': None, 'model_id_sent': 'amazon.nova-lite-v1:0', 'region': 'us-east-1', 'attempts': 1}
        """  # noqa: E501 - a doctest line
        return {
            "access_method_used": self.access_method.value,
            "inference_profile_used": self.inference_profile_used,
            "inference_profile_id": self.inference_profile_id,
            "model_id_sent": self.model_id_sent,
            "region": self.region,
            "attempts": self.attempts,
        }


class SendAs(Generic[T]):
    """`call(model_id)` for the engine: `send(*args, **kwargs, model_id=model_id)`.

    A small object rather than a closure: many calls can be in flight at once.

    Example:
        >>> SendAs(dict, (), {"stop": None})("amazon.nova-lite-v1:0")
        {'stop': None, 'model_id': 'amazon.nova-lite-v1:0'}
    """

    __slots__ = ("_args", "_kwargs", "_send")

    def __init__(
        self, send: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """Keep what to call, and its arguments but the model ID."""
        self._send = send
        self._args = args
        self._kwargs = kwargs

    def __call__(self, model_id: str) -> T:
        """Call `send` for `model_id`."""
        return self._send(*self._args, **{**self._kwargs, "model_id": model_id})


def with_outcome(result: ChatResult, outcome: AccessOutcome) -> ChatResult:
    """`result` with how the call reached the model in each message's metadata.

    Args:
        result: A chat result.
        outcome: How the call reached the model.

    Returns:
        `result`, its messages' `response_metadata` updated.
    """
    for generation in result.generations:
        generation.message.response_metadata.update(outcome.as_metadata())
    return result


class FirstChunkOutcome:
    """Puts a stream's access outcome and request count on its first chunk only.

    Once only: merging chunks concatenates repeated string metadata. The engine
    calls `set` just before it yields the first chunk; without an engine (no outcome)
    the first chunk still gets the count of requests sent.
    """

    __slots__ = ("_done", "_outcome", "_sent")

    def __init__(self, sent: RequestCount | None = None) -> None:
        """Start with no outcome; `sent` counts the stream's requests, if given."""
        self._outcome: AccessOutcome | None = None
        self._sent = sent
        self._done = False

    def set(self, outcome: AccessOutcome) -> None:
        """Keep the outcome for the next chunk (the engine's `on_outcome`)."""
        self._outcome = outcome

    def tag(self, chunk: ChatGenerationChunk) -> ChatGenerationChunk:
        """The chunk, with the outcome in its metadata if it is the first."""
        if self._done:
            return chunk
        self._done = True
        sent = self._sent.value if self._sent is not None else 0
        if self._outcome is not None:
            chunk.message.response_metadata.update(self._outcome.counted(sent).as_metadata())
        elif sent:
            chunk.message.response_metadata["attempts"] = sent
        return chunk


class _Plan:
    """The state of one call: the current candidate, what failed, how many requests were sent."""

    def __init__(self, engine: AccessEngine, model_id: str, region: str) -> None:
        self._engine = engine
        self.model_id = model_id
        self.region = region
        self.tried: list[tuple[str, AccessMethod]] = []
        self.sent = 0
        self.first_error: BaseException | None = None
        parsed = parse_model_id(model_id)
        # A bare model ID leaves the choice of profile to us; a profile or ARN does not.
        self._guessing = parsed.kind == "foundation_model" and parsed.geo_prefix is None
        self.model_id_to_send, self.method = engine.selector.select_access_method(model_id, region)

    def before_send(self) -> str:
        self.sent += 1
        return self.model_id_to_send

    def on_error(self, error: BaseException) -> None:
        """Move to the next candidate after a profile requirement; re-raise anything else.

        An identifier the region does not know ("The provided model identifier is
        invalid.": a guessed `jp.` where only `apac.` exists, or a bare ID the region
        does not serve) also moves on, but only while the engine is guessing: an
        identifier the caller gave is final. When nothing is left, the model needs a
        profile this region does not offer: `ProfileRequirementError`, on every call.
        """
        engine = self._engine
        detector = engine.detector
        if detector.is_profile_requirement_error(error):
            self.first_error = self.first_error or error
            engine.tracker.record_profile_requirement(self.model_id, self.region)
        else:
            engine.tracker.record_failure(self.model_id, self.region, self.method, error=error)
            # An identifier this region does not know: a guessed profile it lacks, or
            # a bare ID it does not serve on demand (the model may still have a
            # profile here). Only while guessing: an identifier the caller gave is final.
            guessed_wrong = self._guessing and detector.is_invalid_model_identifier_error(error)
            if not guessed_wrong:
                self.raise_typed(error)
        self.tried.append((self.model_id_to_send, self.method))
        # Exclude what was sent, not whole methods: a guessed `jp.` profile that
        # fails still leaves `apac.` to try.
        sent_ids = [sent for sent, _ in self.tried]
        remaining = engine.selector.get_fallback_access_methods(
            self.model_id, self.region, sent_ids
        )
        if not remaining:
            # Every profile we could guess is unknown here, or the model refused its
            # bare ID: either way it needs a profile this region does not offer, or
            # one the access policy forbids. (Bare access is skipped without a
            # request once a requirement was learned.)
            excluded = engine.selector.excluded_by_policy(self.model_id, self.region, sent_ids)
            raise ProfileRequirementError(
                model_id=self.model_id,
                region=self.region,
                original_error=self.first_error or error,
                tried=list(self.tried),
                excluded_by_policy=excluded,
                access_methods=engine.selector.access_methods,
                # Bedrock never said "needs a profile": the region knows none of them.
                not_offered=self.first_error is None,
                access_method=self.method,
            ) from error
        self.model_id_to_send, self.method = remaining[0]
        logger.info(
            "Retrying %s in %s through %s (%s)",
            self.model_id,
            self.region,
            self.method.value,
            self.model_id_to_send,
        )

    def raise_typed(self, error: BaseException) -> NoReturn:
        """Raise `error` typed, with where it happened; not ours, it goes as it is."""
        typed = as_typed(
            error, model_id=self.model_id, region=self.region, access_method=self.method
        )
        if typed is error:
            raise error
        raise typed from error

    def on_failure_after_content(self, error: BaseException) -> NoReturn:
        """A stream broke after it yielded content: record it, never fall back."""
        self._engine.tracker.record_failure(self.model_id, self.region, self.method, error=error)
        self.raise_typed(error)

    def outcome(self) -> AccessOutcome:
        """How the call reached the model, so far; records nothing."""
        return AccessOutcome(self.method, self.model_id_to_send, self.region, self.sent)

    def on_success(self) -> AccessOutcome:
        outcome = self.outcome()
        self._engine.tracker.record_success(
            self.model_id, self.region, self.method, profile_id=outcome.inference_profile_id
        )
        return outcome


class AccessEngine:
    """Runs calls through the selected access method with one-step profile fallback.

    Args:
        selector: Chooses the model ID to send and its method.
        tracker: Records what worked; the selector reads it back.
        detector: Tells a profile requirement from every other error.

    Example:
        >>> engine = AccessEngine.default()  # doctest: +SKIP
        >>> reply, outcome = engine.run(
        ...     "anthropic.claude-sonnet-4-5-20250929-v1:0",
        ...     "eu-west-1",
        ...     lambda model_id: client.converse(modelId=model_id, messages=messages),
        ... )  # doctest: +SKIP
        >>> outcome.access_method  # doctest: +SKIP
        <AccessMethod.REGIONAL_CRIS: 'regional_cris'>
    """

    def __init__(
        self,
        *,
        selector: AccessMethodSelector,
        tracker: AccessMethodTracker,
        detector: ProfileRequirementDetector | None = None,
    ) -> None:
        """Create an engine from its parts; see the class docstring."""
        self.selector = selector
        self.tracker = tracker
        self.detector = detector or ProfileRequirementDetector()

    @classmethod
    def default(cls) -> AccessEngine:
        """An engine on the process-wide tracker, without a catalog.

        Example:
            >>> AccessEngine.default().tracker is AccessMethodTracker.get_instance()
            True
        """
        tracker = AccessMethodTracker.get_instance()
        return cls(selector=AccessMethodSelector(tracker, catalog=None), tracker=tracker)

    @property
    def access_methods(self) -> tuple[AccessMethod, ...]:
        """The access policy this engine chooses within (its selector's).

        Example:
            >>> [str(m) for m in AccessEngine.default().access_methods]
            ['direct', 'regional_cris', 'global_cris']
        """
        return self.selector.access_methods

    def with_access_methods(self, access_methods: AccessMethodsInput) -> AccessEngine:
        """This engine under another access policy, sharing its tracker, catalog and detector.

        Args:
            access_methods: The policy: `"direct"`, `"regional"`, `"global"`, in order.

        Returns:
            `self` when the policy is the same, else a copy with the new policy.

        Raises:
            ParameterValidationError: `access_methods` is not a policy.

        Example:
            >>> engine = AccessEngine.default()
            >>> residency = engine.with_access_methods(("direct", "regional"))
            >>> residency.tracker is engine.tracker, len(residency.access_methods)
            (True, 2)
        """
        methods = parse_access_methods(access_methods)
        if methods == self.access_methods:
            return self
        bound = copy.copy(self)
        bound.selector = self.selector.with_access_methods(methods)
        return bound

    def run(self, model_id: str, region: str, call: Callable[[str], T]) -> tuple[T, AccessOutcome]:
        """Call `call(model_id_to_send)` until it succeeds or fails for another reason."""
        plan = _Plan(self, model_id, region)
        while True:
            try:
                result = call(plan.before_send())
            except Exception as error:  # noqa: BLE001, PERF203 - classified by the plan, re-raised if not ours
                plan.on_error(error)
            else:
                return result, plan.on_success()

    async def arun(
        self, model_id: str, region: str, call: Callable[[str], Awaitable[T]]
    ) -> tuple[T, AccessOutcome]:
        """The async twin of `run`."""
        plan = _Plan(self, model_id, region)
        while True:
            try:
                result = await call(plan.before_send())
            except Exception as error:  # noqa: BLE001, PERF203 - classified by the plan
                plan.on_error(error)
            else:
                return result, plan.on_success()

    def stream(
        self,
        model_id: str,
        region: str,
        open_stream: Callable[[str], Iterator[T]],
        on_outcome: Callable[[AccessOutcome], None],
        is_content: Callable[[T], bool] = lambda _: True,
    ) -> Iterator[T]:
        """Yield from `open_stream(model_id_to_send)`, falling back before any content.

        Items before the first one with content (`is_content`), such as an empty
        message-start chunk, are held back: until content arrives, a failure is
        handled like a failed `run`, and nothing the caller saw is sent again. After
        content, a failure is recorded and raised, typed; it is never re-sent.
        `on_outcome` is called just before the first item is yielded (or when the
        stream ends without content).
        """
        plan = _Plan(self, model_id, region)
        while True:
            held: list[T] = []
            try:
                # Opening counts as sending: boto3's converse_stream raises here.
                iterator = open_stream(plan.before_send())
                for item in iterator:
                    held.append(item)
                    if is_content(item):
                        break
            except Exception as error:  # noqa: BLE001 - classified by the plan
                plan.on_error(error)
                continue
            on_outcome(plan.outcome())
            # One call, one record: a success once the stream ends (or its consumer
            # stops reading), a failure if it breaks after content.
            failed = False
            try:
                yield from held
                yield from iterator
            except Exception as error:  # noqa: BLE001 - after content: recorded, re-raised
                failed = True
                plan.on_failure_after_content(error)
            finally:
                if not failed:
                    plan.on_success()
            return

    async def astream(
        self,
        model_id: str,
        region: str,
        open_stream: Callable[[str], AsyncIterator[T]],
        on_outcome: Callable[[AccessOutcome], None],
        is_content: Callable[[T], bool] = lambda _: True,
    ) -> AsyncIterator[T]:
        """The async twin of `stream`."""
        plan = _Plan(self, model_id, region)
        while True:
            held: list[T] = []
            try:
                iterator = open_stream(plan.before_send())
                async for item in iterator:
                    held.append(item)
                    if is_content(item):
                        break
            except Exception as error:  # noqa: BLE001 - classified by the plan
                plan.on_error(error)
                continue
            on_outcome(plan.outcome())
            failed = False
            try:
                for item in held:
                    yield item
                async for item in iterator:
                    yield item
            except Exception as error:  # noqa: BLE001 - after content: recorded, re-raised
                failed = True
                plan.on_failure_after_content(error)
            finally:
                if not failed:
                    plan.on_success()
            return
