"""Which models and inference profiles each region offers: live, cached, or bundled.

For each region the catalog answers two questions the selector asks before a
call: *can this model be invoked on demand here?* and *which system inference
profiles for it are callable from here?* Answers come from, in order:

1. **Memory**, for `ttl` after they were obtained.
2. **The disk cache** (one JSON file per region in the user cache directory),
   while younger than `ttl`. Files are written atomically.
3. **Live discovery** through the `bedrock` control plane: `ListFoundationModels`
   (`inferenceTypesSupported`, `modelLifecycle`) and the paginated
   `ListInferenceProfiles` (`models[].modelArn` maps a profile to its base model).
4. **When discovery fails** (no credentials, no permission, no network): a WARNING,
   then the newest data at hand: an expired disk cache, else the bundled snapshot
   (`langchain_bedrock_enhanced/catalog/data/catalog_snapshot.json`, which carries its
   provenance and date). A failed region is retried after `failure_ttl`, never on
   every call.

The data classes (`RegionCatalog`, `CatalogSnapshot`, ...) live in
`langchain_bedrock_enhanced.catalog.snapshot` and are re-exported here.

Discovery runs at most once at a time per region, however many threads ask; the
others wait for its answer. Nothing happens at import or construction: the first
question about a region triggers its lookup. `model_lifecycle` is the exception: it
answers from what is already held (memory, else the disk cache, else the snapshot)
and never triggers a lookup, so it can run before any request.

Cache directory: `$LANGCHAIN_BEDROCK_ENHANCED_CACHE_DIR` if set, else
`$XDG_CACHE_HOME/langchain-bedrock-enhanced` (default `~/.cache/...`), or the
platform's cache folder on macOS (`~/Library/Caches/...`) and Windows
(`%LOCALAPPDATA%/langchain-bedrock-enhanced/Cache`).

Example:
    >>> catalog = ModelCatalog(discover=False, disk_cache=False)  # bundled snapshot only
    >>> catalog.supports_on_demand("anthropic.claude-sonnet-4-5-20250929-v1:0", "eu-west-1")
    False
    >>> catalog.profiles_for("anthropic.claude-sonnet-4-5-20250929-v1:0", "eu-west-1")
    {'eu': 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0', \
'global': 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'}
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from langchain_bedrock_enhanced._files import atomic_write_text
from langchain_bedrock_enhanced.catalog.lifecycle import ModelLifecycle, lifecycle_in
from langchain_bedrock_enhanced.catalog.snapshot import (
    FORMAT,
    CatalogModel,
    CatalogProfile,
    CatalogSnapshot,
    CatalogSource,
    RegionCatalog,
    _utcnow,
    load_bundled_snapshot,
)
from langchain_bedrock_enhanced.errors import ConfigurationError
from langchain_bedrock_enhanced.model_ids import parse_model_id

if TYPE_CHECKING:
    from mypy_boto3_bedrock import BedrockClient

__all__ = [
    "CACHE_DIR_ENV",
    "CatalogModel",
    "CatalogProfile",
    "CatalogSnapshot",
    "CatalogSource",
    "ModelCatalog",
    "RegionCatalog",
    "control_plane_endpoint",
    "default_cache_dir",
    "discover_region",
    "load_bundled_snapshot",
]

logger = logging.getLogger(__name__)

CACHE_DIR_ENV = "LANGCHAIN_BEDROCK_ENHANCED_CACHE_DIR"
"""Environment variable that overrides the cache directory."""

DEFAULT_TTL = timedelta(hours=24)
DEFAULT_FAILURE_TTL = timedelta(minutes=10)
_APP_NAME = "langchain-bedrock-enhanced"
_REGION_RE = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+$")
_DISCOVERY_ERRORS = (ClientError, BotoCoreError, OSError, ValueError, KeyError, TypeError)

ClientFactory = Callable[[str], "BedrockClient"]
"""Builds a boto3 `bedrock` control-plane client for a region."""
Clock = Callable[[], datetime]
"""Returns the current timezone-aware time."""


def default_cache_dir() -> Path:
    """The directory this package caches data in (nothing is created).

    Returns:
        `$LANGCHAIN_BEDROCK_ENHANCED_CACHE_DIR`, else the XDG or platform cache
        directory joined with `langchain-bedrock-enhanced`.

    Example:
        >>> default_cache_dir().name in {"langchain-bedrock-enhanced", "Cache"} or True
        True
    """
    # Hand-written rather than a platformdirs dependency: three platforms, a dozen
    # lines, and the env override must win everywhere.
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if sys.platform == "win32":  # pragma: no cover - platform specific
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / _APP_NAME / "Cache"
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / _APP_NAME
    if sys.platform == "darwin":  # pragma: no cover - platform specific
        return Path.home() / "Library" / "Caches" / _APP_NAME
    return Path.home() / ".cache" / _APP_NAME


# Discovery -------------------------------------------------------------------


def _lifecycle_status(lifecycle: Mapping[str, Any] | None) -> str | None:
    status = lifecycle.get("status") if lifecycle else None
    return str(status) if status else None


def _lifecycle_day(lifecycle: Mapping[str, Any] | None, key: str) -> date | None:
    """A `FoundationModelLifecycle` timestamp as its UTC day (botocore gives datetimes)."""
    value = lifecycle.get(key) if lifecycle else None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return (value.astimezone(timezone.utc) if value.tzinfo else value).date()


def _base_of_arn(arn: str) -> str | None:
    parsed = parse_model_id(arn)
    return parsed.base_model_id if parsed.kind == "foundation_model" else None


def discover_region(
    client: BedrockClient,
    region: str,
    *,
    page_size: int = 100,
    now: datetime | None = None,
) -> RegionCatalog:
    """Ask the control plane what a region offers (one discovery run).

    Calls `ListFoundationModels` once and walks every page of
    `ListInferenceProfiles`. Errors propagate.

    Args:
        client: A boto3 `bedrock` client for `region`.
        region: The region the client talks to.
        page_size: `maxResults` per `ListInferenceProfiles` page (1-1000).
        now: The timestamp to record (default: the current time).

    Returns:
        The region's catalog, source `live`.

    Example:
        >>> import boto3
        >>> from botocore.stub import Stubber
        >>> client = boto3.client("bedrock", region_name="us-east-1")
        >>> with Stubber(client) as stub:
        ...     stub.add_response("list_foundation_models", {"modelSummaries": []})
        ...     stub.add_response("list_inference_profiles", {"inferenceProfileSummaries": []})
        ...     discover_region(client, "us-east-1").models
        mappingproxy({})
    """
    summaries = client.list_foundation_models().get("modelSummaries", [])
    models = [
        CatalogModel(
            str(summary["modelId"]),
            frozenset(str(t) for t in summary.get("inferenceTypesSupported") or []),
            _lifecycle_status(summary.get("modelLifecycle")),
            legacy_date=_lifecycle_day(summary.get("modelLifecycle"), "legacyTime"),
            end_of_life_date=_lifecycle_day(summary.get("modelLifecycle"), "endOfLifeTime"),
        )
        for summary in summaries
    ]
    profiles: list[CatalogProfile] = []
    paginator = client.get_paginator("list_inference_profiles")
    for page in paginator.paginate(PaginationConfig={"PageSize": page_size}):
        for summary in page.get("inferenceProfileSummaries", []):
            bases: list[str] = []
            for entry in summary.get("models") or []:
                base = _base_of_arn(str(entry.get("modelArn", "")))
                if base and base not in bases:
                    bases.append(base)
            profile_type = str(summary.get("type", "SYSTEM_DEFINED"))
            profile_id = str(summary["inferenceProfileId"])
            if not bases and profile_type == "SYSTEM_DEFINED":
                fallback = parse_model_id(profile_id).base_model_id
                bases = [fallback] if fallback else []
            profiles.append(
                CatalogProfile(
                    profile_id, tuple(bases), profile_type, summary.get("inferenceProfileArn")
                )
            )
    return RegionCatalog.build(region, models=models, profiles=profiles, fetched_at=now)


def _default_client_factory(endpoint_url: str | None) -> ClientFactory:
    def factory(region: str) -> BedrockClient:
        import boto3  # noqa: PLC0415 - only when discovery actually runs
        from botocore.config import Config  # noqa: PLC0415

        config = Config(
            retries={"mode": "standard", "total_max_attempts": 3},
            connect_timeout=5,
            read_timeout=30,
        )
        return boto3.client("bedrock", region_name=region, endpoint_url=endpoint_url, config=config)

    return factory


# The catalog -----------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    data: RegionCatalog | None
    expires_at: datetime


class ModelCatalog:
    """Thread-safe, lazily discovered knowledge of what each region offers.

    Args:
        client_factory: `region -> boto3 bedrock client`; by default
            `boto3.client("bedrock", region_name=region, endpoint_url=endpoint_url)`.
        endpoint_url: Endpoint for the default client factory (e.g. the emulator).
        discover: Call the control plane; `False` uses only the disk cache and the
            snapshot.
        ttl: How long discovered data is trusted.
        failure_ttl: How long to wait before retrying a region whose discovery failed.
        cache_dir: The cache directory; `default_cache_dir()` when `None`.
        disk_cache: Read and write the disk cache.
        snapshot: The fallback data; the bundled snapshot when `None`. Pass
            `CatalogSnapshot.empty()` to have none.
        cache_key: Separates caches of different endpoints or accounts; derived from
            `endpoint_url` when `None`.
        page_size: `maxResults` for `ListInferenceProfiles`.
        clock: Returns the current timezone-aware time; inject one in tests.

    Example:
        >>> catalog = ModelCatalog(discover=False, disk_cache=False)
        >>> catalog.supports_on_demand("anthropic.claude-3-haiku-20240307-v1:0", "us-east-1")
        True
        >>> catalog.source("us-east-1")
        'snapshot'
    """

    def __init__(  # noqa: PLR0913 - every knob is keyword-only and defaulted
        self,
        client_factory: ClientFactory | None = None,
        *,
        endpoint_url: str | None = None,
        discover: bool = True,
        ttl: timedelta = DEFAULT_TTL,
        failure_ttl: timedelta = DEFAULT_FAILURE_TTL,
        cache_dir: str | os.PathLike[str] | None = None,
        disk_cache: bool = True,
        snapshot: CatalogSnapshot | None = None,
        cache_key: str | None = None,
        page_size: int = 100,
        clock: Clock = _utcnow,
    ) -> None:
        """Configure the catalog; nothing is read or fetched until first use."""
        if ttl <= timedelta(0) or failure_ttl <= timedelta(0):
            msg = f"Catalog TTLs must be positive, got ttl={ttl}, failure_ttl={failure_ttl}."
            raise ConfigurationError(msg)
        if not 1 <= page_size <= 1000:  # noqa: PLR2004 - the API's maxResults range
            msg = f"page_size must be between 1 and 1000, got {page_size}."
            raise ConfigurationError(msg)
        self._factory = client_factory or _default_client_factory(endpoint_url)
        self.discover = discover
        self.ttl = ttl
        self.failure_ttl = failure_ttl
        self._cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.disk_cache = disk_cache
        self._snapshot = snapshot
        self.cache_key = cache_key or _cache_key_for(endpoint_url)
        self.page_size = page_size
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._region_locks: dict[str, threading.Lock] = {}

    def __repr__(self) -> str:
        """Show the main settings."""
        return (
            f"{type(self).__name__}(discover={self.discover}, ttl={self.ttl!r}, "
            f"disk_cache={self.disk_cache}, cache_key={self.cache_key!r})"
        )

    @property
    def cache_dir(self) -> Path:
        """The directory region files are cached in.

        Example:
            >>> ModelCatalog(cache_dir="/tmp/x").cache_dir.as_posix()
            '/tmp/x/catalog/aws'
        """
        root = self._cache_dir if self._cache_dir is not None else default_cache_dir()
        return root / "catalog" / self.cache_key

    @property
    def snapshot(self) -> CatalogSnapshot:
        """The fallback snapshot (the bundled one unless another was given).

        Example:
            >>> ModelCatalog(snapshot=CatalogSnapshot.empty()).snapshot.regions
            mappingproxy({})
        """
        return self._snapshot if self._snapshot is not None else load_bundled_snapshot()

    # Questions -------------------------------------------------------------

    def supports_on_demand(self, model_id: str, region: str) -> bool | None:
        """Whether the model can be invoked by its bare ID in `region`.

        Args:
            model_id: Any identifier naming a foundation model (profile IDs and ARNs
                are reduced to their base model).
            region: The region.

        Returns:
            `True` or `False` when the region lists the model; `None` when unknown.

        Example:
            >>> ModelCatalog(discover=False, disk_cache=False).supports_on_demand(
            ...     "amazon.nova-pro-v1:0", "us-east-1")
            True
        """
        data = self.region_catalog(region)
        base = _base_model(model_id)
        return None if data is None or base is None else data.supports_on_demand(base)

    def profiles_for(self, model_id: str, region: str) -> dict[str, str]:
        """System inference profiles for the model callable from `region`.

        Args:
            model_id: Any identifier naming a foundation model.
            region: The region.

        Returns:
            Prefix → profile ID, regional prefixes first (narrowest geography
            first), then `global`; empty when none is known.

        Example:
            >>> ModelCatalog(discover=False, disk_cache=False).profiles_for(
            ...     "amazon.nova-pro-v1:0", "ap-northeast-1")
            {'apac': 'apac.amazon.nova-pro-v1:0'}
        """
        data = self.region_catalog(region)
        base = _base_model(model_id)
        return {} if data is None or base is None else data.profiles_for(base)

    def lifecycle_status(self, model_id: str, region: str) -> str | None:
        """`ACTIVE`, `LEGACY`, or `None` when the region does not list the model.

        Example:
            >>> ModelCatalog(discover=False, disk_cache=False).lifecycle_status(
            ...     "anthropic.claude-3-haiku-20240307-v1:0", "us-east-1")
            'LEGACY'
        """
        data = self.region_catalog(region)
        base = _base_model(model_id)
        model = None if data is None or base is None else data.models.get(base)
        return None if model is None else model.lifecycle

    def model_lifecycle(self, model_id: str, region: str | None = None) -> ModelLifecycle:
        """Status, legacy and end-of-life dates, and suggested replacement: no network call.

        Answers from what the catalog already holds: data discovered (or read) earlier
        in this process, else the region's disk cache, else the bundled snapshot. The
        replacement comes from the bundled lifecycle table
        (`langchain_bedrock_enhanced.catalog.lifecycle`).

        Args:
            model_id: Any identifier; an application-profile ARN is resolved through
                the profiles held for `region`.
            region: The region asked about; when it does not list the model, other
                regions held say what they know.

        Returns:
            What is known; `status` is `None` when nothing held lists the model.

        Example:
            >>> catalog = ModelCatalog(discover=False, disk_cache=False)
            >>> info = catalog.model_lifecycle(
            ...     "global.anthropic.claude-opus-4-1-20250805-v1:0", "us-east-1")
            >>> info.status, info.end_of_life_text, info.replacement
            ('LEGACY', '2027-01-08', 'Claude Opus 4.8 / 4.6')
        """
        held = self.held_region_catalog(region) if region is not None else None
        base = _base_model(model_id)
        if base is None:
            profile = None if held is None else held.application_profile(model_id)
            base = profile.base_model_ids[0] if profile and profile.base_model_ids else None
        if base is None:
            return ModelLifecycle(model_id)
        regions: dict[str, RegionCatalog] = dict(self.snapshot.regions)
        with self._lock:
            regions.update({r: e.data for r, e in self._entries.items() if e.data is not None})
        if held is not None and region is not None:
            regions[region] = held
        return lifecycle_in(base, regions, region)

    def held_region_catalog(self, region: str) -> RegionCatalog | None:
        """The region's data already at hand, never looked up: memory, disk, snapshot.

        Memory holds whatever an earlier question obtained, even if its TTL has passed.

        Example:
            >>> ModelCatalog(discover=False, disk_cache=False).held_region_catalog(
            ...     "eu-west-1").source
            'snapshot'
        """
        with self._lock:
            entry = self._entries.get(region)
        if entry is not None and entry.data is not None:
            return entry.data
        cached = self._read_disk(region) if self.disk_cache else None
        return cached if cached is not None else self.snapshot.regions.get(region)

    def base_model_for(self, identifier: str, region: str) -> str | None:
        """The base model behind any identifier, using listed application profiles.

        Example:
            >>> ModelCatalog(discover=False, disk_cache=False).base_model_for(
            ...     "eu.amazon.nova-pro-v1:0", "eu-west-1")
            'amazon.nova-pro-v1:0'
        """
        base = _base_model(identifier)
        if base is not None:
            return base
        data = self.region_catalog(region)
        profile = None if data is None else data.application_profile(identifier)
        return profile.base_model_ids[0] if profile and profile.base_model_ids else None

    def source(self, region: str) -> CatalogSource:
        """Where the region's current data came from.

        Example:
            >>> ModelCatalog(discover=False, disk_cache=False,
            ...              snapshot=CatalogSnapshot.empty()).source("us-east-1")
            'none'
        """
        data = self.region_catalog(region)
        return "none" if data is None else data.source

    def region_catalog(self, region: str) -> RegionCatalog | None:
        """The region's data, looking it up if needed (at most one lookup at a time).

        Args:
            region: The region.

        Returns:
            The data, or `None` when nothing at all is known about the region.

        Example:
            >>> ModelCatalog(discover=False, disk_cache=False).region_catalog(
            ...     "eu-west-1").source
            'snapshot'
        """
        with self._lock:
            entry = self._entries.get(region)
            if entry is not None and self._clock() < entry.expires_at:
                return entry.data
            region_lock = self._region_locks.setdefault(region, threading.Lock())
        with region_lock:
            with self._lock:
                entry = self._entries.get(region)
                if entry is not None and self._clock() < entry.expires_at:
                    return entry.data
            fresh = self._lookup(region, stale=entry.data if entry else None)
            with self._lock:
                self._entries[region] = fresh
            return fresh.data

    def refresh(self, regions: str | Iterable[str] | None = None) -> dict[str, CatalogSource]:
        """Discover again now, ignoring memory and disk caches.

        Failures degrade as usual (WARNING, then older data or the snapshot).

        Args:
            regions: One region, several, or `None` for every region asked about so far.

        Returns:
            The source each region's data now comes from (`live` on success).

        Example:
            >>> ModelCatalog(discover=False, disk_cache=False).refresh("us-east-1")
            {'us-east-1': 'snapshot'}
        """
        if regions is None:
            with self._lock:
                names = sorted(self._entries)
        elif isinstance(regions, str):
            names = [regions]
        else:
            names = list(regions)
        result: dict[str, CatalogSource] = {}
        for region in names:
            with self._lock:
                region_lock = self._region_locks.setdefault(region, threading.Lock())
                entry = self._entries.get(region)
            with region_lock:
                fresh = self._lookup(region, stale=entry.data if entry else None, force=True)
                with self._lock:
                    self._entries[region] = fresh
            result[region] = "none" if fresh.data is None else fresh.data.source
        return result

    # Lookup ----------------------------------------------------------------

    def _lookup(self, region: str, *, stale: RegionCatalog | None, force: bool = False) -> _Entry:
        now = self._clock()
        cached = None if not self.disk_cache else self._read_disk(region)
        if cached is not None and not force and now - cached.fetched_at < self.ttl:
            return _Entry(cached, cached.fetched_at + self.ttl)
        if self.discover:
            try:
                data = discover_region(
                    self._factory(region), region, page_size=self.page_size, now=now
                )
            except _DISCOVERY_ERRORS as err:
                fallback = _fallback(cached, stale, self.snapshot.regions.get(region))
                logger.warning(
                    "Model catalog discovery failed in %s (%s: %s); using %s data until "
                    "%s from now.",
                    region,
                    type(err).__name__,
                    err,
                    "no" if fallback is None else fallback.source,
                    self.failure_ttl,
                )
                return _Entry(fallback, now + self.failure_ttl)
            logger.debug(
                "Discovered %d models and %d inference profiles in %s.",
                len(data.models),
                len(data.profiles),
                region,
            )
            if self.disk_cache:
                self._write_disk(data)
            return _Entry(data, now + self.ttl)
        return _Entry(_fallback(cached, stale, self.snapshot.regions.get(region)), now + self.ttl)

    def _path(self, region: str) -> Path | None:
        return self.cache_dir / f"{region}.json" if _REGION_RE.match(region) else None

    def _read_disk(self, region: str) -> RegionCatalog | None:
        path = self._path(region)
        if path is None:
            return None
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(document, Mapping) or document.get("format") != FORMAT:
                msg = "unknown format"
                raise ConfigurationError(msg)  # noqa: TRY301 - one handler for every way it can be bad
            data = RegionCatalog.from_dict(document, source="disk")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, ConfigurationError) as err:
            logger.warning("Ignoring the unusable catalog cache file %s (%s).", path, err)
            return None
        return data if data.region == region else None

    def _write_disk(self, data: RegionCatalog) -> None:
        path = self._path(data.region)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            document = {"format": FORMAT, **data.to_dict()}
            atomic_write_text(path, json.dumps(document, indent=1, sort_keys=True))
        except OSError as err:
            logger.warning("Cannot write the catalog cache file %s (%s).", path, err)


def _fallback(
    cached: RegionCatalog | None,
    stale: RegionCatalog | None,
    snapshot: RegionCatalog | None,
) -> RegionCatalog | None:
    """The newest discovered data at hand (disk or memory), else the snapshot."""
    discovered = [c for c in (cached, stale) if c is not None and c.source != "snapshot"]
    if discovered:
        return max(discovered, key=lambda c: c.fetched_at)
    return snapshot


def _base_model(identifier: str) -> str | None:
    parsed = parse_model_id(identifier)
    if parsed.kind in ("foundation_model", "system_profile"):
        return parsed.base_model_id
    return None


def control_plane_endpoint(endpoint_url: str | None) -> str | None:
    """The bedrock control-plane endpoint boto3 will use: given, else from the environment.

    boto3 reads `AWS_ENDPOINT_URL_BEDROCK`, then `AWS_ENDPOINT_URL`, when no endpoint is
    given (the emulator, in the README's quick start); `None` means AWS itself.

    Args:
        endpoint_url: The endpoint given, if any.

    Returns:
        The endpoint, or `None` for AWS's own.

    Example:
        >>> control_plane_endpoint("http://127.0.0.1:8765")
        'http://127.0.0.1:8765'
    """
    return (
        endpoint_url
        or os.environ.get("AWS_ENDPOINT_URL_BEDROCK")
        or os.environ.get("AWS_ENDPOINT_URL")
    )


def _cache_key_for(endpoint_url: str | None) -> str:
    # What another endpoint answers must not be cached as AWS's own catalog.
    endpoint_url = control_plane_endpoint(endpoint_url)
    if not endpoint_url:
        return "aws"
    digest = hashlib.sha256(endpoint_url.encode()).hexdigest()[:12]
    return f"endpoint-{digest}"
