"""Counts across fiscal years: by charge (stacked), border against the rest, the
immigration share of all filings, and one series alone (a district's profile)."""

from __future__ import annotations

from crossings.charts import base
from crossings.charts.base import PARTIAL, YEAR, t
from crossings.charts.words import N_
from crossings.errors import InvalidRequest
from crossings.measures import Result

BORDER_NAMES = {"southwest": N_("Southwest border districts"),
                "other": N_("All other districts")}


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
    if not years:
        return t("no fiscal year")
    return t("{first} to {last}", first=base.fy(years[0]), last=base.fy(years[-1]))


def _at(value: str, year: int, result: Result) -> str:
    """ "1,482 in FY2016" (or "... in FY2025 (partial)")."""
    return t("{value} in {year}", value=value, year=base.year_label(year, result))


def _ends(result: Result, totals: dict[int, float], digits: int = 0) -> str:
    """ "1,482 in FY2016, 819 in FY2024, 641 in FY2025 (partial)": the first year, the
    last full one and the last."""
    if not totals:
        return t("no rows")
    first, last = min(totals), max(totals)
    parts = [_at(base.number(totals[first], digits), first, result)]
    full = [y for y in totals if y not in base.partial_years(result)]
    if full and max(full) not in (first, last):
        parts.append(_at(base.number(totals[max(full)], digits), max(full), result))
    if last != first:
        parts.append(_at(base.number(totals[last], digits), last, result))
    return ", ".join(parts)


def _year_tooltip() -> dict:
    return {"field": YEAR, "type": "ordinal", "title": t("Fiscal year")}


def filings_by_charge(result: Result, *, title: str | None = None,
                      value: str = "defendants", unit: str | None = None) -> dict:
    """Stacked bars: ``value`` per fiscal year, one colour per charge
    (a result ``--by fiscal_year,charge``; filter the charges in the query)."""
    require(result, YEAR, "charge", value, chart="filings by charge")
    unit = unit or t("defendants")
    values = base.rows(result)
    totals = base.totals_by_year(values, value)
    charges = [c for c in base.CHARGE_NAMES if any(r["charge"] == c for r in values)]
    description = t("Stacked bars of {unit} per fiscal year by charge ({charges}), {span}: "
                    "{figures}.", unit=unit,
                    charges=", ".join(base.charge_name(c) for c in charges),
                    span=_year_span(values), figures=_ends(result, totals))
    return base.frame(
        base.titled(title, t("Immigration filings by charge")), description, values,
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
            "tooltip": [_year_tooltip(),
                        {"field": "charge_name", "type": "nominal", "title": t("Charge")},
                        {"field": value, "type": "quantitative", "title": unit.capitalize(),
                         "format": ",d"}],
        })


def _charge_fields() -> list[dict]:
    """The charge's name and its stacking position, computed in the chart from its code."""
    order = " : ".join(f"datum.charge == {base.literal(code)} ? {i}"
                       for i, code in enumerate(base.CHARGE_NAMES))
    return [{"calculate": base.cases("charge", base.CHARGE_NAMES), "as": "charge_name"},
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


def border_vs_rest(result: Result, *, title: str | None = None,
                   value: str = "defendants", unit: str | None = None) -> dict:
    """Two lines: the five southwest border districts and all others
    (a result ``--by fiscal_year,border``)."""
    require(result, YEAR, "border", value, chart="border against the rest")
    unit = unit or t("defendants")
    values = base.rows(result)
    parts = []
    for border, name in BORDER_NAMES.items():
        totals = base.totals_by_year([r for r in values if r["border"] == border], value)
        if totals:
            parts.append(t("{where}: {figures}", where=t(name).lower(),
                           figures=_ends(result, totals)))
    description = t("Lines of {unit} per fiscal year in the southwest border districts and "
                    "in all other districts, {span}; {figures}.", unit=unit,
                    span=_year_span(values), figures="; ".join(parts))
    colour = {"field": "border", "type": "nominal",
              "scale": {"domain": list(BORDER_NAMES), "range": ["#D55E00", "#56B4E9"]},
              "legend": {"title": t("Where filed"),
                         "labelExpr": base.cases("value", BORDER_NAMES)}}
    y = {"field": value, "type": "quantitative", "axis": base.count_axis(unit.capitalize()),
         "scale": {"zero": True}}
    tooltip = [_year_tooltip(),
               {"field": "border_name", "type": "nominal", "title": t("Where filed")},
               {"field": value, "type": "quantitative", "title": unit.capitalize(),
                "format": ",d"}]
    return base.frame(base.titled(title, t("Southwest border against the rest")),
                      description, values,
                      base.subtitle(base.partial_note(result, base.years_of(values))),
                      width=base.WIDTH, height=base.HEIGHT,
                      transform=[{"calculate": base.cases("border", BORDER_NAMES),
                                  "as": "border_name"}],
                      layer=series_lines(result, values, y, tooltip, colour))


def immigration_share(result: Result, *, title: str | None = None) -> dict:
    """One line: the ``immigration`` group's share of each year's filings, on a percent
    axis from 0 (a result ``--by fiscal_year,charge_group --share``)."""
    require(result, YEAR, "charge_group", "share", chart="immigration share")
    values = base.rows(result)
    shares = {r[YEAR]: r["share"] for r in values if r["charge_group"] == "immigration"}
    ends = sorted(shares)[:1] + sorted(shares)[-1:]
    description = t("A line of immigration charges' share of all federal criminal filings "
                    "per fiscal year, {span}: {figures}.", span=_year_span(values),
                    figures=", ".join(_at(base.percent(shares[y]), y, result) for y in ends))
    y = {"field": "share", "type": "quantitative",
         "axis": {"title": t("Share of all filings"), "format": ".0%"},
         "scale": base.zero_scale(values, "share")}
    tooltip = [_year_tooltip(),
               {"field": "share", "type": "quantitative", "title": t("Share"),
                "format": ".1%"},
               {"field": "defendants", "type": "quantitative",
                "title": t("Immigration filings"), "format": ",d"}]
    shown = [r for r in values if r["charge_group"] == "immigration"]
    return base.frame(base.titled(title, t("Immigration's share of all federal criminal filings")),
                      description, values,
                      base.subtitle(base.partial_note(result, base.years_of(values))),
                      width=base.WIDTH, height=base.HEIGHT,
                      transform=[{"filter": "datum.charge_group == 'immigration'"}],
                      layer=series_lines(result, shown, y, tooltip, {"value": "#0072B2"}))


def single_trend(result: Result, *, title: str, value: str | None = None,
                 unit: str | None = None) -> dict:
    """Bars of one series per fiscal year (a result ``--by fiscal_year``, e.g. one
    district's filings, or its median prison term); a partial year lighter."""
    value = value_column(result, value)
    require(result, YEAR, value, chart="trend")
    unit = unit or t("defendants")
    whole = str(result.table.schema.field(value).type).startswith(("int", "uint"))
    fmt, digits = (",d", 0) if whole else (",.1f", 1)
    values = base.rows(result)
    totals = base.totals_by_year(values, value)
    description = t("Bars of {unit} per fiscal year, {span}: {figures}.", unit=unit,
                    span=_year_span(values), figures=_ends(result, totals, digits))
    return base.frame(
        title, description, values,
        base.subtitle(base.partial_note(result, base.years_of(values))),
        width=base.WIDTH, height=base.HEIGHT,
        mark={"type": "bar", "color": "#0072B2"},
        encoding={
            "x": base.year_axis(result, values),
            "y": {"field": value, "type": "quantitative",
                  "axis": base.count_axis(unit.capitalize(), ",d" if whole else ",.0f"),
                  "scale": base.zero_scale(values, value)},
            "opacity": base.partial_opacity(),
            "tooltip": [_year_tooltip(),
                        {"field": value, "type": "quantitative",
                         "title": unit.capitalize(), "format": fmt}],
        })


def columns_over_years(result: Result, columns: dict[str, str], *, title: str,
                       axis_title: str, fmt: str, what: str) -> dict:
    """Lines of several columns of a ``--by fiscal_year`` result (``columns``: name ->
    legend label, untranslated), on one axis from zero (``fmt``: ``.0%`` for fractions).
    ``title``, ``axis_title`` and ``what`` come translated."""
    require(result, YEAR, *columns, chart=title)
    values = base.rows(result)
    percent = fmt.endswith("%")
    shown = (base.percent if percent else base.number)
    parts = []
    for column, label in columns.items():
        series = {r[YEAR]: r[column] for r in values if r.get(column) is not None}
        if series:
            first, last = min(series), max(series)
            parts.append(t("{series} {first} and {last}", series=t(label).lower(),
                           first=_at(shown(series[first]), first, result),
                           last=_at(shown(series[last]), last, result)))
        else:
            parts.append(t("{series}: no figure", series=t(label).lower()))
    description = t("Lines of {what} per fiscal year, {span}: {figures}.", what=what,
                    span=_year_span(values), figures="; ".join(parts))
    colour = {"field": "series", "type": "nominal",
              "scale": {"domain": list(columns),
                        "range": ["#0072B2", "#E69F00", "#009E73", "#CC79A7"][:len(columns)]},
              "legend": {"title": None, "labelExpr": base.cases("value", columns),
                         "orient": "bottom"}}
    top = max((r[c] for r in values for c in columns if r.get(c) is not None), default=0)
    if percent and 0 < top < 0.1:
        # Ticks half a percent apart would read 1%, 1%, 2%, 2% at whole percents.
        fmt = ".1%"
    y = {"field": "value", "type": "quantitative", "scale": base.zero_scale(values, *columns),
         "axis": {"title": axis_title, "format": fmt}}
    tooltip = [_year_tooltip(),
               {"field": "series_name", "type": "nominal", "title": t("Series")},
               {"field": "value", "type": "quantitative", "title": axis_title,
                "format": ".1%" if percent else ",.1f"}]
    return base.frame(title, description, values,
                      base.subtitle(base.partial_note(result, base.years_of(values))),
                      width=base.WIDTH, height=base.HEIGHT,
                      transform=[{"fold": list(columns), "as": ["series", "value"]},
                                 {"filter": "isValid(datum.value)"},
                                 {"calculate": base.cases("series", columns),
                                  "as": "series_name"}],
                      layer=series_lines(result, values, y, tooltip, colour))
