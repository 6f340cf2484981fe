"""The pages: server-rendered, each with its data one click away as CSV and JSON.

Every page is a GET form over its filters, so its URL is its permalink; with
``?format=json`` it answers as its JSON twin (each chart's API calls and the
numbers it drew). Numbers come from ``page_data`` (the API's own function),
charts from ``crossings.charts``; templates in ``templates/``, one script
(``static/app.js``) and no inline script, as the Content Security Policy asks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from crossings.errors import CrossingsError, InvalidRequest
from crossings.measures.charges import IMMIGRATION
from crossings.measures.meta import RULES_VERSION
from crossings.sources import SOURCES
from crossings.version import __version__
from crossings.web import page_data, page_methodology, page_views, queries
from crossings.web.page_filters import (
    BORDER_NAMES,
    SOURCE_NAMES,
    Filters,
    charge_choices,
    district_choices,
)
from crossings.web.responses import finite, status_of

router = APIRouter()
TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
#: The scripts every page loads before app.js, in this order (vendored in static/vendor/:
#: vega-interpreter adds ``vega.expressionInterpreter``; vega-embed needs vega-lite).
VENDOR_SCRIPTS = tuple(f"/static/vendor/{name}.min.js" for name in (
    "vega", "vega-interpreter", "vega-lite", "vega-embed"))

ALL = ("from_year", "to_year", "district", "charge", "border", "source")


@dataclass(frozen=True)
class PageSpec:
    path: str
    label: str
    view: Callable
    fields: tuple[str, ...]  # the filters the page offers
    intro: str = ""


SPECS = (
    PageSpec("/", "Overview", page_views.overview, ALL),
    PageSpec("/districts", "Districts", page_views.districts, ALL),
    PageSpec("/charges", "Charges", page_views.charges,
             ("from_year", "to_year", "district", "charge", "border", "source"),
             "Illegal entry (8 U.S.C. 1325), illegal re-entry (1326) and smuggling (1324) "
             "side by side: how many, how charges change between filing and the end of a "
             "case, and the prison terms imposed."),
    PageSpec("/speed", "Speed", page_views.speed,
             ("from_year", "to_year", "district", "charge", "border"),
             "How long a case takes from filing to disposition (court file), and how many "
             "are over within a day: the mark of mass hearings such as Operation Streamline."),
    PageSpec("/sources", "Two sources", page_views.sources,
             ("from_year", "to_year", "district", "charge")),
    PageSpec("/context", "Context", page_views.context, ("from_year", "to_year", "source")),
    PageSpec("/methodology", "Methodology", page_methodology.methodology, ()),
)
#: The page paths (the generic browser tests visit each).
PAGES: tuple[str, ...] = tuple(spec.path for spec in SPECS)
#: Page parameters beyond the filters (kept in the permalink and the nav).
PAGE_PARAMS = {"/districts": ("measure",), "/context": ("halt", "share_served")}


def _route(spec: PageSpec):
    def page(request: Request) -> Response:
        return serve(request, spec)

    page.__name__ = f"page_{spec.label.lower().replace(' ', '_')}"
    page.__doc__ = f"The {spec.label} page (HTML; ``?format=json`` for its JSON twin)."
    return page


for _spec in SPECS:
    router.add_api_route(_spec.path, _route(_spec), methods=["GET"],
                         response_class=HTMLResponse, include_in_schema=False)


def serve(request: Request, spec: PageSpec) -> Response:
    """The page, from the app's bounded cache of answers (keyed by the page, its query
    string and the store's state, as the API's bodies are) or made by :func:`answer`."""
    q = queries.queries_of(request.app.state)
    key = json.dumps(["page", spec.path, sorted(request.query_params.multi_items()),
                      q.state()])

    def compute():
        before = q.state()
        response = answer(request, spec)
        kept = (response.status_code == 200 and q.state() == before)
        return ((bytes(response.body), response.status_code, response.media_type),
                len(response.body) if kept else None)

    body, status, media_type = q.bodies.get_or_compute(key, compute)
    return Response(body, status_code=status, media_type=media_type)


def answer(request: Request, spec: PageSpec) -> Response:
    """The page as HTML, or as JSON with ``?format=json``; a bad filter is a 4xx naming it."""
    query = request.query_params
    fmt = (query.get("format") or "html").strip().lower()
    state = request.app.state
    try:
        if fmt not in ("html", "json"):
            raise InvalidRequest(f"unknown format {fmt!r}; expected one of: html, json")
        filters = Filters.from_query(query, spec.fields)
        view = spec.view(state, filters, query)
    except CrossingsError as exc:
        status = status_of(exc)
        if fmt == "json":
            return JSONResponse({"error": exc.to_dict()}, status_code=status)
        view = page_views.View(f"{spec.label}: not available", "base.html")
        return render(request, spec, Filters(), view, error=exc.to_dict(), status=status)
    if fmt == "json":
        return JSONResponse(finite(twin(request, spec, filters, view)))
    return render(request, spec, filters, view)


def page_query(request: Request, spec: PageSpec, filters: Filters) -> str:
    """The page's query string: its filters and its own parameters, nothing else."""
    own = [(k, v) for k in PAGE_PARAMS.get(spec.path, ())
           for v in request.query_params.getlist(k) if v]
    return urlencode([*filters.given().items(), *own], safe=",")


def twin(request: Request, spec: PageSpec, filters: Filters, view) -> dict:
    """The page as data: its filters, its figures and each block's API calls and rows."""
    query = page_query(request, spec, filters)
    return {"page": spec.path, "title": view.title,
            "permalink": spec.path + (f"?{query}" if query else ""),
            "filters": filters.given(),
            **{k: v for k, v in view.extra.items() if not k.startswith("_")},
            "blocks": [b.as_json() for b in view.blocks]}


def render(request: Request, spec: PageSpec, filters: Filters, view, *, error=None,
           status: int = 200) -> Response:
    query = page_query(request, spec, filters)
    permalink = spec.path + (f"?{query}" if query else "")
    loaded = loaded_sources(request.app.state)
    metas = [b.result.meta for b in view.blocks]
    context = {
        "title": view.title, "path": spec.path, "intro": spec.intro,
        "nav": nav(spec, filters), "fields": spec.fields, "filters": filters,
        "blocks": view.blocks, "extra": view.extra, "error": error,
        "permalink": permalink, "json_url": f"{spec.path}?{query}{'&' if query else ''}format=json",
        "back_query": urlencode({k: v for k, v in filters.given().items() if k != "district"}),
        "years": sorted({y for m in metas for y in m.years_covered}),
        "partial_years": {y for m in metas for y in m.partial_years},
        "district_choices": district_choices(), "charge_choices": charge_choices(),
        "border_choices": tuple(BORDER_NAMES.items()),
        "source_choices": tuple((s["name"], SOURCE_NAMES[s["name"]]) for s in loaded),
        "immigration": IMMIGRATION, "loaded": loaded, "source_names": SOURCE_NAMES,
        "synthetic": any(s["synthetic"] for s in loaded),
        "rules_version": RULES_VERSION, "tool_version": __version__,
        "vendor_scripts": VENDOR_SCRIPTS,
    }
    return TEMPLATES.TemplateResponse(request, view.template, context, status_code=status)


def nav(current: PageSpec, filters: Filters) -> list[dict]:
    """The nav's links, each carrying the filters its page offers (so a year range chosen
    on one page stays on the next)."""
    items = []
    for spec in SPECS:
        carried = urlencode({k: v for k, v in filters.given().items() if k in spec.fields})
        items.append({"label": spec.label, "current": spec.path == current.path,
                      "href": spec.path + (f"?{carried}" if carried else "")})
    return items


def loaded_sources(state) -> list[dict]:
    """Each loaded source's latest release (the manifest's rows, with the source's title)."""
    latest: dict[str, dict] = {}
    for row in page_data.loaded(state):
        latest[row["source"]] = row  # the manifest lists releases oldest first
    return [{**row, "name": name, "title": SOURCES[name].title,
             "release_label": row["release"] if SOURCES[name].monthly_releases else None}
            for name, row in sorted(latest.items()) if name in SOURCES]


def _count(value) -> str:
    return "" if value is None else f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def _signed(value) -> str:
    return "" if value is None else ("+" if value > 0 else "−" if value < 0 else "±") + \
        _count(abs(value))


def _signed_pct(value) -> str:
    return "" if value is None else ("+" if value > 0 else "−" if value < 0 else "±") + \
        f"{abs(value):.1%}"


def _upfirst(text: str) -> str:
    """The first letter capitalised, the rest untouched (unlike Jinja's ``capitalize``)."""
    return text[:1].upper() + text[1:]


TEMPLATES.env.filters.update(count=_count, signed=_signed, signed_pct=_signed_pct,
                             upfirst=_upfirst)
