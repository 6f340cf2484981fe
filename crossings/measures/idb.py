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
"""

from __future__ import annotations

import ibis
import pyarrow as pa

from crossings.codebook import fjc
from crossings.measures.derived import KEYS, SLOTS, slot_keys
from crossings.measures.query import Query

ROW_ID = ("source_file", "source_line")
FLAGS = {("filing", "exclude"): "ctfil", ("filing", "include"): "ctfiltrn",
         ("termination", "exclude"): "cttr", ("termination", "include"): "cttrtrn",
         ("pending", "exclude"): "ctpn", ("pending", "include"): "ctpn"}
DATES = {"filing": "filedate", "pending": "filedate", "termination": "termdate"}
LEVELS = {"filing": "fofflvl1", "termination": "tofflvl1"}
#: Prison-term sentinels (PRISTOT) as the rule names them; see prison-sentinels.csv.
UNDER_A_MONTH, NO_SENTENCE, SEALED, LIFE, DEATH = -1, -2, -3, -4, -5


def flag_column(q: Query) -> str:
    return FLAGS[(q.spec.basis, q.transfers)]


def date_column(q: Query) -> str:
    return DATES[q.spec.basis]


def charge_basis(q: Query) -> str:
    """Whose charges decide ``charge``: filing charges or termination charges."""
    if q.spec.basis == "termination" and q.charge_basis != "filing":
        return "termination"
    return "filing"


def counted_rows(q: Query, d: ibis.Table) -> ibis.Table:
    """The rows the measure counts, filtered by year, district and border."""
    t = d.filter(d[flag_column(q)] == 1)
    if q.spec.convicted_only:
        t = t.filter(t.disp1.isin(sorted(fjc.conviction_codes())))
    if q.from_year is not None:
        t = t.filter(t.fiscalyr >= q.from_year)
    if q.to_year is not None:
        t = t.filter(t.fiscalyr <= q.to_year)
    if q.districts:
        t = t.filter(t.district.isin(list(q.districts)))
    if q.border is not None:
        southwest = t.district.isin(sorted(fjc.southwest_border_districts()))
        t = t.filter(southwest if q.border == "southwest" else ~southwest)
    return t


def with_lead_charge(t: ibis.Table, mapping: ibis.Table, basis: str, name: str = "charge",
                     statute: str = "statute") -> ibis.Table:
    """``t`` with the category (and statute) of its slot-1 charge on ``basis``."""
    keyed = t.mutate(**slot_keys(t, basis, 1))
    m = mapping.select(*KEYS, **{name: mapping.category, statute: mapping.statute})
    joined = keyed.left_join(m, list(KEYS))
    return joined.select(*t.columns, name, statute)


def with_any_charge(t: ibis.Table, mapping: ibis.Table, basis: str, keep: list[str]) -> ibis.Table:
    """One row per (defendant row, category) over slots 1-5; unused slots dropped."""
    parts = [t.select(*keep, *ROW_ID, slot=ibis.literal(n), **slot_keys(t, basis, n))
             for n in SLOTS]
    stacked = parts[0]
    for part in parts[1:]:
        stacked = stacked.union(part, distinct=False)
    m = mapping.select(*KEYS, "category", "statute", "empty_slot")
    joined = stacked.left_join(m, list(KEYS))
    used = joined.filter((joined.slot == 1) | ~joined.empty_slot)
    return used.select(*keep, *ROW_ID, charge=used.category, statute=used.statute)


def dimension(q: Query, t: ibis.Table, name: str):
    if name == "fiscal_year":
        return t.fiscalyr
    if name == "month":
        return t[date_column(q)].strftime("%Y-%m").fill_null("unknown")
    if name == "border":
        return ibis.ifelse(t.district.isin(sorted(fjc.southwest_border_districts())),
                           "southwest", "other")
    if name == "offense_level":
        return _labels(t[LEVELS[charge_basis(q)]], fjc.offense_levels())
    return t[name]  # district, circuit, charge, statute


def _labels(column, labels: dict[int, str]):
    return column.cases(*sorted(labels.items()), else_="unknown")


def group_columns(q: Query, t: ibis.Table, mapping: ibis.Table) -> tuple[ibis.Table, list[str]]:
    """``t`` with the measure's own grouping columns added (labels, plea-down pair)."""
    name = q.measure
    if name == "dispositions":
        labels = {code: row["label"] for code, row in fjc.dispositions().items()}
        return t.mutate(disposition=_labels(t.disp1, labels)), ["disposition"]
    if name == "counsel":
        return t.mutate(counsel=_labels(t.fcounsel, fjc.counsel_labels())), ["counsel"]
    if name == "offense_level":
        return t.mutate(offense_level=_labels(t.fofflvl1, fjc.offense_levels())), [
            "offense_level"]
    if name == "plea_down":
        t = with_lead_charge(t, mapping, "filing", "filing_charge", "filing_statute")
        t = with_lead_charge(t, mapping, "termination", "termination_charge",
                             "termination_statute")
        return t, ["filing_charge", "termination_charge"]
    return t, []


def aggregates(q: Query, t: ibis.Table) -> dict:
    if q.measure == "sentences":
        return sentence_aggregates(t)
    if q.measure == "speed":
        return speed_aggregates(t)
    return {"defendants": t.count()}


def sentence_aggregates(t: ibis.Table) -> dict:
    term = t.pristot.fill_null(-8)
    months = t.pristot_months
    known = months.notnull()
    custody = known & ((term > 0) | term.isin([UNDER_A_MONTH, LIFE, DEATH]))
    return {
        "convicted": t.count(),
        "known_term": known.sum(),
        "prison": custody.sum(),
        "median_prison_months": months.quantile(0.5),
        "mean_prison_months": months.mean(),
        "p25_prison_months": months.quantile(0.25),
        "p75_prison_months": months.quantile(0.75),
        "life_or_death": term.isin([LIFE, DEATH]).sum(),
        "no_sentence": (term == NO_SENTENCE).sum(),
        "sealed": (term == SEALED).sum(),
        # Everything else: -8, blank, and any negative value the codebook does not name.
        "missing": (~known & ~term.isin([NO_SENTENCE, SEALED])).sum(),
    }


def speed_aggregates(t: ibis.Table) -> dict:
    days = t.dispdate.delta(t.filedate, unit="day")
    # A disposition dated before the filing is a data error, not a fast case.
    days = ibis.ifelse(days >= 0, days, ibis.null("int64"))
    dated = days.notnull()
    n_dated = dated.sum()
    return {
        "terminated": t.count(),
        "dated": n_dated,
        "median_days": days.quantile(0.5),
        "p90_days": days.quantile(0.9),
        "share_within_1_day": ibis.ifelse(
            n_dated > 0, (days <= 1).sum().cast("float64") / n_dated, ibis.null("float64")),
        "share_within_7_days": ibis.ifelse(
            n_dated > 0, (days <= 7).sum().cast("float64") / n_dated, ibis.null("float64")),
    }


AGGREGATE_INPUTS = {"sentences": ("pristot", "pristot_months"),
                    "speed": ("dispdate", "filedate")}


def expression(q: Query, d: ibis.Table, mapping: ibis.Table) -> ibis.Table:
    """The whole measure as one Ibis expression."""
    t = counted_rows(q, d)
    basis = charge_basis(q)
    wants_charge = bool(q.charges) or bool({"charge", "statute"} & set(q.by))
    exploded = q.any_charge and wants_charge
    if exploded:
        t = with_any_charge(t, mapping, basis, _needed_columns(q))
    elif wants_charge:
        t = with_lead_charge(t, mapping, basis)
    if q.charges:
        t = t.filter(t.charge.isin(list(q.charges)))
    t, own = group_columns(q, t, mapping)
    t = t.mutate(**{f"_by_{name}": dimension(q, t, name) for name in q.by})
    keys = [f"_by_{name}" for name in q.by] + own
    if exploded:
        # A defendant counts once per group, however many of its slots fall in it.
        t = t.select(*ROW_ID, *keys, *AGGREGATE_INPUTS.get(q.measure, ())).distinct()
    agg = t.group_by(keys).aggregate(**aggregates(q, t)) if keys else t.aggregate(
        **aggregates(q, t))
    return agg.rename({name: f"_by_{name}" for name in q.by})


def _needed_columns(q: Query) -> list[str]:
    """Columns the rest of the query reads, carried through the any-charge stack."""
    return ["fiscalyr", "district", "circuit", "filedate", "termdate", "dispdate", "disp1",
            "fcounsel", "fofflvl1", "tofflvl1", "pristot", "pristot_months"]


def finish(q: Query, table: pa.Table) -> pa.Table:
    """Sort by the dimensions, add district names, order the columns."""
    spec = q.spec
    keys = [*q.by, *spec.group]
    if keys and table.num_rows:
        table = table.sort_by([(k, "ascending") for k in keys])
    columns = []
    for name in keys:
        columns.append((name, table[name]))
        if name == "district":
            names = fjc.district_names()
            columns.append(("district_name", pa.array(
                [names.get(c, "unknown") for c in table["district"].to_pylist()], pa.string())))
    for name in spec.columns:
        columns.append((name, table[name]))
    return pa.table(dict(columns))
