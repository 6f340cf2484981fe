"""Reading the shipped series: strict, typed, each row with its source.

A file whose columns are not the ones expected, or a number that is not a
number, is an error naming the file and line: the data is never patched up.
A blank cell is ``None`` (the series has no figure), never zero.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from crossings.errors import SourceError

DATA = resources.files("crossings.context") / "data"

#: Each shipped file and the columns it must have, in order.
COLUMNS = {
    "usbp-apprehensions-by-fy.csv": (
        "fiscal_year", "nationwide", "southwest_border", "swb_title8_apprehensions",
        "swb_title42_expulsions", "measure", "source", "note"),
    "usbp-apprehensions-by-sector-fy.csv": (
        "fiscal_year", "sector", "apprehensions", "measure", "source"),
    "usbp-encounters-ohss-by-fy.csv": (
        "fiscal_year", "nationwide", "southwest_land_border", "northern_land_border",
        "coastal_border", "source"),
    "usbp-encounters-ohss-by-sector-fy.csv": (
        "fiscal_year", "region", "sector", "state", "encounters", "source"),
    "removals-by-fy.csv": (
        "fiscal_year", "series", "removals", "returns", "enforcement_returns",
        "administrative_returns", "title42_expulsions", "total_repatriations", "source",
        "note"),
    "incarceration-costs.csv": ("fiscal_year", "measure", "dollars", "unit", "source"),
    "sector-district-crosswalk.csv": (
        "sector", "district_code", "district_name", "role", "note", "source"),
    "facts.csv": ("key", "statement", "source"),
}
#: Columns read as numbers (integers, or decimals where the source printed cents).
NUMBERS = ("fiscal_year", "nationwide", "southwest_border", "swb_title8_apprehensions",
           "swb_title42_expulsions", "apprehensions", "southwest_land_border",
           "northern_land_border", "coastal_border", "encounters", "removals", "returns",
           "enforcement_returns", "administrative_returns", "title42_expulsions",
           "total_repatriations", "dollars")


def data_path(name: str) -> Path:
    return Path(str(DATA / name))


@cache
def rows(name: str) -> tuple[dict, ...]:
    """The rows of a shipped file; numbers as ``int`` or ``float``, blanks as ``None``."""
    if name not in COLUMNS:
        raise SourceError(f"no shipped context file {name!r}; expected one of: "
                          f"{', '.join(COLUMNS)}")
    path = data_path(name)
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS[name]:
            raise SourceError(f"columns {reader.fieldnames} are not the expected "
                              f"{list(COLUMNS[name])}", path=str(path),
                              hint="reinstall crossings; the shipped data was changed")
        out = []
        for line, row in enumerate(reader, start=2):
            out.append({k: _value(k, v, path, line) for k, v in row.items()})
    return tuple(out)


def _value(column: str, text: str, path: Path, line: int):
    text = (text or "").strip()
    if column not in NUMBERS:
        return text
    if text == "":
        return None
    try:
        return int(text) if text.lstrip("-").isdigit() else float(text)
    except ValueError:
        raise SourceError(f"line {line}: {column} {text!r} is not a number",
                          path=str(path)) from None


@dataclass(frozen=True)
class FileRef:
    name: str
    size: int
    sha256: str


@cache
def file_ref(name: str) -> FileRef:
    """A shipped file's name, size and SHA-256 (the provenance ``meta`` gives)."""
    data = data_path(name).read_bytes()
    return FileRef(f"crossings/context/data/{name}", len(data), hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class Fact:
    key: str
    statement: str
    source: str


def fact(key: str) -> Fact:
    """A statement from the series' README that crossings relies on, with where it is."""
    for row in rows("facts.csv"):
        if row["key"] == key:
            return Fact(row["key"], row["statement"], row["source"])
    raise KeyError(f"no context fact {key!r} in facts.csv")
