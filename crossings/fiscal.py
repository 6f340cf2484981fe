"""The federal fiscal year and the calendar facts every layer shares.

The federal fiscal year runs October to September and is named for the year it
ends in: October, November and December belong to the next year's number
(October 2024 is in fiscal year 2025). Written once here; the engines' form
(:func:`fiscal_year_column`) is the same rule over a date column.
"""

from __future__ import annotations

import calendar
import datetime as dt

#: The month a fiscal year starts in.
FIRST_MONTH = 10
#: Month abbreviations as the prosecutors' release names and files spell them.
MONTH_ABBREVIATIONS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
                       "NOV", "DEC")


def fiscal_year(day: dt.date) -> int:
    """The fiscal year ``day`` falls in: 2024-10-01 -> 2025."""
    return day.year + (day.month >= FIRST_MONTH)


def fiscal_year_of_month(year: int, month: int) -> int:
    """The fiscal year of a calendar (year, month)."""
    return year + (month >= FIRST_MONTH)


def calendar_year(fiscal_year: int, month: int) -> int:
    """The calendar year of ``month`` within ``fiscal_year``: (2025, 10) -> 2024."""
    return fiscal_year - 1 if month >= FIRST_MONTH else fiscal_year


def fiscal_year_column(date):
    """The same rule over an engine's date column (an Ibis expression)."""
    return date.year() + (date.month() >= FIRST_MONTH).cast("int32")


def month_end(year: int, month: int) -> dt.date:
    """The last day of a calendar month."""
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def months_back(year: int, month: int, count: int) -> list[str]:
    """``count`` months ending with (year, month), oldest first, as ``YYYY-MM``."""
    out = []
    for back in range(count - 1, -1, -1):
        y, m = divmod(year * 12 + month - 1 - back, 12)
        out.append(f"{y:04d}-{m + 1:02d}")
    return out
