"""How cases end: outcomes and rates, sentence brackets, the plea-down table, speed."""

from __future__ import annotations

from functools import cache

from crossings.charts import base
from crossings.charts.base import PARTIAL, YEAR
from crossings.charts.trends import columns_over_years, require
from crossings.codebook.tables import read_table
from crossings.measures import Result
from crossings.measures.brackets import BRACKETS

#: The outcome classes of the court file's dispositions, in the order stacked.
OUTCOMES = {"convicted": "Convicted", "dismissed": "Dismissed", "acquitted": "Acquitted",
            "other": "Other (transfer, diversion, mistrial...)"}
OUTCOME_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#999999")
NOT_A_TERM = ("no sentence", "sealed", "missing")


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


def outcomes(result: Result, *, title: str = "How cases ended") -> dict:
    """Stacked bars per fiscal year: terminated defendants convicted, dismissed,
    acquitted, other (a ``dispositions --by fiscal_year`` result)."""
    require(result, YEAR, "disposition", "defendants", chart="outcomes")
    values = base.rows(result)
    classes = outcome_of()
    cases = " : ".join(f"datum.disposition == '{label}' ? '{cls}'"
                       for label, cls in classes.items())
    totals: dict[int, dict[str, int]] = {}
    for r in values:
        year = totals.setdefault(r[YEAR], {})
        cls = classes.get(r["disposition"], "other")
        year[cls] = year.get(cls, 0) + r["defendants"]
    last = max(totals) if totals else None
    full = [y for y in totals if y not in base.partial_years(result)]
    shown = max(full) if full else last
    summary = ("no rows" if shown is None else
               f"in FY{shown}, of {sum(totals[shown].values()):,} terminated defendants "
               + ", ".join(f"{totals[shown].get(c, 0):,} {OUTCOMES[c].split(' (')[0].lower()}"
                           for c in OUTCOMES))
    names = " : ".join(f"datum.outcome == '{c}' ? '{n}'" for c, n in OUTCOMES.items())
    return base.frame(
        title, f"Stacked bars of terminated defendants per fiscal year by outcome; {summary}.",
        values, base.subtitle(base.partial_note(result, base.years_of(values))),
        width=base.WIDTH, height=base.HEIGHT,
        transform=[
            {"calculate": f"{cases} : 'other'", "as": "outcome"},
            {"aggregate": [{"op": "sum", "field": "defendants", "as": "defendants"}],
             "groupby": [YEAR, "outcome", PARTIAL]},
            {"calculate": f"indexof({list(OUTCOMES)}, datum.outcome)", "as": "outcome_order"},
            {"calculate": f"{names} : datum.outcome", "as": "outcome_name"}],
        mark={"type": "bar"},
        encoding={
            "x": base.year_axis(result, values),
            "y": {"field": "defendants", "type": "quantitative", "stack": "zero",
                  "axis": base.count_axis("Terminated defendants"), "scale": {"zero": True}},
            "color": {"field": "outcome", "type": "nominal",
                      "scale": {"domain": list(OUTCOMES), "range": list(OUTCOME_COLOURS)},
                      "legend": {"title": "Outcome", "labelExpr": names.replace(
                          "datum.outcome", "datum.value") + " : datum.label"}},
            "order": {"field": "outcome_order", "type": "quantitative"},
            "opacity": base.partial_opacity(),
            "tooltip": [{"field": YEAR, "type": "ordinal", "title": "Fiscal year"},
                        {"field": "outcome_name", "type": "nominal", "title": "Outcome"},
                        {"field": "defendants", "type": "quantitative",
                         "title": "Defendants", "format": ",d"}],
        })


def conviction_rates(result: Result, *, title: str = "Conviction and guilty-plea rates"
                     ) -> dict:
    """Two lines: convictions / terminations and guilty pleas / convictions
    (a ``convictions --by fiscal_year`` result); percent axis from 0."""
    return columns_over_years(
        result, {"conviction_rate": "Conviction rate (of terminated defendants)",
                 "guilty_plea_share": "Guilty pleas (of convictions)"},
        title=title, axis_title="Percent", fmt=".0%", what="conviction and guilty-plea rates")


def sentence_brackets(result: Result, *, title: str = "Prison terms imposed") -> dict:
    """Bars of convicted defendants per sentence bracket, in the brackets' order
    (a ``sentences --by sentence_bracket`` result)."""
    require(result, "sentence_bracket", "convicted", chart="sentence brackets")
    values = base.rows(result)
    total = sum(r["convicted"] for r in values)
    order = [b for b in BRACKETS if any(r["sentence_bracket"] == b for r in values)]
    parts = ", ".join(f"{r['sentence_bracket']}: {r['convicted']:,} "
                      f"({base.percent(r['convicted'] / total if total else None)})"
                      for r in sorted(values, key=lambda r: order.index(r["sentence_bracket"])))
    label = ("datum.value == 'none' ? 'No prison' : datum.value == '<1' ? 'Under 1' : "
             "datum.value")
    return base.frame(
        title, f"Bars of {total:,} convicted defendants by prison term in months: {parts}.",
        values, base.subtitle(base.scope_note(result)),
        width=base.WIDTH, height=base.HEIGHT,
        mark={"type": "bar"},
        encoding={
            # Brackets that are not a term (no sentence, sealed, missing) in grey.
            "color": {"condition": {"test": f"indexof({list(NOT_A_TERM)}, "
                                            "datum.sentence_bracket) >= 0",
                                    "value": "#999999"}, "value": "#0072B2"},
            "x": {"field": "sentence_bracket", "type": "ordinal", "sort": order,
                  "axis": {"title": "Prison term (months)", "labelAngle": 0,
                           "labelExpr": label}},
            "y": {"field": "convicted", "type": "quantitative", "scale": {"zero": True},
                  "axis": base.count_axis("Convicted defendants")},
            "tooltip": [{"field": "sentence_bracket", "type": "ordinal", "title": "Months"},
                        {"field": "convicted", "type": "quantitative",
                         "title": "Convicted defendants", "format": ",d"}],
        })


def plea_down(result: Result, *, title: str = "Charge at filing and at the end") -> dict:
    """A table of coloured cells: terminated defendants by filing charge (rows) and final
    charge (columns), each cell with its count and its share of the row
    (a ``plea_down`` result, summed over any other keys)."""
    require(result, "filing_charge", "termination_charge", "defendants", chart="plea-down")
    values = base.rows(result)
    cells: dict[tuple[str, str], int] = {}
    for r in values:
        key = (r["filing_charge"], r["termination_charge"])
        cells[key] = cells.get(key, 0) + r["defendants"]
    reentry = {end: n for (start, end), n in cells.items() if start == "illegal_reentry"}
    total = sum(reentry.values())
    kept = reentry.get("illegal_reentry", 0)
    summary = (f"of {total:,} defendants filed for illegal re-entry, {kept:,} "
               f"({base.percent(kept / total)}) ended on that charge" if total
               else "no illegal re-entry filings")
    order = [c for c in base.CHARGE_NAMES
             if any(c in key for key in cells)]
    axis = {"labelExpr": base.charge_legend()["labelExpr"], "labelAngle": 0,
            "labelLimit": 160}
    encoding = {
        "x": {"field": "termination_charge", "type": "nominal", "sort": order,
              "axis": {**axis, "title": "Final charge", "orient": "top", "labelAngle": -30}},
        "y": {"field": "filing_charge", "type": "nominal", "sort": order,
              "axis": {**axis, "title": "Charge at filing"}},
    }
    return base.frame(
        title, f"A table of terminated defendants by charge at filing and final charge; "
               f"{summary}.",
        values, base.subtitle(base.scope_note(result),
                              "Each cell: defendants, and their share of the row."),
        width=base.WIDTH, height=base.HEIGHT,
        transform=[
            {"aggregate": [{"op": "sum", "field": "defendants", "as": "defendants"}],
             "groupby": ["filing_charge", "termination_charge"]},
            {"joinaggregate": [{"op": "sum", "field": "defendants", "as": "row_total"}],
             "groupby": ["filing_charge"]},
            {"calculate": "datum.defendants / datum.row_total", "as": "row_share"},
            {"calculate": "format(datum.defendants, ',d') + ' (' + "
                          "format(datum.row_share, '.0%') + ')'", "as": "cell_text"}],
        encoding=encoding,
        layer=[
            {"mark": {"type": "rect", "stroke": "#ffffff"},
             "encoding": {"color": {"field": "row_share", "type": "quantitative",
                                    "scale": {"scheme": "blues", "domain": [0, 1]},
                                    "legend": {"title": "Share of row", "format": ".0%"}},
                          "tooltip": [
                              {"field": "filing_charge", "title": "Charge at filing"},
                              {"field": "termination_charge", "title": "Final charge"},
                              {"field": "defendants", "type": "quantitative",
                               "title": "Defendants", "format": ",d"},
                              {"field": "row_share", "type": "quantitative",
                               "title": "Share of row", "format": ".1%"}]}},
            {"mark": {"type": "text", "fontSize": 11},
             "encoding": {"text": {"field": "cell_text"},
                          "color": {"condition": {"test": "datum.row_share > 0.5",
                                                  "value": "#ffffff"},
                                    "value": "#111111"}}},
        ])


def speed_days(result: Result, *, title: str = "Days from filing to disposition") -> dict:
    """Two lines: the median and the 90th percentile of days from filing to
    disposition (a ``speed --by fiscal_year`` result)."""
    return columns_over_years(
        result, {"median_days": "Median", "p90_days": "90th percentile (9 in 10 took less)"},
        title=title, axis_title="Days", fmt=",d", what="days from filing to disposition")


def disposed_within_a_day(result: Result, *, title: str = (
        "Share of cases disposed within a day of filing")) -> dict:
    """Lines: the share of terminated defendants disposed within 1 and within 7 days of
    filing (a ``speed --by fiscal_year`` result); percent axis from 0."""
    return columns_over_years(
        result, {"share_within_1_day": "Within a day", "share_within_7_days": "Within a week"},
        title=title, axis_title="Share of terminated defendants", fmt=".0%",
        what="the share of cases disposed soon after filing")
