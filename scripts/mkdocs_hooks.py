# ruff: noqa: INP001 - loaded by MkDocs from mkdocs.yml, not part of a package
"""MkDocs hooks for the docs site, and a griffe extension for its API reference.

mkdocs.yml names this file under `hooks:`. The notebooks live in `notebooks/` at the
repository root, where users look for them, not under `docs/`: `on_files` adds them, and
their README, to the site's files under `notebooks/`, before mkdocs-jupyter turns the
`.ipynb` files into pages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from griffe import Extension, Object
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from typing_extensions import override

ROOT = Path(__file__).resolve().parents[1]


@event_priority(100)  # before mkdocs-jupyter's on_files (default priority 0)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add `notebooks/README.md` and `notebooks/*.ipynb` to the site."""
    notebooks = ROOT / "notebooks"
    for path in [notebooks / "README.md", *sorted(notebooks.glob("*.ipynb"))]:
        files.append(
            File(
                path.relative_to(ROOT).as_posix(),
                src_dir=str(ROOT),
                dest_dir=config.site_dir,
                use_directory_urls=config.use_directory_urls,
            )
        )
    return files


class ExampleSections(Extension):
    """A griffe extension: read the project's `Example:` sections as `Examples:`.

    The project's docstrings head their doctests `Example:` (the Google style guide's
    singular); griffe's Google parser knows only `Examples:`, and would render the
    doctest as Markdown. mkdocs.yml loads this class under the python handler's
    `extensions:`; the source docstrings stay as they are.
    """

    @override
    def on_instance(self, *, obj: Object, **kwargs: Any) -> None:
        """Rename the section in `obj`'s docstring before it is parsed."""
        if obj.docstring is not None:
            obj.docstring.value = _EXAMPLE_HEADING.sub(r"\1Examples:", obj.docstring.value)


_EXAMPLE_HEADING = re.compile(r"^(\s*)Example:[ \t]*$", re.MULTILINE)
