"""Files that several processes share: atomic replacement and an exclusive lock.

Used by the preference file store and the model catalog's disk cache. Both need a
reader never to see half a file, and the preference store needs writers in
different processes to take turns.

- `atomic_write_text` writes a temporary sibling, fsyncs it and `os.replace`s it.
- `exclusive_file_lock` holds `fcntl.flock` on a sidecar lock file; where `fcntl` is
  missing (Windows) it falls back to a lock file created with `O_CREAT | O_EXCL`,
  retried briefly, breaking a stale lock older than 30 s.

Example:
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with exclusive_file_lock(folder / "data.json.lock"):
    ...     atomic_write_text(folder / "data.json", "{}")
    >>> (folder / "data.json").read_text()
    '{}'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["atomic_write_text", "exclusive_file_lock"]

_FALLBACK_LOCK_TIMEOUT = 10.0
_FALLBACK_STALE_LOCK = 30.0


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to a temporary sibling, fsync it, and `os.replace` it over `path`.

    Readers see the old content or the new, never a partial file. The directory
    must exist.

    Args:
        path: The file to (re)write.
        text: Its new content (UTF-8).

    Example:
        >>> import tempfile, pathlib
        >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.json"
        >>> atomic_write_text(target, "{}")
        >>> target.read_text()
        '{}'
    """
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


@contextlib.contextmanager
def exclusive_file_lock(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` (created, with its directory, if missing).

    Args:
        lock_path: The sidecar lock file; it is never read.

    Yields:
        Nothing; the lock is held inside the block, across processes.

    Example:
        >>> import pathlib, tempfile
        >>> with exclusive_file_lock(pathlib.Path(tempfile.mkdtemp()) / "a" / "x.lock"):
        ...     pass
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl  # noqa: PLC0415 - POSIX only; Windows takes the other branch
    except ImportError:  # pragma: no cover - exercised on Windows only
        with _exclusive_lock_file(lock_path):
            yield
        return
    with lock_path.open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@contextlib.contextmanager
def _exclusive_lock_file(lock_path: Path) -> Iterator[None]:  # pragma: no cover - Windows
    """A lock file created with O_EXCL: the portable fallback where `fcntl` is missing."""
    deadline = time.monotonic() + _FALLBACK_LOCK_TIMEOUT
    while True:
        try:
            descriptor = os.open(lock_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - lock_path.stat().st_mtime > _FALLBACK_STALE_LOCK:
                    lock_path.unlink()
                    continue
            if time.monotonic() > deadline:
                msg = f"Timed out waiting for the lock file {lock_path}."
                raise TimeoutError(msg) from None
            time.sleep(0.01)
    try:
        yield
    finally:
        os.close(descriptor)
        with contextlib.suppress(OSError):
            lock_path.unlink()
