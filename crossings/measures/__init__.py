"""Counting rules and queries: ``measure()`` is the one way numbers are made.

Every number carries ``meta``: the source files' SHA-256, data as of, the
rules version and the SHA-256 of the charge tables, the tool version, the
partial years, data-quality figures and what the data does not cover.
"""

from __future__ import annotations

import ibis
import pyarrow as pa

from crossings.measures import charges, histogram
from crossings.measures.engine import get_engine
from crossings.measures.idb import counting as idb_counting
from crossings.measures.idb import derived, facts
from crossings.measures.lions import counting as lions_counting
from crossings.measures.meta import (
    RULES_VERSION,
    base_meta,
    partial_years,
    provisional_months,
)
from crossings.measures.query import DIMENSIONS, MEASURES, Query, build_query
from crossings.measures.result import Result
from crossings.store import Entry, Store

__all__ = ["DIMENSIONS", "MEASURES", "RULES_VERSION", "Result", "measure"]

LIONS_TABLES = ("cases", "participants", "court_histories", "part_courts", "part_counts",
                "program_categories", "sentences")


def measure(name: str, by=(), where: dict | None = None, *, source: str = "idb",
            store: Store | str | None = None, release: str | None = None,
            transfers: str = "exclude", charge_basis: str = "default",
            any_charge: bool = False, charges_file: str | None = None,
            engine: str = "duckdb") -> Result:
    """Compute a measure.

    >>> crossings.measure("filings", by=["fiscal_year", "charge"],
    ...                   where={"district": "41", "from_year": 2015})
    """
    q = build_query(name, by, where, transfers=transfers, charge_basis=charge_basis,
                    any_charge=any_charge, source=source, release=release)
    store = store if isinstance(store, Store) else Store(store)
    rules = charges.load_rules(charges_file)
    eng = get_engine(engine)
    if q.source == "idb":
        return _idb(q, store.entry("idb", q.release), rules, eng)
    return _lions(q, store, rules, eng)


def _idb(q: Query, entry: Entry, rules, eng) -> Result:
    defendants = eng.parquet(entry.table_glob("defendants"))
    mapping = _charge_mapping(eng, defendants, entry, rules)
    the_facts, codes = facts.table(eng, "facts", defendants, mapping, entry, rules.sha256)
    any_charges = None
    if q.any_charge and "statute" in q.by:
        any_charges, _ = facts.table(eng, "any_charges", defendants, mapping, entry,
                                     rules.sha256)
    grouped = eng.to_arrow(idb_counting.expression(q, the_facts, any_charges, codes),
                           key=("idb", q, str(entry.path), rules.sha256))
    table = histogram.to_table(q, histogram.rows_from(q, grouped, codes))
    meta = base_meta(q, entry, rules, eng.name)
    meta["partial_years"] = partial_years(entry.record)
    meta["data_quality"] = _idb_quality(q, eng, defendants, entry)
    return Result(table, meta)


def _lions(q: Query, store: Store, rules, eng) -> Result:
    entries = store.entries("lions") if "release" in q.by else [store.entry("lions", q.release)]
    if not entries:
        store.entry("lions")  # raises StoreNotFound with the hint
    tables, quality = [], {"defendants_without_a_dated_filing": 0}
    for entry in sorted(entries, key=lambda e: e.record.get("release_month", e.release)):
        t = {name: eng.parquet(entry.table_glob(name)) for name in LIONS_TABLES}
        mapping = lions_counting.release_charge_map(eng, t, entry.path, rules)
        districts = ibis.memtable(lions_counting.district_map())
        tables.append(eng.to_arrow(lions_counting.expression(q, t, mapping, districts, entry.release)))
        quality["defendants_without_a_dated_filing"] += lions_counting.not_filings_count(
            eng, t, entry.path)
    latest = max(entries, key=lambda e: e.record.get("release_month", e.release))
    merged = pa.concat_tables(tables, promote_options="permissive")
    table = histogram.to_table(q, merged.rename_columns(
        [c.removeprefix("_by_") for c in merged.column_names]))
    meta = base_meta(q, latest, rules, eng.name)
    meta["releases"] = [e.release for e in entries]
    meta["provisional_months"] = {e.release: provisional_months(e.release) for e in entries}
    meta["partial_years"] = []
    meta["data_quality"] = quality
    return Result(table, meta)


_mappings: dict[tuple, pa.Table] = {}


def _charge_mapping(eng, defendants, entry: Entry, rules) -> pa.Table:
    """The distinct charge triples with their categories (cached per release and rules)."""
    key = (str(entry.path), rules.sha256)
    if key not in _mappings:
        keys = derived.charge_keys(eng, defendants, entry.path)
        _mappings[key] = derived.charge_map(keys, rules)
    return _mappings[key]


def _idb_quality(q: Query, eng, defendants, entry: Entry) -> dict:
    flag, date = idb_counting.flag_column(q), idb_counting.date_column(q)
    rows = derived.quality(eng, defendants, entry.path, flag, date).to_pylist()
    keep = [r for r in rows
            if (q.from_year is None or r["fiscalyr"] >= q.from_year)
            and (q.to_year is None or r["fiscalyr"] <= q.to_year)
            and (not q.districts or r["district"] in q.districts)]
    missing_flags = entry.record.get("data_quality", {}).get("missing_count_flags", {})
    return {
        "scope": f"rows with {flag.upper()} = 1 in the years and districts asked, all charges",
        "flagged_rows_sharing_deflgky_and_fiscalyr": sum(r["rows_sharing_key"] for r in keep),
        f"flagged_rows_with_{date}_in_another_fiscal_year": sum(
            r["date_in_other_fiscal_year"] for r in keep),
        f"{flag}_minus_8_in_release": missing_flags.get(flag, 0),
    }
