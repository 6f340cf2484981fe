"""LIONS (the prosecutors' national caseload extract): what is kept, and code tables.

A release holds about 44 fixed-width ``GS_*`` tables. Crossings keeps eight of
them and, of those, only the columns the measures need (listed in
:data:`KEPT`). Everything else a release holds, names, addresses, SSNs,
birth dates, phone numbers, comments and the users who typed them, is never
read into the store: the decoder slices the kept columns out of each record
and nothing else.

Layouts are **not** written here: each release ships its own readme with its
own column positions, parsed by :mod:`crossings.ingest.lions.readme`. What is
written here is the choice of columns (by name) and the type each is stored as,
so the store's schema stays the same when a release moves or widens a column.

The code tables are DOJ's Appendix A lists shipped in ``data/lions/`` (see
their README in the reference folder); they are loaded, never retyped here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from crossings.codebook.tables import read_table
from crossings.fiscal import MONTH_ABBREVIATIONS, calendar_year, month_end

#: Store types: ``text`` (VARCHAR2: spaces stripped, empty -> null),
#: ``int`` (int64), ``float`` (float64), ``date`` (date32).
KINDS = ("text", "int", "float", "date")


@dataclass(frozen=True)
class KeptColumn:
    name: str  # as printed in the release's readme, e.g. "ID"
    store_name: str  # lower-case name in the store, e.g. "caseid"
    kind: str  # one of KINDS
    key: bool = False  # a join key: a release without it cannot be loaded


@dataclass(frozen=True)
class KeptTable:
    lions_name: str  # "GS_PARTICIPANT"
    store_name: str  # "participants"
    columns: tuple[KeptColumn, ...]

    def column(self, name: str) -> KeptColumn:
        return next(c for c in self.columns if c.name == name)


def _table(lions_name: str, store_name: str, spec: str) -> KeptTable:
    """``spec``: ``NAME[>store_name]:kind[!]`` items separated by spaces (``!`` = key)."""
    columns = []
    for item in spec.split():
        name, kind = item.split(":")
        name, _, store = name.partition(">")
        key = kind.endswith("!")
        columns.append(KeptColumn(name, store or name.lower(), kind.rstrip("!"), key))
    return KeptTable(lions_name, store_name, tuple(columns))


# DISTRICT and CASEID stay text: a case ID is unique only within its district,
# and codes keep their exact spelling. Other IDs are numbers in every layout
# seen so far; they are stored as int64 so joins compare numbers.
KEPT: dict[str, KeptTable] = {t.lions_name: t for t in (
    _table("GS_CASE", "cases",
           "DISTRICT:text! ID>caseid:text! CLASS:text RECVD_DATE:date TYPE:text "
           "STATUS:text LEAD_CHARGE:text CLOSE_DATE:date"),
    _table("GS_PARTICIPANT", "participants",
           "DISTRICT:text! CASEID:text! ID>partid:int! TYPE:text ROLE:text AGENCY:text "
           "COUNTRY:text DEFEND_NUM:int"),
    _table("GS_COURT_HIST", "court_histories",
           "DISTRICT:text! CASEID:text! ID>crthisid:int! COURT:text FILING_DATE:date "
           "DISPOSITION:text DISP_DATE:date"),
    _table("GS_PART_COURT", "part_courts",
           "DISTRICT:text! CASEID:text! PARTID:int! CRTHISID:int! DISPOSITION:text "
           "DISP_REASON:text DISP_DATE:date"),
    _table("GS_COUNT", "counts",
           "DISTRICT:text! CASEID:text! CRTHISID:int! INSTID:int! CHARGE:text CATEGORY:text "
           "ID>countid:int!"),
    _table("GS_PART_COUNT", "part_counts",
           "DISTRICT:text! CASEID:text! PARTID:int! CRTHISID:int! INSTID:int! CHARGE:text "
           "CATEGORY:text COUNTID:int! DISPOSITION:text DISP_DATE:date"),
    _table("GS_CASE_PROG_CAT", "program_categories",
           "DISTRICT:text! CASEID:text! PROG_CAT:text"),
    _table("GS_SENTENCE", "sentences",
           "DISTRICT:text! CASEID:text! PARTID:int! SENT_DATE:date INCAR_TYPE:text "
           "INCAR_DAYS:int INCAR_MONTHS:int INCAR_YEARS:int PROB_DAYS:int PROB_MONTHS:int "
           "PROB_YEARS:int FINE:float"),
)}

#: Columns every stored LIONS table carries besides its kept columns.
PROVENANCE = ("source_file", "source_line", "release")

#: The column the store is partitioned by (``<table>/<district>/part-0.parquet``).
PARTITION = "district"

#: Personal fields of the FY2018 layouts. None may ever be kept; the tests check
#: :data:`KEPT` against this list (and the store's bytes against the input's).
PERSONAL = frozenset({
    "NAME", "LAST_NAME", "FIRST_NAME", "SALUTATION", "TITLE", "LAST_SOUNDS", "FIRST_SOUNDS",
    "SSN", "BIRTH_DATE", "EIN", "PDID", "FBI_NUMBER", "MARSHALS_NUM", "AGENCY_NUM",
    "HOME_ADDRESS1", "HOME_ADDRESS2", "HOME_ADDRESS3", "HOME_CITY", "HOME_COUNTY",
    "HOME_ZIPCODE", "HOME_PHONE", "HOME_FAX", "OFF_ADDRESS1", "OFF_ADDRESS2", "OFF_ADDRESS3",
    "OFF_CITY", "OFF_COUNTY", "OFF_ZIPCODE", "OFF_PHONE", "OFF_FAX", "BUSINESS_CONTACT_LNAME",
    "BUSINESS_CONTACT_FNAME", "EMPLOYER_NAME", "COMMENTS", "TEXT", "CREATE_USER",
    "UPDATE_USER", "AUSA_LAST_NAME", "AUSA_FIRST_NAME", "RACE_DESCRIP", "OCCUP_DESC",
})

#: Marker line the sample generator puts at the top of every readme and log it writes.
SYNTHETIC_MARKER = "SYNTHETIC SAMPLE"

#: A value containing this character is redacted (2010 Vaughn index: a defendant's
#: role becomes ``D*``, any other role ``*``).
REDACTION = "*"

#: Defendants' roles start with D (D, DG, DJ, DO, DP; redacted: ``D*``).
DEFENDANT_ROLE_PREFIX = "D"

# --- release names -------------------------------------------------------------

#: A release name as it prefixes the log and readme files: month, ``FY``, the
#: fiscal year in four digits (``SEPFY2018``, ``JUNFY2025``, ``JAN FY2025``).
#: Case-insensitive; a space or underscore between month and FY is tolerated.
RELEASE_NAME = re.compile(r"(?i)(?<![A-Z])(" + "|".join(MONTH_ABBREVIATIONS) + r")[ _]?FY(\d{4})(?!\d)")


def normalise_release(text: str) -> str | None:
    """``"Jan FY2025_README..."`` -> ``"JANFY2025"``; None if no release name."""
    found = RELEASE_NAME.search(text)
    return f"{found.group(1).upper()}FY{found.group(2)}" if found else None


def release_month(name: str) -> tuple[int, int]:
    """Calendar (year, month) of a release: ``OCTFY2025`` -> (2024, 10).

    The federal fiscal year runs October to September and is named for the
    year it ends in, so October, November and December belong to the year
    before the fiscal year's number.
    """
    normal = normalise_release(name)
    if normal is None:
        raise ValueError(f"not a release name: {name!r}")
    month = MONTH_ABBREVIATIONS.index(normal[:3]) + 1
    return (calendar_year(int(normal[-4:]), month), month)


def release_month_end(name: str) -> dt.date:
    """Last day of the release's month (the snapshot's nominal cut-off)."""
    return month_end(*release_month(name))


# --- code tables -----------------------------------------------------------------
#: Criminal dispositions that are convictions. GT (Guilty) is a conviction by
#: plea or verdict. NC (Nolo Contendere) is a plea of no contest: the court
#: enters a judgment of conviction on it, so it counts as one (the court
#: file counts it the same way). GD (Adjudged Juvenile Delinquent) is not a
#: criminal conviction: a juvenile adjudication is a civil status, so it is left out.
CONVICTION_CODES = frozenset({"GT", "NC"})


@cache
def criminal_dispositions() -> dict[str, str]:
    """``code -> description`` of the Criminal section of Appendix A's DISPOSITION list."""
    return {r["code"]: r["description"] for r in read_table("lions", "dispositions.csv")
            if r["section"] == "Criminal"}


@cache
def roles(section: str = "Criminal") -> dict[str, str]:
    """``code -> description`` of one section of the ROLE list (codes repeat across sections)."""
    return {r["code"]: r["description"] for r in read_table("lions", "roles.csv")
            if r["section"] == section}


def defendant_roles() -> frozenset[str]:
    """Criminal roles of defendants (D, DG, DJ, DO, DP)."""
    return frozenset(c for c in roles("Criminal") if c.startswith(DEFENDANT_ROLE_PREFIX))


@cache
def courts() -> dict[str, str]:
    """``code -> description``: MG Magistrate Court, DC District Court, NC Not in Court..."""
    return {r["code"]: r["description"] for r in read_table("lions", "courts.csv")}


@cache
def districts() -> dict[str, str]:
    """``code -> name`` of LIONS districts (Appendix A's transferring districts)."""
    return {r["code"]: r["description"] for r in read_table("lions", "districts.csv")}


@cache
def countries() -> dict[str, str]:
    """``code -> name`` of countries of citizenship (DOJ's list; ``CH`` is Chile)."""
    return {r["code"]: r["description"] for r in read_table("lions", "countries.csv")}


@cache
def agencies() -> dict[str, str]:
    return {r["code"]: r["description"] for r in read_table("lions", "agencies.csv")}


@cache
def program_categories() -> dict[str, str]:
    return {r["code"]: r["description"] for r in read_table("lions", "program-categories.csv")}


def _code(table: dict[str, str], description: str, what: str) -> str:
    wanted = _fold(description)
    found = [code for code, text in table.items() if _fold(text) == wanted]
    if len(found) != 1:
        raise KeyError(f"{what} {description!r}: {'no' if not found else 'several'} codes match")
    return found[0]


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def court_code(description: str) -> str:
    """``"Magistrate Court"`` -> ``"MG"`` (case and spacing ignored)."""
    return _code(courts(), description, "court")


def disposition_code(description: str) -> str:
    """``"Guilty"`` -> ``"GT"`` in the Criminal section."""
    return _code(criminal_dispositions(), description, "criminal disposition")


def role_code(description: str, section: str = "Criminal") -> str:
    """``"Investigative Agency"`` -> ``"IN"``."""
    return _code(roles(section), description, f"{section.lower()} role")


def agency_code(description: str) -> str:
    """``"Customs and Border Protection"`` -> its code (exact description)."""
    return _code(agencies(), description, "agency")


def program_category_code(description: str) -> str:
    """``"Immigration"`` -> ``"055"``."""
    return _code(program_categories(), description, "program category")


@cache
@dataclass(frozen=True)
class LayoutColumn:
    """A column of a LIONS fixed-width table, as a release's readme prints it."""

    name: str
    nullable: bool
    type: str  # as printed, whitespace removed: "VARCHAR2(10)", "NUMBER(12,2)", "DATE"
    start: int  # 1-based, inclusive
    end: int

    @property
    def width(self) -> int:
        return self.end - self.start + 1

    @property
    def numeric(self) -> bool:
        return self.type.startswith(("NUMBER", "FLOAT"))


@cache
def layout_fy2018_columns() -> dict[str, tuple[LayoutColumn, ...]]:
    """``table -> columns`` in record order, from ``layout-fy2018.csv``."""
    out: dict[str, list[LayoutColumn]] = {}
    for r in layout_fy2018():
        out.setdefault(r["table"], []).append(LayoutColumn(
            r["column"], r["nullable"] == "Y", r["type"], int(r["start"]), int(r["end"])))
    return {t: tuple(cols) for t, cols in out.items()}


def layout_fy2018() -> tuple[dict[str, str], ...]:
    """Rows of ``layout-fy2018.csv``: the September FY2018 release's table layouts."""
    return read_table("lions", "layout-fy2018.csv")
