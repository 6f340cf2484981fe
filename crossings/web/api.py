"""``/api/v1``: every measure, reconcile, scenario, context and codebook, as JSON or CSV.

Parameters are named as the ``crossings stats`` options, underscored; lists are
comma-separated (or the parameter repeated); an empty parameter counts as
absent; a parameter a route does not take is an error. JSON is
``Result.to_dict()`` (as ``-f json``); CSV has the CLI's columns, its citation in
``X-Crossings-Citation`` and its JSON twin (with the meta) in ``Link``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from crossings.measures.query import BORDERS
from crossings.measures.reconcile import DIMENSIONS as RECONCILE_DIMENSIONS
from crossings.measures.result import csv_text
from crossings.measures.rules_version import RULES_VERSION
from crossings.measures.vocabulary import KINDS, vocabulary
from crossings.version import __version__
from crossings.web import manifest as web_manifest
from crossings.web import params as p
from crossings.web import queries
from crossings.web.responses import (
    Answer,
    Listing,
    cached_answer,
    check_rows,
    chosen_format,
    csv_headers,
    documented,
    json_bytes,
    result_body,
)


def only_declared(request: Request) -> None:
    """A parameter the route does not declare is an error (a misspelt filter would
    otherwise be ignored, and the count would cover everything)."""
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return
    known = _query_names(route.dependant)
    for name in request.query_params:
        if name not in known:
            raise p.unknown_parameter(name, known)


def _query_names(dependant) -> list[str]:
    names = [q.alias for q in dependant.query_params]
    for sub in dependant.dependencies:
        names += _query_names(sub)
    return names


router = APIRouter(prefix="/api/v1", dependencies=[Depends(only_declared)])

# --- the parameters, declared once ---------------------------------------------------------
LIST_TEXT = {"max_length": p.MAX_LIST_TEXT}
By = Annotated[str | None, Query(
    description="Dimensions, comma-separated, in order. Court file (idb): "
    + ", ".join(p.DIMENSIONS["idb"]) + ". LIONS: " + ", ".join(p.DIMENSIONS["lions"])
    + ". Published series (apprehensions, encounters, per_apprehension): "
    + ", ".join(p.SERIES_DIMENSIONS) + ". See /api/v1/codebook/dimensions.",
    examples=["fiscal_year,charge"], **LIST_TEXT)]
FromYear = Annotated[int | None, Query(description="First fiscal year.", **p.YEARS)]
ToYear = Annotated[int | None, Query(description="Last fiscal year.", **p.YEARS)]
District = Annotated[str | None, Query(
    description="District(s), comma-separated: court-file code (41), abbreviation (TXS), "
    "name or short form (S.D. Tex.); see /api/v1/codebook/districts.", **LIST_TEXT)]
Charge = Annotated[str | None, Query(
    description="Charge categories, comma-separated: " + ", ".join(p.CATEGORIES) + ".",
    **LIST_TEXT)]
Release = Annotated[str | None, Query(description="Release (default: the latest loaded); "
                                      "see /api/v1/manifest.", max_length=p.MAX_RELEASE)]
Flag = Annotated[bool, Query()]
Fmt = Annotated[p.Format | None, Query(
    alias="format", description="json (default) or csv; without it, Accept: text/csv "
    "gives CSV.")]


@router.get("/measures/{measure}", responses=documented(Answer), summary="A measure")
def measure_route(
    request: Request,
    measure: Annotated[p.MeasureName, Path(description="A measure of `crossings stats`, "
                                                       "or a published series beside them.")],
    by: By = None, from_year: FromYear = None, to_year: ToYear = None,
    district: District = None, charge: Charge = None,
    border: Annotated[p.Border | None, Query(description=" or ".join(BORDERS))] = None,
    source: Annotated[p.Source | None, Query(description="idb (court file, default) or "
                                             "lions (prosecutors' data).")] = None,
    release: Release = None,
    transfers: Annotated[p.Transfers | None, Query(
        description="include: count transfers in both districts (court file).")] = None,
    charge_basis: Annotated[p.ChargeBasis | None, Query(
        description="filing: terminations by their filing charge (court file).")] = None,
    any_charge: Annotated[bool, Query(description="Count a defendant under every charge "
                                      "category of their charges.")] = False,
    share: Annotated[bool, Query(description="Add each row's share of its group over the "
                                 "last dimension.")] = False,
    change: Annotated[bool, Query(description="Add the change from 1 and 5 years before "
                                  "(needs fiscal_year in by).")] = False,
    sort: Annotated[str | None, Query(description="Sort by a column (-column: descending).",
                                      pattern=r"^-?[A-Za-z0-9_]{1,63}$")] = None,
    top: Annotated[int | None, Query(description="Only the first N rows.", ge=1,
                                     le=p.MAX_ROWS)] = None,
    ytd: Annotated[bool, Query(description="Cut every fiscal year to October through the "
                               "data's last complete month (not for pending).")] = False,
    series: Annotated[p.Series | None, Query(description="removals only: dhs (default), "
                                             "ice, or one series by name.")] = None,
    share_served: Annotated[float | None, Query(
        description="prison_cost only: share of each imposed term served (more than 0, at "
        "most 1; default 1).", gt=0, le=1)] = None,
    fmt: Fmt = None,
):
    """A measure, broken down and filtered as `crossings stats MEASURE` does it: the same
    numbers, `{"data": [rows], "meta": {...}}` (where every number came from)."""
    given = {"by": by, "from_year": from_year, "to_year": to_year, "district": district,
             "charge": charge, "border": border, "source": source, "release": release,
             "transfers": transfers, "charge_basis": charge_basis, "any_charge": any_charge,
             "share": share, "change": change, "sort": sort, "top": top, "ytd": ytd,
             "series": series, "share_served": share_served}
    req = p.measure_request(measure.value, {k: _plain(v) for k, v in given.items()})
    return _answer(request, req, fmt)


@router.get("/reconcile", responses=documented(Answer), summary="Court file beside LIONS")
def reconcile_route(
    request: Request,
    by: Annotated[str | None, Query(description="Dimensions, comma-separated: "
                                    + ", ".join(RECONCILE_DIMENSIONS)
                                    + " (default fiscal_year,charge).", **LIST_TEXT)] = None,
    district: District = None, charge: Charge = None,
    from_year: FromYear = None, to_year: ToYear = None,
    published: Annotated[bool, Query(description="Also set US Courts and TRAC published "
                                     "figures beside them (in meta.published).")] = False,
    idb_release: Release = None, lions_release: Release = None, fmt: Fmt = None,
):
    """Court-file filings, prosecutors' district-court filings and prosecutors' filings
    with magistrate-only cases side by side, the differences itemised by cause
    (`crossings reconcile`)."""
    req = p.reconcile_request({"by": by, "district": district, "charge": charge,
                               "from_year": from_year, "to_year": to_year,
                               "published": published, "idb_release": idb_release,
                               "lions_release": lions_release})
    return _answer(request, req, fmt)


@router.get("/scenario", responses=documented(Answer), summary="What halting charges removes")
def scenario_route(
    request: Request,
    halt: Annotated[str, Query(description="Charge categories to halt, comma-separated: "
                               + ", ".join(p.CATEGORIES) + ".", **LIST_TEXT)],
    from_year: Annotated[int | None, Query(description="First fiscal year (default: the "
                                           "last full one).", **p.YEARS)] = None,
    to_year: Annotated[int | None, Query(description="Last fiscal year (default: the last "
                                         "full one).", **p.YEARS)] = None,
    source: Annotated[p.Source | None, Query(description="idb (default) or lions.")] = None,
    share_served: Annotated[float | None, Query(
        description="Share of each imposed term served (default 1).", gt=0, le=1)] = None,
    release: Release = None, fmt: Fmt = None,
):
    """Filings, convictions and prison years of the halted charges, their cost and their
    share of all filings, nationally and in each southwest border district, by year
    (`crossings scenario`). Recorded cases only: no change in behaviour is modelled."""
    req = p.scenario_request({"halt": halt, "from_year": from_year, "to_year": to_year,
                              "source": _plain(source), "share_served": share_served,
                              "release": release})
    return _answer(request, req, fmt)


def _answer(request: Request, req: p.Request, fmt):
    fmt = chosen_format(request, fmt)
    return cached_answer(request, req, fmt, lambda: result_body(
        request, queries.result_of(request.app.state, req), fmt))


def _plain(value):
    return value.value if isinstance(value, p.StrEnum) else value


@router.get("/codebook", responses=documented(Listing), summary="The vocabularies")
def codebook_kinds(request: Request, fmt: Fmt = None):
    """The vocabularies there are, with their number of entries."""
    return _listing(request, "codebook", fmt,
                    lambda: [{"kind": k, "entries": len(vocabulary(k))} for k in KINDS])


@router.get("/codebook/{kind}", responses=documented(Listing), summary="A vocabulary")
def codebook(request: Request, kind: Annotated[p.Kind, Path(description="Which vocabulary.")],
             fmt: Fmt = None):
    """Each code or name of one vocabulary with its label: what the parameters accept
    (`crossings codebook KIND`)."""
    return _listing(request, f"codebook {kind.value}", fmt, lambda: vocabulary(kind.value),
                    kind=kind.value)


@router.get("/manifest", responses=documented(Listing), summary="What is loaded")
def manifest(request: Request, fmt: Fmt = None):
    """Each loaded release: source, data as of, the source files' SHA-256, rows, synthetic
    or not; read from the store's manifest, never written."""
    store = queries.queries_of(request.app.state).store
    fmt = chosen_format(request, fmt)
    req = p.Request("manifest", "manifest")
    return cached_answer(request, req, fmt, lambda: _listing_body(
        request, fmt, web_manifest.manifest(store)))


def _listing(request: Request, name: str, fmt, rows, **meta):
    fmt = chosen_format(request, fmt)
    req = p.Request("listing", name)
    return cached_answer(request, req, fmt, lambda: _listing_body(request, fmt, {
        "data": rows(), "meta": {**meta, "tool_version": __version__,
                                 "rules_version": RULES_VERSION}}))


def _listing_body(request: Request, fmt: str, payload: dict) -> tuple[bytes, dict]:
    rows = payload["data"]
    check_rows(request, len(rows))
    if fmt == "csv":
        columns = list(dict.fromkeys(c for r in rows for c in r))
        text = csv_text(columns, [[_cell(r.get(c)) for c in columns] for r in rows])
        return text.encode(), csv_headers(request, payload["meta"].get("citation"))
    return json_bytes(payload), {}


def _cell(value):
    """A list in one CSV cell: its items joined by "; " (a mapping as key=value pairs)."""
    if isinstance(value, list):
        return "; ".join(" ".join(f"{k}={v}" for k, v in item.items())
                         if isinstance(item, dict) else str(item) for item in value)
    return value
