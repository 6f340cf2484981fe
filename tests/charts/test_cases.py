"""Outcomes, rates, brackets, plea-down and speed, on hand-made results whose figures
are worked out by hand."""

from __future__ import annotations

import pytest
from helpers.charts import hand_result, marks

from crossings import charts
from crossings.charts import cases
from crossings.measures import measure
from crossings.measures.brackets import BRACKETS


@pytest.fixture(scope="module")
def meta(chart_store):
    return measure("filings", ["fiscal_year"], store=chart_store).meta


@pytest.mark.parametrize(("label", "outcome"), [
    ("Convicted on guilty plea", "convicted"), ("Guilty but insane (jury trial)", "convicted"),
    ("Dismissed without prejudice", "dismissed"), ("Nolle prosequi", "dismissed"),
    ("Acquitted by jury", "acquitted"),
    ("Not guilty by reason of insanity (court trial)", "acquitted"),
    ("Rule 20(a)/21 transfer", "other"), ("Pretrial diversion", "other"),
])
def test_dispositions_fall_in_outcome_classes(label, outcome):
    assert cases.outcome_of()[label] == outcome


def test_outcomes_sum_the_classes_of_the_last_full_year(meta):
    rows = [{"fiscal_year": 2023, "disposition": "Convicted on guilty plea", "defendants": 90},
            {"fiscal_year": 2024, "disposition": "Convicted on guilty plea", "defendants": 70},
            {"fiscal_year": 2024, "disposition": "Convicted by jury after trial",
             "defendants": 5},
            {"fiscal_year": 2024, "disposition": "Dismissed", "defendants": 20},
            {"fiscal_year": 2024, "disposition": "Acquitted by jury", "defendants": 4},
            {"fiscal_year": 2025, "disposition": "Dismissed", "defendants": 9}]
    result = hand_result(meta, rows, ["fiscal_year", "disposition"], partial_years=[2025])
    spec = charts.outcomes(result)
    # FY2025 is partial: the sentence speaks of FY2024 (75 + 20 + 4 = 99).
    assert ("in FY2024, of 99 terminated defendants 75 convicted, 20 dismissed, "
            "4 acquitted, 0 other") in spec["description"]
    bars = marks(spec, "rect")
    heights = sorted(round(b["height"], 3) for b in bars)
    assert len(bars) == 5  # 2023 convicted; 2024 three classes; 2025 dismissed
    assert heights[0] > 0


def test_rates_are_a_percent_axis_from_zero(meta):
    rows = [{"fiscal_year": 2024, "conviction_rate": 0.9, "guilty_plea_share": 0.95},
            {"fiscal_year": 2025, "conviction_rate": 0.8, "guilty_plea_share": None}]
    spec = charts.conviction_rates(hand_result(meta, rows, ["fiscal_year"]))
    y = spec["layer"][0]["encoding"]["y"]
    assert y["axis"]["format"] == ".0%" and y["scale"]["zero"] is True
    assert "conviction rate (of terminated defendants) 90.0% in FY2024 and 80.0% in FY2025" \
        in spec["description"]
    # The null share is dropped, not drawn as zero.
    assert {"filter": "isValid(datum.value)"} in spec["transform"]


def test_brackets_come_in_their_order_and_non_terms_grey(meta):
    rows = [{"sentence_bracket": b, "convicted": n} for b, n in
            [("61+", 5), ("none", 10), ("missing", 2), ("1-6", 30)]]
    spec = charts.sentence_brackets(hand_result(meta, rows, ["sentence_bracket"]))
    assert spec["encoding"]["x"]["sort"] == ["none", "1-6", "61+", "missing"]
    assert spec["encoding"]["x"]["sort"] == [b for b in BRACKETS if b in
                                             {"61+", "none", "missing", "1-6"}]
    # 47 convicted: none 10 (21.3%), 1-6 30 (63.8%), 61+ 5 (10.6%), missing 2 (4.3%).
    assert ("no prison: 10 (21.3%), 1-6: 30 (63.8%), 61+: 5 (10.6%), missing: 2 (4.3%)"
            in spec["description"])
    fills = {round(b["height"]): b["fill"] for b in marks(spec, "rect")}
    assert len(set(fills.values())) == 2


def test_plea_down_cells_say_count_and_row_share(meta):
    rows = [{"filing_charge": "illegal_reentry", "termination_charge": "illegal_reentry",
             "defendants": 80},
            {"filing_charge": "illegal_reentry", "termination_charge": "illegal_entry",
             "defendants": 20},
            {"filing_charge": "illegal_entry", "termination_charge": "illegal_entry",
             "defendants": 7}]
    spec = charts.plea_down(hand_result(meta, rows, ["filing_charge", "termination_charge"]))
    assert "of 100 defendants filed for illegal re-entry, 80 (80.0%) ended on that charge" \
        in spec["description"]
    texts = sorted(t["text"] for t in marks(spec, "text") if "%)" in str(t.get("text")))
    assert texts == ["20 (20%)", "7 (100%)", "80 (80%)"]


def test_speed_lines_are_days_and_shares(meta):
    rows = [{"fiscal_year": 2024, "median_days": 3.0, "p90_days": 40.0,
             "share_within_1_day": 0.25, "share_within_7_days": 0.5}]
    result = hand_result(meta, rows, ["fiscal_year"])
    days = charts.speed_days(result)
    assert days["transform"][0] == {"fold": ["median_days", "p90_days"],
                                    "as": ["series", "value"]}
    assert days["layer"][0]["encoding"]["y"]["axis"]["title"] == "Days"
    soon = charts.disposed_within_a_day(result)
    assert "within a day 25.0% in FY2024" in soon["description"]


def test_all_zero_shares_keep_a_percent_axis(meta):
    rows = [{"fiscal_year": 2024, "share_within_1_day": 0.0, "share_within_7_days": 0.0}]
    spec = charts.disposed_within_a_day(hand_result(meta, rows, ["fiscal_year"]))
    assert spec["layer"][0]["encoding"]["y"]["scale"] == {"domain": [0, 1]}
    rows[0]["share_within_7_days"] = 0.02
    spec = charts.disposed_within_a_day(hand_result(meta, rows, ["fiscal_year"]))
    assert spec["layer"][0]["encoding"]["y"]["scale"] == {"zero": True, "nice": True}


def test_small_shares_get_a_decimal_on_the_axis_so_no_tick_label_repeats(meta):
    """Shares under 10% get ticks half a percent apart: whole percents would repeat."""
    rows = [{"fiscal_year": 2024, "share_within_1_day": 0.03, "share_within_7_days": 0.035}]
    spec = charts.disposed_within_a_day(hand_result(meta, rows, ["fiscal_year"]))
    assert spec["layer"][0]["encoding"]["y"]["axis"]["format"] == ".1%"
    rows[0]["share_within_7_days"] = 0.4
    spec = charts.disposed_within_a_day(hand_result(meta, rows, ["fiscal_year"]))
    assert spec["layer"][0]["encoding"]["y"]["axis"]["format"] == ".0%"
