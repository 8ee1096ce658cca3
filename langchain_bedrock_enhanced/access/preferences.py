"""Learned access-method preferences, and where they are kept.

An `AccessMethodPreference` records what was learned about one (model, region)
pair: which method worked, whether Bedrock refused the bare ID, and when. A
`PreferenceStore` keeps them: `InMemoryPreferenceStore` for one process (the
default), `JsonFilePreferenceStore` to share them between processes and runs.

The file store
--------------
- **Atomic:** every write goes to a temporary file in the same directory, is
  flushed and fsynced, then `os.replace`d over the target, so a reader sees the old
  file or the new one, never half of one.
- **Safe across processes:** a write holds an exclusive lock on a sidecar lock file
  (`<name>.lock`, see `langchain_bedrock_enhanced._files`), re-reads the file,
  applies its one change to what it read and writes the merge. Two processes
  writing different keys both keep their keys; for the same key the last writer
  wins.
- **Never crashes on bad data:** a corrupted or truncated file, or an entry with
  the wrong shape, is logged at WARNING and treated as empty (or skipped); the next
  write replaces it with a valid file.
- **Cheap reads:** the file is read once (lazily) and on every write; `get` is a
  dictionary lookup. Call `reload()` to pick up other processes' writes sooner.

Example:
    >>> store = InMemoryPreferenceStore()
    >>> store.put("amazon.nova-pro-v1:0", "eu-west-1", AccessMethodPreference(
    ...     prefer_regional_cris=True, learned_from_error=True,
    ...     profile_id="eu.amazon.nova-pro-v1:0"))
    >>> store.get("amazon.nova-pro-v1:0", "eu-west-1").get_preferred_method()
    <AccessMethod.REGIONAL_CRIS: 'regional_cris'>
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from langchain_bedrock_enhanced._files import atomic_write_text, exclusive_file_lock
from langchain_bedrock_enhanced.errors import ConfigurationError
from langchain_bedrock_enhanced.model_ids import AccessMethod

__all__ = [
    "AccessMethodPreference",
    "InMemoryPreferenceStore",
    "JsonFilePreferenceStore",
    "PreferenceKey",
    "PreferenceStore",
]

logger = logging.getLogger(__name__)

PreferenceKey = tuple[str, str]
"""`(model_id, region)`."""

_FILE_FORMAT = 1


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class AccessMethodPreference:
    """What was learned about reaching one model in one region.

    At most one `prefer_*` flag is set. `learned_from_error` means Bedrock refused
    the bare model ID (on-demand throughput not supported), so it excludes
    `prefer_direct`.

    Attributes:
        prefer_direct: The bare model ID worked.
        prefer_regional_cris: A geographic profile (`us.`, `eu.`, ...) worked.
        prefer_global_cris: The global profile worked.
        learned_from_error: Bedrock said the model needs an inference profile.
        last_updated: When this was learned (timezone-aware); drives expiry.
        profile_id: The profile ID that worked, when a profile method is preferred.

    Example:
        >>> pref = AccessMethodPreference(prefer_global_cris=True, learned_from_error=True)
        >>> pref.get_preferred_method(), pref.requires_profile
        (<AccessMethod.GLOBAL_CRIS: 'global_cris'>, True)
    """

    prefer_direct: bool = False
    prefer_regional_cris: bool = False
    prefer_global_cris: bool = False
    learned_from_error: bool = False
    last_updated: datetime = field(default_factory=_utcnow)
    profile_id: str | None = None

    def __post_init__(self) -> None:
        """Reject contradictory preferences."""
        flags = (self.prefer_direct, self.prefer_regional_cris, self.prefer_global_cris)
        if sum(flags) > 1:
            msg = (
                "An AccessMethodPreference prefers at most one method; got "
                f"prefer_direct={flags[0]}, prefer_regional_cris={flags[1]}, "
                f"prefer_global_cris={flags[2]}."
            )
            raise ConfigurationError(msg)
        if self.prefer_direct and self.learned_from_error:
            msg = (
                "An AccessMethodPreference cannot prefer the direct method when it was "
                "learned from a profile-requirement error."
            )
            raise ConfigurationError(msg)
        if self.last_updated.tzinfo is None:
            msg = "AccessMethodPreference.last_updated must be timezone-aware."
            raise ConfigurationError(msg)

    def get_preferred_method(self) -> AccessMethod | None:
        """The method that worked, or `None` if only "not direct" is known.

        Example:
            >>> AccessMethodPreference(learned_from_error=True).get_preferred_method() is None
            True
        """
        if self.prefer_direct:
            return AccessMethod.DIRECT
        if self.prefer_regional_cris:
            return AccessMethod.REGIONAL_CRIS
        if self.prefer_global_cris:
            return AccessMethod.GLOBAL_CRIS
        return None

    @property
    def requires_profile(self) -> bool:
        """Whether the bare model ID is known not to work.

        Example:
            >>> AccessMethodPreference(prefer_direct=True).requires_profile
            False
        """
        return self.learned_from_error and not self.prefer_direct

    @classmethod
    def for_method(
        cls,
        method: AccessMethod,
        *,
        profile_id: str | None = None,
        learned_from_error: bool = False,
        now: datetime | None = None,
    ) -> AccessMethodPreference:
        """A preference for one method that just worked.

        Args:
            method: `DIRECT`, `REGIONAL_CRIS` or `GLOBAL_CRIS`.
            profile_id: The profile ID sent, for a profile method.
            learned_from_error: Whether the bare ID is known to fail (ignored for
                `DIRECT`, whose success disproves it).
            now: The time of learning; defaults to the current UTC time.

        Returns:
            The preference.

        Raises:
            ConfigurationError: For `APPLICATION_PROFILE`, which is never chosen.

        Example:
            >>> AccessMethodPreference.for_method(AccessMethod.DIRECT).prefer_direct
            True
        """
        if method is AccessMethod.APPLICATION_PROFILE:
            msg = "Application inference profiles are used as given, not learned."
            raise ConfigurationError(msg)
        direct = method is AccessMethod.DIRECT
        return cls(
            prefer_direct=direct,
            prefer_regional_cris=method is AccessMethod.REGIONAL_CRIS,
            prefer_global_cris=method is AccessMethod.GLOBAL_CRIS,
            learned_from_error=learned_from_error and not direct,
            last_updated=now or _utcnow(),
            profile_id=None if direct else profile_id,
        )

    def confirmed_by(self, method: AccessMethod, profile_id: str | None = None) -> bool:
        """Whether a success through `method` (and `profile_id`) would teach nothing new.

        Example:
            >>> pref = AccessMethodPreference(prefer_regional_cris=True, profile_id="eu.m")
            >>> pref.confirmed_by(AccessMethod.REGIONAL_CRIS, "eu.m")
            True
            >>> pref.confirmed_by(AccessMethod.GLOBAL_CRIS, "global.m")
            False
        """
        if method is AccessMethod.DIRECT:
            return self.prefer_direct and self.profile_id is None
        return self.get_preferred_method() is method and self.profile_id == profile_id

    def same_facts(self, other: AccessMethodPreference) -> bool:
        """Whether two preferences say the same thing, ignoring `last_updated`.

        Example:
            >>> a = AccessMethodPreference(prefer_direct=True)
            >>> a.same_facts(AccessMethodPreference(prefer_direct=True))
            True
        """
        return replace(self, last_updated=other.last_updated) == other

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (`last_updated` as ISO 8601).

        Example:
            >>> AccessMethodPreference(prefer_direct=True).to_dict()["prefer_direct"]
            True
        """
        return {
            "prefer_direct": self.prefer_direct,
            "prefer_regional_cris": self.prefer_regional_cris,
            "prefer_global_cris": self.prefer_global_cris,
            "learned_from_error": self.learned_from_error,
            "last_updated": self.last_updated.isoformat(),
            "profile_id": self.profile_id,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AccessMethodPreference:
        """Rebuild a preference from `to_dict()` output.

        Args:
            data: The dictionary.

        Returns:
            The preference.

        Raises:
            ConfigurationError: The data has the wrong shape.

        Example:
            >>> pref = AccessMethodPreference(prefer_global_cris=True, profile_id="global.m")
            >>> AccessMethodPreference.from_dict(pref.to_dict()) == pref
            True
        """
        flags = (
            "prefer_direct",
            "prefer_regional_cris",
            "prefer_global_cris",
            "learned_from_error",
        )
        values: dict[str, bool] = {}
        for name in flags:
            value = data.get(name, False)
            if not isinstance(value, bool):
                msg = f"{name} must be a boolean, got {value!r}."
                raise ConfigurationError(msg)
            values[name] = value
        profile = data.get("profile_id")
        if profile is not None and not isinstance(profile, str):
            msg = f"profile_id must be a string or null, got {profile!r}."
            raise ConfigurationError(msg)
        stamp = data.get("last_updated")
        try:
            when = datetime.fromisoformat(str(stamp))
        except ValueError as err:
            msg = f"last_updated must be an ISO 8601 timestamp, got {stamp!r}."
            raise ConfigurationError(msg) from err
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return cls(last_updated=when, profile_id=profile, **values)


@runtime_checkable
class PreferenceStore(Protocol):
    """Where an `AccessMethodTracker` keeps learned preferences.

    Implementations must be thread-safe. `get` is called on every model call, so it
    must not do I/O; `put` and `delete` are called only when something changed.

    Example:
        >>> isinstance(InMemoryPreferenceStore(), PreferenceStore)
        True
    """

    def get(self, model_id: str, region: str) -> AccessMethodPreference | None:
        """The stored preference for `(model_id, region)`, if any."""
        ...

    def put(self, model_id: str, region: str, preference: AccessMethodPreference) -> None:
        """Store (or replace) the preference for `(model_id, region)`."""
        ...

    def delete(self, model_id: str, region: str) -> None:
        """Forget the preference for `(model_id, region)`; a missing key is fine."""
        ...

    def items(self) -> list[tuple[PreferenceKey, AccessMethodPreference]]:
        """A snapshot of every stored `((model_id, region), preference)`."""
        ...

    def clear(self) -> None:
        """Forget everything."""
        ...


class InMemoryPreferenceStore:
    """Preferences in a dictionary: fast, thread-safe, gone when the process ends.

    Example:
        >>> store = InMemoryPreferenceStore()
        >>> store.put("m", "us-east-1", AccessMethodPreference(prefer_direct=True))
        >>> [key for key, _ in store.items()]
        [('m', 'us-east-1')]
    """

    def __init__(self) -> None:
        """Start empty."""
        self._lock = threading.Lock()
        self._data: dict[PreferenceKey, AccessMethodPreference] = {}

    def get(self, model_id: str, region: str) -> AccessMethodPreference | None:
        """The stored preference, if any.

        Example:
            >>> InMemoryPreferenceStore().get("m", "us-east-1") is None
            True
        """
        with self._lock:
            return self._data.get((model_id, region))

    def put(self, model_id: str, region: str, preference: AccessMethodPreference) -> None:
        """Store (or replace) a preference.

        Example:
            >>> InMemoryPreferenceStore().put("m", "r", AccessMethodPreference())
        """
        with self._lock:
            self._data[model_id, region] = preference

    def delete(self, model_id: str, region: str) -> None:
        """Forget a preference.

        Example:
            >>> InMemoryPreferenceStore().delete("m", "r")
        """
        with self._lock:
            self._data.pop((model_id, region), None)

    def items(self) -> list[tuple[PreferenceKey, AccessMethodPreference]]:
        """A snapshot of every stored preference.

        Example:
            >>> InMemoryPreferenceStore().items()
            []
        """
        with self._lock:
            return list(self._data.items())

    def clear(self) -> None:
        """Forget everything.

        Example:
            >>> InMemoryPreferenceStore().clear()
        """
        with self._lock:
            self._data.clear()


class JsonFilePreferenceStore:
    """Preferences in a JSON file that several processes may share.

    See the module docstring for the guarantees (atomic replace, inter-process
    lock, merge on write, corrupted files tolerated).

    Args:
        path: The JSON file. Its directory is created on the first write.

    Example:
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> JsonFilePreferenceStore(folder / "prefs.json").put(
        ...     "m", "us-east-1", AccessMethodPreference(prefer_direct=True))
        >>> JsonFilePreferenceStore(folder / "prefs.json").get("m", "us-east-1").prefer_direct
        True
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Remember the path; nothing is read until first use."""
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._lock = threading.RLock()
        self._data: dict[PreferenceKey, AccessMethodPreference] | None = None

    def __repr__(self) -> str:
        """Show the path."""
        return f"{type(self).__name__}({str(self.path)!r})"

    # Reads -----------------------------------------------------------------

    def _loaded(self) -> dict[PreferenceKey, AccessMethodPreference]:
        if self._data is None:
            self._data = self._read()
        return self._data

    def reload(self) -> None:
        """Re-read the file now, picking up other processes' writes.

        Example:
            >>> import tempfile, pathlib
            >>> JsonFilePreferenceStore(pathlib.Path(tempfile.mkdtemp()) / "p.json").reload()
        """
        with self._lock:
            self._data = self._read()

    def get(self, model_id: str, region: str) -> AccessMethodPreference | None:
        """The stored preference, if any (a dictionary lookup after the first read).

        Example:
            >>> import tempfile, pathlib
            >>> store = JsonFilePreferenceStore(pathlib.Path(tempfile.mkdtemp()) / "p.json")
            >>> store.get("m", "r") is None
            True
        """
        with self._lock:
            return self._loaded().get((model_id, region))

    def items(self) -> list[tuple[PreferenceKey, AccessMethodPreference]]:
        """A snapshot of every stored preference.

        Example:
            >>> import tempfile, pathlib
            >>> JsonFilePreferenceStore(pathlib.Path(tempfile.mkdtemp()) / "p.json").items()
            []
        """
        with self._lock:
            return list(self._loaded().items())

    # Writes ----------------------------------------------------------------

    def put(self, model_id: str, region: str, preference: AccessMethodPreference) -> None:
        """Store a preference: lock, re-read, merge, atomically replace.

        Example:
            >>> import tempfile, pathlib
            >>> store = JsonFilePreferenceStore(pathlib.Path(tempfile.mkdtemp()) / "p.json")
            >>> store.put("m", "r", AccessMethodPreference(prefer_direct=True))
        """

        def change(data: dict[PreferenceKey, AccessMethodPreference]) -> None:
            data[model_id, region] = preference

        self._update(change)

    def delete(self, model_id: str, region: str) -> None:
        """Forget a preference (in the file too).

        Example:
            >>> import tempfile, pathlib
            >>> JsonFilePreferenceStore(pathlib.Path(tempfile.mkdtemp()) / "p.json").delete(
            ...     "m", "r")
        """

        def change(data: dict[PreferenceKey, AccessMethodPreference]) -> None:
            data.pop((model_id, region), None)

        self._update(change)

    def clear(self) -> None:
        """Forget everything (the file is rewritten empty).

        Example:
            >>> import tempfile, pathlib
            >>> JsonFilePreferenceStore(pathlib.Path(tempfile.mkdtemp()) / "p.json").clear()
        """
        self._update(lambda data: data.clear())

    def _update(
        self, change: Callable[[dict[PreferenceKey, AccessMethodPreference]], None]
    ) -> None:
        with self._lock, exclusive_file_lock(self.lock_path):
            data = self._read()
            change(data)
            self._write(data)
            self._data = data

    # Files -----------------------------------------------------------------

    def _read(self) -> dict[PreferenceKey, AccessMethodPreference]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except OSError as err:
            logger.warning(
                "Cannot read the preference file %s (%s); starting empty.", self.path, err
            )
            return {}
        if not raw.strip():
            return {}
        try:
            document = json.loads(raw)
        except ValueError as err:
            logger.warning(
                "The preference file %s is corrupted or truncated (%s); starting empty. "
                "It is rewritten on the next change.",
                self.path,
                err,
            )
            return {}
        entries = document.get("preferences") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            logger.warning(
                "The preference file %s has an unexpected layout; starting empty.", self.path
            )
            return {}
        return _parse_entries(entries, self.path)

    def _write(self, data: Mapping[PreferenceKey, AccessMethodPreference]) -> None:
        document = {
            "format": _FILE_FORMAT,
            "preferences": [
                {"model_id": model_id, "region": region, **pref.to_dict()}
                for (model_id, region), pref in sorted(data.items())
            ],
        }
        text = json.dumps(document, indent=1, sort_keys=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.path, text)


def _parse_entries(entries: list[Any], path: Path) -> dict[PreferenceKey, AccessMethodPreference]:
    data: dict[PreferenceKey, AccessMethodPreference] = {}
    skipped = 0
    for entry in entries:
        if not isinstance(entry, dict):
            skipped += 1
            continue
        model_id, region = entry.get("model_id"), entry.get("region")
        if not isinstance(model_id, str) or not isinstance(region, str):
            skipped += 1
            continue
        try:
            data[model_id, region] = AccessMethodPreference.from_dict(entry)
        except ConfigurationError:
            skipped += 1
    if skipped:
        logger.warning("Skipped %d malformed entries in the preference file %s.", skipped, path)
    return data
