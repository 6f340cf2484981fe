"""The Bureau of Prisons' cost of incarceration fee (COIF), federal facilities, per year.

The rate of a fiscal year is the published annual figure of that year; a year
without one takes the nearest published year at most ``MAX_DISTANCE`` years
away (the earlier on a tie), and farther than that has no rate (``None``,
with the reason). Rates are nominal dollars as printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from crossings.context.series import rows

COSTS = "incarceration-costs.csv"
MEASURE = "bop_coif_federal_facility"
ANNUAL, DAILY = "USD per year", "USD per day"
MAX_DISTANCE = 2
#: How far an annual figure may be from its printed daily rate x 365 (or 366) and
#: still agree: the notices round to whole dollars or cents.
AGREEMENT = 0.001


@dataclass(frozen=True)
class Rate:
    year: int  # the fiscal year the rate was published for
    dollars: float  # per year, as printed
    source: str

    @property
    def secondary(self) -> bool:
        """Taken from a page quoting the notice, not the notice (the README marks them)."""
        return "secondary" in self.source


@dataclass(frozen=True)
class Choice:
    """The rate used for ``asked`` (None, with ``reason``, when none is near enough)."""

    asked: int
    rate: Rate | None
    reason: str | None = None


@cache
def annual_rates() -> dict[int, Rate]:
    return {r["fiscal_year"]: Rate(r["fiscal_year"], r["dollars"], r["source"])
            for r in rows(COSTS) if r["measure"] == MEASURE and r["unit"] == ANNUAL}


def rate_for(year: int) -> Choice:
    """The published year nearest ``year`` within two years, the earlier on a tie."""
    rates = annual_rates()
    nearest = min(rates, key=lambda y: (abs(y - year), y))
    if abs(nearest - year) > MAX_DISTANCE:
        return Choice(year, None, f"no BOP COIF federal-facility rate published within "
                                  f"{MAX_DISTANCE} years of FY{year} (the nearest is "
                                  f"FY{nearest})")
    return Choice(year, rates[nearest])


@cache
def inconsistent_years() -> tuple[int, ...]:
    """Years whose annual figure disagrees with its own daily rate x 365 and x 366."""
    daily = {r["fiscal_year"]: r["dollars"] for r in rows(COSTS)
             if r["measure"] == MEASURE and r["unit"] == DAILY}
    out = []
    for year, rate in annual_rates().items():
        if year in daily and all(abs(daily[year] * days - rate.dollars) > AGREEMENT * rate.dollars
                                 for days in (365, 366)):
            out.append(year)
    return tuple(sorted(out))
