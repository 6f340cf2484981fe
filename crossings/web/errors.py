"""Every 4xx (and 5xx) in one JSON shape, and the bounds on a request's query string.

``{"error": {"error": <class>, "message", "parameter", "value", "allowed",
"suggestions", "hint"}}``: the library's errors (``InvalidRequest`` with its
structured fields, store errors with their fix), FastAPI's validation errors,
unknown routes and methods, and a query string out of bounds.
"""

from __future__ import annotations

import difflib
import logging
from urllib.parse import parse_qsl, urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from crossings.errors import CrossingsError
from crossings.web.params import ALLOWED, LIST_PARAMETERS, MAX_PARAMETERS, MAX_QUERY_STRING
from crossings.web.responses import crossings_error, error_response
from crossings.web.security import SECURITY_HEADERS

log = logging.getLogger("crossings.web")

ROUTES_HINT = "the API is under /api/v1 (its documentation at /api/v1/docs)"


def install(app: FastAPI) -> None:
    """The exception handlers that give every error the one shape."""

    @app.exception_handler(CrossingsError)
    async def library_error(request: Request, exc: CrossingsError):
        return crossings_error(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        return reshaped(exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404:
            return error_response(404, "NotFound", f"nothing is at {request.url.path}",
                                  hint=ROUTES_HINT)
        if exc.status_code == 405:
            return error_response(405, "MethodNotAllowed", f"{request.method} is not "
                                  f"answered here: the server only reads (GET)",
                                  headers=exc.headers)
        return error_response(exc.status_code, "HTTPError", str(exc.detail),
                              headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error answering %s", request.url.path)
        return error_response(500, "InternalError", "the server could not answer this "
                              "request (its log has the details)",
                              hint="please report it with the address you asked",
                              # Sent from outside the middleware that adds them to the rest.
                              headers=SECURITY_HEADERS)


def reshaped(exc: RequestValidationError):
    """FastAPI's validation error, as the one shape: the first problem, its parameter,
    value, allowed values and the closest of them. A path that names no measure or
    vocabulary is a 404; a parameter out of its type or range a 400."""
    first = exc.errors()[0]
    where, parameter = (first["loc"][0], first["loc"][-1]) if first["loc"] else ("", None)
    value = first.get("input")
    allowed = ALLOWED.get(str(parameter))
    suggestions = []
    if allowed and isinstance(value, str):
        folded = {a.casefold(): a for a in allowed}
        suggestions = [folded[c] for c in difflib.get_close_matches(
            value.casefold(), list(folded), n=3, cutoff=0.6)]
    if first.get("type") == "missing":
        message = f"{parameter} is required"
        value = None
    else:
        message = f"{parameter} {value!r} does not fit: {first['msg']}"
    if suggestions:
        message += f"; did you mean {' or '.join(repr(s) for s in suggestions)}?"
    status, error = (404, "NotFound") if where == "path" else (400, "InvalidRequest")
    return error_response(status, error, message, parameter=parameter, value=value,
                          allowed=allowed, suggestions=suggestions)


class BoundedQuery:
    """Before any route sees it: a query string longer than ``MAX_QUERY_STRING`` bytes
    is a 414 and one naming more than ``MAX_PARAMETERS`` parameters a 400; empty values are
    dropped (an empty parameter counts as absent); a list parameter given several
    times is one comma-separated list; under /api, any other parameter given twice is
    a 400 (which of the two would count is not guessed)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope.get("query_string"):
            await self.app(scope, receive, send)
            return
        raw = scope["query_string"]
        problem = None
        if len(raw) > MAX_QUERY_STRING:
            problem = error_response(414, "InvalidRequest", f"the query string is {len(raw):,}"
                                     f" bytes; at most {MAX_QUERY_STRING:,}",
                                     hint="fewer or shorter parameters")
        else:
            merged, problem = _merged(parse_qsl(raw.decode("latin-1"), keep_blank_values=True),
                                      scope.get("path", "").startswith("/api/"))
            if problem is None:
                scope = {**scope, "query_string": urlencode(merged).encode("ascii")}
        if problem is not None:
            await problem(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _merged(pairs: list[tuple[str, str]], strict: bool):
    merged: list[list[str]] = []
    where: dict[str, list[str]] = {}
    for name, value in pairs:
        value = value.strip()
        if not value:
            continue
        if name in where and name in LIST_PARAMETERS:
            where[name][1] += "," + value
        elif name in where and strict:
            return None, error_response(400, "InvalidRequest", f"{name} is given more than "
                                        "once; give it once", parameter=name, value=value)
        else:
            merged.append([name, value])
            where.setdefault(name, merged[-1])
    if len(where) > MAX_PARAMETERS:
        return None, error_response(400, "InvalidRequest", f"{len(where)} parameters; at "
                                    f"most {MAX_PARAMETERS}")
    return [tuple(pair) for pair in merged], None
