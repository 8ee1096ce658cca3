"""Suite-wide safety, for the tests and the package's doctests alike.

No test or docstring example may reach AWS or read the developer's credentials, and
each starts with nothing learned. Doctests run with sockets disabled, as unit tests do.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from _pytest.doctest import DoctestItem
from pytest_socket import disable_socket, enable_socket, socket_allow_hosts
from sybil import Document, Example, Region, Sybil

from langchain_bedrock_enhanced import factory
from langchain_bedrock_enhanced.access import AccessMethodTracker

_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLETESTKEY01",
    "AWS_SECRET_ACCESS_KEY": "emulator-secret-key-for-tests-only",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
_REMOVED_ENV = (
    "AWS_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_BEARER_TOKEN_BEDROCK",
    "AWS_REGION",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
    "AWS_ENDPOINT_URL_BEDROCK",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
)


@pytest.fixture(autouse=True)
def _isolated_aws_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name in _REMOVED_ENV:
        monkeypatch.delenv(name, raising=False)
    for name, value in _FAKE_ENV.items():
        monkeypatch.setenv(name, value)
    empty = tmp_path_factory.getbasetemp() / "no-aws-config"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))


@pytest.fixture(autouse=True)
def _fresh_access_state(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each test starts with nothing learned and an empty catalog cache."""
    cache = tmp_path_factory.mktemp("catalog-cache")
    monkeypatch.setenv("LANGCHAIN_BEDROCK_ENHANCED_CACHE_DIR", str(cache))
    AccessMethodTracker.reset_instance()
    monkeypatch.setattr(factory, "_CATALOGS", {})


@pytest.fixture(autouse=True)
def _doctests_without_network(request: pytest.FixtureRequest) -> Iterator[None]:
    if not isinstance(request.node, DoctestItem):
        yield
        return
    disable_socket(allow_unix_socket=True)
    yield
    enable_socket()


# --- Every Python example in README.md and docs/*.md runs, through Sybil --------------
#
# How to mark a fenced ```python block, with an HTML comment on the line just above it
# (invisible on GitHub and on the docs site):
#
# - nothing: the block needs no AWS. It runs as written, with loopback sockets only
#   (it may start its own `BedrockEmulator`) and the suite's dummy credentials.
# - `<!-- aws -->`: the block talks to Bedrock, as a user would with their own account.
#   It runs against an emulator started for its page, through AWS's standard variables
#   (`AWS_ENDPOINT_URL`, `AWS_REGION=us-east-1` and dummy credentials).
# - `<!-- redis -->` (may be combined: `<!-- aws redis -->`): the block needs the local
#   Redis server; it is skipped without one, or fails under LBE_REQUIRE_REDIS=1.
# - `<!-- skip: why -->`: the block cannot run (a fragment, a real S3 bucket). Keep these
#   rare, and say why.
#
# Blocks of one page run in order and share their names, like cells of a notebook. The
# README's "Quick start" is run by tests/wire/test_readme.py exactly as a user runs it
# (the emulator started from the shell), so it is not run a second time here.

_ROOT = Path(__file__).resolve().parent
_FENCED_PYTHON = re.compile(
    r"^(?P<indent>[ \t]*)```python[ \t]*\n(?P<code>.*?)^(?P=indent)```[ \t]*$",
    flags=re.MULTILINE | re.DOTALL,
)
_MARK = re.compile(r"^[ \t]*<!--\s*(?P<mark>.*?)\s*-->[ \t]*$")
_LOOPBACK = ["127.0.0.1", "::1", "localhost"]
_EMULATOR_KEY = "__docs_emulator__"


@dataclass(frozen=True)
class _DocBlock:
    code: str
    line: int
    aws: bool
    redis: bool
    skip: str | None


def _mark_above(text: str, start: int) -> str:
    above = text[:start].rstrip("\n").rsplit("\n", 1)[-1]
    found = _MARK.match(above)
    return found.group("mark") if found else ""


def _run_doc_block(example: Example) -> None:
    block: _DocBlock = example.parsed
    if block.skip is not None:
        pytest.skip(block.skip)
    if block.redis:
        _require_redis()
    socket_allow_hosts(_LOOPBACK, allow_unix_socket=True)
    saved = dict(os.environ)
    if block.aws:
        emulator = example.namespace.get(_EMULATOR_KEY)
        if emulator is None:
            from langchain_bedrock_enhanced.emulator import (  # noqa: PLC0415 - its extra
                BedrockEmulator,
            )

            emulator = BedrockEmulator()
            emulator.start()
            example.namespace[_EMULATOR_KEY] = emulator
        os.environ.update(
            AWS_ENDPOINT_URL=emulator.endpoint_url,
            AWS_REGION="us-east-1",
            AWS_ACCESS_KEY_ID="test",
            AWS_SECRET_ACCESS_KEY="test",  # noqa: S106 - the emulator takes any key
        )
    cwd = Path.cwd()
    os.chdir(_ROOT)  # paths in the docs (scenarios/...) are relative to the repository
    try:
        # Blank lines in front keep the page's line numbers in tracebacks.
        # dont_inherit: the block runs without this file's `from __future__` imports.
        source = "\n" * (block.line - 1) + block.code
        code = compile(source, str(example.path), "exec", dont_inherit=True)
        exec(code, example.namespace)  # noqa: S102 - the documentation's own examples
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(saved)


def _require_redis() -> None:
    import redis  # noqa: PLC0415 - the [redis] extra, only for the pages that use it

    url = os.environ.get("LBE_REDIS_URL", "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as err:
        reason = f"this example needs a Redis server at {url} ({err})"
        if os.environ.get("LBE_REQUIRE_REDIS") == "1":
            pytest.fail(f"LBE_REQUIRE_REDIS=1 but {reason}")
        pytest.skip(reason)
    finally:
        client.close()


def _parse_doc_blocks(document: Document) -> Iterator[Region]:
    text = document.text
    skipped = (0, 0)
    if Path(document.path).name == "README.md" and "\n## Quick start" in text:
        begin = text.index("\n## Quick start")
        end = text.find("\n## ", begin + 1)
        skipped = (begin, len(text) if end < 0 else end)
    for found in _FENCED_PYTHON.finditer(text):
        if skipped[0] <= found.start() < skipped[1]:
            continue
        mark = _mark_above(text, found.start())
        words = mark.split()
        indent = found.group("indent")
        code = "\n".join(line.removeprefix(indent) for line in found.group("code").split("\n"))
        block = _DocBlock(
            code=code,
            line=text.count("\n", 0, found.start("code")) + 1,
            aws="aws" in words,
            redis="redis" in words,
            skip=mark.split(":", 1)[1].strip() if mark.startswith("skip:") else None,
        )
        yield Region(found.start(), found.end(), block, _run_doc_block)


def _stop_doc_emulator(namespace: dict[str, Any]) -> None:
    emulator = namespace.pop(_EMULATOR_KEY, None)
    if emulator is not None:
        emulator.stop()


_collect_doc_examples = Sybil(
    parsers=[_parse_doc_blocks],
    patterns=["*.md"],
    teardown=_stop_doc_emulator,
    # Named because Sybil's items do not pick up autouse fixtures under pytest 9.
    fixtures=["_isolated_aws_environment", "_fresh_access_state"],
).pytest()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect the examples of README.md and docs/*.md (not other folders' READMEs)."""
    path = file_path.resolve()
    if path == _ROOT / "README.md" or path.parent == _ROOT / "docs":
        collector: pytest.Collector | None = _collect_doc_examples(file_path, parent)
        return collector
    return None
