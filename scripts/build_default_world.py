# ruff: noqa: INP001 - a stand-alone maintenance script, not part of a package
"""Build the emulator's bundled world from the shared Bedrock reference data.

Usage:
    python scripts/build_default_world.py          # rewrite default_world.json
    python scripts/build_default_world.py --check  # exit 1 if the committed file is stale

The reference (`../shared/reference/bedrock_models.json`, relative to the repository)
records what was *observed*, with confidences and free-text notes. The emulator needs
one definite answer per fact, so every judgement call lives in the commented tables
below rather than in the emulator's code. Change a table, rerun, commit the JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REFERENCE = REPO.parent / "shared" / "reference" / "bedrock_models.json"
OUTPUT = REPO / "langchain_bedrock_enhanced" / "emulator" / "default_world.json"

AS_OF = "2026-11-21"
"""The date the world describes: lifecycle decisions below are taken as of this day."""

ACCOUNT_ID = "123456789012"

REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-northeast-1",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-south-1",
    "us-gov-west-1",
)

# Where each prefix's profiles send requests (what a profile's `models[].modelArn` lists).
# These may name regions outside the world (ap-southeast-4, us-gov-east-1): they are
# only ever printed in ARNs, never called.
PREFIX_DESTINATIONS: dict[str, tuple[str, ...]] = {
    "us": ("us-east-1", "us-east-2", "us-west-2"),
    "eu": ("eu-central-1", "eu-west-1", "eu-west-3", "eu-north-1"),
    "apac": ("ap-northeast-1", "ap-southeast-1", "ap-southeast-2", "ap-south-1"),
    "jp": ("ap-northeast-1", "ap-northeast-3"),
    "au": ("ap-southeast-2", "ap-southeast-4"),
    "us-gov": ("us-gov-west-1", "us-gov-east-1"),
    # AWS says "all commercial Regions"; a handful keeps the profile readable.
    "global": (
        "us-east-1",
        "us-east-2",
        "us-west-2",
        "eu-west-1",
        "eu-central-1",
        "ap-northeast-1",
        "ap-southeast-2",
    ),
}

# The words ListInferenceProfiles puts in front of a profile's model name.
PREFIX_LABELS = {
    "us": "US",
    "eu": "EU",
    "apac": "APAC",
    "jp": "JP",
    "au": "AU",
    "us-gov": "US-GOV",
    "global": "Global",
}

PROFILE_CREATED_AT = "2025-01-01T00:00:00+00:00"
PROFILE_UPDATED_AT = "2025-06-01T00:00:00+00:00"

PROVIDERS = {
    "anthropic": ("Anthropic", "claude"),
    "amazon": ("Amazon", "nova"),
    "meta": ("Meta", "llama"),
    "mistral": ("Mistral AI", "mistral"),
}

# --- Hand-curated tables -------------------------------------------------------------

# Regions where the bare model ID is invoked ON_DEMAND. A model missing here is
# INFERENCE_PROFILE-only everywhere (everything Anthropic from 3.7 Sonnet on, Nova
# Premier, Nova 2 Lite, Llama 3.1 405B, 3.2 and 4, Pixtral).
_MISTRAL_REGIONS = (
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-3",
    "ap-south-1",
    "ap-southeast-2",
    "ca-central-1",
)
ON_DEMAND_REGIONS: dict[str, tuple[str, ...]] = {
    # Our workhorse on-demand model. GovCloud has it too, which gives the world a
    # callable model there.
    "anthropic.claude-3-haiku-20240307-v1:0": (
        "us-east-1",
        "us-west-2",
        "eu-west-1",
        "us-gov-west-1",
    ),
    # The historical launch regions of the retired Claude 3.x models: the bare ID is
    # accepted there (then answered with the end-of-life text), elsewhere it needs a profile.
    "anthropic.claude-3-sonnet-20240229-v1:0": ("us-east-1", "us-west-2"),
    "anthropic.claude-3-opus-20240229-v1:0": ("us-west-2",),
    "anthropic.claude-3-5-sonnet-20240620-v1:0": (
        "us-east-1",
        "us-west-2",
        "eu-central-1",
        "ap-northeast-1",
    ),
    "anthropic.claude-3-5-sonnet-20241022-v2:0": ("us-west-2",),
    "anthropic.claude-3-5-haiku-20241022-v1:0": ("us-west-2",),
    # Nova v1 is on demand in us-east-1 only; eu-west-1 callers saw the profile error.
    "amazon.nova-micro-v1:0": ("us-east-1",),
    "amazon.nova-lite-v1:0": ("us-east-1",),
    "amazon.nova-pro-v1:0": ("us-east-1",),
    "meta.llama3-8b-instruct-v1:0": ("us-east-1", "us-west-2"),
    "meta.llama3-70b-instruct-v1:0": ("us-east-1", "us-west-2"),
    "meta.llama3-1-8b-instruct-v1:0": ("us-west-2",),
    "meta.llama3-1-70b-instruct-v1:0": ("us-west-2",),
    # An IAM error in the reference shows the us-east-2 foundation-model ARN.
    "meta.llama3-3-70b-instruct-v1:0": ("us-east-2",),
    "mistral.mistral-7b-instruct-v0:2": _MISTRAL_REGIONS,
    "mistral.mixtral-8x7b-instruct-v0:1": _MISTRAL_REGIONS,
    "mistral.mistral-large-2402-v1:0": _MISTRAL_REGIONS,
    "mistral.mistral-large-2407-v1:0": ("us-west-2",),
    "mistral.mistral-small-2402-v1:0": ("us-east-1",),
}

# Profile prefixes beyond the reference. The reference has no GovCloud profile at all;
# one keeps the `us-gov.` form testable.
EXTRA_PROFILE_PREFIXES: dict[str, tuple[str, ...]] = {
    "anthropic.claude-3-haiku-20240307-v1:0": ("us-gov",),
}

# (lifecycle, invocation) as of AS_OF. Models not listed are ("ACTIVE", "ok").
# end_of_life: the reference's EOL date is before AS_OF.
# legacy_inactive: Legacy, and an account that has not used them recently is refused.
LIFECYCLE: dict[str, tuple[str, str]] = {
    # EOL 2026-09-10 per the AWS card, but kept callable: it is the world's on-demand
    # workhorse, and "LEGACY but still answering" is a state worth emulating too.
    "anthropic.claude-3-haiku-20240307-v1:0": ("LEGACY", "ok"),
    "anthropic.claude-3-sonnet-20240229-v1:0": ("LEGACY", "end_of_life"),  # 2026-07-30
    # "EOL (likely)", date unknown but "before late 2026".
    "anthropic.claude-3-opus-20240229-v1:0": ("LEGACY", "end_of_life"),
    "anthropic.claude-3-5-sonnet-20240620-v1:0": ("LEGACY", "end_of_life"),  # 2026-07-30
    "anthropic.claude-3-5-sonnet-20241022-v2:0": ("LEGACY", "end_of_life"),  # 2026-07-30
    "anthropic.claude-3-5-haiku-20241022-v1:0": ("LEGACY", "end_of_life"),  # 2026-06-19
    "anthropic.claude-3-7-sonnet-20250219-v1:0": ("LEGACY", "end_of_life"),  # ~2026-05
    "anthropic.claude-sonnet-4-20250514-v1:0": ("LEGACY", "end_of_life"),  # 2026-10-14
    "anthropic.claude-opus-4-20250514-v1:0": ("LEGACY", "legacy_inactive"),
    "anthropic.claude-opus-4-1-20250805-v1:0": ("LEGACY", "legacy_inactive"),  # EOL 2027-01-08
    "amazon.nova-premier-v1:0": ("LEGACY", "end_of_life"),  # 2026-09-14
    "meta.llama3-1-405b-instruct-v1:0": ("LEGACY", "end_of_life"),  # 2026-07-07
    # EOL 2026-07-07 too, but kept callable so the Llama family has a working
    # profile-only model.
    "meta.llama3-2-1b-instruct-v1:0": ("LEGACY", "ok"),
    "meta.llama3-2-3b-instruct-v1:0": ("LEGACY", "ok"),
    "meta.llama3-2-11b-instruct-v1:0": ("LEGACY", "ok"),
    "meta.llama3-2-90b-instruct-v1:0": ("LEGACY", "ok"),
}

# `modelLifecycle.endOfLifeTime` comes from the reference's `lifecycle.eol` when that
# starts with a date (its sources: the AWS model cards and awslabs/startups'
# ai-model-lifecycle.md, a copy of AWS's "Model lifecycle" table). "unknown", "by ~May
# 2026" and the like give no date, and AWS omits what it does not know.
#
# Except where the world deliberately keeps a past-EOL model callable (LIFECYCLE "ok"
# above): a world that still answers a model cannot also say its end of life has
# passed, or every client would rightly refuse it. Those dates are withheld.
EOL_WITHHELD = frozenset(
    {
        "anthropic.claude-3-haiku-20240307-v1:0",  # EOL 2026-09-10 (AWS model card)
        "meta.llama3-2-1b-instruct-v1:0",  # EOL 2026-07-07 (awslabs lifecycle table)
        "meta.llama3-2-3b-instruct-v1:0",
        "meta.llama3-2-11b-instruct-v1:0",
        "meta.llama3-2-90b-instruct-v1:0",
    }
)

# `modelLifecycle.legacyTime`, where a source dates the move to Legacy. The reference
# records one, in prose: "LEGACY since 2026-04-14" (browser-use/browser-use#5448).
LEGACY_TIME: dict[str, str] = {
    "anthropic.claude-sonnet-4-20250514-v1:0": "2026-04-14",
}

# Where the reference gives a range, two sources or nothing, the AWS figure.
MAX_OUTPUT_TOKENS: dict[str, int] = {
    "anthropic.claude-sonnet-4-6": 64_000,  # models.dev for 4 of 5 profiles
    "meta.llama3-1-8b-instruct-v1:0": 2048,  # Bedrock's max_gen_len
    "meta.llama3-1-70b-instruct-v1:0": 2048,
    "meta.llama3-1-405b-instruct-v1:0": 2048,
    "meta.llama3-2-1b-instruct-v1:0": 2048,
    "meta.llama3-2-3b-instruct-v1:0": 2048,
    "meta.llama3-2-11b-instruct-v1:0": 2048,
    "meta.llama3-2-90b-instruct-v1:0": 2048,
    "meta.llama3-3-70b-instruct-v1:0": 2048,
    "meta.llama4-scout-17b-instruct-v1:0": 8192,
    "meta.llama4-maverick-17b-instruct-v1:0": 8192,
    "amazon.nova-micro-v1:0": 10_000,  # AWS Nova v1 docs (models.dev: 8192)
    "amazon.nova-lite-v1:0": 10_000,
    "amazon.nova-pro-v1:0": 10_000,
    "amazon.nova-premier-v1:0": 32_000,
    "amazon.nova-2-lite-v1:0": 65_536,  # AWS card "64K"
}

CONTEXT_WINDOW: dict[str, int] = {
    "meta.llama3-1-405b-instruct-v1:0": 128_000,
    "mistral.mistral-small-2402-v1:0": 32_000,
}

# Converse capabilities the reference leaves open ("unclear", per-size text, or empty).
CONVERSE_OVERRIDES: dict[str, dict[str, Any]] = {
    "meta.llama3-1-405b-instruct-v1:0": {
        "system_prompts": True,
        "tool_use": True,
        "streaming_tool_use": False,
        "tool_choice": ["auto"],
    },
    "meta.llama3-2-1b-instruct-v1:0": {"tool_use": False, "tool_choice": []},
    "meta.llama3-2-3b-instruct-v1:0": {"tool_use": False, "tool_choice": []},
    "meta.llama3-2-11b-instruct-v1:0": {"tool_use": True, "tool_choice": ["auto"]},
    "meta.llama3-2-90b-instruct-v1:0": {"tool_use": True, "tool_choice": ["auto"]},
    # AWS's Converse feature table lists tool use for Mistral Small; langchain-aws
    # offers no toolChoice for it, so only the implicit "auto".
    "mistral.mistral-small-2402-v1:0": {"tool_use": True, "tool_choice": ["auto"]},
    # langchain-aws gives toolChoice only to ids containing "mistral-large".
    "mistral.pixtral-large-2502-v1:0": {"tool_choice": ["auto"]},
}

# Input modalities other than text-only. Claude 3+ reads images except 3.5 Haiku;
# Nova Micro is text-only.
_CLAUDE_VISION = ("TEXT", "IMAGE")
_NOVA_MULTIMODAL = ("TEXT", "IMAGE", "VIDEO")
INPUT_MODALITIES: dict[str, tuple[str, ...]] = {
    "amazon.nova-lite-v1:0": _NOVA_MULTIMODAL,
    "amazon.nova-pro-v1:0": _NOVA_MULTIMODAL,
    "amazon.nova-premier-v1:0": _NOVA_MULTIMODAL,
    "amazon.nova-2-lite-v1:0": _NOVA_MULTIMODAL,
    "meta.llama3-2-11b-instruct-v1:0": ("TEXT", "IMAGE"),
    "meta.llama3-2-90b-instruct-v1:0": ("TEXT", "IMAGE"),
    "meta.llama4-scout-17b-instruct-v1:0": ("TEXT", "IMAGE"),
    "meta.llama4-maverick-17b-instruct-v1:0": ("TEXT", "IMAGE"),
    "mistral.pixtral-large-2502-v1:0": ("TEXT", "IMAGE"),
}
TEXT_ONLY_CLAUDE = frozenset({"anthropic.claude-3-5-haiku-20241022-v1:0"})

# `modelName` as ListFoundationModels prints it, where the reference's label differs.
NAMES = {"anthropic.claude-3-5-sonnet-20240620-v1:0": "Claude 3.5 Sonnet"}

# Meta's Llama models refuse text or media beside tool blocks in one turn ("Conversation
# blocks and tool use/result blocks cannot be provided in the same turn."): seen for Llama
# 3.2 11B (quarkiverse/quarkus-langchain4j#1983), 3.3 70B (the reference's quirk) and 4
# Maverick (strands-agents/harness-sdk#1223), so held for every Llama.
SEPARATE_TOOL_TURNS_FAMILIES = frozenset({"llama"})

# `performanceConfig.latency: optimized`, by the table in AWS's latency-optimized-inference
# page ("Regions supporting inference profile"): Nova Pro, Claude 3.5 Haiku, Llama 3.1.
LATENCY_OPTIMIZED_SOURCE = (
    "https://docs.aws.amazon.com/bedrock/latest/userguide/latency-optimized-inference.html"
)
LATENCY_OPTIMIZED: dict[str, tuple[str, ...]] = {
    "amazon.nova-pro-v1:0": ("us-east-1", "us-east-2"),
    "anthropic.claude-3-5-haiku-20241022-v1:0": ("us-east-2", "us-west-2"),
    "meta.llama3-1-405b-instruct-v1:0": ("us-east-2",),
    "meta.llama3-1-70b-instruct-v1:0": ("us-east-2", "us-west-2"),
}

# `serviceTier` beyond `default` (which every model has). AWS's launch note names Nova Pro
# and Nova Premier among the first models with Priority and Flex; AWS's IDP solution
# documents Priority and Flex for Nova 2 Lite.
_PRIORITY_AND_FLEX = ("default", "priority", "flex")
SERVICE_TIERS: dict[str, tuple[tuple[str, ...], str]] = {
    "amazon.nova-pro-v1:0": (
        _PRIORITY_AND_FLEX,
        "https://aws.amazon.com/about-aws/whats-new/2025/11/amazon-bedrock-priority-flex-inference-service-tiers/",
    ),
    "amazon.nova-premier-v1:0": (
        _PRIORITY_AND_FLEX,
        "https://aws.amazon.com/about-aws/whats-new/2025/11/amazon-bedrock-priority-flex-inference-service-tiers/",
    ),
    "amazon.nova-2-lite-v1:0": (
        _PRIORITY_AND_FLEX,
        "https://aws-solutions-library-samples.github.io/accelerated-intelligent-document-processing-on-aws/service-tiers",
    ),
}

# Current models the reference lacks (its one "2025-12+" Mistral row is unverified and
# skipped). Each fact names its source in `provenance.facts` of the generated world.
_MODELS_DEV = (
    "models.dev via langchain-aws 1.9.1 langchain_aws/data/_profiles.py "
    "(max_input_tokens, max_output_tokens, image_inputs, tool_calling)"
)
_MISTRAL_US_EAST_1 = (
    "bare IDs callable in us-east-1, as listed and called live on 2026-06-20 (find_string "
    "corpus: note '2026-06-20 · Mistral on Bedrock'); us-east-1 in-region price in the AWS "
    "price list (find_string corpus: BedrockModelCatalog.scala, verified 2026-09-22)"
)
_MISTRAL_3_FACTS = {
    "on_demand_regions": _MISTRAL_US_EAST_1,
    "context_window": _MODELS_DEV,
    "max_output_tokens": _MODELS_DEV,
    "input_modalities": _MODELS_DEV,
    "tool_use": _MODELS_DEV,
    "streaming_tool_use": (
        "langchain-aws bedrock_converse.py _get_streaming_support: every Mistral model is "
        "'no_tools'"
    ),
    "tool_use_id_pattern": (
        "vercel/ai#11802: mistral.ministral-3-14b-instruct refuses Bedrock's own tooluse_ IDs "
        "('must be a-z, A-Z, 0-9, with a length of 9'); held for the Mistral 3 release "
        "(2025-12-02) as one generation"
    ),
    "system_prompts": "the chat form takes a system role (Mistral's chat template); assumed",
}
EXTRA_MODELS: tuple[dict[str, Any], ...] = (
    {
        "model_id": "mistral.mistral-large-3-675b-instruct",
        "name": "Mistral Large 3",
        "context_window": 262_144,
        "max_output_tokens": 8192,
        # langchain-aws offers toolChoice auto/any to ids containing "mistral-large".
        "tool_choice": ["auto", "any"],
        "facts": {
            **_MISTRAL_3_FACTS,
            "tool_choice": "langchain-aws bedrock_converse.py: 'mistral-large' -> (auto, any)",
        },
    },
    {
        "model_id": "mistral.ministral-3-14b-instruct",
        "name": "Ministral 14B 3.0",
        "context_window": 128_000,
        "max_output_tokens": 4096,
        "tool_choice": ["auto"],
        "facts": _MISTRAL_3_FACTS,
    },
    {
        "model_id": "mistral.ministral-3-8b-instruct",
        "name": "Ministral 3 8B",
        "context_window": 128_000,
        "max_output_tokens": 4096,
        "tool_choice": ["auto"],
        "facts": _MISTRAL_3_FACTS,
    },
    {
        "model_id": "mistral.ministral-3-3b-instruct",
        "name": "Ministral 3 3B",
        "context_window": 256_000,
        "max_output_tokens": 8192,
        "tool_choice": ["auto"],
        "facts": _MISTRAL_3_FACTS,
    },
)

# The example application profile of the world.
APPLICATION_PROFILE = {
    "id": "abc123def456",
    "name": "team-sonnet",
    "region": "us-east-1",
    "description": "Team Sonnet traffic, tracked for cost allocation.",
    "copy_from": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "created_at": "2025-10-01T12:00:00+00:00",
    "updated_at": "2025-10-01T12:00:00+00:00",
}

# --- Building -------------------------------------------------------------------------


def _leading_int(value: object) -> int | None:
    if isinstance(value, int):
        return value
    found = re.match(r"\s*(\d+)", str(value)) if value is not None else None
    return int(found.group(1)) if found else None


def _timestamp(day: str) -> str:
    """Midnight UTC of an ISO date, as the world's other timestamps are written."""
    return f"{day}T00:00:00+00:00"


def _lifecycle_times(row: dict[str, Any]) -> dict[str, str]:
    """`legacy_time` / `end_of_life_time` of a model, each only when known."""
    model_id = row["model_id"]
    times: dict[str, str] = {}
    if model_id in LEGACY_TIME:
        times["legacy_time"] = _timestamp(LEGACY_TIME[model_id])
    eol = re.match(r"\s*(\d{4}-\d{2}-\d{2})", str(row.get("lifecycle", {}).get("eol", "")))
    if eol and model_id not in EOL_WITHHELD:
        times["end_of_life_time"] = _timestamp(eol.group(1))
    return times


def _expand(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Split a row like `meta.llama3-2-{1b,3b,11b,90b}-instruct-v1:0` into one row each."""
    found = re.search(r"\{([^}]+)\}", row["model_id"])
    if found is None:
        return [row]
    rows = []
    for size in found.group(1).split(","):
        model_id = row["model_id"].replace(found.group(0), size)
        name = re.sub(r"\d+B(/\d+B)+", size.upper(), row["name"])
        rows.append({**row, "model_id": model_id, "name": name})
    return rows


def _prefix_sources(reference: dict[str, Any]) -> dict[str, list[str]]:
    sources: dict[str, list[str]] = {}
    for prefix in PREFIX_DESTINATIONS:
        if prefix == "global":
            sources[prefix] = [r for r in REGIONS if not r.startswith("us-gov-")]
        else:
            listed = set(reference["cris_prefixes"][prefix]["source_regions"])
            sources[prefix] = [r for r in REGIONS if r in listed]
    return sources


def _model(row: dict[str, Any], sources: dict[str, list[str]]) -> dict[str, Any]:
    model_id = row["model_id"]
    provider, family = PROVIDERS[row["family"]]
    # "ca(?)" and any other low-confidence key carries punctuation: dropped.
    prefixes = [p for p in row.get("profiles", {}) if p in PREFIX_DESTINATIONS]
    prefixes += [p for p in EXTRA_PROFILE_PREFIXES.get(model_id, ()) if p not in prefixes]
    prefixes.sort(key=list(PREFIX_DESTINATIONS).index)
    on_demand = ON_DEMAND_REGIONS.get(model_id, ())
    listed = set(on_demand).union(*(sources[p] for p in prefixes))
    converse = {**row.get("converse", {}), **CONVERSE_OVERRIDES.get(model_id, {})}
    lifecycle, invocation = LIFECYCLE.get(model_id, ("ACTIVE", "ok"))
    inputs: tuple[str, ...]
    if family == "claude" and model_id not in TEXT_ONLY_CLAUDE:
        inputs = _CLAUDE_VISION
    else:
        inputs = INPUT_MODALITIES.get(model_id, ("TEXT",))
    max_output = MAX_OUTPUT_TOKENS.get(model_id) or _leading_int(row.get("max_output_tokens"))
    context = CONTEXT_WINDOW.get(model_id) or _leading_int(row.get("context_window"))
    if max_output is None or context is None:
        msg = f"{model_id}: no max_output_tokens/context_window; add it to the tables"
        raise SystemExit(msg)
    spec = {
        "model_id": model_id,
        "name": NAMES.get(model_id, row["name"]),
        "provider": provider,
        "family": family,
        "regions": [r for r in REGIONS if r in listed],
        "on_demand_regions": list(on_demand),
        "profile_prefixes": prefixes,
        "lifecycle": lifecycle,
        "invocation": invocation,
        **_lifecycle_times(row),
        "max_output_tokens": max_output,
        "context_window": context,
        "input_modalities": list(inputs),
        "output_modalities": ["TEXT"],
        "streaming": True,
        "system_prompts": converse["system_prompts"],
        "tool_use": converse["tool_use"],
        "streaming_tool_use": converse["streaming_tool_use"],
        "tool_choice": list(converse["tool_choice"]),
        **_rules(model_id, family, [r for r in REGIONS if r in listed]),
    }
    _check(spec)
    return spec


def _rules(model_id: str, family: str, regions: list[str]) -> dict[str, Any]:
    """The request rules of issue 13 a model follows (see the tables above)."""
    tiers, _ = SERVICE_TIERS.get(model_id, (("default",), ""))
    return {
        "mixed_tool_turns": family not in SEPARATE_TOOL_TURNS_FAMILIES,
        "tool_use_id_pattern": None,
        "latency_optimized_regions": [
            r for r in regions if r in LATENCY_OPTIMIZED.get(model_id, ())
        ],
        "service_tiers": list(tiers),
    }


def _extra_model(entry: dict[str, Any]) -> dict[str, Any]:
    """A model of `EXTRA_MODELS`: a current Mistral 3 model, on demand in us-east-1."""
    spec = {
        "model_id": entry["model_id"],
        "name": entry["name"],
        "provider": "Mistral AI",
        "family": "mistral",
        "regions": ["us-east-1"],
        "on_demand_regions": ["us-east-1"],
        "profile_prefixes": [],
        "lifecycle": "ACTIVE",
        "invocation": "ok",
        "max_output_tokens": entry["max_output_tokens"],
        "context_window": entry["context_window"],
        "input_modalities": ["TEXT", "IMAGE"],
        "output_modalities": ["TEXT"],
        "streaming": True,
        "system_prompts": True,
        "tool_use": True,
        "streaming_tool_use": False,
        "tool_choice": list(entry["tool_choice"]),
        **_rules(entry["model_id"], "mistral", ["us-east-1"]),
        "tool_use_id_pattern": "[a-zA-Z0-9]{9}",
    }
    _check(spec)
    return spec


def _facts() -> dict[str, dict[str, str]]:
    """Where each fact the reference does not hold comes from, by model and field."""
    facts: dict[str, dict[str, str]] = {
        entry["model_id"]: dict(entry["facts"]) for entry in EXTRA_MODELS
    }
    for model_id in LATENCY_OPTIMIZED:
        facts.setdefault(model_id, {})["latency_optimized_regions"] = LATENCY_OPTIMIZED_SOURCE
    for model_id, (_, source) in SERVICE_TIERS.items():
        facts.setdefault(model_id, {})["service_tiers"] = source
    return dict(sorted(facts.items()))


def _check(spec: dict[str, Any]) -> None:
    """Fail loudly when a table edit breaks a rule the emulator's tests rely on."""
    problems = [
        f"{key} is {spec[key]!r}, not a bool"
        for key in ("system_prompts", "tool_use", "streaming_tool_use")
        if not isinstance(spec[key], bool)
    ]
    if spec["family"] in {"llama", "mistral"} and spec["streaming_tool_use"]:
        problems.append("Llama and Mistral never stream tool use")
    if spec["family"] == "llama" and set(spec["tool_choice"]) - {"auto"}:
        problems.append("Llama accepts only toolChoice auto")
    if not spec["tool_use"] and spec["tool_choice"]:
        problems.append("toolChoice without tool use")
    if not set(spec["on_demand_regions"]) <= set(REGIONS):
        problems.append("on-demand region outside the world")
    eol = spec.get("end_of_life_time", "")[:10]
    if eol and (eol <= AS_OF) != (spec["invocation"] == "end_of_life"):
        problems.append(f"end of life {eol} disagrees with invocation {spec['invocation']!r}")
    if (eol or "legacy_time" in spec) and spec["lifecycle"] != "LEGACY":
        problems.append("lifecycle dates on a model that is not LEGACY")
    if not set(spec["latency_optimized_regions"]) <= set(spec["regions"]):
        problems.append("latency-optimized where the model is not listed")
    if "default" not in spec["service_tiers"]:
        problems.append("every model serves the default tier")
    if problems:
        raise SystemExit(f"{spec['model_id']}: " + "; ".join(problems))


def _application_profile(models: list[dict[str, Any]]) -> dict[str, Any]:
    prefix, _, model_id = APPLICATION_PROFILE["copy_from"].partition(".")
    if not any(m["model_id"] == model_id and prefix in m["profile_prefixes"] for m in models):
        msg = f"application profile copies an unknown profile {APPLICATION_PROFILE['copy_from']}"
        raise SystemExit(msg)
    arns = [
        f"arn:aws:bedrock:{region}::foundation-model/{model_id}"
        for region in PREFIX_DESTINATIONS[prefix]
    ]
    return {**APPLICATION_PROFILE, "models": arns}


def build(reference: dict[str, Any]) -> dict[str, Any]:
    """The world document for `reference` (the parsed `bedrock_models.json`)."""
    sources = _prefix_sources(reference)
    rows = [
        expanded
        for row in reference["models"]
        if " | " not in row["model_id"]  # the unverified "2025-12+" Mistral row
        for expanded in _expand(row)
    ]
    models = [_model(row, sources) for row in rows]
    known = {m["model_id"] for m in models}
    models += [_extra_model(entry) for entry in EXTRA_MODELS if entry["model_id"] not in known]
    named = set(ON_DEMAND_REGIONS) | set(LIFECYCLE) | EOL_WITHHELD | set(LEGACY_TIME)
    named |= set(LATENCY_OPTIMIZED) | set(SERVICE_TIERS)
    missing = named - {m["model_id"] for m in models}
    if missing:
        msg = f"tables name models the reference lacks: {sorted(missing)}"
        raise SystemExit(msg)
    return {
        "provenance": {
            "source": "shared/reference/bedrock_models.json",
            "source_generated_at": reference["generated_at"],
            "botocore_version": reference["botocore_version"],
            "as_of": AS_OF,
            "generator": "scripts/build_default_world.py",
            "facts": _facts(),
            "rules": {
                "mixed_tool_turns": (
                    "false for every Llama: quarkiverse/quarkus-langchain4j#1983, "
                    "strands-agents/harness-sdk#1223, the Llama 3.3 quirk of the reference"
                ),
            },
        },
        "account_id": ACCOUNT_ID,
        "regions": list(REGIONS),
        "prefix_source_regions": sources,
        "prefix_destination_regions": {k: list(v) for k, v in PREFIX_DESTINATIONS.items()},
        "prefix_labels": PREFIX_LABELS,
        "profile_created_at": PROFILE_CREATED_AT,
        "profile_updated_at": PROFILE_UPDATED_AT,
        "models": models,
        "application_profiles": [_application_profile(models)],
    }


def render(world: dict[str, Any]) -> str:
    """The committed text: stable key order, two-space indent, trailing newline."""
    return json.dumps(world, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with `--check`, verify) `default_world.json`; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args(argv)
    text = render(build(json.loads(REFERENCE.read_text(encoding="utf-8"))))
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            sys.stderr.write(f"{OUTPUT} is stale: rerun scripts/build_default_world.py\n")
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {OUTPUT.relative_to(REPO)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
