"""How the sample's district-court cases end: trials, same-day dispositions and
plea-downs, planted at the rates of :data:`OUTCOME_RATES`, and the tally of what
was planted (``truth.json``'s ``outcomes``).

Without them every court-file conviction would be a guilty plea, no case would
end within a day and no re-entry filing would end as illegal entry, and the
fact sheet would read "100% pleas, 0% same day, 0% plea-down".

The quotas draw from their own ``random.Random`` (only for their phases), so the
world's main draw, and with it every other planted count, is the same as before.
"""

from __future__ import annotations

from random import Random
from typing import NamedTuple

from crossings.sample.lions.world import CHARGES, EN, RE, Charge, Quota

#: Rates of the outcomes planted (per eligible court-file defendant), and why.
OUTCOME_RATES = {
    # Of convictions not planted as same-day or plea-down, the share after a trial.
    # About 2-3% of federal convictions follow a trial (USSC, FJC); immigration
    # cases, mostly pleas, sit at the low end: most re-entry convictions are pleas.
    "trial": 0.03,
    # Of those trials, the share tried by the judge (DISP1 8); the rest by a jury
    # (9): bench trials are the rarer kind in federal criminal cases.
    "bench_trial": 0.25,
    # District-court misdemeanour (M or P) illegal-entry convictions disposed on
    # the day of filing: the plea and sentence at the first appearance of
    # "Streamline"-style mass hearings on the border.
    "same_day_entry": 0.35,
    # Illegal re-entry (1326) convictions ending on illegal entry (1325): the
    # "fast-track"/"flip-flop" plea to a 1325 felony in place of the 1326 charge.
    "plea_down": 0.12,
}
#: The termination charge of a plea-down: improper entry, the second-offense felony.
PLEA_DOWN_CHARGE: Charge = CHARGES["1325f"]
#: The court file's DISP1 codes: after a trial by the court, by a jury.
BENCH, JURY = 8, 9
#: LIONS dispositions that are convictions, and the court file's plea code of each.
PLEA_DISP = {"GT": 4, "NC": 5}
#: Tallied per (fiscal year of termination, charge category of the termination charge).
QUANTITIES = ("terminated", "within_1_day", "convictions", "convictions_plea",
              "convictions_trial")


def same_day_eligible(court: str, own: Charge | None, disposition: str) -> bool:
    """A district-court conviction whose own lead charge is a misdemeanour 1325."""
    return (court == "DC" and own is not None and own.cat == EN and own.level in ("M", "P")
            and disposition in PLEA_DISP)


class CourtOutcome(NamedTuple):
    disp: int  # the court file's DISP1
    citation: str  # the termination charge's FJC citation
    cat: str  # its charge category


class Outcomes:
    """Decides each court-file defendant's DISP1 and termination charge, and counts
    what was planted, per termination fiscal year and charge."""

    def __init__(self, seed: int) -> None:
        r = Random(f"outcomes-{seed}").random
        self.q = {name: Quota(rate, r()) for name, rate in OUTCOME_RATES.items()}
        self.by: dict[str, dict[tuple[int, str], int]] = {k: {} for k in QUANTITIES}
        self.plea_down: dict[int, list[int]] = {}  # fy -> [1326 filings ended, as 1325]

    def same_day(self) -> bool:
        return self.q["same_day_entry"]()

    def court(self, disposition: str | None, code: int, own: Charge | None,
              same_day: bool) -> CourtOutcome:
        """The court file's disposition and termination charge of a convicted or
        otherwise terminated defendant (``code``: the plain mapping of ``disposition``)."""
        cit = own.fjc if own else "-8"
        cat = own.cat if own else "unreadable"
        if disposition not in PLEA_DISP or same_day:
            return CourtOutcome(code, cit, cat)
        if own is not None and own.cat == RE and self.q["plea_down"]():
            return CourtOutcome(PLEA_DISP[disposition], PLEA_DOWN_CHARGE.fjc,
                                PLEA_DOWN_CHARGE.cat)
        if disposition == "GT" and self.q["trial"]():
            return CourtOutcome(BENCH if self.q["bench_trial"]() else JURY, cit, cat)
        return CourtOutcome(code, cit, cat)

    def count(self, fy: int, filed_cat: str, out: CourtOutcome, same_day: bool) -> None:
        """Tally one terminated court-file defendant (its termination fiscal year)."""
        key = (fy, out.cat)
        self._add("terminated", key)
        self._add("within_1_day", key, same_day)
        convicted = out.disp in (*PLEA_DISP.values(), BENCH, JURY)
        self._add("convictions", key, convicted)
        self._add("convictions_plea", key, out.disp in PLEA_DISP.values())
        self._add("convictions_trial", key, out.disp in (BENCH, JURY))
        if filed_cat == RE:
            ended = self.plea_down.setdefault(fy, [0, 0])
            ended[0] += 1
            ended[1] += out.cat == EN

    def _add(self, quantity: str, key: tuple[int, str], n: int = 1) -> None:
        d = self.by[quantity]
        d[key] = d.get(key, 0) + int(n)

    def doc(self) -> dict:
        """The ``outcomes`` section of ``truth.json``."""
        keys = sorted({k for d in self.by.values() for k in d})
        return {
            "rates": dict(OUTCOME_RATES),
            "definitions": {
                "fiscal_year": "of the court-file termination (TERMDATE)",
                "charge": "category of the court-file termination lead charge",
                "within_1_day": "disposed (DISPDATE) the day the case was filed",
                "convictions_plea": "DISP1 4 or 5", "convictions_trial": "DISP1 8 or 9",
                "plea_down": "illegal re-entry filings terminated in the year "
                             "(reentry_terminated) and those ending as illegal entry",
            },
            "by_fiscal_year_charge": [
                {"fiscal_year": fy, "charge": cat,
                 **{q: self.by[q].get((fy, cat), 0) for q in QUANTITIES}}
                for fy, cat in keys],
            "plea_down": [{"fiscal_year": fy, "reentry_terminated": n, "ended_as_entry": k}
                          for fy, (n, k) in sorted(self.plea_down.items())],
        }
