"""The pages: server-rendered, each with its data one click away as CSV and JSON."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def overview() -> str:
    """Skeleton: filled in by the pages work."""
    return "<!doctype html><title>crossings</title><h1>crossings</h1>"
