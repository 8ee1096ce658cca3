# ruff: noqa: INP001 - a stand-alone maintenance script, not part of a package
"""Build the bundled model-catalog snapshot by running real discovery against the emulator.

Usage:
    python scripts/build_catalog_snapshot.py          # rewrite the snapshot and model_types.py
    python scripts/build_catalog_snapshot.py --check  # exit 1 if either committed file is stale

The snapshot is what `ModelCatalog` falls back to when live discovery fails. It is
made the way live discovery works: a real boto3 `bedrock` client per region runs
`ListFoundationModels` and the paginated `ListInferenceProfiles` through
`langchain_bedrock_enhanced.catalog.model_catalog.discover_region`. The server it talks to is the
local emulator with its default world (`emulator/default_world.json`, itself built
from `shared/reference/bedrock_models.json`), for every region that world has. So
the snapshot is exactly as good as that reference data, and says so in its
provenance. Application profiles (account-specific) and profile ARNs (which name
the emulator's account) are left out.

From the snapshot it then generates `langchain_bedrock_enhanced/catalog/model_types.py`:
the `ModelType` enum of the current models (ACTIVE in at least one region, served by
a registered family, not marked past its end of life in `catalog/data/lifecycle.json`).
`render_model_types()` is what a unit test compares the committed module with, so
the enum cannot drift from the snapshot.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping
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
OUTPUT = REPO / "langchain_bedrock_enhanced" / "catalog" / "data" / "catalog_snapshot.json"
LIFECYCLE_NOTES = REPO / "langchain_bedrock_enhanced" / "catalog" / "data" / "lifecycle.json"
MODEL_TYPES = REPO / "langchain_bedrock_enhanced" / "catalog" / "model_types.py"
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


# ModelType ---------------------------------------------------------------------------

_VERSION_SUFFIX = re.compile(r"(-v\d+(:\d+)?|:\d+)$")
_DATE_STAMP = re.compile(r"-\d{8}(?=-|$)")
_WORD_THEN_DIGIT = re.compile(r"([a-z]{2,})(\d)")


def model_type_name(model_id: str) -> str:
    """The `ModelType` member name of a model ID.

    The rule: drop the provider (`anthropic.`), the version suffix (`-v1:0`, `-v1`,
    `:0`) and an eight-digit date stamp (`-20250929`); split a digit from a word of two
    or more letters before it (`llama3` -> `llama_3`); upper-case, with every run of
    other characters as `_`.

    >>> model_type_name("meta.llama3-3-70b-instruct-v1:0")
    'LLAMA_3_3_70B_INSTRUCT'
    """
    name = model_id.split(".", 1)[1] if "." in model_id else model_id
    name = _VERSION_SUFFIX.sub("", name)
    name = _DATE_STAMP.sub("", name)
    name = _WORD_THEN_DIGIT.sub(r"\1_\2", name)
    name = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper()
    if not name.isidentifier():
        msg = f"{model_id}: {name!r} is no Python name; extend model_type_name's rule"
        raise SystemExit(msg)
    return name


def current_model_ids(document: Mapping[str, Any]) -> list[str]:
    """Snapshot models ACTIVE somewhere, served by a family, not marked past end of life."""
    from langchain_bedrock_enhanced.models import get_all_supported_model_ids  # noqa: PLC0415

    supported = set(get_all_supported_model_ids())
    notes = json.loads(LIFECYCLE_NOTES.read_text(encoding="utf-8"))["models"]
    retired = {row["model_id"] for row in notes if row.get("end_of_life")}
    active = {
        model["model_id"]
        for region in document["regions"].values()
        for model in region["models"]
        if model.get("lifecycle") == "ACTIVE"
    }
    return sorted((active & supported) - retired)


_MODEL_TYPES_HEADER = '''"""The current Bedrock models of the supported families, as an enum.

GENERATED by `scripts/build_catalog_snapshot.py` from `catalog/data/catalog_snapshot.json`
(data as of {as_of}) and `catalog/data/lifecycle.json`. Do not edit: rerun the script.
A unit test fails when this file differs from what the script generates.

A member is a model that is ACTIVE in at least one region of the snapshot, served by
a registered model family, and not known to be past its end of life. Legacy and
retired models are left out; their IDs still work as plain strings.

Member names: the model ID without its provider (`anthropic.`), version suffix
(`-v1:0`, `-v1`, `:0`) and eight-digit date stamp (`-20250929`), with a digit split
from a word of two or more letters before it (`llama3` -> `LLAMA_3`), upper-cased,
every other character run as `_`.

Example:
    >>> from langchain_bedrock_enhanced.catalog import ModelType
    >>> ModelType.NOVA_PRO.value
    'amazon.nova-pro-v1:0'
    >>> f"{{ModelType.CLAUDE_SONNET_4_5}}"
    'anthropic.claude-sonnet-4-5-20250929-v1:0'
"""

from __future__ import annotations

from enum import Enum

__all__ = ["ModelType"]


class ModelType(str, Enum):
    """A current model ID; a member is the ID itself wherever a string is expected.

    Example:
        >>> ModelType("meta.llama3-3-70b-instruct-v1:0").name
        'LLAMA_3_3_70B_INSTRUCT'
    """

'''

_MODEL_TYPES_FOOTER = '''
    def __str__(self) -> str:
        """The model ID, as the plain string would print."""
        return str(self.value)
'''


def render_model_types(document: Mapping[str, Any]) -> str:
    """The text of `model_types.py` for a snapshot document."""
    members: dict[str, str] = {}
    for model_id in current_model_ids(document):
        name = model_type_name(model_id)
        if name in members:
            msg = f"{model_id} and {members[name]} are both {name}; extend model_type_name"
            raise SystemExit(msg)
        members[name] = model_id
    as_of = document.get("provenance", {}).get("data_as_of", "unknown")
    lines = [f'    {name} = "{model_id}"' for name, model_id in members.items()]
    return _MODEL_TYPES_HEADER.format(as_of=as_of) + "\n".join(lines) + "\n" + _MODEL_TYPES_FOOTER


# Informational fields that may differ without the data being stale.
_VOLATILE = frozenset({"generated_at", "botocore_version"})


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    provenance = {k: v for k, v in document.get("provenance", {}).items() if k not in _VOLATILE}
    return {**document, "provenance": provenance}


def main(argv: list[str] | None = None) -> int:
    """Write the snapshot, or with `--check` compare it with the committed one."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="fail if a file is stale")
    args = parser.parse_args(argv)
    document = build()
    model_types = render_model_types(document)
    if args.check:
        try:
            committed = json.loads(OUTPUT.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            committed = {}
        stale = [OUTPUT] if _comparable(committed) != _comparable(document) else []
        current = MODEL_TYPES.read_text(encoding="utf-8") if MODEL_TYPES.exists() else ""
        stale += [MODEL_TYPES] if current != model_types else []
        for path in stale:
            sys.stderr.write(f"{path} is stale: run scripts/build_catalog_snapshot.py\n")
        return 1 if stale else 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    MODEL_TYPES.write_text(model_types, encoding="utf-8")
    sys.stdout.write(f"wrote {OUTPUT} ({len(document['regions'])} regions) and {MODEL_TYPES}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
