"""Counting rules and queries: ``measure()`` is the one way numbers are made.

Every number carries ``meta``: the source files' SHA-256, data as of, the
rules version and the SHA-256 of the charge tables, the tool version, the
partial years, data-quality figures and what the data does not cover.
"""

from __future__ import annotations

import ibis
import pyarrow as pa

from crossings import __version__
from crossings.measures import charges, derived, idb
from crossings.measures.engine import get_engine
from crossings.measures.query import DIMENSIONS, MEASURES, Query, build_query
from crossings.measures.result import Result
from crossings.store import Entry, Store

#: Version of the counting rules; changes whenever a rule changes a number.
RULES_VERSION = "2026.11.1"

COVERAGE = {
    "idb": [
        "Petty offenses handled by magistrate judges are not reported in the court file; "
        "most Operation Streamline 8 U.S.C. 1325 cases are such, so illegal-entry "
        "prosecutions are badly undercounted here (the prosecutors' data counts them).",
        "The court file has no citizenship, no referring agency and no judge names.",
        "The latest fiscal year is partial.",
    ],
}

RULE_TEXT = {
    "filing": "Filings in fiscal year Y: defendants whose row for FISCALYR = Y has {flag} = 1 "
              "(each person once; -8 counts as not flagged).",
    "termination": "Terminations in fiscal year Y: defendants whose row for FISCALYR = Y has "
                   "{flag} = 1.",
    "pending": "Pending: defendants whose row for FISCALYR = Y has CTPN = 1 (pending at the "
               "end of the year).",
}

__all__ = ["DIMENSIONS", "MEASURES", "RULES_VERSION", "Result", "measure"]


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
    entry = store.entry(q.source, q.release)
    rules = charges.load_rules(charges_file)
    eng = get_engine(engine)
    defendants = eng.parquet(entry.table_glob("defendants"))
    keys = derived.charge_keys(eng, defendants, entry.path)
    mapping = ibis.memtable(derived.charge_map(keys, rules))
    table = eng.to_arrow(idb.expression(q, defendants, mapping))
    table = _normalise(idb.finish(q, table))
    return Result(table, build_meta(q, entry, rules, eng, defendants, table))


def _normalise(table: pa.Table) -> pa.Table:
    """Same types whatever the engine: integers int64, decimals float64."""
    fields = []
    for f in table.schema:
        if pa.types.is_integer(f.type):
            fields.append(pa.field(f.name, pa.int64()))
        elif pa.types.is_floating(f.type) or pa.types.is_decimal(f.type):
            fields.append(pa.field(f.name, pa.float64()))
        else:
            fields.append(pa.field(f.name, pa.string()))
    return table.cast(pa.schema(fields))


def build_meta(q: Query, entry: Entry, rules, eng, defendants, table: pa.Table) -> dict:
    record = entry.record
    years = sorted(int(y) for y in record.get("by_fiscal_year", {}) if y != "unknown")
    partial = years[-1:] if years else []
    basis = q.spec.basis
    flag = idb.flag_column(q)
    return {
        "measure": q.measure,
        "summary": q.spec.summary,
        "by": list(q.by),
        "where": q.where(),
        "options": {"transfers": q.transfers, "charge_basis": idb.charge_basis(q),
                    "any_charge": q.any_charge},
        "source": q.source,
        "release": entry.release,
        "files": [{k: f[k] for k in ("name", "size", "sha256")} for f in record["files"]],
        "data_as_of": record.get("data_as_of"),
        "synthetic": bool(record.get("synthetic")),
        "rules_version": RULES_VERSION,
        "charge_rules": {"file": rules.path.rsplit("/", 1)[-1], "sha256": rules.sha256,
                         "citation_table_sha256": charges.citation_table_sha256()},
        "tool_version": __version__,
        "engine": eng.name,
        "partial_years": partial,
        "rule": RULE_TEXT[basis].format(flag=flag.upper()),
        "data_quality": _quality(q, eng, defendants, entry),
        "coverage": COVERAGE[q.source],
        "citation": _citation(record),
    }


def _quality(q: Query, eng, defendants, entry: Entry) -> dict:
    flag, date = idb.flag_column(q), idb.date_column(q)
    per = derived.quality(eng, defendants, entry.path, flag, date)
    rows = per.to_pylist()
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


def _citation(record: dict) -> str:
    files = "; ".join(f"{f['name']} sha256 {f['sha256'][:16]}..." for f in record["files"])
    return (f"Federal Judicial Center, Integrated Database, criminal defendants FY1996-present"
            f" ({files}), data as of {record.get('data_as_of')}; counted by crossings "
            f"{__version__}, rules {RULES_VERSION}"
            + (". SYNTHETIC SAMPLE DATA, not real cases" if record.get("synthetic") else ""))
