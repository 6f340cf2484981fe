"""Labels beside codes in every result: what a code means, in the reader's words.

A ``district`` column gets its name, the prosecutors' abbreviation, the
Bluebook short form and the map key; LIONS ``country`` and ``agency`` codes get
their names from the DOJ tables shipped in the codebook. Combined districts
(``93+94``, the one LIONS office for Guam and the Northern Mariana Islands)
get each part's label joined.
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa

from crossings.codebook import districts
from crossings.codebook import lions as lions_codes

#: Columns added after a district code, and the district's attribute for each.
DISTRICT_LABELS = {"district_name": "name", "district_abbreviation": "abbreviation",
                   "district_short_name": "short", "district_map_key": "map_key"}
JOINERS = {"name": " and "}


@cache
def _districts() -> dict[str, districts.District]:
    return {d.code: d for d in districts.districts()}


def district_label(code: str | None, attribute: str) -> str:
    """One label of a district code (``41``, or combined ``93+94``); ``unknown`` if none."""
    parts = (code or "").split("+")
    if not all(p in _districts() for p in parts):
        return "unknown"
    return JOINERS.get(attribute, "+").join(getattr(_districts()[p], attribute) for p in parts)


def beside(dimension: str, values: list) -> dict[str, pa.Array]:
    """The label columns that follow ``dimension``'s column (none for most)."""
    if dimension == "district":
        return {column: pa.array([district_label(v, attr) for v in values], pa.string())
                for column, attr in DISTRICT_LABELS.items()}
    if dimension == "country":
        names = lions_codes.countries()
        return {"country_name": pa.array([names.get(v, "unknown") for v in values],
                                         pa.string())}
    if dimension == "agency":
        names = lions_codes.agencies()
        return {"agency_name": pa.array([names.get(v, "unknown") for v in values],
                                        pa.string())}
    return {}
