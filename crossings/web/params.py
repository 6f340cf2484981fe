"""The API's parameters: their vocabularies, their bounds, and each request checked and
put in one normal form before anything is computed.

A request's normal form is what the cache and the ETag are keyed by, and what is
handed to ``measure()``, ``reconcile()`` and ``scenario()``; it is built with the
library's own checkers (``build_query``, ``beside.checked_by``...), so a value
reaches the library only after its vocabulary accepted it, and only as a code,
a number or a flag (the library builds Ibis expressions from them: no request
text reaches SQL).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from crossings.context.border import REMOVAL_CHOICES
from crossings.errors import InvalidRequest
from crossings.measures import beside, prison_cost
from crossings.measures.charges import CATEGORIES, IMMIGRATION
from crossings.measures.query import (
    BORDERS,
    CHARGE_BASES,
    DIMENSIONS,
    FILTERS,
    FIRST_YEAR,
    LAST_YEAR,
    MEASURES,
    TRANSFERS,
    build_query,
    choose,
    filter_values,
)
from crossings.measures.reconcile import DIMENSIONS as RECONCILE_DIMENSIONS
from crossings.measures.vocabulary import KINDS

#: Every measure the API answers: the counts, then the published series beside them.
MEASURE_NAMES = (*MEASURES, *beside.NAMES)
ALL_DIMENSIONS = tuple(dict.fromkeys(d for dims in DIMENSIONS.values() for d in dims))
SERIES_DIMENSIONS = tuple(dict.fromkeys(
    d for m in beside.CONTEXT_MEASURES.values() for d in m.dimensions if d not in ALL_DIMENSIONS))

#: Bounds of a request: the whole query string, the values a list may hold, one value.
MAX_QUERY_STRING = 4096
MAX_PARAMETERS = 32
MAX_VALUE = 80
MAX_LIST_TEXT = 2000
MAX_RELEASE = 64
LIST_LIMITS = {"by": len(ALL_DIMENSIONS) + len(SERIES_DIMENSIONS), "district": 100,
               "charge": len(CATEGORIES), "halt": len(CATEGORIES)}
#: Parameters whose repeats (``district=41&district=42``) are read as one list.
LIST_PARAMETERS = tuple(LIST_LIMITS)
#: At most this many rows a response (more: narrow the filters).
MAX_ROWS = 50_000


def _enum(name: str, values) -> type[StrEnum]:
    return StrEnum(name, {v: v for v in values})


MeasureName = _enum("MeasureName", MEASURE_NAMES)
Source = _enum("Source", DIMENSIONS)
Transfers = _enum("Transfers", TRANSFERS)
ChargeBasis = _enum("ChargeBasis", CHARGE_BASES)
Border = _enum("Border", BORDERS)
Series = _enum("Series", REMOVAL_CHOICES)
Kind = _enum("Kind", KINDS)
Format = _enum("Format", ("json", "csv"))

#: What an enumerated parameter allows (for the error shape of a value FastAPI refused).
ALLOWED = {"measure": MEASURE_NAMES, "source": tuple(DIMENSIONS), "transfers": TRANSFERS,
           "charge_basis": CHARGE_BASES, "border": BORDERS, "series": REMOVAL_CHOICES,
           "kind": KINDS, "format": ("json", "csv")}


@dataclass(frozen=True)
class Request:
    """One checked request in normal form: ``kind`` (measure, reconcile, scenario),
    ``name`` and the keyword arguments of the library call; ``sort`` and ``top`` apart
    (applied to the computed table, so one computation serves every order)."""

    kind: str
    name: str
    arguments: dict = field(default_factory=dict)
    sort: str | None = None
    top: int | None = None

    def computation(self) -> str:
        """What identifies the computation (not its order or length)."""
        return json.dumps([self.kind, self.name, self.arguments], sort_keys=True, default=str)

    def key(self) -> str:
        """What identifies the answer."""
        return json.dumps([self.computation(), self.sort, self.top])


def as_list(parameter: str, value) -> list[str]:
    """The values of a comma-separated (or list) parameter; none: an empty list.
    More than the parameter's limit is an :class:`InvalidRequest`."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    items = [v.strip() for v in items if v.strip()]
    limit = LIST_LIMITS.get(parameter, 0)
    if limit and len(items) > limit:
        raise InvalidRequest(f"{parameter} names {len(items)} values; at most {limit}",
                             parameter=parameter, value=",".join(items[:limit + 1]) + ",...")
    for item in items:
        if len(item) > MAX_VALUE:
            raise InvalidRequest(f"a value of {parameter} is longer than {MAX_VALUE} "
                                 "characters", parameter=parameter, value=item[:MAX_VALUE])
    return items


def _given(params: dict, known: tuple[str, ...]) -> dict:
    """The parameters given: an empty value (``district=``, blanks) counts as absent; a
    parameter not in ``known`` is an :class:`InvalidRequest` (never silently ignored)."""
    given = {k: v for k, v in params.items()
             if not (v is None or v in ([], ()) or isinstance(v, str) and not v.strip())}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise unknown_parameter(unknown[0], known)
    return given


TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


def _flag(params: dict, name: str) -> bool:
    """A flag given as a bool or as text (``true``, ``1``, ``yes``, ``on``...)."""
    value = params.get(name, False)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE or text in FALSE:
        return text in TRUE
    raise InvalidRequest(f"{name} is true or false, not {value!r}", parameter=name,
                         value=value, allowed=["true", "false"])


def _number(params: dict, name: str, kind, default=None):
    """A number given as a number or as text; anything else is an InvalidRequest."""
    value = params.get(name, default)
    if value is None or isinstance(value, kind) and not isinstance(value, bool):
        return value
    try:
        return kind(str(value).strip())
    except ValueError:
        raise InvalidRequest(f"{name} must be a {'whole ' if kind is int else ''}number, "
                             f"not {value!r}", parameter=name, value=value) from None


def measure_request(name: str, params: dict) -> Request:
    """``params`` (named as the API and ``crossings stats`` name them) checked, in normal
    form; :class:`InvalidRequest` naming the first parameter that does not fit."""
    name = choose("measure", name, MEASURE_NAMES)
    p = _given(params, MEASURE_PARAMETERS)
    by = as_list("by", p.get("by"))
    where = {k: p[k] for k in FILTERS if k in p}
    for listed in ("district", "charge"):
        if listed in where:
            where[listed] = as_list(listed, where[listed])
    options = {"source": p.get("source", "idb"), "release": p.get("release"),
               "transfers": p.get("transfers", "exclude"),
               "charge_basis": p.get("charge_basis", "default"),
               "any_charge": _flag(p, "any_charge"), "share": _flag(p, "share"),
               "change": _flag(p, "change"), "ytd": _flag(p, "ytd"),
               "series": p.get("series"),
               "share_served": _number(p, "share_served", float, 1.0)}
    top = _number(p, "top", int)
    if top is not None and not 1 <= top <= MAX_ROWS:
        raise InvalidRequest(f"top must be 1 to {MAX_ROWS}, not {top}", parameter="top",
                             value=top)
    sort = p.get("sort")
    if sort is not None:
        sort = str(sort).strip()
    if name in beside.NAMES:
        by, where = _checked_context(name, by, where, options)
    else:
        by, where, options = _checked_count(name, by, where, options)
    return Request("measure", name, {"by": by, "where": where, **options}, sort, top)


def _checked_count(name: str, by: list, where: dict, options: dict) -> tuple:
    """A measure counted from the store, checked as ``measure()`` checks it, in the
    library's own normal form (codes, canonical names)."""
    if options["series"] is not None:
        raise InvalidRequest("series applies to removals only", parameter="series",
                             value=options["series"], allowed=["removals"])
    if options["share_served"] != 1.0:
        raise InvalidRequest("share_served applies to prison_cost only",
                             parameter="share_served", value=options["share_served"])
    q = build_query(name, by, where, transfers=options["transfers"],
                    charge_basis=options["charge_basis"], any_charge=options["any_charge"],
                    source=options["source"], release=options["release"], ytd=options["ytd"])
    if options["change"] and "fiscal_year" not in q.by:
        raise InvalidRequest("change needs fiscal_year in by", parameter="change",
                             value=True, hint="add fiscal_year to by")
    options = {**options, "source": q.source, "transfers": q.transfers,
               "charge_basis": q.charge_basis}
    return list(q.by), q.where(), options


def _checked_context(name: str, by: list, where: dict, options: dict) -> tuple:
    """A published series beside the counts, checked as ``beside.measure()`` checks it.
    ``by`` stays as given (each context measure has its own default)."""
    if options["share"] or options["change"] or options["ytd"]:
        flag = next(f for f in ("share", "change", "ytd") if options[f])
        raise InvalidRequest(f"{flag} does not apply to {name}: its series change "
                             "definitions between years (see series_break)",
                             parameter=flag, value=True)
    beside.checked_years(name, where)
    if name == "prison_cost":
        prison_cost.checked_share(options["share_served"])
        build_query("prison_years", ["fiscal_year", *(d for d in by if d != "fiscal_year")],
                    where, transfers=options["transfers"],
                    charge_basis=options["charge_basis"], any_charge=options["any_charge"],
                    source=options["source"], release=options["release"])
        return by, where
    beside.checked_by(name, by)
    if name == "per_apprehension":
        for c in filter_values("charge", where.get("charge")):
            choose("charge", c, IMMIGRATION)
    return by, where


def reconcile_request(params: dict) -> Request:
    p = _given(params, RECONCILE_PARAMETERS)
    by = as_list("by", p.get("by", "fiscal_year,charge"))
    for dim in by:
        choose("dimension for reconcile", dim, RECONCILE_DIMENSIONS, parameter="by")
    where = {k: p[k] for k in ("from_year", "to_year", "district", "charge") if k in p}
    for listed in ("district", "charge"):
        if listed in where:
            where[listed] = as_list(listed, where[listed])
    q = build_query("filings", where=where)
    where = {k: v for k, v in q.where().items() if k != "border"}
    return Request("reconcile", "reconcile", {
        "by": by, "where": where, "published": _flag(p, "published"),
        "idb_release": p.get("idb_release"), "lions_release": p.get("lions_release")})


def scenario_request(params: dict) -> Request:
    p = _given(params, SCENARIO_PARAMETERS)
    halt = [choose("charge", c, CATEGORIES, parameter="halt")
            for c in as_list("halt", p.get("halt"))]
    if not halt:
        raise InvalidRequest("halt needs at least one charge category, e.g. "
                             "illegal_entry,illegal_reentry", parameter="halt",
                             allowed=CATEGORIES)
    source = choose("source", p.get("source", "idb"), tuple(DIMENSIONS))
    share = prison_cost.checked_share(_number(p, "share_served", float, 1.0))
    years = build_query("filings", where={k: p[k] for k in ("from_year", "to_year")
                                          if k in p}).where()
    return Request("scenario", "scenario", {
        "halt": halt, "from_year": years.get("from_year"), "to_year": years.get("to_year"),
        "source": source, "share_served": share, "release": p.get("release")})


def unknown_parameter(name: str, known) -> InvalidRequest:
    """A parameter the route does not take: an error, never silently ignored (a
    misspelt filter would otherwise count everything)."""
    import difflib

    close = difflib.get_close_matches(name, list(known), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    return InvalidRequest(f"unknown parameter {name!r}; {hint}this route takes: "
                          f"{', '.join(known)}", parameter=name, allowed=list(known),
                          suggestions=close)


#: The parameters of /api/v1/measures/{measure}: ``crossings stats`` options, underscored,
#: without the server-side ones (charges file, engine, store) and the display ones.
MEASURE_PARAMETERS = ("by", "from_year", "to_year", "district", "charge", "border", "source",
                      "release", "transfers", "charge_basis", "any_charge", "share",
                      "change", "sort", "top", "ytd", "series", "share_served")
RECONCILE_PARAMETERS = ("by", "district", "charge", "from_year", "to_year", "published",
                        "idb_release", "lions_release")
SCENARIO_PARAMETERS = ("halt", "from_year", "to_year", "source", "share_served", "release")
YEARS = {"ge": FIRST_YEAR, "le": LAST_YEAR}
