"""Prompt caching: `cachePoint` checkpoints, what a call writes to the cache and reads from it.

A Converse request marks cacheable prefixes with `cachePoint` blocks in
`toolConfig.tools`, `system` and `messages`. The prompt is read in that order (tools,
then system, then messages), and each checkpoint caches everything before it. For
models that support caching (`CACHE_POLICIES`):

- a checkpoint counts only when the tokens since the previous counted checkpoint (or
  the start) reach the model's minimum; below it the request still succeeds and the
  prefix is not cached, as on Bedrock. Only the first four checkpoints count;
- the longest counted prefix already in the cache, and not expired, is read:
  `cacheReadInputTokens` is its token count;
- every counted checkpoint after it is written: `cacheWriteInputTokens` is the tokens
  from the read prefix (or the start) to the last checkpoint, split per TTL in
  `cacheDetails`; `inputTokens` keeps only the rest;
- an entry lives for its TTL (`5m` by default, `1h` through `cachePoint.ttl` where the
  model supports it) from its last read or write. The cache is keyed by region and
  model: the same prefix sent from another region, or to another model, is a miss.

The clock is injectable, so tests move time instead of sleeping; a scenario may
replace every TTL (`prompt_cache.ttl_seconds`) or clear the cache when applied.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._replies import count_input_tokens, parse_tool_config
from langchain_bedrock_enhanced.emulator._types import ConversationRequest, EmulatedError

__all__ = [
    "CACHE_POLICIES",
    "TTL_SECONDS",
    "CachePolicy",
    "CacheUsage",
    "Checkpoint",
    "PromptCache",
    "checkpoints",
]

TTL_SECONDS: Final[Mapping[str, float]] = {"5m": 300.0, "1h": 3600.0}
"""The `CacheTTL` values botocore models, in seconds."""
_DEFAULT_TTL: Final = "5m"
_PRUNE_AT: Final = 4096


@dataclass(frozen=True)
class CachePolicy:
    """How one model caches prompts.

    Example:
        >>> CACHE_POLICIES["anthropic.claude-haiku-4-5-20251001-v1:0"].min_tokens
        4096
    """

    min_tokens: int
    """Minimum tokens per cache checkpoint."""
    ttls: tuple[str, ...] = (_DEFAULT_TTL,)
    """The `cachePoint.ttl` values accepted."""
    max_checkpoints: int = 4
    """Checkpoints per request that count."""


_FIVE_MINUTES = (_DEFAULT_TTL,)
_BOTH_TTLS = ("5m", "1h")

# Sources. Support on Bedrock: AWS, "Prompt caching for faster model inference"
# (docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html: Claude 3.7 Sonnet,
# 3.5 Haiku; 3.7 Sonnet "at least 1,024 tokens per cache checkpoint"), Anthropic's
# prompt-caching page (supported on Amazon Bedrock: Sonnet 4.5 and every later Claude
# model listed here) and the Bedrock model lists of portkey.ai and infor (Sonnet 4,
# Opus 4). Minimum tokens: Anthropic's prompt-caching page as quoted in
# anthropics/anthropic-sdk-python#1194 (4,096 Opus 4.6/4.5 and Haiku 4.5; 1,024 Sonnet
# 4.6/4.5, Opus 4, Sonnet 4, 3.7 Sonnet; 2,048 Haiku 3.5), shared/reference (Haiku 4.5:
# 4,096, 4 checkpoints, 5m/1h, AWS model card) and, for the 2026 models, "Claude's prompt
# cache fails silently below 1,024 tokens" (dev.to, 2026: 512 Opus 5 and Fable 5; 1,024
# Opus 4.8 and Sonnet 5; 2,048 Opus 4.7). The 1h TTL: AWS What's New 2026-01-26 (Sonnet
# 4.5, Haiku 4.5, Opus 4.5) and the 1h cache-write prices Bedrock lists for Opus 4.6,
# Sonnet 4.6, Opus 4.8, Sonnet 5 and Fable 5 (aws/agent-toolkit-for-aws pricing-cache.md,
# 2026-09-03). Not modelled: Amazon Nova's caching (its minimums are not sourced here),
# Claude 3.5 Sonnet v2 (preview only) and Opus 4.1 (no Bedrock source).
CACHE_POLICIES: Final[Mapping[str, CachePolicy]] = {
    "anthropic.claude-3-5-haiku-20241022-v1:0": CachePolicy(2048, _FIVE_MINUTES),
    "anthropic.claude-3-7-sonnet-20250219-v1:0": CachePolicy(1024, _FIVE_MINUTES),
    "anthropic.claude-sonnet-4-20250514-v1:0": CachePolicy(1024, _FIVE_MINUTES),
    "anthropic.claude-opus-4-20250514-v1:0": CachePolicy(1024, _FIVE_MINUTES),
    "anthropic.claude-sonnet-4-5-20250929-v1:0": CachePolicy(1024, _BOTH_TTLS),
    "anthropic.claude-haiku-4-5-20251001-v1:0": CachePolicy(4096, _BOTH_TTLS),
    "anthropic.claude-opus-4-5-20251101-v1:0": CachePolicy(4096, _BOTH_TTLS),
    "anthropic.claude-opus-4-6-v1": CachePolicy(4096, _BOTH_TTLS),
    "anthropic.claude-sonnet-4-6": CachePolicy(1024, _BOTH_TTLS),
    "anthropic.claude-opus-4-7": CachePolicy(2048, _FIVE_MINUTES),
    "anthropic.claude-opus-4-8": CachePolicy(1024, _BOTH_TTLS),
    "anthropic.claude-sonnet-5": CachePolicy(1024, _BOTH_TTLS),
    "anthropic.claude-opus-5": CachePolicy(512, _FIVE_MINUTES),
    "anthropic.claude-fable-5": CachePolicy(512, _BOTH_TTLS),
}
"""Which base models honour `cachePoint`, and their limits; others ignore it."""


@dataclass(frozen=True)
class Checkpoint:
    """One `cachePoint`: the prefix before it.

    Example:
        >>> Checkpoint(tokens=1200, digest="ab", ttl="5m").tokens
        1200
    """

    tokens: int
    """Input tokens of the prefix, counted as `inputTokens` counts them."""
    digest: str
    """A hash of the prefix's content."""
    ttl: str
    """The checkpoint's `ttl` (`5m` when omitted)."""


@dataclass(frozen=True)
class CacheUsage:
    """What one call read from and wrote to the cache.

    Example:
        >>> CacheUsage(read=0, writes=(("5m", 1100),)).written
        1100
    """

    read: int = 0
    """Tokens read from the cache."""
    writes: tuple[tuple[str, int], ...] = ()
    """Tokens written, per TTL, longest TTL first (as `cacheDetails` orders them)."""

    @property
    def written(self) -> int:
        """Tokens written, whatever their TTL."""
        return sum(tokens for _, tokens in self.writes)


def checkpoints(body: Mapping[str, Any]) -> list[Checkpoint]:
    """The `cachePoint` checkpoints of a Converse body, in prompt order.

    Args:
        body: The Converse request body, as sent.

    Returns:
        One checkpoint a `cachePoint` block, with the tokens and hash of what precedes
        it (tools first, then system, then messages).

    Example:
        >>> body = {"system": [{"text": "x" * 400}, {"cachePoint": {"type": "default"}}],
        ...         "messages": [{"role": "user", "content": [{"text": "Hi"}]}]}
        >>> [(c.tokens, c.ttl) for c in checkpoints(body)]
        [(100, '5m')]
    """
    walker = _Walker()
    tool_config = body.get("toolConfig")
    tools = tool_config.get("tools") if isinstance(tool_config, Mapping) else None
    for entry in _list(tools):
        if not walker.cache_point(entry):
            walker.add(entry, _tool_tokens(entry))
    for block in _list(body.get("system")):
        if not walker.cache_point(block):
            walker.add(block, _system_tokens(block))
    for message in _list(body.get("messages")):
        walker.message(message)
    return walker.found


class _Walker:
    """Walks a prompt in cache order, hashing it and counting its tokens."""

    def __init__(self) -> None:
        self.hasher = hashlib.sha256()
        self.tokens = 0
        self.found: list[Checkpoint] = []

    def cache_point(self, block: object, extra_tokens: int = 0) -> bool:
        point = block.get("cachePoint") if isinstance(block, Mapping) else None
        if not isinstance(point, Mapping):
            return False
        ttl = point.get("ttl", _DEFAULT_TTL)
        digest = self.hasher.copy().hexdigest()
        self.found.append(Checkpoint(self.tokens + extra_tokens, digest, str(ttl)))
        return True

    def add(self, block: object, tokens: int) -> None:
        self.hasher.update(json.dumps(block, sort_keys=True, default=repr).encode())
        self.tokens += tokens

    def message(self, message: object) -> None:
        if not isinstance(message, Mapping):
            return
        role = message.get("role")
        self.hasher.update(f"\x00{role}\x00".encode())
        before: list[Any] = []
        for block in _list(message.get("content")):
            partial = _message_tokens(role, before) if before else 0
            if not self.cache_point(block, partial):
                before.append(block)
                self.hasher.update(json.dumps(block, sort_keys=True, default=repr).encode())
        self.tokens += _message_tokens(role, before)


def _message_tokens(role: object, blocks: Sequence[Any]) -> int:
    return _tokens(ConversationRequest(messages=[{"role": role, "content": list(blocks)}]))


def _system_tokens(block: object) -> int:
    text = block.get("text") if isinstance(block, Mapping) else None
    return _tokens(ConversationRequest(messages=[], system=[text])) if isinstance(text, str) else 0


def _tool_tokens(entry: object) -> int:
    tools, _, _ = parse_tool_config({"tools": [entry]})
    return _tokens(ConversationRequest(messages=[], tools=tools)) if tools else 0


def _tokens(request: ConversationRequest) -> int:
    return count_input_tokens(request)


@dataclass
class _Entry:
    last_used: float
    ttl_seconds: float


@dataclass
class PromptCache:
    """The emulator's prompt cache, shared by every request of one emulator.

    Args:
        clock: Seconds from any fixed origin (`time.monotonic` by default); tests pass
            their own to move time without sleeping.

    Example:
        >>> now = [0.0]
        >>> cache = PromptCache(clock=lambda: now[0])
        >>> body = {"system": [{"text": "x" * 8000}, {"cachePoint": {"type": "default"}}],
        ...         "messages": [{"role": "user", "content": [{"text": "Hi"}]}]}
        >>> model = "anthropic.claude-sonnet-4-5-20250929-v1:0"
        >>> cache.account(body, region="us-east-1", model_id=model).writes
        (('5m', 2000),)
        >>> cache.account(body, region="us-east-1", model_id=model).read
        2000
        >>> now[0] = 301.0
        >>> cache.account(body, region="us-east-1", model_id=model).read
        0
    """

    clock: Callable[[], float] = time.monotonic
    """Where the cache reads the time."""
    _entries: dict[str, _Entry] = field(default_factory=dict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def clear(self) -> None:
        """Forget every cached prefix."""
        with self._lock:
            self._entries.clear()

    def account(
        self,
        body: Mapping[str, Any],
        *,
        region: str,
        model_id: str,
        ttl_seconds: float | None = None,
    ) -> CacheUsage:
        """Read and write the cache for one call, and say how many tokens went where.

        Args:
            body: The Converse request body, as sent.
            region: The caller's region.
            model_id: The base model answering.
            ttl_seconds: Replaces every entry's TTL (a scenario's `prompt_cache.ttl_seconds`).

        Returns:
            The tokens read and written; nothing for a model without caching.

        Raises:
            EmulatedError: `ValidationException` for a `cachePoint.ttl` the model lacks.
        """
        policy = CACHE_POLICIES.get(model_id)
        if policy is None:
            return CacheUsage()
        found = checkpoints(body)[: policy.max_checkpoints]
        for point in found:
            if point.ttl not in policy.ttls:
                message = _errors.CACHE_TTL_UNSUPPORTED.format(model_id=model_id, ttl=point.ttl)
                raise EmulatedError("ValidationException", message)
        counted = _counted(found, policy.min_tokens)
        with self._lock:
            return self._account(counted, f"{region}\x00{model_id}", ttl_seconds)

    def _account(
        self, counted: Sequence[Checkpoint], scope: str, ttl_seconds: float | None
    ) -> CacheUsage:
        now = self.clock()
        if len(self._entries) > _PRUNE_AT:
            self._prune(now, ttl_seconds)
        hit = -1
        for position in range(len(counted) - 1, -1, -1):
            entry = self._entries.get(f"{scope}\x00{counted[position].digest}")
            if entry is not None and not _expired(entry, now, ttl_seconds):
                entry.last_used = now
                hit = position
                break
        read = counted[hit].tokens if hit >= 0 else 0
        writes: dict[str, int] = {}
        previous = read
        for point in counted[hit + 1 :]:
            self._entries[f"{scope}\x00{point.digest}"] = _Entry(now, TTL_SECONDS[point.ttl])
            writes[point.ttl] = writes.get(point.ttl, 0) + point.tokens - previous
            previous = point.tokens
        ordered = sorted(writes.items(), key=lambda item: -TTL_SECONDS[item[0]])
        return CacheUsage(read=read, writes=tuple(ordered))

    def _prune(self, now: float, ttl_seconds: float | None) -> None:
        stale = [key for key, entry in self._entries.items() if _expired(entry, now, ttl_seconds)]
        for key in stale:
            del self._entries[key]


def _counted(found: Sequence[Checkpoint], min_tokens: int) -> list[Checkpoint]:
    """The checkpoints whose segment since the previous counted one reaches the minimum."""
    counted: list[Checkpoint] = []
    start = 0
    for point in found:
        if point.tokens - start >= min_tokens:
            counted.append(point)
            start = point.tokens
    return counted


def _expired(entry: _Entry, now: float, ttl_seconds: float | None) -> bool:
    ttl = entry.ttl_seconds if ttl_seconds is None else ttl_seconds
    return now - entry.last_used >= ttl


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []
