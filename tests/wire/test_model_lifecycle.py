"""Model lifecycle on the wire: retired models are refused before any request, Legacy ones warn."""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime, timezone

import pytest

from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.catalog import ModelCatalog
from langchain_bedrock_enhanced.emulator import BedrockEmulator
from langchain_bedrock_enhanced.errors import ModelNotFoundError
from tests.wire.conftest import ClientFactory

pytestmark = pytest.mark.emulator

SONNET_3 = "anthropic.claude-3-sonnet-20240229-v1:0"
HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0"
OPUS_41 = "anthropic.claude-opus-4-1-20250805-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"
APP_ARN_PREFIX = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile"


def test_a_retired_model_is_refused_before_any_request(emulator: BedrockEmulator) -> None:
    with pytest.raises(ModelNotFoundError) as caught:
        create_langchain_chatbedrock(
            SONNET_3, endpoint_url=emulator.endpoint_url, region_name="us-east-1"
        )

    assert "end of its life" in str(caught.value)
    assert "2026-07-30" in str(caught.value)
    assert [r for r in emulator.requests if r.is_runtime] == []
    assert emulator.requests == []  # not even a catalog lookup


def test_a_legacy_model_that_still_answers_warns_then_answers(
    emulator: BedrockEmulator,
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = create_langchain_chatbedrock(
            HAIKU_3,
            endpoint_url=emulator.endpoint_url,
            region_name="us-east-1",
            max_tokens=32,
        )

    [warning] = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    assert warning.filename == __file__
    assert HAIKU_3 in str(warning.message)
    assert "Claude Haiku 4.5" in str(warning.message)
    assert model.invoke("Hi").content
    assert [(r.operation, r.status) for r in emulator.requests if r.is_runtime] == [
        ("Converse", 200)
    ]


def test_list_foundation_models_carries_the_end_of_life_time(control: ClientFactory) -> None:
    summaries = control("us-east-1").list_foundation_models()["modelSummaries"]
    lifecycle = {s["modelId"]: s["modelLifecycle"] for s in summaries}

    assert lifecycle[OPUS_41]["status"] == "LEGACY"
    assert lifecycle[OPUS_41]["endOfLifeTime"] == datetime(2027, 1, 8, tzinfo=timezone.utc)
    assert lifecycle["anthropic.claude-sonnet-4-20250514-v1:0"]["legacyTime"] == datetime(
        2026, 4, 14, tzinfo=timezone.utc
    )
    assert lifecycle[NOVA_PRO] == {"status": "ACTIVE"}  # unknown dates are omitted


def test_a_discovered_end_of_life_date_replaces_the_bundled_snapshot() -> None:
    retired_nova = {
        "model_id": NOVA_PRO,
        "lifecycle": "LEGACY",
        "invocation": "end_of_life",
        "end_of_life_time": "2026-01-01T00:00:00+00:00",
    }
    with BedrockEmulator(scenario={"world": {"models": [retired_nova]}}) as emu:
        catalog = ModelCatalog(endpoint_url=emu.endpoint_url, disk_cache=False)
        assert catalog.refresh("us-east-1") == {"us-east-1": "live"}
        emu.clear_requests()

        info = catalog.model_lifecycle(f"us.{NOVA_PRO}", "us-east-1")
        with pytest.raises(ModelNotFoundError, match="2026-01-01"):
            create_langchain_chatbedrock(
                NOVA_PRO, endpoint_url=emu.endpoint_url, region_name="us-east-1", catalog=catalog
            )

        assert (info.source, info.end_of_life_date) == ("live", date(2026, 1, 1))
        assert emu.requests == []


def test_an_application_profile_is_judged_by_the_base_model_it_resolves_to() -> None:
    old_team_profile = {
        "id": "old000team01",
        "name": "old-team",
        "region": "us-east-1",
        "copy_from": f"us.{SONNET_3}",
    }
    with BedrockEmulator(scenario={"world": {"application_profiles": [old_team_profile]}}) as emu:
        arn = f"{APP_ARN_PREFIX}/{old_team_profile['id']}"
        with pytest.raises(ModelNotFoundError, match=re.escape(f"(base model {SONNET_3})")):
            create_langchain_chatbedrock(
                arn, endpoint_url=emu.endpoint_url, region_name="us-east-1"
            )

        assert [r.operation for r in emu.requests] == ["GetInferenceProfile"]
