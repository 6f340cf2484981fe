"""``/api/v1``: every measure, reconcile, scenario, context and codebook, as JSON or CSV."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1")


@router.get("/manifest")
def manifest() -> dict:
    """What is loaded (skeleton: filled in by the API work)."""
    return {}
