"""Scenarios: loading from dicts, JSON and TOML, and refusing the mistakes users make."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from langchain_bedrock_enhanced.emulator import _errors
from langchain_bedrock_enhanced.emulator._scenario import (
    FaultRule,
    NormalLatency,
    QuotaSpec,
    Scenario,
    UniformLatency,
)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "emulator-scenarios.md"
HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0"
SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"


def doc_examples(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.DOTALL)


def test_empty_scenario_is_the_bundled_world_without_faults() -> None:
    scenario = Scenario.from_dict({})
    assert scenario.faults == ()
    assert scenario.quota is None
    assert scenario.latency_ms is None
    assert scenario.build_world().models.keys() == Scenario().build_world().models.keys()


def test_documented_json_and_toml_examples_load_to_the_same_scenario(tmp_path: Path) -> None:
    (json_text,) = doc_examples("json")
    (toml_text,) = doc_examples("toml")
    (tmp_path / "s.json").write_text(json_text)
    (tmp_path / "s.toml").write_text(toml_text)
    from_json = Scenario.load(tmp_path / "s.json")
    from_toml = Scenario.load(str(tmp_path / "s.toml"))
    assert from_json == from_toml
    assert len(from_json.faults) == 3
    world = from_json.build_world()
    assert world.resolve("amazon.nova-pro-v1:0", "eu-west-1").access == "direct"
    assert "mistral.ministral-3-8b-instruct" in world.models
    assert "anthropic.claude-opus-4-20250514-v1:0" not in world.models
    assert world.application_profiles["team0haiku01"].region == "us-west-2"


def test_unsupported_file_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_text("faults: []")
    with pytest.raises(ValueError, match=r"\.json or \.toml"):
        Scenario.load(path)


def test_a_file_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps([1, 2]))
    with pytest.raises(ValueError, match="JSON object"):
        Scenario.load(path)


def test_scenario_is_frozen_and_forbids_unknown_keys() -> None:
    scenario = Scenario.from_dict({"latency_ms": 5})
    with pytest.raises(ValidationError):
        scenario.latency_ms = 10  # type: ignore[misc]
    with pytest.raises(ValidationError, match="faultz"):
        Scenario.from_dict({"faultz": []})


# --- latency --------------------------------------------------------------------------


def test_fixed_latency_keeps_its_number() -> None:
    assert Scenario.from_dict({"latency_ms": 50}).latency_ms == 50
    assert Scenario.from_dict({"latency_ms": 2.5}).latency_ms == 2.5


def test_latency_distributions_are_chosen_by_their_name() -> None:
    uniform = Scenario.from_dict({"latency_ms": {"distribution": "uniform", "min": 1, "max": 3}})
    normal = Scenario.from_dict(
        {"latency_ms": {"distribution": "normal", "mean": 10, "stddev": 2, "seed": 9}}
    )
    assert isinstance(uniform.latency_ms, UniformLatency)
    assert isinstance(normal.latency_ms, NormalLatency)
    assert normal.latency_ms.seed == 9


@pytest.mark.parametrize(
    "latency",
    [
        -1,
        {"distribution": "uniform", "min": 5, "max": 1},
        {"distribution": "normal", "mean": 10, "stddev": -1},
        {"distribution": "pareto", "alpha": 1},
        {"distribution": "uniform", "min": 1, "max": 2, "mean": 3},
    ],
)
def test_impossible_latencies_are_refused(latency: Any) -> None:
    with pytest.raises(ValidationError):
        Scenario.from_dict({"latency_ms": latency})


# --- quota ----------------------------------------------------------------------------


def test_quota_rates_must_be_positive_and_burst_needs_a_request_rate() -> None:
    assert Scenario.from_dict({"quota": {"requests_per_minute": 60, "burst": 3}}).quota == (
        QuotaSpec(requests_per_minute=60, burst=3)
    )
    with pytest.raises(ValidationError):
        Scenario.from_dict({"quota": {"requests_per_second": 0}})
    with pytest.raises(ValidationError, match="burst"):
        Scenario.from_dict({"quota": {"tokens_per_minute": 1000, "burst": 3}})


# --- faults ---------------------------------------------------------------------------


def test_match_keys_take_one_value_or_a_list() -> None:
    rule = FaultRule.model_validate(
        {
            "match": {"model_id": HAIKU_3, "operation": ["Converse", "ConverseStream"]},
            "error": "ThrottlingException",
        }
    )
    assert rule.match.model_id == (HAIKU_3,)
    assert rule.match.operation == ("Converse", "ConverseStream")
    assert rule.match.region is None


@pytest.mark.parametrize(
    ("fault", "complaint"),
    [
        ({}, "exactly one"),
        ({"error": "ThrottlingException", "drop_connection": True}, "exactly one"),
        ({"error": "ThrottlingException", "mid_stream": "ThrottlingException"}, "exactly one"),
        ({"error": "ThrottlingException", "times": 1, "probability": 0.5}, "cannot both"),
        ({"error": "TooManyCooksException"}, "not a bedrock-runtime modeled exception"),
        ({"error": "UnrecognizedClientException"}, "not a bedrock-runtime modeled exception"),
        ({"mid_stream": "AccessDeniedException"}, "not an event-stream exception"),
        (
            {"mid_stream": "ThrottlingException", "match": {"operation": "Converse"}},
            "only match ConverseStream",
        ),
        ({"error": "ThrottlingException", "after_events": 2}, "only applies to mid_stream"),
        ({"error": "ThrottlingException", "match": {"operation": "Chat"}}, "unknown operation"),
        ({"drop_connection": True, "message": "bye"}, "no effect"),
        ({"drop_connection": False}, "drop_connection"),
        ({"error": "ThrottlingException", "times": 0}, "times"),
        ({"error": "ThrottlingException", "probability": 1.5}, "probability"),
        ({"error": "ThrottlingException", "original_status_code": 500}, "only applies to"),
        ({"error": "ThrottlingException", "match": {"modelId": HAIKU_3}}, "modelId"),
    ],
)
def test_invalid_faults_are_refused_with_a_clear_reason(
    fault: dict[str, Any], complaint: str
) -> None:
    with pytest.raises(ValidationError, match=complaint):
        Scenario.from_dict({"faults": [fault]})


def test_fault_outcome_code_and_default_message() -> None:
    error = FaultRule(error="ServiceUnavailableException")
    assert (error.outcome, error.code, error.resolved_message) == (
        "error",
        "ServiceUnavailableException",
        _errors.UNAVAILABLE,
    )
    stream = FaultRule(mid_stream="ThrottlingException", message="slow down", after_events=4)
    assert (stream.outcome, stream.resolved_message, stream.after_events) == (
        "mid_stream",
        "slow down",
        4,
    )
    drop = FaultRule(drop_connection=True)
    assert (drop.outcome, drop.code) == ("drop_connection", None)


def test_mid_stream_faults_default_to_one_event_before_the_error() -> None:
    assert FaultRule(mid_stream="ModelStreamErrorException").after_events == 1


def test_model_error_members_go_into_the_error_body() -> None:
    rule = FaultRule(
        mid_stream="ModelStreamErrorException", original_status_code=500, original_message="boom"
    )
    assert rule.extra() == {"originalStatusCode": 500, "originalMessage": "boom"}
    assert FaultRule(error="ThrottlingException").extra() == {}


# --- world overrides --------------------------------------------------------------------


def test_world_overrides_are_checked_when_the_scenario_loads() -> None:
    with pytest.raises(ValidationError, match="missing fields"):
        Scenario.from_dict({"world": {"models": [{"model_id": "acme.brand-new-v1:0"}]}})
    with pytest.raises(ValidationError, match="does not have"):
        Scenario.from_dict({"world": {"remove_models": ["acme.none-v1:0"]}})


def test_build_world_applies_the_overrides() -> None:
    scenario = Scenario.from_dict(
        {"world": {"models": [{"model_id": SONNET_45, "invocation": "end_of_life"}]}}
    )
    world = scenario.build_world()
    assert world.models[SONNET_45].invocation == "end_of_life"
    assert Scenario().build_world().models[SONNET_45].invocation == "ok"


def test_reasoning_and_prompt_cache_switches_are_validated() -> None:
    scenario = Scenario.from_dict(
        {"reasoning": {"redacted": True}, "prompt_cache": {"ttl_seconds": 1.5, "clear": True}}
    )
    assert scenario.reasoning is not None
    assert scenario.reasoning.redacted
    assert scenario.prompt_cache is not None
    assert (scenario.prompt_cache.ttl_seconds, scenario.prompt_cache.clear) == (1.5, True)
    for bad in ({"prompt_cache": {"ttl_seconds": -1}}, {"reasoning": {"redact": True}}):
        with pytest.raises(ValidationError):
            Scenario.from_dict(bad)
