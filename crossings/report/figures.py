"""The sheet's numbers, each asked of ``measure()`` with its ``crossings stats`` command.

The headline year is the latest full fiscal year of the court file (within
``to_year`` when given). The court file is the source of every figure; the
prosecutors' count of illegal-entry filings (petty magistrate cases included)
stands beside it only when a loaded release covers the headline year
completely.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crossings.errors import InvalidRequest, StoreNotFound
from crossings.measures import Result
from crossings.measures.charges import IMMIGRATION
from crossings.measures.query import resolve_district
from crossings.report.asks import Ask, Asked
from crossings.report.figure import Figure, pick
from crossings.report.outcomes import Context, Outcomes, context_figures, outcome_figures
from crossings.store import Store

#: Years of the trend chart when no --from-year is given (the headline year's decade).
TREND_YEARS = 10
#: Districts in the "top districts" table.
TOP_DISTRICTS = 5


@dataclass(frozen=True)
class Scope:
    """What the sheet covers: all districts, one district, or a border region; charges."""

    district: str | None = None  # court-file code
    border: str | None = None
    charges: tuple[str, ...] = IMMIGRATION
    from_year: int | None = None
    to_year: int | None = None

    def where(self, **more) -> dict:
        """The filters of every court-file ask (charges unless overridden)."""
        return {"district": self.district, "border": self.border,
                "charge": list(self.charges), **more}

    def place(self) -> dict:
        """The district or border filters alone."""
        return {"district": self.district, "border": self.border}


@dataclass
class Headline:
    charge: str
    filings: Figure
    change_1y: Figure
    change_1y_pct: Figure
    change_5y: Figure
    change_5y_pct: Figure


@dataclass
class Lions:
    """The prosecutors' illegal-entry count beside the court file's, or why not."""

    release: str | None = None
    filings: Figure | None = None
    reason: str = ""  # "none loaded" | "partial" | "not asked"
    provisional: list[str] = field(default_factory=list)
    meta: object = None


@dataclass
class Figures:
    scope: Scope
    year: int  # the headline year
    partial_years: list[int]
    trend_years: tuple[int, int]
    headlines: list[Headline]
    total: Headline  # all immigration charges
    immigration_share: Figure
    lions: Lions
    districts: Result  # filings by district in the headline year (the map), with shares
    districts_command: str
    top_districts: list[dict]  # name, defendants Figure, share Figure
    district_share: Figure | None  # on a district's sheet, its share of the nation's
    trend: Result
    trend_command: str
    outcomes: Outcomes
    context: Context
    meta: object  # the headline ask's meta (provenance)


def resolve_scope(district: str | None, border: str | None, charge,
                  from_year: int | None, to_year: int | None) -> Scope:
    if district and border:
        raise InvalidRequest("give --district or --border, not both: a district sheet "
                             "already says which border region it is in")
    charges = charge if charge is not None else IMMIGRATION
    if isinstance(charges, str):
        charges = [c.strip() for c in charges.split(",") if c.strip()]
    unknown = [c for c in charges if c not in IMMIGRATION]
    if unknown or not charges:
        raise InvalidRequest(f"the fact sheet counts immigration charges: "
                             f"{', '.join(unknown) or 'none given'} is not one of "
                             f"{', '.join(IMMIGRATION)}")
    return Scope(resolve_district(district) if district else None, border,
                 tuple(c for c in IMMIGRATION if c in charges), from_year, to_year)


def compute(asked: Asked, scope: Scope) -> Figures:
    """Every figure of the sheet, in the order the sheet shows them."""
    years = asked(Ask.of("filings", by=["fiscal_year"], where=scope.where()))
    year, partial = headline_year(years, scope)
    first = scope.from_year or max(min(years.meta.years_covered), year - TREND_YEARS + 1)
    last = scope.to_year or max(years.meta.years_covered)
    in_year = {"from_year": year, "to_year": year}
    headline_ask = Ask.of("filings", by=["fiscal_year", "charge"],
                          where=scope.where(**in_year), change=True)
    headlines = [_headline(asked, headline_ask, {"fiscal_year": year, "charge": c}, c)
                 for c in scope.charges]
    group_ask = Ask.of("filings", by=["fiscal_year", "charge_group"],
                       where={**scope.place(), **in_year}, change=True, share=True)
    group_row = {"fiscal_year": year, "charge_group": "immigration"}
    trend_ask = Ask.of("filings", by=["fiscal_year", "charge"],
                       where=scope.where(from_year=first, to_year=last))
    map_ask, top_ask = _district_asks(scope, in_year)
    return Figures(
        scope=scope, year=year, partial_years=partial, trend_years=(first, last),
        headlines=headlines, total=_headline(asked, group_ask, group_row, "immigration"),
        immigration_share=pick(asked, group_ask, group_row, "share", "immigration.share",
                               "percent"),
        lions=_lions(asked, scope, year),
        districts=asked(map_ask), districts_command=asked.command(map_ask),
        top_districts=_top(asked, top_ask),
        district_share=pick(asked, map_ask, {"district": scope.district}, "share",
                            "district.share", "percent") if scope.district else None,
        trend=asked(trend_ask), trend_command=asked.command(trend_ask),
        outcomes=outcome_figures(asked, scope, year),
        context=context_figures(asked, scope, year),
        meta=asked(headline_ask).meta)


def headline_year(years: Result, scope: Scope) -> tuple[int, list[int]]:
    """The latest full fiscal year the court file holds (at most ``to_year``)."""
    partial = list(years.meta.partial_years)
    full = [y for y in years.meta.years_covered if y not in partial
            and (scope.to_year is None or y <= scope.to_year)]
    if not full:
        raise InvalidRequest("the court file holds no full fiscal year"
                             + (f" up to {scope.to_year}" if scope.to_year else "")
                             + ": a fact sheet needs one for its headline figures")
    year = max(full)
    if scope.from_year is not None and scope.from_year > year:
        raise InvalidRequest(f"--from-year {scope.from_year} is after the latest full "
                             f"fiscal year of the court file, {year}")
    return year, partial


def _headline(asked: Asked, ask: Ask, row: dict, charge: str) -> Headline:
    key = f"headline.{charge}"
    return Headline(charge, pick(asked, ask, row, "defendants", f"{key}.defendants", "count"),
                    *(pick(asked, ask, row, column, f"{key}.{column}",
                           "change_percent" if column.endswith("_pct") else "change",
                           zero_if_absent=False)
                      for column in ("change_1y", "change_1y_pct", "change_5y",
                                     "change_5y_pct")))


def _lions(asked: Asked, scope: Scope, year: int) -> Lions:
    """The prosecutors' illegal-entry filings of the headline year, where a loaded
    release covers that year completely."""
    if "illegal_entry" not in scope.charges:
        return Lions(reason="not asked")
    store = asked.store if isinstance(asked.store, Store) else Store(asked.store)
    try:
        release = store.entry("lions").release
    except StoreNotFound:
        return Lions(reason="none loaded")
    ask = Ask.of("filings", by=["fiscal_year"], source="lions",
                 where={**scope.place(), "charge": ["illegal_entry"], "from_year": year,
                        "to_year": year})
    result = asked(ask)
    meta = result.meta
    if year not in meta.years_covered or year in meta.partial_years:
        return Lions(release=release, reason="partial", meta=meta)
    provisional = [m for months in meta.provisional_months.values() for m in months
                   if _fiscal_year_of_month(m) == year]
    return Lions(release=release, provisional=provisional, meta=meta,
                 filings=pick(asked, ask, {"fiscal_year": year}, "defendants",
                              "lions.illegal_entry.defendants", "count"))


def _fiscal_year_of_month(month: str) -> int:
    year, number = (int(p) for p in month.split("-"))
    return year + (number >= 10)


def _district_asks(scope: Scope, in_year: dict) -> tuple[Ask, Ask]:
    """The map's ask (every district of the border scope, with shares) and the top
    districts' ask; a district's sheet shows it among all of them."""
    where = {"border": scope.border, "charge": list(scope.charges), **in_year}
    return (Ask.of("filings", by=["district"], where=where, share=True),
            Ask.of("filings", by=["district"], where=where, share=True,
                   sort="-defendants", top=TOP_DISTRICTS))


def _top(asked: Asked, ask: Ask) -> list[dict]:
    rows = []
    for r in asked(ask).to_pylist():
        row = {"district": r["district"]}
        rows.append({"district": r["district"], "name": r["district_name"],
                     "short": r["district_short_name"],
                     "defendants": pick(asked, ask, row, "defendants",
                                        f"top.{r['district']}.defendants", "count"),
                     "share": pick(asked, ask, row, "share", f"top.{r['district']}.share",
                                   "percent")})
    return rows


def all_figures(figures: Figures) -> list[Figure]:
    """Every figure the sheet prints (for the tests and the commands appendix)."""
    out = []
    for h in [*figures.headlines, figures.total]:
        out += [h.filings, h.change_1y, h.change_1y_pct, h.change_5y, h.change_5y_pct]
    out.append(figures.immigration_share)
    if figures.lions.filings:
        out.append(figures.lions.filings)
    for r in figures.top_districts:
        out += [r["defendants"], r["share"]]
    if figures.district_share:
        out.append(figures.district_share)
    out += figures.outcomes.figures() + figures.context.figures()
    return out
