"""Progress bars: tqdm loads only when a bar is made, so Jupyter shows no import warning."""

from __future__ import annotations

import subprocess
import sys

from langchain_bedrock_enhanced.runnables._progress import progress_bar


def test_importing_the_package_does_not_import_tqdm_auto() -> None:
    code = "import sys, langchain_bedrock_enhanced\nprint('tqdm.auto' in sys.modules)"
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "False"


def test_a_disabled_bar_still_yields_every_item() -> None:
    with progress_bar(range(4), enabled=False) as bar:
        assert list(bar) == [0, 1, 2, 3]


def test_an_enabled_bar_counts_what_it_is_told() -> None:
    with progress_bar(enabled=True, total=3, desc="Work") as bar:
        bar.update(3)
    assert bar.n == 3
