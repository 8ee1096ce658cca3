"""The `demo` command (`make demo`) runs on the embedded emulator and leaves nothing behind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from langchain_bedrock_enhanced.catalog import CACHE_DIR_ENV
from langchain_bedrock_enhanced.cli import run_demo


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty directory the package is told to cache in."""
    directory = tmp_path / "cache"
    directory.mkdir()
    monkeypatch.setenv(CACHE_DIR_ENV, str(directory))
    return directory


def test_the_demo_leaves_the_cache_dir_empty(cache_dir: Path) -> None:
    assert run_demo(io.StringIO()) == 0
    assert sorted(cache_dir.rglob("*")) == []


def test_the_demo_catalog_in_memory_still_picks_the_profile_before_the_first_call(
    cache_dir: Path,
) -> None:
    out = io.StringIO()
    assert run_demo(out) == 0
    lines = out.getvalue().splitlines()
    start = lines.index("  ap-northeast-1 (catalog on)")
    first_call = lines[start + 1].split()
    assert first_call[:4] == [
        "call",
        "1:",
        "regional_cris",
        "jp.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ]
    assert first_call[-1] == "1"  # one runtime request: no error to learn from
