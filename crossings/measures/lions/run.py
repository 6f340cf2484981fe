"""A prosecutors'-data measure, run over one release or every release loaded."""

from __future__ import annotations

import ibis
import pyarrow as pa

from crossings.codebook.lions import release_month
from crossings.fiscal import fiscal_year_of_month
from crossings.measures import histogram
from crossings.measures.lions import counting
from crossings.measures.meta import base_meta, provenance, provisional_months
from crossings.measures.query import Query
from crossings.measures.result import Result
from crossings.store import Store

TABLES = ("cases", "participants", "court_histories", "part_courts", "part_counts",
          "program_categories", "sentences")


def measure_lions(q: Query, store: Store, rules, eng) -> Result:
    entries = store.entries("lions") if "release" in q.by else [store.entry("lions", q.release)]
    if not entries:
        store.entry("lions")  # raises StoreNotFound with the hint
    tables, quality = [], {"defendants_without_a_dated_filing": 0}
    for entry in sorted(entries, key=lambda e: e.record.get("release_month", e.release)):
        t = {name: eng.parquet(entry.table_glob(name)) for name in TABLES}
        mapping = counting.release_charge_map(eng, t, entry.path, rules)
        districts = ibis.memtable(counting.district_map())
        tables.append(eng.to_arrow(counting.expression(q, t, mapping, districts,
                                                       entry.release)))
        quality["defendants_without_a_dated_filing"] += counting.not_filings_count(
            eng, t, entry.path)
    latest = max(entries, key=lambda e: e.record.get("release_month", e.release))
    merged = pa.concat_tables(tables, promote_options="permissive")
    table = histogram.to_table(q, merged.rename_columns(
        [c.removeprefix("_by_") for c in merged.column_names]))
    meta = base_meta(q, latest, rules, eng.name)
    meta.releases = [e.release for e in entries]
    if len(entries) > 1:
        meta.sources = {f"lions {e.release}": provenance("lions", e) for e in entries}
    meta.provisional_months = {e.release: provisional_months(e.release) for e in entries}
    meta.data_quality = quality
    meta.years_covered = _years_covered(table, latest)
    return Result(table, meta)


def _years_covered(table: pa.Table, latest) -> list[int]:
    """From the first fiscal year the result has to the latest release's own year."""
    last = fiscal_year_of_month(*release_month(latest.release))
    if "fiscal_year" not in table.column_names or not table.num_rows:
        return [last]
    first = min(y for y in table["fiscal_year"].to_pylist() if y is not None)
    return list(range(min(first, last), last + 1))
