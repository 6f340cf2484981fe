"""A chart block: one API call's answer as a chart, its text alternative, its table,
its caveats and its links (CSV, JSON, permalink).

Every block is made from an :class:`ApiCall`, the exact ``/api/v1`` request
whose answer it shows: the page computes it in-process through the API's own
cached function, and links to the same URL for the CSV and the JSON, so what
a reader downloads is what the chart drew.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from crossings.charts import responsive
from crossings.measures import Result, caveats
from crossings.measures.result import is_fraction

API = "/api/v1"
#: Rows a page's table shows; the CSV link has them all.
TABLE_ROWS = 400
#: Sentences the page says once for all its blocks (banner and footer), not per chart.
SAID_ONCE = ("SYNTHETIC SAMPLE DATA", "Source: ")


@dataclass(frozen=True)
class ApiCall:
    """``GET /api/v1/{path}?{params}``: what a block shows, as the API serves it."""

    path: str  # "measures/filings", "reconcile", "scenario"
    params: dict[str, str] = field(default_factory=dict)

    def url(self, fmt: str = "json") -> str:
        params = {k: v for k, v in self.params.items() if v not in (None, "")}
        if fmt != "json":
            params["format"] = fmt
        query = urlencode(params, safe=",")
        return f"{API}/{self.path}" + (f"?{query}" if query else "")

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass
class Block:
    id: str
    title: str
    call: ApiCall
    result: Result
    spec: dict | None
    #: Said under the title: what the chart shows, in a sentence.
    lede: str = ""
    #: Rows shown in the table (default: all of the result's, up to TABLE_ROWS).
    rows: list[dict] | None = None

    @property
    def description(self) -> str:
        """The text alternative: the spec's description (the charts write it)."""
        return (self.spec or {}).get("description") or self.title

    @property
    def spec_id(self) -> str:
        return f"spec-{self.id}"

    def caveats(self) -> list[str]:
        """The block's caveats in words, less those the page says once, and its rule apart."""
        return [c for c in caveats(self.result.meta)
                if not c.startswith(SAID_ONCE) and not c.startswith("Rule: ")]

    @property
    def rule(self) -> str:
        return self.result.meta.get("rule") or ""

    def table(self) -> tuple[list[dict], list[list[str]], int]:
        """(headers, formatted rows, rows left out) of the table behind the chart."""
        rows = self.rows if self.rows is not None else self.result.to_pylist()
        columns = self.result.columns
        described = self.result.meta.get("columns") or {}
        headers = [{"name": c, "label": c.replace("_", " "), "title": described.get(c, ""),
                    "numeric": _numeric(rows, c)} for c in columns]
        shown = [[shown_value(c, r.get(c)) for c in columns] for r in rows[:TABLE_ROWS]]
        return headers, shown, max(0, len(rows) - TABLE_ROWS)

    def as_json(self) -> dict:
        """The block in the page's JSON twin: its API calls and the data it drew."""
        rows = self.rows if self.rows is not None else self.result.to_pylist()
        return {"id": self.id, "title": self.title, "description": self.description,
                "api": {"json": self.call.url(), "csv": self.call.url("csv")},
                "data": rows, "meta": self.result.meta.to_dict()}


def _numeric(rows: list[dict], column: str) -> bool:
    return any(isinstance(r.get(column), int | float) and not isinstance(r.get(column), bool)
               for r in rows[:50])


def shown_value(column: str, value) -> str:
    """A value as a reader sees it: fractions as percents, counts with separators."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column in ("fiscal_year", "coif_year") or not isinstance(value, int | float):
        return str(value)
    if is_fraction(column):
        return f"{value:.1%}"
    if column.endswith("_usd") or column.startswith("cost"):
        return f"${value:,.0f}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def make_block(block_id: str, title: str, call: ApiCall, result: Result,
               chart: Callable[[Result], dict] | None, *, lede: str = "",
               rows: list[dict] | None = None) -> Block:
    """A block over ``result``; ``chart`` makes its Vega-Lite spec (``None``: table only)."""
    spec = chart(result) if chart is not None and result.table.num_rows else None
    if spec is not None:
        spec = responsive(spec)  # as wide as its box: a phone's screen too
    return Block(block_id, title, call, result, spec, lede, rows)
