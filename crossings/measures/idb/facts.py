"""The narrow, integer-coded table the court-file measures read.

The store keeps every field of the court file (141 columns, codes as text). A
measure needs about twenty of them plus the category of each charge, which
depends on the charge rules. So once per (release, rules, engine) a ``facts``
table is derived from the store and cached outside it (cache.py):

* one row per stored row; the fields the measures use; counting flags as 0/1;
* every categorical field as a small integer (district, circuit, charge
  category, statute, month), decoded back to text after aggregation, so the
  engine groups small integers (much faster than text);
* the lead (slot 1) charge's category and statute on each basis (``f_`` filing,
  ``t_`` termination), resolved by joining the small table of distinct
  (citation, D2, offense code) triples classified by the charge rules;
* ``f_mask`` / ``t_mask``: one bit per category found in slots 1 to 5, which is
  what ``--any-charge`` counts;
* ``days``: filing to disposition, when both dates exist and are in order;
* ``convicted``: DISP1 is one of the codebook's conviction codes;
* ``f_by_offense`` / ``t_by_offense``: 1 when the lead charge's category was
  read from the older offense code (FOFFCD1 / TOFFCD1), for ``data_quality``.

``any_charges`` (built only when needed) holds one row per (row, basis,
category, statute) in slots 1 to 5: ``--any-charge`` by statute reads it.
Both are built with Ibis, so every backend derives its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import ibis
import pyarrow as pa

from crossings.codebook import idb as idb_codes
from crossings.measures import brackets
from crossings.measures.cache import Release
from crossings.measures.charges import BY_OFFENSE_CODE, CATEGORIES, CHARGE_GROUPS
from crossings.measures.idb.derived import KEYS, SLOT_FIELDS, SLOTS, slot_keys
from crossings.store import Entry

PREFIX = {"filing": "f", "termination": "t"}
FLAGS = ("ctfil", "ctfiltrn", "cttr", "cttrtrn", "ctpn")
MONTH_BASE_YEAR = 1900  # month codes count months from January 1900


@dataclass(frozen=True)
class Codes:
    """The integer codes of the categorical fields, and their text."""

    districts: tuple[str, ...]
    circuits: tuple[str, ...]
    statutes: tuple[str, ...]
    categories: tuple[str, ...] = CATEGORIES

    def text(self, dimension: str, code):
        if code is None:
            return "unknown"
        if dimension == "district":
            return self.districts[code]
        if dimension == "circuit":
            return self.circuits[code]
        if dimension in ("charge", "filing_charge", "termination_charge"):
            return self.categories[code]
        if dimension == "charge_group":
            return CHARGE_GROUPS[code]
        if dimension == brackets.DIMENSION:
            return brackets.BRACKETS[code]
        if dimension == "statute":
            return self.statutes[code]
        if dimension == "month":
            year, month = divmod(code, 12)
            return f"{MONTH_BASE_YEAR + year:04d}-{month + 1:02d}"
        if dimension == "border":
            return "southwest" if code else "other"
        raise KeyError(dimension)


@cache
def _district_codes() -> tuple[tuple[str, ...], tuple[str, ...]]:
    districts = tuple(sorted({d for _, d in idb_codes.districts()}))
    circuits = tuple(sorted({c for c, _ in idb_codes.districts()}))
    return districts, circuits


def codes_for(mapping: pa.Table) -> Codes:
    districts, circuits = _district_codes()
    return Codes(districts, circuits, tuple(sorted(set(mapping["statute"].to_pylist()))))


def coded_mapping(mapping: pa.Table, codes: Codes) -> pa.Table:
    """The charge map with integer codes for category and statute, and category bits."""
    category_code = {c: i for i, c in enumerate(codes.categories)}
    statute_code = {s: i for i, s in enumerate(codes.statutes)}
    category = [category_code[c] for c in mapping["category"].to_pylist()]
    statute = [statute_code[s] for s in mapping["statute"].to_pylist()]
    return mapping.append_column("category_code", pa.array(category, pa.int8())).append_column(
        "statute_code", pa.array(statute, pa.int16())).append_column(
        "bit", pa.array([1 << c for c in category], pa.int8()))


def _month(date):
    return ((date.year() - MONTH_BASE_YEAR) * 12 + date.month() - 1).cast("int16")


def _code(column, values: tuple[str, ...], dtype: str = "int8"):
    return column.cases(*((v, i) for i, v in enumerate(values)), else_=None).cast(dtype)


def _row_id(d: ibis.Table, entry: Entry):
    """A row id from (source file, source line): deterministic, no sort needed."""
    files = sorted({f["name"] for f in entry.record["files"]} | {
        m for f in entry.record["files"] for m in f.get("members", [])})
    index = d.source_file.cases(*((name, i) for i, name in enumerate(files)), else_=len(files))
    return index.cast("int64") * 10_000_000_000 + d.source_line


def _fields(d: ibis.Table, codes: Codes) -> dict:
    days = d.dispdate.delta(d.filedate, unit="day")
    southwest = d.district.isin(sorted(idb_codes.southwest_border_districts()))
    values = {
        "fiscalyr": d.fiscalyr.cast("int16"),
        "district_code": _code(d.district, codes.districts),
        "circuit_code": _code(d.circuit, codes.circuits),
        "southwest": southwest.cast("int8"),
        "disp1": d.disp1.cast("int16"), "fcounsel": d.fcounsel.cast("int8"),
        "convicted": d.disp1.isin(sorted(idb_codes.conviction_codes())).fill_null(False).cast("int8"),
        "fofflvl1": d.fofflvl1.cast("int8"), "tofflvl1": d.tofflvl1.cast("int8"),
        "f_month": _month(d.filedate), "t_month": _month(d.termdate),
        # A disposition dated before its filing is a data error, not a fast case.
        "days": ibis.ifelse(days >= 0, days, ibis.null("int64")).cast("int32"),
        "pristot": d.pristot,
    }
    values.update({flag: d[flag].fill_null(0).cast("int8") for flag in FLAGS})
    return values


def facts_expression(d: ibis.Table, mapping: ibis.Table, codes: Codes) -> ibis.Table:
    slot_columns = {name.format(n=n) for fields in SLOT_FIELDS.values() for name in fields
                    for n in SLOTS}
    t = d.select(*(c for c in d.columns if c in _source_columns() or c in slot_columns))
    for basis, prefix in PREFIX.items():
        for n in SLOTS:
            # An unused slot (every field missing) is no charge: no bit. Slot 1 always
            # counts, as "unreadable" when nothing in it can be read.
            bit = ibis.ifelse(mapping.empty_slot, 0, mapping.bit) if n > 1 else mapping.bit
            by_offense = (mapping.rule == BY_OFFENSE_CODE).cast("int8")
            m = mapping.select(*KEYS, **{f"c{n}": mapping.category_code,
                                         f"s{n}": mapping.statute_code, f"b{n}": bit,
                                         f"o{n}": by_offense})
            keyed = t.mutate(**slot_keys(t, basis, n))
            t = keyed.left_join(m, list(KEYS)).select(*t.columns, f"c{n}", f"s{n}", f"b{n}",
                                                      f"o{n}")
        mask = t.b1
        for n in list(SLOTS)[1:]:
            mask = mask | t[f"b{n}"]
        t = t.mutate(**{f"{prefix}_charge": t.c1, f"{prefix}_statute": t.s1,
                        f"{prefix}_mask": mask.cast("int8"),
                        f"{prefix}_by_offense": t.o1.fill_null(0).cast("int8")})
        t = t.drop(*(f"{x}{n}" for x in "csbo" for n in SLOTS))
    coded = [f"{p}_{k}" for p in PREFIX.values()
             for k in ("charge", "statute", "mask", "by_offense")]
    return t.select(**_fields(t, codes), **{k: t[k] for k in coded})


@cache
def _source_columns() -> frozenset[str]:
    return frozenset(("fiscalyr", "district", "circuit", "disp1", "fcounsel", "fofflvl1",
                      "tofflvl1", "filedate", "termdate", "dispdate", "pristot",
                      "source_file", "source_line", *FLAGS))


def any_charges_expression(d: ibis.Table, mapping: ibis.Table, codes: Codes,
                           entry: Entry) -> ibis.Table:
    d = d.mutate(row_id=_row_id(d, entry))
    parts = []
    for basis in SLOT_FIELDS:
        for n in SLOTS:
            parts.append(d.select("row_id", basis=ibis.literal(basis), slot=ibis.literal(n),
                                  **slot_keys(d, basis, n)))
    stacked = parts[0]
    for part in parts[1:]:
        stacked = stacked.union(part, distinct=False)
    m = mapping.select(*KEYS, "category_code", "statute_code", "empty_slot")
    joined = stacked.join(m, list(KEYS))
    used = joined.filter((joined.slot == 1) | ~joined.empty_slot)
    slots = used.select("row_id", "basis", charge=used.category_code,
                        statute=used.statute_code).distinct()
    rows = d.select("row_id", **_fields(d, codes))
    return slots.join(rows, "row_id")


def table(release: Release, kind: str, d: ibis.Table, mapping: pa.Table,
          rules_sha: str) -> tuple[ibis.Table, Codes]:
    """The derived ``facts`` or ``any_charges`` table (built on first use) and its codes.

    Kept once per process and release: the engine holds ``facts`` in memory where
    it can (DuckDB), so repeated queries do not decode Parquet again.
    """
    def load() -> tuple[ibis.Table, Codes]:
        codes = codes_for(mapping)

        def build() -> pa.Table:  # only when the cache has no usable file
            coded = ibis.memtable(coded_mapping(mapping, codes))
            if kind == "facts":
                return release.engine.to_arrow(facts_expression(d, coded, codes))
            return release.engine.to_arrow(any_charges_expression(d, coded, codes,
                                                                  release.entry))

        loaded = release.derived(release.disk(rules_sha), kind, build,
                                 in_memory=kind == "facts")
        return loaded, codes

    return release.get((kind, rules_sha), load)
