"""Shared files: a reader never sees half a file, and writers take turns."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest

from langchain_bedrock_enhanced._files import atomic_write_text, exclusive_file_lock


def _lock_is_free(lock_path: Path) -> bool:
    with lock_path.open("a+b") as other:
        try:
            fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
        return True


def test_atomic_write_replaces_the_content_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    target.write_text("old")
    atomic_write_text(target, '{"new": true}')
    assert target.read_text() == '{"new": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]


def test_a_failed_atomic_write_keeps_the_old_content_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        atomic_write_text(target, "a lone surrogate \ud800 cannot be UTF-8")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]


def test_the_lock_is_held_inside_the_block_and_released_after(tmp_path: Path) -> None:
    lock_path = tmp_path / "nested" / "data.json.lock"
    with exclusive_file_lock(lock_path):
        assert lock_path.exists()
        assert not _lock_is_free(lock_path)
    assert _lock_is_free(lock_path)


def test_the_lock_is_released_when_the_block_raises(tmp_path: Path) -> None:
    lock_path = tmp_path / "data.json.lock"
    with pytest.raises(RuntimeError), exclusive_file_lock(lock_path):
        raise RuntimeError
    assert _lock_is_free(lock_path)
