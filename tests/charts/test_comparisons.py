"""The two sources, per apprehension, prison years and cost, top districts: figures
worked out by hand on hand-made results, and the reconciliation's identity."""

from __future__ import annotations

import pytest
from helpers.charts import hand_result, marks

from crossings import charts
from crossings.charts.comparisons import CAUSES, SOURCES
from crossings.measures import measure
from crossings.measures.reconcile import COLUMNS as RECONCILE_COLUMNS
from crossings.measures.reconcile import reconcile


@pytest.fixture(scope="module")
def meta(chart_store):
    return measure("filings", ["fiscal_year"], store=chart_store).meta


def test_causes_add_up_to_the_difference_the_sentence_gives(chart_store):
    result = reconcile(["fiscal_year"], store=chart_store)
    spec = charts.reconcile_causes(result)
    # The sentence speaks of the latest full year (a partial one is not comparable).
    full = [r for r in result.to_pylist() if r["fiscal_year"] not in result.meta.partial_years]
    row = max(full, key=lambda r: r["fiscal_year"])
    assert f"in FY{row['fiscal_year']} " in spec["description"]
    # The library's identity: lions_all = court_file + every cause.
    assert row["lions_all"] == row["court_file"] + sum(row[c] for c in CAUSES)
    difference = sum(row[c] for c in CAUSES)
    assert f"by {difference:+,}:" in spec["description"]
    assert spec["encoding"]["y"]["stack"] == "zero"
    assert spec["transform"][0] == {"fold": list(CAUSES), "as": ["part", "count"]}


def test_two_sources_are_side_by_side(chart_store):
    result = reconcile(["fiscal_year"], store=chart_store)
    spec = charts.two_sources(result)
    assert spec["encoding"]["xOffset"]["field"] == "part"
    assert spec["encoding"]["y"]["stack"] is None
    bars = marks(spec, "rect")
    assert len(bars) == 3 * len(result)


def test_a_year_without_a_denominator_is_a_gap_on_the_axis(meta):
    rows = [{"fiscal_year": 2020, "filings": 300, "title8_apprehensions": 100_000,
             "filings_per_1000": 3.0},
            {"fiscal_year": 2021, "filings": 280, "title8_apprehensions": None,
             "filings_per_1000": None},
            {"fiscal_year": 2022, "filings": 250, "title8_apprehensions": 125_000,
             "filings_per_1000": 2.0}]
    spec = charts.per_apprehension(hand_result(meta, rows, ["fiscal_year"]))
    assert spec["encoding"]["x"]["scale"]["domain"] == [2020, 2021, 2022]
    assert "No bar: FY2021 (no Title 8 apprehension figure)." in spec["title"]["subtitle"]
    assert "2.0 in FY2022 (250 filings, 125,000 apprehensions)" in spec["description"]
    assert len(marks(spec, "rect")) == 2


def test_prison_cost_in_millions(meta):
    rows = [{"fiscal_year": 2023, "prison_years": 100.0, "cost_usd": 4_250_000.0},
            {"fiscal_year": 2024, "prison_years": 50.0, "cost_usd": None}]
    spec = charts.prison_cost(hand_result(meta, rows, ["fiscal_year"]))
    assert "$4.2 million in FY2023 and no cost figure in FY2024" in spec["description"]
    assert spec["transform"][0]["as"] == "cost_millions"
    years = charts.prison_years(hand_result(meta, rows, ["fiscal_year"]))
    assert "100 years in FY2023 and 50 years in FY2024" in years["description"]


def test_top_districts_largest_first(chart_store):
    result = measure("filings", ["district"], store=chart_store, sort="-defendants", top=3)
    spec = charts.top_districts(result)
    rows = result.table.to_pylist()
    listed = ", ".join(f"{r['district_short_name']} {r['defendants']:,}" for r in rows)
    assert f"largest first: {listed}." in spec["description"]
    assert spec["encoding"]["y"]["sort"] == {"field": "defendants", "order": "descending"}
    assert spec["encoding"]["x"]["scale"]["zero"] is True


def test_the_two_charts_show_every_reconcile_column():
    assert set(SOURCES) | set(CAUSES) == set(RECONCILE_COLUMNS)
