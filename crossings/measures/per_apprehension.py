"""``per_apprehension``: immigration filings in the five southwest border districts per
1,000 Southwest-border Title 8 apprehensions, by fiscal year (and charge, region).

The numerator is the ``filings`` measure (court file, or ``--source lions``
with the petty cases), ``border = southwest``, immigration charges only. The
denominator is the published Title 8 figure: before FY2020 the Southwest-border
total (every apprehension was Title 8), from FY2020 the Title 8 column where
published (FY2021 has none: null, with the reason). Title 42 expulsions are
shown beside it, never added. By region, the sum of the region's whole
sectors, through the last year of exact (all Title 8) sector counts.
"""

from __future__ import annotations

from crossings.context import border, series
from crossings.context.regions import region_of_district, regions
from crossings.measures import beside
from crossings.measures.charges import IMMIGRATION
from crossings.measures.query import choose, filter_values
from crossings.measures.result import Result

RULE = ("Filings (the filings measure, border = southwest, immigration charges) per 1,000 "
        "Southwest-border Title 8 apprehensions of the same fiscal year: the CBP "
        "Southwest-border total before FY2020 (all Title 8), the published Title 8 "
        "figure from FY2020, null where none is published; Title 42 expulsions beside, "
        "never added. By region: the filings of its districts per 1,000 apprehensions "
        "of its whole sectors, through FY{last} only.")
NO_DENOMINATOR = "FY{year}: no Title 8 denominator (null): {reason}"
ENCOUNTERS_APART = ("The encounter series is its own measure (encounters), never spliced onto "
                    "apprehensions.")


def title8(year: int) -> tuple[int | None, int | None, str | None, str | None]:
    """(Title 8 apprehensions, Title 42 expulsions, series, reason when null) of a year."""
    row = border.apprehensions().get(year)
    if row is None:
        return None, None, None, f"no Border Patrol figure for FY{year} in the shipped series"
    if row["series"] == "cbp_all_t8":  # all Title 8 before FY2020
        value = row["southwest_border"]
        return value, None, row["series"], (
            None if value is not None else f"no Southwest-border figure for FY{year}: "
            + (row["note"] or "not in the source"))
    if row["swb_title8_apprehensions"] is None:
        return (None, row["swb_title42_expulsions"], row["series"],
                series.fact("fy2021_title8_missing").statement if year == 2021 else
                f"no Southwest-border Title 8 figure published for FY{year}")
    return row["swb_title8_apprehensions"], row["swb_title42_expulsions"], row["series"], None


def per_apprehension(by=(), where: dict | None = None, **store_options) -> Result:
    from crossings.measures import measure

    wanted = beside.checked_by("per_apprehension", by or ("fiscal_year", "charge"))
    where = {k: v for k, v in (where or {}).items() if v is not None}
    beside.checked_years("per_apprehension", where)
    charges = [choose("charge", c, IMMIGRATION)
               for c in filter_values("charge", where.get("charge"))]
    count_by = [d for d in wanted if d != "region"] + (["district"] if "region" in wanted
                                                      else [])
    filings = measure("filings", by=count_by, store=store_options.pop("store", None),
                      where={**where, "border": "southwest",
                             "charge": charges or list(IMMIGRATION)}, **store_options)
    grouped = _grouped(filings.to_pylist(), wanted)
    rows, used = [], []
    for key, count in sorted(grouped.items(), key=lambda kv: tuple(str(v) for v in kv[0])):
        row = dict(zip(wanted, key, strict=True))
        row["filings"] = count
        row.update(_denominator(row, used))
        rows.append(row)
    types = {k: beside.INT if k == "fiscal_year" else beside.TEXT for k in wanted}
    # The denominator's series is named on each row; where it changes, a warning says so.
    out = beside.table(rows, {**types, "filings": beside.INT, "title8_apprehensions": beside.INT,
                              "filings_per_1000": beside.FLOAT,
                              "title42_expulsions": beside.INT, "series": beside.TEXT,
                              "note": beside.TEXT})
    meta = filings.meta
    file = border.SECTORS if "region" in wanted else border.APPREHENSIONS
    beside.add_context(meta, beside.cited(file, used))
    _describe(meta, wanted, rows)
    meta.warnings += beside.break_warnings(beside.with_breaks(rows, wanted))
    return Result(out, meta, keys=wanted)


def _grouped(rows: list[dict], wanted: list[str]) -> dict[tuple, int]:
    """Filings per key; by region, the districts' filings summed into their region."""
    out: dict[tuple, int] = {}
    for r in rows:
        values = {**r, "region": region_of_district(r.get("district", ""))}
        if "region" in wanted and values["region"] is None:
            continue  # only the five border districts are asked for
        key = tuple(values[k] for k in wanted)
        out[key] = out.get(key, 0) + r["defendants"]
    return out


def _denominator(row: dict, used: list) -> dict:
    year = row["fiscal_year"]
    if "region" in row:
        values, reason = beside.region_title8(year)
        value, t42, name = values[row["region"]], None, "cbp_all_t8"
        if reason is None:
            region = next(r for r in regions() if r.name == row["region"])
            used += [(year, border.sector_apprehensions()[(year, s)]["source"])
                     for s in region.sectors]
        else:
            name = None
    else:
        value, t42, name, reason = title8(year)
        if value is not None or t42 is not None:
            used.append((year, border.apprehensions()[year]["source"]))
    return {"title8_apprehensions": value, "title42_expulsions": t42, "series": name,
            "filings_per_1000": 1000 * row["filings"] / value if value else None,
            "note": reason}


def _describe(meta, wanted: list[str], rows: list[dict]) -> None:
    last = border.exact_sector_years()[-1]
    meta.measure = "per_apprehension"
    meta.summary = beside.CONTEXT_MEASURES["per_apprehension"].summary
    meta.by = wanted
    meta.rule = RULE.format(last=last)
    meta.columns = {
        "filings": "defendants filed in the southwest border districts (41, 42, 70, 74, 84)",
        "title8_apprehensions": "Southwest-border (or the region's sectors') Title 8 "
                                "apprehensions, as published",
        "filings_per_1000": "filings / title8_apprehensions x 1,000",
        "title42_expulsions": "Title 42 expulsions, beside (never added)",
        "series": "the apprehension series of the denominator",
        "note": "why a denominator is null"}
    meta.notes = [series.fact("title8_before_fy2020").statement,
                  series.fact("title42_not_added").statement,
                  ENCOUNTERS_APART]
    if "region" in wanted:
        meta.notes.append(series.fact("sectors_not_districts").statement)
        meta.notes.append(beside.region_note())
    missing = sorted({r["fiscal_year"] for r in rows if r["title8_apprehensions"] is None})
    if "region" in wanted and any(y > last for y in missing):
        meta.warnings.append(beside.REGION_WARNING)
    for year in (y for y in missing if "region" not in wanted or y <= last):
        reason = next(r["note"] for r in rows if r["fiscal_year"] == year)
        meta.warnings.append(NO_DENOMINATOR.format(year=year, reason=reason))
