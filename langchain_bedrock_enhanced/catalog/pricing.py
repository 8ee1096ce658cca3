"""Bedrock token prices: the bundled, dated price table and a typed lookup.

The table is `langchain_bedrock_enhanced/catalog/data/prices.json`. It holds USD per
million tokens for uncached input, output, cache reads, and cache writes with the
5-minute and the 1-hour TTL, per base model. Every row names its sources (the AWS
Bedrock pricing page as transcribed by AWS, Anthropic's pricing) and the date of the
newest one; figures without a source were removed, and those models have no price.
Prices change, and the table is a snapshot, not a bill.

Two price tiers exist. `regional` covers the bare model ID (in-region on demand) and
the geo cross-Region profiles (`us.`, `eu.`, `apac.`, ...), which AWS bills at the
source region's rate. `global` covers the `global.` profile where AWS prices it
differently: from Claude Sonnet 4.5 on, regional endpoints cost 10% more than global.

Reasoning (thinking) tokens are part of the output tokens. They are billed at the
output rate, as AWS and Anthropic bill them, unless a row sets a `reasoning` rate.

A model the table does not know has no price: `price_for` returns `None`, and every
cost built on it is `None`, never `0`.

Example:
    >>> price = price_for("global.anthropic.claude-sonnet-4-5-20250929-v1:0")
    >>> price.tier, price.input, price.output
    ('global', 3.0, 15.0)
    >>> price_for("us.anthropic.claude-sonnet-4-5-20250929-v1:0").input
    3.3
    >>> price_for("anthropic.claude-3-haiku-20240307-v1:0") is None  # no sourced price
    True
    >>> price_for("acme.unknown-model-v1:0") is None
    True
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from langchain_bedrock_enhanced.model_ids import parse_model_id

__all__ = [
    "ModelPrice",
    "PriceTable",
    "PriceTier",
    "load_price_table",
    "price_for",
]

logger = logging.getLogger(__name__)

PriceTier = Literal["regional", "global"]
"""Which of a model's prices applies: in-region and geo profiles, or the global profile."""

_TOKENS_PER_UNIT = 1_000_000
_GLOBAL_ACCESS_NAMES = frozenset({"global", "global_cris"})


@dataclass(frozen=True)
class ModelPrice:
    """The price of one base model in one tier, in USD per million tokens.

    Example:
        >>> price = ModelPrice(
        ...     model_id="amazon.nova-lite-v1:0", tier="regional", input=0.06, output=0.24,
        ...     cache_read=None, cache_write=None, confidence="high", as_of="2026-09-03",
        ... )
        >>> round(price.cost(uncached_input_tokens=1_000_000, output_tokens=500_000), 6)
        0.18
        >>> price.cost(uncached_input_tokens=10, output_tokens=5, cache_write_tokens=3) is None
        True
    """

    model_id: str
    """The base model ID the price is for."""
    tier: PriceTier
    """The tier this price belongs to."""
    input: float
    """USD per million uncached input tokens."""
    output: float
    """USD per million output tokens."""
    cache_read: float | None
    """USD per million tokens read from the prompt cache; `None` when unknown."""
    cache_write: float | None
    """USD per million tokens written to the prompt cache; `None` when unknown."""
    confidence: str
    """How sure the table's compiler is of these figures (`high`, `medium`, `low`, ...)."""
    as_of: str
    """The date of the newest source of these figures."""
    cache_write_1h: float | None = None
    """USD per million tokens written to the prompt cache with the 1-hour TTL; `None`
    when unknown or not offered."""
    reasoning: float | None = None
    """USD per million reasoning tokens; `None` means the output rate, as Bedrock bills
    reasoning (thinking) tokens as output tokens."""
    sources: tuple[str, ...] = ()
    """The table's source keys these figures come from."""

    def cost(  # noqa: PLR0913 - one count per token category
        self,
        *,
        uncached_input_tokens: int,
        output_tokens: int,
        cache_read_tokens: int = 0,
        cache_write_tokens: int = 0,
        cache_write_1h_tokens: int = 0,
        reasoning_tokens: int = 0,
    ) -> float | None:
        """The USD cost of a number of tokens at this price.

        Args:
            uncached_input_tokens: Input tokens neither read from nor written to the cache.
            output_tokens: Output tokens, reasoning tokens included.
            cache_read_tokens: Input tokens read from the prompt cache.
            cache_write_tokens: Input tokens written to the prompt cache with the
                default 5-minute TTL.
            cache_write_1h_tokens: Input tokens written to the prompt cache with the
                1-hour TTL.
            reasoning_tokens: The part of `output_tokens` spent reasoning, priced at
                the `reasoning` rate (the output rate when the row sets none).

        Returns:
            The cost in USD, or `None` when tokens were used in a category whose price
            is unknown (an unknown price is never treated as free).

        Example:
            >>> price = price_for("global.anthropic.claude-haiku-4-5-20251001-v1:0")
            >>> price.cost(uncached_input_tokens=1000, output_tokens=1000)
            0.006
            >>> round(price.cost(uncached_input_tokens=0, output_tokens=0,
            ...                  cache_read_tokens=1_000_000, cache_write_1h_tokens=1_000_000), 6)
            2.1
        """
        reasoning = min(max(reasoning_tokens, 0), output_tokens)
        reasoning_rate = self.output if self.reasoning is None else self.reasoning
        total = (
            uncached_input_tokens * self.input
            + (output_tokens - reasoning) * self.output
            + reasoning * reasoning_rate
        )
        for tokens, rate in (
            (cache_read_tokens, self.cache_read),
            (cache_write_tokens, self.cache_write),
            (cache_write_1h_tokens, self.cache_write_1h),
        ):
            if tokens:
                if rate is None:
                    return None
                total += tokens * rate
        return total / _TOKENS_PER_UNIT


@dataclass(frozen=True)
class PriceTable:
    """The bundled price table: its provenance and one entry per base model.

    Example:
        >>> table = load_price_table()
        >>> table.currency, "anthropic.claude-haiku-4-5-20251001-v1:0" in table.models
        ('USD', True)
    """

    currency: str
    """The currency of every price (`USD`)."""
    compiled_on: str
    """The date the table was written."""
    prices_as_of: str
    """When the prices were observed (each row's `as_of` says it per model)."""
    provenance: str
    """Where the figures come from, and how far to trust them."""
    models: Mapping[str, Mapping[str, Any]]
    """The raw entry of each base model ID, as in the JSON file."""
    sources: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """What each source key of the rows names: its address, title and date."""

    def price(self, model_id: str, tier: PriceTier) -> ModelPrice | None:
        """The price of a base model in a tier (falling back to `regional`).

        Args:
            model_id: A base model ID (no profile prefix).
            tier: The wanted tier. A model without a `global` price uses `regional`.

        Returns:
            The price, or `None` when the model is not in the table.

        Example:
            >>> load_price_table().price("amazon.nova-pro-v1:0", "global").tier
            'regional'
            >>> load_price_table().price("anthropic.claude-sonnet-5", "global").as_of
            '2026-10-05'
        """
        entry = self.models.get(model_id)
        if entry is None:
            return None
        chosen: PriceTier = tier if tier in entry else "regional"
        rates = entry[chosen]
        return ModelPrice(
            model_id=model_id,
            tier=chosen,
            input=float(rates["input"]),
            output=float(rates["output"]),
            cache_read=_optional_float(rates.get("cache_read")),
            cache_write=_optional_float(rates.get("cache_write")),
            confidence=str(entry.get("confidence", "unknown")),
            as_of=str(entry.get("as_of", self.prices_as_of)),
            cache_write_1h=_optional_float(rates.get("cache_write_1h")),
            reasoning=_optional_float(rates.get("reasoning")),
            sources=tuple(str(key) for key in entry.get("sources", ())),
        )


def _optional_float(value: object) -> float | None:
    return None if value is None else float(str(value))


@lru_cache(maxsize=1)
def load_price_table() -> PriceTable:
    """Load the bundled price table (once; later calls return the same object).

    Returns:
        The parsed table.

    Example:
        >>> load_price_table().compiled_on
        '2026-11-21'
    """
    text = (
        resources.files("langchain_bedrock_enhanced.catalog")
        .joinpath("data/prices.json")
        .read_text(encoding="utf-8")
    )
    raw = json.loads(text)
    return PriceTable(
        currency=raw["currency"],
        compiled_on=raw["compiled_on"],
        prices_as_of=raw["prices_as_of"],
        provenance=raw["provenance"],
        models=raw["models"],
        sources=raw.get("sources", {}),
    )


def _tier_for(geo_prefix: str | None, access: str | None) -> PriceTier:
    # The prefix of the identifier actually sent is the strongest evidence; an
    # access-method name or a bare prefix passed by the caller comes next.
    if geo_prefix is not None:
        return "global" if geo_prefix == "global" else "regional"
    if access is not None and access.lower() in _GLOBAL_ACCESS_NAMES:
        return "global"
    return "regional"


def price_for(model_id: str, access: str | None = None) -> ModelPrice | None:
    """The price that applies to a call of `model_id`.

    Args:
        model_id: Any identifier Bedrock accepts: a bare model ID, a geo or global
            profile ID, or a foundation-model or system-profile ARN.
        access: How the model was reached, used when `model_id` carries no profile
            prefix: an access method (`direct`, `regional_cris`, `global_cris`)
            or a profile prefix (`us`, `eu`, `global`, ...).

    Returns:
        The price, or `None` when the base model is unknown to the table or cannot be
        told from the identifier (an application-profile ARN, for instance).

    Example:
        >>> price_for("anthropic.claude-haiku-4-5-20251001-v1:0", "global_cris").input
        1.0
        >>> price_for("eu.anthropic.claude-haiku-4-5-20251001-v1:0").input
        1.1
    """
    parsed = parse_model_id(model_id)
    if parsed.base_model_id is None:
        return None
    price = load_price_table().price(parsed.base_model_id, _tier_for(parsed.geo_prefix, access))
    if price is None:
        logger.debug("No price for %s in the bundled price table", parsed.base_model_id)
    return price
