"""Native async Converse calls: one request each, and no thread per request.

langchain-aws has no `_agenerate`/`_astream`, so `BaseChatModel` runs the sync
`_generate` in the default executor: one thread per call in flight. This module sends
the same request with aiobotocore instead, without a second copy of langchain-aws's
request shaping or response parsing:

1. **Capture.** The model's sync single-request method runs on the event-loop thread
   under a context variable. A handler on the sync boto3 client's
   `before-parameter-build.bedrock-runtime.Converse` (and `.ConverseStream`) event sees
   the variable and raises `_CapturedRequest` with the exact keyword arguments of
   `client.converse(...)`. That event fires after the `provide-client-params` hooks
   and before serialization, signing and any I/O, so nothing is sent and every
   shaping step (family hooks, message conversion, tool config, cache points) has run.
2. **Send.** An aiobotocore client sends those arguments. It signs with the sync
   client's own credentials object (refreshed as botocore refreshes it) and copies
   its region, endpoint and `Config`, connection-pool size included.
3. **Parse.** langchain-aws's own `_parse_response` / `_parse_stream_event` turn the
   reply into messages, with the response metadata its `_generate`/`_stream` add,
   and errors are re-raised as the sync client's exception classes through
   `_handle_bedrock_error`, so `except client.exceptions.ThrottlingException` and the
   access engine's detection work the same on both paths.

The aiobotocore clients (one per event loop and sync client), the connection slots
that keep requests from being built before they can be sent, and the thread-pool
fallback without aiobotocore live in `_async_clients`.

The sync method captured is the model's own `_generate` / `_stream`, so family
shaping is identical. Each entry point sends exactly one request: callers that choose
the model ID (the access engine) pass `model_id=`, and the model's `_generate` /
`_stream` then build one request for that ID.

Example:
    >>> from langchain_core.messages import HumanMessage
    >>> from langchain_bedrock_enhanced import create_langchain_chatbedrock
    >>> model = create_langchain_chatbedrock(
    ...     "anthropic.claude-3-haiku-20240307-v1:0", region_name="us-east-1"
    ... )
    >>> capture_converse_request(model, [HumanMessage("Hi")])["modelId"]  # doctest: +SKIP
    'anthropic.claude-3-haiku-20240307-v1:0'
    >>> result = await agenerate_once(model, [HumanMessage("Hi")])  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, cast

from botocore.client import BaseClient
from botocore.exceptions import ClientError
from langchain_aws.chat_models.bedrock_converse import (
    _extract_thinking_tokens,
    _handle_bedrock_error,
    _parse_response,
    _parse_stream_event,
    _raise_if_context_overflow,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables.config import run_in_executor

from langchain_bedrock_enhanced._transport.async_clients import (
    CONVERSE,
    CONVERSE_STREAM,
    HOOK_ID,
    SERVICE_ID,
    call_headers,
    loop_clients,
    native_async_available,
    pool_for,
    request_slot,
    stream_slot,
)

if TYPE_CHECKING:
    from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
    from langchain_core.messages import BaseMessage

    from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse

__all__ = [
    "agenerate_once",
    "astream_once",
    "capture_converse_request",
    "capture_converse_stream_request",
]

logger = logging.getLogger(__name__)


# ------------------------------------------------------------------ capture


class _CapturedRequest(BaseException):
    """Carries one request's parameters out of the sync path before anything is sent.

    A `BaseException`, like `GeneratorExit`, so that no `except Exception` between the
    client and us (langchain-aws's, the access engine's) can mistake it for a failure.
    """

    def __init__(self, operation: str, params: dict[str, Any]) -> None:
        super().__init__(operation)
        self.operation = operation
        self.params = params


_capturing: ContextVar[str | None] = ContextVar("lbe_async_capturing", default=None)
"""The operation being captured in this context, if any. Other threads and tasks
using the same sync client are untouched: context variables are per context."""


_hooked_clients: weakref.WeakSet[BaseClient] = weakref.WeakSet()


def _raise_captured(params: dict[str, Any], model: Any, **_: Any) -> None:  # noqa: ANN401 - botocore's OperationModel
    operation = _capturing.get()
    if operation is not None and operation == getattr(model, "name", None):
        raise _CapturedRequest(operation, dict(params))


def _install_capture_hooks(client: BaseClient) -> None:
    if client in _hooked_clients:
        return
    for operation in (CONVERSE, CONVERSE_STREAM):
        # unique_id makes a second registration (another thread racing us) a no-op.
        client.meta.events.register(
            f"before-parameter-build.{SERVICE_ID}.{operation}",
            _raise_captured,
            unique_id=f"{HOOK_ID}-capture-{operation}",
        )
    _hooked_clients.add(client)


def _sync_generate(model: EnhancedChatBedrockConverse) -> Callable[..., ChatResult]:
    return model._generate  # noqa: SLF001 - the sync path whose request we send


def _sync_stream(
    model: EnhancedChatBedrockConverse,
) -> Callable[..., Iterator[ChatGenerationChunk]]:
    return model._stream  # noqa: SLF001 - the sync path whose request we send


def _capture_generate(
    model: EnhancedChatBedrockConverse,
    messages: list[BaseMessage],
    stop: list[str] | None,
    kwargs: dict[str, Any],
) -> dict[str, Any] | ChatResult:
    """The Converse parameters, or the result if the client answered by itself."""
    _install_capture_hooks(model.client)
    token = _capturing.set(CONVERSE)
    try:
        # run_manager=None: the sync method only passes it on, and nothing is sent.
        return _sync_generate(model)(messages, stop, None, **kwargs)
    except _CapturedRequest as captured:
        return captured.params
    finally:
        _capturing.reset(token)


def _capture_stream(
    model: EnhancedChatBedrockConverse,
    messages: list[BaseMessage],
    stop: list[str] | None,
    kwargs: dict[str, Any],
) -> dict[str, Any] | tuple[ChatGenerationChunk, Iterator[ChatGenerationChunk]] | None:
    """The ConverseStream parameters; or the first chunk and the rest, or None if empty."""
    _install_capture_hooks(model.client)
    token = _capturing.set(CONVERSE_STREAM)
    try:
        iterator = _sync_stream(model)(messages, stop, None, **kwargs)
        first = next(iterator, None)
    except _CapturedRequest as captured:
        return captured.params
    finally:
        _capturing.reset(token)
    return None if first is None else (first, iterator)


def capture_converse_request(
    model: EnhancedChatBedrockConverse,
    messages: list[BaseMessage],
    stop: list[str] | None = None,
    **kwargs: Any,  # noqa: ANN401 - the call's keyword arguments, as for `_generate`
) -> dict[str, Any]:
    """The keyword arguments the sync path would pass to `client.converse(...)`.

    Runs the model's request shaping without sending anything.

    Args:
        model: The chat model.
        messages: The conversation.
        stop: Stop sequences.
        **kwargs: Call-time arguments, as `_generate` takes them (`model_id=` too).

    Returns:
        The parameters, `modelId` and `messages` included.

    Raises:
        RuntimeError: The model's client answered without botocore's events (a
            patched `converse`), so there was nothing to capture.

    Example:
        >>> from langchain_core.messages import HumanMessage
        >>> from langchain_bedrock_enhanced import create_langchain_chatbedrock
        >>> model = create_langchain_chatbedrock(
        ...     "anthropic.claude-3-haiku-20240307-v1:0", region_name="us-east-1"
        ... )
        >>> capture_converse_request(model, [HumanMessage("Hi")], model_id="x.y-v1:0")[
        ...     "modelId"
        ... ]  # doctest: +SKIP
        'x.y-v1:0'
    """
    captured = _capture_generate(model, messages, stop, kwargs)
    if isinstance(captured, ChatResult):
        msg = "The model's client answered by itself; no Converse request was built to capture."
        raise RuntimeError(msg)  # noqa: TRY004 - not a type error: nothing was captured
    return captured


def capture_converse_stream_request(
    model: EnhancedChatBedrockConverse,
    messages: list[BaseMessage],
    stop: list[str] | None = None,
    **kwargs: Any,  # noqa: ANN401 - the call's keyword arguments, as for `_stream`
) -> dict[str, Any]:
    """The keyword arguments the sync path would pass to `client.converse_stream(...)`.

    Args:
        model: The chat model.
        messages: The conversation.
        stop: Stop sequences.
        **kwargs: Call-time arguments, as `_stream` takes them.

    Returns:
        The parameters.

    Raises:
        RuntimeError: The model's client answered without botocore's events.

    Example:
        >>> params = capture_converse_stream_request(model, [HumanMessage("Hi")])  # doctest: +SKIP
    """
    captured = _capture_stream(model, messages, stop, kwargs)
    if not isinstance(captured, dict):
        msg = "The model's client answered by itself; no ConverseStream request was built."
        raise RuntimeError(msg)  # noqa: TRY004 - not a type error: nothing was captured
    return captured


# --------------------------------------------------------------- parsing


def _as_sync_error(client: BaseClient, error: ClientError) -> ClientError:
    """The error as the sync client would have raised it (its own exception classes)."""
    code = str(error.response.get("Error", {}).get("Code", ""))
    # botocore-stubs type from_code() as returning an instance; it returns the class.
    sync_class = cast("type[ClientError]", client.exceptions.from_code(code))
    if type(error) is sync_class:
        return error
    return sync_class(error.response, error.operation_name)


def _chat_result(model: EnhancedChatBedrockConverse, response: dict[str, Any]) -> ChatResult:
    # The same steps, in the same order, as ChatBedrockConverse._generate after converse().
    message = _parse_response(
        response,
        inline_reasoning_tags=model._inline_reasoning_tags_for_model(),  # noqa: SLF001 - the parent's own hook
    )
    message.response_metadata["model_provider"] = "bedrock_converse"
    message.response_metadata["model_name"] = model.base_model_id or model.model_id
    if "application-inference-profile" in model.model_id:
        message.response_metadata["inference_profile_id"] = model.model_id
    return ChatResult(generations=[ChatGeneration(message=message)])


async def _stream_chunks(
    model: EnhancedChatBedrockConverse,
    response: dict[str, Any],
    run_manager: AsyncCallbackManagerForLLMRun | None,
) -> AsyncIterator[ChatGenerationChunk]:
    # The same loop as ChatBedrockConverse._stream after converse_stream(), over an
    # async event stream.
    added_model_name = False
    received_message_stop = False
    reasoning_tokens: int | None = None
    stream = response["stream"]
    try:
        async for event in stream:
            if "messageStop" in event:
                received_message_stop = True
                reasoning_tokens = _extract_thinking_tokens(
                    event["messageStop"].get("additionalModelResponseFields")
                )
            message_chunk = _parse_stream_event(event, reasoning_tokens=reasoning_tokens)
            if not message_chunk:
                continue
            if getattr(message_chunk, "usage_metadata", None) and not added_model_name:
                message_chunk.response_metadata["model_name"] = (
                    model.base_model_id or model.model_id
                )
                if "application-inference-profile" in model.model_id:
                    message_chunk.response_metadata["inference_profile_id"] = model.model_id
                if metadata := response.get("ResponseMetadata"):
                    message_chunk.response_metadata["ResponseMetadata"] = metadata
                added_model_name = True
            message_chunk.response_metadata["model_provider"] = "bedrock_converse"
            generation_chunk = ChatGenerationChunk(message=message_chunk)
            if run_manager:
                await run_manager.on_llm_new_token(generation_chunk.text, chunk=generation_chunk)
            yield generation_chunk
    except ClientError as err:
        # Bedrock can also report the overflow as an event after the stream opens.
        _raise_if_context_overflow(err)
        raise
    finally:
        stream.close()
    if not received_message_stop:
        msg = "Incomplete Bedrock response stream: missing messageStop event."
        raise ConnectionError(msg)


async def _send(
    model: EnhancedChatBedrockConverse, operation: str, params: dict[str, Any]
) -> dict[str, Any]:
    """Send one captured request on this loop's aiobotocore client; sync error classes."""
    client = model.client
    async_client = await (await loop_clients()).get(client)
    method = async_client.converse if operation == CONVERSE else async_client.converse_stream
    headers = model.default_headers
    token = call_headers.set(headers) if headers else None
    try:
        response: dict[str, Any] = await method(**params)
    except ClientError as err:
        sync_error = _as_sync_error(client, err)
        _handle_bedrock_error(sync_error)
        raise sync_error from err  # unreachable: _handle_bedrock_error always raises
    finally:
        if token is not None:
            call_headers.reset(token)
    return response


# ------------------------------------------------------------ entry points


async def agenerate_once(
    model: EnhancedChatBedrockConverse,
    messages: list[BaseMessage],
    stop: list[str] | None = None,
    run_manager: AsyncCallbackManagerForLLMRun | None = None,
    **kwargs: Any,  # noqa: ANN401 - the call's keyword arguments, as for `_generate`
) -> ChatResult:
    """Send exactly one Converse request, natively async; the async `_generate`.

    Args:
        model: The chat model; its sync shaping builds the request.
        messages: The conversation.
        stop: Stop sequences.
        run_manager: The run's callback manager (the thread-pool fallback hands its
            sync form to the sync method, as `BaseChatModel` does).
        **kwargs: Call-time arguments, as `_generate` takes them; `model_id=` sends
            another model ID.

    Returns:
        The result, exactly as the sync `_generate` builds it.

    Raises:
        botocore.exceptions.ClientError: As on the sync path: the sync client's own
            exception classes, via langchain-aws's error handling.

    Example:
        >>> result = await agenerate_once(model, [HumanMessage("Hi")])  # doctest: +SKIP
        >>> result.generations[0].message.content  # doctest: +SKIP
        'Hello!'
    """
    client = model.client
    if not native_async_available(client):
        return await run_in_executor(
            pool_for(client),
            _sync_generate(model),
            messages,
            stop,
            run_manager.get_sync() if run_manager else None,
            **kwargs,
        )
    async with request_slot(client):
        captured = _capture_generate(model, messages, stop, kwargs)
        if isinstance(captured, ChatResult):
            # A patched `converse` answered without botocore's events; its answer stands.
            return captured
        response = await _send(model, CONVERSE, captured)
    return _chat_result(model, response)


async def astream_once(
    model: EnhancedChatBedrockConverse,
    messages: list[BaseMessage],
    stop: list[str] | None = None,
    run_manager: AsyncCallbackManagerForLLMRun | None = None,
    **kwargs: Any,  # noqa: ANN401 - the call's keyword arguments, as for `_stream`
) -> AsyncIterator[ChatGenerationChunk]:
    """Send exactly one ConverseStream request, natively async; the async `_stream`.

    Whether to stream at all (e.g. not with tools for some families) is decided
    before this is called: `BaseChatModel` routes such calls to `_agenerate`.

    Args:
        model: The chat model; its sync shaping builds the request.
        messages: The conversation.
        stop: Stop sequences.
        run_manager: Told of each chunk, as the sync `_stream` tells its own.
        **kwargs: Call-time arguments, as `_stream` takes them (`model_id=` too).

    Yields:
        The chunks, exactly as the sync `_stream` builds them.

    Raises:
        botocore.exceptions.ClientError: As on the sync path.
        ConnectionError: The stream ended without `messageStop`.

    Example:
        >>> async for chunk in astream_once(model, [HumanMessage("Hi")]):  # doctest: +SKIP
        ...     print(chunk.text, end="")
    """
    client = model.client
    if not native_async_available(client):
        pool = pool_for(client)
        iterator = await run_in_executor(
            pool,
            _sync_stream(model),
            messages,
            stop,
            run_manager.get_sync() if run_manager else None,
            **kwargs,
        )
        async for chunk in _drain_in_pool(pool, iterator):
            yield chunk
        return
    # Held until the stream ends: its connection is busy until then.
    async with stream_slot(client):
        captured = _capture_stream(model, messages, stop, kwargs)
        if captured is None:
            return
        if isinstance(captured, tuple):
            # A patched `converse_stream` answered without botocore's events.
            first, rest = captured
            yield first
            async for chunk in _drain_in_pool(pool_for(client), rest):
                yield chunk
            return
        response = await _send(model, CONVERSE_STREAM, captured)
        async for chunk in _stream_chunks(model, response, run_manager):
            yield chunk


async def _drain_in_pool(
    pool: ThreadPoolExecutor, iterator: Iterator[ChatGenerationChunk]
) -> AsyncIterator[ChatGenerationChunk]:
    done = object()
    try:
        while True:
            item = await run_in_executor(pool, next, iterator, done)
            if item is done:
                return
            yield cast("ChatGenerationChunk", item)
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:  # an abandoned stream releases its HTTP connection
            await run_in_executor(pool, close)
