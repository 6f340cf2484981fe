"""Every chart the pages and the fact sheet use, on a demo store: valid Vega-Lite 5,
its data the result's own rows, a title the SVG carries, a text alternative."""

from __future__ import annotations

import pytest
from helpers.charts import assert_rows_are_result, assert_valid

from crossings import charts
from crossings.measures import measure
from crossings.measures.charges import IMMIGRATION
from crossings.measures.reconcile import reconcile

IMM = {"charge": list(IMMIGRATION)}

#: (chart, how its result is asked for): the calls the pages and the sheet make.
CHARTS = {
    "filings_by_charge": (charts.filings_by_charge,
                          lambda s: measure("filings", ["fiscal_year", "charge"], IMM, store=s)),
    "border_vs_rest": (charts.border_vs_rest,
                       lambda s: measure("filings", ["fiscal_year", "border"], IMM, store=s)),
    "immigration_share": (charts.immigration_share,
                          lambda s: measure("filings", ["fiscal_year", "charge_group"],
                                            store=s, share=True)),
    "single_trend": (lambda r: charts.single_trend(r, title="D. Ariz."),
                     lambda s: measure("filings", ["fiscal_year"], {"district": "AZ"},
                                       store=s)),
    "outcomes": (charts.outcomes,
                 lambda s: measure("dispositions", ["fiscal_year"], IMM, store=s)),
    "conviction_rates": (charts.conviction_rates,
                         lambda s: measure("convictions", ["fiscal_year"], IMM, store=s)),
    "sentence_brackets": (charts.sentence_brackets,
                          lambda s: measure("sentences", ["sentence_bracket"],
                                            {"charge": "illegal_reentry"}, store=s)),
    "plea_down": (charts.plea_down, lambda s: measure("plea_down", store=s)),
    "speed_days": (charts.speed_days,
                   lambda s: measure("speed", ["fiscal_year"], IMM, store=s)),
    "disposed_within_a_day": (charts.disposed_within_a_day,
                              lambda s: measure("speed", ["fiscal_year"], IMM, store=s)),
    "two_sources": (charts.two_sources, lambda s: reconcile(["fiscal_year"], store=s)),
    "reconcile_causes": (charts.reconcile_causes,
                         lambda s: reconcile(["fiscal_year"], store=s)),
    "per_apprehension": (charts.per_apprehension,
                         lambda s: measure("per_apprehension", ["fiscal_year"], store=s)),
    "prison_years": (charts.prison_years,
                     lambda s: measure("prison_years", ["fiscal_year"], IMM, store=s)),
    "prison_cost": (charts.prison_cost,
                    lambda s: measure("prison_cost", ["fiscal_year"], store=s)),
    "top_districts": (charts.top_districts,
                      lambda s: measure("filings", ["district"], IMM, store=s,
                                        sort="-defendants", top=10)),
}


@pytest.mark.parametrize("name", list(CHARTS))
def test_chart_is_valid_holds_the_result_and_renders(name, chart_store, vega_lite_schema):
    draw, ask = CHARTS[name]
    result = ask(chart_store)
    assert len(result) > 0
    spec = draw(result)
    assert_valid(spec, vega_lite_schema)
    assert_rows_are_result(spec, result)
    assert spec["description"].endswith(".") and len(spec["description"]) > 40
    svg = charts.to_svg(spec)
    assert spec["title"]["text"].replace("'", "&#39;") in svg or spec["title"]["text"] in svg
    if result.meta.partial_years and "fiscal_year" in result.columns:
        (year,) = result.meta.partial_years
        assert f"FY{year} is partial: data through June 2025." in spec["title"]["subtitle"]
