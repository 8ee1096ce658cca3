"""Model lifecycle: Legacy models warn, retired ones are refused, before any request."""

from __future__ import annotations

import inspect
import json
import re
import warnings
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.catalog import (
    CatalogModel,
    CatalogSnapshot,
    ModelCatalog,
    ModelLifecycle,
    RegionCatalog,
)
from langchain_bedrock_enhanced.catalog.lifecycle import (
    check_model_lifecycle,
    checked_after_construction,
    lifecycle_in,
    load_lifecycle_notes,
    snapshot_lifecycle,
)
from langchain_bedrock_enhanced.errors import ModelNotFoundError
from langchain_bedrock_enhanced.models import (
    ClaudeEnhancedChatBedrockConverse,
    get_all_supported_model_ids,
)

SONNET_3 = "anthropic.claude-3-sonnet-20240229-v1:0"  # EOL 2026-07-30
SONNET_37 = "anthropic.claude-3-7-sonnet-20250219-v1:0"  # retired, no date published
OPUS_41 = "anthropic.claude-opus-4-1-20250805-v1:0"  # Legacy, EOL 2027-01-08
HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0"  # Legacy, EOL not published
SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"  # Active
NOVA_PRO = "amazon.nova-pro-v1:0"  # Active
APP_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123def456"
BEFORE_OPUS_41_EOL = date(2026, 11, 26)


@pytest.fixture
def recorded() -> Iterator[list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


def deprecations(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]


def next_line() -> int:
    """The number of the line after the caller's."""
    return inspect.stack()[1].lineno + 1


def catalog_with(model: CatalogModel, region: str = "us-east-1") -> ModelCatalog:
    """A catalog whose only data is one region listing one model."""
    data = RegionCatalog.build(region, models=[model], profiles=[], source="snapshot")
    snapshot = CatalogSnapshot(provenance={}, regions={region: data})
    return ModelCatalog(discover=False, disk_cache=False, snapshot=snapshot)


# Dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 7, 29), "legacy"),
        (date(2026, 7, 30), "end_of_life"),
        (date(2026, 11, 26), "end_of_life"),
    ],
    ids=["the day before", "the day itself", "after"],
)
def test_a_model_is_end_of_life_from_its_eol_day_on(today: date, state: str) -> None:
    info = snapshot_lifecycle(SONNET_3, "us-east-1")

    assert info.end_of_life_date == date(2026, 7, 30)
    assert info.state(today) == state


def test_the_snapshot_carries_the_legacy_date_where_the_reference_knows_it() -> None:
    info = snapshot_lifecycle("anthropic.claude-sonnet-4-20250514-v1:0", "us-east-1")

    assert (info.legacy_date, info.end_of_life_date) == (date(2026, 4, 14), date(2026, 10, 14))


def test_a_model_the_table_marks_retired_is_end_of_life_without_a_date() -> None:
    info = snapshot_lifecycle(SONNET_37, "us-east-1")

    assert info.end_of_life_date is None
    assert info.is_end_of_life(date(2000, 1, 1))
    assert info.end_of_life_text == "passed (date not published)"


def test_an_active_model_is_active_and_an_unknown_one_unknown() -> None:
    assert snapshot_lifecycle(NOVA_PRO, "us-east-1").state() == "active"
    assert snapshot_lifecycle("nobody.nothing-v1:0", "us-east-1").state() == "unknown"


# The check --------------------------------------------------------------------------


def test_a_retired_model_is_refused_naming_its_eol_date_and_replacement() -> None:
    with pytest.raises(ModelNotFoundError) as caught:
        check_model_lifecycle(SONNET_3, region="us-east-1", today=date(2026, 11, 26))

    message = str(caught.value)
    assert SONNET_3 in message
    assert "end of its life" in message
    assert "2026-07-30" in message
    assert (
        "Claude Sonnet 5 / 4.6 (anthropic.claude-sonnet-5, anthropic.claude-sonnet-4-6)" in message
    )
    assert (caught.value.model_id, caught.value.region) == (SONNET_3, "us-east-1")


def test_a_legacy_model_warns_naming_its_eol_date_and_replacement(
    recorded: list[warnings.WarningMessage],
) -> None:
    info = check_model_lifecycle(OPUS_41, region="us-east-1", today=BEFORE_OPUS_41_EOL)

    assert info.state(BEFORE_OPUS_41_EOL) == "legacy"
    [message] = deprecations(recorded)
    assert OPUS_41 in message
    assert "Legacy" in message
    assert "2027-01-08" in message
    assert "Claude Opus 4.8 / 4.6" in message


def test_a_legacy_model_without_an_eol_date_says_it_is_not_announced(
    recorded: list[warnings.WarningMessage],
) -> None:
    check_model_lifecycle(HAIKU_3, region="us-east-1")

    [message] = deprecations(recorded)
    assert "end of life: not announced" in message
    assert "Claude Haiku 4.5 (anthropic.claude-haiku-4-5-20251001-v1:0)" in message


def test_the_warning_points_at_the_line_that_asked(
    recorded: list[warnings.WarningMessage],
) -> None:
    line = next_line()
    check_model_lifecycle(HAIKU_3, region="us-east-1")

    [warning] = recorded
    assert (warning.filename, warning.lineno) == (__file__, line)


def test_an_active_model_passes_silently(recorded: list[warnings.WarningMessage]) -> None:
    info = check_model_lifecycle(SONNET_45, region="us-east-1")

    assert info.status == "ACTIVE"
    assert recorded == []


@pytest.mark.parametrize(
    "identifier",
    [
        SONNET_3,
        "anthropic.claude-3-sonnet-20240229-v1",
        f"{SONNET_3}:200k",
        f"us.{SONNET_3}",
        f"arn:aws:bedrock:us-east-1::foundation-model/{SONNET_3}",
        f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.{SONNET_3}",
    ],
    ids=["bare", "unversioned", "context variant", "us profile", "model ARN", "profile ARN"],
)
def test_every_identifier_form_of_a_retired_model_is_refused(identifier: str) -> None:
    with pytest.raises(ModelNotFoundError, match="2026-07-30"):
        check_model_lifecycle(identifier, region="us-east-1", today=date(2026, 11, 26))


def test_a_global_profile_of_a_legacy_model_warns(
    recorded: list[warnings.WarningMessage],
) -> None:
    check_model_lifecycle(f"global.{OPUS_41}", region="us-east-1", today=BEFORE_OPUS_41_EOL)

    [message] = deprecations(recorded)
    assert f"global.{OPUS_41} (base model {OPUS_41})" in message


def test_an_application_profile_is_judged_by_its_base_model() -> None:
    with pytest.raises(ModelNotFoundError, match=re.escape(SONNET_3)):
        check_model_lifecycle(
            APP_ARN, region="us-east-1", base_model_id=SONNET_3, today=date(2026, 11, 26)
        )


def test_an_application_profile_without_a_known_base_model_passes(
    recorded: list[warnings.WarningMessage],
) -> None:
    assert check_model_lifecycle(APP_ARN, region="us-east-1").state() == "unknown"
    assert recorded == []


# Which data decides -----------------------------------------------------------------


def test_the_catalogs_data_replaces_the_snapshot() -> None:
    # What the catalog holds (here: Nova Pro retired on 2026-01-01) wins over the bundle.
    catalog = catalog_with(
        CatalogModel(NOVA_PRO, lifecycle="LEGACY", end_of_life_date=date(2026, 1, 1))
    )

    with pytest.raises(ModelNotFoundError, match="2026-01-01"):
        check_model_lifecycle(NOVA_PRO, region="us-east-1", catalog=catalog)


def test_a_region_that_does_not_list_the_model_borrows_another_regions_data() -> None:
    info = snapshot_lifecycle(SONNET_3, "us-gov-west-1")

    assert info.status == "LEGACY"
    assert info.end_of_life_date == date(2026, 7, 30)
    assert info.region != "us-gov-west-1"


def test_the_region_asked_about_wins_over_other_regions() -> None:
    legacy = RegionCatalog.build(
        "eu-west-1", models=[CatalogModel(NOVA_PRO, lifecycle="LEGACY")], profiles=[]
    )
    active = RegionCatalog.build(
        "us-east-1", models=[CatalogModel(NOVA_PRO, lifecycle="ACTIVE")], profiles=[]
    )
    regions = {"eu-west-1": legacy, "us-east-1": active}

    assert lifecycle_in(NOVA_PRO, regions, "us-east-1").status == "ACTIVE"
    assert lifecycle_in(NOVA_PRO, regions, "ap-south-1").status == "LEGACY"


def test_model_lifecycle_reads_the_disk_cache_and_never_the_network(tmp_path: Path) -> None:
    def no_network(region: str) -> Any:
        msg = f"model_lifecycle asked the control plane of {region}"
        raise AssertionError(msg)

    catalog = ModelCatalog(no_network, cache_dir=tmp_path)
    cached = RegionCatalog.build(
        "us-east-1",
        models=[CatalogModel(NOVA_PRO, lifecycle="LEGACY", end_of_life_date=date(2027, 3, 1))],
        profiles=[],
        fetched_at=datetime(2020, 1, 1, tzinfo=timezone.utc),  # long expired: still held
    )
    catalog.cache_dir.mkdir(parents=True)
    document = {"format": 1, **cached.to_dict()}
    (catalog.cache_dir / "us-east-1.json").write_text(json.dumps(document), encoding="utf-8")

    info = catalog.model_lifecycle(f"us.{NOVA_PRO}", "us-east-1")

    assert (info.source, info.status, info.end_of_life_date) == ("disk", "LEGACY", date(2027, 3, 1))


def test_model_lifecycle_uses_what_discovery_already_brought() -> None:
    client = boto3.client("bedrock", region_name="us-east-1")
    summary = {
        "modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{NOVA_PRO}",
        "modelId": NOVA_PRO,
        "modelLifecycle": {
            "status": "LEGACY",
            "endOfLifeTime": datetime(2027, 2, 1, tzinfo=timezone.utc),
        },
    }
    with Stubber(client) as stub:
        stub.add_response("list_foundation_models", {"modelSummaries": [summary]})
        stub.add_response("list_inference_profiles", {"inferenceProfileSummaries": []})
        catalog = ModelCatalog(lambda _: client, disk_cache=False)
        catalog.region_catalog("us-east-1")

    info = catalog.model_lifecycle(NOVA_PRO, "us-east-1")

    assert (info.source, info.end_of_life_date) == ("live", date(2027, 2, 1))


# Construction -----------------------------------------------------------------------


def test_building_a_retired_family_model_directly_is_refused() -> None:
    with pytest.raises(ModelNotFoundError, match=re.escape("Claude Sonnet 5 / 4.6")):
        ClaudeEnhancedChatBedrockConverse(model=f"us.{SONNET_3}", region_name="us-east-1")


def test_building_a_legacy_family_model_directly_warns_at_the_callers_line(
    recorded: list[warnings.WarningMessage],
) -> None:
    ClaudeEnhancedChatBedrockConverse(model=HAIKU_3, region_name="us-east-1")

    [warning] = recorded
    assert issubclass(warning.category, DeprecationWarning)
    assert warning.filename == __file__


def test_the_factory_warns_once_at_the_callers_line(
    recorded: list[warnings.WarningMessage],
) -> None:
    create_langchain_chatbedrock(HAIKU_3, region_name="us-east-1")

    [warning] = [w for w in recorded if issubclass(w.category, DeprecationWarning)]
    assert warning.filename == __file__
    assert HAIKU_3 in str(warning.message)


def test_the_factory_refuses_a_retired_model_whatever_the_catalog_setting() -> None:
    for catalog in (None, False, ModelCatalog(discover=False, disk_cache=False)):
        with pytest.raises(ModelNotFoundError):
            create_langchain_chatbedrock(SONNET_37, region_name="us-east-1", catalog=catalog)


def test_the_factory_judges_by_the_catalog_it_is_given(
    recorded: list[warnings.WarningMessage],
) -> None:
    # That catalog says Claude 3 Haiku is active: no warning, though the bundle says Legacy.
    catalog = catalog_with(CatalogModel(HAIKU_3, frozenset({"ON_DEMAND"}), "ACTIVE"))

    create_langchain_chatbedrock(HAIKU_3, region_name="us-east-1", catalog=catalog)

    assert deprecations(recorded) == []


def test_inside_checked_after_construction_a_direct_build_does_not_check() -> None:
    with checked_after_construction():
        model = ClaudeEnhancedChatBedrockConverse(model=SONNET_37, region_name="us-east-1")

    assert model.model_id == SONNET_37


def test_retired_models_stay_supported_ids() -> None:
    supported = get_all_supported_model_ids()

    assert {SONNET_3, SONNET_37, "anthropic.claude-3-opus-20240229-v1:0"} <= set(supported)


# The bundled table ------------------------------------------------------------------


def test_every_row_of_the_table_has_a_source_and_a_confidence() -> None:
    notes = load_lifecycle_notes()

    assert notes
    for note in notes.values():
        assert note.source
        assert note.confidence in {"high", "medium", "low"}


def test_every_suggested_replacement_is_an_active_supported_model() -> None:
    supported = set(get_all_supported_model_ids())
    for note in load_lifecycle_notes().values():
        for model_id in note.replacement_model_ids:
            assert model_id in supported, (note.model_id, model_id)
            assert snapshot_lifecycle(model_id).status == "ACTIVE", (note.model_id, model_id)


def test_a_lifecycle_renders_its_replacement_with_model_ids() -> None:
    info = ModelLifecycle("m", replacement="Llama 4 Maverick", replacement_model_ids=("meta.x",))

    assert info.replacement_text == "Llama 4 Maverick (meta.x)"
    assert "model-lifecycle.html" in ModelLifecycle("m").replacement_text
