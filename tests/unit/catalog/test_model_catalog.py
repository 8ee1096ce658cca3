"""ModelCatalog: discovery through a stubbed boto3 client, caching, TTLs and degradation."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import NoCredentialsError
from botocore.stub import Stubber

from langchain_bedrock_enhanced.catalog.model_catalog import (
    CACHE_DIR_ENV,
    CatalogSnapshot,
    ModelCatalog,
    RegionCatalog,
    default_cache_dir,
    discover_region,
    load_bundled_snapshot,
)
from langchain_bedrock_enhanced.errors import ConfigurationError

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA = "amazon.nova-pro-v1:0"
ODD = "cohere.embed-v4:0"
APP_ARN = "arn:aws:bedrock:ap-northeast-1:123456789012:application-inference-profile/abc123def456"


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def model(model_id: str, types: list[str], status: str = "ACTIVE") -> dict[str, Any]:
    return {
        "modelArn": f"arn:aws:bedrock:ap-northeast-1::foundation-model/{model_id}",
        "modelId": model_id,
        "modelName": model_id,
        "providerName": model_id.split(".", 1)[0],
        "inputModalities": ["TEXT"],
        "outputModalities": ["TEXT"],
        "responseStreamingSupported": True,
        "customizationsSupported": [],
        "inferenceTypesSupported": types,
        "modelLifecycle": {"status": status},
    }


def profile(prefix: str, model_id: str, regions: list[str]) -> dict[str, Any]:
    profile_id = f"{prefix}.{model_id}"
    return {
        "inferenceProfileName": profile_id[:64],
        "inferenceProfileArn": (
            f"arn:aws:bedrock:ap-northeast-1:123456789012:inference-profile/{profile_id}"
        ),
        "models": [
            {"modelArn": f"arn:aws:bedrock:{r}::foundation-model/{model_id}"} for r in regions
        ],
        "inferenceProfileId": profile_id,
        "status": "ACTIVE",
        "type": "SYSTEM_DEFINED",
    }


APP_PROFILE = {
    "inferenceProfileName": "team-sonnet",
    "inferenceProfileArn": APP_ARN,
    "models": [{"modelArn": f"arn:aws:bedrock:ap-northeast-1::foundation-model/{SONNET}"}],
    "inferenceProfileId": "abc123def456",
    "status": "ACTIVE",
    "type": "APPLICATION",
}

TOKYO_MODELS = [
    model(SONNET, ["INFERENCE_PROFILE"]),
    model(NOVA, ["INFERENCE_PROFILE", "ON_DEMAND"]),
    model(HAIKU, ["ON_DEMAND"], status="LEGACY"),
    model(ODD, []),
]
TOKYO_PAGES = [
    [
        profile("global", SONNET, ["us-east-1", "eu-west-1"]),
        profile("apac", SONNET, ["ap-northeast-1", "ap-southeast-1"]),
    ],
    [profile("jp", SONNET, ["ap-northeast-1", "ap-northeast-3"]), profile("apac", NOVA, [""])],
    [APP_PROFILE],
]


class StubbedControlPlane:
    """A real boto3 `bedrock` client whose answers come from a Stubber."""

    def __init__(self, region: str = "ap-northeast-1") -> None:
        self.client = boto3.client("bedrock", region_name=region)
        self.stubber = Stubber(self.client)
        self.stubber.activate()
        self.calls = 0

    def expect_discovery(self, page_size: int = 2) -> None:
        self.stubber.add_response("list_foundation_models", {"modelSummaries": TOKYO_MODELS}, {})
        for index, page in enumerate(TOKYO_PAGES):
            response: dict[str, Any] = {"inferenceProfileSummaries": page}
            params: dict[str, Any] = {"maxResults": page_size}
            if index:
                params["nextToken"] = f"token-{index}"
            if index < len(TOKYO_PAGES) - 1:
                response["nextToken"] = f"token-{index + 1}"
            self.stubber.add_response("list_inference_profiles", response, params)

    def expect_failure(self, code: str = "AccessDeniedException") -> None:
        self.stubber.add_client_error(
            "list_foundation_models", service_error_code=code, http_status_code=403
        )

    def factory(self, region: str) -> Any:
        self.calls += 1
        return self.client


@pytest.fixture
def plane() -> Iterator[StubbedControlPlane]:
    stubbed = StubbedControlPlane()
    yield stubbed
    stubbed.stubber.assert_no_pending_responses()
    stubbed.stubber.deactivate()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_catalog(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock, **options: Any
) -> ModelCatalog:
    options.setdefault("page_size", 2)
    options.setdefault("ttl", timedelta(hours=1))
    return ModelCatalog(plane.factory, cache_dir=tmp_path, clock=clock, **options)


# discover_region -------------------------------------------------------------


def test_discovery_reads_models_and_walks_every_profile_page(plane: StubbedControlPlane) -> None:
    plane.expect_discovery(page_size=2)
    data = discover_region(plane.client, "ap-northeast-1", page_size=2)
    assert data.source == "live"
    assert set(data.models) == {SONNET, NOVA, HAIKU, ODD}
    assert data.models[HAIKU].lifecycle == "LEGACY"
    assert len(data.profiles) == 5
    assert data.profiles_for(SONNET) == {
        "jp": f"jp.{SONNET}",
        "apac": f"apac.{SONNET}",
        "global": f"global.{SONNET}",
    }


def test_a_destination_arn_without_a_region_still_names_the_base_model(
    plane: StubbedControlPlane,
) -> None:
    plane.expect_discovery()
    data = discover_region(plane.client, "ap-northeast-1", page_size=2)
    assert data.profiles_for(NOVA) == {"apac": f"apac.{NOVA}"}


def test_application_profiles_are_kept_apart_from_system_profiles(
    plane: StubbedControlPlane,
) -> None:
    plane.expect_discovery()
    data = discover_region(plane.client, "ap-northeast-1", page_size=2)
    found = data.application_profile(APP_ARN)
    assert found is not None
    assert found.base_model_ids == (SONNET,)
    assert "abc123def456" not in json.dumps(data.profiles_for(SONNET))


# Answers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [(SONNET, False), (NOVA, True), (HAIKU, True), (ODD, None), ("nobody.nothing-v1:0", None)],
    ids=["profile only", "both", "on demand", "empty list", "not listed"],
)
def test_supports_on_demand_reads_the_inference_types(
    plane: StubbedControlPlane,
    tmp_path: Path,
    clock: FakeClock,
    model_id: str,
    expected: bool | None,  # noqa: FBT001 - a parametrized value
) -> None:
    plane.expect_discovery()
    catalog = make_catalog(plane, tmp_path, clock)
    assert catalog.supports_on_demand(model_id, "ap-northeast-1") is expected


def test_questions_accept_any_identifier_of_the_model(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    plane.expect_discovery()
    catalog = make_catalog(plane, tmp_path, clock)
    arn = f"arn:aws:bedrock:ap-northeast-1::foundation-model/{SONNET}"
    assert catalog.supports_on_demand(f"global.{SONNET}", "ap-northeast-1") is False
    assert catalog.profiles_for(arn, "ap-northeast-1") == catalog.profiles_for(
        SONNET, "ap-northeast-1"
    )
    assert catalog.lifecycle_status(HAIKU, "ap-northeast-1") == "LEGACY"
    assert catalog.base_model_for(APP_ARN, "ap-northeast-1") == SONNET
    assert catalog.base_model_for(f"jp.{SONNET}", "ap-northeast-1") == SONNET


def test_profiles_come_narrowest_geography_first_then_global(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    plane.expect_discovery()
    catalog = make_catalog(plane, tmp_path, clock)
    assert list(catalog.profiles_for(SONNET, "ap-northeast-1")) == ["jp", "apac", "global"]


# Caching ---------------------------------------------------------------------


def test_one_discovery_serves_every_question_until_the_ttl(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    plane.expect_discovery()
    catalog = make_catalog(plane, tmp_path, clock, disk_cache=False)
    for _ in range(20):
        catalog.supports_on_demand(SONNET, "ap-northeast-1")
        catalog.profiles_for(SONNET, "ap-northeast-1")
    assert plane.calls == 1
    clock.advance(timedelta(minutes=59))
    catalog.profiles_for(SONNET, "ap-northeast-1")
    assert plane.calls == 1
    plane.expect_discovery()
    clock.advance(timedelta(minutes=1))
    catalog.profiles_for(SONNET, "ap-northeast-1")
    assert plane.calls == 2


def test_discovery_is_written_to_the_disk_cache_and_reused_by_a_new_catalog(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    plane.expect_discovery()
    make_catalog(plane, tmp_path, clock).profiles_for(SONNET, "ap-northeast-1")
    cached = tmp_path / "catalog" / "aws" / "ap-northeast-1.json"
    assert json.loads(cached.read_text(encoding="utf-8"))["format"] == 1
    assert sorted(p.name for p in cached.parent.iterdir()) == ["ap-northeast-1.json"]

    def no_calls(region: str) -> Any:
        msg = f"unexpected discovery in {region}"
        raise AssertionError(msg)

    second = ModelCatalog(no_calls, cache_dir=tmp_path, clock=clock, ttl=timedelta(hours=1))
    assert second.profiles_for(SONNET, "ap-northeast-1")["jp"] == f"jp.{SONNET}"
    assert second.source("ap-northeast-1") == "disk"


def test_an_expired_disk_cache_is_discovered_again(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    plane.expect_discovery()
    make_catalog(plane, tmp_path, clock).profiles_for(SONNET, "ap-northeast-1")
    clock.advance(timedelta(hours=2))
    plane.expect_discovery()
    fresh = make_catalog(plane, tmp_path, clock)
    assert fresh.source("ap-northeast-1") == "live"
    assert plane.calls == 2


def test_different_endpoints_get_different_cache_folders(tmp_path: Path) -> None:
    aws = ModelCatalog(cache_dir=tmp_path)
    local = ModelCatalog(cache_dir=tmp_path, endpoint_url="http://127.0.0.1:9999")
    assert aws.cache_dir != local.cache_dir
    assert aws.cache_dir.parent == local.cache_dir.parent


def test_a_corrupted_cache_file_is_ignored_with_a_warning(
    plane: StubbedControlPlane,
    tmp_path: Path,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cached = tmp_path / "catalog" / "aws" / "ap-northeast-1.json"
    cached.parent.mkdir(parents=True)
    cached.write_text('{"format": 1, "region": "ap-northe', encoding="utf-8")
    plane.expect_discovery()
    with caplog.at_level(logging.WARNING):
        assert make_catalog(plane, tmp_path, clock).source("ap-northeast-1") == "live"
    assert "unusable catalog cache" in caplog.text


def test_an_odd_region_name_never_becomes_a_path(tmp_path: Path, clock: FakeClock) -> None:
    catalog = ModelCatalog(
        discover=False, cache_dir=tmp_path, clock=clock, snapshot=CatalogSnapshot.empty()
    )
    assert catalog.supports_on_demand(SONNET, "../../etc/passwd") is None
    assert not (tmp_path / "catalog").exists()


# Degradation -----------------------------------------------------------------


def test_a_failed_discovery_warns_and_falls_back_to_the_snapshot(
    plane: StubbedControlPlane,
    tmp_path: Path,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    plane.expect_failure()
    catalog = make_catalog(plane, tmp_path, clock)
    with caplog.at_level(
        logging.WARNING, logger="langchain_bedrock_enhanced.catalog.model_catalog"
    ):
        assert catalog.supports_on_demand(SONNET, "eu-west-1") is False
    assert catalog.source("eu-west-1") == "snapshot"
    assert catalog.profiles_for(SONNET, "eu-west-1")["eu"] == f"eu.{SONNET}"
    (record,) = caplog.records
    assert record.levelno == logging.WARNING
    assert "eu-west-1" in record.getMessage()
    assert "AccessDeniedException" in record.getMessage()


def test_a_failed_region_is_retried_only_after_the_failure_ttl(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    plane.expect_failure()
    catalog = make_catalog(plane, tmp_path, clock, failure_ttl=timedelta(minutes=10))
    for _ in range(10):
        catalog.profiles_for(SONNET, "ap-northeast-1")
    assert plane.calls == 1
    clock.advance(timedelta(minutes=10))
    plane.expect_discovery()
    assert catalog.source("ap-northeast-1") == "live"
    assert plane.calls == 2


def test_a_failed_discovery_prefers_an_expired_disk_cache_over_the_snapshot(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    plane.expect_discovery()
    make_catalog(plane, tmp_path, clock).profiles_for(SONNET, "ap-northeast-1")
    clock.advance(timedelta(days=3))
    plane.expect_failure()
    catalog = make_catalog(plane, tmp_path, clock)
    assert catalog.source("ap-northeast-1") == "disk"
    assert catalog.supports_on_demand(ODD, "ap-northeast-1") is None
    assert catalog.profiles_for(SONNET, "ap-northeast-1")["jp"] == f"jp.{SONNET}"


def test_missing_credentials_degrade_instead_of_raising(tmp_path: Path, clock: FakeClock) -> None:
    def no_credentials(region: str) -> Any:
        raise NoCredentialsError

    catalog = ModelCatalog(no_credentials, cache_dir=tmp_path, clock=clock)
    assert catalog.supports_on_demand(HAIKU, "us-east-1") is True
    assert catalog.source("us-east-1") == "snapshot"


def test_with_nothing_to_fall_back_on_the_answers_are_unknown(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    plane.expect_failure()
    catalog = make_catalog(plane, tmp_path, clock, snapshot=CatalogSnapshot.empty())
    assert catalog.supports_on_demand(SONNET, "ap-northeast-1") is None
    assert catalog.profiles_for(SONNET, "ap-northeast-1") == {}
    assert catalog.source("ap-northeast-1") == "none"


def test_with_discovery_off_the_snapshot_answers_and_nothing_is_called(
    tmp_path: Path, clock: FakeClock
) -> None:
    def no_calls(region: str) -> Any:
        msg = "discovery is off"
        raise AssertionError(msg)

    catalog = ModelCatalog(no_calls, discover=False, cache_dir=tmp_path, clock=clock)
    assert catalog.supports_on_demand(SONNET, "eu-west-1") is False
    assert catalog.refresh("eu-west-1") == {"eu-west-1": "snapshot"}


# refresh and concurrency -----------------------------------------------------


def test_refresh_discovers_again_now(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    plane.expect_discovery()
    catalog = make_catalog(plane, tmp_path, clock)
    catalog.profiles_for(SONNET, "ap-northeast-1")
    plane.expect_discovery()
    assert catalog.refresh() == {"ap-northeast-1": "live"}
    assert plane.calls == 2


def test_refresh_degrades_like_any_discovery(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    plane.expect_failure()
    assert make_catalog(plane, tmp_path, clock).refresh(["eu-west-1"]) == {"eu-west-1": "snapshot"}


def test_concurrent_questions_cause_one_discovery_per_region(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    plane.expect_discovery()
    catalog = make_catalog(plane, tmp_path, clock)
    barrier = threading.Barrier(12)
    answers: list[dict[str, str]] = []

    def ask() -> None:
        barrier.wait()
        answers.append(catalog.profiles_for(SONNET, "ap-northeast-1"))

    threads = [threading.Thread(target=ask) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert plane.calls == 1
    assert len(answers) == 12
    assert all(a == answers[0] for a in answers)


# Configuration ---------------------------------------------------------------


def test_nothing_is_fetched_or_read_at_construction(tmp_path: Path) -> None:
    def no_calls(region: str) -> Any:
        msg = "constructed eagerly"
        raise AssertionError(msg)

    ModelCatalog(no_calls, cache_dir=tmp_path / "absent")
    assert not (tmp_path / "absent").exists()


@pytest.mark.parametrize(
    "options",
    [{"ttl": timedelta(0)}, {"failure_ttl": timedelta(seconds=-1)}, {"page_size": 0}],
)
def test_bad_settings_are_configuration_errors(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        ModelCatalog(**options)


def test_the_cache_dir_honours_the_override_then_xdg(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "override"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "override"
    monkeypatch.delenv(CACHE_DIR_ENV)
    assert default_cache_dir() == tmp_path / "xdg" / "langchain-bedrock-enhanced"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir().name == "langchain-bedrock-enhanced"
    assert ModelCatalog().cache_dir.parts[-2:] == ("catalog", "aws")


# The bundled snapshot --------------------------------------------------------


def test_the_bundled_snapshot_carries_its_provenance_and_date() -> None:
    snapshot = load_bundled_snapshot()
    provenance = snapshot.provenance
    assert provenance["generator"] == "scripts/build_catalog_snapshot.py"
    assert "emulator" in provenance["source"]
    datetime.fromisoformat(provenance["generated_at"])
    datetime.fromisoformat(provenance["data_as_of"])


def test_the_bundled_snapshot_covers_the_emulator_regions_without_account_data() -> None:
    snapshot = load_bundled_snapshot()
    assert {"us-east-1", "eu-west-1", "ap-northeast-1", "us-gov-west-1"} <= set(snapshot.regions)
    for data in snapshot.regions.values():
        assert data.source == "snapshot"
        assert all(p.type == "SYSTEM_DEFINED" and p.arn is None for p in data.profiles)


def test_region_catalog_round_trips_through_its_dictionary() -> None:
    data = load_bundled_snapshot().regions["eu-west-1"]
    again = RegionCatalog.from_dict(data.to_dict(), source="disk")
    assert again.models == data.models
    assert again.profiles == data.profiles
    assert again.profiles_for(SONNET) == data.profiles_for(SONNET)


def test_a_malformed_snapshot_is_a_configuration_error(tmp_path: Path) -> None:
    path = tmp_path / "snapshot.json"
    path.write_text('{"provenance": {}, "regions": {"us-east-1": {"models": 3}}}', encoding="utf-8")
    with pytest.raises(ConfigurationError):
        CatalogSnapshot.load(path)


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK"])
def test_an_endpoint_from_the_environment_gets_its_own_cache_key(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    assert ModelCatalog(discover=False).cache_key == "aws"
    monkeypatch.setenv(variable, "http://127.0.0.1:8765")
    assert ModelCatalog(discover=False).cache_key.startswith("endpoint-")


# Lifecycle dates -------------------------------------------------------------


def test_discovery_keeps_the_legacy_and_end_of_life_days_in_utc() -> None:
    client = boto3.client("bedrock", region_name="us-east-1")
    lifecycle = {
        "status": "LEGACY",
        "legacyTime": datetime(2026, 4, 14, tzinfo=timezone.utc),
        # 01:30 in UTC+2 is still the 13th of October in UTC.
        "endOfLifeTime": datetime(2026, 10, 14, 1, 30, tzinfo=timezone(timedelta(hours=2))),
    }
    summary = {**model(SONNET, ["INFERENCE_PROFILE"], "LEGACY"), "modelLifecycle": lifecycle}
    with Stubber(client) as stub:
        stub.add_response("list_foundation_models", {"modelSummaries": [summary]})
        stub.add_response("list_inference_profiles", {"inferenceProfileSummaries": []})
        found = discover_region(client, "us-east-1").models[SONNET]

    assert (found.legacy_date, found.end_of_life_date) == (date(2026, 4, 14), date(2026, 10, 13))


def test_discovery_without_dates_leaves_them_unknown(plane: StubbedControlPlane) -> None:
    plane.expect_discovery()
    data = discover_region(plane.client, "ap-northeast-1", page_size=2)
    assert (data.models[HAIKU].legacy_date, data.models[HAIKU].end_of_life_date) == (None, None)


def test_model_lifecycle_asks_nothing_even_before_any_discovery(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    catalog = make_catalog(plane, tmp_path, clock)

    info = catalog.model_lifecycle(HAIKU, "us-east-1")

    assert plane.calls == 0
    assert (info.source, info.status) == ("snapshot", "LEGACY")
    assert catalog.held_region_catalog("us-east-1") is not None
    assert plane.calls == 0


def test_model_lifecycle_resolves_an_application_profile_through_held_data(
    plane: StubbedControlPlane, tmp_path: Path, clock: FakeClock
) -> None:
    plane.expect_discovery()
    catalog = make_catalog(plane, tmp_path, clock)
    catalog.region_catalog("ap-northeast-1")

    info = catalog.model_lifecycle(APP_ARN, "ap-northeast-1")

    assert (info.model_id, info.source, info.status) == (SONNET, "live", "ACTIVE")
