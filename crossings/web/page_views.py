"""What each page shows: its blocks (API calls, charts) and figures, from its filters.

A view takes the app's state and the reader's :class:`Filters` (and the page's
own fields) and returns a :class:`View`; ``pages.py`` renders it as HTML or as
its JSON twin. Views never compute a number themselves: every figure is a
value of a result from ``page_data.run`` (the API's own function).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from crossings import charts
from crossings.charts import trends
from crossings.errors import InvalidRequest
from crossings.measures.charges import IMMIGRATION
from crossings.measures.query import choose
from crossings.web import page_data
from crossings.web.page_blocks import ApiCall, Block, make_block
from crossings.web.page_filters import CHARGE_NAMES, Filters, district_name

#: The three charges the project is about, in statute order.
MAIN_CHARGES = ("illegal_entry", "illegal_reentry", "alien_smuggling")
#: The what-if's charges until the reader picks others.
DEFAULT_HALT = ("illegal_entry", "illegal_reentry")
#: What the district map can be coloured by: measure -> (its value column, words).
MAP_MEASURES = {
    "filings": ("defendants", "defendants filed"),
    "terminations": ("defendants", "defendants whose cases ended"),
    "convictions": ("defendants", "defendants convicted"),
    "prison_years": ("prison_years", "years of prison imposed"),
}


@dataclass
class View:
    title: str
    template: str
    blocks: list[Block] = field(default_factory=list)
    #: Anything else the template shows (headline figures, notes), also in the JSON twin.
    extra: dict = field(default_factory=dict)


def charges_of(filters: Filters) -> str:
    """The charge filter as API text: the reader's charge, else the immigration charges."""
    return filters.charge or ",".join(IMMIGRATION)


def charge_words(filters: Filters) -> str:
    return CHARGE_NAMES[filters.charge] if filters.charge else "immigration charges"


def call(name: str, filters: Filters, **params) -> ApiCall:
    """``measures/name`` with the page's filters (``None`` drops one) and ``params``."""
    merged = {**filters.where(), "charge": charges_of(filters), **params}
    return ApiCall(f"measures/{name}", {k: v for k, v in merged.items() if v is not None})


def block(state, block_id: str, title: str, api: ApiCall, chart=None, **kwargs) -> Block:
    return make_block(block_id, title, api, page_data.run(state, api), chart, **kwargs)


# --- Overview ------------------------------------------------------------------------
def overview(state, filters: Filters, query) -> View:
    by_charge = call("filings", filters, by="fiscal_year,charge")
    total = call("filings", filters, by="fiscal_year", change="true")
    main = call("filings", filters, by="fiscal_year,charge", change="true",
                charge=",".join(MAIN_CHARGES))
    blocks = [
        block(state, "by-charge", f"Filings by charge ({charge_words(filters)})", by_charge,
              lambda r: charts.filings_by_charge(r, title="Filings by charge"),
              lede="Defendants filed each fiscal year, stacked by the charge category of "
                   "the lead charge."),
        block(state, "border", "Southwest border districts against the rest",
              call("filings", filters, by="fiscal_year,border", border=None),
              charts.border_vs_rest,
              lede="The five districts on the Mexican border (southern California, "
                   "Arizona, New Mexico, western and southern Texas) against every other."),
        block(state, "share", "Immigration's share of all federal criminal filings",
              call("filings", filters, by="fiscal_year,charge_group", charge=None,
                   share="true"),
              charts.immigration_share,
              lede="Each year's filings split into immigration, every other federal "
                   "charge, and charges that cannot be read."),
    ]
    totals = page_data.run(state, total)
    figures = [headline(f"All {charge_words(filters)}", totals.to_pylist(), totals.meta)]
    if not filters.charge:
        each = page_data.run(state, main)
        rows = each.to_pylist()
        figures += [headline(CHARGE_NAMES[c], [r for r in rows if r["charge"] == c],
                             each.meta) for c in MAIN_CHARGES]
    return View("Overview", "overview.html", blocks,
                {"headline": [f for f in figures if f],
                 "headline_api": {"json": total.url(), "csv": total.url("csv"),
                                  "by_charge": main.url()}})


def headline(label: str, rows: list[dict], meta) -> dict | None:
    """The latest full year's figure with its changes, and the partial year's so far."""
    partial = set(meta.partial_years)
    full = [r for r in rows if r["fiscal_year"] not in partial]
    if not full:
        return None
    latest = max(full, key=lambda r: r["fiscal_year"])
    after = [r for r in rows if r["fiscal_year"] in partial
             and r["fiscal_year"] > latest["fiscal_year"]]
    return {"label": label, "year": latest["fiscal_year"], "value": latest["defendants"],
            "changes": [{"years": back, "from_year": latest["fiscal_year"] - back,
                         "change": latest[f"change_{back}y"],
                         "change_pct": latest[f"change_{back}y_pct"]} for back in (1, 5)],
            "partial": ({"year": after[-1]["fiscal_year"], "value": after[-1]["defendants"],
                         "data_as_of": meta.data_as_of} if after else None)}


# --- Districts -------------------------------------------------------------------------
def districts(state, filters: Filters, query) -> View:
    if filters.district:
        return district_profile(state, filters)
    chosen = choose("map measure", query.get("measure") or "filings", tuple(MAP_MEASURES))
    value, words = MAP_MEASURES[chosen]
    by_district = call(chosen, filters, by="district")
    top = call(chosen, filters, by="district", sort=f"-{value}", top="15")
    kept = filters.query_string(measure=None if chosen == "filings" else chosen)
    link = "/districts?" + (f"{kept}&" if kept else "") + "district={district}"
    blocks = [
        block(state, "map", f"Districts by {words}", by_district,
              lambda r: charts.district_map(r, value=value, unit=words, link=link,
                                            geo_url=charts.GEO_STATIC_URL),
              lede="Click a district (or pick it from the list above) for its profile."),
        block(state, "top", f"The 15 districts with the most {words}", top,
              lambda r: charts.top_districts(r, value=value, unit=words,
                                             title=f"The 15 districts with the most {words}")),
    ]
    return View("Districts", "districts.html", blocks,
                {"map_measure": chosen, "map_measures": {k: v[1] for k, v in
                                                          MAP_MEASURES.items()}})


def district_profile(state, filters: Filters) -> View:
    name = district_name(filters.district)
    court = replace(filters, source="idb")
    only_court = "" if filters.source == "idb" else " (court file only: LIONS has no such measure)"
    national = call("filings", filters, by="fiscal_year,district", share="true",
                    district=None)
    share = page_data.run(state, national)
    blocks = [
        block(state, "trend", f"Filings in {name}", call("filings", filters,
              by="fiscal_year,charge"),
              lambda r: charts.filings_by_charge(r, title=f"Filings in {name}")),
        block(state, "outcomes", f"Outcomes{only_court}",
              call("dispositions", court, by="fiscal_year"), charts.outcomes,
              lede="Defendants whose cases ended each year: convicted, dismissed, acquitted."),
        block(state, "sentences", "Prison terms",
              call("sentences", filters, by="sentence_bracket"), charts.sentence_brackets,
              lede="Convicted defendants by the prison term imposed, over the years chosen."),
        block(state, "speed", f"Speed{only_court}", call("speed", court, by="fiscal_year"),
              charts.speed_days, lede="Days from filing to disposition."),
        make_block("share", f"{name}'s share of the national total", national, share,
                   lambda r: share_chart(r, filters.district, name),
                   rows=[r for r in share.to_pylist() if r["district"] == filters.district],
                   lede=share_sentence(share, filters.district)),
    ]
    return View(name, "district.html", blocks, {"district": filters.district,
                                                 "district_name": name})


def share_sentence(national, district: str) -> str:
    """The district's share in a sentence: "In FY2024, 32 of the nation's 104 filings..."."""
    partial = set(national.meta.partial_years)
    rows = national.to_pylist()
    mine = [r for r in rows if r["district"] == district and r["fiscal_year"] not in partial]
    if not mine:
        return "No filings of these charges in this district in the years chosen."
    latest = max(mine, key=lambda r: r["fiscal_year"])
    total = sum(r["defendants"] for r in rows if r["fiscal_year"] == latest["fiscal_year"])
    return (f"In FY{latest['fiscal_year']} (the latest full year shown), "
            f"{latest['defendants']:,} of the nation's {total:,} filings "
            f"({latest['share']:.1%}) were in this district.")


def share_chart(national, district: str, name: str) -> dict:
    """The district's share of each year's national total, as a line (its rows only)."""
    import pyarrow.compute as pc

    from crossings.measures import Result

    mine = national.table.filter(pc.equal(national.table["district"], district))
    return trends.columns_over_years(
        Result(mine, national.meta, keys=list(national.keys)),
        {"share": "Share of the national total"}, title=f"{name}: share of the nation",
        axis_title="Share of all filings", fmt=".0%", what="its share of the national total")


# --- Charges, Speed ------------------------------------------------------------------------
def charges(state, filters: Filters, query) -> View:
    court = replace(filters, source="idb")
    compared = filters.charge or ",".join(MAIN_CHARGES)
    words = charge_words(filters)
    blocks = [
        block(state, "trends", "Illegal entry, re-entry and smuggling",
              call("filings", filters, by="fiscal_year,charge", charge=compared),
              lambda r: charts.filings_by_charge(r, title="Filings by charge"),
              lede="Defendants filed under 8 U.S.C. 1325, 1326 and 1324 each fiscal year "
                   "(or the charge chosen)."),
        block(state, "plea-down", "From the charge at filing to the charge at the end",
              call("plea_down", court), charts.plea_down,
              lede="Terminated defendants by the charge they were filed under (rows) and the "
                   f"charge they left court with (columns), {words} at filing; court file."),
        block(state, "brackets", f"Sentence brackets ({words})",
              call("sentences", filters, by="sentence_bracket"), charts.sentence_brackets,
              lede="Convicted defendants by the prison term imposed, over the years chosen; "
                   "pick a charge above to see one alone."),
    ]
    return View("Charges", "blocks.html", blocks)


def speed(state, filters: Filters, query) -> View:
    blocks = [
        block(state, "by-year", "Days from filing to disposition",
              call("speed", filters, by="fiscal_year"), charts.speed_days,
              lede="The median and the slowest tenth (90th percentile) of terminated "
                   "defendants each year."),
        block(state, "within-a-day", "Disposed of within a day",
              call("speed", filters, by="fiscal_year"), charts.disposed_within_a_day,
              lede="The share of terminated defendants whose case ended within a day, and "
                   "within a week, of filing."),
    ]
    return View("Speed", "blocks.html", blocks)


# --- Two sources ----------------------------------------------------------------------------
def sources(state, filters: Filters, query) -> View:
    loaded = {r["source"] for r in page_data.loaded(state)}
    if "lions" not in loaded:
        return View("Two sources", "sources.html", [], {"lions_loaded": False})
    where = {**{k: v for k, v in filters.where().items() if k not in ("border", "source")},
             "charge": charges_of(filters)}
    by_year = ApiCall("reconcile", {**where, "by": "fiscal_year"})
    itemised = ApiCall("reconcile", {**where, "by": "fiscal_year,charge"})
    blocks = [
        block(state, "by-year", "Court file against prosecutors' data", by_year,
              charts.two_sources,
              lede="Each year's count in the court file, in the prosecutors' data for "
                   "district court, and in the prosecutors' data with magistrate-only cases."),
        block(state, "causes", "Where the difference comes from", by_year,
              charts.reconcile_causes,
              lede="The difference between the court file and the prosecutors' count, put "
                   "down to each named cause; what none explains is the residual."),
        block(state, "itemised", "The differences by charge", itemised, None),
    ]
    return View("Two sources", "sources.html", blocks, {"lions_loaded": True})


# --- Context ----------------------------------------------------------------------------
def context(state, filters: Filters, query) -> View:
    given = [c for text in query.getlist("halt") for c in text.split(",") if c.strip()]
    halt = [choose("charge", c, IMMIGRATION) for c in given or DEFAULT_HALT]
    share_served = _share_served(query.get("share_served"))
    years = {k: str(v) for k, v in (("from_year", filters.from_year),
                                     ("to_year", filters.to_year)) if v}
    source = {"source": filters.source} if filters.source != "idb" else {}
    per = ApiCall("measures/per_apprehension", {**years, **source, "by": "fiscal_year"})
    cost = ApiCall("measures/prison_cost", {**years, **source, "charge": ",".join(IMMIGRATION)})
    what_if = ApiCall("scenario", {"halt": ",".join(halt), **years, **source,
                                   "share_served": share_served})
    blocks = [
        block(state, "per-apprehension", "Prosecutions per apprehension", per,
              charts.per_apprehension,
              lede="Immigration filings in the five southwest border districts per 1,000 "
                   "Border Patrol Title 8 apprehensions at the southwest border."),
        block(state, "prison-years", "Prison years imposed", cost, charts.prison_years,
              lede="The prison terms imposed each year on defendants convicted of "
                   "immigration charges, added up in years (life counted as 470 months)."),
        block(state, "prison-cost", "What those prison years cost", cost,
              charts.prison_cost,
              lede="The same prison years priced at the Bureau of Prisons' cost of "
                   "incarceration fee of the year they were imposed (nominal dollars)."),
        block(state, "scenario", "What if these prosecutions stopped?", what_if, None),
    ]
    blocks[-1].lede = scenario_summary(blocks[-1].result.to_pylist(), halt)
    return View("Context", "context.html", blocks,
                {"halt": halt, "share_served": share_served})


def scenario_summary(rows: list[dict], halt: list[str]) -> str:
    """The what-if's national figures in a sentence a reader can quote (each year's)."""
    names = " and ".join(CHARGE_NAMES[c] for c in halt)
    said = []
    for r in (r for r in rows if r["district"] == "all"):
        share = (f" ({r['share_of_filings']:.1%} of all federal criminal filings)"
                 if r["share_of_filings"] is not None else "")
        cost = f", costing ${r['cost_usd']:,.0f}" if r.get("cost_usd") is not None else ""
        said.append(f"FY{r['fiscal_year']}: {r['halted_filings']:,} fewer defendants "
                    f"filed{share}, {r['convictions']:,} fewer convicted, "
                    f"{r['prison_years_served']:,.1f} fewer prison years served{cost}.")
    if not said:
        return ""
    return (f"Nationally, had {names} not been prosecuted, the records say: "
            + " ".join(said) + " The table gives each southwest border district too.")


def _share_served(text: str | None) -> str:
    if not text:
        return "1.0"
    try:
        share = float(text)
    except ValueError:
        raise InvalidRequest(f"share_served must be a fraction from 0 to 1, not {text!r}"
                             ) from None
    if not 0 < share <= 1:
        raise InvalidRequest(f"share_served must be more than 0 and at most 1, not {share}")
    return str(share)

