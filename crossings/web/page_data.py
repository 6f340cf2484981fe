"""Where the pages get their numbers: the API's own in-process functions, so a page
and its ``/api/v1`` twin answer from one computation (and one cache)."""

from __future__ import annotations

from crossings.measures import Result, measure
from crossings.measures.query import FILTERS
from crossings.measures.reconcile import reconcile
from crossings.measures.scenario import scenario
from crossings.store import Store
from crossings.web.page_blocks import ApiCall

_FLAGS = ("share", "change", "ytd", "any_charge")


def run(state, call: ApiCall) -> Result:
    """The answer to ``call`` (``measures/NAME``, ``reconcile`` or ``scenario``)."""
    kind, _, name = call.path.partition("/")
    params = dict(call.params)
    if kind == "measures":
        return _measure(state, name, params)
    if kind == "reconcile":
        where = {k: params.pop(k) for k in ("from_year", "to_year", "district", "charge")
                 if k in params}
        return reconcile(params.pop("by", "fiscal_year,charge"), where, store=state.store,
                         engine=state.engine)
    if kind == "scenario":
        return scenario(params.pop("halt"), store=state.store, engine=state.engine,
                        **{k: (float(v) if k == "share_served" else v)
                           for k, v in params.items()})
    raise ValueError(f"no page data for {call.path}")


def _measure(state, name: str, params: dict) -> Result:
    where = {k: params.pop(k) for k in FILTERS if k in params}
    options = {k: params.pop(k) == "true" for k in _FLAGS if k in params}
    if "top" in params:
        options["top"] = int(params.pop("top"))
    if "share_served" in params:
        options["share_served"] = float(params.pop("share_served"))
    return measure(name, by=params.pop("by", ()), where=where, store=state.store,
                   engine=state.engine, **options, **params)


def loaded(state) -> list[dict]:
    """What the store holds: one record per loaded release (as the manifest keeps it)."""
    return [entry.record for entry in Store(state.store).entries()]
