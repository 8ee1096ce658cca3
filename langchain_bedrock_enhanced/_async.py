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

Requests are built only when they can be sent: each (loop, client) pair has a
semaphore as wide as the connection pool, taken before the capture and held until
the reply (or, for a stream, its last event) is read. With 500 calls and a pool of
50, the other 450 wait before spending CPU on shaping, serialization and signing,
so the first 50 reach the network at once and later requests are built while
earlier ones are in flight, instead of all 500 being built up front.

aiobotocore clients are bound to an event loop, so there is one per (running loop,
sync client); the sync client fixes the region, endpoint, credentials and `Config`.
They are created on first use and closed when the loop shuts down (`asyncio.run`,
pytest-asyncio), when the sync client is garbage-collected, or by
`aclose_async_clients()`.

Without the `async` extra (aiobotocore), with a client that is not a botocore client,
or with bearer-token auth, calls run the sync method in a dedicated thread pool
sized from the client's `max_pool_connections`, not in the small default executor.

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

import asyncio
import contextlib
import functools
import importlib.util
import logging
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any, Final, cast

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

from langchain_bedrock_enhanced._user_agent import memoize_user_agent

if TYPE_CHECKING:
    from botocore.credentials import Credentials, ReadOnlyCredentials
    from langchain_core.callbacks import AsyncCallbackManagerForLLMRun
    from langchain_core.messages import BaseMessage

    from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse

__all__ = [
    "aclose_async_clients",
    "agenerate_once",
    "astream_once",
    "capture_converse_request",
    "capture_converse_stream_request",
    "native_async_available",
    "request_slot",
]

logger = logging.getLogger(__name__)

_CONVERSE: Final = "Converse"
_CONVERSE_STREAM: Final = "ConverseStream"
_SERVICE_ID: Final = "bedrock-runtime"
_HOOK_ID: Final = "langchain-bedrock-enhanced-async"
_DEFAULT_POOL_SIZE: Final = 10
"""botocore's own default `max_pool_connections`, for clients that do not say."""

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

_call_headers: ContextVar[Mapping[str, str] | None] = ContextVar(
    "lbe_async_call_headers", default=None
)
"""The model's `default_headers` for the async request in flight in this context."""

_hooked_clients: weakref.WeakSet[BaseClient] = weakref.WeakSet()

_slot_held: ContextVar[bool] = ContextVar("lbe_async_slot_held", default=False)
"""Whether this context's call already holds a connection slot (see `request_slot`)."""


def _raise_captured(params: dict[str, Any], model: Any, **_: Any) -> None:  # noqa: ANN401 - botocore's OperationModel
    operation = _capturing.get()
    if operation is not None and operation == getattr(model, "name", None):
        raise _CapturedRequest(operation, dict(params))


def _install_capture_hooks(client: BaseClient) -> None:
    if client in _hooked_clients:
        return
    for operation in (_CONVERSE, _CONVERSE_STREAM):
        # unique_id makes a second registration (another thread racing us) a no-op.
        client.meta.events.register(
            f"before-parameter-build.{_SERVICE_ID}.{operation}",
            _raise_captured,
            unique_id=f"{_HOOK_ID}-capture-{operation}",
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
    token = _capturing.set(_CONVERSE)
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
    token = _capturing.set(_CONVERSE_STREAM)
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


# ------------------------------------------------------------ availability


@functools.cache
def _aiobotocore_installed() -> bool:
    return importlib.util.find_spec("aiobotocore") is not None


def native_async_available(client: Any) -> bool:  # noqa: ANN401 - any bedrock-runtime client
    """Whether calls through `client` can go out on aiobotocore (else: a thread pool).

    Args:
        client: The model's bedrock-runtime client.

    Returns:
        True when aiobotocore is installed, `client` is a botocore client, and it signs
        with SigV4 credentials (bearer-token auth stays on the sync client).

    Example:
        >>> native_async_available(object())
        False
    """
    if not _aiobotocore_installed() or not isinstance(client, BaseClient):
        return False
    preference = getattr(client.meta.config, "auth_scheme_preference", None) or ""
    if "bearer" in preference.lower():
        return False
    return _sync_credentials(client) is not None


def _sync_credentials(client: BaseClient) -> Credentials | None:
    signer = getattr(client, "_request_signer", None)
    credentials: Credentials | None = getattr(signer, "_credentials", None)
    return credentials


# ------------------------------------------------------------ thread pools

_pools: dict[int, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool_size(client: Any) -> int:  # noqa: ANN401 - any client
    """The client's `max_pool_connections`, or botocore's default."""
    config = getattr(getattr(client, "meta", None), "config", None)
    size = getattr(config, "max_pool_connections", None)
    return size if isinstance(size, int) and size > 0 else _DEFAULT_POOL_SIZE


def _pool_for(client: Any) -> ThreadPoolExecutor:  # noqa: ANN401 - any client
    """A pool as wide as the client's connection pool, shared by clients of that width."""
    size = _pool_size(client)
    with _pools_lock:
        pool = _pools.get(size)
        if pool is None:
            pool = ThreadPoolExecutor(max_workers=size, thread_name_prefix="bedrock-async")
            _pools[size] = pool
        return pool


# ---------------------------------------------------- aiobotocore clients


class _SyncCredentialsBridge:
    """Gives aiobotocore's signer the sync client's credentials object.

    aiobotocore awaits `get_frozen_credentials()`; botocore's is synchronous. Sharing
    the object (rather than copying keys) keeps expiring credentials (SSO, STS,
    instance roles) refreshing exactly as on the sync path.
    """

    def __init__(self, credentials: Credentials) -> None:
        self._credentials = credentials
        self.method = getattr(credentials, "method", None)

    async def get_frozen_credentials(self) -> ReadOnlyCredentials:
        refresh_needed = getattr(self._credentials, "refresh_needed", None)
        if callable(refresh_needed) and refresh_needed():
            # A refresh may do network I/O (STS, SSO, IMDS): keep it off the loop.
            return await asyncio.to_thread(self._credentials.get_frozen_credentials)
        return self._credentials.get_frozen_credentials()

    async def get_account_id(self) -> str | None:
        frozen = await self.get_frozen_credentials()
        account_id: str | None = getattr(frozen, "account_id", None)
        return account_id

    def get_deferred_property(self, name: str) -> Callable[[], Any]:
        """What botocore's endpoint builtins read (aiobotocore then swaps in its own)."""
        return lambda: getattr(self, name, None)


@functools.cache
def _bridged_session_class() -> type[Any]:
    from aiobotocore.session import (  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: PLC0415 - optional extra
        AioSession,
    )

    class _BridgedSession(AioSession):  # type: ignore[misc,unused-ignore]
        """An `AioSession` whose clients sign with the given credentials object."""

        def __init__(self, credentials: _SyncCredentialsBridge) -> None:
            super().__init__()
            self._bridge = credentials

        async def get_credentials(self) -> _SyncCredentialsBridge:
            return self._bridge

    return _BridgedSession


# Options of the sync client's resolved Config that are not copied: the region is
# passed on its own, and `user_agent` is boto3's full computed string, which would
# make aiobotocore announce itself as boto3 (`user_agent_extra` is copied).
_CONFIG_NOT_COPIED: Final = frozenset({"region_name", "user_agent"})

# The async client is given the sync client's resolved endpoint URL, which already
# reflects FIPS and dual-stack; Bedrock's endpoint rules reject those flags next to
# an explicit endpoint, and AWS_USE_FIPS_ENDPOINT would otherwise set them again.
_CONFIG_PINNED: Final[Mapping[str, Any]] = {
    "use_fips_endpoint": False,
    "use_dualstack_endpoint": False,
}


def _async_config_options(client: BaseClient) -> dict[str, Any]:
    config = client.meta.config
    options: dict[str, Any] = {}
    for name in config.OPTION_DEFAULTS:
        if name in _CONFIG_NOT_COPIED:
            continue
        value = getattr(config, name, None)
        if value is not None:
            options[name] = value
    options.update(_CONFIG_PINNED)
    return options


def _add_call_headers(request: Any, **_: Any) -> None:  # noqa: ANN401 - botocore's request
    headers = _call_headers.get()
    if headers:
        for name, value in headers.items():
            request.headers[name] = value


async def _open_async_client(client: BaseClient) -> Any:  # noqa: ANN401 - an aiobotocore client
    from aiobotocore.config import (  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: PLC0415 - optional extra
        AioConfig,
    )

    credentials = _sync_credentials(client)
    if credentials is None:  # pragma: no cover - native_async_available checked it
        msg = "The sync client has no SigV4 credentials to share."
        raise RuntimeError(msg)
    session = _bridged_session_class()(_SyncCredentialsBridge(credentials))
    loader = getattr(client, "_loader", None)
    if loader is not None:
        # The sync client's data loader has the service model, endpoint rules and
        # partitions parsed already; sharing it spares a second copy (tens of
        # thousands of objects) per client and event loop.
        session.register_component("data_loader", loader)
    context = session.create_client(
        _SERVICE_ID,
        region_name=client.meta.region_name,
        endpoint_url=client.meta.endpoint_url,
        config=AioConfig(**_async_config_options(client)),
    )
    async_client = await context.__aenter__()
    memoize_user_agent(async_client)
    for operation in (_CONVERSE, _CONVERSE_STREAM):
        # langchain-aws adds `default_headers` on the sync client's before-send; the
        # async request carries them the same way, read per call.
        async_client.meta.events.register(
            f"before-send.{_SERVICE_ID}.{operation}",
            _add_call_headers,
            unique_id=f"{_HOOK_ID}-headers-{operation}",
        )
    logger.debug(
        "Opened an aiobotocore client for %s (%s, pool of %s)",
        client.meta.region_name,
        client.meta.endpoint_url,
        getattr(client.meta.config, "max_pool_connections", None),
    )
    return async_client


class _LoopClients:
    """The aiobotocore clients of one event loop, keyed by the sync client's id."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.clients: dict[int, Any] = {}
        self.slots: dict[int, asyncio.Semaphore] = {}
        self.finalizers: dict[int, weakref.finalize[Any, Any]] = {}
        self.opening = asyncio.Lock()
        self.closing: set[asyncio.Task[None]] = set()
        self.unclosed: set[Any] = set()
        """Clients dropped by `forget` whose close has not finished yet."""
        self._keeper: AsyncIterator[None] | None = None

    async def start_keeper(self) -> None:
        """Close the clients when the loop shuts down.

        An async generator suspended at its `yield` is finalized by the loop's
        `shutdown_asyncgens()`, which `asyncio.run` and pytest-asyncio's runner call
        before closing the loop; its `finally` can still await. No other hook runs
        on a loop's shutdown.
        """
        self._keeper = self._close_at_shutdown()
        await self._keeper.__anext__()

    async def _close_at_shutdown(self) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await self.aclose()
            if self.closing:
                await asyncio.gather(*self.closing, return_exceptions=True)
            # A close task spawned as the loop stopped can be cancelled before it
            # starts; closing twice is harmless.
            for async_client in list(self.unclosed):
                await self._close_dropped(async_client)
            with _registries_lock:
                if _registries.get(id(self.loop)) is self:
                    del _registries[id(self.loop)]

    def slot(self, client: BaseClient) -> asyncio.Semaphore:
        """The semaphore that admits as many requests as `client` has pooled connections."""
        key = id(client)
        slots = self.slots.get(key)
        if slots is None:
            slots = self.slots[key] = asyncio.Semaphore(_pool_size(client))
        return slots

    async def get(self, client: BaseClient) -> Any:  # noqa: ANN401 - an aiobotocore client
        key = id(client)
        async_client = self.clients.get(key)
        if async_client is not None:
            return async_client
        async with self.opening:  # many first calls at once open one client
            async_client = self.clients.get(key)
            if async_client is None:
                async_client = await _open_async_client(client)
                self.clients[key] = async_client
                # The id stays unique while the sync client lives; when it goes, so does this.
                self.finalizers[key] = weakref.finalize(client, self.forget, key)
        return async_client

    def forget(self, key: int) -> None:
        """Drop and close the client of a collected sync client (any thread, any time)."""
        async_client = self.clients.pop(key, None)
        self.finalizers.pop(key, None)
        self.slots.pop(key, None)
        if async_client is None:
            return
        self.unclosed.add(async_client)
        if self.loop.is_closed():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            self.loop.call_soon_threadsafe(self._spawn_close, async_client)

    def _spawn_close(self, async_client: Any) -> None:  # noqa: ANN401 - an aiobotocore client
        task = self.loop.create_task(self._close_dropped(async_client))
        self.closing.add(task)
        task.add_done_callback(self.closing.discard)

    async def _close_dropped(self, async_client: Any) -> None:  # noqa: ANN401 - an aiobotocore client
        await _close_quietly(async_client)
        self.unclosed.discard(async_client)

    async def aclose(self, keys: list[int] | None = None) -> None:
        """Close the clients under `keys` (all of them when None)."""
        chosen = list(self.clients) if keys is None else [k for k in keys if k in self.clients]
        for key in chosen:
            finalizer = self.finalizers.pop(key, None)
            if finalizer is not None:
                finalizer.detach()
            await _close_quietly(self.clients.pop(key))


async def _close_quietly(async_client: Any) -> None:  # noqa: ANN401 - an aiobotocore client
    try:
        await async_client.close()
    except Exception:  # closing is best effort; the connections are going anyway
        logger.debug("Closing an aiobotocore client failed", exc_info=True)


# Keyed by id(loop), holding the loop: a closed loop's registry is dropped by its
# keeper or by the sweep below, so an id is never reused while its entry exists.
_registries: dict[int, _LoopClients] = {}
_registries_lock = threading.Lock()


async def _loop_clients() -> _LoopClients:
    loop = asyncio.get_running_loop()
    registry = _registries.get(id(loop))
    if registry is not None and registry.loop is loop:
        return registry
    registry = _LoopClients(loop)
    with _registries_lock:
        for key, other in list(_registries.items()):
            if other.loop.is_closed():  # closed without shutdown_asyncgens()
                del _registries[key]
        _registries[id(loop)] = registry
    await registry.start_keeper()
    return registry


class _RequestSlot:
    """An `async with` block holding one of a client's connection slots (or nothing).

    A class, not a generator-based context manager: one small object per call, where
    many calls wait at once.
    """

    __slots__ = ("_client", "_mark", "_semaphore", "_token")

    def __init__(self, client: BaseClient, *, mark: bool) -> None:
        self._client = client
        self._mark = mark
        self._semaphore: asyncio.Semaphore | None = None
        self._token: Token[bool] | None = None

    async def __aenter__(self) -> None:
        if _slot_held.get():
            return  # this call's slot is already held further out
        semaphore = (await _loop_clients()).slot(self._client)
        await semaphore.acquire()
        self._semaphore = semaphore
        if self._mark:
            self._token = _slot_held.set(True)

    async def __aexit__(self, *_: object) -> None:
        if self._token is not None:
            _slot_held.reset(self._token)
        if self._semaphore is not None:
            self._semaphore.release()


def request_slot(client: BaseClient) -> _RequestSlot:
    """Hold one of `client`'s connection slots for one whole call.

    The model's `ainvoke` takes the slot before langchain-core's own per-call work
    (callbacks, tracing metadata, message conversion), so calls beyond the pool wait
    holding almost nothing. The request sent inside sees the slot is held and does
    not take another; child tasks inherit the mark, as context variables are copied
    into them.

    Args:
        client: The model's sync bedrock-runtime client (a botocore client).

    Returns:
        An async context manager; the slot is held inside its block.

    Example:
        >>> async with request_slot(model.client):  # doctest: +SKIP
        ...     reply = await model.ainvoke("Hi")
    """
    return _RequestSlot(client, mark=True)


def _stream_slot(client: BaseClient) -> _RequestSlot:
    # An async generator runs in its consumer's context: a mark set inside it would
    # leak out between items, so a stream holds its slot unmarked.
    return _RequestSlot(client, mark=False)


async def aclose_async_clients(model: EnhancedChatBedrockConverse | None = None) -> None:
    """Close this event loop's aiobotocore clients (the model's, or all of them).

    They close by themselves when the loop shuts down or the model's client is
    collected; this is for long-lived loops that want the connections back now.

    Args:
        model: Close only the client serving this model; all when None.

    Example:
        >>> import asyncio
        >>> asyncio.run(aclose_async_clients())
    """
    registry = _registries.get(id(asyncio.get_running_loop()))
    if registry is None:
        return
    await registry.aclose(None if model is None else [id(model.client)])


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
    async_client = await (await _loop_clients()).get(client)
    method = async_client.converse if operation == _CONVERSE else async_client.converse_stream
    headers = model.default_headers
    token = _call_headers.set(headers) if headers else None
    try:
        response: dict[str, Any] = await method(**params)
    except ClientError as err:
        sync_error = _as_sync_error(client, err)
        _handle_bedrock_error(sync_error)
        raise sync_error from err  # unreachable: _handle_bedrock_error always raises
    finally:
        if token is not None:
            _call_headers.reset(token)
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
            _pool_for(client),
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
        response = await _send(model, _CONVERSE, captured)
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
        pool = _pool_for(client)
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
    async with _stream_slot(client):
        captured = _capture_stream(model, messages, stop, kwargs)
        if captured is None:
            return
        if isinstance(captured, tuple):
            # A patched `converse_stream` answered without botocore's events.
            first, rest = captured
            yield first
            async for chunk in _drain_in_pool(_pool_for(client), rest):
                yield chunk
            return
        response = await _send(model, _CONVERSE_STREAM, captured)
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
