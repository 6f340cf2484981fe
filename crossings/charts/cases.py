"""How cases end: outcomes and rates, sentence brackets, the plea-down table, speed."""

from __future__ import annotations

from functools import cache

from crossings.charts import base
from crossings.charts.base import PARTIAL, YEAR, t
from crossings.charts.trends import columns_over_years, require
from crossings.charts.words import N_
from crossings.codebook.tables import read_table
from crossings.measures import Result
from crossings.measures.brackets import BRACKETS

#: The outcome classes of the court file's dispositions, in the order stacked.
OUTCOMES = {"convicted": N_("Convicted"), "dismissed": N_("Dismissed"),
            "acquitted": N_("Acquitted"), "other": N_("Other (transfer, diversion, mistrial...)")}
OUTCOME_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#999999")
#: Brackets that are not a prison term, drawn grey.
NOT_A_TERM = ("no sentence", "sealed", "missing")
BRACKET_NAMES = {"none": N_("No prison"), "<1": N_("Under 1"),
                 "no sentence": N_("No sentence"), "sealed": N_("Sealed"),
                 "missing": N_("Missing"), "life": N_("Life"), "death": N_("Death")}


@cache
def outcome_of() -> dict[str, str]:
    """Each disposition label of the court file's codebook -> its outcome class."""
    out = {}
    for row in read_table("fjc", "dispositions.csv"):
        label = row["label"]
        if row["convicted"] == "1":
            out[label] = "convicted"
        elif label.startswith(("Acquitted", "Not guilty")):
            out[label] = "acquitted"
        elif label.startswith(("Dismiss", "Nolle")):
            out[label] = "dismissed"
        else:
            out[label] = "other"
    return out


def _outcome_summary(result: Result, values: list[dict]) -> str:
    """The last full year's outcomes in words."""
    classes = outcome_of()
    totals: dict[int, dict[str, int]] = {}
    for r in values:
        year = totals.setdefault(r[YEAR], {})
        cls = classes.get(r["disposition"], "other")
        year[cls] = year.get(cls, 0) + r["defendants"]
    if not totals:
        return t("no rows")
    full = [y for y in totals if y not in base.partial_years(result)]
    shown = max(full) if full else max(totals)
    return t("in {year}, of {total} terminated defendants {parts}",
             year=base.year_label(shown, result), total=base.number(sum(totals[shown].values())),
             parts=", ".join(f"{base.number(totals[shown].get(c, 0))} "
                             f"{t(n).split(' (')[0].lower()}" for c, n in OUTCOMES.items()))


def outcomes(result: Result, *, title: str | None = None) -> dict:
    """Stacked bars per fiscal year: terminated defendants convicted, dismissed,
    acquitted, other (a ``dispositions --by fiscal_year`` result)."""
    require(result, YEAR, "disposition", "defendants", chart="outcomes")
    values = base.rows(result)
    classes = " : ".join(f"datum.disposition == {base.literal(label)} ? {base.literal(cls)}"
                         for label, cls in outcome_of().items())
    return base.frame(
        base.titled(title, t("How cases ended")),
        t("Stacked bars of terminated defendants per fiscal year by outcome; {summary}.",
          summary=_outcome_summary(result, values)),
        values, base.subtitle(base.partial_note(result, base.years_of(values))),
        width=base.WIDTH, height=base.HEIGHT,
        transform=[
            {"calculate": f"{classes} : 'other'", "as": "outcome"},
            {"aggregate": [{"op": "sum", "field": "defendants", "as": "defendants"}],
             "groupby": [YEAR, "outcome", PARTIAL]},
            {"calculate": f"indexof({list(OUTCOMES)}, datum.outcome)", "as": "outcome_order"},
            {"calculate": base.cases("outcome", OUTCOMES), "as": "outcome_name"}],
        mark={"type": "bar"},
        encoding={
            "x": base.year_axis(result, values),
            "y": {"field": "defendants", "type": "quantitative", "stack": "zero",
                  "axis": base.count_axis(t("Terminated defendants")),
                  "scale": {"zero": True}},
            "color": {"field": "outcome", "type": "nominal",
                      "scale": {"domain": list(OUTCOMES), "range": list(OUTCOME_COLOURS)},
                      "legend": {"title": t("Outcome"),
                                 "labelExpr": base.cases("value", OUTCOMES)}},
            "order": {"field": "outcome_order", "type": "quantitative"},
            "opacity": base.partial_opacity(),
            "tooltip": [{"field": YEAR, "type": "ordinal", "title": t("Fiscal year")},
                        {"field": "outcome_name", "type": "nominal", "title": t("Outcome")},
                        {"field": "defendants", "type": "quantitative",
                         "title": t("Defendants"), "format": ",d"}],
        })


def conviction_rates(result: Result, *, title: str | None = None) -> dict:
    """Two lines: convictions / terminations and guilty pleas / convictions
    (a ``convictions --by fiscal_year`` result); percent axis from 0."""
    return columns_over_years(
        result, {"conviction_rate": N_("Conviction rate (of terminated defendants)"),
                 "guilty_plea_share": N_("Guilty pleas (of convictions)")},
        title=base.titled(title, t("Conviction and guilty-plea rates")), axis_title=t("Percent"),
        fmt=".0%", what=t("conviction and guilty-plea rates"))


def sentence_brackets(result: Result, *, title: str | None = None) -> dict:
    """Bars of convicted defendants per sentence bracket, in the brackets' order
    (a ``sentences --by sentence_bracket`` result)."""
    require(result, "sentence_bracket", "convicted", chart="sentence brackets")
    values = base.rows(result)
    total = sum(r["convicted"] for r in values)
    order = [b for b in BRACKETS if any(r["sentence_bracket"] == b for r in values)]
    parts = ", ".join(
        f"{t(BRACKET_NAMES[b]).lower() if b in BRACKET_NAMES else b}: "
        f"{base.number(r['convicted'])} "
        f"({base.percent(r['convicted'] / total if total else None)})"
        for r in sorted(values, key=lambda r: order.index(r["sentence_bracket"]))
        for b in [r["sentence_bracket"]])
    return base.frame(
        base.titled(title, t("Prison terms imposed")),
        t("Bars of {total} convicted defendants by prison term in months: {parts}.",
          total=base.number(total), parts=parts),
        values, base.subtitle(base.scope_note(result)),
        width=base.WIDTH, height=base.HEIGHT,
        mark={"type": "bar"},
        encoding={
            "color": {"condition": {"test": f"indexof({list(NOT_A_TERM)}, "
                                            "datum.sentence_bracket) >= 0",
                                    "value": "#999999"}, "value": "#0072B2"},
            "x": {"field": "sentence_bracket", "type": "ordinal", "sort": order,
                  "axis": {"title": t("Prison term (months)"), "labelAngle": 0,
                           "labelExpr": base.cases("value", BRACKET_NAMES)}},
            "y": {"field": "convicted", "type": "quantitative", "scale": {"zero": True},
                  "axis": base.count_axis(t("Convicted defendants"))},
            "tooltip": [{"field": "sentence_bracket", "type": "ordinal",
                         "title": t("Months")},
                        {"field": "convicted", "type": "quantitative",
                         "title": t("Convicted defendants"), "format": ",d"}],
        })


def _reentry_summary(cells: dict[tuple[str, str], int]) -> str:
    reentry = {end: n for (start, end), n in cells.items() if start == "illegal_reentry"}
    total = sum(reentry.values())
    if not total:
        return t("no illegal re-entry filings")
    kept = reentry.get("illegal_reentry", 0)
    return t("of {total} defendants filed for illegal re-entry, {kept} ({share}) ended on "
             "that charge", total=base.number(total), kept=base.number(kept),
             share=base.percent(kept / total))


def plea_down(result: Result, *, title: str | None = None) -> dict:
    """A table of coloured cells: terminated defendants by filing charge (rows) and final
    charge (columns), each cell with its count and its share of the row
    (a ``plea_down`` result, summed over any other keys)."""
    require(result, "filing_charge", "termination_charge", "defendants", chart="plea-down")
    values = base.rows(result)
    cells: dict[tuple[str, str], int] = {}
    for r in values:
        key = (r["filing_charge"], r["termination_charge"])
        cells[key] = cells.get(key, 0) + r["defendants"]
    order = [c for c in base.CHARGE_NAMES if any(c in key for key in cells)]
    axis = {"labelExpr": base.charge_legend()["labelExpr"], "labelLimit": 160}
    tooltip = [{"field": "filing_charge", "title": t("Charge at filing")},
               {"field": "termination_charge", "title": t("Final charge")},
               {"field": "defendants", "type": "quantitative", "title": t("Defendants"),
                "format": ",d"},
               {"field": "row_share", "type": "quantitative", "title": t("Share of row"),
                "format": ".1%"}]
    return base.frame(
        base.titled(title, t("Charge at filing and at the end")),
        t("A table of terminated defendants by charge at filing and final charge; "
          "{summary}.", summary=_reentry_summary(cells)),
        values, base.subtitle(base.scope_note(result),
                              t("Each cell: defendants, and their share of the row.")),
        width=base.WIDTH, height=base.HEIGHT,
        transform=[
            {"aggregate": [{"op": "sum", "field": "defendants", "as": "defendants"}],
             "groupby": ["filing_charge", "termination_charge"]},
            {"joinaggregate": [{"op": "sum", "field": "defendants", "as": "row_total"}],
             "groupby": ["filing_charge"]},
            {"calculate": "datum.defendants / datum.row_total", "as": "row_share"},
            {"calculate": "format(datum.defendants, ',d') + ' (' + "
                          "format(datum.row_share, '.0%') + ')'", "as": "cell_text"}],
        encoding={
            "x": {"field": "termination_charge", "type": "nominal", "sort": order,
                  "axis": {**axis, "title": t("Final charge"), "orient": "top",
                           "labelAngle": -30}},
            "y": {"field": "filing_charge", "type": "nominal", "sort": order,
                  "axis": {**axis, "title": t("Charge at filing"), "labelAngle": 0}},
        },
        layer=[
            {"mark": {"type": "rect", "stroke": "#ffffff"},
             "encoding": {"color": {"field": "row_share", "type": "quantitative",
                                    "scale": {"scheme": "blues", "domain": [0, 1]},
                                    "legend": {"title": t("Share of row"), "format": ".0%"}},
                          "tooltip": tooltip}},
            {"mark": {"type": "text", "fontSize": 11},
             "encoding": {"text": {"field": "cell_text"},
                          "color": {"condition": {"test": "datum.row_share > 0.5",
                                                  "value": "#ffffff"},
                                    "value": "#111111"}}},
        ])


def speed_days(result: Result, *, title: str | None = None) -> dict:
    """Two lines: the median and the 90th percentile of days from filing to
    disposition (a ``speed --by fiscal_year`` result)."""
    return columns_over_years(
        result, {"median_days": N_("Median"),
                 "p90_days": N_("90th percentile (9 in 10 took less)")},
        title=base.titled(title, t("Days from filing to disposition")), axis_title=t("Days"),
        fmt=",d", what=t("days from filing to disposition"))


def disposed_within_a_day(result: Result, *, title: str | None = None) -> dict:
    """Lines: the share of terminated defendants disposed within 1 and within 7 days of
    filing (a ``speed --by fiscal_year`` result); percent axis from 0."""
    return columns_over_years(
        result, {"share_within_1_day": N_("Within a day"),
                 "share_within_7_days": N_("Within a week")},
        title=base.titled(title, t("Share of cases disposed within a day of filing")),
        axis_title=t("Share of terminated defendants"), fmt=".0%",
        what=t("the share of cases disposed soon after filing"))
