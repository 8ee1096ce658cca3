"""How one call is sent: counted, through the access engine, and typed when it fails.

The chat model's four paths (`_generate`, `_stream`, `_agenerate`, `_astream`) come
here with langchain-aws's sender for the call. Each call:

- counts the HTTP requests it sends (`_transport.request_count`), so the `attempts` in
  `response_metadata` and in errors equal what the emulator or AWS saw;
- goes through the access engine, when the model has one;
- raises the package's typed errors, which stay instances of the botocore class
  langchain-aws would have raised (`errors.as_typed`).

A stream holds back the chunks before its first content chunk (text, tool-call or
reasoning content; an empty message-start chunk is not content). Until then a
failure is handled like a failed call: profile fallback, and transient errors
re-sent as often as the client's botocore retry settings allow, with botocore's
backoff. After content, a failure raises `StreamInterruptedError` with what
arrived, and nothing is sent again.

Example:
    >>> from langchain_core.messages import AIMessageChunk
    >>> from langchain_core.outputs import ChatGenerationChunk
    >>> start = ChatGenerationChunk(message=AIMessageChunk(content=[]))
    >>> hello = ChatGenerationChunk(message=AIMessageChunk(content="Hello"))
    >>> has_content(start), has_content(hello)
    (False, True)
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NoReturn, Protocol

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from langchain_core.outputs import ChatGenerationChunk, ChatResult

from langchain_bedrock_enhanced._transport.request_count import (
    RequestCount,
    count_requests_of,
    counting,
    open_count,
)
from langchain_bedrock_enhanced.access.engine import FirstChunkOutcome, with_outcome
from langchain_bedrock_enhanced.errors import (
    BedrockEnhancedError,
    LLMError,
    StreamInterruptedError,
    TransientError,
    as_typed,
    keeping_botocore_class,
    translate_bedrock_error,
)

if TYPE_CHECKING:
    from langchain_bedrock_enhanced.access.engine import AccessEngine

__all__ = [
    "ReceivedSoFar",
    "Sender",
    "agenerate",
    "astream",
    "generate",
    "has_content",
    "stream",
]

_MAX_BACKOFF = 20.0
"""botocore's cap on one retry's wait, in seconds (`botocore.retries.standard`)."""


class Sender(Protocol):
    """What sending needs of the chat model."""

    model_id: str
    client: Any

    @property
    def access_engine(self) -> AccessEngine | None:
        """The engine, or None when the model sends its ID as given."""

    @property
    def request_region(self) -> str:
        """The region requests go to."""


def has_content(chunk: ChatGenerationChunk) -> bool:
    """Whether a chunk carries text, a tool call or reasoning, rather than only metadata.

    Args:
        chunk: A chunk of a chat model's stream.

    Returns:
        True once the caller has something that must never be sent twice.
    """
    message = chunk.message
    if getattr(message, "tool_call_chunks", None):
        return True
    content = message.content
    if isinstance(content, str):
        return bool(content)
    return any(_block_has_content(block) for block in content)


def _block_has_content(block: str | Mapping[str, Any]) -> bool:
    if isinstance(block, str):
        return bool(block)
    if block.get("type") == "text":
        return bool(block.get("text"))
    # Tool use, reasoning, citations, images: anything but an empty text block.
    return True


class ReceivedSoFar:
    """Accumulates a stream's text, tool-call chunks and usage as they arrive.

    Example:
        >>> from langchain_core.messages import AIMessageChunk
        >>> received = ReceivedSoFar()
        >>> received.add(ChatGenerationChunk(message=AIMessageChunk(content="Hel")))
        >>> received.add(ChatGenerationChunk(message=AIMessageChunk(content="lo")))
        >>> received.text, received.has_content
        ('Hello', True)
    """

    __slots__ = ("has_content", "parts", "tool_call_chunks", "usage")

    def __init__(self) -> None:
        """Start empty."""
        self.parts: list[str] = []
        self.tool_call_chunks: list[dict[str, Any]] = []
        self.usage: dict[str, Any] | None = None
        self.has_content = False

    @property
    def text(self) -> str:
        """The text received so far."""
        return "".join(self.parts)

    def add(self, chunk: ChatGenerationChunk) -> None:
        """Take one chunk into account."""
        self.has_content = self.has_content or has_content(chunk)
        if chunk.text:
            self.parts.append(chunk.text)
        message = chunk.message
        self.tool_call_chunks.extend(dict(c) for c in getattr(message, "tool_call_chunks", ()))
        usage = getattr(message, "usage_metadata", None)
        if usage:
            self.usage = dict(usage)

    def interrupted(self, error: LLMError) -> StreamInterruptedError:
        """The error for a stream that broke after its content, from the typed failure.

        Args:
            error: The typed failure, with its context.

        Returns:
            A `StreamInterruptedError` with what arrived and the failure's context.
        """
        context = error.context
        msg = (
            f"The stream broke after content had arrived ({len(self.text)} characters, "
            f"{len(self.tool_call_chunks)} tool-call chunks): {error.message} It is not "
            "sent again, so that nothing repeats; retry it yourself if a full answer is "
            "needed, or use what arrived (StreamInterruptedError.text)."
        )
        return StreamInterruptedError(
            msg,
            text=self.text,
            tool_call_chunks=self.tool_call_chunks,
            usage=self.usage,
            error_code=error.error_code,
            status_code=error.status_code,
            model_id=context.model_id,
            region=context.region,
            access_method=context.access_method,
            request_id=context.request_id,
            attempts=context.attempts,
        )


def with_attempts(result: ChatResult, sent: RequestCount) -> ChatResult:
    """`result` with the HTTP requests sent for it in each message's metadata.

    Args:
        result: A chat result.
        sent: The call's request count.

    Returns:
        `result`, updated when any request was counted.
    """
    if sent.value:
        for generation in result.generations:
            generation.message.response_metadata["attempts"] = sent.value
    return result


def raise_typed(
    model: Sender,
    error: Exception,
    sent: RequestCount,
    received: ReceivedSoFar | None = None,
) -> NoReturn:
    """Raise what escaped a call as the package's error, with the call's context.

    A Bedrock or transport failure is typed and keeps its botocore class; after a
    stream's content it becomes a `StreamInterruptedError` with what arrived.
    Anything else (a bug, bad input LangChain caught) is raised as it is.

    Args:
        model: The model that sent the call.
        error: What escaped.
        sent: The call's request count.
        received: What a stream delivered before the failure, for streams.

    Raises:
        BedrockEnhancedError: The typed error, from `error`.
    """
    typed = as_typed(error, model_id=model.model_id, region=model.request_region)
    if not isinstance(typed, BedrockEnhancedError):
        raise error
    if received is not None and received.has_content and isinstance(typed, LLMError):
        typed = keeping_botocore_class(received.interrupted(typed), error)
    if sent.value and typed.context.attempts is None:
        typed.context = replace(typed.context, attempts=sent.value)
    if typed is error:
        raise error
    raise typed from error


def generate(
    model: Sender, send: Callable[[str], ChatResult], *, as_given: str | None
) -> ChatResult:
    """Send one call: counted, through the engine unless `as_given`, typed on failure.

    Args:
        model: The model.
        send: Sends the call for a model ID (the engine's `SendAs`).
        as_given: The model ID the caller named for this call, sent as given without
            the engine; None to send `model.model_id` through the engine, if any.

    Returns:
        The result, with the access outcome and the requests sent in its metadata.
    """
    engine = None if as_given else model.access_engine
    target = as_given or model.model_id
    count_requests_of(model.client)
    with counting() as sent:
        try:
            if engine is None:
                return with_attempts(send(target), sent)
            result, outcome = engine.run(model.model_id, model.request_region, send)
        except Exception as error:  # noqa: BLE001 - typed, or re-raised as it is
            raise_typed(model, error, sent)
    return with_outcome(result, outcome.counted(sent.value))


async def agenerate(
    model: Sender, send: Callable[[str], Awaitable[ChatResult]], *, as_given: str | None
) -> ChatResult:
    """The async twin of `generate`."""
    engine = None if as_given else model.access_engine
    target = as_given or model.model_id
    count_requests_of(model.client)
    with counting() as sent:
        try:
            if engine is None:
                return with_attempts(await send(target), sent)
            result, outcome = await engine.arun(model.model_id, model.request_region, send)
        except Exception as error:  # noqa: BLE001 - typed, or re-raised as it is
            raise_typed(model, error, sent)
    return with_outcome(result, outcome.counted(sent.value))


def stream(
    model: Sender,
    open_stream: Callable[[str], Iterator[ChatGenerationChunk]],
    *,
    as_given: str | None,
) -> Iterator[ChatGenerationChunk]:
    """Stream one call: held until content, re-sent before it, typed on failure.

    Args:
        model: The model.
        open_stream: Opens the stream for a model ID.
        as_given: The model ID the caller named for this call, or None.

    Yields:
        The chunks; the first one carries the access outcome and requests sent.
    """
    engine = None if as_given else model.access_engine
    target = as_given or model.model_id
    count_requests_of(model.client)
    sent, close = open_count()
    received = ReceivedSoFar()
    tries = _stream_tries(model.client)
    try:
        for attempt in range(1, tries + 1):
            first_chunk = FirstChunkOutcome(sent)
            if engine is None:
                chunks = _held_until_content(open_stream(target))
            else:
                chunks = engine.stream(
                    model.model_id, model.request_region, open_stream, first_chunk.set, has_content
                )
            try:
                for chunk in chunks:
                    received.add(chunk)
                    yield first_chunk.tag(chunk)
            except Exception as error:
                if received.has_content or attempt == tries or not _transient(error):
                    raise
                time.sleep(_backoff(attempt))
            else:
                return
    except Exception as error:  # noqa: BLE001 - typed, or re-raised as it is
        raise_typed(model, error, sent, received)
    finally:
        close()


async def astream(
    model: Sender,
    open_stream: Callable[[str], AsyncIterator[ChatGenerationChunk]],
    *,
    as_given: str | None,
) -> AsyncIterator[ChatGenerationChunk]:
    """The async twin of `stream`."""
    engine = None if as_given else model.access_engine
    target = as_given or model.model_id
    count_requests_of(model.client)
    sent, close = open_count()
    received = ReceivedSoFar()
    tries = _stream_tries(model.client)
    try:
        for attempt in range(1, tries + 1):
            first_chunk = FirstChunkOutcome(sent)
            if engine is None:
                chunks = _aheld_until_content(open_stream(target))
            else:
                chunks = engine.astream(
                    model.model_id, model.request_region, open_stream, first_chunk.set, has_content
                )
            try:
                async for chunk in chunks:
                    received.add(chunk)
                    yield first_chunk.tag(chunk)
            except Exception as error:
                if received.has_content or attempt == tries or not _transient(error):
                    raise
                await asyncio.sleep(_backoff(attempt))
            else:
                return
    except Exception as error:  # noqa: BLE001 - typed, or re-raised as it is
        raise_typed(model, error, sent, received)
    finally:
        close()


def _held_until_content(
    chunks: Iterator[ChatGenerationChunk],
) -> Iterator[ChatGenerationChunk]:
    held: list[ChatGenerationChunk] = []
    for chunk in chunks:
        held.append(chunk)
        if has_content(chunk):
            break
    yield from held
    yield from chunks


async def _aheld_until_content(
    chunks: AsyncIterator[ChatGenerationChunk],
) -> AsyncIterator[ChatGenerationChunk]:
    held: list[ChatGenerationChunk] = []
    async for chunk in chunks:
        held.append(chunk)
        if has_content(chunk):
            break
    for chunk in held:
        yield chunk
    async for chunk in chunks:
        yield chunk


def _transient(error: BaseException) -> bool:
    # A question, not a conversion: as_typed would retype the error in place.
    return isinstance(error, TransientError) or (
        isinstance(error, (ClientError, BotoCoreError))
        and isinstance(translate_bedrock_error(error), TransientError)
    )


def _stream_tries(client: Any) -> int:  # noqa: ANN401 - any boto3 client
    """How many times botocore would send one request: its `total_max_attempts`.

    A stream's failure before content (an exception event, a dropped connection) is
    invisible to botocore's retries, which end with the HTTP response; honouring the
    same setting keeps one rule for every request.
    """
    config = getattr(getattr(client, "meta", None), "config", None)
    if not isinstance(config, Config):
        return 1  # not a botocore client (a test double): no retry settings to honour
    found = getattr(config, "retries", None)
    retries: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    total = retries.get("total_max_attempts")
    if isinstance(total, int) and total > 0:
        return total
    extra = retries.get("max_attempts")
    # botocore's default, in its standard and legacy modes alike, is 3 sends in all.
    return extra + 1 if isinstance(extra, int) and extra >= 0 else 3


def _backoff(attempt: int) -> float:
    # botocore's standard mode: full jitter over 2^(attempt-1) seconds, capped at 20 s.
    return random.uniform(0, min(_MAX_BACKOFF, 2 ** (attempt - 1)))  # noqa: S311 - jitter
