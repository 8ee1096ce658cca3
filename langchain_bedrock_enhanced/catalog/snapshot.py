"""The model catalog's data: what one region offers, and the bundled snapshot.

`RegionCatalog` holds one region's foundation models (`ListFoundationModels`) and
inference profiles (`ListInferenceProfiles`), indexed by base model. The same
dictionary form is used by the disk cache (`langchain_bedrock_enhanced.catalog.model_catalog`)
and by the bundled snapshot (`data/catalog_snapshot.json`), which
`CatalogSnapshot` reads together with its provenance.

Example:
    >>> data = load_bundled_snapshot().regions["eu-west-1"]
    >>> data.profiles_for("amazon.nova-pro-v1:0")
    {'eu': 'eu.amazon.nova-pro-v1:0'}
"""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from langchain_bedrock_enhanced.errors import ConfigurationError
from langchain_bedrock_enhanced.model_ids import GLOBAL_PREFIX, parse_model_id, regional_prefixes

__all__ = [
    "CatalogModel",
    "CatalogProfile",
    "CatalogSnapshot",
    "CatalogSource",
    "RegionCatalog",
    "load_bundled_snapshot",
]

logger = logging.getLogger(__name__)

CatalogSource = Literal["live", "disk", "snapshot", "none"]
"""Where a region's data came from (`none`: nothing is known about the region)."""

FORMAT = 1
"""Version of the dictionary form written to disk and to the snapshot."""


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class CatalogModel:
    """One foundation model as `ListFoundationModels` lists it in a region.

    Example:
        >>> CatalogModel("m", frozenset({"INFERENCE_PROFILE"})).supports_on_demand
        False
    """

    model_id: str
    """The base model ID."""
    inference_types: frozenset[str] = frozenset()
    """`inferenceTypesSupported`: `ON_DEMAND`, `INFERENCE_PROFILE`, `PROVISIONED`."""
    lifecycle: str | None = None
    """`modelLifecycle.status`: `ACTIVE` or `LEGACY`."""
    legacy_date: date | None = None
    """`modelLifecycle.legacyTime` (UTC day), when the region says."""
    end_of_life_date: date | None = None
    """`modelLifecycle.endOfLifeTime` (UTC day), when the region says."""

    @property
    def supports_on_demand(self) -> bool | None:
        """`True`/`False` from the inference types; `None` when the list is empty.

        Example:
            >>> CatalogModel("m").supports_on_demand is None
            True
        """
        if not self.inference_types:
            return None
        return "ON_DEMAND" in self.inference_types


@dataclass(frozen=True)
class CatalogProfile:
    """One inference profile callable from a region.

    Example:
        >>> CatalogProfile("us.amazon.nova-pro-v1:0", ("amazon.nova-pro-v1:0",)).prefix
        'us'
    """

    profile_id: str
    """`inferenceProfileId` (for application profiles, the 12-character ID)."""
    base_model_ids: tuple[str, ...]
    """The base models behind `models[].modelArn`, in order, without duplicates."""
    type: str = "SYSTEM_DEFINED"
    """`SYSTEM_DEFINED` or `APPLICATION`."""
    arn: str | None = None
    """`inferenceProfileArn` (not kept in the bundled snapshot)."""

    @property
    def prefix(self) -> str | None:
        """The geo prefix of a system profile (`us`, `global`, ...).

        Example:
            >>> CatalogProfile("global.amazon.nova-2-lite-v1:0", ()).prefix
            'global'
        """
        if self.type != "SYSTEM_DEFINED":
            return None
        return parse_model_id(self.profile_id).geo_prefix


@dataclass(frozen=True)
class RegionCatalog:
    """Everything known about one region, and where it came from.

    Example:
        >>> data = RegionCatalog.build(
        ...     "eu-west-1",
        ...     models=[CatalogModel("m.x-v1:0", frozenset({"INFERENCE_PROFILE"}))],
        ...     profiles=[CatalogProfile("eu.m.x-v1:0", ("m.x-v1:0",))],
        ... )
        >>> data.profiles_for("m.x-v1:0")
        {'eu': 'eu.m.x-v1:0'}
    """

    region: str
    fetched_at: datetime
    source: CatalogSource
    models: Mapping[str, CatalogModel]
    profiles: tuple[CatalogProfile, ...]
    _by_base: Mapping[str, Mapping[str, str]] = field(repr=False, compare=False)

    @classmethod
    def build(
        cls,
        region: str,
        *,
        models: Iterable[CatalogModel],
        profiles: Iterable[CatalogProfile],
        fetched_at: datetime | None = None,
        source: CatalogSource = "live",
    ) -> RegionCatalog:
        """Assemble a region's data and index profiles by base model.

        Args:
            region: The region.
            models: The foundation models listed there.
            profiles: The inference profiles callable from there.
            fetched_at: When the data was obtained (default: now).
            source: Where it came from.

        Returns:
            The region catalog.

        Example:
            >>> RegionCatalog.build("us-east-1", models=[], profiles=[]).source
            'live'
        """
        profile_tuple = tuple(profiles)
        preferred = regional_prefixes(region)
        by_base: dict[str, dict[str, str]] = {}
        for profile in profile_tuple:
            prefix = profile.prefix
            if prefix is None:
                continue
            for base in profile.base_model_ids:
                by_base.setdefault(base, {})[prefix] = profile.profile_id

        def order(prefix: str) -> tuple[int, int, str]:
            if prefix == GLOBAL_PREFIX:
                return (2, 0, prefix)
            if prefix in preferred:
                return (0, preferred.index(prefix), prefix)
            return (1, 0, prefix)

        index = {
            base: MappingProxyType({p: found[p] for p in sorted(found, key=order)})
            for base, found in by_base.items()
        }
        return cls(
            region=region,
            fetched_at=fetched_at or _utcnow(),
            source=source,
            models=MappingProxyType({m.model_id: m for m in models}),
            profiles=profile_tuple,
            _by_base=MappingProxyType(index),
        )

    def supports_on_demand(self, model_id: str) -> bool | None:
        """Whether the base model is invocable on demand here; `None` if unknown.

        Example:
            >>> RegionCatalog.build("us-east-1", models=[], profiles=[]).supports_on_demand(
            ...     "m.x-v1:0") is None
            True
        """
        model = self.models.get(model_id)
        return None if model is None else model.supports_on_demand

    def profiles_for(self, model_id: str) -> dict[str, str]:
        """System profiles for the base model: prefix → profile ID, best first.

        Example:
            >>> RegionCatalog.build("us-east-1", models=[], profiles=[]).profiles_for("m")
            {}
        """
        return dict(self._by_base.get(model_id, {}))

    def application_profile(self, identifier: str) -> CatalogProfile | None:
        """The application profile with this ARN or ID, if listed.

        Example:
            >>> RegionCatalog.build("us-east-1", models=[], profiles=[]).application_profile(
            ...     "abc123def456") is None
            True
        """
        for profile in self.profiles:
            if profile.type == "APPLICATION" and identifier in {profile.arn, profile.profile_id}:
                return profile
        return None

    def to_dict(self, *, keep_arns: bool = True) -> dict[str, Any]:
        """A JSON-ready dictionary (the disk-cache and snapshot format).

        Example:
            >>> RegionCatalog.build("us-east-1", models=[], profiles=[]).to_dict()["region"]
            'us-east-1'
        """
        return {
            "region": self.region,
            "fetched_at": self.fetched_at.isoformat(),
            "models": [
                _model_to_dict(m) for m in sorted(self.models.values(), key=lambda m: m.model_id)
            ],
            "profiles": [
                {
                    "profile_id": p.profile_id,
                    "type": p.type,
                    "base_model_ids": list(p.base_model_ids),
                    **({"arn": p.arn} if keep_arns and p.arn else {}),
                }
                for p in self.profiles
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: CatalogSource) -> RegionCatalog:
        """Rebuild from `to_dict()` output.

        Raises:
            ConfigurationError: The data has the wrong shape.

        Example:
            >>> data = RegionCatalog.build("us-east-1", models=[], profiles=[]).to_dict()
            >>> RegionCatalog.from_dict(data, source="disk").region
            'us-east-1'
        """
        try:
            models = [_model_from_dict(m) for m in data["models"]]
            profiles = [
                CatalogProfile(
                    str(p["profile_id"]),
                    tuple(str(b) for b in p["base_model_ids"]),
                    str(p.get("type", "SYSTEM_DEFINED")),
                    p.get("arn"),
                )
                for p in data["profiles"]
            ]
            fetched_at = datetime.fromisoformat(str(data["fetched_at"]))
            region = str(data["region"])
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            msg = f"Malformed region catalog data: {err!r}."
            raise ConfigurationError(msg) from err
        if fetched_at.tzinfo is None:
            fetched_at = fetched_at.replace(tzinfo=timezone.utc)
        return cls.build(
            region, models=models, profiles=profiles, fetched_at=fetched_at, source=source
        )


def _model_to_dict(model: CatalogModel) -> dict[str, Any]:
    """A model's stored form; the dates only when known, so older files read the same."""
    found: dict[str, Any] = {
        "model_id": model.model_id,
        "inference_types": sorted(model.inference_types),
        "lifecycle": model.lifecycle,
    }
    if model.legacy_date is not None:
        found["legacy_date"] = model.legacy_date.isoformat()
    if model.end_of_life_date is not None:
        found["end_of_life_date"] = model.end_of_life_date.isoformat()
    return found


def _model_from_dict(data: Mapping[str, Any]) -> CatalogModel:
    def day(key: str) -> date | None:
        value = data.get(key)
        return None if value is None else date.fromisoformat(str(value))

    return CatalogModel(
        str(data["model_id"]),
        frozenset(str(t) for t in data.get("inference_types", [])),
        data.get("lifecycle"),
        legacy_date=day("legacy_date"),
        end_of_life_date=day("end_of_life_date"),
    )


@dataclass(frozen=True)
class CatalogSnapshot:
    """Region catalogs captured at one time, with a note of where they came from.

    Example:
        >>> snapshot = load_bundled_snapshot()
        >>> "generated_at" in snapshot.provenance
        True
    """

    provenance: Mapping[str, Any]
    """Source, method, generator and date of the data."""
    regions: Mapping[str, RegionCatalog]
    """Per-region data."""

    @classmethod
    def empty(cls) -> CatalogSnapshot:
        """A snapshot that knows nothing.

        Example:
            >>> CatalogSnapshot.empty().regions
            mappingproxy({})
        """
        return cls(MappingProxyType({}), MappingProxyType({}))

    def to_dict(self) -> dict[str, Any]:
        """The snapshot file format (profile ARNs dropped: they name one account).

        Example:
            >>> CatalogSnapshot.empty().to_dict()["format"]
            1
        """
        return {
            "format": FORMAT,
            "provenance": dict(self.provenance),
            "regions": {
                region: data.to_dict(keep_arns=False)
                for region, data in sorted(self.regions.items())
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CatalogSnapshot:
        """Read the snapshot file format.

        Raises:
            ConfigurationError: The data has the wrong shape.

        Example:
            >>> CatalogSnapshot.from_dict({"provenance": {}, "regions": {}}).regions
            mappingproxy({})
        """
        regions = data.get("regions")
        provenance = data.get("provenance", {})
        if not isinstance(regions, Mapping) or not isinstance(provenance, Mapping):
            msg = "A catalog snapshot needs 'provenance' and 'regions' mappings."
            raise ConfigurationError(msg)
        return cls(
            MappingProxyType(dict(provenance)),
            MappingProxyType(
                {
                    str(region): RegionCatalog.from_dict(value, source="snapshot")
                    for region, value in regions.items()
                }
            ),
        )

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CatalogSnapshot:
        """Read a snapshot file.

        Raises:
            ConfigurationError: The file is not a valid snapshot.
            OSError: The file cannot be read.

        Example:
            >>> import tempfile, pathlib
            >>> target = pathlib.Path(tempfile.mkdtemp()) / "s.json"
            >>> _ = target.write_text('{"provenance": {}, "regions": {}}')
            >>> CatalogSnapshot.load(target).regions
            mappingproxy({})
        """
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
        except ValueError as err:
            msg = f"The catalog snapshot {path} is not valid JSON: {err}."
            raise ConfigurationError(msg) from err
        if not isinstance(document, Mapping):
            msg = f"The catalog snapshot {path} is not a JSON object."
            raise ConfigurationError(msg)
        return cls.from_dict(document)


@functools.cache
def load_bundled_snapshot() -> CatalogSnapshot:
    """The snapshot shipped in `langchain_bedrock_enhanced/catalog/data/` (read once, lazily).

    A missing or damaged file gives an empty snapshot and a WARNING.

    Returns:
        The bundled snapshot.

    Example:
        >>> load_bundled_snapshot().provenance["generator"]
        'scripts/build_catalog_snapshot.py'
    """
    source = (
        resources.files("langchain_bedrock_enhanced.catalog") / "data" / "catalog_snapshot.json"
    )
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
        if not isinstance(document, Mapping):
            msg = "not a JSON object"
            raise TypeError(msg)  # noqa: TRY301 - one handler for every way it can be bad
        return CatalogSnapshot.from_dict(document)
    except (OSError, ValueError, TypeError, ConfigurationError) as err:
        logger.warning("The bundled model catalog snapshot is unusable (%s); ignoring it.", err)
        return CatalogSnapshot.empty()
