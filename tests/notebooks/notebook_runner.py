"""Run the notebooks in a fresh kernel, and compare their text outputs.

`test_notebooks.py` uses this to check that every notebook runs and that its
committed outputs are what the current code prints. It is also the script that
refreshes the committed outputs after a change:

    .venv/bin/python tests/notebooks/notebook_runner.py                 # all five
    .venv/bin/python tests/notebooks/notebook_runner.py notebooks/02_*.ipynb

The kernel is this interpreter, through a kernelspec written to a temporary
directory, so neither a user-level `python3` kernelspec nor `jupyter kernelspec
install` can change which Python runs the notebooks.

What is compared, per code cell: everything printed to stdout, everything printed
to stderr (each joined, since a stream may arrive in different pieces from run to
run), and the `text/plain` form of each result and display, after `NORMALISERS`.
Images are not compared (their bytes differ between matplotlib builds), but each
notebook must show at least one.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
KERNEL_NAME = "langchain-bedrock-enhanced-tests"
"""The kernelspec written for a run; it starts `sys.executable`."""
SAVED_KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
"""The kernelspec recorded in a committed notebook: the usual one, for readers."""
CELL_TIMEOUT_S = 120
RUN_ENVIRONMENT = {"NOTEBOOK_PROGRESS": "off"}
"""Set for every run: the notebooks draw no progress bar (see notebook 02)."""

NORMALISERS: tuple[tuple[re.Pattern[str], str], ...] = (
    # The emulator binds a free port on every run.
    (re.compile(r"(https?://(?:127\.0\.0\.1|localhost|\[::1\])):\d+"), r"\1:<port>"),
    # Durations such as "0.012s", "1.5 s" or "12 ms": timings differ on every run.
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s)\b"), "<duration>"),
    # Request IDs and other UUIDs.
    (
        re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
        "<uuid>",
    ),
    # Object addresses in reprs: "<Figure at 0x7f1ab98cb9d0>".
    (re.compile(r"\b0x[0-9a-f]{6,}\b"), "0x<address>"),
    # tqdm's elapsed time, remaining time and rate: "[00:01<00:00, 150.20call/s]".
    (re.compile(r"\[\d+:\d\d<[^\]\n]*\]"), "[<elapsed>]"),
    # Where IPython keeps a cell's code, as a warning names it: "/tmp/ipykernel_42/3.py".
    (re.compile(r"\S*/ipykernel_\d+/\d+\.py"), "<cell>"),
)
"""What may differ between two runs of the same code, and what it becomes."""


def normalise(text: str) -> str:
    """Replace what differs from run to run (see `NORMALISERS`).

    Example:
        >>> normalise("http://127.0.0.1:54321 answered in 0.012s")
        'http://127.0.0.1:<port> answered in <duration>'
    """
    for pattern, replacement in NORMALISERS:
        text = pattern.sub(replacement, text)
    return text


@dataclass(frozen=True)
class CellText:
    """The text a code cell showed, normalised."""

    index: int
    """The cell's position in the notebook, from 0."""
    stdout: str
    stderr: str
    plain: tuple[str, ...]
    """The `text/plain` form of each result and display, in order."""


def text_outputs(notebook: Any) -> list[CellText]:
    """The normalised text of every code cell that shows any.

    Example:
        >>> cell = nbformat.v4.new_code_cell("print(1)")
        >>> cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="took 2.5s\\n")]
        >>> text_outputs(nbformat.v4.new_notebook(cells=[cell]))
        [CellText(index=0, stdout='took <duration>\\n', stderr='', plain=())]
    """
    found = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code" or not cell.get("outputs"):
            continue
        streams: dict[str, list[str]] = {"stdout": [], "stderr": []}
        plain: list[str] = []
        for output in cell.outputs:
            if output.output_type == "stream":
                streams[output.name].append(output.text)
            elif output.output_type in ("execute_result", "display_data"):
                text = output.get("data", {}).get("text/plain")
                if text is not None:
                    plain.append(normalise(text))
        found.append(
            CellText(
                index,
                normalise("".join(streams["stdout"])),
                normalise("".join(streams["stderr"])),
                tuple(plain),
            )
        )
    return found


def images(notebook: Any) -> int:
    """How many PNG images the notebook's outputs hold."""
    return sum(
        1
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    )


@contextmanager
def this_interpreter_kernel() -> Iterator[KernelSpecManager]:
    """A kernelspec manager that knows one kernel: `sys.executable` running ipykernel."""
    with tempfile.TemporaryDirectory(prefix="notebook-kernel-") as root:
        spec_dir = Path(root) / KERNEL_NAME
        spec_dir.mkdir()
        spec = {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (this interpreter)",
            "language": "python",
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        yield KernelSpecManager(kernel_dirs=[root], ensure_native_kernel=False)


def execute(path: Path, specs: KernelSpecManager) -> Any:
    """Run a notebook top to bottom in a new kernel, from its own directory.

    Returns:
        The executed notebook (the file is not changed).

    Raises:
        nbclient.exceptions.CellExecutionError: A cell raised.
    """
    notebook = nbformat.read(path, as_version=4)
    manager = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=specs)
    client = NotebookClient(
        notebook,
        km=manager,
        timeout=CELL_TIMEOUT_S,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute(env={**os.environ, **RUN_ENVIRONMENT})
    notebook.metadata["kernelspec"] = dict(SAVED_KERNELSPEC)
    return notebook


def refresh(paths: Sequence[Path]) -> None:
    """Execute each notebook and write it back with its new outputs."""
    with this_interpreter_kernel() as specs:
        for path in paths:
            print(f"executing {path.name} ...", flush=True)  # noqa: T201 - a script's progress
            nbformat.write(execute(path, specs), path)


if __name__ == "__main__":
    chosen = [Path(arg).resolve() for arg in sys.argv[1:]]
    refresh(chosen or sorted(NOTEBOOKS_DIR.glob("*.ipynb")))
