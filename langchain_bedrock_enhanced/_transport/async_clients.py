"""The aiobotocore clients behind native async, their connection slots, and the fallback pool.

There is one aiobotocore client per (running event loop, sync client): the sync
client fixes the region, endpoint, credentials, `Config` and parsed service data.
Clients are opened on first use and closed when the loop shuts down, when the sync
client is garbage-collected, or by `aclose_async_clients()`.

Each (loop, client) pair also has a semaphore as wide as the connection pool. A call
takes a slot before any per-call work (`request_slot`), so calls beyond the pool
wait holding almost nothing, and requests are built only when they can be sent.

Without aiobotocore, calls run in a thread pool as wide as the connection pool.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import importlib.util
import logging
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any, Final

from botocore.client import BaseClient

from langchain_bedrock_enhanced._transport.request_count import count_requests_of
from langchain_bedrock_enhanced._transport.user_agent import memoize_user_agent

if TYPE_CHECKING:
    from botocore.credentials import Credentials, ReadOnlyCredentials

    from langchain_bedrock_enhanced.chat_model import EnhancedChatBedrockConverse

__all__ = [
    "CONVERSE",
    "CONVERSE_STREAM",
    "HOOK_ID",
    "SERVICE_ID",
    "aclose_async_clients",
    "call_headers",
    "loop_clients",
    "native_async_available",
    "pool_for",
    "pool_size",
    "request_slot",
    "stream_slot",
]

logger = logging.getLogger(__name__)

CONVERSE: Final = "Converse"
CONVERSE_STREAM: Final = "ConverseStream"
SERVICE_ID: Final = "bedrock-runtime"
HOOK_ID: Final = "langchain-bedrock-enhanced-async"
_DEFAULT_POOL_SIZE: Final = 10
"""botocore's own default `max_pool_connections`, for clients that do not say."""

call_headers: ContextVar[Mapping[str, str] | None] = ContextVar(
    "lbe_async_call_headers", default=None
)
"""The model's `default_headers` for the async request in flight in this context."""

_slot_held: ContextVar[bool] = ContextVar("lbe_async_slot_held", default=False)
"""Whether this context's call already holds a connection slot (see `request_slot`)."""


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


def pool_size(client: Any) -> int:  # noqa: ANN401 - any client
    """The client's `max_pool_connections`, or botocore's default."""
    config = getattr(getattr(client, "meta", None), "config", None)
    size = getattr(config, "max_pool_connections", None)
    return size if isinstance(size, int) and size > 0 else _DEFAULT_POOL_SIZE


def pool_for(client: Any) -> ThreadPoolExecutor:  # noqa: ANN401 - any client
    """A pool as wide as the client's connection pool, shared by clients of that width."""
    size = pool_size(client)
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
    headers = call_headers.get()
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
        SERVICE_ID,
        region_name=client.meta.region_name,
        endpoint_url=client.meta.endpoint_url,
        config=AioConfig(**_async_config_options(client)),
    )
    async_client = await context.__aenter__()
    memoize_user_agent(async_client)
    count_requests_of(async_client)
    for operation in (CONVERSE, CONVERSE_STREAM):
        # langchain-aws adds `default_headers` on the sync client's before-send; the
        # async request carries them the same way, read per call.
        async_client.meta.events.register(
            f"before-send.{SERVICE_ID}.{operation}",
            _add_call_headers,
            unique_id=f"{HOOK_ID}-headers-{operation}",
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
            slots = self.slots[key] = asyncio.Semaphore(pool_size(client))
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


async def loop_clients() -> _LoopClients:
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
        semaphore = (await loop_clients()).slot(self._client)
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


def stream_slot(client: BaseClient) -> _RequestSlot:
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
