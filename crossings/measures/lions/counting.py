"""The prosecutors' measures (LIONS), written once in Ibis like the court file's.

Counting rules (docs/methodology.md, "The prosecutors' data"):

* criminal cases only (CLASS ``R``); a defendant is a participant whose ROLE
  starts with ``D`` (the redacted ``D*`` included);
* a defendant's filing is the earliest FILING_DATE among their magistrate
  (``MG``) and district (``DC``) court histories, reached through GS_PART_COURT
  (a case moved from magistrate to district court is dated by its magistrate
  filing); a defendant with no such dated filing is not a filing;
* ``court`` is ``magistrate_only`` without a dated district-court filing;
* the charge is the category of the case's LEAD_CHARGE (shared by every
  defendant of the case), or with ``--any-charge`` of each of the defendant's
  own counts (GS_PART_COUNT);
* a proceeding (a defendant's court history, through GS_PART_COURT) ends with
  its latest dated disposition among the outcomes (GT, NC, GD, NG, ND, DJ, DM,
  NB), the declinations (DE, ID) and the closing codes (OC, RE, TR); on the
  same date a guilty outcome (GT, NC, GD) wins over any other outcome, and an
  outcome over a closing code. PC, NW and CW are administrative: they never
  end a proceeding or replace an outcome. OE (opened in error) makes the
  proceeding count nowhere, its filing included;
* a termination is how the defendant's district-court proceeding ended (their
  magistrate one when no district-court proceeding has ended), dated by its
  DISP_DATE; transfers (``TR``) are not terminations; convictions are GT and NC;
* sentences: the latest GS_SENTENCE; years x 12 + months + days / 30.4375;
  life and death 470 months; time served (TIM) 0 further months; a sentence
  with no incarceration but probation or a fine is 0 months.
"""

from __future__ import annotations

import ibis
import pyarrow as pa

from crossings.codebook import geo
from crossings.codebook import idb as idb_codes
from crossings.codebook.tables import read_table
from crossings.fiscal import fiscal_year_column
from crossings.measures import brackets, ytd
from crossings.measures.charges import (
    CATEGORIES,
    ChargeRules,
    charge_group,
    classify_lions,
    lions_statute,
)
from crossings.measures.query import Query

DEFENDANT_KEY = ("district", "caseid", "partid")
CASE_KEY = ("district", "caseid")
IMMIGRATION_PROGRAM = "055"
GUAM_AND_NMI = "93+94"
TRANSFER = "TR"
#: LIONS criminal dispositions that are convictions: guilty (GT) and nolo contendere (NC).
CONVICTIONS = ("GT", "NC")
#: Outcomes that are guilty (GD: adjudged juvenile delinquent is guilty, not a conviction).
GUILTY = ("GT", "NC", "GD")
#: Dispositions that end a proceeding (Appendix A, criminal section).
OUTCOMES = ("GT", "NC", "GD", "NG", "ND", "DJ", "DM", "NB")
DECLINATIONS = ("DE", "ID")  # no conviction; counted apart in data_quality
CLOSINGS = ("OC", "RE", "TR")
ENDING = (*OUTCOMES, *DECLINATIONS, *CLOSINGS)
#: Administrative entries: they never end a proceeding or replace an outcome.
ADMINISTRATIVE = ("PC", "NW", "CW")
#: Opened in error: the proceeding counts nowhere, its filing included.
OPENED_IN_ERROR = "OE"
LIFE_OR_DEATH = ("LIF", "DET")
TIME_SERVED = "TIM"
DIED_BEFORE_SENTENCE = "DBS"
LIFE_MONTHS = 470
DAYS_PER_MONTH = 30.4375
OFFENSE_RANK = {"F": 3, "M": 2, "P": 1}


def defendants(t: dict) -> ibis.Table:
    """Defendants of criminal cases, with their case's lead charge."""
    cases = t["cases"].filter(t["cases"]["class"] == "R")
    parts = t["participants"]
    defs = parts.filter(parts.role.startswith("D"))
    return defs.join(cases.select(*CASE_KEY, "lead_charge"), list(CASE_KEY)).select(
        *DEFENDANT_KEY, "role", "country", "lead_charge")


def opened_in_error(t: dict) -> ibis.Table:
    """(defendant, court history) pairs with an OE disposition: they count nowhere."""
    pc = t["part_courts"]
    oe = pc.filter(pc.disposition == OPENED_IN_ERROR)
    return oe.select(*DEFENDANT_KEY, "crthisid").distinct()


def proceedings(t: dict) -> ibis.Table:
    """GS_PART_COURT without the proceedings opened in error."""
    return t["part_courts"].anti_join(opened_in_error(t), [*DEFENDANT_KEY, "crthisid"])


def filing_dates(t: dict) -> ibis.Table:
    """Per defendant: earliest magistrate, district and overall filing date."""
    hist = t["court_histories"]
    links = proceedings(t).select(*DEFENDANT_KEY, "crthisid")
    joined = links.join(hist.filter(hist.court.isin(["MG", "DC"]) & hist.filing_date.notnull()),
                        [*CASE_KEY, "crthisid"])
    return joined.group_by(list(DEFENDANT_KEY)).aggregate(
        mg_date=joined.filing_date.min(where=joined.court == "MG"),
        dc_date=joined.filing_date.min(where=joined.court == "DC"),
        filed=joined.filing_date.min())


def terminations(t: dict) -> ibis.Table:
    """Per defendant: the disposition ending their district (else magistrate) proceeding.

    Only the ending codes count (administrative entries such as a post-disposition
    PC after a guilty verdict never replace it); the latest date wins; on one date
    a guilty outcome beats any other, an outcome (or declination) a closing code.
    """
    hist = t["court_histories"].select(*CASE_KEY, "crthisid", "court")
    j = proceedings(t).join(hist, [*CASE_KEY, "crthisid"])
    j = j.filter(j.court.isin(["MG", "DC"]) & j.disposition.isin(list(ENDING))
                 & j.disp_date.notnull())
    weight = ibis.ifelse(j.disposition.isin(list(GUILTY)), 3,
                         ibis.ifelse(j.disposition.isin(list(CLOSINGS)), 1, 2))
    j = j.mutate(rank=ibis.ifelse(j.court == "DC", 2, 1), weight=weight)
    for column in ("rank", "disp_date", "weight"):  # the best of each, in this order
        best = j.group_by(list(DEFENDANT_KEY)).aggregate(_best=j[column].max())
        j = j.join(best, list(DEFENDANT_KEY)).filter(lambda r, c=column: r[c] == r._best)
        j = j.drop("_best")
    # Two codes of the same weight on the same day: the first in order decides.
    return j.group_by(list(DEFENDANT_KEY)).aggregate(
        disposition=j.disposition.min(), ended=j.disp_date.max())


def agencies(t: dict) -> ibis.Table:
    """Per case: the investigative agency (``multiple``; ``none`` when absent)."""
    parts = t["participants"]
    inv = parts.filter(parts.role == "IN")
    per = inv.group_by(list(CASE_KEY)).aggregate(
        n=inv.agency.nunique(), first=inv.agency.min())
    return per.select(*CASE_KEY, agency=ibis.ifelse(per.n > 1, "multiple", per.first))


def programs(t: dict) -> ibis.Table:
    p = t["program_categories"]
    per = p.group_by(list(CASE_KEY)).aggregate(
        immigration=(p.prog_cat == IMMIGRATION_PROGRAM).any())
    return per.select(*CASE_KEY, program=ibis.ifelse(per.immigration, "immigration", "other"))


def offense_levels(t: dict) -> ibis.Table:
    """Per defendant: the most serious CATEGORY among their counts (F, M, P)."""
    pc = t["part_counts"]
    rank = pc.category.cases(*OFFENSE_RANK.items(), else_=0)
    per = pc.group_by(list(DEFENDANT_KEY)).aggregate(rank=rank.max())
    labels = {r["code"]: r["description"] for r in read_table("lions", "charge-categories.csv")}
    label = per["rank"].cases(*((v, labels[k]) for k, v in OFFENSE_RANK.items()),
                              else_="unknown")
    return per.select(*DEFENDANT_KEY, offense_level=label)


def charge_map(values: list[str | None], rules: ChargeRules) -> pa.Table:
    """Distinct charge strings with their category and statute (the small join table)."""
    keys = sorted({v or "" for v in values})
    cats = [classify_lions(v or None, rules) for v in keys]
    statutes = []
    for v in keys:
        found = lions_statute(v or None, rules)
        statutes.append(found.key if found else "unknown")
    return pa.table({"k_charge": keys, "category": cats, "statute": statutes})


def district_map() -> pa.Table:
    """LIONS district code -> court-file code, circuit and border (Guam with NMI)."""
    rows = read_table("geo", "districts-geo-key.csv")
    southwest = idb_codes.southwest_border_districts()
    codes, idb_district_codes, circuits, borders = [], [], [], []
    for r in rows:
        code = GUAM_AND_NMI if r["lions_code"] in ("GU", "NMI") else r["fjc_district"]
        codes.append(r["lions_code"])
        idb_district_codes.append(code)
        circuits.append(r["fjc_circuit"])
        borders.append("southwest" if r["fjc_district"] in southwest else "other")
    return pa.table({"lions_district": codes, "fjc_district": idb_district_codes, "circuit": circuits,
                     "border": borders})


def lions_districts(idb_district_codes: tuple[str, ...]) -> list[str]:
    """The LIONS codes behind court-file district codes (93 and 94 are both GU)."""
    by_idb = geo.lions_code_by_idb_district()
    out = set()
    for code in idb_district_codes:
        if code in ("93", "94", GUAM_AND_NMI):
            out.add("GU")
        elif code in by_idb:
            out.add(by_idb[code])
    return sorted(out)


def base(q: Query, t: dict, charges: ibis.Table, districts: ibis.Table,
         cut: int | None = None) -> ibis.Table:
    """One row per defendant the measure counts, with every dimension's value."""
    d = defendants(t)
    d = d.join(districts, d.district == districts.lions_district).drop("lions_district")
    if q.measure == "filings":
        f = filing_dates(t)
        d = d.join(f, list(DEFENDANT_KEY))
        d = d.mutate(date=d.filed, court=ibis.ifelse(d.dc_date.isnull(), "magistrate_only",
                                                       "district"))
    else:
        e = terminations(t)
        d = d.join(e, list(DEFENDANT_KEY))
        d = d.filter(d.disposition != TRANSFER)
        if q.spec.convicted_only:
            d = d.filter(d.disposition.isin(list(CONVICTIONS)))
        f = filing_dates(t)
        d = d.left_join(f, list(DEFENDANT_KEY)).select(d, f.dc_date)
        d = d.mutate(date=d.ended, court=ibis.ifelse(d.dc_date.isnull(), "magistrate_only",
                                                       "district"))
    d = d.mutate(fiscal_year=fiscal_year_column(d.date))
    return _filters(q, d, cut)


def _filters(q: Query, d: ibis.Table, cut: int | None = None) -> ibis.Table:
    if cut is not None:  # --ytd: October through the cut month of each fiscal year
        d = d.filter(ytd.fiscal_month(d.date.month()) <= ytd.fiscal_month(cut))
    if q.from_year is not None:
        d = d.filter(d.fiscal_year >= q.from_year)
    if q.to_year is not None:
        d = d.filter(d.fiscal_year <= q.to_year)
    if q.districts:
        d = d.filter(d.district.isin(lions_districts(q.districts)))
    if q.border is not None:
        d = d.filter(d.border == q.border)
    return d


def with_charges(q: Query, d: ibis.Table, t: dict, mapping: ibis.Table) -> ibis.Table:
    """``d`` with ``charge`` and ``statute``: the case lead charge, or each own count."""
    m = mapping.select("k_charge", charge=mapping.category, statute=mapping.statute)
    if not q.any_charge:
        keyed = d.mutate(k_charge=d.lead_charge.fill_null(""))
        return keyed.left_join(m, "k_charge").select(d, m.charge, m.statute)
    counts = t["part_counts"].select(*DEFENDANT_KEY, k_charge=t["part_counts"].charge.fill_null(
        "")).distinct()
    own = counts.join(m, "k_charge").select(*DEFENDANT_KEY, "charge", "statute")
    joined = d.left_join(own, list(DEFENDANT_KEY)).select(d, own.charge, own.statute)
    # A defendant without counts has no charge to read: shown, not guessed.
    return joined.mutate(charge=joined.charge.fill_null("unreadable"),
                         statute=joined.statute.fill_null("unknown"))


def with_dimensions(q: Query, d: ibis.Table, t: dict, release: str) -> ibis.Table:
    wanted = set(q.by)
    if "agency" in wanted:
        a = agencies(t)
        d = d.left_join(a, list(CASE_KEY)).select(d, agency=a.agency.fill_null("none"))
    if "program" in wanted:
        p = programs(t)
        d = d.left_join(p, list(CASE_KEY)).select(d, program=p.program.fill_null("other"))
    if "offense_level" in wanted:
        o = offense_levels(t)
        d = d.left_join(o, list(DEFENDANT_KEY)).select(
            d, offense_level=o.offense_level.fill_null("unknown"))
    if "charge_group" in wanted:
        groups = {c: charge_group(c) for c in CATEGORIES}
        d = d.mutate(charge_group=d.charge.cases(*groups.items(), else_="unreadable"))
    values = {
        "fiscal_year": d.fiscal_year, "month": d.date.strftime("%Y-%m").fill_null("unknown"),
        "district": d.fjc_district, "circuit": d.circuit, "border": d.border,
        "country": d.country.fill_null("unknown"), "release": ibis.literal(release),
    }
    # The sentence bracket is known only once the sentences are joined (expression()).
    return d.mutate(**{f"_by_{name}": values.get(name, d[name] if name in d.columns else None)
                       for name in q.by if name != brackets.DIMENSION})


def _sentence_parts(d: ibis.Table) -> dict:
    """Months of incarceration: years x 12 + months + days / 30.4375; life and death
    470; time served (TIM) 0 further months; no incarceration but probation or a
    fine (probation only, fine only) 0 months. Died before sentence (DBS) is
    ``no_sentence``; no sentence record, or one with nothing in it, ``missing``."""
    kind = d.incar_type.fill_null("")
    months = d.term_months
    life = kind.isin(list(LIFE_OR_DEATH))
    served = kind == TIME_SERVED
    no_sentence = d.has_sentence & (kind == DIED_BEFORE_SENTENCE)
    zero = served | (months.isnull() & d.other_terms)  # time served, probation or fine only
    known = d.has_sentence & ~no_sentence & (months.notnull() | life | zero)
    value = ibis.ifelse(life, float(LIFE_MONTHS), ibis.ifelse(zero, 0.0, months))
    value = ibis.ifelse(known, value, ibis.null("float64"))
    return {"kind": kind, "life": life, "served": served, "no_sentence": no_sentence,
            "known": known, "value": value}


def sentence_aggregates(d: ibis.Table) -> dict:
    """The sentences measure's columns over the defendants of a group."""
    p = _sentence_parts(d)
    known, value, life, no_sentence = p["known"], p["value"], p["life"], p["no_sentence"]
    return {
        "convicted": d.count(),
        "known_term": known.sum(),
        "prison": (known & ((value > 0) | life)).sum(),
        "median_prison_months": value.quantile(0.5),
        "mean_prison_months": value.mean(),
        "p25_prison_months": value.quantile(0.25),
        "p75_prison_months": value.quantile(0.75),
        "life_or_death": (known & life).sum(),
        "time_served": (known & p["served"]).sum(),
        "no_sentence": no_sentence.sum(),
        "sealed": ibis.literal(0).cast("int64"),  # LIONS does not mark sealed terms apart
        "missing": (~known & ~no_sentence).sum(),
        # prison_years: the known terms summed (unknown ones apart, never guessed).
        "unknown_term": (~known).sum(),
        "prison_years": value.sum().fill_null(0.0) / 12,
    }


def sentence_bracket(d: ibis.Table):
    """Each defendant's bracket (brackets.py) from the months the statistics use: 0
    (time served, probation or fine only included) is ``none``; above 0 and under a
    month ``<1``; LIONS marks nothing ``sealed``."""
    p = _sentence_parts(d)
    v = p["value"]
    floors = list(brackets.TERM_FLOORS.items())
    upper = [(v < nxt, label) for (label, _), (_, nxt) in zip(floors, floors[1:],
                                                               strict=False)]
    term = ibis.cases((v <= 0, "none"), (v < 1, "<1"), *upper, else_=floors[-1][0])
    return ibis.cases((p["known"] & (p["kind"] == "LIF"), "life"),
                      (p["known"] & (p["kind"] == "DET"), "death"),
                      (p["known"], term), (p["no_sentence"], "no sentence"),
                      else_="missing")


def with_sentences(d: ibis.Table, t: dict) -> ibis.Table:
    """Each convicted defendant's latest sentence (months of incarceration)."""
    s = t["sentences"]
    latest = s.group_by(list(DEFENDANT_KEY)).aggregate(last=s.sent_date.max())
    s = s.join(latest, list(DEFENDANT_KEY)).filter(lambda r: r.sent_date == r["last"])
    months = (s.incar_years.fill_null(0) * 12 + s.incar_months.fill_null(0)).cast(
        "float64") + s.incar_days.fill_null(0).cast("float64") / DAYS_PER_MONTH
    no_numbers = s.incar_years.isnull() & s.incar_months.isnull() & s.incar_days.isnull()
    other = (s.prob_years.notnull() | s.prob_months.notnull() | s.prob_days.notnull()
             | s.fine.notnull())
    per = s.group_by(list(DEFENDANT_KEY)).aggregate(
        term_months=ibis.ifelse(no_numbers, ibis.null("float64"), months).max(),
        incar_type=s.incar_type.max(), other_terms=other.any(), records=s.count())
    joined = d.left_join(per, list(DEFENDANT_KEY))
    return joined.select(d, per.term_months, per.incar_type,
                         other_terms=per.other_terms.fill_null(False),
                         has_sentence=per.records.notnull())


def expression(q: Query, t: dict, charges: ibis.Table, districts: ibis.Table,
               release: str, cut: int | None = None) -> ibis.Table:
    d = base(q, t, charges, districts, cut)
    if q.charges or {"charge", "charge_group", "statute"} & set(q.by) or q.any_charge:
        d = with_charges(q, d, t, charges)
    if q.charges:
        d = d.filter(d.charge.isin(list(q.charges)))
    d = with_dimensions(q, d, t, release)
    keys = [f"_by_{name}" for name in q.by]
    if q.measure in ("sentences", "prison_years"):
        bracket = f"_by_{brackets.DIMENSION}"
        plain = [k for k in keys if k != bracket]
        d = with_sentences(d.select(*DEFENDANT_KEY, *plain).distinct(), t)
        if bracket in keys:
            d = d.mutate(**{bracket: sentence_bracket(d)})
        metrics = sentence_aggregates(d)
    else:
        d = d.select(*DEFENDANT_KEY, *keys).distinct()
        metrics = {"defendants": d.count()}
    agg = d.group_by(keys).aggregate(**metrics) if keys else d.aggregate(**metrics)
    return agg.rename({name: f"_by_{name}" for name in q.by})


def not_filings(t: dict) -> ibis.Table:
    """Defendants with no dated magistrate or district filing (only NC, sealed dates);
    a defendant whose every proceeding was opened in error counts nowhere, not here."""
    d = defendants(t)
    f = filing_dates(t)
    in_error = opened_in_error(t).select(*DEFENDANT_KEY).distinct()
    kept = proceedings(t).select(*DEFENDANT_KEY).distinct()
    only_in_error = in_error.anti_join(kept, list(DEFENDANT_KEY))
    return d.anti_join(f, list(DEFENDANT_KEY)).anti_join(only_in_error, list(DEFENDANT_KEY))


def own_lead_charges(t: dict) -> ibis.Table:
    """Per defendant: the charge of their most serious count, the way the court file
    sorts its slots: the first felony count, else misdemeanor, else petty (by COUNTID)."""
    pc = t["part_counts"]
    ranked = pc.mutate(rank=pc.category.cases(*OFFENSE_RANK.items(), else_=0))
    top = ranked.group_by(list(DEFENDANT_KEY)).aggregate(rank=ranked["rank"].max())
    best = ranked.join(top, [*DEFENDANT_KEY, "rank"])
    first = best.group_by(list(DEFENDANT_KEY)).aggregate(countid=best.countid.min())
    chosen = best.join(first, [*DEFENDANT_KEY, "countid"])
    return chosen.group_by(list(DEFENDANT_KEY)).aggregate(own_charge=chosen.charge.min())


def filing_components(t: dict, mapping: ibis.Table, districts: ibis.Table) -> ibis.Table:
    """One row per defendant with a filing: the dates and charges reconciliation needs."""
    d = defendants(t)
    d = d.join(districts, d.district == districts.lions_district).drop("lions_district")
    d = d.join(filing_dates(t), list(DEFENDANT_KEY))
    own = own_lead_charges(t)
    d = d.left_join(own, list(DEFENDANT_KEY)).select(d, own.own_charge)
    m = mapping.select("k_charge", "category")
    case = m.rename(case_charge="category")
    mine = m.rename(own_category="category", k_own="k_charge")
    d = d.mutate(k_charge=d.lead_charge.fill_null(""), k_own=d.own_charge.fill_null(""))
    d = d.left_join(case, "k_charge").select(d, case.case_charge)
    d = d.left_join(mine, "k_own").select(d, mine.own_category)
    return d.mutate(own_category=d.own_category.fill_null("unreadable"),
                    dc_year=fiscal_year_column(d.dc_date), mg_year=fiscal_year_column(d.mg_date),
                    first_year=fiscal_year_column(d.filed))


def release_charge_map(release, t: dict, rules: ChargeRules) -> ibis.Table:
    """The small charge table of a release: its distinct charge strings (computed
    once per release and cached outside the store) classified by ``rules``."""
    def distinct() -> pa.Table:
        eng = release.engine
        lead = eng.to_arrow(t["cases"].select(k_charge=t["cases"].lead_charge).distinct())
        own = eng.to_arrow(t["part_counts"].select(k_charge=t["part_counts"].charge).distinct())
        return pa.concat_tables([lead, own])

    def classified() -> pa.Table:
        values = release.disk(rules.sha256).table("lions_charges", distinct)
        return charge_map(values["k_charge"].to_pylist(), rules)

    return release.arrow(("lions_charges", rules.sha256), classified)


def not_filings_count(release, t: dict, rules: ChargeRules) -> int:
    """How many defendants have no dated filing (cached once per release and rules)."""
    def count() -> pa.Table:
        return pa.table({"n": [int(release.engine.scalar(not_filings(t).count()))]})

    return release.get(("lions_not_filings", rules.sha256), lambda: int(
        release.disk(rules.sha256).table("lions_not_filings", count)["n"][0].as_py()))


def release_quality(release, t: dict, rules: ChargeRules) -> dict:
    """Per release (cached): proceedings opened in error (counted nowhere), the
    terminations that are declinations by fiscal year, and the fiscal years the
    filings cover."""
    eng = release.engine

    def compute() -> pa.Table:
        d = defendants(t).select(*DEFENDANT_KEY)
        in_error = opened_in_error(t).join(d, list(DEFENDANT_KEY))
        ended = terminations(t).join(d, list(DEFENDANT_KEY))
        declined = ended.filter(ended.disposition.isin(list(DECLINATIONS)))
        per_year = declined.group_by(year=fiscal_year_column(declined.ended)).aggregate(
            n=declined.count())
        years = filing_dates(t).join(d, list(DEFENDANT_KEY))
        span = years.aggregate(first=fiscal_year_column(years.filed).min(),
                               last=fiscal_year_column(years.filed).max())
        first, last = eng.to_arrow(span).to_pylist()[0].values()
        rows = eng.to_arrow(per_year).to_pylist()
        return pa.table({
            "kind": ["in_error", "first_year", "last_year"] + ["declined"] * len(rows),
            "year": [None, first, last] + [r["year"] for r in rows],
            "n": [int(eng.scalar(in_error.count())), 0, 0] + [r["n"] for r in rows]},
            schema=pa.schema([("kind", pa.string()), ("year", pa.int64()),
                              ("n", pa.int64())]))

    rows = release.get(("lions_quality", rules.sha256), lambda: release.disk(
        rules.sha256).table("lions_quality", compute).to_pylist())
    by_kind = {r["kind"]: r for r in rows}
    return {
        "proceedings_opened_in_error": by_kind["in_error"]["n"],
        "terminations_ending_in_declination_by_fiscal_year": {
            str(r["year"]): r["n"] for r in rows if r["kind"] == "declined"},
        "years": (by_kind["first_year"]["year"], by_kind["last_year"]["year"]),
    }
