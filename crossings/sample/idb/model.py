"""The model behind the synthetic court file: rates, mixes and code tables.

Numbers here shape the sample like the published series (see idb_codes.py); codes
and citations come from the shipped FJC tables, never retyped.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from statistics import NormalDist
from typing import Any, NamedTuple

from crossings.codebook import idb as idb_codes
from crossings.codebook.tables import read_table
from crossings.fiscal import fiscal_year

MEMBER, ZIP_NAME = "cr96on.txt", "cr96on.zip"
FIRST_FY, LAST_FY = 1996, 2026
#: The synthetic file's "now": FY2026 is partial and no date lies after this.
AS_OF = date(2026, 6, 30)
D2_FIRST_FY = 2005  # the D2 offense codes exist from FY2005 on
M, ND = idb_codes.MISSING, idb_codes.MISSING_DATE
_T0 = date(1995, 10, 1)  # day 0 of every day offset below
_T1 = (AS_OF - _T0).days
_CONVICTED = frozenset(idb_codes.conviction_codes())

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

# The categories the sample plants, from its own tables (never the tool's rules):
EN, RE, SM = "illegal_entry", "illegal_reentry", "alien_smuggling"
OI, NI, UN = "other_immigration", "non_immigration", "unreadable"
# a D2 code as the FJC citation table uses it (any other code: non-immigration);
D2_CATEGORY = {"8710": EN, "8720": RE, "8730": SM, "8731": OI, "8740": OI, "8750": OI}
# an older offense code (FOFFCD) by the labels of the FJC's offense-code list:
# 8710 and 8740 "Illegal Entry", 8720 "Illegal Re-Entry", 8730 "Other", 8731 visa
# fraud, 8750 "Fraudulent Citizenship", 6200 "White Slave & Importing Aliens" (two
# offences in one code: unreadable); any other code non-immigration.
OLD_CATEGORY = {"8710": EN, "8740": EN, "8720": RE, "8730": OI, "8731": OI, "8750": OI,
                "6200": UN}
# The older offense code (FOFFCD) of a charge, by its D2 code: the older list's code
# for the same offence (8740 "Illegal Entry" for D2 8710; 6200 "White Slave &
# Importing Aliens" for D2 8730, bringing in aliens; 8730 "Other" for D2 8740); the
# same number where the older list has the same code.
_OLD_CODE = {"8710": "8740", "8720": "8720", "8730": "6200", "8731": "8731",
             "8740": "8730", "8750": "8750"}
# Parseable citations that are not in the table: (citation, older offense code,
# the category planted).
_UNLISTED = {"reentry": ("8:1326C.F", "8720", RE), "entry": ("8:1325B.P", "8710", EN),
             "smuggling": ("8:1324.P", "8730", SM),
             "immigration-other": ("18:1546B.F", "8730", OI), "": ("8:1324C.F", "8730", OI)}
UNLISTED_CATEGORY = {cit: cat for cit, _, cat in _UNLISTED.values()}
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
        self.fyof = [fiscal_year(d) for d in days]
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
        for row in idb_codes.citations():
            cit, d2, letter = row["citation"], row["d2_offense_code"], row["level_letter"]
            # ACA citations embed the offense code the old system used as well.
            foff = cit.split("-")[1][:4] if cit.startswith("18:13-") else d2
            out[cit] = _charge(cit, level.get(letter, M), foff, _OLD_CODE.get(d2, foff), d2,
                               _severity(d2, letter))
        for cit, code, _ in _UNLISTED.values():
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
        for (circ, code), row in idb_codes.districts().items():
            if (circ, code) == idb_codes.TEST_DISTRICT:
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
        self.test = _District(*idb_codes.TEST_DISTRICT, _pick([("1", 1)]), "99", 20)

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
