"""The words crossings understands, with their labels: ``crossings codebook`` and
``crossings.vocabulary()``, and what the API and pages offer in their menus."""

from __future__ import annotations

from crossings import sources
from crossings.codebook import districts
from crossings.codebook import idb as idb_codes
from crossings.codebook import lions as lions_codes
from crossings.errors import InvalidRequest
from crossings.measures import rates
from crossings.measures.beside import CONTEXT_MEASURES
from crossings.measures.charges import CATEGORIES
from crossings.measures.query import MEASURES

CHARGE_LABELS = {
    "illegal_entry": "Illegal entry, 8 U.S.C. 1325 (except marriage fraud, 1325(c))",
    "illegal_reentry": "Illegal re-entry after removal, 8 U.S.C. 1326",
    "alien_smuggling": "Bringing in and harbouring aliens (smuggling), 8 U.S.C. 1324",
    "other_immigration": "Other immigration offences (visa and document fraud, 1325(c), ...)",
    "non_immigration": "Every other federal criminal charge",
    "unreadable": "The charge cannot be read or classified (missing, withheld, ambiguous)",
}

DIMENSION_LABELS = {
    "fiscal_year": "Federal fiscal year (October to September, named for the year it ends)",
    "month": "Calendar month (YYYY-MM) of the date the measure counts by",
    "district": "Federal judicial district (94)",
    "circuit": "Court of appeals circuit the district belongs to",
    "border": "southwest (the five border districts: 41, 42, 70, 74, 84) or other",
    "charge": "Charge category of the lead charge (see `crossings codebook charges`)",
    "charge_group": "immigration (the four immigration categories), non_immigration or "
                    "unreadable, of the same charge as `charge`",
    "statute": "Statute of the lead charge (title and section)",
    "offense_level": "Felony, misdemeanour or petty offence of the lead charge",
    "sentence_bracket": "sentences only: the prison term in months (none, <1, 1-6, 7-12, "
                        "13-24, 25-60, 61+), life, death, no sentence, sealed, missing",
    "court": "LIONS: the court a proceeding was in (district or magistrate)",
    "agency": "LIONS: the referring (investigating) agency",
    "country": "LIONS: the defendant's country of citizenship",
    "program": "LIONS: the program category of the case",
    "release": "LIONS: the release (monthly snapshot) the numbers come from",
}
#: Dimensions of the published series (apprehensions, encounters, per_apprehension).
SERIES_DIMENSIONS = {
    "sector": "Border Patrol sector (apprehensions, encounters)",
    "region": "Border region: whole sectors beside their districts (California 74; Arizona "
              "70; New Mexico and West Texas 84+42; South Texas 41), through FY2019",
}

KINDS = ("districts", "charges", "measures", "dimensions", "countries", "agencies",
         "dispositions")


def vocabulary(kind: str) -> list[dict]:
    """The rows of one vocabulary (``KINDS``), each a code or name with its label."""
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise InvalidRequest(f"unknown vocabulary {kind!r}; expected one of: {', '.join(KINDS)}")
    return _BUILDERS[kind]()


def _districts() -> list[dict]:
    return [d.as_row() for d in districts.districts()]


def _charges() -> list[dict]:
    return [{"charge": c, "label": CHARGE_LABELS[c]} for c in CATEGORIES]


def _measures() -> list[dict]:
    return [{"measure": m.name, "label": m.summary, "sources": ", ".join(m.sources),
             "columns": ", ".join((*m.group, *m.columns, *rates.COLUMNS.get(m.name, {})))}
            for m in MEASURES.values()] + [
        {"measure": m.name, "label": m.summary,
         "sources": "published series" + (" + idb, lions" if m.store else ""),
         "columns": f"by: {', '.join(m.dimensions) or 'the store dimensions'}"}
        for m in CONTEXT_MEASURES.values()]


def _dimensions() -> list[dict]:
    names = dict.fromkeys(d for s in sources.SOURCES.values() for d in s.dimensions)
    return [{"dimension": d, "label": DIMENSION_LABELS[d],
             "sources": ", ".join(s.name for s in sources.SOURCES.values()
                                  if d in s.dimensions)} for d in names] + [
        {"dimension": d, "label": label, "sources": "published series"}
        for d, label in SERIES_DIMENSIONS.items()]


def _countries() -> list[dict]:
    return [{"country": code, "label": name}
            for code, name in sorted(lions_codes.countries().items())]


def _agencies() -> list[dict]:
    return [{"agency": code, "label": name}
            for code, name in sorted(lions_codes.agencies().items())]


def _dispositions() -> list[dict]:
    court = [{"source": "idb", "disposition": str(code), "label": row["label"],
              "conviction": code in idb_codes.conviction_codes()}
             for code, row in sorted(idb_codes.dispositions().items())]
    prosecutors = [{"source": "lions", "disposition": code, "label": label,
                    "conviction": code in lions_codes.CONVICTION_CODES}
                   for code, label in sorted(lions_codes.criminal_dispositions().items())]
    return court + prosecutors


_BUILDERS = {"districts": _districts, "charges": _charges, "measures": _measures,
             "dimensions": _dimensions, "countries": _countries, "agencies": _agencies,
             "dispositions": _dispositions}
