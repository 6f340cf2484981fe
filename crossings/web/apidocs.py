"""``/api/v1/docs``: the API's documentation page, Swagger UI served from the package
(static/apidocs/, vendored with its licence): no CDN, no inline script."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

PAGE = Path(__file__).parent / "static" / "apidocs" / "index.html"

router = APIRouter()


@router.get("/api/v1/docs", include_in_schema=False)
def docs() -> FileResponse:
    return FileResponse(PAGE, media_type="text/html; charset=utf-8")
