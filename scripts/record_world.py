# ruff: noqa: INP001 - a stand-alone maintenance script, not part of a package
"""Record a real account's Bedrock control plane as an emulator scenario (a world file).

Usage:
    python scripts/record_world.py --region us-east-1 --region eu-west-1 -o world.json
    python scripts/record_world.py --profile prod --region us-west-2 -o world.json
    python scripts/record_world.py --endpoint-url http://127.0.0.1:8080 --region us-east-1

For every region it asks `ListFoundationModels`, the paginated `ListInferenceProfiles`
(system-defined and application profiles) and `GetFoundationModel` for each model, with
the credentials boto3 finds (or `--profile`). It writes a scenario whose `world`
replaces the bundled models with what the account sees:

- a model's regions are where it is listed, or where a profile of it may be called;
  its on-demand regions are those whose `inferenceTypesSupported` holds `ON_DEMAND`;
- each system profile `<prefix>.<model>` gives the model that prefix; the regions a
  prefix is listed in become its source regions, the regions its profiles' `models`
  ARNs name become its destinations;
- `modelLifecycle` (status, legacy and end-of-life times) is kept; a model whose
  `GetFoundationModel` answers "reached the end of its life" is recorded as such.

The control plane says nothing about output limits, context windows, tool support or
request rules. Those are taken from the bundled world when it knows the model, and are
the emulator's defaults otherwise; `provenance.carried_over` lists which models got
them. A model of a provider whose native body the emulator does not speak is recorded
with family `converse` (Converse only). Whether an account's Legacy model still
answers it cannot be read from the control plane, so every model not past its end of
life is recorded as invocable.

Load the result with `BedrockEmulator(scenario="world.json")`, or
`python -m langchain_bedrock_enhanced.emulator --scenario world.json`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from langchain_bedrock_enhanced.emulator._world import World

FAMILIES_BY_PROVIDER = {
    "anthropic": "claude",
    "meta": "llama",
    "mistral ai": "mistral",
}
"""`providerName` (lower case) -> the emulator's native body family; Amazon is by ID."""
CARRIED_FIELDS = (
    "family",
    "max_output_tokens",
    "context_window",
    "system_prompts",
    "tool_use",
    "streaming_tool_use",
    "tool_choice",
    "mixed_tool_turns",
    "tool_use_id_pattern",
    "service_tiers",
)
"""What the control plane cannot say about a model, taken from the bundled world."""
END_OF_LIFE_MARK = "reached the end of its life"

ClientFor = Callable[[str], Any]
"""A `bedrock` control-plane client for a region."""


def _family(model_id: str, provider: str) -> str:
    if model_id.startswith("amazon.nova"):
        return "nova"
    return FAMILIES_BY_PROVIDER.get(provider.lower(), "converse")


def _iso(value: Any) -> str:  # noqa: ANN401 - a botocore timestamp or a string
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return moment.isoformat()
    return str(value)


def _ordered(values: Iterable[str], order: Sequence[str]) -> list[str]:
    rank = {value: index for index, value in enumerate(order)}
    return sorted(set(values), key=lambda value: (rank.get(value, len(rank)), value))


def _profiles(client: Any) -> list[dict[str, Any]]:  # noqa: ANN401 - a boto3 client
    found: list[dict[str, Any]] = []
    for page in client.get_paginator("list_inference_profiles").paginate():
        found.extend(page.get("inferenceProfileSummaries", []))
    return found


def _details(client: Any, model_id: str) -> tuple[dict[str, Any] | None, bool]:  # noqa: ANN401
    """`GetFoundationModel`'s `modelDetails`, and whether the model is past its end of life."""
    try:
        return client.get_foundation_model(modelIdentifier=model_id)["modelDetails"], False
    except ClientError as err:
        error = err.response.get("Error", {})
        if error.get("Code") == "ResourceNotFoundException":
            return None, END_OF_LIFE_MARK in str(error.get("Message", ""))
        raise


class _Recording:
    """What the regions' answers say, gathered before the world document is built."""

    def __init__(self, regions: Sequence[str]) -> None:
        self.regions = list(regions)
        self.summaries: dict[str, dict[str, Any]] = {}
        self.listed: dict[str, list[str]] = {}
        self.on_demand: dict[str, list[str]] = {}
        self.prefixes: dict[str, list[str]] = {}
        self.prefix_sources: dict[str, list[str]] = {}
        self.prefix_destinations: dict[str, list[str]] = {}
        self.applications: list[dict[str, Any]] = []
        self.end_of_life: set[str] = set()
        self.account_id: str | None = None

    def add_models(self, region: str, summaries: Iterable[Mapping[str, Any]]) -> None:
        for summary in summaries:
            model_id = str(summary["modelId"])
            self.summaries.setdefault(model_id, dict(summary))
            self.listed.setdefault(model_id, []).append(region)
            if "ON_DEMAND" in summary.get("inferenceTypesSupported", []):
                self.on_demand.setdefault(model_id, []).append(region)

    def add_profiles(self, region: str, profiles: Iterable[Mapping[str, Any]]) -> None:
        for profile in profiles:
            arns = [str(m["modelArn"]) for m in profile.get("models", [])]
            if not arns:
                continue
            base = arns[0].rpartition("foundation-model/")[2]
            profile_id = str(profile["inferenceProfileId"])
            account = str(profile.get("inferenceProfileArn", "")).split(":")[4:5]
            if account and account[0]:
                self.account_id = self.account_id or account[0]
            if profile.get("type") == "APPLICATION":
                self.applications.append(_application(region, profile, arns))
                continue
            prefix = profile_id.removesuffix("." + base)
            if prefix == profile_id:
                continue  # a system profile not named <prefix>.<model>: nothing to learn
            _append_new(self.prefixes.setdefault(base, []), prefix)
            _append_new(self.prefix_sources.setdefault(prefix, []), region)
            destinations = self.prefix_destinations.setdefault(prefix, [])
            for arn in arns:
                _append_new(destinations, arn.split(":")[3])


def _append_new(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def _application(region: str, profile: Mapping[str, Any], arns: list[str]) -> dict[str, Any]:
    return {
        "id": str(profile["inferenceProfileId"]),
        "name": str(profile.get("inferenceProfileName", "")),
        "region": region,
        "description": str(profile.get("description", "")),
        "models": arns,
        "created_at": _iso(profile.get("createdAt", "")),
        "updated_at": _iso(profile.get("updatedAt", "")),
    }


def record(regions: Sequence[str], client_for: ClientFor) -> dict[str, Any]:
    """Ask every region and return the scenario document (`{"description", "world"}`).

    Args:
        regions: The regions to record, in the order the world lists them.
        client_for: Builds the `bedrock` control-plane client of a region.

    Returns:
        A scenario that `Scenario.from_dict` accepts, its `world` replacing the bundled one.
    """
    seen = _Recording(regions)
    for region in regions:
        client = client_for(region)
        seen.add_models(region, client.list_foundation_models().get("modelSummaries", []))
        seen.add_profiles(region, _profiles(client))
    for model_id in [*seen.summaries, *(m for m in seen.prefixes if m not in seen.summaries)]:
        region = (seen.listed.get(model_id) or regions)[0]
        details, end_of_life = _details(client_for(region), model_id)
        if end_of_life:
            seen.end_of_life.add(model_id)
        if model_id not in seen.summaries and details is not None:
            seen.summaries[model_id] = details
    return _scenario(seen)


def _scenario(seen: _Recording) -> dict[str, Any]:
    bundled = World.default()
    models: list[dict[str, Any]] = []
    carried: list[str] = []
    for model_id, summary in seen.summaries.items():
        entry = _model(seen, model_id, summary)
        known = bundled.models.get(model_id)
        if known is not None:
            carried.append(model_id)
            entry.update({field: _plain(getattr(known, field)) for field in CARRIED_FIELDS})
            entry["latency_optimized_regions"] = [
                r for r in seen.regions if r in known.latency_optimized_regions
            ]
        models.append(entry)
    recorded_at = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    world = {
        "replace": True,
        "regions": seen.regions,
        "prefix_source_regions": seen.prefix_sources,
        "prefix_destination_regions": seen.prefix_destinations,
        "models": models,
        # A profile of a model no recorded region lists cannot be served: left out.
        "application_profiles": [
            app
            for app in seen.applications
            if app["models"][0].rpartition("foundation-model/")[2] in seen.summaries
        ],
    }
    return {
        "description": (
            f"Recorded by scripts/record_world.py at {recorded_at} from "
            f"{', '.join(seen.regions)} (account {seen.account_id or 'unknown'}). "
            f"Limits and capabilities carried over from the bundled world for: "
            f"{', '.join(carried) or 'no model'}."
        ),
        "world": world,
    }


def _model(seen: _Recording, model_id: str, summary: Mapping[str, Any]) -> dict[str, Any]:
    prefixes = seen.prefixes.get(model_id, [])
    reachable = [r for p in prefixes for r in seen.prefix_sources.get(p, [])]
    entry: dict[str, Any] = {
        "model_id": model_id,
        "name": str(summary.get("modelName", model_id)),
        "provider": str(summary.get("providerName", model_id.partition(".")[0])),
        "family": _family(model_id, str(summary.get("providerName", ""))),
        "regions": _ordered([*seen.listed.get(model_id, []), *reachable], seen.regions),
        "on_demand_regions": _ordered(seen.on_demand.get(model_id, []), seen.regions),
        "profile_prefixes": prefixes,
        "input_modalities": list(summary.get("inputModalities", ["TEXT"])),
        "output_modalities": list(summary.get("outputModalities", ["TEXT"])),
        "streaming": bool(summary.get("responseStreamingSupported", True)),
    }
    lifecycle = summary.get("modelLifecycle") or {}
    entry["lifecycle"] = str(lifecycle.get("status", "ACTIVE"))
    for key, field in (("legacyTime", "legacy_time"), ("endOfLifeTime", "end_of_life_time")):
        if key in lifecycle:
            entry[field] = _iso(lifecycle[key])
    entry["invocation"] = "end_of_life" if model_id in seen.end_of_life else "ok"
    return entry


def _plain(value: Any) -> Any:  # noqa: ANN401 - a ModelSpec field
    return list(value) if isinstance(value, (tuple, frozenset)) else value


def main(argv: list[str] | None = None) -> int:
    """Record the regions given on the command line; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--region", action="append", required=True, help="repeat for several")
    parser.add_argument("--profile", help="an AWS profile name (default: boto3's chain)")
    parser.add_argument("--endpoint-url", help="another endpoint, such as a local emulator")
    parser.add_argument("-o", "--output", type=Path, help="the file to write (default: stdout)")
    args = parser.parse_args(argv)
    session = boto3.Session(profile_name=args.profile)
    config = Config(retries={"mode": "standard"})

    def client_for(region: str) -> Any:  # noqa: ANN401 - a boto3 client
        return session.client(
            "bedrock", region_name=region, endpoint_url=args.endpoint_url, config=config
        )

    text = json.dumps(record(args.region, client_for), indent=2, ensure_ascii=False) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        sys.stderr.write(f"wrote {args.output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
