"""The 94 federal judicial districts under every name users give them.

A district is accepted as the court file's code (``41``), the prosecutors'
abbreviation (``TXS``), its name ("Southern District of Texas") or its
Bluebook short form ("S.D. Tex."), in any case and spacing; results carry the
code, abbreviation, name, short form and the map key of the shipped
geometry. The short form is built from the Bluebook's state abbreviations
(``data/bluebook/state-abbreviations.csv``, cited in ``SOURCE.txt`` beside it).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from crossings.codebook.tables import read_table
from crossings.errors import InvalidRequest

#: "Southern District of ..." -> "S.D.", by the Bluebook's court abbreviations.
_PARTS = {"Northern": "N.D.", "Southern": "S.D.", "Eastern": "E.D.", "Western": "W.D.",
          "Middle": "M.D.", "Central": "C.D."}
_SINGLE_CAPITAL = re.compile(r"^[A-Z]\.")


@dataclass(frozen=True)
class District:
    code: str  # the court file's two-character code: "41"
    abbreviation: str  # the prosecutors' (and map's) code: "TXS"
    name: str  # "Southern District of Texas"
    short: str  # Bluebook: "S.D. Tex."
    map_key: str  # id of its shape in the shipped TopoJSON
    circuit: str
    southwest_border: bool

    def as_row(self) -> dict:
        return {"district": self.code, "abbreviation": self.abbreviation, "name": self.name,
                "short_name": self.short, "map_key": self.map_key, "circuit": self.circuit,
                "southwest_border": self.southwest_border}


def bluebook_short_form(name: str) -> str:
    """"Southern District of Texas" -> "S.D. Tex."; "District of New Mexico" -> "D.N.M."

    Adjacent single capitals are closed up (Bluebook Rule 6.1(a))."""
    states = {r["name"]: r["abbreviation"] for r in read_table("bluebook",
                                                                 "state-abbreviations.csv")}
    if name.startswith("District of "):
        court, state = "D.", name.removeprefix("District of ")
    else:
        part, _, state = name.partition(" District of ")
        court = _PARTS[part]
    state = state.removeprefix("the ")
    abbreviation = states[state]
    joiner = "" if _SINGLE_CAPITAL.match(abbreviation) else " "
    return f"{court}{joiner}{abbreviation}"


@cache
def districts() -> tuple[District, ...]:
    """Every district, in the court file's code order."""
    southwest = {r["district"]: r["southwest_border"] == "1"
                 for r in read_table("fjc", "districts.csv")}
    out = [District(code=r["fjc_district"], abbreviation=r["lions_code"], name=r["fjc_name"],
                    short=bluebook_short_form(r["fjc_name"]), map_key=r["geo_id"],
                    circuit=r["fjc_circuit"], southwest_border=southwest[r["fjc_district"]])
           for r in read_table("geo", "districts-geo-key.csv")]
    return tuple(sorted(out, key=lambda d: d.code))


def _key(text: str) -> str:
    return re.sub(r"[\s.]+", "", text).casefold()


@cache
def _by_any_name() -> dict[str, District]:
    out = {}
    for d in districts():
        for form in (d.code, d.abbreviation, d.name, d.short):
            out[_key(form)] = d
    return out


def by_code(code: str) -> District:
    return next(d for d in districts() if d.code == code)


def resolve(value: str) -> District:
    """The district ``value`` names in any accepted form, or :class:`InvalidRequest`
    naming the closest districts."""
    found = _by_any_name().get(_key(str(value)))
    if found is not None:
        return found
    forms = {form.casefold(): d for d in districts()
             for form in (d.abbreviation, d.name, d.short)}
    close = difflib.get_close_matches(str(value).casefold(), list(forms), n=3, cutoff=0.6)
    suggestion = list(dict.fromkeys(f"{forms[c].name} ({forms[c].abbreviation}, "
                                    f"{forms[c].short})" for c in close))
    hint = f"; did you mean: {'; '.join(suggestion)}?" if suggestion else ""
    raise InvalidRequest(f"unknown district {value!r}: give a court-file code (41), an "
                         f"abbreviation (TXS), a name (Southern District of Texas) or a "
                         f"short form (S.D. Tex.){hint}", parameter="district", value=value,
                         suggestions=suggestion)
