"""The district crosswalk: court-file codes, LIONS codes and map ids.

Loaded from ``data/geo/districts-geo-key.csv`` (94 districts matched by name).
"""

from __future__ import annotations

from functools import cache

from crossings.codebook.tables import read_table

KEY_FILE = "districts-geo-key.csv"



@cache
def lions_code_by_idb_district() -> dict[str, str]:
    return {r["fjc_district"]: r["lions_code"] for r in read_table("geo", KEY_FILE)}
