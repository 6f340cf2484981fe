"""A measure's answer: the table and where every number came from."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyarrow as pa

from crossings.measures.meta import Meta

#: Columns that hold fractions (shown as percents to people, kept as fractions in data).
FRACTION_SUFFIXES = ("share", "_rate", "_pct")


def is_fraction(column: str) -> bool:
    return column.endswith(FRACTION_SUFFIXES) or column.startswith("share_")


@dataclass
class Result:
    table: pa.Table
    meta: Meta
    #: The grouping columns (``by`` and the measure's own group), in order.
    keys: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return self.table.column_names

    def to_pandas(self):
        return self.table.to_pandas()

    def to_polars(self):
        import polars as pl

        return pl.from_arrow(self.table)

    def to_pylist(self) -> list[dict]:
        return self.table.to_pylist()

    def to_dict(self) -> dict:
        """``{"data": [...], "meta": {...}}``: the JSON shape of the CLI and the API."""
        return {"data": self.to_pylist(), "meta": self.meta.to_dict()}

    def to_csv(self) -> str:
        """The data as CSV (the CLI's ``-f csv`` and the API's ``format=csv``)."""
        return csv_text(self.columns, [list(r.values()) for r in self.to_pylist()])

    def pivot(self, dimension: str | None = None, value: str | None = None) -> pa.Table:
        """``dimension`` spread into columns (default: ``fiscal_year`` when grouped by it,
        else the last dimension) of ``value`` (default: the first count), zero-filled."""
        from crossings.measures import answers

        if dimension is None:
            dimension = "fiscal_year" if "fiscal_year" in self.keys else (
                self.keys[-1] if self.keys else "")
        value = value or next(c for c in self.columns if c not in self.keys
                              and not c.startswith(tuple(f"{k}_" for k in self.keys)))
        return answers.wide(self.table, self.keys, value, dimension)

    def _repr_html_(self) -> str:
        """A notebook shows the table, its citation and its caveats."""
        from crossings.measures.caveats import caveats

        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_shown(c, v))}</td>"
                             for c, v in row.items()) + "</tr>"
            for row in self.table.slice(0, 200).to_pylist())
        more = (f"<p>{self.table.num_rows - 200:,} more rows</p>"
                if self.table.num_rows > 200 else "")
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in caveats(self.meta))
        return (f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"
                f"<p><b>Cite:</b> {html.escape(self.meta.citation)}</p><ul>{notes}</ul>")

    def __len__(self) -> int:
        return self.table.num_rows


def csv_text(columns: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A header and rows as CSV: a null is empty, fractions stay plain numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue()


def _shown(column: str, value) -> str:
    if value is None:
        return ""
    if is_fraction(column) and isinstance(value, float):
        return f"{value:.1%}"
    if isinstance(value, int) and not isinstance(value, bool) and column != "fiscal_year":
        return f"{value:,}"
    return str(value)
