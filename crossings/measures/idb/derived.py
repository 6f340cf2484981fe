"""Small tables derived from a loaded release, computed once and cached.

* the distinct (citation, D2 code, offense code) triples of all charge slots,
  which the charge rules classify in Python and the engine joins back (one
  small join instead of a pattern per row);
* data-quality figures per fiscal year and district for each counting flag.

They are cached outside the store (crossings/measures/cache.py): the store is
read-only to queries.
"""

from __future__ import annotations

import ibis
import pyarrow as pa

from crossings.fiscal import fiscal_year_column
from crossings.measures.cache import DiskCache
from crossings.measures.charges import ChargeRules, classify_idb, idb_statute, slot_is_empty
from crossings.measures.engine import Engine

SLOTS = range(1, 6)
#: Charge fields of a slot: (citation, D2 code, older offense code) by basis.
SLOT_FIELDS = {"filing": ("ftitle{n}", "d2foffcd{n}", "foffcd{n}"),
               "termination": ("ttitle{n}", "d2toffcd{n}", "toffcd{n}")}
KEYS = ("k_citation", "k_d2", "k_offense")

def slot_keys(t: ibis.Table, basis: str, n: int) -> dict:
    """The slot's three fields with null as "" (joins do not match nulls)."""
    return {key: t[name.format(n=n)].fill_null("")
            for key, name in zip(KEYS, SLOT_FIELDS[basis], strict=True)}


def charge_keys(engine: Engine, defendants: ibis.Table, disk: DiskCache) -> pa.Table:
    """Distinct (citation, D2, offense code) triples over all ten charge slots."""
    def compute() -> pa.Table:
        parts = [defendants.select(**slot_keys(defendants, basis, n))
                 for basis in SLOT_FIELDS for n in SLOTS]
        union = parts[0]
        for part in parts[1:]:
            union = union.union(part)
        return engine.to_arrow(union.distinct()).sort_by([(k, "ascending") for k in KEYS])

    return disk.table("charge_keys", compute)


def charge_map(keys: pa.Table, rules: ChargeRules) -> pa.Table:
    """The triples with their category, deciding rule and statute."""
    columns = {k: keys[k].to_pylist() for k in KEYS}
    category, rule, statute, empty = [], [], [], []
    for citation, d2, offense in zip(*columns.values(), strict=True):
        cat, used = classify_idb(citation or None, d2 or None, offense or None, rules)
        category.append(cat)
        rule.append(used)
        found = idb_statute(citation or None, rules)
        statute.append(found.key if found else "unknown")
        empty.append(slot_is_empty(citation or None, d2 or None, offense or None))
    return pa.table({**{k: keys[k] for k in KEYS}, "category": category,
                     "rule": pa.array(rule, pa.int8()), "statute": statute,
                     "empty_slot": empty})


def quality(engine: Engine, defendants: ibis.Table, disk: DiskCache, flag: str,
            date_column: str) -> pa.Table:
    """Per (fiscal year, district): flagged rows, flagged rows sharing DEFLGKY + FISCALYR,
    and flagged rows whose date falls in another fiscal year."""
    def compute() -> pa.Table:
        d = defendants.filter(defendants[flag] == 1)
        per_key = d.group_by(["fiscalyr", "district", "deflgky"]).aggregate(n=d.count())
        shared = per_key.group_by(["fiscalyr", "district"]).aggregate(
            rows_sharing_key=per_key.n.sum(where=per_key.n > 1).fill_null(0))
        date = d[date_column]
        date_fy = fiscal_year_column(date)
        other = d.group_by(["fiscalyr", "district"]).aggregate(
            flagged=d.count(),
            date_in_other_fiscal_year=(date.notnull() & (date_fy != d.fiscalyr)).sum())
        joined = other.left_join(shared, ["fiscalyr", "district"]).select(
            "fiscalyr", "district", "flagged", "date_in_other_fiscal_year",
            rows_sharing_key=ibis.coalesce(shared.rows_sharing_key, 0))
        return engine.to_arrow(joined).sort_by([("fiscalyr", "ascending"),
                                                ("district", "ascending")])

    return disk.table(f"quality_{flag}_{date_column}", compute)
