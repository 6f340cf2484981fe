"""The two sources side by side, prosecutions beside apprehensions, prison years and
their cost, and the districts that file the most."""

from __future__ import annotations

from crossings.charts import base
from crossings.charts.base import YEAR, t
from crossings.charts.trends import require, value_column
from crossings.charts.words import N_
from crossings.measures import Result

#: reconcile's three counts, as their legend says them.
SOURCES = {"court_file": N_("Court file (district court filings)"),
           "lions_district": N_("Prosecutors: district court filings"),
           "lions_all": N_("Prosecutors: with magistrate-only cases")}
#: reconcile's causes, in the order they add up (lions_all = court_file + these).
CAUSES = {"transfers": N_("Transfers in"), "lead_charge": N_("Lead charge chosen differently"),
          "residual": N_("Not explained"), "date_basis": N_("Dated by magistrate filing"),
          "magistrate_only": N_("Magistrate-only cases (mostly petty 1325)")}


def _year_tooltip() -> dict:
    return {"field": YEAR, "type": "ordinal", "title": t("Fiscal year")}


def _folded_bars(result: Result, columns: dict[str, str], colours: list[str], *,
                 title: str, description: str, axis_title: str, grouped: bool) -> dict:
    """Bars of several columns per fiscal year: side by side (``grouped``) or stacked
    (negative parts below zero)."""
    require(result, YEAR, *columns, chart=title)
    values = base.rows(result)
    encoding = {
        "x": base.year_axis(result, values),
        "y": {"field": "count", "type": "quantitative", "scale": {"zero": True},
              "axis": base.count_axis(axis_title), "stack": None if grouped else "zero"},
        "color": {"field": "part", "type": "nominal",
                  "scale": {"domain": list(columns), "range": colours},
                  "legend": {"title": None, "orient": "bottom", "columns": 2,
                             "labelExpr": base.cases("value", columns)}},
        "opacity": base.partial_opacity(),
        "tooltip": [_year_tooltip(),
                    {"field": "part_name", "type": "nominal", "title": t("What")},
                    {"field": "count", "type": "quantitative", "title": t("Defendants"),
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
                   {"calculate": base.cases("part", columns), "as": "part_name"},
                   {"calculate": f"indexof({list(columns)}, datum.part)", "as": "part_order"}],
        mark={"type": "bar"}, encoding=encoding)


def _last_full(result: Result, values: list[dict]) -> dict | None:
    rows = [r for r in values if r.get(YEAR) is not None]
    full = [r for r in rows if r[YEAR] not in base.partial_years(result)]
    return max(full or rows, key=lambda r: r[YEAR]) if rows else None


def _listed(row: dict, columns: dict[str, str]) -> str:
    return ", ".join(f"{t(name).lower()} {base.number(row[c])}" for c, name in columns.items())


def two_sources(result: Result, *, title: str | None = None) -> dict:
    """Grouped bars per fiscal year: the court file's filings, the prosecutors'
    district-court filings, and theirs with magistrate-only cases (a ``reconcile
    --by fiscal_year`` result)."""
    values = base.rows(result)
    row = _last_full(result, values)
    said = t("no rows") if row is None else t(
        "in {year}: {figures}", year=base.year_label(row[YEAR], result),
        figures=_listed(row, SOURCES))
    return _folded_bars(
        result, SOURCES, ["#0072B2", "#E69F00", "#D55E00"],
        title=base.titled(title, t("Court file and prosecutors' data")),
        description=t("Grouped bars per fiscal year of three counts of defendants filed; "
                      "{said}.", said=said),
        axis_title=t("Defendants filed"), grouped=True)


def reconcile_causes(result: Result, *, title: str | None = None) -> dict:
    """Stacked bars per fiscal year of the itemised differences between the court file
    and the prosecutors' count with magistrate-only cases (negative parts below zero)."""
    values = base.rows(result)
    row = _last_full(result, values)
    said = t("no rows") if row is None else t(
        "in {year} the prosecutors' count ({lions}) differs from the court file's ({court}) "
        "by {difference}: {causes}", year=base.year_label(row[YEAR], result),
        lions=base.number(row["lions_all"]), court=base.number(row["court_file"]),
        difference=("+" if row["lions_all"] >= row["court_file"] else "-")
        + base.number(abs(row["lions_all"] - row["court_file"])),
        causes=_listed(row, CAUSES))
    return _folded_bars(
        result, CAUSES, ["#56B4E9", "#CC79A7", "#000000", "#F0E442", "#D55E00"],
        title=base.titled(title, t("Why the prosecutors' count differs from the court file's")),
        description=t("Stacked bars per fiscal year of the differences between the two "
                      "sources, by cause; {said}.", said=said),
        axis_title=t("Defendants (difference)"), grouped=False)


def per_apprehension(result: Result, *, title: str | None = None) -> dict:
    """Bars per fiscal year of ``filings_per_1000``; a year without a Title 8 figure has
    no bar, and says so (a ``per_apprehension --by fiscal_year`` result)."""
    require(result, YEAR, "filings_per_1000", chart="per apprehension")
    values = base.rows(result)
    missing = [r[YEAR] for r in values if r.get("filings_per_1000") is None]
    row = _last_full(result, [r for r in values if r.get("filings_per_1000") is not None])
    said = t("no year has both figures") if row is None else t(
        "{rate} in {year} ({filings} filings, {apprehensions} apprehensions)",
        rate=base.number(row["filings_per_1000"], 1), year=base.fy(row[YEAR]),
        filings=base.number(row.get("filings")),
        apprehensions=base.number(row.get("title8_apprehensions")))
    gap = t("No bar: {years} (no Title 8 apprehension figure).",
            years=", ".join(base.fy(y) for y in missing)) if missing else None
    description = t("Bars per fiscal year of southwest border filings per 1,000 Title 8 "
                    "apprehensions: {said}.", said=said) + (f" {gap}" if gap else "")
    return base.frame(
        base.titled(title, t("Southwest border filings per 1,000 Title 8 apprehensions")),
        description, values, base.subtitle(base.partial_note(result, base.years_of(values)), gap),
        width=base.WIDTH, height=base.HEIGHT,
        mark={"type": "bar", "color": "#0072B2"},
        encoding={
            "x": base.year_axis(result, values),
            "y": {"field": "filings_per_1000", "type": "quantitative", "scale": {"zero": True},
                  "axis": {"title": t("Filings per 1,000 apprehensions"), "format": ",.1f"}},
            "opacity": base.partial_opacity(),
            "tooltip": [_year_tooltip(),
                        {"field": "filings_per_1000", "type": "quantitative",
                         "title": t("Per 1,000"), "format": ",.2f"},
                        {"field": "filings", "type": "quantitative", "title": t("Filings"),
                         "format": ",d"},
                        {"field": "title8_apprehensions", "type": "quantitative",
                         "title": t("Title 8 apprehensions"), "format": ",d"}],
        })


def _year_bars(result: Result, field: str, *, title: str, axis: dict, what: str,
               said, tooltip_format: str, transform: list | None = None) -> dict:
    """Bars of one (possibly derived) field per fiscal year, a partial year lighter."""
    values = base.rows(result)
    shown = [r for r in values if r.get(YEAR) is not None]
    first = min(shown, key=lambda r: r[YEAR]) if shown else None
    last = _last_full(result, values)
    at = [t("{value} in {year}", value=said(r), year=base.year_label(r[YEAR], result))
          for r in ([first] if last is first else [first, last]) if r is not None]
    return base.frame(
        title, t("Bars of {what} per fiscal year: {figures}.", what=what,
                 figures=t(" and ").join(at) if at else t("no rows")), values,
        base.subtitle(base.partial_note(result, base.years_of(values))),
        width=base.WIDTH, height=base.HEIGHT, transform=transform or [],
        mark={"type": "bar", "color": "#0072B2"},
        encoding={"x": base.year_axis(result, values),
                  "y": {"field": field, "type": "quantitative", "scale": {"zero": True},
                        "axis": axis},
                  "opacity": base.partial_opacity(),
                  "tooltip": [_year_tooltip(),
                              {"field": field, "type": "quantitative",
                               "title": axis["title"], "format": tooltip_format}]})


def prison_years(result: Result, *, title: str | None = None) -> dict:
    """Bars of ``prison_years`` per fiscal year (a ``prison_years`` or ``prison_cost``
    result ``--by fiscal_year``)."""
    require(result, YEAR, "prison_years", chart="prison years")
    return _year_bars(result, "prison_years",
                      title=base.titled(title, t("Years of prison imposed")),
                      axis=base.count_axis(t("Years of prison"), ",.0f"),
                      what=t("years of prison imposed on convicted defendants"),
                      said=lambda r: t("{years} years", years=base.number(r["prison_years"])),
                      tooltip_format=",.0f")


def prison_cost(result: Result, *, title: str | None = None) -> dict:
    """Bars of ``cost_usd`` per fiscal year in millions of dollars (nominal, at the BOP
    rate; a ``prison_cost --by fiscal_year`` result). A year without a rate has no bar."""
    require(result, YEAR, "cost_usd", chart="prison cost")
    return _year_bars(
        result, "cost_millions", title=base.titled(title, t("Cost of the prison years imposed")),
        axis={"title": t("Millions of dollars (nominal)"), "format": ",.0f"},
        what=t("the cost of the prison years imposed, at the Bureau of Prisons' rate"),
        said=lambda r: (t("no cost figure") if r.get("cost_usd") is None else
                        t("${millions} million", millions=base.number(r["cost_usd"] / 1e6, 1))),
        tooltip_format="$,.1f",
        transform=[{"calculate": "isValid(datum.cost_usd) ? datum.cost_usd / 1e6 : null",
                    "as": "cost_millions"}])


def top_districts(result: Result, *, value: str | None = None, title: str | None = None,
                  unit: str | None = None) -> dict:
    """Horizontal bars, largest first, one per district (a result ``--by district``,
    usually ``--sort -defendants --top 10``)."""
    value = value_column(result, value)
    require(result, "district", "district_short_name", value, chart="top districts")
    unit = unit or t("defendants")
    values = base.rows(result)
    ranked = sorted((r for r in values if r.get(value) is not None),
                    key=lambda r: r[value], reverse=True)
    fraction = value.endswith(("share", "_rate"))
    shown = base.percent if fraction else base.number
    listed = ", ".join(f"{r['district_short_name']} {shown(r[value])}" for r in ranked)
    return base.frame(
        base.titled(title, t("Districts by {unit}", unit=unit)),
        t("Horizontal bars of {unit} for {count} districts, largest first: {listed}.",
          unit=unit, count=len(ranked), listed=listed),
        values, base.subtitle(base.scope_note(result)),
        width=base.WIDTH - 120, height={"step": 22},
        mark={"type": "bar", "color": "#0072B2"},
        encoding={
            "y": {"field": "district_short_name", "type": "nominal",
                  "sort": {"field": value, "order": "descending"},
                  "axis": {"title": None, "labelLimit": 200}},
            "x": {"field": value, "type": "quantitative", "scale": {"zero": True},
                  "axis": {"title": unit.capitalize(), "format": ".0%" if fraction else ",d"}},
            "tooltip": [{"field": "district_name", "type": "nominal", "title": t("District")},
                        {"field": value, "type": "quantitative", "title": unit.capitalize(),
                         "format": ".1%" if fraction else ",d"}],
        })
