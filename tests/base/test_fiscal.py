"""The fiscal-year rule and calendar facts, on hand-worked dates."""

from __future__ import annotations

import datetime as dt

import pytest

from crossings import fiscal


@pytest.mark.parametrize(("day", "year"), [
    (dt.date(2024, 9, 30), 2024), (dt.date(2024, 10, 1), 2025), (dt.date(2024, 12, 31), 2025),
    (dt.date(2025, 1, 1), 2025), (dt.date(1999, 10, 15), 2000)])
def test_fiscal_year_starts_in_october(day, year):
    assert fiscal.fiscal_year(day) == year
    assert fiscal.fiscal_year_of_month(day.year, day.month) == year


def test_calendar_year_of_a_month_in_a_fiscal_year():
    assert fiscal.calendar_year(2025, 10) == 2024
    assert fiscal.calendar_year(2025, 9) == 2025


def test_month_end_knows_leap_years():
    assert fiscal.month_end(2024, 2) == dt.date(2024, 2, 29)
    assert fiscal.month_end(2023, 2) == dt.date(2023, 2, 28)
    assert fiscal.month_end(2025, 6) == dt.date(2025, 6, 30)


def test_months_back_crosses_a_year():
    assert fiscal.months_back(2025, 2, 4) == ["2024-11", "2024-12", "2025-01", "2025-02"]


def test_the_engine_form_is_the_same_rule():
    import ibis

    t = ibis.memtable({"d": [dt.date(2024, 9, 30), dt.date(2024, 10, 1)]})
    got = ibis.duckdb.connect().to_pyarrow(t.select(fy=fiscal.fiscal_year_column(t.d)))
    assert got["fy"].to_pylist() == [2024, 2025]
