"""A LIONS release's detailed log: how many records were written for each table.

The shape (the log file of the release, and the first part of the combined
``<RELEASE>_README_REPORTS_LOGS.txt``)::

    Table name - GS_CASE
    Number of records imported:                   6061443
    Marked and sealed civil records deleted:       -19699
    Number of records written to file:            6041744

and, for a table split into one file per district::

    Table name - GS_PARTICIPANT
    ...
    Number of records written to file GS_PARTICIPANT_AK    :    37387
    ...
    Total number of records written to file:                   16050666

Whitespace is free, numbers may carry thousands separators, and lines the
parser does not know are ignored: the counts are what the ingest checks the
tables against, and nothing else in the log is used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TABLE = re.compile(r"^\s*Table\s+name\s*[-:]\s*(GS_[A-Z0-9_]+)\s*$", re.I)
_NUMBER = r"(-?[\d,]+)"
_IMPORTED = re.compile(r"^\s*Number\s+of\s+records\s+imported\s*:\s*" + _NUMBER + r"\s*$", re.I)
_DELETED = re.compile(r"^\s*Marked\s+and\s+sealed\s+civil\s+records\s+deleted\s*:\s*"
                      + _NUMBER + r"\s*$", re.I)
_WRITTEN = re.compile(r"^\s*Number\s+of\s+records\s+written\s+to\s+file\s*:\s*"
                      + _NUMBER + r"\s*$", re.I)
_FILE = re.compile(r"^\s*Number\s+of\s+records\s+written\s+to\s+file\s+([A-Z0-9_]+)\s*:\s*"
                   + _NUMBER + r"\s*$", re.I)
_TOTAL = re.compile(r"^\s*Total\s+number\s+of\s+records\s+written\s+to\s+file\s*:\s*"
                    + _NUMBER + r"\s*$", re.I)


@dataclass
class LogCount:
    table: str  # "GS_PARTICIPANT"
    written: int | None = None  # records written (the total, for a split table)
    files: dict[str, int] = field(default_factory=dict)  # "GS_PARTICIPANT_AK" -> 37387
    imported: int | None = None
    deleted: int | None = None  # sealed civil records removed (printed negative)

    @property
    def total(self) -> int | None:
        """Records written: the printed total, else the sum over the files."""
        if self.written is not None:
            return self.written
        return sum(self.files.values()) if self.files else None


def parse_log(text: str) -> dict[str, LogCount]:
    """``table -> LogCount`` for every ``Table name - GS_X`` section of ``text``."""
    counts: dict[str, LogCount] = {}
    current: LogCount | None = None
    for line in text.splitlines():
        found = _TABLE.match(line)
        if found:
            current = counts.setdefault(found.group(1).upper(), LogCount(found.group(1).upper()))
            continue
        if current is None:
            continue
        if m := _FILE.match(line):
            current.files[m.group(1).upper()] = _int(m.group(2))
        elif m := (_WRITTEN.match(line) or _TOTAL.match(line)):
            current.written = _int(m.group(1))
        elif m := _IMPORTED.match(line):
            current.imported = _int(m.group(1))
        elif m := _DELETED.match(line):
            current.deleted = _int(m.group(1))
    return counts


def looks_like_log(text: str) -> bool:
    """Whether ``text`` holds a detailed log (at least one counted table)."""
    return any(c.total is not None for c in parse_log(text).values())


def _int(text: str) -> int:
    return int(text.replace(",", ""))
