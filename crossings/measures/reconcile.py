"""Setting the court file beside the prosecutors' data, difference by difference.

For each group (fiscal year, charge, district), with ``charge`` each source's
own lead-charge category:

* ``court_file``: the court file's filings (CTFIL);
* ``lions_district``: the prosecutors' defendants with a dated district-court
  filing, by the fiscal year of that filing and the case's LEAD_CHARGE;
* ``lions_all``: every prosecuted defendant with a dated magistrate or
  district filing, by the fiscal year of the earliest (magistrate-only included).

The differences, itemised by cause, add up exactly::

    lions_district = court_file + transfers + lead_charge + residual
    lions_all      = lions_district + date_basis + magistrate_only

* ``transfers``: defendants the court file counts only as transfer-ins
  (CTFILTRN - CTFIL);
* ``lead_charge``: the case's LEAD_CHARGE (one per case, chosen by the
  prosecutor) against each defendant's own most serious count;
* ``date_basis``: dating a case moved from magistrate to district court by its
  magistrate filing instead of its district filing;
* ``magistrate_only``: defendants who never reached district court (mostly
  petty 8 U.S.C. 1325 cases: the court file does not report them);
* ``residual``: whatever the named causes do not explain; shown, never hidden.

Guam and the Northern Mariana Islands share one U.S. Attorney's office and
one LIONS code, so both sources report them as one district, ``93+94``.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import ibis
import pyarrow as pa

from crossings.codebook.tables import data_path
from crossings.errors import InvalidRequest
from crossings.measures import charges, measure
from crossings.measures.cache import releases
from crossings.measures.charges import IMMIGRATION
from crossings.measures.engine import get_engine
from crossings.measures.lions import counting as lions_counting
from crossings.measures.meta import (
    Meta,
    charge_rules_meta,
    lions_partial_years,
    partial_years,
    provenance,
    provisional_months,
)
from crossings.measures.query import build_query
from crossings.measures.result import Result
from crossings.sources import SOURCES
from crossings.store import Store

DIMENSIONS = ("fiscal_year", "charge", "district")
COLUMNS = ("court_file", "lions_district", "lions_all", "transfers", "lead_charge",
           "date_basis", "magistrate_only", "residual")
PUBLISHED_FILE = data_path("published", "published-figures.csv")


def reconcile(by=("fiscal_year", "charge"), where: dict | None = None, *,
              district: str | None = None, from_year: int | None = None,
              to_year: int | None = None, store: Store | str | None = None,
              idb_release: str | None = None, lions_release: str | None = None,
              engine: str = "duckdb", published: bool = False) -> Result:
    """Both sources side by side. ``by`` and ``where`` as for ``measure()``:

    >>> crossings.reconcile(["fiscal_year"], {"district": "S.D. Tex.", "from_year": 2015})

    ``where`` may hold ``from_year``, ``to_year``, ``district`` and ``charge`` (each
    source's own lead-charge category, as in the ``charge`` column); the keyword
    arguments ``district``, ``from_year`` and ``to_year`` still work.
    """
    by = tuple(b.strip() for b in (by.split(",") if isinstance(by, str) else by) if b.strip())
    for dim in by:
        if dim not in DIMENSIONS:
            raise InvalidRequest(f"reconcile groups by {', '.join(DIMENSIONS)}, not {dim!r}")
    store = store if isinstance(store, Store) else Store(store)
    q = _query(where, {"district": district, "from_year": from_year, "to_year": to_year})
    where = {"from_year": q.from_year, "to_year": q.to_year,
             "charge": list(q.charges) or None}
    codes = q.districts
    # The LIONS release is held while it is read: a replacing ingest waits to remove it.
    with store.reading("lions", lions_release) as (lions_entry,):
        rows = _rows(by, codes, where, store, idb_release, lions_entry, engine)
        national = None  # published figures are national: never set beside a district
        if published and not codes:
            national = rows
            if by != ("fiscal_year", "charge") or any(v is not None for v in where.values()):
                # each figure beside the one national cell of its own year and charge
                national = _rows(("fiscal_year", "charge"), (), dict.fromkeys(where), store,
                                 idb_release, lions_entry, engine)
    table = pa.Table.from_pylist(rows) if rows else pa.table({c: [] for c in (*by, *COLUMNS)})
    idb_entry = store.entry("idb", idb_release)
    meta = _meta(by, codes, where, idb_entry, lions_entry, get_engine(engine).name)
    meta.years_covered = sorted({r["fiscal_year"] for r in rows if "fiscal_year" in r})
    if published:
        meta.published = compare_published(national)
        meta.notes.append(PUBLISHED_NOTE if codes else PUBLISHED_NATIONAL)
    return Result(table, meta)


#: The filters reconcile applies (``measure()``'s others, such as border, it cannot).
FILTERS = ("from_year", "to_year", "district", "charge")


def _query(where: dict | None, keywords: dict):
    """The filters, checked as ``measure()`` checks them; one reconcile cannot apply is an
    :class:`InvalidRequest` naming it."""
    where = dict(where or {})
    for name, value in keywords.items():
        if value is None:
            continue
        if where.get(name) is not None:
            raise InvalidRequest(f"{name} is given twice (as a keyword and in where): "
                                 "give it once")
        where[name] = value
    cannot = sorted(set(where) - set(FILTERS))
    if cannot:
        raise InvalidRequest(f"reconcile cannot filter by {', '.join(cannot)}; its filters "
                             f"are: {', '.join(FILTERS)}")
    return build_query("filings", where={k: v for k, v in where.items() if v is not None})


PUBLISHED_NATIONAL = ("Published figures: each is set beside the national count of its own "
                      "fiscal year, charge and basis, whatever --by and the year filter.")
GUAM_NMI = "Guam and the Northern Mariana Islands are one district here (93+94)."
PUBLISHED_NOTE = ("Published figures are national totals: they are not compared with one "
                  "district's counts (leave out --district to compare them).")


def _rows(by, codes, where, store, idb_release, lions_entry, engine) -> list[dict]:
    """The reconciliation's rows: both sources' counts and the causes, per group."""
    groups: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    for key, values in _court_file(by, codes, where, store, idb_release, engine).items():
        groups[key].update(values)
    for key, values in _prosecutors(by, codes, where, lions_entry, engine).items():
        groups[key].update(values)
    rows = []
    for key in sorted(groups, key=lambda k: tuple(str(v) for v in k)):
        g = groups[key]
        g["residual"] = (g["lions_district"] - g["court_file"] - g["transfers"]
                         - g["lead_charge"])
        rows.append({**dict(zip(by, key, strict=True)), **{c: g[c] for c in COLUMNS}})
    return rows


def _district_key(code: str) -> str:
    return lions_counting.GUAM_AND_NMI if code in ("93", "94") else code


def _court_file(by, codes, where, store, release, engine) -> dict:
    """court_file and transfers from the court file, keyed like the LIONS groups."""
    where = {k: v for k, v in where.items() if v is not None}
    if codes:  # Guam and the Northern Mariana Islands are one LIONS district
        where["district"] = sorted({part for code in codes for part in (
            ("93", "94") if code in ("93", "94") else (code,))})
    out: dict[tuple, dict] = defaultdict(dict)
    for column, transfers in (("court_file", "exclude"), ("_with_transfers", "include")):
        result = measure("filings", by=list(by), where=where, store=store, release=release,
                         transfers=transfers, engine=engine)
        for row in result.to_pylist():
            key = tuple(_district_key(row[d]) if d == "district" else row[d] for d in by)
            out[key][column] = out[key].get(column, 0) + row["defendants"]
    for values in out.values():
        values["transfers"] = values.pop("_with_transfers", 0) - values.get("court_file", 0)
    return out


def _prosecutors(by, codes, where, entry, engine) -> dict:
    eng = get_engine(engine)
    out: dict[tuple, dict] = defaultdict(dict)
    with releases.using(eng, entry) as release:
        t = {name: release.parquet(name) for name in (
            "cases", "participants", "court_histories", "part_courts", "part_counts")}
        mapping = lions_counting.release_charge_map(release, t, charges.load_rules())
        d = lions_counting.filing_components(t, mapping,
                                             ibis.memtable(lions_counting.district_map()))
        if codes:
            d = d.filter(d.district.isin(lions_counting.lions_districts(codes)))
        has_dc = d.dc_date.notnull()
        parts = {
            "lions_district": (d.filter(has_dc), "dc_year", "case_charge"),
            "_own": (d.filter(has_dc), "dc_year", "own_category"),
            "_dc_by_first": (d.filter(has_dc), "first_year", "case_charge"),
            "magistrate_only": (d.filter(~has_dc & d.mg_date.notnull()), "mg_year",
                                "case_charge"),
        }
        for column, (rows, year, charge) in parts.items():
            for row in _count(eng, rows, by, year, charge, where):
                key = tuple(row[dim] for dim in by)
                out[key][column] = out[key].get(column, 0) + row["n"]
    for v in out.values():
        v["lead_charge"] = v.get("lions_district", 0) - v.pop("_own", 0)
        v["date_basis"] = v.pop("_dc_by_first", 0) - v.get("lions_district", 0)
        v["lions_all"] = (v.get("lions_district", 0) + v["date_basis"]
                          + v.get("magistrate_only", 0))
    return out


def _count(eng, rows: ibis.Table, by, year: str, charge: str, where: dict) -> list[dict]:
    if where.get("from_year") is not None:
        rows = rows.filter(rows[year] >= where["from_year"])
    if where.get("to_year") is not None:
        rows = rows.filter(rows[year] <= where["to_year"])
    if where.get("charge"):  # each part's own charge, as its charge column
        rows = rows.filter(rows[charge].isin(list(where["charge"])))
    columns = {"fiscal_year": rows[year], "charge": rows[charge], "district": rows.fjc_district}
    keyed = rows.mutate(**{dim: columns[dim] for dim in by})
    grouped = keyed.group_by(list(by)).aggregate(n=keyed.count()) if by else keyed.aggregate(
        n=keyed.count())
    return eng.to_arrow(grouped).to_pylist()


COLUMN_TEXT = {
    "court_file": "court-file filings (CTFIL = 1), lead filing charge",
    "lions_district": "prosecutors' defendants with a district-court filing, by its "
                      "fiscal year and the case's LEAD_CHARGE",
    "lions_all": "prosecutors' defendants with a magistrate or district filing, by "
                 "the earliest, magistrate-only included",
    "transfers": "court-file transfer-in filings (CTFILTRN - CTFIL)",
    "lead_charge": "case LEAD_CHARGE against each defendant's own most serious count",
    "date_basis": "dated by the magistrate filing instead of the district filing",
    "magistrate_only": "never reached district court (mostly petty 8 U.S.C. 1325)",
    "residual": "what the named causes do not explain",
}
IDENTITIES = ["lions_district = court_file + transfers + lead_charge + residual",
              "lions_all = lions_district + date_basis + magistrate_only"]


def _meta(by, codes, where, idb_entry, lions_entry, engine: str) -> Meta:
    sources = {"idb": provenance("idb", idb_entry), "lions": provenance("lions", lions_entry)}
    where = {k: v for k, v in where.items() if v is not None}
    if codes:
        where["district"] = list(codes)
    return Meta(
        measure="reconcile", summary="court-file and prosecutors' filings side by side",
        source="idb+lions", release=None, releases=[idb_entry.release, lions_entry.release],
        files=[f for s in sources.values() for f in s.files],
        data_as_of=min(filter(None, (s.data_as_of for s in sources.values())), default=None),
        synthetic=any(s.synthetic for s in sources.values()),
        citation=" | ".join(s.citation for s in sources.values()), engine=engine,
        rule="; ".join(IDENTITIES), by=list(by), where=where, sources=sources,
        charge_rules=charge_rules_meta(charges.load_rules()), columns=dict(COLUMN_TEXT),
        identities=list(IDENTITIES),
        coverage=[*SOURCES["idb"].coverage, *SOURCES["lions"].coverage],
        provisional_months={lions_entry.release: provisional_months(lions_entry.release)},
        # A year partial in either source is partial side by side.
        partial_years=sorted({*partial_years(idb_entry.record),
                              *lions_partial_years(lions_entry.release)}),
        notes=[GUAM_NMI])


def published_figures(path: Path = PUBLISHED_FILE) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


#: What each published basis is compared with: columns summed.
COMPARED = {"court_file": ("court_file",),
            "court_file_with_transfers": ("court_file", "transfers"),
            "lions_all": ("lions_all",), "lions_district": ("lions_district",)}


def compare_published(national: list[dict] | None) -> list[dict]:
    """Each published figure beside the one computed cell of its own definition: its
    fiscal year, its charge (``immigration`` = the four immigration categories, ``all``
    = every category), its basis (the ``compare_with`` columns) and its source.
    ``national`` holds the rows by (fiscal_year, charge) for the whole country; None
    when the request was for one district (nothing is compared, and the row says why)."""
    cells: dict[tuple[int, str], dict] = {}
    for r in national or []:
        cells[(r["fiscal_year"], r["charge"])] = r
    years = {year for year, _ in cells}
    out = []
    for fig in published_figures():
        year, value = int(fig["fiscal_year"]), int(fig["value"])
        if fig["charge"] == "immigration":
            cats = IMMIGRATION
        elif fig["charge"] == "all":
            cats = tuple({c for _, c in cells})
        else:
            cats = (fig["charge"],)
        computed, status = None, "compared"
        if national is None:
            status = "not compared: national figure, and one district was asked"
        elif year not in years:
            status = f"not compared: fiscal year {year} is not in the data"
        else:
            computed = sum(cells[(year, c)][col] for c in cats if (year, c) in cells
                           for col in COMPARED[fig["compare_with"]])
        if status == "compared" and fig["basis"] == "basis unverified":
            status = "compared; basis unverified"
        out.append({**fig, "value": value, "computed": computed, "status": status,
                    "difference": None if computed is None else computed - value})
    return out
