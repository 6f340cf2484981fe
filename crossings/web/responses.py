"""How the API answers: JSON or CSV bodies with ETag and Cache-Control, 304s, and the
one error shape of every 4xx (and 5xx)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from crossings.errors import CrossingsError, InvalidRequest, ReleaseNotFound, StoreError
from crossings.measures.meta import Meta
from crossings.web import params as web_params
from crossings.web.queries import queries_of

#: Answers may be stored but are checked with the server every time (ETag, 304): an
#: ingest changes the numbers at once, and a stale count is a quietly wrong one.
CACHE_CONTROL = "no-cache"
CSV = "text/csv; charset=utf-8"
JSON = "application/json"


class TooManyRows(InvalidRequest):
    """The answer has more rows than a response may carry."""


class ErrorDetail(BaseModel):
    error: str = Field(description="The condition, as crossings names it (InvalidRequest, "
                                   "ReleaseNotFound, StoreNotFound, TooManyRows, NotFound...)")
    message: str
    parameter: str | None = Field(None, description="The request parameter at fault")
    value: Any = Field(None, description="The value it was given")
    allowed: list[Any] | None = Field(None, description="The values it allows")
    suggestions: list[str] = Field(default_factory=list, description="Did you mean")
    hint: str | None = Field(None, description="What to do about it")


class ErrorResponse(BaseModel):
    error: ErrorDetail


class Answer(BaseModel):
    """A measure's answer: ``Result.to_dict()``, as ``crossings stats -f json``."""

    data: list[dict[str, Any]]
    meta: Meta


class Listing(BaseModel):
    data: list[dict[str, Any]]
    meta: dict[str, Any]


ERRORS = {"4XX": {"model": ErrorResponse, "description": "The request does not fit: the "
                  "error names the parameter, its value and the allowed values"},
          "503": {"model": ErrorResponse, "description": "The store is missing, damaged or "
                  "being replaced: the hint says what to do"}}


def documented(model: type[BaseModel]) -> dict:
    """The responses a data route documents: ``model`` as JSON or CSV, 304 and errors."""
    return {200: {"model": model, "content": {"text/csv": {"schema": {"type": "string"}}},
                  "description": "JSON (default) or CSV (format=csv, or Accept: text/csv)"},
            304: {"description": "Not modified since the ETag in If-None-Match"}, **ERRORS}


def chosen_format(request: Request, fmt) -> str:
    """``format`` if given, else CSV when the client accepts text/csv (and not JSON
    first), else JSON."""
    if fmt is not None:
        return str(fmt)
    accept = request.headers.get("accept", "").lower()
    return "csv" if "text/csv" in accept and JSON not in accept.split("text/csv")[0] else "json"


def json_bytes(payload) -> bytes:
    """JSON as the CLI writes it (``default=str``), compact; a non-finite float is null."""
    try:
        text = json.dumps(payload, default=str, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":"))
    except ValueError:
        text = json.dumps(finite(payload), default=str, ensure_ascii=False,
                          separators=(",", ":"))
    return text.encode()


def finite(value):
    """JSON has no NaN: a float that is not a number goes out as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def cached_answer(request: Request, req: web_params.Request, fmt: str,
                  render: Callable[[], tuple[bytes, dict]]) -> Response:
    """The answer to ``req`` in ``fmt``: 304 if the client holds it (If-None-Match),
    else the body from the cache of rendered answers or ``render()`` (body, headers)."""
    q = queries_of(request.app.state)
    limit = max_rows(request)
    tag = q.tag(req, f"{fmt} {limit}")
    headers = {"ETag": tag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept"}
    held = _tags(request.headers.get("if-none-match", ""))
    if tag in held or "*" in held:
        return Response(status_code=304, headers=headers)

    def compute():
        body, extra = render()
        unchanged = q.tag(req, f"{fmt} {limit}") == tag
        return (body, extra), (len(body) + 512 if unchanged else None)

    body, extra = q.bodies.get_or_compute(tag, compute)
    return Response(body, media_type=CSV if fmt == "csv" else JSON,
                    headers={**headers, **extra})


def _tags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


def max_rows(request: Request) -> int:
    return getattr(request.app.state, "max_rows", web_params.MAX_ROWS)


def check_rows(request: Request, rows: int) -> None:
    """More rows than a response may carry: a 400 asking to narrow the request."""
    limit = max_rows(request)
    if rows > limit:
        raise TooManyRows(f"the answer has {rows:,} rows; a response carries at most "
                          f"{limit:,}", hint="narrow it: fewer dimensions in by, a "
                          "from_year/to_year range, district or charge filters, or top")


def result_body(request: Request, result, fmt: str) -> tuple[bytes, dict]:
    """A Result as JSON (``to_dict()``) or CSV (its citation in a header)."""
    check_rows(request, result.table.num_rows)
    if fmt == "csv":
        return result.to_csv().encode(), csv_headers(request, result.meta.citation)
    return json_bytes(result.to_dict()), {}


def csv_headers(request: Request, citation: str | None) -> dict:
    """A CSV's citation (``X-Crossings-Citation``, percent-encoded beyond ASCII) and a
    link to its JSON twin, whose meta says where every number came from."""
    twin = request.url.include_query_params(format="json")
    headers = {"Link": f'<{twin.path}?{twin.query}>; rel="describedby"; type="{JSON}"',
               "Content-Disposition": f'inline; filename="crossings-'
                                      f'{request.url.path.rstrip("/").rsplit("/", 1)[-1]}.csv"'}
    if citation:
        headers["X-Crossings-Citation"] = (citation if citation.isascii()
                                           else quote(citation, safe=" ;:,./()+-_'"))
    return headers


# --- errors -------------------------------------------------------------------------------
def status_of(exc: CrossingsError) -> int:
    if isinstance(exc, InvalidRequest):
        return 400
    if isinstance(exc, ReleaseNotFound):
        return 404
    return 503  # the store (or a shipped table) cannot answer now: the hint says why


def error_response(status: int, error: str, message: str, *, parameter=None, value=None,
                   allowed=None, suggestions=(), hint=None, headers=None) -> JSONResponse:
    body = {"error": error, "message": message, "parameter": parameter,
            "value": _plain(value), "allowed": None if allowed is None else [
                _plain(a) for a in allowed], "suggestions": list(suggestions), "hint": hint}
    return JSONResponse({"error": body}, status_code=status,
                        headers={"Cache-Control": "no-store", **(headers or {})})


def _plain(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def crossings_error(exc: CrossingsError) -> JSONResponse:
    """A library error in the one shape (the file paths of the server left out)."""
    retry = {"Retry-After": "5"} if type(exc).__name__ in ("ReleaseBeingReplaced",
                                                            "StoreBusy") else None
    fields = exc.to_dict()
    if isinstance(exc, ReleaseNotFound):
        fields["hint"] = "the loaded releases are listed at /api/v1/manifest"
    elif isinstance(exc, StoreError) and not exc.hint:
        fields["hint"] = ("check the store (`crossings verify`), then restart `crossings "
                          "serve --store DIR`")
    return error_response(status_of(exc), fields["error"], fields["message"],
                          parameter=fields.get("parameter"), value=fields.get("value"),
                          allowed=fields.get("allowed"),
                          suggestions=fields.get("suggestions") or (), hint=fields["hint"],
                          headers=retry)
