"""The court file's measures, written once in Ibis (any backend runs them).

Counting rules (docs/methodology.md, "The court file"):

* a row is one defendant in one fiscal-year snapshot; never count rows: count
  the rows whose flag is 1, at most once each. Filings: CTFIL (``--transfers
  include``: CTFILTRN); terminations: CTTR (CTTRTRN); pending: CTPN. A flag of
  -8 (null in the store) is not flagged;
* convictions: terminations with DISP1 in the codebook's conviction codes;
* the fiscal year is the row's FISCALYR; ``month`` is the filing date's
  (filings, pending) or the termination date's (terminations) ``YYYY-MM``;
* the charge is the lead (slot 1) charge of the measure's basis: filing
  charges for filings and pending, termination charges for terminations
  (``--charge-basis filing``: their filing charges); ``--any-charge`` counts a
  defendant once under each category in slots 1 to 5; ``plea_down`` reads
  the charge (its ``--charge`` filter included) on the filing charge: "of the
  1326 filings, how many ended as 1325";
* ``--ytd``: each fiscal year keeps the rows dated (FILEDATE for filing
  measures, TERMDATE for termination measures) from October 1 through the cut
  month of their own FISCALYR; rows with the date missing or in another fiscal
  year are left out (and counted in ``data_quality``).

The engine groups integer codes (facts.py) and, for sentences and speed, a
histogram of the values; the statistics are computed from that histogram
(histogram.py), exactly as from the rows.
"""

from __future__ import annotations

import ibis

from crossings.measures import brackets, ytd
from crossings.measures.charges import CATEGORIES, CHARGE_GROUPS, charge_group
from crossings.measures.idb.facts import MONTH_BASE_YEAR, PREFIX, Codes
from crossings.measures.query import Query

FLAGS = {("filing", "exclude"): "ctfil", ("filing", "include"): "ctfiltrn",
         ("termination", "exclude"): "cttr", ("termination", "include"): "cttrtrn",
         ("pending", "exclude"): "ctpn", ("pending", "include"): "ctpn"}
DATES = {"filing": "filedate", "pending": "filedate", "termination": "termdate"}
MONTHS = {"filing": "f_month", "pending": "f_month", "termination": "t_month"}
LEVELS = {"filing": "fofflvl1", "termination": "tofflvl1"}
#: The values a histogram measure groups by besides its keys.
VALUES = {"sentences": ("pristot",), "prison_years": ("pristot",), "speed": ("days",)}
#: Dimensions and group columns stored as integer codes (decoded in stats.py).
CODED = ("district", "circuit", "border", "charge", "charge_group", "statute", "month",
         "filing_charge", "termination_charge", brackets.DIMENSION)


def flag_column(q: Query) -> str:
    return FLAGS[(q.spec.basis, q.transfers)]


def date_column(q: Query) -> str:
    return DATES[q.spec.basis]


def charge_basis(q: Query) -> str:
    """Whose charges decide ``charge``: filing charges or termination charges.
    ``plea_down`` asks what became of the filings: its charge is the filing charge."""
    if q.measure == "plea_down":
        return "filing"
    if q.spec.basis == "termination" and q.charge_basis != "filing":
        return "termination"
    return "filing"


def month_in_own_year(q: Query, t: ibis.Table):
    """(month of the row's date, in its FISCALYR?) for the measure's date."""
    month = t[MONTHS[q.spec.basis]].cast("int32")
    return month, month.notnull() & (MONTH_BASE_YEAR + (month + 3) // 12 == t.fiscalyr)


def counted_rows(q: Query, t: ibis.Table, codes: Codes, cut: int | None = None) -> ibis.Table:
    """The rows the measure counts, filtered by year, district and border (and, with
    ``cut``, by the year-to-date months)."""
    t = t.filter(t[flag_column(q)] == 1)
    if cut is not None:
        month, own_year = month_in_own_year(q, t)
        # (month + 3) % 12: the month code counted from October (0) to September (11).
        t = t.filter(own_year & ((month + 3) % 12 <= ytd.fiscal_month(cut)))
    if q.spec.convicted_only:
        t = t.filter(t.convicted == 1)  # DISP1 in the codebook's conviction codes
    if q.from_year is not None:
        t = t.filter(t.fiscalyr >= q.from_year)
    if q.to_year is not None:
        t = t.filter(t.fiscalyr <= q.to_year)
    if q.districts:
        t = t.filter(t.district_code.isin([codes.districts.index(d) for d in q.districts]))
    if q.border is not None:
        t = t.filter(t.southwest == (1 if q.border == "southwest" else 0))
    return t


def key_columns(q: Query, t: ibis.Table) -> dict:
    """Each ``--by`` dimension and the measure's own grouping, as engine columns."""
    prefix = PREFIX[charge_basis(q)]
    any_charges = "basis" in t.columns  # the any_charges table: one row per slot category

    def charge():
        return t.charge if any_charges else t[f"{prefix}_charge"]

    # Built only for the dimensions asked: not every table has every column.
    source = {
        "fiscal_year": lambda: t.fiscalyr, "month": lambda: t[MONTHS[q.spec.basis]],
        "district": lambda: t.district_code, "circuit": lambda: t.circuit_code,
        "border": lambda: t.southwest,
        "offense_level": lambda: t.fofflvl1 if q.measure == "offense_level"
        else t[LEVELS[charge_basis(q)]],
        "statute": lambda: t.statute if any_charges else t[f"{prefix}_statute"],
        "charge": charge, "charge_group": lambda: _charge_group(charge()),
        "disposition": lambda: t.disp1, "counsel": lambda: t.fcounsel,
        "filing_charge": lambda: t.f_charge, "termination_charge": lambda: t.t_charge,
    }
    # The sentence bracket is a re-grouping of the PRISTOT histogram (histogram.py).
    return {name: source[name]() for name in (*q.by, *q.spec.group)
            if name != brackets.DIMENSION}


def _charge_group(charge):
    """The category code's group code (an index of CHARGE_GROUPS); null stays null."""
    return charge.cases(*((i, CHARGE_GROUPS.index(charge_group(c)))
                          for i, c in enumerate(CATEGORIES)), else_=None).cast("int8")


def expression(q: Query, facts: ibis.Table, any_charges: ibis.Table | None,
               codes: Codes, cut: int | None = None) -> ibis.Table:
    """Counts per group (and per value, for histogram measures)."""
    basis = charge_basis(q)
    prefix = PREFIX[basis]
    by_statute_any = q.any_charge and "statute" in q.by
    if by_statute_any:
        t = counted_rows(q, any_charges, codes, cut)
        t = t.filter(t.basis == basis)
    else:
        t = counted_rows(q, facts, codes, cut)
    wanted = [codes.categories.index(c) for c in q.charges]
    if wanted and by_statute_any:
        t = t.filter(t.charge.isin(wanted))
    elif wanted and q.any_charge:
        bits = sum(1 << c for c in wanted)
        t = t.filter((t[f"{prefix}_mask"] & bits) != 0)
    elif wanted:
        t = t.filter(t[f"{prefix}_charge"].isin(wanted))
    keys = key_columns(q, t)
    values = {v: t[v] for v in VALUES.get(q.measure, ())}
    if q.any_charge and "charge" in q.by and not by_statute_any:
        # Count per category bitmask (few distinct masks); stats.py counts each row
        # under every category bit of its mask.
        others = {k: v for k, v in keys.items() if k != "charge"}
        grouped = t.mutate(**others, **values, mask=t[f"{prefix}_mask"])
        return _aggregate(grouped, [*others, *values, "mask"], {"n": grouped.count()})
    grouped = t.mutate(**keys, **values)
    if by_statute_any:
        # A defendant counts once per group, however many of its slots fall in it.
        grouped = grouped.select("row_id", *keys, *values).distinct()
    return _aggregate(grouped, [*keys, *values], {"n": grouped.count()})


def _aggregate(t: ibis.Table, keys: list[str], metrics: dict) -> ibis.Table:
    if any(v in keys for vs in VALUES.values() for v in vs):
        # A histogram comes back ordered by its keys and value, so the statistics
        # need no sort of their own (the engine sorts in parallel, and faster).
        return t.group_by(keys).aggregate(**metrics).order_by(keys)
    return t.group_by(keys).aggregate(**metrics) if keys else t.aggregate(**metrics)


def quality_expression(q: Query, facts: ibis.Table, codes: Codes, cut: int | None) -> ibis.Table:
    """Per fiscal year, of the flagged rows in the years, districts and border asked (all
    charges): how many had their lead charge read from the older offense code, and
    (with ``cut``) how many ``--ytd`` left out for a missing date or one in another
    fiscal year."""
    t = counted_rows(q, facts, codes)
    month, own_year = month_in_own_year(q, t)
    metrics = {"by_offense_code": t[f"{PREFIX[charge_basis(q)]}_by_offense"].sum()}
    if cut is not None:
        metrics["date_missing"] = month.isnull().cast("int64").sum()
        metrics["date_in_other_fiscal_year"] = (month.notnull() & ~own_year).cast("int64").sum()
    return t.group_by("fiscalyr").aggregate(**metrics).order_by("fiscalyr")
