"""The pages' filter form: read from the query string, checked, and written back.

The query string is the permalink: every filter a page shows is a GET
parameter named as the API's (``from_year``, ``district``...), so the page's
URL restores it and the same values build the API links beside each chart.
An empty parameter counts as absent (a GET form sends every field).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from urllib.parse import urlencode

from crossings.errors import InvalidRequest
from crossings.measures.charges import CATEGORIES
from crossings.measures.labels import district_label
from crossings.measures.query import BORDERS, choose, resolve_district
from crossings.measures.vocabulary import CHARGE_LABELS, vocabulary
from crossings.sources import SOURCES

#: Short labels for the charge menu (the vocabulary's long labels go in its title).
CHARGE_NAMES = {
    "illegal_entry": "Illegal entry (1325)",
    "illegal_reentry": "Illegal re-entry (1326)",
    "alien_smuggling": "Smuggling (1324)",
    "other_immigration": "Other immigration",
    "non_immigration": "Non-immigration",
    "unreadable": "Unreadable charge",
}
BORDER_NAMES = {"southwest": "Southwest border districts", "other": "Every other district"}
SOURCE_NAMES = {"idb": "Court file (FJC)", "lions": "Prosecutors (LIONS)"}


@dataclass(frozen=True)
class Filters:
    """What a reader chose; ``None`` means "all"."""

    from_year: int | None = None
    to_year: int | None = None
    district: str | None = None  # a court-file district code
    charge: str | None = None
    border: str | None = None
    source: str = "idb"

    @classmethod
    def from_query(cls, query, allowed: tuple[str, ...]) -> Filters:
        """The filters ``allowed`` on a page, from its query string (others are ignored);
        :class:`InvalidRequest` naming a value that is not one of the choices."""
        given = {name: (query.get(name) or "").strip() for name in allowed}
        given = {name: value for name, value in given.items() if value}
        values: dict = {}
        for name in ("from_year", "to_year"):
            if name in given:
                values[name] = _year(name, given[name])
        if "district" in given:
            values["district"] = resolve_district(given["district"])
        if "charge" in given:
            values["charge"] = choose("charge", given["charge"], CATEGORIES)
        if "border" in given:
            values["border"] = choose("border", given["border"], BORDERS)
        if "source" in given:
            values["source"] = choose("source", given["source"], tuple(SOURCES))
        filters = cls(**values)
        if (filters.from_year and filters.to_year and filters.from_year > filters.to_year):
            raise InvalidRequest(f"from_year {filters.from_year} is after to_year "
                                 f"{filters.to_year}")
        return filters

    def given(self) -> dict[str, str]:
        """The filters set, as query-string text (the defaults left out)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and value != f.default:
                out[f.name] = str(value)
        return out

    def where(self) -> dict[str, str]:
        """The filters as API parameters for a measure (``source`` included)."""
        out = {k: v for k, v in self.given().items() if k != "source"}
        if self.source != "idb":
            out["source"] = self.source
        return out

    def query_string(self, **extra) -> str:
        """The page's query string with ``extra`` parameters (``None`` drops one)."""
        values = {**self.given(), **extra}
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def _year(name: str, text: str) -> int:
    try:
        year = int(text)
    except ValueError:
        raise InvalidRequest(f"{name} must be a fiscal year such as 2015, not {text!r}") from None
    if not 1990 <= year <= 2100:
        raise InvalidRequest(f"{name} {year} is outside the years the data can hold")
    return year


@cache
def district_choices() -> tuple[tuple[str, str], ...]:
    """(code, "Southern District of Texas (S.D. Tex.)") for every district, by name."""
    rows = sorted(vocabulary("districts"), key=lambda d: _state_order(d["name"]))
    return tuple((d["district"], f"{d['name']} ({d['short_name']})") for d in rows)


def _state_order(name: str) -> tuple[str, str]:
    """Districts sorted by their state, then by name: "Northern District of Texas" beside
    "Southern District of Texas"."""
    state = name.split(" of ", 1)[-1]
    return (state.lower(), name.lower())


def district_name(code: str | None) -> str:
    """"Southern District of Texas" for ``41``; "All districts" for none."""
    return district_label(code, "name") if code else "All districts"


def charge_choices() -> tuple[tuple[str, str, str], ...]:
    """(category, short name, long label) of each charge category."""
    return tuple((c, CHARGE_NAMES[c], CHARGE_LABELS[c]) for c in CATEGORIES)
