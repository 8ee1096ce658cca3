"""ModelCatalog against the emulator's control plane, through real boto3 clients."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.access import (
    AccessMethod,
    AccessMethodSelector,
    AccessMethodTracker,
)
from langchain_bedrock_enhanced.catalog.model_catalog import (
    CatalogSnapshot,
    ModelCatalog,
    discover_region,
    load_bundled_snapshot,
)
from langchain_bedrock_enhanced.emulator import BedrockEmulator
from tests.wire.conftest import make_client

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA = "amazon.nova-pro-v1:0"


def factory_for(emulator: BedrockEmulator) -> Callable[[str], Any]:
    def factory(region: str) -> Any:
        return make_client(emulator.endpoint_url, "bedrock", region)

    return factory


def catalog_for(emulator: BedrockEmulator, tmp_path: Path, **options: Any) -> ModelCatalog:
    return ModelCatalog(factory_for(emulator), cache_dir=tmp_path, **options)


def operations(emulator: BedrockEmulator, name: str, region: str | None = None) -> int:
    return sum(
        1
        for r in emulator.requests
        if r.operation == name and (region is None or r.region == region)
    )


def test_the_catalog_reports_what_each_region_offers(
    emulator: BedrockEmulator, tmp_path: Path
) -> None:
    catalog = catalog_for(emulator, tmp_path)
    assert catalog.supports_on_demand(SONNET, "eu-west-1") is False
    assert catalog.profiles_for(SONNET, "eu-west-1") == {
        "eu": f"eu.{SONNET}",
        "global": f"global.{SONNET}",
    }
    assert catalog.supports_on_demand(HAIKU, "us-east-1") is True
    assert catalog.supports_on_demand(NOVA, "us-east-1") is True
    assert catalog.supports_on_demand(NOVA, "eu-west-1") is False
    assert catalog.profiles_for(SONNET_4, "ap-northeast-1") == {
        "apac": f"apac.{SONNET_4}",
        "global": f"global.{SONNET_4}",
    }
    assert catalog.source("eu-west-1") == "live"


def test_discovery_walks_every_page_once_per_region(
    emulator: BedrockEmulator, tmp_path: Path
) -> None:
    catalog = catalog_for(emulator, tmp_path, page_size=5)
    for _ in range(10):
        catalog.supports_on_demand(SONNET, "eu-west-1")
        catalog.profiles_for(SONNET, "eu-west-1")
    pages = operations(emulator, "ListInferenceProfiles", "eu-west-1")
    assert operations(emulator, "ListFoundationModels", "eu-west-1") == 1
    assert pages > 1
    profiles = catalog.region_catalog("eu-west-1")
    assert profiles is not None
    assert len(profiles.profiles) > 5 * (pages - 1)
    assert not any(r.is_runtime for r in emulator.requests)


def test_a_new_catalog_reads_the_disk_cache_instead_of_asking_again(
    emulator: BedrockEmulator, tmp_path: Path
) -> None:
    catalog_for(emulator, tmp_path).profiles_for(SONNET, "eu-west-1")
    emulator.clear_requests()
    again = catalog_for(emulator, tmp_path)
    assert again.profiles_for(SONNET, "eu-west-1")["eu"] == f"eu.{SONNET}"
    assert again.source("eu-west-1") == "disk"
    assert emulator.requests == []


def test_concurrent_callers_share_one_discovery(emulator: BedrockEmulator, tmp_path: Path) -> None:
    catalog = catalog_for(emulator, tmp_path)
    barrier = threading.Barrier(8)
    answers: list[bool | None] = []

    def ask() -> None:
        barrier.wait()
        answers.append(catalog.supports_on_demand(SONNET, "us-west-2"))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [False] * 8
    assert operations(emulator, "ListFoundationModels") == 1


def test_a_scenario_world_is_what_the_catalog_sees(tmp_path: Path) -> None:
    scenario = {"world": {"models": [{"model_id": HAIKU, "on_demand_regions": []}]}}
    with BedrockEmulator(scenario=scenario) as emulator:
        catalog = catalog_for(emulator, tmp_path)
        assert catalog.supports_on_demand(HAIKU, "us-east-1") is False
        assert catalog.profiles_for(HAIKU, "us-east-1") == {"us": f"us.{HAIKU}"}


def test_a_failing_control_plane_degrades_to_the_snapshot_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    scenario = {
        "faults": [
            {"match": {"operation": "ListFoundationModels"}, "error": "AccessDeniedException"}
        ]
    }
    with BedrockEmulator(scenario=scenario) as emulator:
        catalog = catalog_for(emulator, tmp_path)
        with caplog.at_level(
            logging.WARNING, logger="langchain_bedrock_enhanced.catalog.model_catalog"
        ):
            assert catalog.supports_on_demand(SONNET, "eu-west-1") is False
            assert catalog.profiles_for(SONNET, "eu-west-1")["eu"] == f"eu.{SONNET}"
        assert catalog.source("eu-west-1") == "snapshot"
        assert operations(emulator, "ListFoundationModels") == 1
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


def test_the_bundled_snapshot_matches_discovery_of_the_default_world(
    emulator: BedrockEmulator,
) -> None:
    snapshot: CatalogSnapshot = load_bundled_snapshot()
    for region, expected in snapshot.regions.items():
        client = make_client(emulator.endpoint_url, "bedrock", region)
        live = discover_region(client, region, page_size=100)
        assert live.models == expected.models, region
        system = {p.profile_id: p.base_model_ids for p in live.profiles if p.prefix}
        assert system == {p.profile_id: p.base_model_ids for p in expected.profiles}, region


def test_a_selection_from_the_catalog_needs_exactly_one_runtime_request(
    emulator: BedrockEmulator, tmp_path: Path
) -> None:
    selector = AccessMethodSelector(AccessMethodTracker(), catalog_for(emulator, tmp_path))
    model_id, method = selector.select_access_method(SONNET, "eu-west-1")
    assert (model_id, method) == (f"eu.{SONNET}", AccessMethod.REGIONAL_CRIS)
    runtime = make_client(emulator.endpoint_url, "bedrock-runtime", "eu-west-1")
    reply = runtime.converse(
        modelId=model_id, messages=[{"role": "user", "content": [{"text": "hi"}]}]
    )
    assert reply["output"]["message"]["role"] == "assistant"
    assert [r.operation for r in emulator.requests if r.is_runtime] == ["Converse"]


@pytest.mark.parametrize("through", ["endpoint_url", "AWS_ENDPOINT_URL"])
def test_a_model_on_a_local_emulator_keeps_its_catalog_in_memory(
    emulator: BedrockEmulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    through: str,
) -> None:
    # The emulator's port changes every run: a disk cache would leave a directory per run.
    monkeypatch.setenv("LANGCHAIN_BEDROCK_ENHANCED_CACHE_DIR", str(tmp_path))
    endpoint: dict[str, Any] = {"endpoint_url": emulator.endpoint_url}
    if through == "AWS_ENDPOINT_URL":
        monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)
        endpoint = {}
    model = create_langchain_chatbedrock(
        "anthropic.claude-sonnet-4-5-20250929-v1:0", region_name="eu-west-1", **endpoint
    )
    model.invoke("hello")
    assert [r.operation for r in emulator.requests].count("ListFoundationModels") == 1
    assert sorted(tmp_path.rglob("*")) == []
