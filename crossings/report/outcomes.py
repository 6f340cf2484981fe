"""The sheet's second half: how the cases of the headline year ended (conviction and
plea rates, prison terms, sentence brackets, speed, plea-down), and the context
beside them (prosecutions per apprehension, prison years and their cost)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from crossings.context.border import exact_sector_years
from crossings.context.regions import region_of_district
from crossings.measures.brackets import BRACKETS
from crossings.report.asks import Ask, Asked
from crossings.report.figure import Figure, pick

if TYPE_CHECKING:
    from crossings.report.figures import Scope

#: (measure, column, figure kind) of each cell of the outcomes table.
OUTCOME_COLUMNS = (
    ("convictions", "defendants", "count"),
    ("convictions", "conviction_rate", "percent"),
    ("convictions", "guilty_plea_share", "percent"),
    ("sentences", "median_prison_months", "months"),
    ("sentences", "p25_prison_months", "months"),
    ("sentences", "p75_prison_months", "months"),
    ("speed", "share_within_1_day", "percent"),
)


@dataclass
class Outcomes:
    #: charge (or "immigration") -> column -> Figure
    rows: dict[str, dict[str, Figure]]
    brackets: list[str]  # the brackets shown (those anyone falls in), in order
    bracket_shares: dict[str, dict[str, Figure]]  # charge -> bracket -> share
    plea_down: Figure | None  # share of 1326 filings ending as 1325
    plea_down_count: Figure | None
    bracket_command: str = ""

    def figures(self) -> list[Figure]:
        out = [f for row in self.rows.values() for f in row.values()]
        out += [f for row in self.bracket_shares.values() for f in row.values()]
        return out + [f for f in (self.plea_down, self.plea_down_count) if f]


@dataclass
class Context:
    per_apprehension: Figure | None = None
    per_apprehension_year: int | None = None
    per_apprehension_region: str | None = None
    per_apprehension_note: str = ""  # "other border" | "no region" | "no year"
    prison_years: Figure | None = None
    cost: Figure | None = None
    coif_year: Figure | None = None
    notes: list[str] = field(default_factory=list)

    def figures(self) -> list[Figure]:
        return [f for f in (self.per_apprehension, self.prison_years, self.cost,
                            self.coif_year) if f]


def outcome_figures(asked: Asked, scope: Scope, year: int) -> Outcomes:
    in_year = {"from_year": year, "to_year": year}
    rows: dict[str, dict[str, Figure]] = {}
    for dimension, values in (("charge", scope.charges), ("charge_group", ("immigration",))):
        asks = {m: Ask.of(m, by=["fiscal_year", dimension], where=scope.where(**in_year))
                for m in ("convictions", "sentences", "speed")}
        for value in values:
            row = {"fiscal_year": year, dimension: value}
            rows[value] = {column: pick(asked, asks[m], row, column,
                                        f"outcomes.{value}.{column}", kind,
                                        zero_if_absent=column == "defendants")
                           for m, column, kind in OUTCOME_COLUMNS}
    bracket_ask = Ask.of("sentences", by=["charge", "sentence_bracket"],
                         where=scope.where(**in_year), share=True)
    present = {r["sentence_bracket"] for r in asked(bracket_ask).to_pylist()}
    shown = [b for b in BRACKETS if b in present]
    shares = {c: {b: pick(asked, bracket_ask, {"charge": c, "sentence_bracket": b}, "share",
                          f"brackets.{c}.{b}", "percent") for b in shown}
              for c in scope.charges}
    plea, count = _plea_down(asked, scope, in_year)
    return Outcomes(rows, shown, shares, plea, count, asked.command(bracket_ask))


def _plea_down(asked: Asked, scope: Scope, in_year: dict) -> tuple[Figure, Figure]:
    """Of the defendants filed with illegal re-entry whose cases ended in the year,
    the share (and number) whose lead charge at the end was illegal entry."""
    ask = Ask.of("plea_down", by=["fiscal_year"], share=True,
                 where={**scope.place(), "charge": ["illegal_reentry"], **in_year})
    row = {"fiscal_year": in_year["from_year"], "filing_charge": "illegal_reentry",
           "termination_charge": "illegal_entry"}
    return (pick(asked, ask, row, "share", "plea_down.share", "percent"),
            pick(asked, ask, row, "defendants", "plea_down.defendants", "count"))


def context_figures(asked: Asked, scope: Scope, year: int) -> Context:
    context = Context()
    _per_apprehension(asked, scope, year, context)
    ask = Ask.of("prison_cost", where=scope.where(from_year=year, to_year=year))
    row = {"fiscal_year": year}
    context.prison_years = pick(asked, ask, row, "prison_years", "prison.years", "years",
                                zero_if_absent=False)
    context.cost = pick(asked, ask, row, "cost_usd", "prison.cost_usd", "dollars",
                        zero_if_absent=False)
    context.coif_year = pick(asked, ask, row, "coif_year", "prison.coif_year", "year",
                             zero_if_absent=False)
    return context


def _per_apprehension(asked: Asked, scope: Scope, year: int, context: Context) -> None:
    """Filings per 1,000 apprehensions for the latest year both series cover (at most
    the headline year); on a district's sheet its border region's, through the last
    year of exact sector counts."""
    if scope.border == "other":
        context.per_apprehension_note = "other border"
        return
    charge = list(scope.charges)
    if scope.district is None:
        by, row_key, last = ["fiscal_year"], {}, year
    else:
        region = region_of_district(scope.district)
        if region is None:
            context.per_apprehension_note = "no region"
            return
        by, row_key = ["fiscal_year", "region"], {"region": region}
        last = min(year, exact_sector_years()[-1])
        context.per_apprehension_region = region
    every = asked(Ask.of("per_apprehension", by=by, where={"charge": charge, "to_year": last}))
    covered = [r["fiscal_year"] for r in every.to_pylist()
               if r["filings_per_1000"] is not None and all(r[k] == v for k, v in
                                                            row_key.items())]
    if not covered:
        context.per_apprehension_note = "no year"
        return
    chosen = max(covered)
    ask = Ask.of("per_apprehension", by=by,
                 where={"charge": charge, "from_year": chosen, "to_year": chosen})
    row = {"fiscal_year": chosen, **row_key}
    context.per_apprehension = pick(asked, ask, row, "filings_per_1000", "per_apprehension",
                                    "per_1000", zero_if_absent=False)
    context.per_apprehension_year = chosen
