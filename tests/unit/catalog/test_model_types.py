"""`ModelType`: generated from the bundled snapshot, and unable to drift from it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from langchain_bedrock_enhanced import create_langchain_chatbedrock
from langchain_bedrock_enhanced.catalog import ModelType
from langchain_bedrock_enhanced.catalog.lifecycle import snapshot_lifecycle
from langchain_bedrock_enhanced.models import get_all_supported_model_ids

REPO = Path(__file__).resolve().parents[3]
CATALOG = REPO / "langchain_bedrock_enhanced" / "catalog"


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    """`scripts/build_catalog_snapshot.py`, loaded as a module (it is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "build_catalog_snapshot", REPO / "scripts" / "build_catalog_snapshot.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_module_is_what_the_script_generates_from_the_committed_snapshot(
    generator: ModuleType,
) -> None:
    snapshot = json.loads((CATALOG / "data" / "catalog_snapshot.json").read_text("utf-8"))

    expected = generator.render_model_types(snapshot)

    assert (CATALOG / "model_types.py").read_text("utf-8") == expected, (
        "model_types.py is stale: run scripts/build_catalog_snapshot.py"
    )


@pytest.mark.parametrize(
    ("model_id", "name"),
    [
        ("anthropic.claude-sonnet-4-5-20250929-v1:0", "CLAUDE_SONNET_4_5"),
        ("anthropic.claude-opus-4-6-v1", "CLAUDE_OPUS_4_6"),
        ("amazon.nova-pro-v1:0", "NOVA_PRO"),
        ("meta.llama3-3-70b-instruct-v1:0", "LLAMA_3_3_70B_INSTRUCT"),
        ("mistral.mistral-large-2407-v1:0", "MISTRAL_LARGE_2407"),
        ("mistral.mixtral-8x7b-instruct-v0:1", "MIXTRAL_8X7B_INSTRUCT"),
    ],
)
def test_member_names_follow_the_documented_rule(
    generator: ModuleType, model_id: str, name: str
) -> None:
    assert generator.model_type_name(model_id) == name
    assert ModelType(model_id).name == name


def test_members_are_current_models_of_supported_families() -> None:
    supported = set(get_all_supported_model_ids())
    for member in ModelType:
        assert member.value in supported
        assert snapshot_lifecycle(member.value).state() == "active", member


def test_legacy_and_retired_models_are_left_out() -> None:
    values = {member.value for member in ModelType}

    assert "anthropic.claude-3-haiku-20240307-v1:0" not in values  # Legacy
    assert "anthropic.claude-3-sonnet-20240229-v1:0" not in values  # past end of life


def test_a_member_is_the_model_id_wherever_a_string_is_expected() -> None:
    assert ModelType.NOVA_PRO == "amazon.nova-pro-v1:0"
    assert f"us.{ModelType.NOVA_PRO}" == "us.amazon.nova-pro-v1:0"

    model = create_langchain_chatbedrock(ModelType.NOVA_PRO, region_name="us-east-1")

    assert model.model_id == "amazon.nova-pro-v1:0"
