"""A warning when the fiscal years asked reach outside the years the data covers
(they would count zero, silently)."""

from __future__ import annotations

from crossings.measures.query import Query

NO_FISCAL_YEAR = "the data holds no fiscal year: every count is zero"
OUTSIDE = ("fiscal years {low} to {high} were asked; the data covers fiscal years {first} to "
           "{last}, so the years {outside} count zero")


def years_warnings(q: Query, covered: tuple[int, int] | None) -> list[str]:
    """The warning (one sentence, naming the years covered), or nothing."""
    if q.from_year is None and q.to_year is None:
        return []
    if covered is None:
        return [NO_FISCAL_YEAR]
    first, last = covered
    low = q.from_year if q.from_year is not None else min(first, q.to_year)
    high = q.to_year if q.to_year is not None else max(last, q.from_year)
    outside = ([f"before {first}"] if low < first else []) + (
        [f"after {last}"] if high > last else [])
    if not outside:
        return []
    return [OUTSIDE.format(low=low, high=high, first=first, last=last,
                           outside=" and ".join(outside))]
