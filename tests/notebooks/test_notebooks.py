"""The notebooks run top to bottom, and their committed outputs are what the code prints now.

Each notebook is executed in a fresh kernel (this interpreter) against the emulator it
starts itself. Any cell error fails the test. Then its text outputs (stdout, stderr and
the `text/plain` of each result) must equal the committed ones, after the documented
normalisation of ports, durations, request IDs and addresses (`notebook_runner.NORMALISERS`).
When the code changes what a notebook shows, refresh the outputs with
`.venv/bin/python tests/notebooks/notebook_runner.py` and review the diff.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager

from tests.notebooks.notebook_runner import (
    NOTEBOOKS_DIR,
    execute,
    images,
    normalise,
    text_outputs,
    this_interpreter_kernel,
)

EXPECTED = (
    "01_quickstart_and_access_methods.ipynb",
    "02_parallel_throughput_and_cost.ipynb",
    "03_families_parameters_and_registry.ipynb",
    "04_retries_failover_and_faults.ipynb",
    "05_llm_client_facade.ipynb",
)
NOTEBOOKS = [NOTEBOOKS_DIR / name for name in EXPECTED]


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


@pytest.fixture(scope="module")
def kernels() -> Iterator[KernelSpecManager]:
    with this_interpreter_kernel() as specs:
        yield specs


def test_the_five_notebooks_are_there_and_nothing_else():
    assert sorted(path.name for path in NOTEBOOKS_DIR.glob("*.ipynb")) == list(EXPECTED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_notebook_is_committed_executed_with_a_plot_and_no_error(path):
    notebook = _read(path)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code), "run every cell"
    assert [n.execution_count for n in code] == list(range(1, len(code) + 1))
    outputs = [output for cell in code for output in cell.outputs]
    assert not [output for output in outputs if output.output_type == "error"]
    assert images(notebook) >= 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_notebook_says_at_its_top_how_to_run_it_against_real_aws(path):
    first, setup = _read(path).cells[:2]
    assert first.cell_type == "markdown"
    assert "Against real AWS" in first.source
    assert "USE_EMULATOR = False" in first.source
    assert setup.cell_type == "code"
    assert "USE_EMULATOR = True" in setup.source


@pytest.mark.emulator
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_notebook_runs_and_prints_what_is_committed(path, kernels):
    executed = execute(path, kernels)
    assert text_outputs(executed) == text_outputs(_read(path)), (
        f"{path.name} prints something else now: refresh it with "
        f"`.venv/bin/python tests/notebooks/notebook_runner.py notebooks/{path.name}` "
        "and review the diff"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Embedded emulator at http://127.0.0.1:54321",
            "Embedded emulator at http://127.0.0.1:<port>",
        ),
        ("listening on http://[::1]:8765/", "listening on http://[::1]:<port>/"),
        ("| wall time | 0.909s |", "| wall time | <duration> |"),
        ("p50 / p95: 12 ms / 1.5 s", "p50 / p95: <duration> / <duration>"),
        (
            "request_id=c1647692-5813-4b55-917a-d193e61c9ee9, attempts=1",
            "request_id=<uuid>, attempts=1",
        ),
        ("<Axes at 0x7f5a7045a650>", "<Axes at 0x<address>>"),
        (
            "Bedrock: 100%|##########| 200/200 [00:01<00:00, 165.41call/s]",
            "Bedrock: 100%|##########| 200/200 [<elapsed>]",
        ),
        (
            "/var/folders/T/ipykernel_4242/1234567.py:3: DeprecationWarning",
            "<cell>:3: DeprecationWarning",
        ),
    ],
)
def test_what_differs_between_runs_is_normalised(text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "192 of 200 tickets answered",
        "us-east-1 us.anthropic.claude-haiku-4-5-20251001-v1:0 after 4 requests",
        "end of life: 2026-07-30",
        "| cost | $0.109885 |",
        "2 steps, 3 sessions",
    ],
)
def test_counts_dates_and_costs_are_left_alone(text):
    assert normalise(text) == text
