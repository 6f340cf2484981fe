"""``prison_cost``: prison years imposed, priced at the Bureau of Prisons' cost of
incarceration fee (COIF, federal facilities, per year) of the fiscal year of
sentencing, in nominal dollars.

A year without a published rate takes the nearest published year at most two
years away (the earlier on a tie; ``coif_year`` says which); farther than that
the cost is null with the reason. ``share_served`` (default 1.0, the terms as
imposed) scales the years priced.
"""

from __future__ import annotations

from crossings.context import coif, series
from crossings.errors import InvalidRequest
from crossings.measures import beside
from crossings.measures.result import Result

RULE = ("Cost = prison_years (the prison_years measure: known terms / 12, life and death at "
        "470 months, by the year of sentencing) x share_served x the BOP COIF federal-"
        "facility annual rate of that fiscal year (nearest published year within 2 years, "
        "the earlier on a tie; else null), nominal dollars.")

LEFT_OUT = ("prison_cost leaves out pretrial detention by the U.S. Marshals, court, "
            "prosecution and defender costs, and supervision after release; COIF is an "
            "average fee basis, not a marginal cost; a term is priced at its sentencing "
            "year's rate though served over later years; dollars are nominal (no price index "
            "is shipped, so no constant-dollar figure).")

SHARE_SERVED_NOTE = ("share_served {share}: the share of each imposed term taken as served "
                     "(1.0 = as imposed). Good-conduct credit (18 U.S.C. 3624(b)) can take up "
                     "to 54 days a year off terms over one year, about 15 percent, so 0.85 "
                     "approximates a term served with full credit; terms of a year or less "
                     "get none, and release to home confinement or a halfway house is not "
                     "priced apart.")


COIF_SECONDARY = ("The COIF rate of FY{years} comes from a secondary page quoting the BOP "
                  "notice, not the notice itself.")
COIF_NONE = ("No cost (null) for FY{years}: no BOP COIF rate was published within two years "
             "of them.")


def checked_share(share_served) -> float:
    try:
        share = float(share_served)
    except (TypeError, ValueError):
        raise InvalidRequest(f"--share-served must be a number, not {share_served!r}") from None
    if not 0 < share <= 1:
        raise InvalidRequest(f"--share-served must be more than 0 and at most 1, not {share}")
    return share


def priced(year: int, prison_years: float | None, share: float) -> dict:
    """The cost columns of one year's prison years, and the rate's provenance."""
    choice = coif.rate_for(year)
    if choice.rate is None:
        return {"coif_year": None, "coif_usd_per_year": None, "cost_usd": None,
                "note": choice.reason}
    note = (f"the FY{choice.rate.year} rate is inconsistent as printed (annual figure used)"
            if choice.rate.year in coif.inconsistent_years() else None)
    cost = None if prison_years is None else prison_years * share * choice.rate.dollars
    return {"coif_year": choice.rate.year, "coif_usd_per_year": float(choice.rate.dollars),
            "cost_usd": cost, "note": note}


def cost_meta(meta, rows: list[dict], share: float) -> None:
    """COIF provenance, the share served, what is flagged and what is left out."""
    used = [(r["coif_year"], coif.annual_rates()[r["coif_year"]].source)
            for r in rows if r["coif_year"] is not None]
    beside.add_context(meta, beside.cited(coif.COSTS, used))
    meta.options["share_served"] = share
    meta.notes += [SHARE_SERVED_NOTE.format(share=share),
                   series.fact("coif_definition").statement]
    flagged = sorted({r["coif_year"] for r in rows} & set(coif.inconsistent_years()))
    if flagged:
        meta.warnings.append(series.fact("coif_2019_2020_inconsistent").statement)
    quoted = sorted({r["coif_year"] for r in rows if r["coif_year"] is not None
                     and coif.annual_rates()[r["coif_year"]].secondary})
    if quoted:
        meta.warnings.append(COIF_SECONDARY.format(years=", FY".join(map(str, quoted))))
    without = sorted({r["fiscal_year"] for r in rows if r["coif_year"] is None})
    if without:
        meta.warnings.append(COIF_NONE.format(years=beside.span(without)[2:]))
    meta.warnings.append(LEFT_OUT)


def prison_cost(by=(), where: dict | None = None, *, share_served: float = 1.0,
                **store_options) -> Result:
    from crossings.measures import measure

    share = checked_share(share_served)
    wanted = ["fiscal_year", *(d for d in _as_list(by) if d != "fiscal_year")]
    years = measure("prison_years", by=wanted, where=where, **store_options)
    rows = []
    for r in years.to_pylist():
        r.update(priced(r["fiscal_year"], r["prison_years"], share))
        r["prison_years_served"] = r["prison_years"] * share
        rows.append(r)
    columns = {c: years.table.schema.field(c).type for c in years.columns}
    out = beside.table(rows, {**columns, "prison_years_served": beside.FLOAT,
                              "coif_year": beside.INT, "coif_usd_per_year": beside.FLOAT,
                              "cost_usd": beside.FLOAT, "note": beside.TEXT})
    meta = years.meta
    meta.measure, meta.rule = "prison_cost", RULE
    meta.summary = beside.CONTEXT_MEASURES["prison_cost"].summary
    meta.columns = {"prison_years": "years of prison imposed (known terms)",
                    "prison_years_served": "prison_years x share_served",
                    "coif_year": "the fiscal year whose COIF rate prices the row",
                    "coif_usd_per_year": "BOP COIF, federal facilities, USD per year, as printed",
                    "cost_usd": "prison_years_served x coif_usd_per_year (nominal)",
                    "note": "why a cost is null, or what is flagged about its rate"}
    cost_meta(meta, rows, share)
    return Result(out, meta, keys=years.keys)


def _as_list(by) -> list[str]:
    if isinstance(by, str):
        return [v.strip() for v in by.split(",") if v.strip()]
    return list(by or ())
