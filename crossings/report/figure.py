"""A number on the sheet: its value, what kind of number it is, and the row and
column of the ``crossings stats`` command's answer it was read from."""

from __future__ import annotations

from dataclasses import dataclass, field

from crossings.measures import Result
from crossings.report.asks import Ask, Asked

#: How each kind of figure is written (report/formats.py formats them per locale).
KINDS = ("count", "change", "percent", "change_percent", "months", "per_1000", "years",
         "dollars", "year")


@dataclass
class Figure:
    key: str  # stable name on the sheet: "headline.illegal_entry.defendants"
    value: int | float | None
    kind: str
    command: str  # the crossings stats command whose answer holds it
    row: dict = field(default_factory=dict)  # the key values of its row
    column: str = ""
    #: The answer has no such row: nobody in the group, so the count (or share) is 0.
    absent: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown figure kind {self.kind!r}")


def find_row(result: Result, row: dict) -> dict | None:
    """The row of ``result`` whose key columns hold the values in ``row``."""
    return next((r for r in result.to_pylist()
                 if all(r.get(k) == v for k, v in row.items())), None)


def pick(asked: Asked, ask: Ask, row: dict, column: str, key: str, kind: str,
         *, zero_if_absent: bool = True) -> Figure:
    """The figure in ``column`` of the row ``row`` of ``ask``'s answer.

    A count or share of a group that has no row is 0 (the measures give no row to
    an empty group); any other missing figure is ``None`` (shown as "n/a")."""
    found = find_row(asked(ask), row)
    if found is None:
        value = 0 if zero_if_absent and kind in ("count", "percent") else None
        return Figure(key, value, kind, asked.command(ask), row, column, absent=True)
    return Figure(key, found.get(column), kind, asked.command(ask), row, column)


@dataclass
class Chart:
    """A chart on the sheet: the spec the charts package built, its SVG, and its ask."""

    key: str
    spec: dict
    svg: str
    command: str
    description: str = ""
