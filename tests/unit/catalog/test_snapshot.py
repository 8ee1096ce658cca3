"""The catalog's data classes: lifecycle dates survive the disk and snapshot round trips."""

from __future__ import annotations

from datetime import date

import pytest

from langchain_bedrock_enhanced.catalog import (
    CatalogModel,
    CatalogSnapshot,
    RegionCatalog,
    load_bundled_snapshot,
)
from langchain_bedrock_enhanced.errors import ConfigurationError

OPUS_41 = "anthropic.claude-opus-4-1-20250805-v1:0"
SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"


def region_with(*models: CatalogModel) -> RegionCatalog:
    return RegionCatalog.build("us-east-1", models=models, profiles=[])


def test_lifecycle_dates_round_trip_through_the_dictionary_form() -> None:
    model = CatalogModel(
        SONNET_4,
        frozenset({"INFERENCE_PROFILE"}),
        "LEGACY",
        legacy_date=date(2026, 4, 14),
        end_of_life_date=date(2026, 10, 14),
    )

    again = RegionCatalog.from_dict(region_with(model).to_dict(), source="disk")

    assert again.models[SONNET_4] == model


def test_unknown_dates_are_left_out_so_older_files_read_the_same() -> None:
    stored = region_with(CatalogModel("amazon.nova-pro-v1:0", lifecycle="ACTIVE")).to_dict()

    assert set(stored["models"][0]) == {"model_id", "inference_types", "lifecycle"}
    again = RegionCatalog.from_dict(stored, source="disk").models["amazon.nova-pro-v1:0"]
    assert (again.legacy_date, again.end_of_life_date) == (None, None)


def test_a_snapshot_round_trips_with_its_dates() -> None:
    snapshot = load_bundled_snapshot()

    again = CatalogSnapshot.from_dict(snapshot.to_dict())

    assert again.regions["us-east-1"].models == snapshot.regions["us-east-1"].models


def test_the_bundled_snapshot_carries_the_end_of_life_dates_of_the_world() -> None:
    models = load_bundled_snapshot().regions["us-east-1"].models

    assert models[OPUS_41].end_of_life_date == date(2027, 1, 8)
    assert models[SONNET_4].legacy_date == date(2026, 4, 14)
    assert models["amazon.nova-pro-v1:0"].end_of_life_date is None


def test_a_malformed_date_is_a_configuration_error() -> None:
    stored = region_with(CatalogModel(OPUS_41, lifecycle="LEGACY")).to_dict()
    stored["models"][0]["end_of_life_date"] = "soon"

    with pytest.raises(ConfigurationError):
        RegionCatalog.from_dict(stored, source="disk")
