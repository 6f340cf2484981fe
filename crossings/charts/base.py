"""What every chart shares: its rows, its partial-year marking, its frame and words.

A chart's ``data.values`` are the result's own rows (every column, every value
as the result has it), each with one added key, ``partial_year``, true on the
rows of a fiscal year the data covers only in part. The marks read that key to
draw a partial year lighter (bars) or dashed (lines), and the subtitle says it
in words ("FY2025 is partial: data through June 2025").
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

# number, percent and t are re-exported: the chart modules write through base.
from crossings.charts.words import N_, month_year, t
from crossings.charts.words import date as date_words
from crossings.charts.words import number as number
from crossings.charts.words import percent as percent
from crossings.measures import Result

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
#: The key added to each row: true on the rows of a partial fiscal year.
PARTIAL = "partial_year"
YEAR = "fiscal_year"
#: How a partial year's bars are drawn (full years are opaque).
PARTIAL_OPACITY = 0.4
#: The dash of a line's segment into a partial year.
PARTIAL_DASH = [5, 4]
WIDTH, HEIGHT = 560, 300

#: Short charge names for legends and tooltips (the codebook carries the long ones).
CHARGE_NAMES = {
    "illegal_entry": N_("Illegal entry (1325)"),
    "illegal_reentry": N_("Illegal re-entry (1326)"),
    "alien_smuggling": N_("Smuggling (1324)"),
    "other_immigration": N_("Other immigration"),
    "non_immigration": N_("Non-immigration"),
    "unreadable": N_("Unreadable charge"),
}
#: One colour per charge in every chart (Okabe-Ito, readable with colour blindness).
CHARGE_COLOURS = {
    "illegal_entry": "#E69F00",
    "illegal_reentry": "#0072B2",
    "alien_smuggling": "#009E73",
    "other_immigration": "#CC79A7",
    "non_immigration": "#999999",
    "unreadable": "#000000",
}

#: Legible in a browser and on paper.
CONFIG = {
    "font": "sans-serif",
    "title": {"fontSize": 15, "subtitleFontSize": 12, "anchor": "start",
              "subtitleColor": "#444"},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelColor": "#222",
             "titleColor": "#222"},
    "legend": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 260},
    "view": {"stroke": None},
}


def is_synthetic(result_or_meta) -> bool:
    """True when the numbers come from synthetic sample data (the page or sheet
    then marks the chart SYNTHETIC; the spec itself does not)."""
    meta = getattr(result_or_meta, "meta", result_or_meta)
    return bool(meta.get("synthetic"))


def partial_years(result: Result) -> list[int]:
    return sorted(int(y) for y in (result.meta.get("partial_years") or []))


def data_through(meta) -> str:
    """The last day the data holds, in words: "June 2025" at a month's end, else the date."""
    as_of = meta.get("data_as_of")
    if not as_of:
        return t("an unstated date")
    try:
        day = dt.date.fromisoformat(str(as_of)[:10])
    except ValueError:
        return str(as_of)
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return month_year(day)
    return date_words(day)


def fy(year: int) -> str:
    return t("FY{year}", year=year)


def partial_note(result: Result, shown_years=None) -> str | None:
    """ "FY2025 is partial: data through June 2025." when a shown year is partial."""
    years = [y for y in partial_years(result) if shown_years is None or y in shown_years]
    if not years:
        return None
    through = data_through(result.meta)
    if len(years) == 1:
        return t("{year} is partial: data through {month}.", year=fy(years[0]), month=through)
    return t("{years} are partial: data through {month}.",
             years=", ".join(fy(y) for y in years), month=through)


def scope_note(result: Result) -> str | None:
    """The partial-year note for the years a result spans: its rows' fiscal years, or
    (summed over years) the years it covers within its filters."""
    shown = {r.get(YEAR) for r in result.table.to_pylist()} - {None}
    if not shown:
        where = result.meta.get("where") or {}
        shown = {y for y in result.meta.get("years_covered") or []
                 if where.get("from_year", y) <= y <= where.get("to_year", y)}
    return partial_note(result, shown)


def _plain(value):
    """A JSON value: NaN and infinities (no JSON form) become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def rows(result: Result) -> list[dict]:
    """The result's rows as data values, each with ``partial_year`` added."""
    partial = set(partial_years(result))
    out = []
    for row in result.table.to_pylist():
        values = {k: _plain(v) for k, v in row.items()}
        values[PARTIAL] = row.get(YEAR) in partial if YEAR in row else False
        out.append(values)
    return out


def years_of(values: list[dict]) -> list[int]:
    return sorted({r[YEAR] for r in values if r.get(YEAR) is not None})


def year_axis(result: Result, values: list[dict]) -> dict:
    """An ordinal fiscal-year axis; a partial year's label gets an asterisk."""
    partial = [y for y in partial_years(result) if y in years_of(values)]
    axis = {"title": t("Fiscal year"), "labelAngle": 0, "labelOverlap": "greedy"}
    if partial:
        test = " || ".join(f"datum.value == {y}" for y in partial)
        axis["labelExpr"] = f"({test}) ? datum.label + '*' : datum.label"
    # Every year of the rows on the axis, so a year whose value is null shows as a gap.
    return {"field": YEAR, "type": "ordinal", "axis": axis,
            "scale": {"domain": years_of(values)}}


def partial_opacity() -> dict:
    """Bars of a partial year lighter than the rest."""
    return {"condition": {"test": f"datum.{PARTIAL}", "value": PARTIAL_OPACITY}, "value": 1}


def zero_scale(values: list[dict], *fields: str) -> dict:
    """A scale from zero; when every value is zero or missing, up to 1 (100% for a
    fraction) instead of collapsing onto the zero line."""
    top = max((abs(r[f]) for r in values for f in fields if r.get(f) is not None), default=0)
    return {"zero": True, "nice": True} if top else {"domain": [0, 1]}


def count_axis(title: str, fmt: str = ",d") -> dict:
    """A count axis: starts at zero, whole numbers with thousands separators."""
    return {"title": title, "format": fmt, "tickMinStep": 1}


def titled(title: str | None, default: str) -> str:
    """The caller's title (``""`` for none), or the chart's own."""
    return default if title is None else title


def subtitle(*lines: str | None) -> list[str]:
    return [line for line in lines if line]


def frame(title: str, description: str, values: list[dict], subtitle_lines: list[str],
          **body) -> dict:
    """The spec around a chart's marks: schema, title and notes, text alternative, data."""
    spec = {"$schema": SCHEMA, "description": description,
            "title": {"text": title, **({"subtitle": subtitle_lines} if subtitle_lines else {})},
            "data": {"values": values}, "config": CONFIG}
    spec.update(body)
    return spec


def year_label(year: int, result: Result) -> str:
    """ "FY2024", or "FY2025 (partial)"."""
    if year in partial_years(result):
        return t("{year} (partial)", year=fy(year))
    return fy(year)


def charge_name(code: str) -> str:
    return t(CHARGE_NAMES[code]) if code in CHARGE_NAMES else code.replace("_", " ")


def literal(text: str) -> str:
    """A string as a Vega expression literal: single-quoted, backslashes and quotes
    escaped (the fact sheet finds the words in expressions by their single quotes)."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", " ")
    return f"'{escaped}'"


def cases(field: str, names: dict[str, str], otherwise: str | None = None) -> str:
    """A Vega expression naming each value of ``datum[field]`` (``field`` "value" in a
    legend or axis ``labelExpr``): ``names`` translated; else ``otherwise``, or the
    value's own label."""
    parts = [f"datum.{field} == {literal(code)} ? {literal(t(name))}"
             for code, name in names.items()]
    fallback = literal(otherwise) if otherwise is not None else (
        "datum.label" if field == "value" else f"datum.{field}")
    return " : ".join([*parts, fallback])


def charge_colour(codes) -> dict:
    """A colour scale with each charge's own colour, in the codes' order."""
    shown = [c for c in CHARGE_COLOURS if c in set(codes)]
    shown += sorted(set(codes) - set(shown))
    return {"domain": shown, "range": [CHARGE_COLOURS.get(c, "#666666") for c in shown]}


def charge_legend() -> dict:
    """Legend labels in words (the data keeps the codes)."""
    return {"title": t("Charge"), "labelExpr": cases("value", CHARGE_NAMES)}


def totals_by_year(values: list[dict], column: str) -> dict[int, float]:
    out: dict[int, float] = {}
    for row in values:
        if row.get(YEAR) is not None and row.get(column) is not None:
            out[row[YEAR]] = out.get(row[YEAR], 0) + row[column]
    return out


def responsive(spec: dict) -> dict:
    """A copy of ``spec`` for a page: a single view (or layers) as wide as its container,
    so it fits a phone's screen. Panels side by side (the map) keep their sizes: the
    page scales their SVG to its width instead."""
    out = dict(spec)
    if "width" in out and not any(k in out for k in ("vconcat", "hconcat", "concat")):
        out["width"] = "container"
        out["autosize"] = {"type": "fit-x", "contains": "padding"}
    return out
