"""The quarantine file: every row that was read but not stored, and why.

A CSV with a header: ``source_file, line, reason, detail, raw``. ``raw`` is the
line exactly as read (decoded as latin-1, tabs kept), so a user can find it in
the source and fix it there.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("source_file", "line", "reason", "detail", "raw")


@dataclass
class Quarantined:
    """One row read but not stored: where, why, and the line as read."""

    line: int
    reason: str
    detail: str
    raw: str
    fiscal_year: int | None = None  # the court file's, when it could be read


class QuarantineWriter:
    def __init__(self, path: Path):
        self.path = path
        self.count = 0
        self._file = None
        self._writer = None

    def __enter__(self) -> QuarantineWriter:
        self._file = open(self.path, "w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._file)
        self._writer.writerow(COLUMNS)
        return self

    def write(self, source_file: str, rows: Iterable) -> None:
        for row in rows:
            self._writer.writerow((source_file, row.line, row.reason, row.detail, row.raw))
            self.count += 1

    def __exit__(self, *exc) -> None:
        self._file.close()


def read_quarantine(path: Path) -> list[dict]:
    """The quarantined rows of a loaded release, as dicts."""
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
