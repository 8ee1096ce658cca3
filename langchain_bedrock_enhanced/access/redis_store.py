"""Learned access-method preferences shared by a fleet of workers through Redis.

`RedisPreferenceStore` is a `PreferenceStore` (see
`langchain_bedrock_enhanced.access.preferences`) whose entries live in Redis, so what
one worker learns (this model needs the `eu.` profile here) every other worker knows
within a round trip. Needs the `[redis]` extra.

Keys and channel
----------------
With the default namespace `lbe`:

- `lbe:pref:<region>:<model_id>`: one string per learned preference, holding the
  same JSON entry as a `JsonFilePreferenceStore` line (`model_id`, `region` and
  `AccessMethodPreference.to_dict()`) plus `seq`, the change number that wrote it.
  It expires through Redis (`PX`) when the preference would expire: `ttl` after its
  `last_updated`, the tracker's rule.
- `lbe:pref-seq`: the change counter; every write increments it.
- `lbe:pref:events`: the pub/sub channel; every write publishes `{"op": "put" |
  "delete" | "clear", "seq": n, ...}`.

Nothing else is written: no credentials, no statistics.

How it stays fast and fresh
---------------------------
- **`get` never touches the network.** Every process keeps a local mirror: loaded in
  full when the store is created, then kept fresh by a background listener thread
  subscribed to the channel, which applies each change as it is published. A full
  refresh every `refresh_interval` seconds (and on `reload()`) is the safety net for
  anything a subscriber can miss (messages sent while it was reconnecting, keys that
  Redis expired).
- **Writes are atomic.** One Lua script increments the counter, sets (or deletes) the
  key with its expiry and publishes the change, so Redis, and every mirror, sees the
  writes of all workers in one order. A mirror applies a change only if its number
  is higher than the one it holds for that key, so a late message never undoes a
  newer write; for the same key the last writer wins, as in the file store.
- **Redis down is not an error.** If Redis cannot be reached (at start or later),
  the store logs one WARNING and keeps learning in memory. The listener retries every
  `reconnect_interval` seconds; on reconnection it logs INFO, writes back what was
  learned meanwhile (unless Redis holds something newer), and reloads. A model call
  never fails because of Redis.
- **`close()`** stops the listener thread (and closes the client it created). The
  thread is a daemon, so a forgotten store never keeps a process alive.

Example:
    >>> preference_key("amazon.nova-pro-v1:0", "eu-west-1")
    'lbe:pref:eu-west-1:amazon.nova-pro-v1:0'
    >>> events_channel("team-a")
    'team-a:pref:events'
    >>> store = RedisPreferenceStore("redis://127.0.0.1:6379/0")  # doctest: +SKIP
    >>> store.get("amazon.nova-pro-v1:0", "eu-west-1")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any

from typing_extensions import Self

from langchain_bedrock_enhanced._transport.redis_connection import (
    import_redis,
    redact_url,
    redis_client,
)
from langchain_bedrock_enhanced.access.preferences import (
    AccessMethodPreference,
    JsonFilePreferenceStore,
    PreferenceKey,
    PreferenceStore,
)
from langchain_bedrock_enhanced.access.tracker import DEFAULT_TTL
from langchain_bedrock_enhanced.errors import ConfigurationError

if TYPE_CHECKING:
    from redis import Redis
    from redis.client import PubSub

__all__ = [
    "DEFAULT_NAMESPACE",
    "REDIS_URL_SCHEMES",
    "RedisPreferenceStore",
    "events_channel",
    "preference_key",
    "sequence_key",
    "store_from_spec",
]

logger = logging.getLogger(__name__)

DEFAULT_NAMESPACE = "lbe"
"""The prefix of every key and channel this package writes in Redis."""
REDIS_URL_SCHEMES = ("redis://", "rediss://", "unix://")
"""URL schemes redis-py accepts (`rediss://` is TLS)."""

# The script is the unit of atomicity: counter, key and message change together.
_PUT = """
local seq = redis.call('INCR', KEYS[2])
local entry = cjson.decode(ARGV[2])
entry['seq'] = seq
redis.call('SET', KEYS[1], cjson.encode(entry), 'PX', ARGV[3])
redis.call('PUBLISH', ARGV[1], cjson.encode({op = 'put', seq = seq, entry = entry}))
return seq
"""
_DELETE = """
local seq = redis.call('INCR', KEYS[2])
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[1],
  cjson.encode({op = 'delete', seq = seq, model_id = ARGV[2], region = ARGV[3]}))
return seq
"""
_CLEAR = """
local seq = redis.call('INCR', KEYS[1])
local cursor = '0'
repeat
  local reply = redis.call('SCAN', cursor, 'MATCH', ARGV[2], 'COUNT', 500)
  cursor = reply[1]
  if #reply[2] > 0 then redis.call('DEL', unpack(reply[2])) end
until cursor == '0'
redis.call('PUBLISH', ARGV[1], cjson.encode({op = 'clear', seq = seq}))
return seq
"""
SCRIPTS: Mapping[str, str] = MappingProxyType({"put": _PUT, "delete": _DELETE, "clear": _CLEAR})
"""The Lua scripts the store runs, by name."""


def preference_key(model_id: str, region: str, namespace: str = DEFAULT_NAMESPACE) -> str:
    """The Redis key of one learned preference.

    Example:
        >>> preference_key("anthropic.claude-sonnet-4-6", "us-east-1", "prod")
        'prod:pref:us-east-1:anthropic.claude-sonnet-4-6'
    """
    return f"{namespace}:pref:{region}:{model_id}"


def sequence_key(namespace: str = DEFAULT_NAMESPACE) -> str:
    """The Redis key of the change counter.

    Example:
        >>> sequence_key()
        'lbe:pref-seq'
    """
    return f"{namespace}:pref-seq"


def events_channel(namespace: str = DEFAULT_NAMESPACE) -> str:
    """The pub/sub channel every change is published on.

    Example:
        >>> events_channel()
        'lbe:pref:events'
    """
    return f"{namespace}:pref:events"


def _key_pattern(namespace: str) -> str:
    escaped = "".join(f"\\{c}" if c in "*?[]\\" else c for c in namespace)
    return f"{escaped}:pref:*"


def store_from_spec(spec: PreferenceStore | str | os.PathLike[str]) -> PreferenceStore:
    """The store a factory's `preference_store=` argument names.

    Args:
        spec: A store (returned as is), a Redis URL (`redis://`, `rediss://`,
            `unix://`) for a `RedisPreferenceStore`, or a file path for a
            `JsonFilePreferenceStore`.

    Returns:
        The store.

    Example:
        >>> store_from_spec("prefs.json")
        JsonFilePreferenceStore('prefs.json')
        >>> store_from_spec("redis://127.0.0.1:6379/0")  # doctest: +SKIP
        RedisPreferenceStore('redis://127.0.0.1:6379/0', namespace='lbe')
    """
    if isinstance(spec, str) and spec.startswith(REDIS_URL_SCHEMES):
        return RedisPreferenceStore(spec)
    if isinstance(spec, (str, os.PathLike)):
        return JsonFilePreferenceStore(spec)
    return spec


@dataclass(frozen=True)
class _Entry:
    seq: int
    """The change number that wrote it (0 for a change made while Redis was away)."""
    preference: AccessMethodPreference | None
    """`None` marks a deletion, kept until a reload shows Redis has it too."""


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _entry_from(data: object) -> tuple[PreferenceKey, int, AccessMethodPreference] | None:
    """Read one stored entry (the file store's shape plus `seq`); `None` if malformed."""
    if not isinstance(data, Mapping):
        return None
    model_id, region = data.get("model_id"), data.get("region")
    if not isinstance(model_id, str) or not isinstance(region, str):
        return None
    try:
        return (model_id, region), int(data.get("seq", 0)), AccessMethodPreference.from_dict(data)
    except (ValueError, TypeError, ConfigurationError):
        return None


def _parse_entry(raw: object) -> tuple[PreferenceKey, int, AccessMethodPreference] | None:
    try:
        return _entry_from(json.loads(_text(raw)))
    except ValueError:
        return None


def _batches(keys: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for key in keys:
        batch.append(key)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class RedisPreferenceStore:
    """Preferences shared by every process that uses the same Redis and namespace.

    See the module docstring for the keys, the mirror kept fresh by pub/sub, and what
    happens when Redis is down. The store connects and loads when created, and starts
    one daemon listener thread; call `close()` (or use it as a context manager) to
    stop it.

    Args:
        url_or_client: A Redis URL (see `redis_client`) or a redis-py `Redis` client
            (left open by `close()`).
        namespace: The prefix of every key and of the channel; give each fleet (or
            test) its own.
        ttl: How long a learned preference lives in Redis after its `last_updated`;
            match the tracker's `ttl` (the default is the tracker's default).
        refresh_interval: Seconds between full reloads (the safety net).
        reconnect_interval: Seconds between attempts to reach a lost Redis.
        poll_interval: Longest wait of the listener for a message; `close()` returns
            within about this long.

    Example:
        >>> from langchain_bedrock_enhanced import create_langchain_chatbedrock
        >>> store = RedisPreferenceStore("redis://127.0.0.1:6379/0")  # doctest: +SKIP
        >>> model = create_langchain_chatbedrock(  # doctest: +SKIP
        ...     "amazon.nova-pro-v1:0", region_name="eu-west-1", preference_store=store)
        >>> store.close()  # doctest: +SKIP
    """

    def __init__(  # noqa: PLR0913 - keyword-only, each documented
        self,
        url_or_client: str | Redis,
        *,
        namespace: str = DEFAULT_NAMESPACE,
        ttl: timedelta = DEFAULT_TTL,
        refresh_interval: float = 60.0,
        reconnect_interval: float = 5.0,
        poll_interval: float = 0.2,
    ) -> None:
        """Connect, load the mirror and start the listener (see the class docstring).

        Raises:
            ConfigurationError: redis-py is missing, the URL is malformed, or a
                duration is not positive.
        """
        if ttl <= timedelta(0) or min(refresh_interval, reconnect_interval, poll_interval) <= 0:
            msg = "ttl and the intervals of a RedisPreferenceStore must be positive."
            raise ConfigurationError(msg)
        self._redis = import_redis()
        self._owns_client = isinstance(url_or_client, str)
        self._client: Redis = (
            redis_client(url_or_client) if isinstance(url_or_client, str) else url_or_client
        )
        self._where = (
            redact_url(url_or_client) if isinstance(url_or_client, str) else repr(url_or_client)
        )
        self.namespace = namespace
        self.ttl = ttl
        self.refresh_interval = refresh_interval
        self.reconnect_interval = reconnect_interval
        self._poll = poll_interval
        self._seq_key = sequence_key(namespace)
        self._channel = events_channel(namespace)
        self._scripts = {name: self._client.register_script(text) for name, text in SCRIPTS.items()}
        self._changed = threading.Condition(threading.Lock())
        self._mirror: dict[PreferenceKey, _Entry] = {}
        self._floor = 0  # the number of the last clear(): older changes no longer count
        self._seen = 0  # every change up to this number has reached the mirror
        self._offline: dict[PreferenceKey, tuple[AccessMethodPreference | None, datetime]] = {}
        self._online = True
        self._warned = False  # one WARNING per outage
        self._pubsub: PubSub | None = None  # owned by the listener once it runs
        self._stop = threading.Event()
        self._connect()
        self._listener = threading.Thread(
            target=self._listen, name=f"lbe-redis-preferences[{namespace}]", daemon=True
        )
        self._listener.start()

    def __repr__(self) -> str:
        """Show where (password hidden) and the namespace."""
        return f"{type(self).__name__}({self._where!r}, namespace={self.namespace!r})"

    # The PreferenceStore protocol ------------------------------------------

    def get(self, model_id: str, region: str) -> AccessMethodPreference | None:
        """The preference in the local mirror, if any; never touches the network.

        Example:
            >>> store.get("amazon.nova-pro-v1:0", "eu-west-1")  # doctest: +SKIP
        """
        with self._changed:
            entry = self._mirror.get((model_id, region))
        return entry.preference if entry is not None else None

    def items(self) -> list[tuple[PreferenceKey, AccessMethodPreference]]:
        """A snapshot of the mirror.

        Example:
            >>> store.items()  # doctest: +SKIP
            []
        """
        with self._changed:
            return [
                (key, entry.preference)
                for key, entry in self._mirror.items()
                if entry.preference is not None
            ]

    def put(self, model_id: str, region: str, preference: AccessMethodPreference) -> None:
        """Store a preference in Redis (expiring with it) and tell every worker.

        Example:
            >>> store.put("m", "us-east-1", AccessMethodPreference())  # doctest: +SKIP
        """
        seq = self._write("put", *self._put_arguments(model_id, region, preference))
        self._record_write((model_id, region), seq, preference)

    def delete(self, model_id: str, region: str) -> None:
        """Forget a preference, for every worker; a missing key is fine.

        Example:
            >>> store.delete("m", "us-east-1")  # doctest: +SKIP
        """
        seq = self._write("delete", *self._delete_arguments(model_id, region))
        self._record_write((model_id, region), seq, None)

    def clear(self) -> None:
        """Forget every preference of this namespace, for every worker.

        Example:
            >>> store.clear()  # doctest: +SKIP
        """
        seq = self._write("clear", [self._seq_key], [self._channel, _key_pattern(self.namespace)])
        with self._changed:
            if seq is None:
                now = datetime.now(timezone.utc)
                self._offline.update((key, (None, now)) for key in self._mirror)
                self._mirror.clear()
            else:
                self._apply_clear(seq)

    # Beyond the protocol ----------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether Redis answered the last time it was asked.

        Example:
            >>> store.connected  # doctest: +SKIP
            True
        """
        with self._changed:
            return self._online

    @property
    def change_seq(self) -> int:
        """The number of the latest change known to have reached this mirror.

        Every change up to this number, from any worker, has been applied.

        Example:
            >>> store.change_seq  # doctest: +SKIP
            0
        """
        with self._changed:
            return self._seen

    def wait_for_change(self, seq: int, timeout: float | None = None) -> bool:
        """Wait until every change up to number `seq` has reached this mirror.

        Args:
            seq: A change number (Redis's counter `<namespace>:pref-seq` counts them).
            timeout: Most seconds to wait; `None` waits for ever.

        Returns:
            Whether it got there in time.

        Example:
            >>> store.wait_for_change(0, timeout=1.0)  # doctest: +SKIP
            True
        """
        with self._changed:
            return self._changed.wait_for(lambda: self._seen >= seq, timeout)

    def reload(self) -> None:
        """Reload the whole mirror from Redis now (what the periodic refresh does).

        Example:
            >>> store.reload()  # doctest: +SKIP
        """
        if not self.connected:
            return
        try:
            self._refresh()
        except self._redis.RedisError as err:
            self._lost(err)

    def close(self) -> None:
        """Stop the listener thread and close the client this store created.

        Example:
            >>> store.close()  # doctest: +SKIP
        """
        self._stop.set()
        if self._listener is not threading.current_thread():
            self._listener.join()
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        """Use the store in a `with` block; it is closed at the end."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the store."""
        self.close()

    # Writing ------------------------------------------------------------------

    def _put_arguments(
        self, model_id: str, region: str, preference: AccessMethodPreference
    ) -> tuple[list[str], list[str | int]]:
        # The file store's entry shape, so both stores read the same JSON.
        entry = {"model_id": model_id, "region": region, **preference.to_dict()}
        # Redis drops the key when the tracker would call the preference expired.
        remaining = preference.last_updated + self.ttl - datetime.now(timezone.utc)
        expiry_ms = max(int(remaining.total_seconds() * 1000), 1)
        keys = [preference_key(model_id, region, self.namespace), self._seq_key]
        return keys, [self._channel, json.dumps(entry), expiry_ms]

    def _delete_arguments(self, model_id: str, region: str) -> tuple[list[str], list[str | int]]:
        keys = [preference_key(model_id, region, self.namespace), self._seq_key]
        return keys, [self._channel, model_id, region]

    def _write(self, script: str, keys: list[str], args: list[str | int]) -> int | None:
        """Run a write script; `None` when Redis is away (the change stays local)."""
        if not self.connected:
            return None
        try:
            return int(self._scripts[script](keys=keys, args=args))
        except self._redis.RedisError as err:
            self._lost(err)
            return None

    def _record_write(
        self, key: PreferenceKey, seq: int | None, preference: AccessMethodPreference | None
    ) -> None:
        with self._changed:
            if seq is None:
                self._mirror[key] = _Entry(0, preference)
                self._offline[key] = (preference, datetime.now(timezone.utc))
            else:
                self._apply(key, seq, preference)

    def _write_back(self) -> None:
        """Send what was learned while Redis was away, unless Redis holds something newer."""
        with self._changed:
            pending, self._offline = self._offline, {}
        remaining = list(pending.items())
        try:
            while remaining:
                (model_id, region), (preference, when) = remaining[0]
                raw = self._client.get(preference_key(model_id, region, self.namespace))
                parsed = None if raw is None else _parse_entry(raw)
                if parsed is None or parsed[2].last_updated <= when:
                    if preference is not None:
                        self._scripts["put"](*self._put_arguments(model_id, region, preference))
                    elif parsed is not None:
                        self._scripts["delete"](*self._delete_arguments(model_id, region))
                remaining.pop(0)
        finally:
            with self._changed:  # a failure keeps the rest for the next reconnection
                for key, change in remaining:
                    self._offline.setdefault(key, change)

    # The mirror ---------------------------------------------------------------

    def _apply(
        self, key: PreferenceKey, seq: int, preference: AccessMethodPreference | None
    ) -> None:
        """Apply one change unless the mirror holds a newer one (lock held)."""
        current = self._mirror.get(key)
        if seq <= self._floor or (current is not None and current.seq >= seq):
            return
        self._mirror[key] = _Entry(seq, preference)

    def _apply_clear(self, seq: int) -> None:
        self._floor = max(self._floor, seq)
        self._mirror = {key: entry for key, entry in self._mirror.items() if entry.seq > seq}

    def _on_message(self, data: object) -> None:
        try:
            event = json.loads(_text(data))
            op, seq = event["op"], int(event["seq"])
        except (ValueError, KeyError, TypeError):
            logger.debug("Ignored a malformed message on %s.", self._channel)
            return
        with self._changed:
            if op == "clear":
                self._apply_clear(seq)
            elif op == "put" and (parsed := _entry_from(event.get("entry"))) is not None:
                self._apply(parsed[0], seq, parsed[2])
            elif op == "delete":
                self._apply((str(event.get("model_id")), str(event.get("region"))), seq, None)
            # Messages arrive in publishing order, which is the counter's order.
            self._seen = max(self._seen, seq)
            self._changed.notify_all()

    def _snapshot(self) -> tuple[int, dict[PreferenceKey, _Entry]]:
        # The counter is read first: a change numbered above it may be missing from
        # the scan, and the merge keeps those from the mirror.
        start = int(self._client.get(self._seq_key) or 0)
        entries: dict[PreferenceKey, _Entry] = {}
        malformed = 0
        for batch in _batches(self._client.scan_iter(match=_key_pattern(self.namespace)), 200):
            for raw in self._client.mget(batch):
                if raw is None:  # expired between the scan and the read
                    continue
                parsed = _parse_entry(raw)
                if parsed is None:
                    malformed += 1
                    continue
                key, seq, preference = parsed
                entries[key] = _Entry(seq, preference)
        if malformed:
            logger.warning(
                "Skipped %d malformed preference entries in Redis namespace %r.",
                malformed,
                self.namespace,
            )
        return start, entries

    def _refresh(self) -> None:
        start, snapshot = self._snapshot()
        with self._changed:
            merged = {key: entry for key, entry in snapshot.items() if entry.seq > self._floor}
            for key, entry in self._mirror.items():
                newer = entry.seq > start or key in self._offline
                if newer and (key not in merged or entry.seq >= merged[key].seq):
                    merged[key] = entry
            self._mirror = merged
            self._seen = max(self._seen, start)
            self._changed.notify_all()

    # Connection -------------------------------------------------------------

    def _subscribe(self) -> PubSub:
        # redis-py leaves `pubsub()` unannotated; it returns a `PubSub`.
        pubsub: PubSub = self._client.pubsub()  # type: ignore[no-untyped-call]
        try:
            pubsub.subscribe(self._channel)
            confirmed = self._confirmed(pubsub)
        except BaseException:
            pubsub.close()
            raise
        if not confirmed:
            pubsub.close()
            msg = f"no confirmation of the subscription to {self._channel}"
            raise self._redis.TimeoutError(msg)
        return pubsub

    def _confirmed(self, pubsub: PubSub) -> bool:
        # Waiting for the confirmation means no change published after the reload's
        # start can be missed.
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline and not self._stop.is_set():
            message = pubsub.get_message(timeout=self._poll)
            if message is not None and message.get("type") == "subscribe":
                return True
        return False

    def _connect(self) -> bool:
        """Subscribe, write back offline changes, reload; `False` if Redis is away."""
        try:
            self._pubsub = self._subscribe()
            with self._changed:
                self._online = True
            self._write_back()
            self._refresh()
        except self._redis.RedisError as err:
            self._lost(err)
            return False
        if self._warned:
            self._warned = False
            logger.info(
                "Reconnected to Redis at %s; learned access methods are shared again.",
                self._where,
            )
        return True

    def _lost(self, err: Exception) -> None:
        """Go local; the listener drops its subscription and retries later."""
        with self._changed:
            self._online = False
            warn, self._warned = not self._warned, True
        if warn:
            logger.warning(
                "Redis at %s is unreachable (%s: %s); learned access methods stay in this "
                "process until it is back (retrying every %gs).",
                self._where,
                type(err).__name__,
                err,
                self.reconnect_interval,
            )

    def _drop_subscription(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            try:
                pubsub.close()
            except self._redis.RedisError:  # pragma: no cover - it is broken already
                logger.debug("Closing a broken Redis subscription failed.")

    def _listen(self) -> None:
        next_refresh = time.monotonic() + self.refresh_interval
        while not self._stop.is_set():
            pubsub = self._pubsub
            if pubsub is None or not self.connected:
                self._drop_subscription()
                if not self._stop.wait(self.reconnect_interval) and self._connect():
                    next_refresh = time.monotonic() + self.refresh_interval
                continue
            try:
                message = pubsub.get_message(timeout=self._poll)
                if message is not None and message.get("type") == "message":
                    self._on_message(message["data"])
                if time.monotonic() >= next_refresh:
                    self._refresh()
                    next_refresh = time.monotonic() + self.refresh_interval
            except self._redis.RedisError as err:
                self._lost(err)
        self._drop_subscription()
