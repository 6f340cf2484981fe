"""``GET /api/v1/methodology``: every counting rule, charge category, coverage gap and
caveat the library carries, and what the loaded store holds (data as of, SHA-256,
rules and tool versions, citations): :func:`crossings.measures.methodology.methodology`
as JSON, the structure the /methodology page renders."""

from __future__ import annotations

from fastapi import APIRouter, Request

from crossings.measures.methodology import methodology
from crossings.store import Store

router = APIRouter(prefix="/api/v1", tags=["methodology"])


@router.get("/methodology")
def get_methodology(request: Request) -> dict:
    """The methodology, with ``store``: what the served store holds."""
    store = request.app.state.store
    return methodology(store if isinstance(store, Store) else Store(store))
