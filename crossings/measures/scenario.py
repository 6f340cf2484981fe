"""``scenario``: what the records say would not have been filed, convicted, imposed and
spent had prosecutions under some charges stopped (``crossings scenario --halt``).

For each fiscal year asked (default: the last full one): the filings whose lead
charge at filing is halted; the convictions and prison years imposed in those
years on defendants whose lead charge at filing was halted (court file:
``charge_basis="filing"``; LIONS: the case's LEAD_CHARGE), and their cost at
COIF; their share of all federal criminal defendant filings; nationally and in
each southwest border district. It counts recorded cases only and models no
change in behaviour.
"""

from __future__ import annotations

import pyarrow as pa

from crossings import sources
from crossings.codebook import idb as idb_codes
from crossings.codebook.lions import release_month
from crossings.errors import InvalidRequest
from crossings.fiscal import fiscal_year_of_month
from crossings.measures import beside, labels, prison_cost
from crossings.measures.charges import CATEGORIES
from crossings.measures.meta import Meta
from crossings.measures.query import _year, choose
from crossings.measures.result import Result

NATIONAL = "all"
SEPTEMBER = 9

RULE = ("Per fiscal year and area (all districts; each southwest border district): "
        "halted_filings = the filings measure with charge in the halted categories (lead "
        "charge at filing); all_filings = the filings measure, every charge; "
        "convictions and prison_years = those measures with charge in the halted "
        "categories by the charge at filing (court file --charge-basis filing; LIONS the "
        "case's LEAD_CHARGE), in the year of termination; cost_usd as prison_cost.")

ASSUMPTIONS = ("The scenario counts recorded cases only: it models no change in behaviour "
               "(crossings, arrests, charging of other offences, pleas, detention) had these "
               "prosecutions stopped; convictions and prison years are those imposed in the "
               "years shown, whenever the cases were filed.")


def scenario(halt, *, from_year=None, to_year=None, source: str = "idb",
             share_served: float = 1.0, store=None, release: str | None = None,
             engine: str = "duckdb", charges_file: str | None = None) -> Result:
    """The recorded filings, convictions, prison years and cost of the halted charges."""
    from crossings.measures import measure

    halted = [choose("charge", c, CATEGORIES, parameter="halt")
              for c in _as_list(halt)]
    if not halted:
        raise InvalidRequest("--halt needs at least one charge category, e.g. "
                             "illegal_entry,illegal_reentry")
    share = prison_cost.checked_share(share_served)
    options = {"source": source, "store": store, "release": release, "engine": engine,
               "charges_file": charges_file}
    first, last = _years(from_year, to_year, options)
    basis = sources.get(source).filing_charge_basis
    years = {"from_year": first, "to_year": last}
    southwest = sorted(idb_codes.southwest_border_districts())

    def counts(name: str, charge: list[str] | None, by_district: bool) -> Result:
        """The measure per year (and southwest border district), as anyone can ask it."""
        where = {**years, **({"charge": charge} if charge else {}),
                 **({"district": southwest} if by_district else {})}
        basis_of = {"charge_basis": basis} if name != "filings" else {}
        return measure(name, by=["fiscal_year", *(["district"] if by_district else [])],
                       where=where, **options, **basis_of)

    parts = {}
    for scope in (False, True):
        parts[scope] = {"halted_filings": counts("filings", halted, scope),
                        "all_filings": counts("filings", None, scope),
                        "convictions": counts("convictions", halted, scope),
                        "prison_years": counts("prison_years", halted, scope)}
    rows = _rows(parts, range(first, last + 1), southwest, share)
    meta = _meta(parts[False]["halted_filings"].meta, rows, halted, share, basis, first, last)
    return Result(_table(rows), meta, keys=["fiscal_year", "district"])


def _as_list(value) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value or ())


def _years(from_year, to_year, options: dict) -> tuple[int, int]:
    first, last = _year(from_year, "from_year"), _year(to_year, "to_year")
    if last is None:
        last = last_full_year(options) if first is None else max(first, last_full_year(options))
    first = last if first is None else first
    if first > last:
        raise InvalidRequest(f"from_year {first} is after to_year {last}")
    return first, last


def last_full_year(options: dict) -> int:
    """The latest fiscal year the data holds in full (not the partial latest year; for
    LIONS, not the release's own year unless the release is September's)."""
    from crossings.measures import measure

    meta = measure("filings", by=["fiscal_year"], **options).meta
    partial = set(meta.partial_years)
    if sources.get(meta.source).monthly_releases and meta.release:
        year, month = release_month(meta.release)
        if month != SEPTEMBER:
            partial.add(fiscal_year_of_month(year, month))
    full = [y for y in meta.years_covered if y not in partial]
    if not full:
        raise InvalidRequest("the data holds no full fiscal year: give --from-year/--to-year")
    return max(full)


def _rows(parts: dict, years, southwest: list[str], share: float) -> list[dict]:
    values: dict[tuple, dict] = {}
    for by_district, results in parts.items():
        for column, result in results.items():
            value = "prison_years" if column == "prison_years" else "defendants"
            for r in result.to_pylist():
                area = r["district"] if by_district else NATIONAL
                values.setdefault((r["fiscal_year"], area), {})[column] = r[value]
    rows = []
    for year in years:
        for area in (NATIONAL, *southwest):
            found = values.get((year, area), {})
            row = {"fiscal_year": year, "district": area,
                   **{c: found.get(c, 0) for c in ("halted_filings", "all_filings",
                                                   "convictions")},
                   "prison_years": float(found.get("prison_years") or 0.0)}
            row["share_of_filings"] = (row["halted_filings"] / row["all_filings"]
                                       if row["all_filings"] else None)
            row["prison_years_served"] = row["prison_years"] * share
            row.update(prison_cost.priced(year, row["prison_years"], share))
            rows.append(row)
    return rows


def _table(rows: list[dict]) -> pa.Table:
    t = beside
    columns = {"fiscal_year": pa.array([r["fiscal_year"] for r in rows], t.INT),
               "district": pa.array([r["district"] for r in rows], t.TEXT)}
    names = labels.beside("district", [r["district"] for r in rows])
    columns["district_name"] = pa.array(
        ["All districts (national)" if r["district"] == NATIONAL else n
         for r, n in zip(rows, names["district_name"].to_pylist(), strict=True)], t.TEXT)
    types = {"halted_filings": t.INT, "all_filings": t.INT, "share_of_filings": t.FLOAT,
             "convictions": t.INT, "prison_years": t.FLOAT, "prison_years_served": t.FLOAT,
             "coif_year": t.INT, "coif_usd_per_year": t.FLOAT, "cost_usd": t.FLOAT,
             "note": t.TEXT}
    columns.update({c: pa.array([r[c] for r in rows], typ) for c, typ in types.items()})
    return pa.table(columns)


def _meta(meta: Meta, rows: list[dict], halted: list[str], share: float, basis: str,
          first: int, last: int) -> Meta:
    meta.measure, meta.rule = "scenario", RULE
    meta.summary = f"what stopping prosecutions for {', '.join(halted)} would remove, as recorded"
    meta.by, meta.where = ["fiscal_year", "district"], {"from_year": first, "to_year": last}
    meta.options = {"halt": halted, "charge_basis": basis, "share_served": share}
    meta.columns = {
        "district": "'all' = every district (national); else a southwest border district",
        "halted_filings": "defendants filed whose lead charge at filing is halted",
        "all_filings": "all federal criminal defendants filed (every charge)",
        "share_of_filings": "halted_filings / all_filings",
        "convictions": "defendants convicted in the year whose charge at filing is halted",
        "prison_years": "years of prison imposed on them (prison_years measure)",
        "prison_years_served": "prison_years x share_served",
        "cost_usd": "prison_years_served x the year's COIF rate (nominal)"}
    prison_cost.cost_meta(meta, rows, share)
    meta.warnings.append(ASSUMPTIONS)
    return meta
