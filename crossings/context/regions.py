"""Border regions: whole Border Patrol sectors beside the districts they border.

No sector-by-district split of apprehensions is published, so sectors are not
divided: each is allocated whole to the region whose districts hold its
border segment. The regions are checked against the shipped crosswalk (its
``border`` rows) when first used; a disagreement is an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from crossings.context.series import rows
from crossings.errors import SourceError

CROSSWALK = "sector-district-crosswalk.csv"


@dataclass(frozen=True)
class Region:
    name: str
    districts: tuple[str, ...]  # court-file codes
    sectors: tuple[str, ...]


REGIONS = (
    Region("California", ("74",), ("San Diego", "El Centro")),
    Region("Arizona", ("70",), ("Yuma", "Tucson")),
    Region("New Mexico and West Texas", ("84", "42"), ("El Paso", "Big Bend", "Del Rio")),
    Region("South Texas", ("41",), ("Laredo", "Rio Grande Valley")),
)


@cache
def regions() -> tuple[Region, ...]:
    """The four regions, after checking each sector's border districts lie in its region."""
    border: dict[str, set[str]] = {}
    for r in rows(CROSSWALK):
        if r["role"] == "border":
            border.setdefault(r["sector"], set()).add(r["district_code"])
    for region in REGIONS:
        for sector in region.sectors:
            if not border.get(sector) or not border[sector] <= set(region.districts):
                raise SourceError(f"sector {sector!r} borders districts "
                                  f"{sorted(border.get(sector, ()))}, not those of region "
                                  f"{region.name!r}", path=CROSSWALK)
    allocated = {s for region in REGIONS for s in region.sectors}
    if set(border) != allocated:
        raise SourceError(f"crosswalk sectors {sorted(set(border) ^ allocated)} are not in "
                          "exactly one region", path=CROSSWALK)
    return REGIONS


def region_of_district(code: str) -> str | None:
    return next((r.name for r in regions() if code in r.districts), None)


def not_allocated() -> list[dict]:
    """The crosswalk rows left out of the regions: a sector's part-border and inland areas."""
    return [r for r in rows(CROSSWALK) if r["role"] != "border"]
