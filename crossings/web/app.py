"""The app: routes, static files, security headers and the one JSON error shape."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles

from crossings.version import __version__
from crossings.web import errors
from crossings.web.errors import BoundedQuery
from crossings.web.params import MAX_ROWS
from crossings.web.security import SECURITY_HEADERS

STATIC = Path(__file__).parent / "static"

def create_app(store: str | Path | None = None, engine: str = "duckdb") -> FastAPI:
    """The app over ``store`` (default: the user's store), answering with ``engine``."""
    from crossings.web import api, apidocs, methodology_api, pages

    app = FastAPI(title="crossings", version=__version__,
                  description="Federal immigration prosecutions, counted by written rules; "
                              "every number with its source. An empty query parameter "
                              "counts as absent; see docs/api.md.",
                  openapi_url="/api/v1/openapi.json", docs_url=None, redoc_url=None)
    app.state.store = store
    app.state.engine = engine
    app.state.max_rows = MAX_ROWS
    app.include_router(api.router)
    app.include_router(apidocs.router)
    app.include_router(pages.router)
    app.include_router(methodology_api.router)
    from crossings.web.factsheet import router as fact_sheet_router
    app.include_router(fact_sheet_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BoundedQuery)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    errors.install(app)
    app.openapi = _with_empty_values(app.openapi)
    return app


def _with_empty_values(make_openapi):
    """The OpenAPI document saying what every API route does with an empty query
    parameter: takes it as absent (``allowEmptyValue``), as an HTML form sends it."""

    def openapi() -> dict:
        document = make_openapi()  # made once, then FastAPI's cached copy
        for path, item in document.get("paths", {}).items():
            for operation in item.values() if path.startswith("/api/") else ():
                for parameter in operation.get("parameters", []):
                    if parameter.get("in") == "query":
                        parameter["allowEmptyValue"] = True
        return document

    return openapi
