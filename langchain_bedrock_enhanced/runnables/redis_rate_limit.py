"""One request and token quota shared by every worker of a fleet, kept in Redis.

`RedisRateLimiter` is a `BedrockRateLimiter` whose buckets live in Redis, so any
number of processes (on any number of machines) using the same Redis and `key`
share one requests-per-second (or minute) and tokens-per-minute budget, the way
Bedrock's account quota is shared. Being a `BedrockRateLimiter`, it goes wherever one
does: a chat model's `rate_limiter=` (with `callback_handler()` in its callbacks),
`run_parallel(..., rate_limiter=...)` and `arun_parallel`. Needs the `[redis]` extra.

The algorithm: GCRA
-------------------
Each bucket is one Redis key holding its *theoretical arrival time* (TAT) in
microseconds of the Redis server's clock (`TIME`), so every worker reads the same
clock. With an emission interval `T = 1 / (rate * fraction)` and a burst of `B`
units, a call costing `c` units (1 request; its estimated tokens) that arrives at
`now` may go at

    send_at = max(now, max(TAT, now) + min(c*T, B*T) - B*T)

and the bucket's TAT becomes `max(TAT, send_at) + c*T` (a call larger than the burst
goes when the bucket is full, and leaves it in debt, as Bedrock's own quota does).
One Lua script checks the request and token buckets together and either books both
or neither, so the decision is atomic across processes. A blocking caller books its
slot and sleeps until `send_at` (one round trip per call, and callers are served in
the order they asked); a non-blocking one is refused when `send_at > now`. Keys
expire (`PX`) shortly after their TAT passes, when they mean "full bucket" anyway.

Tokens are estimated, then reconciled, as in `BedrockRateLimiter`: when a call ends,
the difference between its usage and its charge moves the token TAT (debt delays
later calls, unused tokens are returned). The learned average per call stays local.

Shared slow-down
----------------
`record_throttle` halves a *fraction* stored in Redis (down to `min_rate_fraction`)
that every worker's next booking uses, so one worker's throttle slows the fleet;
each success adds back `recovery_step`. As in memory, a throttle of a call sent
before the last slow-down (by any worker, on the Redis clock) is ignored. The
fraction's key expires `slowdown_ttl` seconds after its last change, so a fleet that
stops does not restart slow.

Keys, with the default namespace `lbe` and `key="default"`:
`lbe:quota:default:requests` and `lbe:quota:default:tokens` (TATs), and
`lbe:quota:default:fraction` (a hash: `fraction`, `slowed_at`).

When Redis is unreachable
-------------------------
The limiter logs one WARNING and paces this process alone with the in-memory
`BedrockRateLimiter` it inherits, at the fleet's rates divided by `fallback_share`
(set it to the number of workers you expect, so the fleet stays under the quota
without Redis). It tries Redis again every `reconnect_interval` seconds and logs
INFO when it is back. A model call never fails because Redis is down.

Example:
    >>> limiter = RedisRateLimiter(
    ...     "redis://127.0.0.1:6379/0", key="team-a", requests_per_minute=1200,
    ...     tokens_per_minute=400_000, fallback_share=4)
    >>> limiter.fleet_requests_per_second, limiter.requests_per_second
    (20.0, 5.0)
    >>> limiter.bucket_keys()
    ('lbe:quota:team-a:requests', 'lbe:quota:team-a:tokens', 'lbe:quota:team-a:fraction')
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType, TracebackType
from typing import TYPE_CHECKING, Any

from typing_extensions import Self, override

from langchain_bedrock_enhanced._transport.redis_connection import (
    import_redis,
    redact_url,
    redis_client,
)
from langchain_bedrock_enhanced.access.redis_store import DEFAULT_NAMESPACE
from langchain_bedrock_enhanced.errors import ConfigurationError
from langchain_bedrock_enhanced.runnables.rate_limit import BedrockRateLimiter, Reservation

if TYPE_CHECKING:
    from redis import Redis

__all__ = ["SCRIPTS", "RedisRateLimiter", "quota_keys"]

logger = logging.getLogger(__name__)

_MICROS = 1_000_000

_RESERVE = """
-- KEYS: requests TAT, tokens TAT, fraction hash
-- ARGV: request interval (us, 0 = no limit), request burst,
--       token interval (us per token, 0 = no limit), token burst, token cost, book (1/0)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local fraction = tonumber(redis.call('HGET', KEYS[3], 'fraction') or '1')
local send_at = now
local buckets = {}
for i = 1, 2 do
  local interval = tonumber(ARGV[2 * i - 1]) / fraction
  if interval > 0 then
    local cost = 1
    if i == 2 then cost = tonumber(ARGV[5]) end
    local tat = math.max(tonumber(redis.call('GET', KEYS[i]) or '0'), now)
    local tolerance = tonumber(ARGV[2 * i]) * interval
    local increment = cost * interval
    send_at = math.max(send_at, tat + math.min(increment, tolerance) - tolerance)
    buckets[#buckets + 1] = {KEYS[i], tat, increment}
  end
end
if send_at > now and ARGV[6] == '0' then
  return {0, math.ceil(send_at - now), now, tostring(fraction)}
end
for _, b in ipairs(buckets) do
  local tat = math.max(b[2], send_at) + b[3]
  redis.call('SET', b[1], string.format('%.0f', tat),
             'PX', math.ceil((tat - now) / 1000) + 1000)
end
return {1, math.ceil(send_at - now), now, tostring(fraction)}
"""
_SETTLE_TOKENS = """
-- KEYS: tokens TAT, fraction hash; ARGV: token interval (us), tokens used - charged
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local fraction = tonumber(redis.call('HGET', KEYS[2], 'fraction') or '1')
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
tat = tat + tonumber(ARGV[2]) * tonumber(ARGV[1]) / fraction
if tat <= now then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], string.format('%.0f', tat),
             'PX', math.ceil((tat - now) / 1000) + 1000)
end
return 1
"""
_THROTTLE = """
-- KEYS: fraction hash; ARGV: sent at (us, -1 = unknown), floor, ttl (ms)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local fraction = tonumber(redis.call('HGET', KEYS[1], 'fraction') or '1')
local slowed_at = tonumber(redis.call('HGET', KEYS[1], 'slowed_at') or '-1')
local sent = tonumber(ARGV[1])
if sent >= 0 and sent < slowed_at then return {0, tostring(fraction)} end
fraction = math.max(fraction / 2, tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], 'fraction', tostring(fraction), 'slowed_at', string.format('%.0f', now))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, tostring(fraction)}
"""
_RECOVER = """
-- KEYS: fraction hash; ARGV: step, ttl (ms)
local current = redis.call('HGET', KEYS[1], 'fraction')
if not current then return '1' end
local fraction = math.min(tonumber(current) + tonumber(ARGV[1]), 1)
redis.call('HSET', KEYS[1], 'fraction', tostring(fraction))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return tostring(fraction)
"""
SCRIPTS: Mapping[str, str] = MappingProxyType(
    {
        "reserve": _RESERVE,
        "settle_tokens": _SETTLE_TOKENS,
        "throttle": _THROTTLE,
        "recover": _RECOVER,
    }
)
"""The Lua scripts the limiter runs, by name."""


def quota_keys(key: str, namespace: str = DEFAULT_NAMESPACE) -> tuple[str, str, str]:
    """The Redis keys of one shared quota: requests TAT, tokens TAT, fraction hash.

    Example:
        >>> quota_keys("default")
        ('lbe:quota:default:requests', 'lbe:quota:default:tokens', 'lbe:quota:default:fraction')
    """
    stem = f"{namespace}:quota:{key}"
    return f"{stem}:requests", f"{stem}:tokens", f"{stem}:fraction"


@dataclass(frozen=True)
class _SharedReservation(Reservation):
    """A reservation booked in Redis (a plain `Reservation` came from the fallback)."""


@dataclass(frozen=True)
class _Booking:
    granted: bool
    wait_s: float
    fraction: float


class RedisRateLimiter(BedrockRateLimiter):
    """A `BedrockRateLimiter` whose buckets and slow-down are shared through Redis.

    Give the rates of the whole fleet (usually the account's quota); every process
    that uses the same Redis, `namespace` and `key` shares them. See the module
    docstring for the algorithm, the shared slow-down and the fallback. Nothing
    connects until the first call.

    The in-memory limiter it inherits is the fallback: its `requests_per_second`,
    `max_requests_per_second` and `tokens` are the fleet's rates divided by
    `fallback_share`; `fleet_requests_per_second` and `fleet_tokens_per_minute` are
    the shared ones.

    Example:
        >>> limiter = RedisRateLimiter("redis://127.0.0.1:6379/0", requests_per_second=20)
        >>> model = ChatBedrockConverse(  # doctest: +SKIP
        ...     model="us.amazon.nova-lite-v1:0", region_name="us-east-1",
        ...     rate_limiter=limiter, callbacks=[limiter.callback_handler()])
        >>> limiter.fleet_requests_per_second, limiter.fallback_share
        (20.0, 1.0)
    """

    def __init__(  # noqa: PLR0913 - every option is keyword-only and documented
        self,
        url_or_client: str | Redis,
        *,
        key: str = "default",
        namespace: str = DEFAULT_NAMESPACE,
        requests_per_second: float | None = None,
        requests_per_minute: float | None = None,
        tokens_per_minute: float | None = None,
        fallback_share: float = 1.0,
        max_bucket_size: float = 1.0,
        check_every_n_seconds: float = 0.05,
        adaptive: bool = True,
        min_rate_fraction: float = 0.05,
        recovery_step: float = 0.05,
        expected_tokens_per_request: int = 1000,
        slowdown_ttl: float = 60.0,
        reconnect_interval: float = 5.0,
    ) -> None:
        """Create a limiter (no connection is made yet).

        Args:
            url_or_client: A Redis URL (`redis://`, `rediss://`, `unix://`) or a
                redis-py `Redis` client (left open by `close()`).
            key: The name of the shared quota; workers with the same key share it.
            namespace: The prefix of the keys (see `quota_keys`).
            requests_per_second: The fleet's sustained request rate.
            requests_per_minute: The same, per minute (give at most one of the two).
            tokens_per_minute: The fleet's input plus output tokens per minute.
            fallback_share: While Redis is unreachable, this process paces itself at
                the fleet's rates divided by this: the number of workers you expect.
            max_bucket_size: Most requests the fleet may send back to back.
            check_every_n_seconds: How often a waiting caller of the fallback re-checks.
            adaptive: Slow the fleet down on throttling and recover on success.
            min_rate_fraction: The floor of the slow-down.
            recovery_step: The fraction of the rates each success adds back.
            expected_tokens_per_request: The first estimate of a call's tokens beyond
                its input.
            slowdown_ttl: Seconds a slow-down is remembered after its last change.
            reconnect_interval: Seconds between attempts to reach a lost Redis.

        Raises:
            ConfigurationError: redis-py is missing, no limit or both request rates
                are given, a value is not positive, or `fallback_share` is below 1.
        """
        if not fallback_share >= 1 or slowdown_ttl <= 0 or reconnect_interval <= 0:
            msg = (
                "fallback_share must be at least 1 and slowdown_ttl and reconnect_interval "
                f"positive; got {fallback_share}, {slowdown_ttl} and {reconnect_interval}."
            )
            raise ConfigurationError(msg)
        super().__init__(
            requests_per_second=_share(requests_per_second, fallback_share),
            requests_per_minute=_share(requests_per_minute, fallback_share),
            tokens_per_minute=_share(tokens_per_minute, fallback_share),
            max_bucket_size=max_bucket_size,
            check_every_n_seconds=check_every_n_seconds,
            adaptive=adaptive,
            min_rate_fraction=min_rate_fraction,
            recovery_step=recovery_step,
            expected_tokens_per_request=expected_tokens_per_request,
        )
        self.fallback_share = float(fallback_share)
        """The fleet's rates are divided by this while Redis is unreachable."""
        self.fleet_requests_per_second: float | None = (
            None
            if self.max_requests_per_second is None
            else self.max_requests_per_second * fallback_share
        )
        """The fleet's request rate (shared through Redis)."""
        self.fleet_tokens_per_minute: float | None = (
            None if tokens_per_minute is None else float(tokens_per_minute)
        )
        """The fleet's token rate (shared through Redis)."""
        self.key = key
        self.namespace = namespace
        self.slowdown_ttl = slowdown_ttl
        self.reconnect_interval = reconnect_interval
        self._redis = import_redis()
        self._owns_client = isinstance(url_or_client, str)
        self._client: Redis = (
            redis_client(url_or_client) if isinstance(url_or_client, str) else url_or_client
        )
        self._where = (
            redact_url(url_or_client) if isinstance(url_or_client, str) else repr(url_or_client)
        )
        self._scripts = {name: self._client.register_script(text) for name, text in SCRIPTS.items()}
        self._link_lock = threading.Lock()
        self._online = True
        self._warned = False  # one WARNING per outage
        self._retry_at = -math.inf
        self._shared_fraction = 1.0
        self._clock_offset: float | None = None  # Redis time minus time.monotonic()

    def __repr__(self) -> str:
        """Show where (password hidden), the key and the fleet's rates."""
        return (
            f"{type(self).__name__}({self._where!r}, key={self.key!r}, "
            f"requests_per_second={self.fleet_requests_per_second}, "
            f"tokens_per_minute={self.fleet_tokens_per_minute})"
        )

    # Configuration ------------------------------------------------------------

    def bucket_keys(self) -> tuple[str, str, str]:
        """The Redis keys of this quota (see `quota_keys`).

        Example:
            >>> RedisRateLimiter("redis://localhost", requests_per_second=1).bucket_keys()[0]
            'lbe:quota:default:requests'
        """
        return quota_keys(self.key, self.namespace)

    def booking_arguments(self, tokens: float, *, book: bool) -> list[float | int]:
        """The reserve script's ARGV for a call charged `tokens` (see `SCRIPTS`).

        Intervals are microseconds at full speed: per request, and per token.

        Args:
            tokens: The call's token charge.
            book: Book a later slot (blocking) rather than refuse.

        Returns:
            `[request interval, request burst, token interval, token burst, cost, book]`.

        Example:
            >>> limiter = RedisRateLimiter(
            ...     "redis://localhost", requests_per_second=20, tokens_per_minute=60_000)
            >>> limiter.booking_arguments(250.0, book=True)
            [50000.0, 1.0, 1000.0, 1000.0, 250.0, 1]
        """
        request_interval = (
            _MICROS / self.fleet_requests_per_second if self.fleet_requests_per_second else 0.0
        )
        token_rate = (self.fleet_tokens_per_minute or 0.0) / 60
        token_interval = _MICROS / token_rate if token_rate else 0.0
        # One second of the fleet's tokens, as TokenRateLimiter and Bedrock hold.
        token_burst = max(token_rate, 1.0)
        return [
            request_interval,
            self.max_bucket_size,
            token_interval,
            token_burst,
            tokens,
            int(book),
        ]

    # Reservations ---------------------------------------------------------------

    @override
    def reserve(self, input_tokens: int = 0, *, blocking: bool = True) -> Reservation | None:
        """Book a request slot and the call's estimated tokens in the fleet's buckets.

        Args:
            input_tokens: The input's estimate (see `estimate_tokens`).
            blocking: Wait for the slot; otherwise answer at once.

        Returns:
            The reservation to `settle`, or `None` when not blocking and the fleet's
            limits do not allow the call now. Falls back to this process's share
            while Redis is unreachable.
        """
        charge = self.tokens.estimate(input_tokens) if self.tokens is not None else 0.0
        booking = self._book(charge, book=blocking)
        if booking is None:
            return super().reserve(input_tokens, blocking=blocking)
        if not booking.granted:
            return None
        time.sleep(booking.wait_s)  # the slot is booked: no one else can take it
        return self._granted(charge, input_tokens)

    @override
    async def areserve(self, input_tokens: int = 0, *, blocking: bool = True) -> Reservation | None:
        """Async `reserve`: Redis is asked in a worker thread, waits are `asyncio.sleep`.

        Args:
            input_tokens: The input's estimate.
            blocking: Wait for the slot; otherwise answer at once.

        Returns:
            The reservation, or `None` when not blocking and not allowed now.
        """
        charge = self.tokens.estimate(input_tokens) if self.tokens is not None else 0.0
        # redis-py's sync client in a thread: one client serves every event loop (an
        # asyncio client is bound to the loop that created it).
        booking = await asyncio.to_thread(self._book, charge, book=blocking)
        if booking is None:
            return await super().areserve(input_tokens, blocking=blocking)
        if not booking.granted:
            return None
        await asyncio.sleep(booking.wait_s)
        return self._granted(charge, input_tokens)

    def _granted(self, charge: float, input_tokens: int) -> _SharedReservation:
        return _SharedReservation(
            tokens=charge, input_tokens=input_tokens, sent_at=time.monotonic()
        )

    def _book(self, tokens: float, *, book: bool) -> _Booking | None:
        """Ask Redis for a slot; `None` when Redis is unreachable."""
        reply = self._run("reserve", self.bucket_keys(), self.booking_arguments(tokens, book=book))
        if reply is None:
            return None
        granted, wait_us, now_us, fraction = reply
        self._clock_offset = int(now_us) / _MICROS - time.monotonic()
        self._shared_fraction = float(fraction)
        return _Booking(bool(int(granted)), int(wait_us) / _MICROS, float(fraction))

    @override
    @override
    def _settle_tokens(self, reservation: Reservation, used_tokens: int | None) -> None:
        """Reconcile the fleet's token bucket in Redis with what a call used."""
        if not isinstance(reservation, _SharedReservation):
            super()._settle_tokens(reservation, used_tokens)
            return
        if self.tokens is None:
            return
        if used_tokens is not None:
            # Charged what it used, the local budget is unchanged and only the learned
            # average per call moves: the tokens were booked in Redis.
            self.tokens.settle(
                used_tokens, charged=used_tokens, input_tokens=reservation.input_tokens
            )
        difference = (used_tokens or 0) - reservation.tokens
        if difference:
            keys = self.bucket_keys()
            interval = self.booking_arguments(0.0, book=False)[2]
            self._run("settle_tokens", [keys[1], keys[2]], [interval, difference])

    # Adaptation -------------------------------------------------------------------

    @property
    @override
    def rate_fraction(self) -> float:
        """The fleet's current rates as a fraction of the configured ones (read from Redis).

        While Redis is unreachable, this process's own fraction.
        """
        reply = self._run_command(lambda: self._client.hget(self.bucket_keys()[2], "fraction"))
        if reply is _UNREACHABLE:
            return super().rate_fraction
        self._shared_fraction = 1.0 if reply is None else float(reply)
        return self._shared_fraction

    @override
    def record_throttle(self, *, sent_at: float | None = None) -> bool:
        """Halve the fleet's rates after a throttled call (multiplicative decrease).

        Args:
            sent_at: `time.monotonic()` when the throttled call was sent. A call sent
                before the fleet's last slow-down is ignored.

        Returns:
            Whether the fleet slowed down.
        """
        if not self.adaptive:
            return False
        offset = self._clock_offset
        sent_us = -1 if sent_at is None or offset is None else int((sent_at + offset) * _MICROS)
        reply = self._run(
            "throttle",
            [self.bucket_keys()[2]],
            [sent_us, self.min_rate_fraction, int(self.slowdown_ttl * 1000)],
        )
        if reply is None:
            return super().record_throttle(sent_at=sent_at)
        slowed, fraction = bool(int(reply[0])), float(reply[1])
        self._shared_fraction = fraction
        if slowed:
            logger.info(
                "Bedrock throttled a call; the fleet sharing %r paces at %.0f%% of the set rate",
                self.key,
                fraction * 100,
            )
        return slowed

    @override
    def record_success(self) -> None:
        """Give the fleet back `recovery_step` of its rates (additive increase)."""
        if not self.adaptive:
            return
        if not self._reachable_now():
            super().record_success()
            return
        if self._shared_fraction >= 1.0:
            return  # the common case costs no round trip
        reply = self._run(
            "recover",
            [self.bucket_keys()[2]],
            [self.recovery_step, int(self.slowdown_ttl * 1000)],
        )
        if reply is None:
            super().record_success()
        else:
            self._shared_fraction = float(reply)

    # Redis, and what to do without it -----------------------------------------

    def _reachable_now(self) -> bool:
        with self._link_lock:
            return self._online or time.monotonic() >= self._retry_at

    def _run(self, script: str, keys: Sequence[str], args: Sequence[Any]) -> Any:  # noqa: ANN401 - Redis replies
        """Run a script; `None` when Redis is unreachable (the caller falls back)."""
        reply = self._run_command(lambda: self._scripts[script](keys=keys, args=args))
        return None if reply is _UNREACHABLE else reply

    def _run_command(self, command: Callable[[], Any]) -> Any:  # noqa: ANN401 - Redis replies
        if not self._reachable_now():
            return _UNREACHABLE
        try:
            reply = command()
        except self._redis.RedisError as err:
            self._went_away(err)
            return _UNREACHABLE
        self._came_back()
        return reply

    def _went_away(self, err: Exception) -> None:
        with self._link_lock:
            self._online = False
            self._retry_at = time.monotonic() + self.reconnect_interval
            warn, self._warned = not self._warned, True
        if warn:
            logger.warning(
                "Redis at %s is unreachable (%s: %s); this process paces itself at 1/%g of "
                "the fleet's rates until it is back (retrying every %gs).",
                self._where,
                type(err).__name__,
                err,
                self.fallback_share,
                self.reconnect_interval,
            )

    def _came_back(self) -> None:
        with self._link_lock:
            if self._online:
                return
            self._online = True
            announce, self._warned = self._warned, False
        if announce:
            logger.info(
                "Reconnected to Redis at %s; the fleet's quota is shared again.", self._where
            )

    def close(self) -> None:
        """Close the Redis client, if this limiter created it.

        Example:
            >>> RedisRateLimiter("redis://localhost", requests_per_second=1).close()
        """
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Self:
        """Use the limiter in a `with` block; it is closed at the end."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Close the limiter."""
        self.close()


_UNREACHABLE = object()


def _share(rate: float | None, share: float) -> float | None:
    return None if rate is None else rate / share
