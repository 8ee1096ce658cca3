"""The bundled price table and the typed price lookup."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from langchain_bedrock_enhanced.catalog.pricing import load_price_table, price_for
from langchain_bedrock_enhanced.model_ids import parse_model_id

SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"

# The models the reference names that a dated source prices; each must have a price.
REQUIRED_MODELS = [
    "anthropic.claude-3-5-haiku-20241022-v1:0",
    "anthropic.claude-sonnet-4-20250514-v1:0",
    SONNET_45,
    "anthropic.claude-sonnet-4-6",
    "anthropic.claude-haiku-4-5-20251001-v1:0",
    "anthropic.claude-opus-4-20250514-v1:0",
    "anthropic.claude-opus-4-1-20250805-v1:0",
    "anthropic.claude-opus-4-5-20251101-v1:0",
    "anthropic.claude-opus-4-6-v1",
    "anthropic.claude-opus-4-7",
    "anthropic.claude-opus-4-8",
    "anthropic.claude-sonnet-5",
    "anthropic.claude-opus-5",
    "anthropic.claude-fable-5",
    "amazon.nova-micro-v1:0",
    "amazon.nova-lite-v1:0",
    "amazon.nova-pro-v1:0",
    "amazon.nova-premier-v1:0",
    "amazon.nova-2-lite-v1:0",
    "meta.llama3-8b-instruct-v1:0",
    "meta.llama3-1-70b-instruct-v1:0",
    "meta.llama3-2-90b-instruct-v1:0",
    "meta.llama3-3-70b-instruct-v1:0",
    "meta.llama4-scout-17b-instruct-v1:0",
    "meta.llama4-maverick-17b-instruct-v1:0",
    "mistral.mistral-large-3-675b-instruct",
    "mistral.pixtral-large-2502-v1:0",
]

# Figures that had no source and were removed: these models have no price.
UNSOURCED_MODELS = [
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-3-5-sonnet-20241022-v2:0",
    "mistral.mistral-7b-instruct-v0:2",
    "mistral.mixtral-8x7b-instruct-v0:1",
    "mistral.mistral-large-2402-v1:0",
]


def test_table_states_its_provenance_date_and_currency() -> None:
    table = load_price_table()
    assert table.currency == "USD"
    assert table.compiled_on == "2026-11-21"
    assert "AWS" in table.provenance
    assert "aws.amazon.com/bedrock/pricing" in table.sources["aws_pricing_page"]["url"]


def test_every_row_names_its_sources_and_the_date_of_the_newest() -> None:
    table = load_price_table()
    for model_id, entry in table.models.items():
        assert entry["sources"], model_id
        assert set(entry["sources"]) <= set(table.sources), model_id
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", entry["as_of"]), model_id


@pytest.mark.parametrize("model_id", UNSOURCED_MODELS)
def test_a_model_whose_figures_had_no_source_has_no_price(model_id: str) -> None:
    assert price_for(model_id) is None
    assert model_id not in load_price_table().models


@pytest.mark.parametrize("model_id", REQUIRED_MODELS)
def test_every_main_model_of_the_reference_has_a_price(model_id: str) -> None:
    price = price_for(model_id)
    assert price is not None
    assert price.input > 0
    assert price.output >= price.input
    assert price.confidence


def test_every_entry_is_keyed_by_a_base_model_id_with_sane_prices() -> None:
    for model_id, entry in load_price_table().models.items():
        assert parse_model_id(model_id).base_model_id == model_id
        assert entry["confidence"]
        regional = entry["regional"]
        if "global" in entry:
            assert entry["global"]["input"] <= regional["input"]
            assert entry["global"]["output"] <= regional["output"]
        if regional["cache_read"] is not None:
            assert regional["cache_read"] < regional["input"]


def test_global_sonnet_4_5_is_about_ten_percent_cheaper_than_its_geo_profiles() -> None:
    global_price = price_for(f"global.{SONNET_45}")
    geo_prices = [price_for(f"{prefix}.{SONNET_45}") for prefix in ("us", "eu", "jp", "au")]
    assert global_price is not None
    assert global_price.tier == "global"
    for geo in geo_prices:
        assert geo is not None
        assert geo.tier == "regional"
        assert global_price.input == pytest.approx(geo.input / 1.1)
        assert global_price.output == pytest.approx(geo.output / 1.1)


def test_access_method_chooses_the_tier_when_the_identifier_has_no_prefix() -> None:
    global_price = price_for(SONNET_45, "global_cris")
    regional_price = price_for(SONNET_45, "regional_cris")
    assert global_price is not None
    assert regional_price is not None
    assert (global_price.tier, regional_price.tier) == ("global", "regional")
    assert price_for(SONNET_45, "global") == global_price


def test_prefix_of_the_identifier_sent_wins_over_the_access_method() -> None:
    price = price_for(f"us.{SONNET_45}", "global_cris")
    assert price is not None
    assert price.tier == "regional"


def test_model_without_a_global_price_uses_its_regional_price_everywhere() -> None:
    regional = price_for("amazon.nova-lite-v1:0")
    assert price_for("us.amazon.nova-lite-v1:0") == regional
    assert price_for("amazon.nova-lite-v1:0", "global_cris") == regional


def test_arns_and_context_suffixes_resolve_to_the_base_model_price() -> None:
    base = price_for("amazon.nova-pro-v1:0")
    assert base is not None
    arn = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"
    assert price_for(arn) == base
    assert price_for("amazon.nova-pro-v1:0:300k") == base


def test_unknown_and_unresolvable_models_have_no_price() -> None:
    assert price_for("acme.mystery-model-v1:0") is None
    assert price_for("anthropic.claude-opus-9") is None
    app_profile = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"
    assert price_for(app_profile) is None


def test_cost_is_per_million_tokens_per_category() -> None:
    price = price_for(f"global.{SONNET_45}")
    assert price is not None
    cost = price.cost(
        uncached_input_tokens=1_000_000,
        output_tokens=1_000_000,
        cache_read_tokens=1_000_000,
        cache_write_tokens=1_000_000,
    )
    assert cost == pytest.approx(3.0 + 15.0 + 0.3 + 3.75)


def test_one_hour_cache_writes_and_reasoning_tokens_have_their_own_rates() -> None:
    price = price_for(f"global.{SONNET_45}")
    assert price is not None
    assert price.cache_write_1h == pytest.approx(6.0)
    one_hour = price.cost(uncached_input_tokens=0, output_tokens=0, cache_write_1h_tokens=10**6)
    assert one_hour == pytest.approx(6.0)
    # Reasoning is part of the output; with no rate of its own it costs the output rate.
    assert price.reasoning is None
    thinking = price.cost(uncached_input_tokens=0, output_tokens=10**6, reasoning_tokens=4 * 10**5)
    assert thinking == pytest.approx(15.0)


def test_a_reasoning_rate_in_a_row_prices_the_reasoning_part_of_the_output() -> None:
    listed = price_for(f"global.{SONNET_45}")
    assert listed is not None
    price = replace(listed, reasoning=30.0)
    cost = price.cost(uncached_input_tokens=0, output_tokens=10**6, reasoning_tokens=4 * 10**5)
    assert cost == pytest.approx(0.6 * 15.0 + 0.4 * 30.0)


def test_claude_4_5_and_later_cost_ten_percent_more_outside_the_global_profile() -> None:
    for model_id in ("anthropic.claude-haiku-4-5-20251001-v1:0", "anthropic.claude-sonnet-5"):
        regional, global_ = price_for(f"us.{model_id}"), price_for(f"global.{model_id}")
        assert regional is not None
        assert global_ is not None
        for name in ("input", "output", "cache_read", "cache_write", "cache_write_1h"):
            assert getattr(regional, name) == pytest.approx(getattr(global_, name) * 1.1)


def test_tokens_in_a_category_without_a_price_make_the_cost_unknown_not_free() -> None:
    price = price_for("amazon.nova-lite-v1:0")  # cache writes are unpriced for Nova
    assert price is not None
    assert price.cache_write is None
    assert price.cost(uncached_input_tokens=10, output_tokens=10, cache_write_tokens=5) is None
    assert price.cost(uncached_input_tokens=10, output_tokens=10) is not None
