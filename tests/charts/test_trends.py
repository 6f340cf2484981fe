"""Trend charts: valid Vega-Lite 5, the result's rows as data, the partial year marked,
and an SVG carrying the title."""

from __future__ import annotations

import pytest
from helpers.charts import assert_rows_are_result, assert_valid

from crossings import charts
from crossings.charts.base import PARTIAL
from crossings.errors import InvalidRequest
from crossings.measures import measure
from crossings.measures.charges import IMMIGRATION


@pytest.fixture(scope="module")
def by_charge(chart_store):
    return measure("filings", ["fiscal_year", "charge"], {"charge": list(IMMIGRATION)},
                   store=chart_store)


def test_filings_by_charge_is_valid_and_holds_the_result(by_charge, vega_lite_schema):
    spec = charts.filings_by_charge(by_charge)
    assert_valid(spec, vega_lite_schema)
    assert_rows_are_result(spec, by_charge)
    assert spec["encoding"]["y"]["scale"]["zero"] is True
    assert spec["encoding"]["y"]["stack"] == "zero"


def test_the_partial_year_is_lighter_and_said(by_charge):
    spec = charts.filings_by_charge(by_charge)
    (year,) = by_charge.meta.partial_years
    # The demo's court file ends 2025-06-30: the note names the month.
    assert by_charge.meta.data_as_of == "2025-06-30"
    assert spec["title"]["subtitle"] == [f"FY{year} is partial: data through June 2025."]
    partial_rows = [r for r in spec["data"]["values"] if r[PARTIAL]]
    assert partial_rows and all(r["fiscal_year"] == year for r in partial_rows)
    opacity = spec["encoding"]["opacity"]
    assert opacity["condition"]["test"] == f"datum.{PARTIAL}"
    assert opacity["condition"]["value"] < opacity["value"]
    assert f"datum.value == {year}" in spec["encoding"]["x"]["axis"]["labelExpr"]


def test_description_gives_the_totals_from_the_rows(by_charge):
    spec = charts.filings_by_charge(by_charge)
    totals = {}
    for row in by_charge.table.to_pylist():
        totals[row["fiscal_year"]] = totals.get(row["fiscal_year"], 0) + row["defendants"]
    first, last = min(totals), max(totals)
    assert f"{totals[first]:,} in FY{first}" in spec["description"]
    assert f"{totals[last]:,} in FY{last} (partial)" in spec["description"]


def test_border_lines_dash_into_the_partial_year(chart_store, vega_lite_schema):
    result = measure("filings", ["fiscal_year", "border"], store=chart_store)
    spec = charts.border_vs_rest(result)
    assert_valid(spec, vega_lite_schema)
    assert_rows_are_result(spec, result)
    (year,) = result.meta.partial_years
    dashed = [layer for layer in spec["layer"] if layer["mark"].get("strokeDash")]
    assert len(dashed) == 1
    assert dashed[0]["transform"] == [{"filter": f"datum.fiscal_year >= {year - 1}"}]
    solid = spec["layer"][0]
    assert solid["transform"] == [{"filter": f"!datum.{PARTIAL}"}]


def test_immigration_share_is_a_percent_axis_from_zero(chart_store, vega_lite_schema):
    result = measure("filings", ["fiscal_year", "charge_group"], store=chart_store,
                     share=True)
    spec = charts.immigration_share(result)
    assert_valid(spec, vega_lite_schema)
    assert_rows_are_result(spec, result)
    y = spec["layer"][0]["encoding"]["y"]
    assert y["field"] == "share" and y["axis"]["format"] == ".0%" and y["scale"]["zero"]
    first = next(r for r in result.table.to_pylist() if r["charge_group"] == "immigration")
    assert f"{first['share']:.1%} in FY{first['fiscal_year']}" in spec["description"]


def test_immigration_share_needs_the_share_column(chart_store):
    result = measure("filings", ["fiscal_year", "charge_group"], store=chart_store)
    with pytest.raises(InvalidRequest, match="share"):
        charts.immigration_share(result)


def test_single_trend_and_svg(chart_store, vega_lite_schema):
    result = measure("filings", ["fiscal_year"], {"district": "TXS"}, store=chart_store)
    spec = charts.single_trend(result, title="S.D. Tex. filings")
    assert_valid(spec, vega_lite_schema)
    assert_rows_are_result(spec, result)
    svg = charts.to_svg(spec)
    assert svg.lstrip().startswith("<svg") and "S.D. Tex. filings" in svg
    assert "http://" not in svg.replace("http://www.w3.org/", "")
    png = charts.to_png(spec)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_year_without_partial_has_no_note(chart_store):
    result = measure("filings", ["fiscal_year"], {"to_year": 2020}, store=chart_store)
    spec = charts.single_trend(result, title="To 2020")
    assert "subtitle" not in spec["title"]
    assert not any(r[PARTIAL] for r in spec["data"]["values"])
    assert "labelExpr" not in spec["encoding"]["x"]["axis"]


def test_a_median_trend_keeps_its_decimal(chart_store):
    result = measure("sentences", ["fiscal_year"], store=chart_store)
    spec = charts.single_trend(result, title="Median prison term", value="median_prison_months",
                               unit="months")
    first = result.table.to_pylist()[0]
    assert f"{first['median_prison_months']:,.1f} in FY{first['fiscal_year']}" in \
        spec["description"]
    assert spec["encoding"]["tooltip"][1]["format"] == ",.1f"


def test_an_empty_title_is_kept_empty(by_charge):
    assert charts.filings_by_charge(by_charge, title="")["title"]["text"] == ""


def test_responsive_specs_fit_their_container(by_charge, chart_store, vega_lite_schema):
    spec = charts.responsive(charts.filings_by_charge(by_charge))
    assert spec["width"] == "container" and spec["autosize"]["type"] == "fit-x"
    assert_valid(spec, vega_lite_schema)
    assert charts.filings_by_charge(by_charge)["width"] == 560  # the original untouched
    district = measure("filings", ["district"], store=chart_store)
    map_spec = charts.district_map(district, geo_url=charts.GEO_STATIC_URL)
    assert charts.responsive(map_spec) == map_spec
