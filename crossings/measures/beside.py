"""Published series beside the counts: apprehensions, encounters, removals, and the
measures that set them against prosecutions (per_apprehension) and prison terms
against their cost (prison_cost).

The series come from ``crossings.context`` (shipped tables, never the store).
Every row names its series; a series change is flagged on the row where it
happens (``series_break``); a figure a series lacks is null with the reason in
``note``; every figure's source is in ``meta.sources``, keyed by file and years.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyarrow as pa

from crossings.context import border, series
from crossings.errors import InvalidRequest
from crossings.measures.meta import FileRef, Meta, Provenance
from crossings.measures.query import FILTERS, _year, choose
from crossings.measures.result import Result
from crossings.version import __version__

CONTEXT_SOURCE = "context"
CITATION = "published series shipped with crossings {version} (crossings/context/data/README.md)"


@dataclass(frozen=True)
class ContextMeasure:
    name: str
    summary: str
    dimensions: tuple[str, ...]  # what --by accepts (fiscal_year is always a key)
    filters: tuple[str, ...] = ("from_year", "to_year")
    store: bool = False  # does it also count from the store?


CONTEXT_MEASURES = {m.name: m for m in (
    ContextMeasure("apprehensions", "Border Patrol apprehensions (CBP), nationwide, "
                   "Southwest border, by sector or border region",
                   ("fiscal_year", "sector", "region")),
    ContextMeasure("encounters", "Border Patrol encounters (DHS OHSS, rounded to 10), "
                   "by border or sector", ("fiscal_year", "sector")),
    ContextMeasure("removals", "DHS removals and returns (Yearbook, then OHSS; ICE apart)",
                   ("fiscal_year",)),
    ContextMeasure("per_apprehension", "immigration filings in the five southwest border "
                   "districts per 1,000 Southwest-border Title 8 apprehensions",
                   ("fiscal_year", "charge", "region"), ("from_year", "to_year", "charge"),
                   store=True),
    ContextMeasure("prison_cost", "prison years imposed, priced at the BOP cost of "
                   "incarceration fee of the sentencing year", (), FILTERS, store=True),
)}
NAMES = tuple(CONTEXT_MEASURES)


# --- requests -------------------------------------------------------------------------
def checked_by(name: str, by) -> list[str]:
    """``by`` with fiscal_year first: every series is annual."""
    spec = CONTEXT_MEASURES[name]
    wanted = [v.strip() for v in by.split(",")] if isinstance(by, str) else list(by or ())
    out = [choose(f"dimension for {name}", d, spec.dimensions) for d in wanted if d]
    if len(set(out)) != len(out):
        raise InvalidRequest("a dimension is repeated in --by", parameter="by",
                             value=",".join(out))
    return ["fiscal_year", *(d for d in out if d != "fiscal_year")]


def checked_years(name: str, where: dict | None) -> tuple[int | None, int | None]:
    where = {k: v for k, v in (where or {}).items() if v not in (None, "", [], ())}
    allowed = CONTEXT_MEASURES[name].filters
    unknown = sorted(set(where) - set(allowed))
    if unknown:
        raise InvalidRequest(f"{name} takes no filter {', '.join(unknown)}; it takes: "
                             f"{', '.join(allowed)}", parameter=unknown[0],
                             value=where[unknown[0]], allowed=allowed)
    first, last = _year(where.get("from_year"), "from_year"), _year(where.get("to_year"),
                                                                    "to_year")
    if first is not None and last is not None and first > last:
        raise InvalidRequest(f"from_year {first} is after to_year {last}",
                             parameter="from_year", value=first)
    return first, last


def in_years(year: int, years: tuple[int | None, int | None]) -> bool:
    return (years[0] is None or year >= years[0]) and (years[1] is None or year <= years[1])


# --- provenance ---------------------------------------------------------------------------
def span(years) -> str:
    """1996, 1997, 1998, 2001 -> 'FY1996-FY1998, FY2001'."""
    years = sorted(set(years))
    parts, start = [], None
    for i, y in enumerate(years):
        start = y if start is None else start
        if i + 1 == len(years) or years[i + 1] != y + 1:
            parts.append(f"FY{start}" if start == y else f"FY{start}-FY{y}")
            start = None
    return ", ".join(parts)


def cited(file: str, used: list[tuple[int, str]]) -> dict[str, Provenance]:
    """One provenance per source text of ``file``, keyed ``file FY...`` (the years it gave)."""
    ref = series.file_ref(file)
    by_source: dict[str, list[int]] = {}
    for year, source in used:
        by_source.setdefault(source, []).append(year)
    return {f"{file} {span(years)}": Provenance(
        source=CONTEXT_SOURCE, release=f"crossings {__version__}",
        files=[FileRef(ref.name, ref.size, ref.sha256)], data_as_of=None, synthetic=False,
        citation=source) for source, years in by_source.items()}


def context_citation(sources: dict[str, Provenance]) -> str:
    texts = dict.fromkeys(p.citation for p in sources.values()
                          if p.source == CONTEXT_SOURCE)
    return (CITATION.format(version=__version__) + ": " + "; ".join(
        f"{key}: {p.citation}" for key, p in sources.items() if p.source == CONTEXT_SOURCE)
            if texts else "")


#: What each column of a series measure holds (``meta.columns``).
COLUMN_TEXT = {
    "series": "the published series the row's figures come from",
    "series_break": "true where the series differs from the year before's",
    "note": "the source's note, or why a figure is null",
    "nationwide": "Border Patrol, all borders", "southwest_border": "Border Patrol, "
    "Southwest border (FY2020-FY2023: Title 8 apprehensions plus Title 42 expulsions)",
    "swb_title8_apprehensions": "Southwest border, Title 8 apprehensions (from FY2020)",
    "swb_title42_expulsions": "Southwest border, Title 42 expulsions (beside, never added)",
    "apprehensions": "the sector's (or region's whole sectors') apprehensions",
    "districts": "the court-file districts the region's sectors border",
    "sectors": "the Border Patrol sectors allocated whole to the region",
    "encounters": "OHSS encounters, rounded to the nearest 10",
    "removals": "removals (compulsory departures under an order)",
    "returns": "returns (Yearbook: departures not under an order)",
}
COVERAGE = {
    "apprehensions": ("Border Patrol (between ports of entry) only: CBP Office of Field "
                      "Operations inadmissibles at ports are excluded; counts are events, not "
                      "people (someone caught three times counts three times).",),
    "removals": ("DHS-wide removals and returns; ICE's own removals only with --series ice. "
                 "Series are never added together.",),
}
COVERAGE["encounters"] = COVERAGE["apprehensions"]
AS_PRINTED = ("Published figures as printed, not counted by crossings "
              "(crossings/context/data/README.md).")
SERIES_BREAK = ("The series changes in FY{years} (series_break): compare years across a break "
                "with care.")
NO_TITLE8_FIGURE = "FY{year}: no Southwest-border Title 8 figure (null): {reason}"
YEAR_NULL = "FY{year}: {reason}"
SERIES_NOTE = "series {name}: {text}"
REGIONS_NOTE = "Regions: {regions}"


def context_meta(name: str, by: list[str], years, sources: dict[str, Provenance],
                 rule: str, columns: list[str] = ()) -> Meta:
    files = {f.name: f for p in sources.values() for f in p.files}
    return Meta(coverage=[*COVERAGE.get(name, ()), AS_PRINTED],
                columns={c: COLUMN_TEXT[c] for c in columns if c in COLUMN_TEXT},measure=name, summary=CONTEXT_MEASURES[name].summary, source=CONTEXT_SOURCE,
                release=None, files=list(files.values()), data_as_of=None, synthetic=False,
                citation=context_citation(sources), engine="none (shipped tables)",
                rule=rule, by=by, sources=sources,
                where={k: v for k, v in (("from_year", years[0]), ("to_year", years[1]))
                       if v is not None})


def add_context(meta: Meta, sources: dict[str, Provenance]) -> None:
    """A store result's meta with the context series it was set beside."""
    meta.sources.update(sources)
    known = {f.name for f in meta.files}
    for p in sources.values():
        for f in p.files:
            if f.name not in known:
                meta.files.append(f)
                known.add(f.name)
    meta.citation = f"{meta.citation}; beside {context_citation(sources)}"


def with_breaks(rows: list[dict], keys: list[str]) -> list[dict]:
    """``series_break``: True where a row's series differs from the year before's
    (within the same other keys); rows sorted by keys, fiscal_year first."""
    last: dict[tuple, str | None] = {}
    for r in rows:
        group = tuple(r[k] for k in keys if k != "fiscal_year")
        before = last.get(group)
        r["series_break"] = bool(before and r["series"] and r["series"] != before)
        if r["series"]:
            last[group] = r["series"]
    return rows


def table(rows: list[dict], types: dict[str, pa.DataType]) -> pa.Table:
    return pa.table({c: pa.array([r.get(c) for r in rows], t) for c, t in types.items()})


INT, FLOAT, TEXT, BOOL = pa.int64(), pa.float64(), pa.string(), pa.bool_()


# --- apprehensions ------------------------------------------------------------------------
def apprehensions(by: list[str], years) -> Result:
    if "sector" in by and "region" in by:
        raise InvalidRequest("apprehensions: --by sector or region, not both")
    if "sector" in by:
        return _sector_apprehensions(by, years)
    if "region" in by:
        return _region_apprehensions(by, years)
    data = [r for y, r in sorted(border.apprehensions().items()) if in_years(y, years)]
    rows = with_breaks([{**r} for r in data], by)
    out = table(rows, {"fiscal_year": INT, "series": TEXT, "nationwide": INT,
                       "southwest_border": INT, "swb_title8_apprehensions": INT,
                       "swb_title42_expulsions": INT, "series_break": BOOL, "note": TEXT})
    sources = cited(border.APPREHENSIONS, [(r["fiscal_year"], r["source"]) for r in data])
    meta = context_meta("apprehensions", by, years, sources, APPREHENSION_RULE,
                        out.column_names)
    meta.notes = [*_series_notes(rows), series.fact("title8_before_fy2020").statement,
                  series.fact("title42_not_added").statement]
    meta.warnings = break_warnings(rows) + [
        NO_TITLE8_FIGURE.format(year=r["fiscal_year"],
                                reason=series.fact("fy2021_title8_missing").statement)
        for r in rows
        if r["series"] == "cbp_t8+t42" and r["swb_title8_apprehensions"] is None]
    return Result(out, meta, keys=by)


APPREHENSION_RULE = ("As published: CBP's Border Patrol apprehensions by fiscal year "
                     "(nationwide from FY1925, Southwest border from FY1960); FY2020-FY2023 "
                     "totals are encounters (Title 8 apprehensions plus Title 42 expulsions) "
                     "with the split in its own columns where published. Nothing is "
                     "estimated or filled.")


def _sector_apprehensions(by: list[str], years) -> Result:
    data = [r for (y, _), r in sorted(border.sector_apprehensions().items())
            if in_years(y, years)]
    rows = with_breaks(sorted(({**r} for r in data),
                              key=lambda r: (r["fiscal_year"], r["sector"])), by)
    out = table(rows, {"fiscal_year": INT, "sector": TEXT, "series": TEXT,
                       "apprehensions": INT, "series_break": BOOL})
    sources = cited(border.SECTORS, [(r["fiscal_year"], r["source"]) for r in data])
    meta = context_meta("apprehensions", by, years, sources, APPREHENSION_RULE,
                        out.column_names)
    meta.notes = _series_notes(rows) + [series.fact("sectors_include_title42").statement]
    meta.warnings = break_warnings(rows)
    return Result(out, meta, keys=by)


def region_title8(year: int) -> tuple[dict[str, int | None], str | None]:
    """Region -> its sectors' Title 8 apprehensions in ``year``, or nulls with the reason."""
    from crossings.context.regions import regions

    if year not in border.exact_sector_years():
        return {r.name: None for r in regions()}, series.fact("sectors_include_title42").statement
    sectors = border.sector_apprehensions()
    return {r.name: sum(sectors[(year, s)]["apprehensions"] for s in r.sectors)
            for r in regions()}, None


def _region_apprehensions(by: list[str], years) -> Result:
    from crossings.context.regions import regions

    sector_years = sorted({y for (y, _) in border.sector_apprehensions() if in_years(y, years)})
    rows, used = [], []
    for year in sector_years:
        values, reason = region_title8(year)
        for region in regions():
            rows.append({"fiscal_year": year, "region": region.name,
                         "districts": "+".join(region.districts),
                         "series": "cbp_all_t8" if reason is None else None,
                         "apprehensions": values[region.name], "note": reason})
        if reason is None:
            used += [(year, border.sector_apprehensions()[(year, s)]["source"])
                     for r in regions() for s in r.sectors]
    # No break to mark: every region row is the exact CBP series, or null (the note says why).
    out = table(rows, {"fiscal_year": INT, "region": TEXT, "districts": TEXT, "series": TEXT,
                       "apprehensions": INT, "note": TEXT})
    meta = context_meta("apprehensions", by, years, cited(border.SECTORS, used),
                        APPREHENSION_RULE + " By region: the sum of its whole sectors.",
                        out.column_names)
    meta.notes = [series.fact("sectors_not_districts").statement, region_note()]
    if any(r["note"] for r in rows):
        meta.warnings = [REGION_WARNING]
    return Result(out, meta, keys=by)


def region_note() -> str:
    from crossings.context.regions import regions

    return REGIONS_NOTE.format(regions="; ".join(
        f"{r.name} = districts {'+'.join(r.districts)}, sectors {', '.join(r.sectors)}"
        for r in regions()))


REGION_WARNING = ("By border region through FY2019 only: sector counts from FY2020 include "
                  "Title 42 expulsions (and are rounded), so later years are null.")


def _series_notes(rows: list[dict]) -> list[str]:
    names = dict.fromkeys(r["series"] for r in rows if r["series"])
    return [SERIES_NOTE.format(name=n, text=border.SERIES_TEXT[n]) for n in names]


def break_warnings(rows: list[dict]) -> list[str]:
    breaks = sorted({r["fiscal_year"] for r in rows if r["series_break"]})
    return [SERIES_BREAK.format(years=", FY".join(map(str, breaks)))] if breaks else []


# --- encounters -----------------------------------------------------------------------------
def encounters(by: list[str], years) -> Result:
    rule = ("As published: DHS OHSS encounters (USBP), one consistent series FY2000-FY2024, "
            "each cell rounded to the nearest 10 (so sectors need not sum to regions).")
    if "sector" in by:
        data = [r for r in border.sector_encounters() if in_years(r["fiscal_year"], years)]
        rows = sorted(({**r, "series_break": False} for r in data),
                      key=lambda r: (r["fiscal_year"], r["region"], r["sector"]))
        out = table(rows, {"fiscal_year": INT, "region": TEXT, "sector": TEXT, "state": TEXT,
                           "series": TEXT, "encounters": INT, "series_break": BOOL})
        file = border.ENCOUNTER_SECTORS
    else:
        data = [r for y, r in sorted(border.encounters().items()) if in_years(y, years)]
        rows = [{**r, "series_break": False} for r in data]
        out = table(rows, {"fiscal_year": INT, "series": TEXT, "nationwide": INT,
                           "southwest_land_border": INT, "northern_land_border": INT,
                           "coastal_border": INT, "series_break": BOOL})
        file = border.ENCOUNTERS
    meta = context_meta("encounters", by, years,
                        cited(file, [(r["fiscal_year"], r["source"]) for r in data]), rule,
                        out.column_names)
    meta.notes = [*_series_notes(rows), series.fact("encounters_own_series").statement]
    return Result(out, meta, keys=by)


# --- removals -------------------------------------------------------------------------------
def removals(by: list[str], years, chosen: str | None) -> Result:
    chosen = choose("removal series", chosen or "dhs", border.REMOVAL_CHOICES,
                    parameter="series")
    if chosen == "dhs":
        rows, used = _dhs_removals(years)
    else:
        data = border.removals(border.ICE if chosen == "ice" else chosen)
        rows = [{**r} for y, r in sorted(data.items()) if in_years(y, years)]
        used = [(r["fiscal_year"], r["source"]) for r in rows]
    rows = with_breaks(rows, by)
    out = table(rows, {"fiscal_year": INT, "series": TEXT, "removals": INT, "returns": INT,
                       "enforcement_returns": INT, "administrative_returns": INT,
                       "title42_expulsions": INT, "total_repatriations": INT,
                       "series_break": BOOL, "note": TEXT})
    rule = ("DHS removals: the Yearbook 2019 Table 39 through FY2019, then the OHSS monthly "
            "tables (August 2024) from FY2020, a break between; a year neither has is null. "
            "--series ice: ICE's own removals only. Series are never added together."
            if chosen == "dhs" else f"As published: the {chosen} series alone.")
    meta = context_meta("removals", by, years, cited(border.REMOVALS, used), rule,
                        out.column_names)
    meta.options = {"series": chosen}
    meta.notes = [series.fact("ice_only" if chosen == "ice" else "removals_break").statement]
    meta.warnings = break_warnings(rows) + [
        YEAR_NULL.format(year=r["fiscal_year"], reason=r["note"]) for r in rows
        if r["series"] is None]
    return Result(out, meta, keys=by)


def _dhs_removals(years) -> tuple[list[dict], list[tuple[int, str]]]:
    yearbook, ohss = border.removals(border.YEARBOOK), border.removals(border.OHSS_REMOVALS)
    last_yearbook = max(yearbook)
    first, last = border.removal_years()
    rows, used = [], []
    for year in range(first, last + 1):
        if not in_years(year, years):
            continue
        found = yearbook.get(year) if year <= last_yearbook else ohss.get(year)
        if found is None:
            rows.append({"fiscal_year": year, "series": None,
                         "note": series.fact("removals_fy2024_missing").statement
                         if year > max(ohss) else "no DHS-wide removal figure published"})
            continue
        rows.append({**found})
        used.append((year, found["source"]))
    return rows, used


# --- the entry point -----------------------------------------------------------------------
def measure(name: str, by=(), where: dict | None = None, *, series_name: str | None = None,
            share_served: float = 1.0, **store_options) -> Result:
    """A context measure (``NAMES``); ``store_options`` go to the store measures used."""
    years = checked_years(name, where)
    if series_name is not None and name != "removals":
        raise InvalidRequest("--series applies to removals only")
    if share_served != 1.0 and name != "prison_cost":
        raise InvalidRequest("--share-served applies to prison_cost (and scenario) only")
    if not CONTEXT_MEASURES[name].store:
        _no_store_options(name, store_options)
    runners: dict[str, Callable[[], Result]] = {
        "apprehensions": lambda: apprehensions(checked_by(name, by), years),
        "encounters": lambda: encounters(checked_by(name, by), years),
        "removals": lambda: removals(checked_by(name, by), years, series_name),
    }
    if name in runners:
        return runners[name]()
    if name == "per_apprehension":
        from crossings.measures.per_apprehension import per_apprehension

        return per_apprehension(by, where, **store_options)
    from crossings.measures.prison_cost import prison_cost

    return prison_cost(by, where, share_served=share_served, **store_options)


def _no_store_options(name: str, options: dict) -> None:
    defaults = {"source": "idb", "release": None, "transfers": "exclude",
                "charge_basis": "default", "any_charge": False, "charges_file": None}
    given = [k for k, v in options.items() if k in defaults and v != defaults[k]]
    if given:
        raise InvalidRequest(f"{name} is a published series, not counted from the store: "
                             f"{', '.join('--' + g.replace('_', '-') for g in given)} "
                             "does not apply")
