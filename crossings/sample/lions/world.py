"""The synthetic world behind a LIONS sample: cases, participants, court
histories, instruments and counts, with the traps planted.

:class:`Builder` yields whole cases (:class:`Case`); ``crossings.sample.lions.generator``
writes them table by table and counts them by the definitions the tool uses:

* a *defendant* is a participant of a criminal (``R``) case whose role starts
  with ``D`` (``D*`` included); its *filing date* is the earliest readable
  FILING_DATE among its ``MG`` and ``DC`` court histories (through
  GS_PART_COURT); blank, ``*`` and impossible years (``0024``) are not dates;
* the *case lead charge* is the category of GS_CASE.LEAD_CHARGE; a defendant's
  *own lead charge* the category of its first ``F`` count, else first ``M``,
  else first ``P`` (by COUNTID), ``unreadable`` when it has none.

Same seed, same world: one ``random.Random`` drawn in a fixed order; no set or
str-keyed hash order is ever iterated.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from random import Random
from typing import Any, NamedTuple

from crossings.codebook.tables import read_table
from crossings.fiscal import fiscal_year
from crossings.sample.lions.files import format_date

EN, RE, SM = "illegal_entry", "illegal_reentry", "alien_smuggling"
OI, NI, UN = "other_immigration", "non_immigration", "unreadable"
CATEGORIES = (EN, RE, SM, OI, NI, UN)
LEVEL_ORDER = ("F", "M", "P")


class Charge(NamedTuple):
    text: str  # as LIONS writes it
    level: str  # the count's CATEGORY: F, M or P
    cat: str  # its charge category
    fjc: str  # the court file's citation; "-8" when unreadable


_C = Charge
CHARGES: dict[str, Charge] = {
    "1326": _C("8:01326", "F", RE, "8:1326.F"),
    "1326a": _C("8 :01326(a)", "F", RE, "8:1326A.F"),
    "1326b1": _C("8:01326(b)(1)", "F", RE, "8:1326B1.F"),
    "1326b2": _C("8:01326b2", "F", RE, "8:1326B2.F"),
    "1325a1": _C("08:01325(a)(1)", "P", EN, "8:1325A1.P"),
    "1325a1x": _C("8:01325a1", "P", EN, "8:1325A1.P"),
    "1325a2": _C("8:01325(a)(2)", "P", EN, "8:1325A2.P"),
    "1325m": _C("8:01325", "M", EN, "8:1325.M"),
    "1325f": _C("8 :01325(a)", "F", EN, "8:1325A.F"),
    "1324": _C("8:01324(a)(1)(A)(ii)", "F", SM, "8:1324.F"),
    "1324v": _C("8:01324(a)(1)(A)(v)(I)", "F", SM, "8:1324.F"),
    "1324b": _C("8:01324(a)(2)(B)(ii)", "F", SM, "8:1324.F"),
    "1324p": _C("8:01324", "F", SM, "8:1324.F"),
    "1324m": _C("8 :01324(a)(1)(A)(iii)", "M", SM, "8:1324.M"),
    "1324a": _C("8:01324a", "P", OI, "8:1324A.P"),  # section 1324a: employment
    "1324c": _C("8:01324c", "M", OI, "-8"),  # never a lead: not in the FJC table
    "1546": _C("18:01546(a)", "F", OI, "18:1546.F"),
    "1325c": _C("8:01325(c)", "F", OI, "8:1325C.F"),
    "841": _C("21:00841(a)(1)", "F", NI, "21:841A=CD.F"),
    "846": _C("21:00846", "F", NI, "21:846=CD.F"),
    "922g": _C("18:00922(g)(1)", "F", NI, "18:922G.F"),
    "1343": _C("18:01343", "F", NI, "18:1343.F"),
    "1028A": _C("18:01028A(a)(1)", "F", NI, "18:1028A.F"),
    "1001": _C("18 :01001", "F", NI, "18:1001.F"),
    "911": _C("18:00911", "F", NI, "18:911.F"),  # false claim of citizenship: not immigration
    "111": _C("18:00111(a)(1)", "F", NI, "18:111.F"),
    "641m": _C("18:00641", "M", NI, "18:641.M"),
}
#: Unreadable charge texts: redactions, the ambiguous 1324a form, garbage.
STAR, AMBIGUOUS = "*", "8:01324a1"
GARBAGE = ("SEE INDICTMENT", "8USC1326", "18:", "??", "8:0132*")


def unreadable(text: str, level: str = "F") -> Charge:
    return Charge(text, level, UN, "-8")


class Kind(NamedTuple):
    name: str
    weight: float  # share of criminal cases
    imm: bool
    leads: tuple[tuple[str, float], ...]
    extras: tuple[str, ...]  # further counts
    ndefs: tuple[float, ...]  # P(1 defendant), P(2), ...
    paths: tuple[float, float, float]  # magistrate only, magistrate then district, district
    progcats: tuple[str, ...]  # the first always; others on "several categories" cases
    agencies: tuple[tuple[str, float], ...]
    sentence: tuple[int, int]  # incarceration: median months, spread


KINDS = (
    Kind("entry", 33, True, (("1325a1", 45), ("1325a1x", 25), ("1325a2", 10), ("1325m", 10),
                             ("1325f", 10)), ("1325a2",), (97, 3), (88, 8, 4),
         ("055", "024"), (("HSCB", 95), ("HSCE", 5)), (1, 2)),
    Kind("reentry", 26, True, (("1326", 40), ("1326a", 25), ("1326b1", 15), ("1326b2", 20)),
         ("1546", "1325a1"), (98, 2), (3, 62, 35), ("055", "024"),
         (("HSCB", 70), ("HSCE", 30)), (15, 20)),
    Kind("smuggling", 9, True, (("1324", 50), ("1324v", 20), ("1324b", 15), ("1324p", 10),
                                ("1324m", 5)), ("1324", "1324v"), (35, 25, 18, 12, 6, 4),
         (8, 60, 32), ("055", "024", "022"), (("HSCB", 75), ("HSCE", 25)), (18, 24)),
    Kind("other-immigration", 4, True, (("1546", 60), ("1325c", 20), ("1324a", 20)),
         ("1324c", "1546"), (80, 15, 5), (2, 30, 68), ("055", "03U"),
         (("HSCE", 50), ("HSCI", 35), ("HSCB", 15)), (8, 12)),
    Kind("drugs", 13, False, (("841", 60), ("846", 40)), ("846", "841", "922g"),
         (55, 20, 12, 8, 5), (3, 35, 62), ("040", "047", "024"),
         (("JUDE", 50), ("HSCE", 20), ("JUFB", 15), ("HSCB", 15)), (60, 80)),
    Kind("firearms", 6, False, (("922g", 100),), ("922g", "841"), (85, 12, 3), (2, 30, 68),
         ("053", "093"), (("JUAF", 70), ("JUFB", 30)), (46, 40)),
    Kind("fraud", 5, False, (("1343", 50), ("1028A", 25), ("1001", 25)), ("1028A", "1343"),
         (60, 20, 10, 10), (1, 20, 79), ("03Z", "03U", "03L"), (("JUFB", 70), ("HSCI", 30)),
         (24, 30)),
    Kind("other", 4, False, (("111", 30), ("641m", 20), ("1001", 25), ("911", 25)),
         ("1001",), (90, 10), (10, 30, 60), ("090", "056", "074"),
         (("JUFB", 50), ("JUBP", 30), ("JUMS", 20)), (10, 14)),
)

#: Trap rates (per eligible case, defendant, history, count or record, as named).
RATES = {
    "civil_case": 0.08, "civil_sealed": 0.10, "redacted_ongoing": 0.015,
    "redacted_sealed": 0.008, "path_nc": 0.02, "path_blank": 0.012, "path_none": 0.01,
    "lead_star": 0.005, "lead_empty": 0.007, "lead_garbage": 0.006, "lead_ambiguous": 0.05,
    "charge_star": 0.004, "charge_garbage": 0.004, "charge_ambiguous": 0.03,
    "bad_year_filing": 0.006, "bad_year_other": 0.004, "stray_cr": 0.004, "latin1": 0.012,
    "reused_caseid": 0.02, "several_progcats": 0.08, "no_agency": 0.05, "two_agencies": 0.12,
    "smuggling_codefendant_other": 0.2, "reentry_first_felony_911": 0.03,
    "drug_codefendant_reentry": 0.05, "flip_1325_complaint": 0.15, "mg_only_codefendant": 0.2,
    "material_witness": 0.3, "transfer": 0.006, "missing_from_court": 0.005,
    "court_extra": 0.003,
}
BORDER = {"TXS": 28, "AZ": 22, "TXW": 18, "CAS": 14, "NM": 10}
BIG = ("CAC", "FLS", "NYS", "NYE", "ILN", "TXN", "PR", "FLM", "NJ", "MIE")
COUNTRIES_IMM = (("MX", 55), ("GL", 14), ("HO", 13), ("ES", 7), ("DR", 2), ("IN", 3),
                 ("CO", 2), ("CU", 1), ("CH", 1), ("EQ", 2))
COUNTRIES_OTHER = (("US", 75), ("MX", 15), ("CO", 3), ("DR", 3), ("HO", 2), ("GL", 2))
FIRST_NAMES = ("JUAN", "MARIA", "JOHN", "ANA", "LUIS", "ROSA", "JOSE", "LINDA")
CITIES = (("SAN DIEGO", "CA"), ("TUCSON", "AZ"), ("LAREDO", "TX"), ("EL PASO", "TX"),
          ("LAS CRUCES", "NM"), ("PHOENIX", "AZ"), ("HOUSTON", "TX"), ("CHICAGO", "IL"))
LATIN1_CITY, LATIN1_NAME = ("ESPAÑOLA", "NM"), "SAMPLEDOE-MUÑOZ"


class Pick:
    """A categorical draw from one uniform number (bisect on cumulative weights)."""

    def __init__(self, pairs: Iterable[tuple[Any, float]]) -> None:
        pairs = list(pairs)
        total = float(sum(w for _, w in pairs))
        acc, self.cum = 0.0, []
        for _, w in pairs:
            acc += w / total
            self.cum.append(acc)
        self.cum[-1] = 1.0
        self.values = [v for v, _ in pairs]

    def __call__(self, u: float) -> Any:
        return self.values[bisect_right(self.cum, u)]


class Quota:
    """Plants a trap at a steady rate: every eligible item adds ``rate``, and a
    trap falls due each time the sum passes a whole number. Unlike a coin toss,
    a rate of 0.3% gives 6 traps in 2,000 items, never 0."""

    def __init__(self, rate: float, phase: float) -> None:
        self.rate, self.acc = rate, phase

    def __call__(self) -> bool:
        self.acc += self.rate
        if self.acc >= 1.0:
            self.acc -= 1.0
            return True
        return False


class Days:
    """Day offsets: text (``DD-MON-YYYY``), fiscal year and date of each day."""

    def __init__(self, first_fy: int, end: date) -> None:
        start = date(first_fy - 1, 10, 1)
        self.t0 = start - timedelta(days=120)  # room for received dates before the first FY
        n = (end - self.t0).days + 1
        self.date = [self.t0 + timedelta(days=i) for i in range(n)]
        self.text = [format_date(d) for d in self.date]
        self.fy = [fiscal_year(d) for d in self.date]
        self.first, self.last = (start - self.t0).days, n - 1

    def bad(self, day: int) -> str:
        """The same day with an impossible year, as seen in real releases."""
        return self.text[day][:7] + "0024"


def own_lead(counts: list[tuple[int, Charge]]) -> Charge | None:
    """First F count, else first M, else first P, by count ID."""
    ordered = sorted(counts, key=lambda c: c[0])
    for level in LEVEL_ORDER:
        for _, ch in ordered:
            if ch.level == level:
                return ch
    return None


def lead_of(kind: Kind) -> Pick:
    return Pick((CHARGES[k], w) for k, w in kind.leads)


def districts() -> list[str]:
    """LIONS district codes, in the crosswalk's order; Guam and the Northern Mariana
    Islands share one office and one code (GU): never NMI."""
    return [r["lions_code"] for r in read_table("geo", "districts-geo-key.csv")
            if r["lions_code"] != "NMI"]


def district_picks() -> tuple[Pick, Pick]:
    """(immigration, other) district draws: immigration mostly on the border."""
    codes = districts()
    imm = Pick((d, BORDER.get(d, 0.2 if d == "GU" else 0.08)) for d in codes)
    other = Pick((d, 3 if d in BORDER else 2 if d in BIG else 0.8) for d in codes)
    return imm, other


def agency_names() -> dict[str, str]:
    return {r["code"]: r["description"].upper() for r in read_table("lions", "agencies.csv")}


# --- the world's objects ------------------------------------------------------------
class Hist:
    """A court history (GS_COURT_HIST) with its one instrument (GS_INSTRUMENT)."""

    __slots__ = ("court", "day", "filing", "id", "inst", "inst_type", "number", "sys_day")

    def __init__(self, hid: int, court: str, filing: str, day: int | None, sys_day: int,
                 inst: int, inst_type: str, number: str) -> None:
        self.id, self.court, self.filing, self.day, self.sys_day = hid, court, filing, day, sys_day
        self.inst, self.inst_type, self.number = inst, inst_type, number


class Link:
    """A defendant on a court history (GS_PART_COURT): its disposition there."""

    __slots__ = ("day", "disp", "hist")

    def __init__(self, hist: Hist, disp: str = "", day: int | None = None) -> None:
        self.hist, self.disp, self.day = hist, disp, day


class Party:
    """A participant: a defendant (``counts``, ``links`` set) or anyone else."""

    __slots__ = ("agency", "birth", "city", "counts", "country", "cr", "first", "links",
                 "name", "num", "pid", "role", "sentence", "type")

    def __init__(self, pid: int, role: str, type_: str, name: str) -> None:
        self.pid, self.role, self.type, self.name = pid, role, type_, name
        self.agency = self.first = self.birth = self.country = ""
        self.city: tuple[str, str] = ("", "")
        self.num: int | None = None
        self.cr = False  # a stray carriage return inside its record
        self.links: list[Link] = []
        self.counts: list[tuple[int, Hist, Charge]] = []  # (count ID, history, charge)
        self.sentence: tuple[int, str, int, int] | None = None  # day, type, days, months

    @property
    def defendant(self) -> bool:
        return self.role.startswith("D")


class Case:
    __slots__ = ("bad_update", "caseid", "civil", "counts", "cr", "defendants", "district",
                 "hists", "kind", "lead", "parties", "progcat_ids", "progcats", "recvd",
                 "sealed", "update")

    def __init__(self, district: str, caseid: str, kind: Kind | None, recvd: int) -> None:
        self.district, self.caseid, self.kind, self.recvd = district, caseid, kind, recvd
        self.civil = kind is None
        self.sealed = self.cr = self.bad_update = False
        self.lead = unreadable("")
        self.parties: list[Party] = []
        self.defendants: list[Party] = []  # the parties whose role starts with D
        self.hists: list[Hist] = []
        self.counts: list[tuple[int, Hist, Charge]] = []  # GS_COUNT rows
        self.progcats: list[str] = []
        self.progcat_ids: list[int] = []
        self.update = recvd

    def add(self, p: Party) -> None:
        self.parties.append(p)
        if p.defendant:
            self.defendants.append(p)


class _Ids:
    """Per-case ID windows: every kind of ID starts near the same base, so a
    participant ID equals some count and court-history ID of the same case and a
    join on the wrong ID column matches wrong rows without complaint."""

    def __init__(self, base: int, r) -> None:
        self.next = {k: base + 1 + int(r() * 3) for k in ("part", "hist", "inst", "count",
                                                          "prog")}

    def __call__(self, kind: str) -> int:
        n = self.next[kind]
        self.next[kind] = n + 1
        return n

    def end(self) -> int:
        return max(self.next.values())


# --- the builder -------------------------------------------------------------------
class Builder:
    """Cases in a fixed order from one seed: criminal ones until ``defendants`` are
    placed, civil ones among them."""

    def __init__(self, seed: int, end: date, first_fy: int) -> None:
        self.r = r = Random(seed).random
        self.days = Days(first_fy, end)
        self.q = {name: Quota(rate, r()) for name, rate in RATES.items()}
        self.kind = Pick((k, k.weight) for k in KINDS)
        self.leads = {k.name: lead_of(k) for k in KINDS}
        self.ndefs = {k.name: Pick((i + 1, p) for i, p in enumerate(k.ndefs)) for k in KINDS}
        self.paths = {k.name: Pick(zip(("mg", "mg_dc", "dc"), k.paths, strict=True))
                      for k in KINDS}
        self.agency = {k.name: Pick(k.agencies) for k in KINDS}
        self.dist_imm, self.dist_other = district_picks()
        self.country = (Pick(COUNTRIES_IMM), Pick(COUNTRIES_OTHER))
        self.names = agency_names()
        self.next_id = {d: 1000 + int(r() * 9000) for d in districts()}
        self.seq: dict[tuple[str, int, str], int] = {}
        self.index = {d: i for i, d in enumerate(districts())}
        self.reserved = self.pairs = 0

    def cases(self, defendants: int):
        """Every case of the world; the criminal ones hold exactly ``defendants``."""
        left, r = defendants, self.r
        while left > 0:
            if self.q["civil_case"]():
                yield self.civil()
            kind = self.kind(r())
            dist = self.dist_imm(r()) if kind.imm else self.dist_other(r())
            # (9999 pairs at most: the reserved numbers must fit CASEID's 10 characters)
            reuse = dist == "TXS" and self.reserved < 9999 and self.q["reused_caseid"]()
            case = self.criminal(kind, dist, left, reuse)
            left -= len(case.defendants)
            yield case
            if reuse and left > 0:  # the same CASEID, another case, in Arizona
                twin = self.criminal(self.kind(r()), "AZ", left, False, case.caseid)
                left -= len(twin.defendants)
                self.pairs += 1
                yield twin

    # -- identifiers and dates --------------------------------------------------------
    def _caseid(self, district: str, day: int, cls: str) -> str:
        year = self.days.date[day].year
        key = (district, year, cls)
        n = self.seq.get(key, (self.index[district] * 379) % 30000)  # districts rarely collide
        self.seq[key] = n + 1
        return f"{year}{cls}{n + 1:05d}" if n < 89_999 else f"{year % 100:02d}{cls}{n + 1:07d}"

    def _reserved(self, day: int) -> str:
        self.reserved += 1  # 9xxxx: never drawn by _caseid, so the pair is the only reuse
        return f"{self.days.date[day].year}R9{self.reserved:04d}"

    def _ids(self, district: str) -> _Ids:
        return _Ids(self.next_id[district], self.r)

    def _close_ids(self, district: str, ids: _Ids) -> None:
        self.next_id[district] = ids.end() + int(self.r() * 4)

    def _filing(self, day: int, withheld: bool) -> tuple[str, int | None]:
        """FILING_DATE text and the day it counts as (None: not a date)."""
        if withheld:
            return ("*" if self.r() < 0.3 else ""), None
        if self.q["bad_year_filing"]():
            return self.days.bad(day), None
        return self.days.text[day], day

    # -- cases ------------------------------------------------------------------------
    def criminal(self, kind: Kind, dist: str, left: int, reuse: bool,
                 caseid: str | None = None) -> Case:
        r, d, q = self.r, self.days, self.q
        t0 = d.first + int(r() * (d.last - d.first + 1))
        recvd = max(0, t0 - int(r() * 30))
        if caseid is None:
            caseid = self._reserved(recvd) if reuse else self._caseid(dist, recvd, "R")
        case = Case(dist, caseid, kind, recvd)
        redaction = "sealed" if q["redacted_sealed"]() else \
            "ongoing" if q["redacted_ongoing"]() else None
        path = "nc" if q["path_nc"]() else "blank" if q["path_blank"]() else \
            "none" if q["path_none"]() else ""
        lead = self.leads[kind.name](r())
        court_path = self.paths[kind.name](r())
        if court_path == "mg" and kind.name == "entry" and lead.level == "F":
            court_path = "mg_dc"  # a felony 1325 goes on to district court
        ids = self._ids(dist)
        self._parties(case, kind, ids, min(self.ndefs[kind.name](r()), left), redaction)
        self._lead(case, kind, lead, redaction)
        if path in ("nc", "none"):
            self._not_in_court(case, ids, t0, path)
        else:
            self._court(case, kind, ids, t0, court_path, lead,
                        withheld=path == "blank" or redaction == "sealed",
                        sealed=redaction == "sealed")
        self._progcats(case, kind, ids, redaction)
        self._close_ids(dist, ids)
        self._finish(case)
        return case

    def _parties(self, case: Case, kind: Kind, ids: _Ids, ndef: int,
                 redaction: str | None) -> None:
        r, q = self.r, self.q
        n_in = 0 if q["no_agency"]() else 2 if q["two_agencies"]() else 1
        agencies_first = r() < 0.5
        agencies = []
        for _ in range(n_in):
            code = self.agency[kind.name](r())
            p = Party(0, "*" if redaction else "IN", "A", self.names.get(code, code))
            p.agency = code
            agencies.append(p)
        defendants = []
        for i in range(ndef):
            role = "D*" if redaction else "DJ" if r() < 0.01 else "DG" if r() < 0.02 else "D"
            p = Party(0, role, "I", "SAMPLEDOE")
            p.num, p.first = i + 1, FIRST_NAMES[int(r() * len(FIRST_NAMES))]
            p.city = CITIES[int(r() * len(CITIES))]
            p.birth = format_date(date(1955 + int(r() * 45), 1 + int(r() * 12),
                                       1 + int(r() * 28)))
            if q["latin1"]():
                if r() < 0.5:
                    p.name = LATIN1_NAME
                else:
                    p.city = LATIN1_CITY
            if q["bad_year_other"]():
                p.birth = p.birth[:7] + "0024"
            defendants.append(p)
        witnesses = []
        if kind.name == "smuggling" and q["material_witness"]():
            witnesses = [Party(0, "*" if redaction else "MW", "I", "SAMPLEWITNESS")
                         for _ in range(1 + int(r() * 3))]
        order = agencies + defendants if agencies_first else defendants + agencies
        for p in order + witnesses:
            p.pid = ids("part")
            p.cr = q["stray_cr"]()
            case.add(p)

    def _lead(self, case: Case, kind: Kind, lead: Charge, redaction: str | None) -> None:
        q = self.q
        if redaction or q["lead_star"]():
            case.lead = unreadable(STAR)
        elif q["lead_empty"]():
            case.lead = unreadable("")
        elif q["lead_garbage"]():
            case.lead = unreadable(GARBAGE[int(self.r() * len(GARBAGE))])
        elif kind.name == "smuggling" and q["lead_ambiguous"]():
            case.lead = unreadable(AMBIGUOUS)
        else:
            case.lead = lead

    def _charges(self, kind: Kind, lead: Charge, i: int) -> list[Charge]:
        """A defendant's charges, most serious first as the prosecutor listed them."""
        r, q = self.r, self.q
        if kind.name == "smuggling" and i > 0 and q["smuggling_codefendant_other"]():
            return [CHARGES["1326" if r() < 0.6 else "1325a1"]]
        if kind.name == "drugs" and i > 0 and q["drug_codefendant_reentry"]():
            return [CHARGES["1326"]]
        charges = [lead]
        rank = LEVEL_ORDER.index(lead.level)
        extras = [CHARGES[x] for x in kind.extras
                  if LEVEL_ORDER.index(CHARGES[x].level) >= rank]  # never above the lead
        for p in (0.25, 0.08):
            if extras and r() < p:
                charges.append(extras[int(r() * len(extras))])
        if kind.name == "reentry" and q["reentry_first_felony_911"]():
            charges.insert(0, CHARGES["911"])  # listed first: the first F by count ID
        return charges

    # -- court histories, counts, dispositions ------------------------------------------
    def _court(self, case: Case, kind: Kind, ids: _Ids, t0: int, path: str, lead: Charge,
               *, withheld: bool, sealed: bool) -> None:
        r, d, q = self.r, self.days, self.q
        defs = case.defendants
        on_mg = [path in ("mg", "mg_dc")] * len(defs)
        on_dc = [path in ("mg_dc", "dc") and not (
            path == "mg_dc" and i > 0 and q["mg_only_codefendant"]()) for i in range(len(defs))]
        need_mg, need_dc = any(on_mg), any(on_dc)
        dc_day = t0 + 3 + int(r() * 43) if need_mg and need_dc else t0
        if need_dc and dc_day > d.last:  # not yet indicted when the release was cut
            need_dc, on_dc = False, [False] * len(defs)
        yy = d.date[t0].year % 100
        mg = self._hist(ids, "MG", t0, withheld, "CO", f"{yy:02d}-mj") if need_mg else None
        dc = self._hist(ids, "DC", dc_day, withheld, "IN" if r() < 0.75 else "IF",
                        f"{yy:02d}-cr") if need_dc else None
        case.hists = [h for h in (mg, dc) if h is not None]
        charges = [self._charges(kind, lead, i) for i in range(len(defs))]
        shared: dict[tuple[int, str], tuple[int, Charge]] = {}
        for i, p in enumerate(defs):  # the complaint's counts first: lower count IDs
            if on_mg[i]:
                mgc = charges[i] if not on_dc[i] else charges[i][:1]
                if on_dc[i] and kind.name == "reentry" and q["flip_1325_complaint"]():
                    mgc = [CHARGES["1325a1"]]  # complaint 1325 petty, indictment 1326
                self._counts(case, p, mg, mgc, ids, lead, sealed, shared)
                p.links.append(Link(mg))
        for i, p in enumerate(defs):
            if on_dc[i]:
                self._counts(case, p, dc, charges[i], ids, lead, sealed, shared)
                p.links.append(Link(dc))
        for p in defs:
            self._dispose(p, kind)

    def _hist(self, ids: _Ids, court: str, day: int, withheld: bool, inst_type: str,
              number: str) -> Hist:
        filing, valid = self._filing(day, withheld)
        sys_day = min(day + int(self.r() * 3), self.days.last)
        office = 1 + int(self.r() * 4)
        return Hist(ids("hist"), court, filing, valid, sys_day, ids("inst"), inst_type,
                    f"{office}:{number}-{int(self.r() * 99_999):05d}")

    def _counts(self, case: Case, p: Party, hist: Hist, charges: list[Charge], ids: _Ids,
                lead: Charge, sealed: bool,
                shared: dict[tuple[int, str], tuple[int, Charge]]) -> None:
        """Counts of ``p`` on ``hist``; in a smuggling case the lead count is one
        count shared by every defendant charged with it (a conspiracy count)."""
        for ch in charges:
            key = (hist.id, ch.text)
            share = ch is lead and ch.cat == SM
            if share and key in shared:
                p.counts.append((shared[key][0], hist, shared[key][1]))
                continue
            ch = self._charge_trap(ch, sealed)
            cid = ids("count")
            case.counts.append((cid, hist, ch))
            p.counts.append((cid, hist, ch))
            if share:
                shared[key] = (cid, ch)

    def _charge_trap(self, ch: Charge, sealed: bool) -> Charge:
        q = self.q
        if sealed or q["charge_star"]():
            return unreadable(STAR, ch.level)
        if q["charge_garbage"]():
            return unreadable(GARBAGE[int(self.r() * len(GARBAGE))], ch.level)
        if ch.cat == SM and q["charge_ambiguous"]():
            return unreadable(AMBIGUOUS, ch.level)
        return ch

    def _dispose(self, p: Party, kind: Kind) -> None:
        """Disposition on the last court history; a sentence for a conviction."""
        r, d = self.r, self.days
        if not p.links:
            return
        link = p.links[-1]
        petty = all(ch.level == "P" for _, _, ch in p.counts)
        base = link.hist.sys_day
        if link.hist.court == "MG":  # magistrate only: petty cases often the same day
            same = petty and r() < 0.6
            day, disp = base + (0 if same else int(r() * 40)), "GT" if r() < 0.9 else "DM"
        else:
            u = r()
            day = base + 20 + int(r() * 200)
            disp = "GT" if u < 0.86 else "DM" if u < 0.93 else "DJ" if u < 0.96 else \
                "NC" if u < 0.98 else "NG"
        if day > d.last:
            return  # pending at the release
        link.disp, link.day = disp, day
        p.country = self.country[0 if kind.imm else 1](r())
        if disp not in ("GT", "NC"):
            return
        sday = day if link.hist.court == "MG" and petty and r() < 0.8 else day + 50 + int(r() * 60)
        if sday > d.last:
            return
        if petty:
            jail = (0, 2, 15, 30, 60, 75, 180)[int(r() * 7)]
            p.sentence = (sday, "TIM" if jail == 0 else "", jail, 0)
        else:
            median, spread = kind.sentence
            p.sentence = (sday, "", 0, max(1, median + int((r() - 0.5) * 2 * spread)))

    def _not_in_court(self, case: Case, ids: _Ids, t0: int, path: str) -> None:
        """Not filings: an ``NC`` history only (its date, when it has one, does not
        count), or no court history at all."""
        if path == "none":
            return
        r, d = self.r, self.days
        text = d.text[t0] if r() < 0.5 else ""
        h = Hist(ids("hist"), "NC", text, None, t0, 0, "", "")
        case.hists = [h]
        for p in case.defendants:
            day = t0 + int(r() * 60)
            p.links.append(Link(h, "DE", day) if day <= d.last and r() < 0.5 else Link(h))

    def _progcats(self, case: Case, kind: Kind, ids: _Ids, redaction: str | None) -> None:
        cats = [kind.progcats[0]]
        if redaction:  # withheld for sealed or ongoing matters
            cats = [STAR]
        elif self.q["several_progcats"]():
            more = list(kind.progcats[1:])
            for _ in range(1 + int(self.r() * min(2, len(more)))):
                cats.append(more.pop(int(self.r() * len(more))))
        case.progcats = cats
        case.progcat_ids = [ids("prog") for _ in cats]

    def _finish(self, case: Case) -> None:
        d, q = self.days, self.q
        days = [case.recvd] + [h.sys_day for h in case.hists]
        for p in case.parties:
            days += [lk.day for lk in p.links if lk.day is not None]
            if p.sentence:
                days.append(p.sentence[0])
        case.update = min(max(days) + int(self.r() * 5), d.last)
        case.bad_update = q["bad_year_other"]()
        case.cr = q["stray_cr"]()

    def civil(self) -> Case:
        """A civil case (CLASS V): its ``D`` parties are civil defendants, not counted."""
        r, d = self.r, self.days
        dist = self.dist_other(r())
        t0 = d.first + int(r() * (d.last - d.first + 1))
        recvd = max(0, t0 - int(r() * 60))
        case = Case(dist, self._caseid(dist, recvd, "V"), None, recvd)
        case.sealed = self.q["civil_sealed"]()
        ids = self._ids(dist)
        h = self._hist(ids, "DC", t0, False, "", f"{d.date[t0].year % 100:02d}-cv")
        h.inst = 0  # no instrument in a civil case
        case.hists = [h]
        roles = ["D"] * (1 + int(r() * 2)) + ["P"]
        for role in roles:
            p = Party(ids("part"), role, "I" if r() < 0.6 else "A", "SAMPLEDOE")
            p.links.append(Link(h))
            case.add(p)
        self._close_ids(dist, ids)
        self._finish(case)
        return case
