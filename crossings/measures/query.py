"""What a user asks for, checked once before any engine is touched."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from crossings.codebook import districts
from crossings.errors import InvalidRequest
from crossings.measures.charges import CATEGORIES
from crossings.sources import SOURCES

BORDERS = ("southwest", "other")
TRANSFERS = ("exclude", "include")
CHARGE_BASES = ("default", "filing")

#: The fiscal years a request may name (the data holds far fewer).
FIRST_YEAR, LAST_YEAR = 1990, 2100

#: Filters a ``where`` mapping may hold (the CLI's --from-year ... --border).
FILTERS = ("from_year", "to_year", "district", "charge", "border")


@dataclass(frozen=True)
class Measure:
    name: str
    basis: str  # which flag counts: filing | termination | pending
    columns: tuple[str, ...] = ("defendants",)
    group: tuple[str, ...] = ()  # the measure's own grouping column(s)
    convicted_only: bool = False
    sources: tuple[str, ...] = ("idb",)
    summary: str = ""


BOTH = ("idb", "lions")
SENTENCE_COLUMNS = ("convicted", "known_term", "prison", "median_prison_months",
                    "mean_prison_months", "p25_prison_months", "p75_prison_months",
                    "life_or_death", "time_served", "no_sentence", "sealed", "missing")
#: The sum of the known terms (life and death at 470 months) in years; the rest apart.
PRISON_YEAR_COLUMNS = ("convicted", "known_term", "unknown_term", "life_or_death",
                       "prison_years")
SPEED_COLUMNS = ("terminated", "dated", "median_days", "p90_days", "share_within_1_day",
                 "share_within_7_days")

MEASURES = {m.name: m for m in (
    Measure("filings", "filing", summary="defendants filed", sources=BOTH),
    Measure("terminations", "termination", summary="defendants whose cases ended",
            sources=BOTH),
    Measure("convictions", "termination", convicted_only=True,
            summary="terminated defendants convicted", sources=BOTH),
    Measure("pending", "pending", summary="defendants pending at the end of the year"),
    Measure("sentences", "termination", SENTENCE_COLUMNS, convicted_only=True,
            summary="prison terms of convicted defendants", sources=BOTH),
    Measure("prison_years", "termination", PRISON_YEAR_COLUMNS, convicted_only=True,
            summary="years of prison imposed on convicted defendants (terms / 12)",
            sources=BOTH),
    Measure("dispositions", "termination", group=("disposition",),
            summary="terminated defendants by final disposition"),
    Measure("speed", "termination", SPEED_COLUMNS,
            summary="days from filing to disposition"),
    Measure("plea_down", "termination", group=("filing_charge", "termination_charge"),
            summary="terminated defendants by filing and termination charge"),
    Measure("counsel", "filing", group=("counsel",), summary="filings by type of counsel"),
    Measure("offense_level", "filing", group=("offense_level",),
            summary="filings by offense level of the lead charge"),
)}

#: Each source's dimensions, from its descriptor.
DIMENSIONS = {name: source.dimensions for name, source in SOURCES.items()}


@dataclass(frozen=True)
class Query:
    measure: str
    by: tuple[str, ...] = ()
    from_year: int | None = None
    to_year: int | None = None
    districts: tuple[str, ...] = ()  # court-file two-character codes
    charges: tuple[str, ...] = ()
    border: str | None = None
    transfers: str = "exclude"
    charge_basis: str = "default"
    any_charge: bool = False
    source: str = "idb"
    release: str | None = None
    ytd: bool = False  # each fiscal year cut to October .. the data's last complete month

    @property
    def spec(self) -> Measure:
        return MEASURES[self.measure]

    def where(self) -> dict:
        """The filters as given back in ``meta``."""
        out = {"from_year": self.from_year, "to_year": self.to_year,
               "district": list(self.districts), "charge": list(self.charges),
               "border": self.border}
        return {k: v for k, v in out.items() if v not in (None, [])}


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return list(value)


def filter_values(name: str, value) -> list:
    """The values of the filter ``name`` (comma-separated text or a list).

    A filter that is given but names no value (``--district ""``, ``",,,"``) is
    an error, never "no filter": it would count every district. A caller for
    whom an empty parameter means "not given" (the web layer) drops it first."""
    values = [v.strip() if isinstance(v, str) else v for v in _as_list(value)]
    values = [v for v in values if v != ""]
    if value is not None and not values:
        raise InvalidRequest(f"{name} is given but names no value ({value!r}); give at least "
                             "one, or leave the filter out to count them all",
                             parameter=name.lstrip("-").replace("-", "_"), value=value)
    return values


def build_query(measure: str, by=(), where: dict | None = None, *, transfers: str = "exclude",
                charge_basis: str = "default", any_charge: bool = False, source: str = "idb",
                release: str | None = None, ytd: bool = False) -> Query:
    """Check every part of a request; raise :class:`InvalidRequest` naming what is wrong."""
    measure = choose("measure", measure, tuple(MEASURES))
    spec = MEASURES[measure]
    source = choose("source", source, tuple(DIMENSIONS))
    if source not in spec.sources:
        raise InvalidRequest(f"measure {measure!r} is not available for source {source!r}; "
                             f"it is available for: {', '.join(spec.sources)}",
                             parameter="source", value=source, allowed=spec.sources)
    by = tuple(choose(f"dimension for {source}", d, DIMENSIONS[source]) for d in _as_list(by))
    for dim in by:
        if dim in spec.group:
            raise InvalidRequest(f"{measure} is already broken down by {dim}",
                                 parameter="by", value=dim)
    if len(set(by)) != len(by):
        raise InvalidRequest("a dimension is repeated in --by", parameter="by",
                             value=",".join(by))
    where = dict(where or {})
    unknown = set(where) - set(FILTERS)
    if unknown:
        raise InvalidRequest(f"unknown filter(s) {', '.join(sorted(unknown))}; expected: "
                             f"{', '.join(FILTERS)}", parameter=sorted(unknown)[0],
                             allowed=FILTERS)
    transfers = choose("transfers", transfers, TRANSFERS)
    charge_basis = choose("charge basis", charge_basis, CHARGE_BASES)
    if not SOURCES[source].court_file_options and (transfers != "exclude"
                                                    or charge_basis != "default"):
        raise InvalidRequest("--transfers and --charge-basis apply to the court file (idb) only",
                             parameter="transfers" if transfers != "exclude" else "charge_basis",
                             value=transfers if transfers != "exclude" else charge_basis)
    if charge_basis == "filing" and spec.basis != "termination":
        raise InvalidRequest("--charge-basis filing applies to termination measures only",
                             parameter="charge_basis", value=charge_basis)
    if release is not None and "release" in by:
        raise InvalidRequest("--release picks one release; --by release shows them all",
                             parameter="release", value=release)
    if "sentence_bracket" in by and measure != "sentences":
        raise InvalidRequest(f"sentence_bracket groups prison terms: it applies to the "
                             f"sentences measure only, not {measure}", parameter="by",
                             value="sentence_bracket")
    if any_charge and "charge_group" in by:
        raise InvalidRequest("--any-charge counts a defendant under each category of their "
                             "charges, so the groups would not add up to the defendants; "
                             "charge_group groups the lead charge: leave out --any-charge "
                             "(or use --by charge with --any-charge)",
                             parameter="any_charge", value=True)
    if any_charge and measure == "plea_down":
        raise InvalidRequest("plea_down compares lead charges; --any-charge does not apply",
                             parameter="any_charge", value=True)
    if ytd and spec.basis == "pending":
        raise InvalidRequest("pending is a year-end snapshot: --ytd does not apply to it",
                             parameter="ytd", value=True)
    border = where.get("border")
    if border is not None:
        border = choose("border", border, BORDERS)
    charges = tuple(choose("charge", c, CATEGORIES)
                    for c in filter_values("charge", where.get("charge")))
    from_year = _year(where.get("from_year"), "from_year")
    to_year = _year(where.get("to_year"), "to_year")
    if from_year is not None and to_year is not None and from_year > to_year:
        raise InvalidRequest(f"--from-year {from_year} is after --to-year {to_year}",
                             parameter="from_year", value=from_year)
    return Query(
        measure=measure, by=by, from_year=from_year, to_year=to_year,
        districts=tuple(resolve_district(d) for d in filter_values("district",
                                                                    where.get("district"))),
        charges=charges, border=border, transfers=transfers, charge_basis=charge_basis,
        any_charge=any_charge, source=source, release=release, ytd=bool(ytd))


def choose(what: str, value, choices, *, parameter: str | None = None) -> str:
    """``value`` as one of ``choices``, ignoring case; else :class:`InvalidRequest`
    listing them, the closest first ("did you mean"). ``parameter``: the name the
    request gave it (default: ``by`` for a dimension, else ``what`` underscored)."""
    text = str(value).strip()
    by_folded = {c.casefold(): c for c in choices}
    if text.casefold() in by_folded:
        return by_folded[text.casefold()]
    close = [by_folded[c] for c in difflib.get_close_matches(text.casefold(), list(by_folded),
                                                             n=3, cutoff=0.6)]
    hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
    if parameter is None:
        parameter = "by" if what.startswith("dimension") else what.replace(" ", "_")
    raise InvalidRequest(f"unknown {what} {text!r}; {hint}expected one of: "
                         f"{', '.join(choices)}", parameter=parameter, value=text,
                         allowed=choices, suggestions=close)


def _year(value, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise InvalidRequest(f"{name} must be a fiscal year such as 2015, not {value!r}",
                             parameter=name, value=value) from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidRequest(f"{name} {year} is outside the years the data can hold",
                             parameter=name, value=year)
    return year


def resolve_district(value: str) -> str:
    """The court-file district code of ``value`` in any form users give: ``41``,
    ``TXS``, "Southern District of Texas", "S.D. Tex." (any case)."""
    return districts.resolve(value).code
