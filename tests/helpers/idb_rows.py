"""Hand-written court-file rows for tests, built from the reference README.

``row(**fields)`` gives one data row of the 144-column layout with every field
at its "missing" value (``-8``; ``01/01/1900`` for dates; blank names) and the
given fields set. Tests write these rows to files and ingest them, so each
fixture states exactly which facts it relies on.
"""

from __future__ import annotations

import gzip
from pathlib import Path

from crossings.codebook import idb as idb_codes

NAMES = idb_codes.column_names()
DATES = {c.name for c in idb_codes.layout() if c.kind == "date"}
FLAGS = [c.name for c in idb_codes.layout() if c.kind == "flag"]


def row(**fields) -> dict[str, str]:
    values = {}
    for name in NAMES:
        if name in ("NAME", "FJUDGE", "TJUDGE"):
            values[name] = ""
        elif name in DATES:
            values[name] = "01/01/1900"
        elif name in FLAGS:
            values[name] = "0"
        else:
            values[name] = "-8"
    values.update({"FISCALYR": "2015", "CIRCUIT": "05", "DISTRICT": "41", "OFFICE": "1",
                   "DOCKET": "1500001", "DEFNO": "001", "REOPSEQ": "0", "STATUSCD": "E",
                   "TYPEREG": "CR", "LOADDATE": "06/30/2026", "SOURCE": "TEST",
                   "TAPEYEAR": "2099", "VER": "1"})
    for key, value in fields.items():
        if key not in values:
            raise KeyError(f"{key} is not a column of the layout")
        values[key] = str(value)
    if "DEFLGKY" not in fields:
        values["DEFLGKY"] = (values["CIRCUIT"] + values["DISTRICT"] + values["OFFICE"]
                             + values["DOCKET"] + "CR" + values["DEFNO"] + "0")
    return values


def line(values: dict[str, str]) -> str:
    return "\t".join(values[n] for n in NAMES)


def header() -> str:
    return "\t".join(NAMES)


def write(path: Path, rows: list, *, newline: str = "\r\n", raw_lines: list[str] = (),
          compress: str | None = None) -> Path:
    """Write rows (dicts, or raw strings taken as-is) as a cr96on text file."""
    lines = [header()] + [r if isinstance(r, str) else line(r) for r in rows] + list(raw_lines)
    data = (newline.join(lines) + newline).encode("latin-1")
    if compress == "gzip":
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path
