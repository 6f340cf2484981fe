"""A court-file measure, run: the facts table, the grouped counts, the statistics, meta."""

from __future__ import annotations

import dataclasses

import pyarrow as pa

from crossings.measures import histogram, ytd
from crossings.measures.cache import Release, releases
from crossings.measures.idb import counting, derived, facts
from crossings.measures.meta import base_meta, partial_years
from crossings.measures.query import Query
from crossings.measures.result import Result
from crossings.store import Store


def measure_idb(q: Query, store: Store, rules, eng) -> Result:
    entry = store.entry("idb", q.release)
    cut = ytd.cut_month(entry.record.get("data_as_of")) if q.ytd else None
    with releases.using(eng, entry) as release:
        defendants = release.parquet("defendants")
        mapping = _charge_mapping(release, defendants, rules)
        the_facts, codes = facts.table(release, "facts", defendants, mapping, rules.sha256)
        any_charges = None
        if q.any_charge and "statute" in q.by:
            any_charges, _ = facts.table(release, "any_charges", defendants, mapping,
                                         rules.sha256)
        grouped = eng.to_arrow_compiled(release.compiled, ("idb", q, rules.sha256, cut),
                                        lambda: counting.expression(q, the_facts, any_charges,
                                                                    codes, cut))
        quality_scope, quality = _quality(q, release, defendants, rules)
        # The data-quality figures depend on the filters alone (not on --by or --charge):
        # computed once per release and filters.
        scope = ("idb-quality", dataclasses.replace(q, by=(), charges=(), any_charge=False),
                 rules.sha256, cut)
        per_year = release.answers.get(scope)
        if per_year is None:
            per_year = release.answers[scope] = eng.to_arrow(
                counting.quality_expression(q, the_facts, codes, cut)).to_pylist()
    table = histogram.to_table(q, histogram.rows_from(q, grouped, codes))
    meta = base_meta(q, entry, rules, eng.name, cut)
    meta.partial_years = partial_years(entry.record)
    meta.years_covered = sorted(int(y) for y in entry.record.get("by_fiscal_year", {})
                                if y != "unknown")
    meta.data_quality_scope, meta.data_quality = quality_scope, quality
    meta.data_quality["defendants_classified_by_older_offense_code_by_fiscal_year"] = {
        str(r["fiscalyr"]): int(r["by_offense_code"]) for r in per_year if r["by_offense_code"]}
    if cut is not None:
        meta.ytd = ytd.meta(cut, entry.record.get("data_as_of"))
        meta.data_quality["ytd_left_out_date_missing"] = sum(
            int(r["date_missing"]) for r in per_year)
        meta.data_quality["ytd_left_out_date_in_another_fiscal_year"] = sum(
            int(r["date_in_other_fiscal_year"]) for r in per_year)
    return Result(table, meta)


def _charge_mapping(release: Release, defendants, rules) -> pa.Table:
    """The distinct charge triples with their categories (cached per release and rules)."""
    def build() -> pa.Table:
        keys = derived.charge_keys(release.engine, defendants, release.disk(rules.sha256))
        return derived.charge_map(keys, rules)

    return release.get(("mapping", rules.sha256), build)


def _quality(q: Query, release: Release, defendants, rules) -> tuple[str, dict]:
    flag, date = counting.flag_column(q), counting.date_column(q)
    rows = release.get(("quality", flag, date, rules.sha256), lambda: derived.quality(
        release.engine, defendants, release.disk(rules.sha256), flag, date).to_pylist())
    keep = [r for r in rows
            if (q.from_year is None or r["fiscalyr"] >= q.from_year)
            and (q.to_year is None or r["fiscalyr"] <= q.to_year)
            and (not q.districts or r["district"] in q.districts)]
    missing_flags = release.entry.record.get("data_quality", {}).get("missing_count_flags", {})
    scope = f"rows with {flag.upper()} = 1 in the years and districts asked, all charges"
    return scope, {
        "flagged_rows_sharing_deflgky_and_fiscalyr": sum(r["rows_sharing_key"] for r in keep),
        f"flagged_rows_with_{date}_in_another_fiscal_year": sum(
            r["date_in_other_fiscal_year"] for r in keep),
        f"{flag}_minus_8_in_release": missing_flags.get(flag, 0),
    }
