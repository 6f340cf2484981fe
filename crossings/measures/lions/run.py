"""A prosecutors'-data measure, run over one release or every release loaded."""

from __future__ import annotations

import ibis
import pyarrow as pa

from crossings.codebook.lions import release_month
from crossings.fiscal import fiscal_year_of_month
from crossings.measures import histogram, ytd
from crossings.measures.cache import releases
from crossings.measures.lions import counting
from crossings.measures.meta import (
    base_meta,
    lions_partial_years,
    provenance,
    provisional_months,
)
from crossings.measures.query import Query
from crossings.measures.result import Result
from crossings.store import Store

TABLES = ("cases", "participants", "court_histories", "part_courts", "part_counts",
          "program_categories", "sentences")


def measure_lions(q: Query, store: Store, rules, eng) -> Result:
    entries = store.entries("lions") if "release" in q.by else [store.entry("lions", q.release)]
    if not entries:
        store.entry("lions")  # raises StoreNotFound with the hint
    tables, quality = [], {"defendants_without_a_dated_filing": 0,
                           "proceedings_opened_in_error": 0,
                           "terminations_ending_in_declination_by_fiscal_year": {}}
    cuts, spans = {}, []
    for entry in sorted(entries, key=lambda e: e.record.get("release_month", e.release)):
        cuts[entry.release] = cut = (ytd.cut_month(entry.record.get("data_as_of"))
                                     if q.ytd else None)
        with releases.using(eng, entry) as release:
            t = {name: release.parquet(name) for name in TABLES}
            mapping = counting.release_charge_map(release, t, rules)
            districts = ibis.memtable(counting.district_map())
            tables.append(eng.to_arrow(counting.expression(q, t, mapping, districts,
                                                           entry.release, cut)))
            quality["defendants_without_a_dated_filing"] += counting.not_filings_count(
                release, t, rules)
            spans.append(_add_release_quality(quality, counting.release_quality(
                release, t, rules)))
    latest = max(entries, key=lambda e: e.record.get("release_month", e.release))
    merged = pa.concat_tables(tables, promote_options="permissive")
    table = histogram.to_table(q, merged.rename_columns(
        [c.removeprefix("_by_") for c in merged.column_names]))
    meta = base_meta(q, latest, rules, eng.name, cuts[latest.release])
    meta.releases = [e.release for e in entries]
    if len(entries) > 1:
        meta.sources = {f"lions {e.release}": provenance("lions", e) for e in entries}
    meta.provisional_months = {e.release: provisional_months(e.release) for e in entries}
    meta.partial_years = sorted({y for e in entries for y in lions_partial_years(e.release)})
    meta.data_quality = quality
    if q.ytd:
        meta.ytd = {e.release: ytd.meta(cuts[e.release], e.record.get("data_as_of"))
                    for e in entries}
    first = min((a for a, _ in spans if a is not None), default=None)
    meta.years_covered = _years_covered(table, latest, first)
    return Result(table, meta)


def _add_release_quality(quality: dict, found: dict) -> tuple:
    """Add one release's data-quality counts; return the fiscal years its filings cover."""
    quality["proceedings_opened_in_error"] += found["proceedings_opened_in_error"]
    declined = quality["terminations_ending_in_declination_by_fiscal_year"]
    for year, n in found["terminations_ending_in_declination_by_fiscal_year"].items():
        declined[year] = declined.get(year, 0) + n
    return found["years"]


def _years_covered(table: pa.Table, latest, first_filed: int | None) -> list[int]:
    """From the first fiscal year the data holds (its first filing, or the first the
    result has) to the latest release's own year."""
    last = fiscal_year_of_month(*release_month(latest.release))
    years = [first_filed] if first_filed is not None else []
    if "fiscal_year" in table.column_names:
        years += [y for y in table["fiscal_year"].to_pylist() if y is not None]
    return list(range(min([*years, last]), last + 1))
