"""The court file (``cr96on.txt``, 144 columns) of the same world as a LIONS sample.

Rows are built the way ``tests/helpers/idb_rows.py`` builds them: every field starts
at its "missing" value (``-8``; ``01/01/1900`` for dates; blank names) and the
facts of one defendant are set on top. A defendant has one row per fiscal year
from its filing year to its termination year (or to the release's year while
pending); only the filing-year row carries ``CTFIL = 1`` (``CTFILTRN = 1``
and ``CTFIL = 0`` for a transfer in). The district comes from the crosswalk
(Guam is ``93``); the lead charge (slot 1) is the FJC citation of the
defendant's own lead charge, with its offense level and D2 code from
``criminal-citations-2024-07-26.csv`` (all ``-8`` when the LIONS charge is
unreadable). Tab-separated, header row, CRLF, latin-1.
"""

from __future__ import annotations

import hashlib
from datetime import date
from functools import cache
from pathlib import Path
from typing import NamedTuple

from crossings.codebook import idb as idb_codes
from crossings.codebook.tables import read_table
from crossings.fiscal import fiscal_year

__all__ = ["MEMBER", "CourtDefendant", "CourtFileWriter", "idb_charge", "fiscal_year", "row"]

MEMBER = "cr96on.txt"
NAMES = idb_codes.column_names()
DATES = frozenset(c.name for c in idb_codes.layout() if c.kind == "date")
FLAGS = tuple(c.name for c in idb_codes.layout() if c.kind == "flag")
M, ND = idb_codes.MISSING, idb_codes.MISSING_DATE
#: LIONS criminal dispositions -> the court file's DISP codes (guilty -> plea,
#: nolo -> 5, dismissals -> 1/15, not guilty -> acquitted by jury); trials after a
#: guilty verdict (8, 9) are planted by ``outcomes`` (GT does not tell them apart).
DISP = {"GT": 4, "NC": 5, "DM": 15, "DJ": 1, "NG": 3}


def _mdy(day: date | None) -> str:
    return ND if day is None else f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


@cache
def _base() -> dict[str, str]:
    values = {}
    for name in NAMES:
        if name in ("NAME", "FJUDGE", "TJUDGE"):
            values[name] = ""
        elif name in DATES:
            values[name] = ND
        elif name in FLAGS:
            values[name] = "0"
        else:
            values[name] = M
    values.update({"REOPSEQ": "0", "TYPEREG": "CR", "SOURCE": idb_codes.SYNTHETIC_SOURCE,
                   "VER": "1", "FUGSTAT": "N", "OFFICE": "1"})
    return values


def row(**fields) -> dict[str, str]:
    """One row of the 144-column layout: every field missing, then ``fields`` set."""
    values = dict(_base())
    for key, value in fields.items():
        if key not in values:
            raise KeyError(f"{key} is not a column of the layout")
        values[key] = str(value)
    return values


_INDEX = {name: i for i, name in enumerate(NAMES)}


@cache
def _base_list() -> tuple[str, ...]:
    return tuple(_base()[n] for n in NAMES)


def _values(fields: dict[str, str]) -> list[str]:
    """The row as a list in layout order: every field missing, then ``fields`` set."""
    values = list(_base_list())
    _set(values, fields)
    return values


def _set(values: list[str], fields: dict[str, str]) -> None:
    for key, value in fields.items():
        values[_INDEX[key]] = value


@cache
def _citations() -> dict[str, tuple[str, str]]:
    """``citation -> (offense level code, D2 code)``."""
    level = {r["letter"]: r["code"] for r in read_table("fjc", "offense-levels.csv")}
    return {r["citation"]: (level.get(r["level_letter"], M), r["d2_offense_code"] or M)
            for r in idb_codes.citations()}


def idb_charge(citation: str) -> tuple[str, str, str]:
    """(citation, offense level, D2 code) of a slot; ``-8`` everywhere when unreadable.

    Raises KeyError for a citation the FJC table does not list: the sample only
    writes listed ones, so the court file's own rules classify them for certain.
    """
    if citation == M:
        return M, M, M
    lvl, d2 = _citations()[citation]
    return citation, lvl, d2


@cache
def _districts() -> dict[str, tuple[str, str]]:
    """LIONS code -> (circuit, district) of the court file; never NMI (it is Guam's)."""
    return {r["lions_code"]: (r["fjc_circuit"], r["fjc_district"])
            for r in read_table("geo", "districts-geo-key.csv") if r["lions_code"] != "NMI"}


class CourtDefendant(NamedTuple):
    """What the court file knows of one district-court defendant."""

    district: str  # LIONS code
    defno: int
    filed: date
    citation: str  # FJC citation of the own lead charge, "-8" when unreadable
    transfer: bool  # counted as a transfer in only (CTFILTRN 1, CTFIL 0)
    magistrate: bool  # began with a magistrate complaint
    disposed: date | None  # None: pending at the release
    disposition: str | None  # LIONS code (GT, DM, ...)
    prison: int | None  # months, convicted only
    disp: int | None = None  # DISP1 when not the plain mapping of ``disposition`` (a trial)
    term_citation: str | None = None  # the termination lead charge, when not the filing one


class CourtFileWriter:
    """Writes ``cr96on.txt`` row by row; :meth:`close` returns (rows, bytes, sha256)."""

    def __init__(self, path: Path, as_of: date) -> None:
        self.path, self.as_of = Path(path), as_of
        self.fh = self.path.open("wb")
        self.digest = hashlib.sha256()
        self.pending: list[str] = []
        self.rows = self.bytes = self.filed = 0
        self.dockets: dict[tuple[str, int], int] = {}
        self._put("\t".join(NAMES))

    def _put(self, line: str) -> None:
        self.pending.append(line)
        if len(self.pending) >= 2048:  # write in blocks of about a megabyte
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            data = ("\r\n".join(self.pending) + "\r\n").encode("latin-1")
            self.pending = []
            self.fh.write(data)
            self.digest.update(data)
            self.bytes += len(data)

    def _docket(self, district: str, year: int) -> str:
        n = self.dockets.get((district, year), 0) + 1
        self.dockets[(district, year)] = n
        return f"{year % 100:02d}{n:05d}"

    def defendant(self, d: CourtDefendant) -> None:
        """The defendant's rows, one per fiscal year from filing to termination."""
        circuit, dist = _districts()[d.district]
        docket = self._docket(d.district, d.filed.year)
        defno = f"{d.defno:03d}"
        case = f"{circuit}{dist}1{docket}CR"
        cit, lvl, d2 = idb_charge(d.citation)
        common = {"CIRCUIT": circuit, "DISTRICT": dist, "DOCKET": docket, "DEFNO": defno,
                  "CTDEF": defno, "DEFLGKY": f"{case}{defno}0", "CASLGKY": f"{case}0",
                  "FILEDATE": _mdy(d.filed), "FTITLE1": cit, "FOFFLVL1": lvl,
                  "FOFFCD1": d2, "D2FOFFCD1": d2, "LOADDATE": _mdy(self.as_of)}
        if d.magistrate:
            common.update(TYPEMAG="MJ", MAGDOCK=self._docket(d.district + "/mj",
                                                             d.filed.year), MAGDEF="001")
        if d.transfer:
            common.update(TYPETRN="CR", TRANDIST="0542" if d.district != "TXS" else "0970",
                          TRANOFF="1", TRANDOCK=f"{d.filed.year % 100:02d}90001",
                          TRANDEF="001")
        base = _values(common)
        term = idb_charge(d.term_citation) if d.term_citation is not None else (cit, lvl, d2)
        first = fiscal_year(d.filed)
        last = fiscal_year(self.as_of) if d.disposed is None else fiscal_year(d.disposed)
        for year in range(first, last + 1):
            values = base.copy()  # a list: the dict form (row()) is ten times slower
            _set(values, self._year_fields(d, year, first, last, term))
            self.rows += 1
            self._put("\t".join(values))

    def _year_fields(self, d: CourtDefendant, year: int, first: int, last: int,
                     term: tuple[str, str, str]) -> dict[str, str]:
        out = {"FISCALYR": str(year)}
        if year == first:
            out.update(CTFILTRN="1", CTFIL="0" if d.transfer else "1",
                       CTFILWOR="0" if d.transfer else "1")
            self.filed += not d.transfer
        if d.disposed is not None and year == last:
            prison = str(d.prison) if d.prison is not None else M
            cit, lvl, d2 = term
            disp = d.disp if d.disp is not None else DISP.get(d.disposition or "", 1)
            out.update(STATUSCD="J", DISPDATE=_mdy(d.disposed), TERMDATE=_mdy(d.disposed),
                       TTITLE1=cit, TOFFLVL1=lvl, TOFFCD1=d2, D2TOFFCD1=d2,
                       DISP1=str(disp), PRISTIM1=prison,
                       PRISTOT=prison, CTTRTRN="1", CTTR="1", CTTRWOR="1", TAPEYEAR=str(year))
        else:
            out.update(STATUSCD="E", CTPN="1", CTPNWOF="1", TAPEYEAR="2099")
        return out

    def close(self) -> tuple[int, int, str]:
        self._flush()
        self.fh.close()
        return self.rows, self.bytes, self.digest.hexdigest()
