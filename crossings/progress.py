"""Progress reporting without printing.

Long operations take an optional ``progress`` callback and call it with a
:class:`ProgressUpdate`. The CLI turns these into a rich progress bar on
stderr; the library itself never prints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProgressUpdate:
    task: str  # what is being done, e.g. "ingest cr96on.txt"
    completed: int  # units done so far
    total: int | None  # units expected, None when unknown
    unit: str = "bytes"
    rows: int = 0  # rows handled so far, where that applies


ProgressCallback = Callable[[ProgressUpdate], None]


def silent(update: ProgressUpdate) -> None:
    """The default callback: ignore progress."""
