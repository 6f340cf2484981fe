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
  defendant once under each category in slots 1 to 5.

The engine groups integer codes (facts.py) and, for sentences and speed, a
histogram of the values; the statistics are computed from that histogram
(histogram.py), exactly as from the rows.
"""

from __future__ import annotations

import ibis

from crossings.measures.idb.facts import PREFIX, Codes
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
CODED = ("district", "circuit", "border", "charge", "statute", "month", "filing_charge",
         "termination_charge")


def flag_column(q: Query) -> str:
    return FLAGS[(q.spec.basis, q.transfers)]


def date_column(q: Query) -> str:
    return DATES[q.spec.basis]


def charge_basis(q: Query) -> str:
    """Whose charges decide ``charge``: filing charges or termination charges."""
    if q.spec.basis == "termination" and q.charge_basis != "filing":
        return "termination"
    return "filing"


def counted_rows(q: Query, t: ibis.Table, codes: Codes) -> ibis.Table:
    """The rows the measure counts, filtered by year, district and border."""
    t = t.filter(t[flag_column(q)] == 1)
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
    source = {
        "fiscal_year": t.fiscalyr, "month": t[MONTHS[q.spec.basis]],
        "district": t.district_code, "circuit": t.circuit_code, "border": t.southwest,
        "offense_level": t[LEVELS[charge_basis(q)]],
        "statute": t.statute if "basis" in t.columns else t[f"{prefix}_statute"],
        "charge": t.charge if "basis" in t.columns else t[f"{prefix}_charge"],
        "disposition": t.disp1, "counsel": t.fcounsel,
        "filing_charge": t.f_charge, "termination_charge": t.t_charge,
    }
    if q.measure == "offense_level":
        source["offense_level"] = t.fofflvl1
    return {name: source[name] for name in (*q.by, *q.spec.group)}


def expression(q: Query, facts: ibis.Table, any_charges: ibis.Table | None,
               codes: Codes) -> ibis.Table:
    """Counts per group (and per value, for histogram measures)."""
    basis = charge_basis(q)
    prefix = PREFIX[basis]
    by_statute_any = q.any_charge and "statute" in q.by
    if by_statute_any:
        t = counted_rows(q, any_charges, codes)
        t = t.filter(t.basis == basis)
    else:
        t = counted_rows(q, facts, codes)
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
