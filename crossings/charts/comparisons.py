"""The two sources side by side, prosecutions beside apprehensions, prison years and
their cost, and the districts that file the most."""

from __future__ import annotations

from crossings.charts import base
from crossings.charts.base import YEAR
from crossings.charts.trends import require, value_column
from crossings.measures import Result

#: reconcile's three counts, as their legend says them.
SOURCES = {"court_file": "Court file (district court filings)",
           "lions_district": "Prosecutors: district court filings",
           "lions_all": "Prosecutors: with magistrate-only cases"}
#: reconcile's causes, in the order they add up (lions_all = court_file + these).
CAUSES = {"transfers": "Transfers in", "lead_charge": "Lead charge chosen differently",
          "residual": "Not explained", "date_basis": "Dated by magistrate filing",
          "magistrate_only": "Magistrate-only cases (mostly petty 1325)"}


def _names(columns: dict[str, str], field: str) -> str:
    return " : ".join(f"datum.{field} == '{c}' ? '{n}'" for c, n in columns.items())


def _folded_bars(result: Result, columns: dict[str, str], colours: list[str], *,
                 title: str, description: str, axis_title: str, grouped: bool) -> dict:
    """Bars of several columns per fiscal year: side by side (``grouped``) or stacked
    (negative parts below zero)."""
    require(result, YEAR, *columns, chart=title)
    values = base.rows(result)
    legend_names = _names(columns, "value")
    encoding = {
        "x": base.year_axis(result, values),
        "y": {"field": "count", "type": "quantitative", "scale": {"zero": True},
              "axis": base.count_axis(axis_title), "stack": None if grouped else "zero"},
        "color": {"field": "part", "type": "nominal",
                  "scale": {"domain": list(columns), "range": colours},
                  "legend": {"title": None, "orient": "bottom", "columns": 2,
                             "labelExpr": f"{legend_names} : datum.label"}},
        "opacity": base.partial_opacity(),
        "tooltip": [{"field": YEAR, "type": "ordinal", "title": "Fiscal year"},
                    {"field": "part_name", "type": "nominal", "title": "What"},
                    {"field": "count", "type": "quantitative", "title": "Defendants",
                     "format": ",d"}],
    }
    if grouped:
        encoding["xOffset"] = {"field": "part", "type": "nominal", "sort": list(columns)}
    else:
        encoding["order"] = {"field": "part_order", "type": "quantitative"}
    return base.frame(
        title, description, values,
        base.subtitle(base.partial_note(result, base.years_of(values))),
        width=base.WIDTH, height=base.HEIGHT,
        transform=[{"fold": list(columns), "as": ["part", "count"]},
                   {"calculate": f"{_names(columns, 'part')} : datum.part", "as": "part_name"},
                   {"calculate": f"indexof({list(columns)}, datum.part)", "as": "part_order"}],
        mark={"type": "bar"}, encoding=encoding)


def _last_full(result: Result, values: list[dict]) -> dict | None:
    rows = [r for r in values if r.get(YEAR) is not None]
    full = [r for r in rows if r[YEAR] not in base.partial_years(result)]
    return max(full or rows, key=lambda r: r[YEAR]) if rows else None


def two_sources(result: Result, *, title: str = "Court file and prosecutors' data") -> dict:
    """Grouped bars per fiscal year: the court file's filings, the prosecutors'
    district-court filings, and theirs with magistrate-only cases (a ``reconcile
    --by fiscal_year`` result)."""
    values = base.rows(result)
    row = _last_full(result, values)
    said = ("no rows" if row is None else f"in {base.year_label(row[YEAR], result)}: "
            + ", ".join(f"{n.lower()} {base.number(row[c])}" for c, n in SOURCES.items()))
    return _folded_bars(result, SOURCES, ["#0072B2", "#E69F00", "#D55E00"], title=title,
                        description=f"Grouped bars per fiscal year of three counts of "
                                    f"immigration defendants filed; {said}.",
                        axis_title="Defendants filed", grouped=True)


def reconcile_causes(result: Result, *, title: str = (
        "Why the prosecutors' count differs from the court file's")) -> dict:
    """Stacked bars per fiscal year of the itemised differences between the court file
    and the prosecutors' count with magistrate-only cases (negative parts below zero)."""
    values = base.rows(result)
    row = _last_full(result, values)
    said = ("no rows" if row is None else f"in {base.year_label(row[YEAR], result)} the "
            f"prosecutors' count ({base.number(row['lions_all'])}) differs from the court "
            f"file's ({base.number(row['court_file'])}) by "
            f"{row['lions_all'] - row['court_file']:+,}: "
            + ", ".join(f"{n.lower()} {base.number(row[c])}" for c, n in CAUSES.items()))
    return _folded_bars(result, CAUSES,
                        ["#56B4E9", "#CC79A7", "#000000", "#F0E442", "#D55E00"], title=title,
                        description=f"Stacked bars per fiscal year of the differences "
                                    f"between the two sources, by cause; {said}.",
                        axis_title="Defendants (difference)", grouped=False)


def per_apprehension(result: Result, *, title: str = (
        "Southwest border filings per 1,000 Title 8 apprehensions")) -> dict:
    """Bars per fiscal year of ``filings_per_1000``; a year without a Title 8 figure has
    no bar, and says so (a ``per_apprehension --by fiscal_year`` result)."""
    require(result, YEAR, "filings_per_1000", chart="per apprehension")
    values = base.rows(result)
    missing = [r[YEAR] for r in values if r.get("filings_per_1000") is None]
    row = _last_full(result, [r for r in values if r.get("filings_per_1000") is not None])
    said = ("no year has both figures" if row is None else
            f"{base.number(row['filings_per_1000'], 1)} in FY{row[YEAR]} "
            f"({base.number(row.get('filings'))} filings, "
            f"{base.number(row.get('title8_apprehensions'))} apprehensions)")
    gap = (f"No bar: FY{', FY'.join(str(y) for y in missing)} (no Title 8 apprehension "
           "figure)." if missing else None)
    return base.frame(
        title, f"Bars per fiscal year of southwest border filings per 1,000 Title 8 "
               f"apprehensions: {said}." + (f" {gap}" if gap else ""),
        values, base.subtitle(base.partial_note(result, base.years_of(values)), gap),
        width=base.WIDTH, height=base.HEIGHT,
        mark={"type": "bar", "color": "#0072B2"},
        encoding={
            "x": base.year_axis(result, values),
            "y": {"field": "filings_per_1000", "type": "quantitative", "scale": {"zero": True},
                  "axis": {"title": "Filings per 1,000 apprehensions", "format": ",.1f"}},
            "opacity": base.partial_opacity(),
            "tooltip": [{"field": YEAR, "type": "ordinal", "title": "Fiscal year"},
                        {"field": "filings_per_1000", "type": "quantitative",
                         "title": "Per 1,000", "format": ",.2f"},
                        {"field": "filings", "type": "quantitative", "title": "Filings",
                         "format": ",d"},
                        {"field": "title8_apprehensions", "type": "quantitative",
                         "title": "Title 8 apprehensions", "format": ",d"}],
        })


def _year_bars(result: Result, field: str, *, title: str, axis: dict, what: str,
               said, tooltip_format: str, transform: list | None = None) -> dict:
    """Bars of one (possibly derived) field per fiscal year, a partial year lighter."""
    values = base.rows(result)
    shown = [r for r in values if r.get(YEAR) is not None]
    first = min(shown, key=lambda r: r[YEAR]) if shown else None
    last = _last_full(result, values)
    text = ("no rows" if first is None else
            f"{said(first)} in {base.year_label(first[YEAR], result)}"
            + ("" if last is first else
               f" and {said(last)} in {base.year_label(last[YEAR], result)}"))
    return base.frame(
        title, f"Bars of {what} per fiscal year: {text}.", values,
        base.subtitle(base.partial_note(result, base.years_of(values))),
        width=base.WIDTH, height=base.HEIGHT, transform=transform or [],
        mark={"type": "bar", "color": "#0072B2"},
        encoding={"x": base.year_axis(result, values),
                  "y": {"field": field, "type": "quantitative", "scale": {"zero": True},
                        "axis": axis},
                  "opacity": base.partial_opacity(),
                  "tooltip": [{"field": YEAR, "type": "ordinal", "title": "Fiscal year"},
                              {"field": field, "type": "quantitative",
                               "title": axis["title"], "format": tooltip_format}]})


def prison_years(result: Result, *, title: str = "Years of prison imposed") -> dict:
    """Bars of ``prison_years`` per fiscal year (a ``prison_years`` or ``prison_cost``
    result ``--by fiscal_year``)."""
    require(result, YEAR, "prison_years", chart="prison years")
    return _year_bars(result, "prison_years", title=title,
                      axis=base.count_axis("Years of prison", ",.0f"),
                      what="years of prison imposed on convicted defendants",
                      said=lambda r: f"{base.number(r['prison_years'])} years",
                      tooltip_format=",.0f")


def prison_cost(result: Result, *, title: str = "Cost of the prison years imposed") -> dict:
    """Bars of ``cost_usd`` per fiscal year in millions of dollars (nominal, at the BOP
    rate; a ``prison_cost --by fiscal_year`` result). A year without a rate has no bar."""
    require(result, YEAR, "cost_usd", chart="prison cost")
    return _year_bars(
        result, "cost_millions", title=title,
        axis={"title": "Millions of dollars (nominal)", "format": ",.0f"},
        what="the cost of the prison years imposed, at the Bureau of Prisons' rate",
        said=lambda r: ("no cost figure" if r.get("cost_usd") is None else
                        f"${r['cost_usd'] / 1e6:,.1f} million"),
        tooltip_format="$,.1f",
        transform=[{"calculate": "isValid(datum.cost_usd) ? datum.cost_usd / 1e6 : null",
                    "as": "cost_millions"}])


def top_districts(result: Result, *, value: str | None = None, title: str | None = None,
                  unit: str = "defendants") -> dict:
    """Horizontal bars, largest first, one per district (a result ``--by district``,
    usually ``--sort -defendants --top 10``)."""
    value = value_column(result, value)
    require(result, "district", "district_short_name", value, chart="top districts")
    values = base.rows(result)
    ranked = sorted((r for r in values if r.get(value) is not None),
                    key=lambda r: r[value], reverse=True)
    fmt = ".1%" if value.endswith(("share", "_rate")) else ",d"
    shown = base.percent if fmt == ".1%" else base.number
    listed = ", ".join(f"{r['district_short_name']} {shown(r[value])}" for r in ranked)
    return base.frame(
        title or f"Districts by {unit}",
        f"Horizontal bars of {unit} for {len(ranked)} districts, largest first: {listed}.",
        values, base.subtitle(base.scope_note(result)),
        width=base.WIDTH - 120, height={"step": 22},
        mark={"type": "bar", "color": "#0072B2"},
        encoding={
            "y": {"field": "district_short_name", "type": "nominal",
                  "sort": {"field": value, "order": "descending"},
                  "axis": {"title": None, "labelLimit": 200}},
            "x": {"field": value, "type": "quantitative", "scale": {"zero": True},
                  "axis": {"title": unit.capitalize(), "format": fmt.replace(".1%", ".0%")}},
            "tooltip": [{"field": "district_name", "type": "nominal", "title": "District"},
                        {"field": value, "type": "quantitative", "title": unit.capitalize(),
                         "format": fmt}],
        })
