"""``--ytd``: every fiscal year cut to the same months, so a partial year compares.

The cut runs from October through the last complete month of the data: the
month of the data-as-of date when that date is the month's last day (the data
then hold the whole month), else the month before. Each fiscal year keeps the
rows dated October 1 through the end of the cut month of that fiscal year.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from crossings.errors import InvalidRequest

MONTH_NAMES = tuple(calendar.month_name)


def cut_month(data_as_of: str | None) -> int:
    """The last complete month (1-12) of data as of ``data_as_of`` (ISO date)."""
    if not data_as_of:
        raise InvalidRequest("--ytd needs the data's as-of date, and this release has none",
                             hint="ingest the release again, or leave out --ytd")
    as_of = date.fromisoformat(str(data_as_of)[:10])
    if (as_of + timedelta(days=1)).month != as_of.month:  # the month's last day
        return as_of.month
    return 12 if as_of.month == 1 else as_of.month - 1


def fiscal_month(month):
    """Months counted from October (0) to September (11); works on ints and Ibis
    integer columns alike."""
    return (month + 2) % 12


def describe(cut: int) -> str:
    return f"October through {MONTH_NAMES[cut]}"


def meta(cut: int, data_as_of) -> dict:
    """What ``meta.ytd`` says: the months kept and the date they were cut from."""
    return {"months": describe(cut), "through_month": cut, "data_as_of": data_as_of}
