"""Where the pages get their numbers: the API's own in-process functions
(:mod:`crossings.web.queries`), so a page and its ``/api/v1`` twin answer from one
computation and one cache, with the same parameter checks."""

from __future__ import annotations

from crossings.errors import StoreNotFound
from crossings.measures import Result
from crossings.web import queries
from crossings.web.manifest import manifest
from crossings.web.page_blocks import ApiCall


def run(state, call: ApiCall) -> Result:
    """The answer to ``call`` (``measures/NAME``, ``reconcile`` or ``scenario``)."""
    kind, _, name = call.path.partition("/")
    if kind == "measures":
        return queries.measure_result(state, name, dict(call.params))
    if kind == "reconcile":
        return queries.reconcile_result(state, dict(call.params))
    if kind == "scenario":
        return queries.scenario_result(state, dict(call.params))
    raise ValueError(f"no page data for {call.path}")


def loaded(state) -> list[dict]:
    """What the store holds, as ``/api/v1/manifest`` says it: one row per loaded release
    (source, release, data as of, synthetic, files with their SHA-256, citation)."""
    try:
        return manifest(queries.queries_of(state).store)["data"]
    except StoreNotFound:
        return []
