"""Model lifecycle: what is known about a model's retirement, and the check before any call.

Amazon Bedrock moves a model from **Active** to **Legacy**, then past its
**end-of-life (EOL)** date, after which every request fails with "This model version
has reached the end of its life". `ListFoundationModels` reports
`modelLifecycle.status` (`ACTIVE` or `LEGACY`) and, when AWS knows them, `legacyTime`
and `endOfLifeTime`; the catalog keeps them (`CatalogModel.legacy_date`,
`end_of_life_date`). What the API never says comes from a small bundled table,
`data/lifecycle.json`, every row with its source and confidence: the suggested
replacement, and models known to be past their end of life whose date was never
published.

`check_model_lifecycle` applies it before any request:

- past its end of life (the EOL date is today or earlier, UTC, or the table marks it)
  → `ModelNotFoundError`;
- Legacy → a `DeprecationWarning` pointing at the caller's line;
- both name the model, the EOL date (or "not announced") and the replacement.

Example:
    >>> from datetime import date
    >>> info = snapshot_lifecycle("anthropic.claude-3-sonnet-20240229-v1:0", "us-east-1")
    >>> info.status, info.end_of_life_date, info.state(today=date(2026, 11, 26))
    ('LEGACY', datetime.date(2026, 7, 30), 'end_of_life')
    >>> info.replacement
    'Claude Sonnet 5 / 4.6'
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal, Protocol

from langchain_bedrock_enhanced.catalog.snapshot import (
    CatalogModel,
    CatalogSource,
    RegionCatalog,
    load_bundled_snapshot,
)
from langchain_bedrock_enhanced.errors import ModelNotFoundError
from langchain_bedrock_enhanced.model_ids import parse_model_id, unversioned_model_id

if TYPE_CHECKING:
    from types import FrameType

__all__ = [
    "LifecycleNote",
    "LifecycleSource",
    "LifecycleState",
    "ModelLifecycle",
    "check_model_lifecycle",
    "check_on_construction",
    "checked_after_construction",
    "lifecycle_in",
    "load_lifecycle_notes",
    "snapshot_lifecycle",
]

logger = logging.getLogger(__name__)

LifecycleState = Literal["active", "legacy", "end_of_life", "unknown"]
"""Where a model stands on a given day."""

LIFECYCLE_PAGE = "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html"


def _today() -> date:
    return datetime.now(timezone.utc).date()


@dataclass(frozen=True)
class LifecycleNote:
    """One row of the bundled table: what the API does not say about a model.

    Example:
        >>> load_lifecycle_notes()["anthropic.claude-3-opus-20240229-v1:0"].end_of_life
        True
    """

    model_id: str
    """The base model ID."""
    replacement: str | None = None
    """The suggested replacement as its source words it, e.g. `Claude Haiku 4.5`."""
    replacement_model_ids: tuple[str, ...] = ()
    """The model IDs the replacement names, where they are known."""
    end_of_life: bool = False
    """Known to be past its end of life, though no EOL date is published."""
    source: str = ""
    """Where the row comes from (keys explained in the file's provenance)."""
    confidence: str = "low"
    """`high`, `medium` or `low`, as the file's legend defines them."""


@dataclass(frozen=True)
class ModelLifecycle:
    """What is known about one model's lifecycle, and where that came from.

    Example:
        >>> from datetime import date
        >>> info = ModelLifecycle("m", status="LEGACY", end_of_life_date=date(2027, 1, 8))
        >>> info.state(today=date(2026, 11, 26)), info.state(today=date(2027, 1, 8))
        ('legacy', 'end_of_life')
    """

    model_id: str
    """The base model ID (or the identifier asked about, when no base is known)."""
    status: str | None = None
    """`modelLifecycle.status` (`ACTIVE` or `LEGACY`); `None` when no data lists the model."""
    legacy_date: date | None = None
    """When the model became Legacy, if published."""
    end_of_life_date: date | None = None
    """When the model reaches (or reached) its end of life, if published."""
    marked_end_of_life: bool = False
    """The bundled table knows the model is past its end of life (no date published)."""
    replacement: str | None = None
    """The suggested replacement, from the bundled table."""
    replacement_model_ids: tuple[str, ...] = ()
    """The model IDs of the suggested replacement, where known."""
    region: str | None = None
    """The region whose data gave `status` and the dates."""
    source: CatalogSource = "none"
    """Where that data came from: `live`, `disk`, `snapshot`, or `none`."""

    def is_end_of_life(self, today: date | None = None) -> bool:
        """Whether requests to the model fail by now.

        Args:
            today: The day to judge (default: today, UTC).

        Example:
            >>> from datetime import date
            >>> ModelLifecycle("m", end_of_life_date=date(2026, 7, 30)).is_end_of_life(
            ...     date(2026, 7, 30))
            True
        """
        if self.marked_end_of_life:
            return True
        day = today or _today()
        return self.end_of_life_date is not None and self.end_of_life_date <= day

    def state(self, today: date | None = None) -> LifecycleState:
        """`end_of_life`, `legacy`, `active`, or `unknown` (no data lists the model).

        Example:
            >>> ModelLifecycle("m", status="ACTIVE").state()
            'active'
        """
        if self.is_end_of_life(today):
            return "end_of_life"
        if self.status == "LEGACY":
            return "legacy"
        if self.status == "ACTIVE":
            return "active"
        return "unknown"

    @property
    def end_of_life_text(self) -> str:
        """The EOL date as ISO text, `passed (date not published)`, or `not announced`.

        Example:
            >>> ModelLifecycle("m", status="LEGACY").end_of_life_text
            'not announced'
        """
        if self.end_of_life_date is not None:
            return self.end_of_life_date.isoformat()
        return "passed (date not published)" if self.marked_end_of_life else "not announced"

    @property
    def replacement_text(self) -> str:
        """The replacement with its model IDs, or where to look when none is on record.

        Example:
            >>> ModelLifecycle("m", replacement="Nova 2 Pro (Preview)").replacement_text
            'Nova 2 Pro (Preview)'
        """
        if self.replacement is None:
            return f"none on record (see {LIFECYCLE_PAGE})"
        if not self.replacement_model_ids:
            return self.replacement
        return f"{self.replacement} ({', '.join(self.replacement_model_ids)})"


# The bundled table -------------------------------------------------------------


@functools.cache
def load_lifecycle_notes() -> Mapping[str, LifecycleNote]:
    """The bundled `data/lifecycle.json`, by base model ID (read once, lazily).

    A missing or damaged file gives no notes and a WARNING.

    Example:
        >>> load_lifecycle_notes()["amazon.nova-premier-v1:0"].replacement
        'Nova 2 Pro (Preview)'
    """
    source = resources.files("langchain_bedrock_enhanced.catalog") / "data" / "lifecycle.json"
    try:
        document = json.loads(source.read_text(encoding="utf-8"))
        notes = {
            str(row["model_id"]): LifecycleNote(
                model_id=str(row["model_id"]),
                replacement=row.get("replacement"),
                replacement_model_ids=tuple(str(m) for m in row.get("replacement_model_ids", ())),
                end_of_life=bool(row.get("end_of_life", False)),
                source=str(row.get("source", "")),
                confidence=str(row.get("confidence", "low")),
            )
            for row in document["models"]
        }
    except (OSError, ValueError, TypeError, KeyError) as err:
        logger.warning("The bundled model lifecycle table is unusable (%s); ignoring it.", err)
        return MappingProxyType({})
    return MappingProxyType(notes)


def _note_for(base_model_id: str) -> LifecycleNote | None:
    notes = load_lifecycle_notes()
    found = notes.get(base_model_id)
    if found is None:
        stem = unversioned_model_id(base_model_id)
        found = next((n for k, n in notes.items() if unversioned_model_id(k) == stem), None)
    return found


# Combining the catalog's data with the table ----------------------------------------


def _listed(base_model_id: str, data: RegionCatalog) -> CatalogModel | None:
    found = data.models.get(base_model_id)
    if found is None:
        stem = unversioned_model_id(base_model_id)
        found = next((m for k, m in data.models.items() if unversioned_model_id(k) == stem), None)
    return found


def _severity(model: CatalogModel) -> tuple[bool, bool]:
    return (model.end_of_life_date is not None, model.lifecycle == "LEGACY")


def lifecycle_in(
    base_model_id: str,
    regions: Mapping[str, RegionCatalog],
    region: str | None = None,
) -> ModelLifecycle:
    """A model's lifecycle from region catalogs at hand, with the bundled table's notes.

    The asked region's entry wins. When that region does not list the model (or no
    region is given), the most telling entry of any other region is used: one with an
    EOL date, then a Legacy one (lifecycle is the same everywhere in nearly every case).

    Args:
        base_model_id: The base model ID.
        regions: Region → catalog data.
        region: The region asked about, if any.

    Returns:
        What is known; `status` is `None` when no region lists the model.

    Example:
        >>> snapshot = load_bundled_snapshot()
        >>> lifecycle_in("amazon.nova-pro-v1:0", snapshot.regions, "us-east-1").status
        'ACTIVE'
    """
    chosen: tuple[CatalogModel, RegionCatalog] | None = None
    own = regions.get(region) if region is not None else None
    listed = _listed(base_model_id, own) if own is not None else None
    if own is not None and listed is not None:
        chosen = (listed, own)
    else:
        for name in sorted(regions):
            candidate = _listed(base_model_id, regions[name])
            if candidate is None:
                continue
            if chosen is None or _severity(candidate) > _severity(chosen[0]):
                chosen = (candidate, regions[name])
    # Nothing listed: an empty entry (no status, no dates); no row: an empty note.
    model, data = chosen if chosen is not None else (CatalogModel(base_model_id), None)
    note = _note_for(base_model_id) or LifecycleNote(base_model_id)
    return ModelLifecycle(
        model_id=model.model_id,
        status=model.lifecycle,
        legacy_date=model.legacy_date,
        end_of_life_date=model.end_of_life_date,
        marked_end_of_life=note.end_of_life,
        replacement=note.replacement,
        replacement_model_ids=note.replacement_model_ids,
        region=None if data is None else data.region,
        source="none" if data is None else data.source,
    )


def snapshot_lifecycle(model_id: str, region: str | None = None) -> ModelLifecycle:
    """A model's lifecycle from the bundled snapshot and table alone (no network, no cache).

    Application-profile ARNs have no base model here: pass their base model instead.

    Example:
        >>> snapshot_lifecycle("us.anthropic.claude-opus-4-1-20250805-v1:0").end_of_life_text
        '2027-01-08'
    """
    base = parse_model_id(model_id).base_model_id
    if base is None:
        return ModelLifecycle(model_id)
    return lifecycle_in(base, load_bundled_snapshot().regions, region)


# The check ------------------------------------------------------------------------


class LifecycleSource(Protocol):
    """Anything that answers lifecycle questions from what it holds (a `ModelCatalog`)."""

    def model_lifecycle(self, model_id: str, region: str | None = None) -> ModelLifecycle:
        """What is known about the model, without a network call."""
        ...  # pragma: no cover - a protocol


_CHECKED_LATER: ContextVar[bool] = ContextVar("lifecycle_checked_later", default=False)


@contextlib.contextmanager
def checked_after_construction() -> Iterator[None]:
    """Within this block, `check_on_construction` does nothing: the caller checks after.

    The factory builds a model inside it, then checks once with the catalog it chose,
    so a model built by the factory warns once, not twice.

    Example:
        >>> with checked_after_construction():
        ...     check_on_construction("anthropic.claude-3-sonnet-20240229-v1:0", region=None)
    """
    token = _CHECKED_LATER.set(True)
    try:
        yield
    finally:
        _CHECKED_LATER.reset(token)


def check_on_construction(
    model_id: str, *, region: str | None, base_model_id: str | None = None
) -> None:
    """The check run while a family class is built directly: the bundled snapshot decides.

    Does nothing inside `checked_after_construction()`. The arguments are those of
    `check_model_lifecycle`.

    Raises:
        ModelNotFoundError: The model is past its end of life.

    Example:
        >>> check_on_construction("amazon.nova-pro-v1:0", region="us-east-1")
    """
    if not _CHECKED_LATER.get():
        check_model_lifecycle(model_id, region=region, base_model_id=base_model_id)


def check_model_lifecycle(
    model_id: str,
    *,
    region: str | None,
    catalog: LifecycleSource | None = None,
    base_model_id: str | None = None,
    today: date | None = None,
) -> ModelLifecycle:
    """Refuse a model past its end of life and warn about a Legacy one, before any request.

    Args:
        model_id: The identifier as given (any form: bare, versioned, profile ID, ARN).
        region: The region the model will be called from.
        catalog: Where lifecycle data comes from, without a network call (live data
            if discovered, else the disk cache, else the bundled snapshot); the
            bundled snapshot when `None`.
        base_model_id: The base model, when the identifier does not name it (an
            application-profile ARN).
        today: The day to judge (default: today, UTC).

    Returns:
        What is known about the model.

    Raises:
        ModelNotFoundError: The model is past its end of life.

    Example:
        >>> from datetime import date
        >>> try:
        ...     check_model_lifecycle("us.anthropic.claude-sonnet-4-20250514-v1:0",
        ...                           region="us-east-1", today=date(2026, 11, 26))
        ... except ModelNotFoundError as err:
        ...     print(str(err).split(";")[0])
        us.anthropic.claude-sonnet-4-20250514-v1:0 (base model \
anthropic.claude-sonnet-4-20250514-v1:0) has reached the end of its life on Amazon \
Bedrock (end of life: 2026-10-14)
    """
    base = base_model_id or parse_model_id(model_id).base_model_id
    if catalog is not None:
        info = catalog.model_lifecycle(base or model_id, region)
    elif base is not None:
        info = lifecycle_in(base, load_bundled_snapshot().regions, region)
    else:
        info = ModelLifecycle(model_id)
    named = model_id if info.model_id == model_id else f"{model_id} (base model {info.model_id})"
    where = "" if info.source == "none" else f" [lifecycle data: {info.source}, {info.region}]"
    if info.is_end_of_life(today):
        msg = (
            f"{named} has reached the end of its life on Amazon Bedrock (end of life: "
            f"{info.end_of_life_text}); every request to it fails. Use another model; "
            f"suggested replacement: {info.replacement_text}.{where}"
        )
        raise ModelNotFoundError(msg, model_id=model_id, region=region)
    if info.status == "LEGACY":
        # AWS's model-lifecycle page: new customers can't use Legacy models, and
        # existing ones may lose access to them through inactivity.
        msg = (
            f"{named} is a Legacy model on Amazon Bedrock (end of life: "
            f"{info.end_of_life_text}): accounts new to it or inactive may be refused, "
            f"and it stops answering at its end of life. Suggested replacement: "
            f"{info.replacement_text}.{where}"
        )
        warnings.warn(msg, DeprecationWarning, stacklevel=_callers_level())
    return info


# Where the warning points ------------------------------------------------------------

# Frames in these packages are between the caller and the check: our own code,
# pydantic's constructor and langchain's model classes. A dependency that is not
# imported cannot be on the stack, so only loaded ones are looked up.
_INTERNAL_PACKAGES = ("langchain_bedrock_enhanced", "pydantic", "langchain_core", "langchain_aws")


def _internal_dirs() -> tuple[str, ...]:
    found = []
    for name in _INTERNAL_PACKAGES:
        path = getattr(sys.modules.get(name), "__file__", None)
        if path:
            found.append(str(Path(path).parent) + os.sep)
    return tuple(found)


def _callers_level() -> int:
    """The `stacklevel` of the first frame outside this package and its model bases.

    Counted from the function that calls `warnings.warn` (level 1), so the warning
    names the user's line whether the model came from the factory, the simple client
    or a direct constructor call.
    """
    internal = _internal_dirs()
    frame: FrameType | None = sys._getframe(2)  # noqa: SLF001 - the caller of our caller
    level = 2
    while frame is not None and frame.f_code.co_filename.startswith(internal):
        frame = frame.f_back
        level += 1
    return level
