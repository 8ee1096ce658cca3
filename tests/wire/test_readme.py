"""The README's quick start runs as written against the emulator.

The first shell block starts the emulator from the command line, the second exports
the variables a user sets, and every Python block runs with them. Only the port is
changed, to a free one, so the test never collides with another server.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
WRITTEN_PORT = "8765"


def quick_start_blocks() -> list[tuple[str, str]]:
    """`(language, code)` of each fenced block in the README's "Quick start" section."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, flags=re.DOTALL)


def exported(block: str) -> dict[str, str]:
    """The variables a shell block's `export` lines set."""
    found: dict[str, str] = {}
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] == ["export"]:
            found.update(word.split("=", 1) for word in words[1:])
    return found


@pytest.fixture(scope="module")
def emulator_url() -> Iterator[str]:
    """The emulator, started by the README's own command on a free port."""
    shell = next(code for language, code in quick_start_blocks() if language == "bash")
    command = next(
        line for line in shell.splitlines() if line.startswith("langchain-bedrock-enhanced ")
    )
    argv = shlex.split(command.replace(WRITTEN_PORT, "0"))
    process = subprocess.Popen(  # noqa: S603 - our own CLI, with the README's arguments
        [sys.executable, "-m", "langchain_bedrock_enhanced", *argv[1:]],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        expected = re.search(r"# (Bedrock emulator listening on http://127\.0\.0\.1:)", shell)
        assert expected is not None
        assert line.startswith(expected.group(1)), line
        yield line.strip().rsplit(" ", 1)[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_quick_start_has_the_blocks_this_test_runs() -> None:
    languages = [language for language, _ in quick_start_blocks()]
    assert languages[:2] == ["bash", "bash"]
    assert languages.count("python") >= 3


def test_every_python_block_runs_as_written(
    emulator_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = quick_start_blocks()
    for name, value in exported(blocks[1][1]).items():
        monkeypatch.setenv(
            name, value.replace(f":{WRITTEN_PORT}", f":{emulator_url.rsplit(':', 1)[1]}")
        )
    outputs = []
    for language, code in blocks:
        if language != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, str(README), "exec"), {"__name__": "__readme__"})  # noqa: S102
        outputs.append(printed.getvalue())
    chain_output, client_output, in_process_output = outputs[:3]
    assert chain_output.splitlines()[-1].startswith("us.anthropic.claude-sonnet-4-5")
    assert "calls," in client_output
    assert in_process_output.strip()
