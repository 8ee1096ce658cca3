"""The prompt cache: checkpoints, minimums, TTLs and keys, on an injected clock."""

from __future__ import annotations

from typing import Any

import pytest

from langchain_bedrock_enhanced.emulator._prompt_cache import (
    CACHE_POLICIES,
    PromptCache,
    checkpoints,
)
from langchain_bedrock_enhanced.emulator._replies import (
    converse_response,
    count_input_tokens,
    parse_converse_request,
    with_cache,
)
from langchain_bedrock_enhanced.emulator._types import EmulatedError, Reply

SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"  # 1,024 a checkpoint; 5m and 1h
HAIKU_45 = "anthropic.claude-haiku-4-5-20251001-v1:0"  # 4,096 a checkpoint
OPUS_47 = "anthropic.claude-opus-4-7"  # 5m only
POINT = {"cachePoint": {"type": "default"}}
BLOCK = "x" * 4800  # 1,200 tokens at four characters a token


class Clock:
    """Time the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _body(*system: dict[str, Any], question: str = "Hi") -> dict[str, Any]:
    return {"system": list(system), "messages": [{"role": "user", "content": [{"text": question}]}]}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(clock: Clock) -> PromptCache:
    return PromptCache(clock=clock)


def _account(cache: PromptCache, body: dict[str, Any], model_id: str = SONNET_45, **kw: Any) -> Any:
    return cache.account(body, region=kw.pop("region", "us-east-1"), model_id=model_id, **kw)


def test_checkpoints_follow_tools_then_system_then_messages() -> None:
    tool = {"toolSpec": {"name": "t", "description": "d", "inputSchema": {"json": {}}}}
    body = {
        "toolConfig": {"tools": [tool, POINT]},
        "system": [{"text": BLOCK}, POINT],
        "messages": [{"role": "user", "content": [{"text": BLOCK}, POINT, {"text": "?"}]}],
    }
    tokens = [point.tokens for point in checkpoints(body)]
    assert tokens[1] - tokens[0] == 1200
    assert tokens[2] - tokens[1] == 1200
    assert tokens[2] < count_input_tokens(parse_converse_request(body))


def test_a_checkpoints_prefix_counts_tokens_as_input_tokens_does() -> None:
    body = _body({"text": BLOCK}, POINT, question="What?")
    [point] = checkpoints(body)
    total = count_input_tokens(parse_converse_request(body))
    assert (point.tokens, total - point.tokens) == (1200, 2)


def test_a_write_then_a_read_until_the_ttl_runs_out(cache: PromptCache, clock: Clock) -> None:
    body = _body({"text": BLOCK}, POINT)
    assert _account(cache, body).writes == (("5m", 1200),)
    clock.now += 299
    assert _account(cache, body).read == 1200
    clock.now += 299  # a read renews the entry
    assert _account(cache, body).read == 1200
    clock.now += 300
    expired = _account(cache, body)
    assert (expired.read, expired.written) == (0, 1200)


def test_a_one_hour_entry_outlives_five_minutes(cache: PromptCache, clock: Clock) -> None:
    body = _body({"text": BLOCK}, {"cachePoint": {"type": "default", "ttl": "1h"}})
    assert _account(cache, body).writes == (("1h", 1200),)
    clock.now += 3599
    assert _account(cache, body).read == 1200


def test_a_ttl_override_applies_to_entries_already_cached(cache: PromptCache) -> None:
    body = _body({"text": BLOCK}, POINT)
    _account(cache, body)
    assert _account(cache, body, ttl_seconds=0).read == 0


def test_a_prefix_below_the_minimum_is_neither_written_nor_read(cache: PromptCache) -> None:
    body = _body({"text": BLOCK}, POINT)
    assert CACHE_POLICIES[HAIKU_45].min_tokens > 1200
    for _ in range(2):
        usage = _account(cache, body, HAIKU_45)
        assert (usage.read, usage.written) == (0, 0)


def test_each_checkpoint_needs_the_minimum_since_the_previous_one(cache: PromptCache) -> None:
    body = _body({"text": BLOCK}, POINT, {"text": "short"}, POINT, {"text": BLOCK}, POINT)
    assert _account(cache, body).writes == (("5m", 2402),)


def test_a_longer_prompt_reads_the_cached_prefix_and_writes_the_rest(cache: PromptCache) -> None:
    _account(cache, _body({"text": BLOCK}, POINT))
    longer = _account(cache, _body({"text": BLOCK}, POINT, {"text": BLOCK}, POINT))
    assert (longer.read, longer.writes) == (1200, (("5m", 1200),))


def test_writes_are_split_per_ttl_longest_first(cache: PromptCache) -> None:
    one_hour = {"cachePoint": {"type": "default", "ttl": "1h"}}
    usage = _account(cache, _body({"text": BLOCK}, one_hour, {"text": BLOCK}, POINT))
    assert usage.writes == (("1h", 1200), ("5m", 1200))


def test_only_four_checkpoints_count(cache: PromptCache) -> None:
    blocks = [block for _ in range(5) for block in ({"text": BLOCK}, POINT)]
    assert _account(cache, _body(*blocks)).written == 4 * 1200


def test_the_cache_is_keyed_by_region_and_model(cache: PromptCache) -> None:
    body = _body({"text": BLOCK}, POINT)
    _account(cache, body)
    assert _account(cache, body, region="eu-west-1").read == 0
    assert _account(cache, body, "anthropic.claude-sonnet-4-6").read == 0
    assert _account(cache, body).read == 1200


def test_clear_forgets_everything(cache: PromptCache) -> None:
    body = _body({"text": BLOCK}, POINT)
    _account(cache, body)
    cache.clear()
    assert _account(cache, body).read == 0


def test_a_ttl_the_model_lacks_is_refused(cache: PromptCache) -> None:
    body = _body({"text": BLOCK}, {"cachePoint": {"type": "default", "ttl": "1h"}})
    with pytest.raises(EmulatedError) as caught:
        _account(cache, body, OPUS_47)
    assert caught.value.code == "ValidationException"


def test_a_model_without_caching_reports_nothing(cache: PromptCache) -> None:
    usage = _account(cache, _body({"text": BLOCK}, POINT), "amazon.nova-lite-v1:0")
    assert (usage.read, usage.written) == (0, 0)


def test_usage_moves_cached_tokens_out_of_input_tokens_and_lists_writes_per_ttl() -> None:
    reply = with_cache(Reply(("Hi",), "end_turn", 1202, 1), read=0, writes=[("5m", 1200)])
    usage = converse_response(reply, latency_ms=0)["usage"]
    assert usage == {
        "inputTokens": 2,
        "outputTokens": 1,
        "totalTokens": 1203,
        "cacheReadInputTokens": 0,
        "cacheWriteInputTokens": 1200,
        "cacheDetails": [{"ttl": "5m", "inputTokens": 1200}],
    }
