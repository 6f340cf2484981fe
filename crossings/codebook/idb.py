"""The FJC criminal defendants file (cr96on): its layout and code tables.

The 144 columns, their SAS types and the code lists all come from the CSVs in
``data/fjc/`` (the FJC's own tables). This module only decides how each column
is typed in the store, by rules on those facts, written down here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from crossings.codebook.tables import lookup, read_table, table_sha256

LAYOUT_FILE = "cr96on-layout.csv"

#: Fields never stored, whatever the file holds (names of people).
DROPPED = frozenset({"NAME", "FJUDGE", "TJUDGE"})

#: Fields holding the prison sentinels (-1 under a month ... -8 missing).
SENTINEL_FIELDS = ("PRISTIM1", "PRISTIM2", "PRISTIM3", "PRISTIM4", "PRISTIM5", "PRISTOT")

#: Money fields (dollars; may carry cents).
MONEY = re.compile(r"^(FINEAMT[1-5]|FINETOT)$")

#: The counting flags; each must be 0, 1 or -8.
FLAG = re.compile(r"^CT[A-Z]+$")

#: The value that means "missing" in text and numeric fields alike.
MISSING = "-8"
#: The value that means "missing" in date fields.
MISSING_DATE = "01/01/1900"

#: SOURCE value the sample generator writes on every row: marks a store as synthetic.
SYNTHETIC_SOURCE = "SYNTHETIC"

#: The test district, excluded from everything.
TEST_DISTRICT = ("11", "11")


@dataclass(frozen=True)
class Column:
    position: int
    name: str  # as in the FJC file, e.g. "FISCALYR"
    sas_type: str  # "Num" or "Char"
    length: int
    kind: str  # int | money | date | flag | sentinel | code | dropped

    @property
    def store_name(self) -> str:
        return self.name.lower()


def _kind(name: str, sas_type: str, fmt: str) -> str:
    if name in DROPPED:
        return "dropped"
    if sas_type == "Char":
        return "code"
    if fmt.startswith("MMDDYY"):
        return "date"
    if FLAG.match(name):
        return "flag"
    if name in SENTINEL_FIELDS:
        return "sentinel"
    if MONEY.match(name):
        return "money"
    return "int"


@cache
def layout() -> tuple[Column, ...]:
    """The 144 columns in file order."""
    return tuple(
        Column(
            position=int(row["position"]),
            name=row["variable"],
            sas_type=row["sas_type"],
            length=int(row["length"]),
            kind=_kind(row["variable"], row["sas_type"], row["format"]),
        )
        for row in read_table("fjc", LAYOUT_FILE)
    )


def column_names() -> list[str]:
    return [c.name for c in layout()]


def layout_version() -> str:
    """Names the layout by its column count and the SHA-256 of its table."""
    return f"cr96on-{len(layout())}-{table_sha256('fjc', LAYOUT_FILE)[:12]}"


def columns_of_kind(*kinds: str) -> list[Column]:
    return [c for c in layout() if c.kind in kinds]


# --- code tables -----------------------------------------------------------
@cache
def districts() -> dict[tuple[str, str], dict[str, str]]:
    """``(circuit, district) -> row`` (name, southwest_border)."""
    return {(r["circuit"], r["district"]): r for r in read_table("fjc", "districts.csv")}


def southwest_border_districts() -> frozenset[str]:
    return frozenset(r["district"] for r in read_table("fjc", "districts.csv")
                     if r["southwest_border"] == "1")


@cache
def dispositions() -> dict[int, dict[str, str]]:
    return {int(r["code"]): r for r in read_table("fjc", "dispositions.csv")}


def conviction_codes() -> frozenset[int]:
    return frozenset(code for code, r in dispositions().items() if r["convicted"] == "1")


def offense_levels() -> dict[int, str]:
    return {int(k): v for k, v in lookup("fjc", "offense-levels.csv", "code", "label").items()}


def counsel_labels() -> dict[int, str]:
    return {int(k): v for k, v in lookup("fjc", "counsel.csv", "code", "label").items()}


@cache
def prison_sentinels() -> dict[int, dict[str, str]]:
    """``value -> row`` for the negative values of PRISTIMn / PRISTOT."""
    return {int(r["value"]): r for r in read_table("fjc", "prison-sentinels.csv")}


def citations() -> tuple[dict[str, str], ...]:
    return read_table("fjc", "criminal-citations-2024-07-26.csv")


def offense_codes() -> dict[str, str]:
    return lookup("fjc", "offense-codes-2022-06-21.csv", "offense_code", "description")


def status_slug(meaning: str) -> str:
    """``"Guilty but no sentence"`` -> ``"guilty_but_no_sentence"``."""
    return re.sub(r"[^a-z0-9]+", "_", meaning.lower()).strip("_")


@cache
def sentinel_meanings() -> dict[int, tuple[str, int | None]]:
    """``value -> (status, months counted in statistics or None)`` from the codebook."""
    out = {}
    for value, row in prison_sentinels().items():
        months = row["counts_as_months_in_statistics"]
        out[value] = (status_slug(row["meaning"]), int(months) if months else None)
    return out
