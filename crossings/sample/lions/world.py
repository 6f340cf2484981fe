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
