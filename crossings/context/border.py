"""Border Patrol apprehensions and encounters, and DHS / ICE removals, by fiscal year.

Each row names its series: the CSVs' ``measure`` text (what the totals count)
becomes a short series name here; a text this module does not know is an
error, never a guess.
"""

from __future__ import annotations

from crossings.context.series import rows
from crossings.errors import SourceError

APPREHENSIONS = "usbp-apprehensions-by-fy.csv"
SECTORS = "usbp-apprehensions-by-sector-fy.csv"
ENCOUNTERS = "usbp-encounters-ohss-by-fy.csv"
ENCOUNTER_SECTORS = "usbp-encounters-ohss-by-sector-fy.csv"
REMOVALS = "removals-by-fy.csv"

#: The CSVs' ``measure`` texts and the series name each row is given.
SERIES = {
    "apprehensions": "cbp_all_t8",
    "encounters = Title 8 apprehensions + Title 42 expulsions": "cbp_t8+t42",
    "apprehensions (Title 8 only; Title 42 ended 2023-05-11)": "cbp_t8",
    "encounters (Title 8 apprehensions + Title 42 expulsions; rounded to 10)": "ohss_t8+t42",
}
#: What each series counts, in words (``meta.notes``).
SERIES_TEXT = {
    "cbp_all_t8": "CBP Border Patrol apprehensions (all Title 8), exact counts",
    "cbp_t8+t42": "CBP Border Patrol encounters: Title 8 apprehensions plus "
                             "Title 42 expulsions (the split in its own columns)",
    "cbp_t8": "CBP Border Patrol Title 8 apprehensions (Title 42 had ended)",
    "ohss_t8+t42": "DHS OHSS encounters (Title 8 apprehensions plus "
                                      "Title 42 expulsions), rounded to the nearest 10",
    "ohss_khsm": "DHS OHSS Key Homeland Security Metric 'CBP Encounters', "
                            "USBP, one consistent series rounded to the nearest 10",
}
OHSS_ENCOUNTERS = "ohss_khsm"

#: Removal series (the CSV's own names) and the DHS-wide splice the issue asks for.
YEARBOOK = "dhs_yearbook_2019_table39"
OHSS_REMOVALS = "ohss_monthly_tables_2024_08"
ICE = "ice_ero_removals"
#: ``--series`` for removals: ``dhs`` is the Yearbook, then OHSS (a break between).
REMOVAL_CHOICES = ("dhs", "ice", YEARBOOK, "dhs_yearbook_2013_table39", OHSS_REMOVALS)


def series_of(measure_text: str, file: str) -> str:
    try:
        return SERIES[measure_text]
    except KeyError:
        raise SourceError(f"a series crossings does not know: measure {measure_text!r}",
                          path=file, hint="add it to crossings/context/border.py") from None


def apprehensions() -> dict[int, dict]:
    """Fiscal year -> the national row (nationwide, Southwest border, Title 8 / 42)."""
    return {r["fiscal_year"]: {**r, "series": series_of(r["measure"], APPREHENSIONS)}
            for r in rows(APPREHENSIONS)}


def sector_apprehensions() -> dict[tuple[int, str], dict]:
    """(fiscal year, sector) -> the sector's row, with its series."""
    return {(r["fiscal_year"], r["sector"]): {**r, "series": series_of(r["measure"], SECTORS)}
            for r in rows(SECTORS)}


def exact_sector_years() -> list[int]:
    """The years whose sector counts are exact CBP apprehensions (all Title 8)."""
    return sorted({y for (y, _), r in sector_apprehensions().items()
                   if r["series"] == "cbp_all_t8"})


def encounters() -> dict[int, dict]:
    return {r["fiscal_year"]: {**r, "series": OHSS_ENCOUNTERS} for r in rows(ENCOUNTERS)}


def sector_encounters() -> list[dict]:
    return [{**r, "series": OHSS_ENCOUNTERS} for r in rows(ENCOUNTER_SECTORS)]


def removals(series: str) -> dict[int, dict]:
    """Fiscal year -> the row of one removal series, as published."""
    found = {r["fiscal_year"]: r for r in rows(REMOVALS) if r["series"] == series}
    if not found:
        raise SourceError(f"no removal series {series!r} in the shipped data", path=REMOVALS)
    return found


def removal_years() -> tuple[int, int]:
    years = [r["fiscal_year"] for r in rows(REMOVALS)]
    return min(years), max(years)
