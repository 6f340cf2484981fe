"""``GET /report``: the fact sheet of the query string's filters, as HTML (or its PDF).

The sheet is one self-contained page whose style is inline, so this route sends
its own Content-Security-Policy: no script at all, and only that style block
(by its SHA-256) and inline SVG.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from crossings.errors import InvalidRequest

router = APIRouter()
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)
FORMATS = ("html", "pdf")


def _given(value: str | None) -> str | None:
    """An empty parameter counts as absent."""
    return value.strip() if value is not None and value.strip() else None


def _year(value: str | None, name: str) -> int | None:
    value = _given(value)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidRequest(f"{name} must be a fiscal year such as 2015, not {value!r}") \
            from None


def policy(html: str) -> str:
    """A policy allowing the sheet's own style block and nothing else to run or load."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in _STYLE.findall(html))
    return (f"default-src 'none'; style-src {hashes}; img-src data:; base-uri 'none'; "
            "form-action 'none'; frame-ancestors 'none'")


@router.get("/report", response_class=HTMLResponse, include_in_schema=False)
def fact_sheet_page(request: Request, district: str | None = None, border: str | None = None,
                    charge: str | None = None, from_year: str | None = None,
                    to_year: str | None = None, lang: str = "en", paper: str = "letter",
                    format: str = "html") -> Response:
    """The fact sheet (``format=pdf``: its PDF), for all districts, one ``district``, or
    the ``border`` region; ``charge``, ``from_year``, ``to_year``, ``lang`` (en, es)
    and ``paper`` (letter, a4) as in ``crossings report``."""
    from crossings.report.render import write_pdf
    from crossings.report.sheet import file_stem, render

    fmt = (_given(format) or "html").lower()
    if fmt not in FORMATS:
        raise InvalidRequest(f"unknown format {format!r}; expected one of: {', '.join(FORMATS)}")
    rendered = render(request.app.state.store, district=_given(district),
                      border=_given(border), charge=_given(charge),
                      from_year=_year(from_year, "from_year"), to_year=_year(to_year, "to_year"),
                      lang=_given(lang) or "en", paper=_given(paper) or "letter",
                      engine=request.app.state.engine)
    if fmt == "pdf":
        name = file_stem(rendered.sheet) + ".pdf"
        return Response(write_pdf(rendered.html), media_type="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})
    return HTMLResponse(rendered.html, headers={"Content-Security-Policy":
                                                policy(rendered.html)})
