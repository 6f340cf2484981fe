"""Counts across fiscal years: by charge (stacked), border against the rest, the
immigration share of all filings, and one series alone (a district's profile)."""

from __future__ import annotations

from crossings.charts import base
from crossings.charts.base import PARTIAL, YEAR
from crossings.errors import InvalidRequest
from crossings.measures import Result

BORDER_NAMES = {"southwest": "Southwest border districts", "other": "All other districts"}


def require(result: Result, *columns: str, chart: str) -> None:
    """A chart drawn from the wrong result would mislabel its numbers: refuse it."""
    missing = [c for c in columns if c not in result.columns]
    if missing:
        raise InvalidRequest(f"the {chart} chart needs the column(s) {', '.join(missing)} "
                             f"in its result; it has {', '.join(result.columns)}")


def value_column(result: Result, value: str | None) -> str:
    """The column to draw: ``value``, else the first that is not a key or a label."""
    if value is not None:
        return value
    labels = tuple(f"{k}_" for k in result.keys)
    for column in result.columns:
        if column not in result.keys and not column.startswith(labels):
            return column
    raise InvalidRequest(f"the result has no value column besides its keys {result.keys}")


def _year_span(values: list[dict]) -> str:
    years = base.years_of(values)
    return f"FY{years[0]} to FY{years[-1]}" if years else "no fiscal year"


def _ends(result: Result, totals: dict[int, float], digits: int = 0) -> str:
    """ "1,482 in FY2016 and 641 in FY2025 (partial)": the first and last years."""
    if not totals:
        return "no rows"
    first, last = min(totals), max(totals)
    parts = [f"{base.number(totals[first], digits)} in {base.year_label(first, result)}"]
    full = [y for y in totals if y not in base.partial_years(result)]
    if full and max(full) not in (first, last):
        parts.append(f"{base.number(totals[max(full)], digits)} in FY{max(full)}")
    if last != first:
        parts.append(f"{base.number(totals[last], digits)} in {base.year_label(last, result)}")
    return ", ".join(parts)


def filings_by_charge(result: Result, *, title: str = "Immigration filings by charge",
                      value: str = "defendants", unit: str = "defendants") -> dict:
    """Stacked bars: ``value`` per fiscal year, one colour per charge
    (a result ``--by fiscal_year,charge``; filter the charges in the query)."""
    require(result, YEAR, "charge", value, chart="filings by charge")
    values = base.rows(result)
    totals = base.totals_by_year(values, value)
    charges = [c for c in base.CHARGE_NAMES if any(r["charge"] == c for r in values)]
    description = (f"Stacked bars of {unit} per fiscal year by charge "
                   f"({', '.join(base.charge_name(c) for c in charges)}), "
                   f"{_year_span(values)}: {_ends(result, totals)}.")
    return base.frame(
        title, description, values,
        base.subtitle(base.partial_note(result, base.years_of(values))),
        width=base.WIDTH, height=base.HEIGHT,
        transform=_charge_fields(),
        mark={"type": "bar"},
        encoding={
            "x": base.year_axis(result, values),
            "y": {"field": value, "type": "quantitative", "stack": "zero",
                  "axis": base.count_axis(unit.capitalize()),
                  "scale": {"zero": True}},
            "color": {"field": "charge", "type": "nominal",
                      "scale": base.charge_colour(charges), "legend": base.charge_legend()},
            "order": {"field": "charge_order", "type": "quantitative"},
            "opacity": base.partial_opacity(),
            "tooltip": [{"field": YEAR, "type": "ordinal", "title": "Fiscal year"},
                        {"field": "charge_name", "type": "nominal", "title": "Charge"},
                        {"field": value, "type": "quantitative", "title": unit.capitalize(),
                         "format": ",d"}],
        })


def _charge_fields() -> list[dict]:
    """The charge's name and its stacking position, computed in the chart from its code."""
    names = " : ".join(f"datum.charge == '{code}' ? '{name}'"
                       for code, name in base.CHARGE_NAMES.items())
    order = " : ".join(f"datum.charge == '{code}' ? {i}"
                       for i, code in enumerate(base.CHARGE_NAMES))
    return [{"calculate": f"{names} : datum.charge", "as": "charge_name"},
            {"calculate": f"{order} : 99", "as": "charge_order"}]


def series_lines(result: Result, values: list[dict], y: dict, tooltip: list[dict],
                 colour: dict) -> list[dict]:
    """Lines per ``series`` across years: solid over full years, dashed into a partial
    year, a point on every year (lighter on a partial one)."""
    partial = [y for y in base.partial_years(result) if y in base.years_of(values)]
    x = base.year_axis(result, values)
    encoding = {"x": x, "y": y, "color": colour}
    layers = [{"transform": [{"filter": f"!datum.{PARTIAL}"}],
               "mark": {"type": "line", "strokeWidth": 2.5}, "encoding": encoding}]
    if partial:
        full = [yr for yr in base.years_of(values) if yr < min(partial)]
        start = max(full) if full else min(partial)
        layers.append({"transform": [{"filter": f"datum.{YEAR} >= {start}"}],
                       "mark": {"type": "line", "strokeWidth": 2.5,
                                "strokeDash": base.PARTIAL_DASH},
                       "encoding": encoding})
    layers.append({"mark": {"type": "point", "filled": True, "size": 45},
                   "encoding": {**encoding, "opacity": base.partial_opacity(),
                                "tooltip": tooltip}})
    return layers


def border_vs_rest(result: Result, *, title: str = "Southwest border against the rest",
                   value: str = "defendants", unit: str = "defendants") -> dict:
    """Two lines: the five southwest border districts and all others
    (a result ``--by fiscal_year,border``)."""
    require(result, YEAR, "border", value, chart="border against the rest")
    values = base.rows(result)
    parts = []
    for border, name in BORDER_NAMES.items():
        totals = base.totals_by_year([r for r in values if r["border"] == border], value)
        if totals:
            parts.append(f"{name.lower()}: {_ends(result, totals)}")
    description = (f"Lines of {unit} per fiscal year in the southwest border districts and "
                   f"in all other districts, {_year_span(values)}; {'; '.join(parts)}.")
    names = " : ".join(f"datum.value == '{k}' ? '{v}'" for k, v in BORDER_NAMES.items())
    colour = {"field": "border", "type": "nominal",
              "scale": {"domain": list(BORDER_NAMES), "range": ["#D55E00", "#56B4E9"]},
              "legend": {"title": "Where filed", "labelExpr": f"{names} : datum.label"}}
    y = {"field": value, "type": "quantitative", "axis": base.count_axis(unit.capitalize()),
         "scale": {"zero": True}}
    tooltip = [{"field": YEAR, "type": "ordinal", "title": "Fiscal year"},
               {"field": "border", "type": "nominal", "title": "Border"},
               {"field": value, "type": "quantitative", "title": unit.capitalize(),
                "format": ",d"}]
    return base.frame(title, description, values,
                      base.subtitle(base.partial_note(result, base.years_of(values))),
                      width=base.WIDTH, height=base.HEIGHT,
                      layer=series_lines(result, values, y, tooltip, colour))


def immigration_share(result: Result, *, title: str = (
        "Immigration's share of all federal criminal filings")) -> dict:
    """One line: the ``immigration`` group's share of each year's filings, on a percent
    axis from 0 (a result ``--by fiscal_year,charge_group --share``)."""
    require(result, YEAR, "charge_group", "share", chart="immigration share")
    values = base.rows(result)
    shares = {r[YEAR]: r["share"] for r in values if r["charge_group"] == "immigration"}
    description = ("A line of immigration charges' share of all federal criminal filings per "
                   f"fiscal year, {_year_span(values)}: "
                   + ", ".join(f"{base.percent(shares[y])} in {base.year_label(y, result)}"
                               for y in sorted(shares)[:1] + sorted(shares)[-1:]) + ".")
    y = {"field": "share", "type": "quantitative",
         "axis": {"title": "Share of all filings", "format": ".0%"},
         "scale": {"zero": True, "nice": True}}
    tooltip = [{"field": YEAR, "type": "ordinal", "title": "Fiscal year"},
               {"field": "share", "type": "quantitative", "title": "Share", "format": ".1%"},
               {"field": "defendants", "type": "quantitative", "title": "Immigration filings",
                "format": ",d"}]
    colour = {"value": "#0072B2"}
    shown = [r for r in values if r["charge_group"] == "immigration"]
    return base.frame(title, description, values,
                      base.subtitle(base.partial_note(result, base.years_of(values))),
                      width=base.WIDTH, height=base.HEIGHT,
                      transform=[{"filter": "datum.charge_group == 'immigration'"}],
                      layer=series_lines(result, shown, y, tooltip, colour))


def single_trend(result: Result, *, title: str, value: str | None = None,
                 unit: str = "defendants") -> dict:
    """Bars of one series per fiscal year (a result ``--by fiscal_year``, e.g. one
    district's filings); a partial year lighter."""
    value = value_column(result, value)
    require(result, YEAR, value, chart="trend")
    values = base.rows(result)
    totals = base.totals_by_year(values, value)
    description = (f"Bars of {unit} per fiscal year, {_year_span(values)}: "
                   f"{_ends(result, totals)}.")
    return base.frame(
        title, description, values,
        base.subtitle(base.partial_note(result, base.years_of(values))),
        width=base.WIDTH, height=base.HEIGHT,
        mark={"type": "bar", "color": "#0072B2"},
        encoding={
            "x": base.year_axis(result, values),
            "y": {"field": value, "type": "quantitative",
                  "axis": base.count_axis(unit.capitalize()), "scale": {"zero": True}},
            "opacity": base.partial_opacity(),
            "tooltip": [{"field": YEAR, "type": "ordinal", "title": "Fiscal year"},
                        {"field": value, "type": "quantitative",
                         "title": unit.capitalize(), "format": ",d"}],
        })


def columns_over_years(result: Result, columns: dict[str, str], *, title: str,
                       axis_title: str, fmt: str, what: str) -> dict:
    """Lines of several columns of a ``--by fiscal_year`` result (``columns``: name ->
    legend label), on one axis from zero (``fmt``: ``.0%`` for fractions)."""
    require(result, YEAR, *columns, chart=title)
    values = base.rows(result)
    percent = fmt.endswith("%")
    shown = (base.percent if percent else base.number)
    parts = []
    for column, label in columns.items():
        series = {r[YEAR]: r[column] for r in values if r.get(column) is not None}
        if series:
            first, last = min(series), max(series)
            parts.append(f"{label.lower()} {shown(series[first])} in "
                         f"{base.year_label(first, result)} and {shown(series[last])} in "
                         f"{base.year_label(last, result)}")
        else:
            parts.append(f"{label.lower()}: no figure")
    description = f"Lines of {what} per fiscal year, {_year_span(values)}: {'; '.join(parts)}."
    names = " : ".join(f"datum.series == '{c}' ? '{label}'" for c, label in columns.items())
    colour = {"field": "series", "type": "nominal",
              "scale": {"domain": list(columns),
                        "range": ["#0072B2", "#E69F00", "#009E73", "#CC79A7"][:len(columns)]},
              "legend": {"title": None, "labelExpr": names.replace("datum.series", "datum.value")
                                                    + " : datum.label",
                         "orient": "bottom"}}
    y = {"field": "value", "type": "quantitative", "scale": {"zero": True, "nice": True},
         "axis": {"title": axis_title, "format": fmt}}
    tooltip = [{"field": YEAR, "type": "ordinal", "title": "Fiscal year"},
               {"field": "series_name", "type": "nominal", "title": "Series"},
               {"field": "value", "type": "quantitative", "title": axis_title,
                "format": ".1%" if percent else ",.1f"}]
    return base.frame(title, description, values,
                      base.subtitle(base.partial_note(result, base.years_of(values))),
                      width=base.WIDTH, height=base.HEIGHT,
                      transform=[{"fold": list(columns), "as": ["series", "value"]},
                                 {"filter": "isValid(datum.value)"},
                                 {"calculate": f"{names} : datum.series", "as": "series_name"}],
                      layer=series_lines(result, values, y, tooltip, colour))
