"""A LIONS release's readme: table layouts and file listings.

Each disk of a release carries a ``README.TXT`` (spelled ``README.txt`` or
``readme.txt`` in some releases) with a listing of the disk's files and the
layout of each table on it::

    10/11/2018 10:46 AM            2,217,320,048 gs_case.txt
    ...
    GS_CASE - 366 Characters

    Name               Null?       Type            Position
    DISTRICT           NOT NULL    VARCHAR2(3)     (1:3)
    ID                 NOT NULL    VARCHAR2(10)    (4:13)
    NAME                          VARCHAR2(50)   (15:64)

The combined ``<RELEASE>_README_REPORTS_LOGS.txt`` holds the detailed log
and then every disk's readme, in the same shape. The columns of a row are
found by pattern, not by position: the printed text is aligned by hand and
the alignment drifts (any run of whitespace, page breaks included, separates
columns; ``Null?`` may be empty). A table printed on several disks is kept
once when the copies agree and refused when they differ.

Every layout is checked before use, because a misread layout would silently
shift every value: columns contiguous from position 1, the last ending at
the stated record length, and widths agreeing with the types
(``VARCHAR2(n)``: n, ``NUMBER(n)``: n, ``NUMBER(p,s)``: p+2, ``DATE``: 11;
``NUMBER`` and ``FLOAT(*)`` as printed). A violation is
:class:`~crossings.errors.UnknownLayout` naming the table and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from crossings.codebook.lions import LayoutColumn
from crossings.errors import UnknownLayout

_HEADING = re.compile(r"^\s*(GS_[A-Z0-9_]+)\s*-\s*(\d+)\s*CHARACTERS?\s*$", re.I)
_COLUMN = re.compile(
    r"^\s*([A-Z][A-Z0-9_#$]*)"  # name
    r"(?:\s+(NOT\s+NULL|NULL))?"  # Null? (often empty)
    r"\s+([A-Z][A-Z0-9_]*(?:\s*\([^)]*\))?)"  # type, e.g. VARCHAR2(10), NUMBER(12,2), FLOAT(*)
    r"\s+\(\s*(\d+)\s*:\s*(\d+)\s*\)\s*$",  # position (start:end)
    re.I,
)
_LISTING = re.compile(
    r"^\s*\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?"  # date, time
    r"\s+([\d,]+)\s+(\S.*?)\s*$",  # size, file name
    re.I,
)
_DISK_README = re.compile(r"^\s*README\.TXT\s+FILES\s+(\S+)", re.I)
_SIZED = re.compile(r"^(VARCHAR2|VARCHAR|CHAR|NVARCHAR2|NCHAR|RAW)\s*\(\s*(\d+)", re.I)
_NUMBER = re.compile(r"^NUMBER\s*\(\s*(\d+)\s*(?:,\s*(-?\d+)\s*)?\)$", re.I)
DATE_WIDTH = 11  # DD-MON-YYYY


@dataclass(frozen=True)
class TableLayout:
    name: str  # "GS_CASE"
    record_length: int
    columns: tuple[LayoutColumn, ...]

    def column(self, name: str) -> LayoutColumn | None:
        return next((c for c in self.columns if c.name == name), None)


def is_readme_name(name: str) -> bool:
    """``README.TXT``, ``readme.txt``, ``JUNFY2025_README_REPORTS_LOGS.txt`` ..."""
    base = PurePosixPath(name.replace("\\", "/")).name.lower()
    return "readme" in base and base.endswith(".txt")


def parse_readme(text: str, where: str) -> dict[str, TableLayout]:
    """Every table layout printed in ``text`` (``where`` names the file in errors)."""
    layouts: dict[str, TableLayout] = {}
    for name, length, rows in _blocks(text):
        layout = TableLayout(name, length, tuple(rows))
        check_layout(layout, where)
        merge_layout(layouts, layout, where)
    return layouts


def merge_layout(layouts: dict[str, TableLayout], layout: TableLayout, where: str) -> None:
    """Add ``layout``; a table printed again must be printed the same."""
    seen = layouts.get(layout.name)
    if seen is None:
        layouts[layout.name] = layout
    elif seen != layout:
        raise UnknownLayout(
            f"table {layout.name} is printed twice with different layouts "
            f"({_difference(seen, layout)})", path=where,
            hint="the release's readmes disagree: report it, or pass only one release")


def _blocks(text: str):
    """(table, record length, [LayoutColumn]) for each ``GS_X - N Characters`` block."""
    current = None
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            if current:
                yield current
            current = (heading.group(1).upper(), int(heading.group(2)), [])
            continue
        if current is None:
            continue
        if _DISK_README.match(line):  # the next disk's readme starts: the table is over
            yield current
            current = None
            continue
        row = _COLUMN.match(line)
        if row:
            name, null, typ, start, end = row.groups()
            current[2].append(LayoutColumn(
                name.upper(), not (null and null.upper().startswith("NOT")),
                re.sub(r"\s+", "", typ).upper(), int(start), int(end)))
    if current:
        yield current


def check_layout(layout: TableLayout, where: str) -> None:
    """Contiguous columns, last end = record length, widths agree with types."""
    name = layout.name

    def fail(message: str) -> None:
        raise UnknownLayout(f"table {name}: {message}", path=where,
                            hint="the readme's layout cannot be trusted: check the release")

    if not layout.columns:
        fail("the readme prints no columns")
    expected_start, names = 1, set()
    for col in layout.columns:
        if col.name in names:
            fail(f"column {col.name} is printed twice")
        names.add(col.name)
        if col.start != expected_start:
            fail(f"column {col.name} starts at {col.start}, expected {expected_start}")
        if col.end < col.start:
            fail(f"column {col.name} ends at {col.end}, before its start {col.start}")
        expected = type_width(col.type)
        if expected is not None and expected != col.width:
            fail(f"column {col.name} is {col.width} wide, but {col.type} is {expected}")
        expected_start = col.end + 1
    if expected_start - 1 != layout.record_length:
        fail(f"the last column ({layout.columns[-1].name}) ends at {expected_start - 1}, "
             f"but the record is {layout.record_length} characters")


def type_width(oracle_type: str) -> int | None:
    """The width a type implies, or None when it is taken as printed."""
    if oracle_type.upper() == "DATE":
        return DATE_WIDTH
    sized = _SIZED.match(oracle_type)
    if sized:
        return int(sized.group(2))
    number = _NUMBER.match(oracle_type)
    if number:
        precision, scale = number.groups()
        return int(precision) + 2 if scale is not None else int(precision)
    return None  # NUMBER, FLOAT(*), anything new: as printed


def parse_listing(text: str) -> dict[str, int]:
    """``file name -> size`` from the readme's file listing lines."""
    sizes: dict[str, int] = {}
    for line in text.splitlines():
        found = _LISTING.match(line)
        if found:
            sizes[found.group(2)] = int(found.group(1).replace(",", ""))
    return sizes


def _difference(a: TableLayout, b: TableLayout) -> str:
    if a.record_length != b.record_length:
        return f"{a.record_length} and {b.record_length} characters"
    for x, y in zip(a.columns, b.columns, strict=False):
        if x != y:
            return (f"column {x.name} {x.type} ({x.start}:{x.end}) against "
                    f"{y.name} {y.type} ({y.start}:{y.end})")
    return f"{len(a.columns)} and {len(b.columns)} columns"
