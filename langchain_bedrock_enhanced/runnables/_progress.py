"""Progress bars for long runs, with tqdm imported only when a bar is made.

`tqdm.auto` picks the notebook widget or the terminal bar. Imported at module level,
it warns ("IProgress not found") in every Jupyter kernel without ipywidgets as soon as
the package is imported, even when no bar is ever shown; so it is imported here, on
first use.

Example:
    >>> with progress_bar(range(3), enabled=False, desc="Work") as bar:
    ...     list(bar)
    [0, 1, 2]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tqdm import tqdm

__all__ = ["progress_bar"]


def progress_bar(
    iterable: Iterable[Any] | None = None,
    *,
    enabled: bool,
    **options: Any,  # noqa: ANN401 - tqdm's own options
) -> tqdm[Any]:
    """A tqdm bar (terminal or notebook), disabled unless `enabled`.

    Args:
        iterable: What to iterate over, if the bar wraps an iterable.
        enabled: Whether to draw it.
        **options: Any other tqdm option (`total`, `desc`, `unit`, ...).

    Returns:
        The bar.
    """
    from tqdm.auto import tqdm  # noqa: PLC0415 - see the module docstring

    return tqdm(iterable, disable=not enabled, **options)
