"""A synthetic FJC criminal defendants file (``cr96on.txt``) in the exact layout.

The rows follow the real file's semantics (the FJC fact base): one row per
defendant per fiscal-year snapshot, FY1996 to a partial FY2026 whose "now" is
:data:`AS_OF`; the ten 0/1 counting flags as the codebook defines them;
termination fields only on the termination-year row; Rule 20/21 transfers,
superseding dismissals and reopens as separate defendant records. The mix is
shaped like the published series (about 27% immigration, ~78% of it in the
five southwest border districts); citations come from the shipped table.

Planted traps, each at a low rate, that counting code must handle: ACA
citations (``18:13-8720.F``); parseable citations missing from the table
(``8:1326C.F``) with D2 code ``-8``; listed citations with D2 ``-8``; a D2 code
with citation ``-8``; only FOFFCD; nothing usable in slot 1; D2 codes ``-8``
before FY2005 (as in the real file); filings and terminations counted one FY
after their date (late reporting); ``-8`` count flags in FY1996-1999; re-sent
rows (same DEFLGKY and FISCALYR, higher VER); latin-1 bytes (``DOÑA``) in
COUNTY. Rows come case by case, not sorted.

FSEVn/TSEVn, PRISCDn, PROBCDn, PROCCD, APPCD and INT1-INT3 are not explained
in the fact base: they hold plausible small codes (INTn: months from filing to
disposition, disposition to sentencing, filing to termination).

Same seed, same bytes: one ``random.Random(seed)`` drawn in a fixed order,
tables walked in file order, no set or str-hashed dict ever iterated.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import cache
from math import exp
from pathlib import Path
from random import Random
from statistics import NormalDist
from typing import Any, NamedTuple

from crossings.codebook import fjc
from crossings.codebook.fjc import SYNTHETIC_SOURCE
from crossings.codebook.tables import read_table
from crossings.progress import ProgressCallback, ProgressUpdate
from crossings.sample.zipwrite import write_deflate64_zip

__all__ = ["AS_OF", "MEMBER", "SYNTHETIC_SOURCE", "SampleInfo", "iter_fjc_rows",
           "write_fjc_sample"]

MEMBER, ZIP_NAME = "cr96on.txt", "cr96on.zip"
FIRST_FY, LAST_FY = 1996, 2026
#: The synthetic file's "now": FY2026 is partial and no date lies after this.
AS_OF = date(2026, 6, 30)
D2_FIRST_FY = 2005  # the D2 offense codes exist from FY2005 on
M, ND = fjc.MISSING, fjc.MISSING_DATE
_T0 = date(1995, 10, 1)  # day 0 of every day offset below
_T1 = (AS_OF - _T0).days
_CONVICTED = frozenset(fjc.conviction_codes())

# Criminal defendants filed per FY (thousands, shaped like the AO series;
# FY2026 is three quarters) and the immigration share of them (percent).
_FILED = (61, 64, 69, 74, 76, 78, 82, 86, 84, 85, 83, 83, 86, 92, 96, 101, 94, 91,
          81, 77, 77, 73, 84, 92, 78, 63, 67, 70, 71, 82, 65)
_IMM_PCT = (13, 15, 18, 19, 20, 19, 19, 21, 22, 23, 25, 27, 29, 30, 29, 28, 27, 28,
            28, 26, 26, 25, 33, 34, 31, 28, 30, 32, 33, 38, 40)
_BORDER_SHARE = 0.78  # of immigration filings, in the five border districts
_BORDER = {"41": 30, "42": 22, "70": 22, "74": 16, "84": 10}
# Relative size of the larger districts for everything else (others weigh 1).
_SIZE = {"41": 5, "42": 4.5, "70": 4, "74": 4, "84": 2.5, "08": 2.5, "07": 2, "3C": 3,
         "3A": 2.5, "73": 2.5, "52": 2, "39": 1.8, "40": 1.5, "22": 2, "04": 1.8, "12": 1.6,
         "13": 1.5, "45": 1.5, "3E": 1.5, "72": 1.3, "71": 1.2, "78": 1.2, "82": 1.2}

# Trap rates, per defendant unless said otherwise.
P_TRAP_IMM, P_TRAP_OTHER = 0.006, 0.0008  # one of the slot-1 charge traps
P_TRANSFER, P_REOPEN, P_PLEA_DOWN = 0.015, 0.015, 0.08
P_LATE = 0.004  # a filing or termination counted one FY after its date
P_DUP = 0.0002  # a re-sent row: same DEFLGKY and FISCALYR, VER + 1
P_NEG_FLAGS = 0.0006  # per row of FY1996-1999: -8 count flags
P_LATIN1 = 0.002  # per District of New Mexico defendant: COUNTY "DOÑA"

# Offense categories. Per category: "name share [imm] | P(1, 2, .. counts) |
# P(1, 2, .. defendants in the case) | days to disposition (median, log spread) |
# days to sentencing | prison months (median, spread, cap) | shares of convictions:
# probation only, fugitive, life, fine", where share is within immigration ("imm")
# or within the rest; then the lead citations with weights ("*": any listed
# citation outside immigration); then "+" and the further counts' citations
# (never above the lead's level).
_CATEGORIES = """
reentry 55 imm | 85 12 3 | 97 3 | 40 .8 | 35 .6 | 15 .75 120 | .03 .01 0 .05
8:1326.F 25 8:1326A.F 15 8:1326B1.F 20 8:1326B2.F 25 8:1326B.F 15
+ 8:1326.F 18:1546.F 18:911.F 18:1028A.F 8:1325A1.P
entry 25 imm | 90 10 | 95 5 | 20 1.2 | 10 1 | 2 1 24 | .05 .01 0 .05
8:1325A1.P 45 8:1325.M 12 8:1325A2.F 8 8:1325A.F 10 8:1325.F 8 8:1325A2.P 10 8:1325.P 7
+ 8:1325A1.P 8:1325A2.P 18:1546.F
smuggling 15 imm | 40 30 15 8 7 | 45 25 12 8 5 3 2 | 75 .8 | 80 .5 | 18 .55 120 | .08 .02 0 .05
8:1324.F 88 8:1324.M 12
+ 8:1324.F 8:1324.F 18:371.F 8:1324.M
immigration-other 5 imm | 70 20 10 | 85 10 5 | 120 .9 | 90 .6 | 8 1 60 | .35 .02 0 .05
8:1324A.P 15 18:1546.F 35 8:1325C.F 15 8:1253.F 5 8:1306A.P 3 18:758.F 8 8:1327.F 7
8:1328.F 4 8:1255.F 3 8:1160.F 2 8:1252E.F 3
+ 18:1546.F 18:1001.F 18:1028A.F 8:1324A.P
drugs 40 | 35 25 15 10 15 | 50 18 10 7 5 4 3 3 | 200 .9 | 100 .5 | 60 .8 480 | .06 .04 .002 .05
21:841A=CD.F 30 21:846=CD.F 25 21:841A=ND.F 8 21:841A=MD.F 6 21:952A=CI.F 6
21:960A=CI.F 5 21:841B=CP.F 3 21:844A=CP.M 3 21:841A1=MP.F 3 21:846=CI.F 4
21:952A=MI.F 4 21:841A=CM.F 3
+ 21:841A=CD.F 21:846=CD.F 18:924C.F 18:1956-6801.F 21:844A=CP.M
firearms 14 | 60 25 10 5 | 85 10 5 | 180 .8 | 100 .5 | 46 .7 360 | .08 .03 .001 .05
18:922G.F 60 18:924C.F 15 18:922A.F 5 18:922J.F 5 18:922O.F 5 18:924A.F 5 18:922K.F 5
+ 18:924C.F 18:922G.F 21:841A=CD.F 18:922K.F
fraud 17 | 40 20 15 10 15 | 60 20 10 5 5 | 300 .9 | 110 .5 | 24 1 300 | .3 .03 0 .3
18:1343.F 20 18:1341.F 15 18:1344A.F 10 18:1028A.F 12 18:1347.F 8 18:1349.F 8
18:371.F 12 18:1029A.F 5 18:641.F 5 18:1001.F 5
+ 18:1343.F 18:1028A.F 18:371.F 18:1956-4700.F 18:1341.F
violent 4 | 55 30 15 | 80 15 5 | 250 .8 | 110 .5 | 84 .7 600 | .05 .03 .01 .05
18:2113A.F 35 18:1951.F 20 18:111.F 15 18:2119.F 8 18:1153.F 10 18:1111.F 3
18:1201.F 4 18:875C.F 5
+ 18:924C.F 18:111.F 18:1951.F
sex 5 | 60 25 15 | 95 5 | 250 .8 | 110 .5 | 120 .6 600 | .05 .02 .005 .05
18:2252A.F 50 18:2422.F 15 18:2250.F 20 18:2241A.F 5 18:2423A.F 5 18:1591.F 5
+ 18:2252A.F 18:2422.F
property 7 | 65 25 10 | 80 15 5 | 200 .9 | 100 .5 | 12 1 240 | .4 .03 0 .15
18:1708.F 20 18:641.F 25 18:2314.F 10 18:471.F 10 18:472.F 10 18:2113B.F 10 18:1361.F 15
+ 18:641.F 18:371.F 18:1708.F 18:641.M
other 13 | 75 20 5 | 85 10 5 | 150 1 | 90 .6 | 10 1.1 240 | .35 .03 0 .2
18:3146.F 10 18:1001.F 10 18:401.F 5 18:1791A.F 5 18:545.F 10 18:13-7210.P 10
18:1382.P 5 18:13-1500.F 5 18:201B.F 5 18:1503.F 5 18:911.F 5 18:1542.F 10
18:1425.F 3 18:1426.F 2 * 40
+ 18:1001.F 18:371.F 18:1382.P
"""

# Older offense codes (FOFFCD) that differ from the D2 code for the same charge.
_OLD_CODE = {"8710": "8740", "8720": "8710", "8730": "6200", "8731": "8730",
             "8740": "8730", "8750": "8730"}
# Parseable citations that are not in the table: (citation, older offense code).
_UNLISTED = {"reentry": ("8:1326C.F", "8720"), "entry": ("8:1325B.P", "8710"),
             "smuggling": ("8:1324.P", "8730"), "immigration-other": ("18:1546B.F", "8730"),
             "": ("8:1324C.F", "8730")}
_ACA = {"reentry": "18:13-8720.F", "entry": "18:13-8710.P", "smuggling": "18:13-8730.F",
        "immigration-other": "18:13-8750.F", "": "18:13-4999.F"}
_TRAPS = ("aca", "unlisted", "nod2", "nocite", "codeonly", "blank")
# Code draws as "value:weight" (dispositions: transfers, 0, have their own path).
_DISP_IMM = ("4:88.5 9:1.2 8:.4 5:.2 17:.01 19:.01 1:5.5 15:3.5 2:.1 3:.2 11:.2 12:.2 14:.3 "
             "20:.6 21:.2 13:.05 10:.01 16:.01 18:.01")  # ~88% convicted
_DISP_OTHER = ("4:80 9:4 8:.6 5:.3 17:.02 19:.02 1:7 15:3 2:.3 3:.9 11:.3 12:1 14:.6 20:1.2 "
               "21:.3 13:.1 10:.02 16:.02 18:.02")
_COUNSEL_IMM, _COUNSEL_OTHER = "6:55 1:35 2:7 0:2 5:1", "1:40 6:30 2:25 0:2 3:1 5:1 7:1 4:.5"
_PROCCD, _APPCD = "1:45 2:30 3:10 4:5 5:3 9:3 6:2 7:2", "-8:30 1:25 2:20 3:10 4:8 5:4 6:3"
_SUPV = "0:15 12:10 24:15 36:40 60:15 120:5"  # months of supervised release
_LOADS = ("01/15/2026", "04/09/2026", "04/09/2026")  # LOADDATE of rows before FY2026


@dataclass(frozen=True)
class SampleInfo:
    """What :func:`write_fjc_sample` wrote."""

    path: Path
    rows: int
    text_bytes: int  # size of cr96on.txt (the zip member when zipped)
    zip_bytes: int | None  # size of the zip, None when not zipped
    sha256: str  # of the written file (the zip when zipped)
    seed: int

    @property
    def bytes_per_row(self) -> float:
        return self.text_bytes / self.rows if self.rows else 0.0

    @property
    def ratio(self) -> float | None:
        """Member bytes per zip byte, None when not zipped."""
        return self.text_bytes / self.zip_bytes if self.zip_bytes else None

    def to_dict(self) -> dict:
        ratio = self.ratio
        return {**asdict(self), "path": str(self.path),
                "bytes_per_row": round(self.bytes_per_row, 2),
                "ratio": None if ratio is None else round(ratio, 2)}


_Pick = Callable[[float], Any]


def _pick(pairs) -> _Pick:
    """A categorical draw from one uniform number (bisect on cumulative weights)."""
    pairs = list(pairs)
    total, acc, cum = float(sum(w for _, w in pairs)), 0.0, []
    for _, w in pairs:
        acc += w / total
        cum.append(acc)
    cum[-1] = 1.0
    vals = [v for v, _ in pairs]

    def pick(u: float, vals=vals, cum=cum, bisect=bisect_right):
        return vals[bisect(cum, u)]

    return pick


def _pick_text(spec: str, kind: type = int) -> _Pick:
    """A draw from ``"value:weight value:weight ..."`` (value split at the last colon)."""
    return _pick((kind(v), float(w)) for v, w in (p.rsplit(":", 1) for p in spec.split()))


def _numbered(probs: tuple[float, ...]) -> _Pick:
    return _pick((i + 1, p) for i, p in enumerate(probs))


class _Cat(NamedTuple):
    name: str
    imm: bool
    share: float  # within immigration, or within everything else
    leads: dict[str, float]  # lead citation -> weight
    extras: tuple[str, ...]
    counts: tuple[float, ...]
    codefs: tuple[float, ...]
    disp: tuple[float, ...]  # days filing -> disposition: median, log spread
    sent: tuple[float, ...]  # days disposition -> sentencing
    prison: tuple[float, ...]  # months: median, log spread, cap
    probation: float
    fugitive: float
    life: float
    fine: float


def _categories() -> tuple[_Cat, ...]:
    out: list[_Cat] = []
    for line in _CATEGORIES.strip().splitlines():
        if "|" in line:  # a new category
            label, *numbers = line.split("|")
            name, share, *imm = label.split()
            counts, codefs, disp, sent, prison, shares = (
                tuple(map(float, part.split())) for part in numbers)
            out.append(_Cat(name, imm == ["imm"], float(share), {}, (), counts, codefs, disp,
                            sent, prison, *shares))
        elif line.startswith("+ "):
            out[-1] = out[-1]._replace(extras=tuple(line.split()[1:]))
        else:
            tokens = line.split()
            out[-1].leads.update(zip(tokens[::2], map(float, tokens[1::2]), strict=True))
    return tuple(out)


_CATS = _categories()


class _District(NamedTuple):
    circuit: str
    code: str
    office: _Pick
    state: str  # state FIPS, for COUNTY
    units: int  # counties to draw from


class _Tables:
    """Everything derived once from the shipped code tables."""

    def __init__(self) -> None:
        days = [_T0 + timedelta(days=i) for i in range(_T1 + 1)]
        self.day = [d.strftime("%m/%d/%Y") for d in days]
        self.fyof = [d.year + (d.month >= 10) for d in days]
        self.yy = [f"{d.year % 100:02d}" for d in days]
        self.fy_start = {y: (date(y - 1, 10, 1) - _T0).days for y in _years()}
        self.fy_end = {y: min((date(y, 9, 30) - _T0).days, _T1) for y in _years()}
        # Standard normal quantiles: a log-normal draw costs one table look-up.
        self.z = [NormalDist().inv_cdf((i + 0.5) / 4096) for i in range(4096)]
        self.charge = self._charges()
        self._districts()
        self._categories()
        # _IMM_PCT counts defendants; cases are drawn, and immigration cases have
        # fewer co-defendants: convert to the share of cases.
        m_imm, m_rest = (_mean_codefendants(imm) for imm in (True, False))
        self.imm_share = {y: p * m_rest / (p * m_rest + (100 - p) * m_imm)
                          for y, p in zip(_years(), _IMM_PCT, strict=True)}
        self.disp = {True: _pick_text(_DISP_IMM), False: _pick_text(_DISP_OTHER)}
        self.counsel = {True: _pick_text(_COUNSEL_IMM), False: _pick_text(_COUNSEL_OTHER)}
        self.proccd, self.appcd = _pick_text(_PROCCD), _pick_text(_APPCD, str)
        self.supv = _pick_text(_SUPV)

    def _charges(self) -> dict[str, tuple[str, ...]]:
        """citation -> its charge (see :func:`_charge`)."""
        level = {r["letter"]: r["code"] for r in read_table("fjc", "offense-levels.csv")}
        out = {}
        for row in fjc.citations():
            cit, d2, letter = row["citation"], row["d2_offense_code"], row["level_letter"]
            # ACA citations embed the offense code the old system used as well.
            foff = cit.split("-")[1][:4] if cit.startswith("18:13-") else d2
            out[cit] = _charge(cit, level.get(letter, M), foff, _OLD_CODE.get(d2, foff), d2,
                               _severity(d2, letter))
        for cit, code in _UNLISTED.values():
            letter = cit.rsplit(".", 1)[1]
            out[cit] = _charge(cit, level[letter], code, code, M, _severity(code, letter))
        return out

    def _districts(self) -> None:
        offices: dict[str, list[str]] = {}
        for r in read_table("fjc", "office-codes-2017-09-18.csv"):
            if not r["expiration_date"]:
                offices.setdefault(r["circuit_district"], []).append(r["office"])
        geo = {(r["fjc_circuit"], r["fjc_district"]): r
               for r in read_table("geo", "districts-geo-key.csv")}
        sizes, border, rest = [], [], []
        for (circ, code), row in fjc.districts().items():
            if (circ, code) == fjc.TEST_DISTRICT:
                continue
            offs, g = offices.get(circ + code) or ["1"], geo.get((circ, code), {})
            d = _District(circ, code, _pick((o, 1 / (i + 1)) for i, o in enumerate(offs)),
                          g.get("state_fips", "99"), int(g.get("county_units") or 20))
            sizes.append((d, _SIZE.get(code, 1.0)))
            if row["southwest_border"] == "1":
                border.append((d, _BORDER.get(code, 10)))
            else:
                rest.append((d, _SIZE.get(code, 1.0)))
        self.any_district, self.border, self.inland = _pick(sizes), _pick(border), _pick(rest)
        self.test = _District(*fjc.TEST_DISTRICT, _pick([("1", 1)]), "99", 20)

    def _categories(self) -> None:
        for cat in _CATS:
            for cit in (*cat.leads, *cat.extras):
                if cit not in self.charge and cit != "*":
                    raise ValueError(f"sample category {cat.name}: {cit} is not in the table")
        # Shares count defendants; cases are drawn: weigh by 1 / defendants per case.
        self.imm_cat = _pick((c, c.share / _codefendants(c)) for c in _CATS if c.imm)
        self.other_cat = _pick((c, c.share / _codefendants(c)) for c in _CATS if not c.imm)
        self.entry = next(c for c in _CATS if c.name == "entry")
        self.lead = {c.name: _pick(c.leads.items()) for c in _CATS}
        # "*": any listed citation outside immigration, for the long tail of "other".
        self.lead_any = _pick((cit, 1) for cit, ch in self.charge.items()
                              if ch[4] != M and not ch[4].startswith("87"))
        self.counts = {c.name: _numbered(c.counts) for c in _CATS}
        self.codefs = {c.name: _numbered(c.codefs) for c in _CATS}
        # Further counts never outrank the lead: one pool per lead level.
        self.extras = {(c.name, lvl): _pick((x, 1) for x in c.extras
                                            if self.charge[x][1] <= lvl) for c in _CATS
                       for lvl in ("1", "3", "4")
                       if any(self.charge[x][1] <= lvl for x in c.extras)}


def _charge(cit: str, lvl: str, foff: str, alt: str, d2: str, sev: str) -> tuple[str, ...]:
    """(citation, level, FOFFCD, older FOFFCD, D2 code, severity, then the five slot
    fields as text with the D2 code, and with D2 ``-8`` for years before it existed)."""
    return (cit, lvl, foff, alt, d2, sev, f"{cit}\t{lvl}\t{foff}\t{d2}\t{sev}",
            f"{cit}\t{lvl}\t{foff}\t{M}\t{sev}")


def _severity(code: str, letter: str) -> str:
    """A small plausible severity code (the FJC's own scale is not in the fact base)."""
    base = {"F": 1, "M": 60, "P": 80}.get(letter, 90)
    return str(base + int(code) % 50) if code.isdigit() else M


def _codefendants(cat: _Cat) -> float:
    """Mean defendants per case of the category."""
    return sum((i + 1) * p for i, p in enumerate(cat.codefs)) / sum(cat.codefs)


def _mean_codefendants(imm: bool) -> float:
    """Mean defendants per case over the cases of a group, as drawn."""
    cats = [c for c in _CATS if c.imm == imm]
    return sum(c.share for c in cats) / sum(c.share / _codefendants(c) for c in cats)


def _years() -> range:
    return range(FIRST_FY, LAST_FY + 1)


@cache
def _tables() -> _Tables:
    return _Tables()


def _flag_table() -> list[str]:
    """The ten CT flags as text, by index: filed | terminated<<1 | fugitive<<2 |
    transfer-in<<3 | reopen<<4 | not-a-transfer-out<<5."""
    out = []
    for i in range(64):
        filed, term, away, tin, reo, nz = (bool(i >> k & 1) for k in range(6))
        fil, tr, pn = filed and not tin, term and nz, not term
        bits = (filed, fil, fil and not reo, fil and reo, term, tr, tr and not reo,
                tr and reo, pn, pn and not away)
        out.append("\t".join("1" if b else "0" for b in bits))
    return out


_FLAGS = _flag_table()
_NEG_FLAGS = "\t".join([M] * 10)
_EMPTY_SLOT, _EMPTY_TSLOT = "\t".join([M] * 5), "\t".join([M] * 12)
_NOT_TERMINATED = "\t".join([ND, ND, ND, M, M, M, M, "", M] + [_EMPTY_TSLOT] * 5 + [M] * 3)
_NOT_FUGITIVE = f"N\t{ND}\t{ND}"
_NOT_MAGISTRATE = (M, f"{M}\t{M}")
_NOT_TRANSFERRED = "\t".join([M] * 4)
_NUM3 = [f"{i:03d}" for i in range(1000)]  # DEFNO, CTDEF
_LOAD_NOW = AS_OF.strftime("%m/%d/%Y")  # FY2026 rows: the latest load is the "data as of"


class _Ctx(NamedTuple):
    """One defendant record before its dates are drawn (successors are copies)."""

    cat: _Cat
    dist: _District
    office: str
    docket: str
    defno: str
    ctdef: str
    reopseq: int
    tin: bool  # filed as a transfer in (Rule 20/21)
    tran: str  # TRANDIST..TRANDEF
    mag: tuple[str, str]  # TYPEMAG; MAGDOCK and MAGDEF
    charges: list[tuple[str, ...]]
    trap: str | None
    proccd: int | None
    counsel: int
    county: str
    ver: int
    old_code: bool  # FOFFCD1 from the older system, differing from the D2 code


class _Fate(NamedTuple):
    f: int  # FY counted as filed
    t: int | None  # FY counted as terminated; None: pending at AS_OF
    disp1: int
    dday: int  # day offsets from _T0
    sday: int | None
    tday: int | None
    fug: tuple[int, int] | None  # fugitive from, until (past _T1: never caught)


def _rows_per_defendant(years_left: int) -> float:
    """Expected rows per defendant filed ``years_left`` FYs before the last
    (measured): splits the row budget across years, never changes its total."""
    if years_left < 5:
        return (1.0, 1.63, 1.82, 1.92, 1.95)[years_left]
    return 1.95 + 0.022 * (years_left - 4)


class _Generator:
    def __init__(self, seed: int):
        self.r = Random(seed).random
        self.t = _tables()
        self.dockets: dict[tuple[str, str], int] = {}

    def batches(self, rows: int, test_rows: int) -> Iterator[list[str]]:
        """Lines (CRLF-terminated) case by case, exactly ``rows`` in all."""
        budget = rows - test_rows
        years = list(_years())
        weight = [w * _rows_per_defendant(LAST_FY - y) for y, w in zip(years, _FILED,
                                                                        strict=True)]
        for i, y in enumerate(years):
            quota, made = budget * weight[i] / sum(weight[i:]), 0
            while budget > 0 and (made < quota or y == LAST_FY):
                lines = self.case(y)
                if len(lines) > budget:  # the budget's end: one-row defendants fit exactly
                    lines = self.case(y, single=True)
                made += len(lines)
                budget -= len(lines)
                yield lines
        for k in range(test_rows):
            yield self.case(years[k % len(years)], single=True, dist=self.t.test)

    def case(self, y: int, *, single: bool = False, dist: _District | None = None) -> list[str]:
        """The rows of one docket filed in FY ``y`` (``single``: one row, no extras)."""
        r, t = self.r, self.t
        imm = r() < t.imm_share[y]
        cat = (t.imm_cat if imm else t.other_cat)(r())
        if dist is None:
            dist = ((t.border if r() < _BORDER_SHARE else t.inland) if imm
                    else t.any_district)(r())
        n = 1 if single else t.codefs[cat.name](r())
        start, end = t.fy_start[y], t.fy_end[y]
        day = start + int(r() * (end - start + 1))
        office, docket = dist.office(r()), self._docket(dist, day)
        mag = (("MJ", f"{self._docket(dist, day, mag=True)}\t001")
               if r() < (0.6 if imm else 0.3) else _NOT_MAGISTRATE)
        lead = self._lead(cat)
        lines: list[str] = []
        for i in range(n):
            if i and r() < 0.2:
                lead = self._lead(cat)
            charges, trap = self._charges(cat, lead, single)
            c = _Ctx(cat, dist, office, docket, _NUM3[i + 1], _NUM3[n], 0, False,
                     _NOT_TRANSFERRED, mag, charges, trap, None, t.counsel[imm](r()),
                     self._county(dist), 1 + int(r() * 3), r() < 0.15)
            fday = day if i == 0 or r() < 0.9 else min(day + int(r() * 20), end)
            lines += self.defendant(c, fday, single)
        return lines

    def defendant(self, c: _Ctx, day: int, single: bool) -> list[str]:
        fate = self._fate(c, day, single)
        lines = self._emit(c, day, fate, single)
        if not single and fate.tday is not None:
            lines += self._successor(c, fate)
        return lines

    def _lead(self, cat: _Cat) -> str:
        lead = self.t.lead[cat.name](self.r())
        return self.t.lead_any(self.r()) if lead == "*" else lead

    def _ln(self, median: float, spread: float) -> float:
        """A log-normal draw: ``median`` times e to a standard normal times ``spread``."""
        return median * exp(spread * self.t.z[int(self.r() * 4096)])

    def _docket(self, dist: _District, day: int, *, mag: bool = False) -> str:
        # Numbered per district and calendar year, in order, with small gaps.
        key = (dist.circuit + dist.code + ("M" if mag else ""), self.t.yy[day])
        n = self.dockets.get(key)
        n = 1 + int(self.r() * 20) if n is None else n + 1 + int(self.r() * (3 if mag else 2))
        self.dockets[key] = n
        return f"{key[1]}{n % 100000:05d}"

    def _county(self, dist: _District) -> str:
        r = self.r
        if r() < 0.3:
            return M
        if dist.code == "84" and r() < P_LATIN1:
            return "DOÑA"  # a county name keyed into the code field (latin-1 byte)
        return f"{dist.state}{2 * int(r() * dist.units) + 1:03d}"

    def _charges(self, cat: _Cat, lead: str, single: bool) -> tuple[list, str | None]:
        r, t = self.r, self.t
        first = t.charge[lead]
        charges = [first]
        extras = t.extras.get((cat.name, first[1]))
        if extras is not None:
            charges += [t.charge[extras(r())] for _ in range(t.counts[cat.name](r()) - 1)]
        if single or r() >= (P_TRAP_IMM if cat.imm else P_TRAP_OTHER):
            return charges, None
        trap = _TRAPS[int(r() * len(_TRAPS))]
        return self._trap(cat, trap, charges), trap

    def _trap(self, cat: _Cat, trap: str, charges: list) -> list:
        cit, lvl, foff, alt, d2, sev = charges[0][:6]
        if trap == "blank":  # nothing usable in any slot
            return [_charge(M, M, M, M, M, M)]
        if trap == "aca":
            lead = self.t.charge[_ACA.get(cat.name, _ACA[""])]
        elif trap == "unlisted":
            lead = self.t.charge[_UNLISTED.get(cat.name, _UNLISTED[""])[0]]
        elif trap == "nod2":
            lead = _charge(cit, lvl, foff, alt, M, sev)
        elif trap == "nocite":
            lead = _charge(M, lvl, foff, alt, d2, sev)
        else:  # "codeonly": neither citation nor D2 code, only the older code
            lead = _charge(M, M, foff, alt, M, M)
        return [lead, *charges[1:]]

    def _fate(self, c: _Ctx, day: int, single: bool) -> _Fate:
        r, cat = self.r, c.cat
        if not (single or c.tin or c.reopseq) and r() < P_TRANSFER:
            dday = day + int(self._ln(35, 0.7))  # Rule 20/21: leaves for another district
            return self._settle(day, 0, dday, None, dday, None, single)
        begin, fug = day, None
        if not single and r() < cat.fugitive:
            a = day + 1 + int(r() * 180)
            b = a + int(self._ln(700, 1.0)) if r() < 0.55 else _T1 + 1  # +1: never caught
            begin, fug = b, (a, b)
        disp1 = self.t.disp[cat.imm](r())
        quick = cat.name == "entry" and r() < 0.35  # "Streamline": same or next day
        dday = begin + (int(r() * 2) if quick else int(self._ln(*cat.disp)))
        if disp1 in _CONVICTED:
            same_day = quick or (cat.name == "entry" and r() < 0.7)
            sday = dday if same_day else dday + int(self._ln(*cat.sent))
            return self._settle(day, disp1, dday, sday, sday, fug, single)
        return self._settle(day, disp1, dday, None, dday, fug, single)

    def _settle(self, day: int, disp1: int, dday: int, sday: int | None, tday: int,
                fug: tuple[int, int] | None, single: bool) -> _Fate:
        """Counting years from the dates: pending past AS_OF, late reporting."""
        r, t = self.r, self.t
        f, end = t.fyof[day], t.fy_end[t.fyof[day]]
        if single and tday > end and f < LAST_FY:  # one row: terminated within its FY
            tday, dday = end, min(dday, end)
            sday = None if sday is None else min(sday, end)
        if tday > (end if single else _T1):
            return _Fate(f, None, disp1, dday, sday, None, fug)
        tfy = t.fyof[tday]
        if not single:
            if f < LAST_FY and day > end - 45 and r() < P_LATE:
                f += 1  # filed late in a year, counted in the next
            if tfy < LAST_FY and tday > t.fy_end[tfy] - 45 and r() < P_LATE:
                tfy += 1
        return _Fate(f, max(tfy, f), disp1, dday, sday, tday, fug)

    def _emit(self, c: _Ctx, day: int, fate: _Fate, single: bool) -> list[str]:
        r, t = self.r, self.t
        f, tfy = fate.f, fate.t
        last = LAST_FY if tfy is None else tfy
        head, filing = self._head(c), self._filing(c, day, f)
        term = _NOT_TERMINATED if tfy is None else self._term(c, day, fate)
        base = c.tin << 3 | (c.reopseq > 0) << 4 | (fate.disp1 != 0) << 5
        upd_f = day + int(r() * 30)
        upd_t = 0 if fate.tday is None else fate.tday + int(r() * 15)
        dup = -1 if single or r() >= P_DUP else f + int(r() * (last - f + 1))
        fy_start, fy_end, text, lines = t.fy_start, t.fy_end, t.day, []
        for y in range(f, last + 1):
            is_t, end = y == tfy, fy_end[y]
            fugs, away = (_NOT_FUGITIVE, False) if fate.fug is None else \
                self._fugitive(fate.fug, end)
            flags = _FLAGS[(y == f) | is_t << 1 | away << 2 | base]
            if y < 2000 and r() < P_NEG_FLAGS:  # early extracts: flags not populated
                flags = _NEG_FLAGS if r() < 0.5 else _partial_flags(flags)
            if is_t:
                upd = min(upd_t, end)
            elif y == f or r() < 0.3:
                upd = min(upd_f, end)
            else:  # a record pending across years: some docket activity in each
                upd = upd_f = end - int(r() * (end - fy_start[y]))
            row = (f"{y}\t{head}\t{'J' if is_t else 'E'}\t{fugs}\t{filing}\t{text[upd]}\t"
                   f"{term if is_t else _NOT_TERMINATED}\t{flags}\t{SYNTHETIC_SOURCE}\t")
            # Each row as last loaded; FY2026 rows all in the latest load (the "as of").
            ver = c.ver + (y - f if y - f < 6 else 6)
            load = _LOADS[int(r() * 3)] if y < LAST_FY else _LOAD_NOW
            tape = 2099 if tfy is None else y
            lines.append(f"{row}{ver}\t{load}\t{tape}\r\n")
            if y == dup:  # the same record sent again, one version later
                lines.append(f"{row}{ver + 1}\t{_LOAD_NOW}\t{tape}\r\n")
        return lines

    def _fugitive(self, fug: tuple[int, int], end: int) -> tuple[str, bool]:
        a, b = fug
        if a > end:
            return _NOT_FUGITIVE, False
        text = self.t.day
        if b <= end:
            return f"N\t{text[a]}\t{text[b]}", False
        return f"{'Y' if end - a <= 365 else 'Z'}\t{text[a]}\t{ND}", True

    def _head(self, c: _Ctx) -> str:
        """CIRCUIT .. MAGDEF (fields 2-16)."""
        case = f"{c.dist.circuit}{c.dist.code}{c.office}{c.docket}CR"
        return (f"{c.dist.circuit}\t{c.dist.code}\t{c.office}\t{c.docket}\t{c.defno}\t"
                f"{c.ctdef}\t\t{c.reopseq}\tCR\t{'CR' if c.tin else M}\t{c.mag[0]}\t"
                f"{case}{c.defno}{c.reopseq}\t{case}{c.reopseq}\t{c.mag[1]}")

    def _filing(self, c: _Ctx, day: int, f: int) -> str:
        """FILEDATE .. TRANDEF (fields 21-57): the same on every row of the record."""
        r, t = self.r, self.t
        u = r()
        proc = (t.day[day] if u < 0.55 else ND if u < 0.75
                else t.day[min(day + int(self._ln(20, 1.0)), _T1)])  # indicted after complaint
        app = ND if r() < 0.3 else t.day[max(day - int(r() * 20), 0)]
        d2_ok = f >= D2_FIRST_FY
        slots = [ch[6 if d2_ok else 7] for ch in c.charges] + [_EMPTY_SLOT] * (5 - len(c.charges))
        if c.old_code:
            cit, lvl, _, alt, d2, sev = c.charges[0][:6]
            slots[0] = f"{cit}\t{lvl}\t{alt}\t{d2 if d2_ok else M}\t{sev}"
        proccd = c.proccd or t.proccd(r())
        return (f"{t.day[day]}\t{proc}\t{proccd}\t{app}\t{t.appcd(r())}\t\t{c.counsel}\t"
                f"{chr(9).join(slots)}\t{c.county}\t{c.tran}")

    def _term(self, c: _Ctx, day: int, fate: _Fate) -> str:
        """DISPDATE .. FINETOT (fields 59-130), for the termination-year row only."""
        r, t = self.r, self.t
        disp1, conv = fate.disp1, fate.disp1 in _CONVICTED
        charges, cat = c.charges, c.cat
        if conv and cat.name == "reentry" and c.trap is None and r() < P_PLEA_DOWN:
            # Pled down: 1326 at filing, 1325 at termination.
            charges = [t.charge["8:1325A1.P" if r() < 0.7 else "8:1325.M"], *charges[1:]]
            cat = t.entry
        pris, prob, supv, fine = self._sentence(cat) if conv else (M, M, M, M)
        sentenced = conv and pris not in (-2, -3, -8)
        key, slots = 6 if fate.t >= D2_FIRST_FY else 7, []
        for k, ch in enumerate(charges):
            dk = disp1 if k == 0 or not conv or r() < 0.45 else 1  # other counts dismissed
            if dk in _CONVICTED and sentenced:
                pcd = "1" if pris > 0 else M
                money = fine if k == 0 else 0
                tail = f"{pris}\t{pcd}\t{prob}\t{'1' if prob > 0 else M}\t{supv}\t{money}"
            elif dk in _CONVICTED:
                tail = f"{pris}\t{M}\t{M}\t{M}\t{M}\t{M}"
            else:
                tail = f"{M}\t{M}\t{M}\t{M}\t{M}\t{M}"
            slots.append(f"{ch[key]}\t{dk}\t{tail}")
        slots += [_EMPTY_TSLOT] * (5 - len(slots))
        dday, sday, tday, text = fate.dday, fate.sday, fate.tday, t.day
        ints = (f"{(dday - day) // 30}\t{M if sday is None else (sday - dday) // 30}\t"
                f"{(tday - day) // 30}")
        office = c.office if r() < 0.95 else c.dist.office(r())
        counsel = c.counsel if r() < 0.9 else t.counsel[c.cat.imm](r())
        return (f"{text[dday]}\t{ND if sday is None else text[sday]}\t{text[tday]}\t{ints}\t"
                f"{office}\t\t{counsel}\t{chr(9).join(slots)}\t{pris}\t{prob}\t{fine}")

    def _sentence(self, cat: _Cat) -> tuple[int, int | str, int | str, int | str]:
        """PRISTOT (months or a sentinel), PROBTOT, SUPVREL, FINETOT of a conviction."""
        r = self.r
        u = r()
        if u < 0.01:  # guilty but no sentence / sealed / missing
            return (-2 if u < 0.004 else -3 if u < 0.006 else -8), M, M, M
        if u < 0.01 + cat.life:
            return (-5 if r() < 0.01 else -4), 0, 60, 0  # death: extremely rare
        fine = int(self._ln(2500, 1.2)) // 100 * 100 if r() < cat.fine else 0
        if r() < cat.probation:
            return 0, (12, 24, 36, 60)[int(r() * 4)], 0, fine
        if cat.name == "entry":  # time served, under a month, or a few months
            v = r()
            pris = -1 if v < 0.2 else 0 if v < 0.45 else 1 + int(r() * 6)
            return pris, 0, 0 if r() < 0.7 else 12, fine
        median, spread, cap = cat.prison
        pris = int(min(cap, self._ln(median, spread) + 0.5))
        return pris, 0, self.t.supv(r()) if pris > 0 else 0, fine

    def _successor(self, c: _Ctx, fate: _Fate) -> list[str]:
        """The record that follows: transfer-in, superseding filing, or a reopen."""
        r, t, tday = self.r, self.t, fate.tday
        if fate.disp1 == 0:  # Rule 20/21: filed again in another district
            dist = t.any_district(r())
            while dist is c.dist:
                dist = t.any_district(r())
            day = min(tday + int(r() * 10), _T1)
            tran = f"{c.dist.circuit}{c.dist.code}\t{c.office}\t{c.docket}\t{c.defno}"
            n = c._replace(dist=dist, office=dist.office(r()), docket=self._docket(dist, day),
                           defno="001", ctdef="001", tin=True, tran=tran,
                           mag=_NOT_MAGISTRATE, county=self._county(dist))
        elif fate.disp1 == 20:  # dismissed because superseded: a new filing
            day = tday
            n = c._replace(docket=self._docket(c.dist, day), proccd=16 + int(r() * 3))
        elif (fate.disp1 in _CONVICTED and c.reopseq < 9  # one digit in DEFLGKY
              and r() < (P_REOPEN if c.reopseq == 0 else 0.1)):
            day = tday + int(self._ln(400, 0.8))
            if day > _T1:
                return []
            n = c._replace(reopseq=c.reopseq + 1, tin=False, proccd=None)
        else:
            return []
        return self.defendant(n._replace(ver=1 + int(r() * 3)), day, False)


def _partial_flags(flags: str) -> str:
    """Early-extract flags: the reopen and fugitive splits not populated."""
    parts = flags.split("\t")
    for i in (2, 3, 6, 7, 9):
        parts[i] = M
    return "\t".join(parts)


def _check(rows: int, test_district_rows: int) -> None:
    if rows < 0:
        raise ValueError(f"rows must be 0 or more, not {rows}")
    if not 0 <= test_district_rows <= rows:
        raise ValueError(f"test_district_rows must be between 0 and rows ({rows})")


def iter_fjc_rows(rows: int = 200_000, seed: int = 1, *,
                  test_district_rows: int = 0) -> Iterator[list[str]]:
    """The sample's data rows as lists of 144 strings (the same rows the file holds)."""
    _check(rows, test_district_rows)
    for batch in _Generator(seed).batches(rows, test_district_rows):
        for line in batch:
            yield line[:-2].split("\t")


def iter_fjc_text(rows: int = 200_000, seed: int = 1, *, test_district_rows: int = 0,
                  progress: ProgressCallback | None = None,
                  task: str = "sample cr96on.txt") -> Iterator[bytes]:
    """The whole file as latin-1 byte chunks of about a megabyte (header first)."""
    _check(rows, test_district_rows)
    yield ("\t".join(fjc.column_names()) + "\r\n").encode("latin-1")
    done, pending, every = 0, [], max(rows // 100, 50_000)
    next_report = every
    for batch in _Generator(seed).batches(rows, test_district_rows):
        pending += batch
        if len(pending) >= 2048:
            done += len(pending)
            yield "".join(pending).encode("latin-1")
            pending = []
            if progress is not None and done >= next_report:
                progress(ProgressUpdate(task=task, completed=done, total=rows, unit="rows",
                                        rows=done))
                next_report = done + every
    if pending:
        done += len(pending)
        yield "".join(pending).encode("latin-1")
    if progress is not None:
        progress(ProgressUpdate(task=task, completed=done, total=rows, unit="rows", rows=done))


def write_fjc_sample(out: Path | str, *, rows: int = 200_000, seed: int = 1, zip: bool = False,
                     progress: ProgressCallback | None = None,
                     test_district_rows: int = 0) -> SampleInfo:
    """Write a synthetic ``cr96on.txt`` (or ``cr96on.zip``, Deflate64) and describe it.

    ``out`` is a directory (the file gets its published name inside) or the file
    itself. Same ``rows`` and ``seed``, same bytes.
    """
    _check(rows, test_district_rows)
    path = _target(Path(out), zip)
    chunks = iter_fjc_text(rows, seed, test_district_rows=test_district_rows,
                           progress=progress, task=f"sample {path.name}")
    if zip:
        text_bytes, _ = write_deflate64_zip(path, MEMBER, chunks)
        zip_bytes, sha = path.stat().st_size, _sha256_file(path)
    else:
        digest, text_bytes, zip_bytes = hashlib.sha256(), 0, None
        with path.open("wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
                digest.update(chunk)
                text_bytes += len(chunk)
        sha = digest.hexdigest()
    return SampleInfo(path=path, rows=rows, text_bytes=text_bytes, zip_bytes=zip_bytes,
                      sha256=sha, seed=seed)


def _target(out: Path, zipped: bool) -> Path:
    if out.is_dir():
        return out / (ZIP_NAME if zipped else MEMBER)
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
