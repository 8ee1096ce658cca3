# ruff: noqa: INP001 - a stand-alone maintenance script, not part of a package
"""Build the bundled model-catalog snapshot by running real discovery against the emulator.

Usage:
    python scripts/build_catalog_snapshot.py          # rewrite catalog_snapshot.json
    python scripts/build_catalog_snapshot.py --check  # exit 1 if the committed file is stale

The snapshot is what `ModelCatalog` falls back to when live discovery fails. It is
made the way live discovery works: a real boto3 `bedrock` client per region runs
`ListFoundationModels` and the paginated `ListInferenceProfiles` through
`langchain_bedrock_enhanced.catalog.model_catalog.discover_region`. The server it talks to is the
local emulator with its default world (`emulator/default_world.json`, itself built
from `shared/reference/bedrock_models.json`), for every region that world has. So
the snapshot is exactly as good as that reference data, and says so in its
provenance. Application profiles (account-specific) and profile ARNs (which name
the emulator's account) are left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import botocore
from botocore.config import Config

from langchain_bedrock_enhanced.catalog.model_catalog import (
    CatalogSnapshot,
    RegionCatalog,
    discover_region,
)
from langchain_bedrock_enhanced.emulator import (
    DEFAULT_ACCESS_KEY_ID,
    DEFAULT_SECRET_ACCESS_KEY,
    BedrockEmulator,
)

REPO = Path(__file__).resolve().parents[1]
WORLD = REPO / "langchain_bedrock_enhanced" / "emulator" / "default_world.json"
OUTPUT = REPO / "langchain_bedrock_enhanced" / "data" / "catalog_snapshot.json"
PAGE_SIZE = 25
"""Small on purpose, so every region's profile list takes several pages."""


def _system_only(data: RegionCatalog) -> RegionCatalog:
    return RegionCatalog.build(
        data.region,
        models=data.models.values(),
        profiles=[p for p in data.profiles if p.type == "SYSTEM_DEFINED"],
        fetched_at=data.fetched_at,
        source="snapshot",
    )


def build() -> dict[str, Any]:
    """Discover every region of the default world and return the snapshot document."""
    world = json.loads(WORLD.read_text(encoding="utf-8"))
    world_provenance = world.get("provenance", {})
    as_of = str(world_provenance.get("as_of", "unknown"))
    fetched_at = datetime.fromisoformat(as_of).replace(tzinfo=timezone.utc)
    regions: dict[str, RegionCatalog] = {}
    with BedrockEmulator() as emulator:
        for region in world["regions"]:
            client = boto3.client(
                "bedrock",
                region_name=region,
                endpoint_url=emulator.endpoint_url,
                aws_access_key_id=DEFAULT_ACCESS_KEY_ID,
                aws_secret_access_key=DEFAULT_SECRET_ACCESS_KEY,
                config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
            )
            data = discover_region(client, region, page_size=PAGE_SIZE, now=fetched_at)
            regions[region] = _system_only(data)
    provenance = {
        "source": (
            "Local emulator default world (langchain_bedrock_enhanced/emulator/"
            "default_world.json), generated from shared/reference/bedrock_models.json; "
            "not a capture of live AWS."
        ),
        "method": (
            "Real boto3 bedrock clients, one per region, ran ListFoundationModels and the "
            "paginated ListInferenceProfiles against the emulator via "
            "langchain_bedrock_enhanced.catalog.model_catalog.discover_region."
        ),
        "data_as_of": as_of,
        "world_provenance": world_provenance,
        "botocore_version": botocore.__version__,
        "generator": "scripts/build_catalog_snapshot.py",
        "generated_at": datetime.now(timezone.utc).date().isoformat(),
        "excluded": "application inference profiles and profile ARNs (account-specific)",
    }
    return CatalogSnapshot(provenance, regions).to_dict()


# Informational fields that may differ without the data being stale.
_VOLATILE = frozenset({"generated_at", "botocore_version"})


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    provenance = {k: v for k, v in document.get("provenance", {}).items() if k not in _VOLATILE}
    return {**document, "provenance": provenance}


def main(argv: list[str] | None = None) -> int:
    """Write the snapshot, or with `--check` compare it with the committed one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args(argv)
    document = build()
    if args.check:
        try:
            committed = json.loads(OUTPUT.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            committed = {}
        if _comparable(committed) != _comparable(document):
            sys.stderr.write(f"{OUTPUT} is stale: run scripts/build_catalog_snapshot.py\n")
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    sys.stdout.write(f"wrote {OUTPUT} ({len(document['regions'])} regions)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
