"""A deliberately naive second implementation of the court-file measures.

Plain Python over the raw text of a cr96on file: no store, no Arrow, no
engine, no code shared with ``crossings.measures`` (the charge rules are
re-written here from the issue's text, reading only the FJC's own tables).
The tests compare it with the engine on samples of several seeds: two
independent paths, so a disagreement is a bug in one of them.
"""

from __future__ import annotations

import csv
import re
import statistics
from collections import defaultdict
from datetime import date
from pathlib import Path

from crossings.codebook.districts import by_code

IMMIGRATION = ("illegal_entry", "illegal_reentry", "alien_smuggling", "other_immigration")

REFERENCE = Path(__file__).resolve().parents[2] / "crossings" / "codebook" / "data" / "fjc"

with open(REFERENCE / "criminal-citations-2024-07-26.csv", encoding="utf-8") as _f:
    CITATION_D2 = {r["citation"]: r["d2_offense_code"] for r in csv.DictReader(_f)}
    _f.seek(0)
    CITATION_PARTS = {r["citation"]: (r["title"], r["section"], r["subsection"])
                      for r in csv.DictReader(_f)}
with open(REFERENCE / "districts.csv", encoding="utf-8") as _f:
    DISTRICTS = list(csv.DictReader(_f))
NAMES = {r["district"]: r["name"] for r in DISTRICTS}
with open(REFERENCE.parent / "geo" / "districts-geo-key.csv", encoding="utf-8") as _f:
    GEO = {r["fjc_district"]: r for r in csv.DictReader(_f)}
SOUTHWEST = {"74", "70", "84", "42", "41"}
CONVICTED = {4, 5, 8, 9, 17, 19}
DISPOSITIONS = {0: "Rule 20(a)/21 transfer", 1: "Dismissed", 2: "Acquitted by court",
                3: "Acquitted by jury", 4: "Convicted on guilty plea",
                5: "Convicted on nolo contendere plea", 8: "Convicted by court after trial",
                9: "Convicted by jury after trial", 10: "NARA Titles I and III",
                11: "Nolle prosequi", 12: "Pretrial diversion", 13: "Mistrial",
                14: "Statistically closed", 15: "Dismissed without prejudice",
                16: "Not guilty by reason of insanity (court trial)",
                17: "Guilty but insane (court trial)",
                18: "Not guilty by reason of insanity (jury trial)",
                19: "Guilty but insane (jury trial)", 20: "Dismissal superseded",
                21: "Reassigned from judge to magistrate judge"}
COUNSEL = {0: "Not reported", 1: "Criminal Justice Act appointment", 2: "Private counsel",
           3: "Pro se", 4: "Self", 5: "None or other", 6: "Public or community defender",
           7: "Pro bono"}
LEVELS = {1: "Petty offense", 3: "Class A misdemeanor", 4: "Felony"}


def read_rows(path: Path):
    with open(path, encoding="latin-1", newline="") as f:
        header = f.readline().rstrip("\r\n").split("\t")
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            fields = dict(zip(header, line.split("\t"), strict=True))
            if (fields["CIRCUIT"], fields["DISTRICT"]) == ("11", "11"):
                continue
            yield fields


def missing(v: str) -> bool:
    return v.strip() in ("", "-8")


def d2_category(code: str) -> str:
    return {"8710": "illegal_entry", "8720": "illegal_reentry", "8730": "alien_smuggling",
            "8731": "other_immigration", "8740": "other_immigration",
            "8750": "other_immigration"}.get(code.strip(), "non_immigration")


def older_code_category(code: str) -> str:
    """The older offense code (FOFFCD/TOFFCD) by the FJC offense-code list's labels."""
    return {"8710": "illegal_entry", "8740": "illegal_entry", "8720": "illegal_reentry",
            "8730": "other_immigration", "8731": "other_immigration",
            "8750": "other_immigration", "6200": "unreadable"}.get(code.strip(),
                                                                   "non_immigration")


def parse(citation: str):
    if citation in CITATION_PARTS:
        title, section, sub = CITATION_PARTS[citation]
    else:
        m = re.match(r"^([0-9]+[A-Z]*):([0-9]+)([^.=]*)(=[^.]*)?(\.[A-Z])?$", citation)
        if not m:
            return None
        title, section, sub = m.group(1), m.group(2), m.group(3)
    section = section.lstrip("0") or "0"
    if title == "8" and section == "1324" and sub[:1].isalpha():
        section, sub = "1324" + sub[0].lower(), sub[1:]
    return title, section, sub.upper()


def category(citation: str, d2: str, offense: str) -> str:
    if not missing(d2):
        return d2_category(d2)
    if not missing(citation):
        if CITATION_D2.get(citation, "").strip():
            return d2_category(CITATION_D2[citation])
        parts = parse(citation)
        if parts:
            title, section, sub = parts
            if (title, section) == ("18", "13") and re.match(r"^-[0-9]{4}", sub):
                return d2_category(sub[1:5])
            if title == "8":
                if section == "1326":
                    return "illegal_reentry"
                if section == "1325":
                    return "other_immigration" if sub[:1] in ("C", "D") else "illegal_entry"
                if section == "1324":
                    return "alien_smuggling"
                return "other_immigration"
            if title == "18" and section in ("1546", "1597"):
                return "other_immigration"
            return "non_immigration"
    if not missing(offense):
        return older_code_category(offense)
    return "unreadable"


def statute(citation: str) -> str:
    if missing(citation):
        return "unknown"
    parts = parse(citation)
    return f"{parts[0]}:{parts[1]}" if parts else "unknown"


def slot(row: dict, basis: str, n: int):
    if basis == "filing":
        return row[f"FTITLE{n}"], row[f"D2FOFFCD{n}"], row[f"FOFFCD{n}"]
    return row[f"TTITLE{n}"], row[f"D2TOFFCD{n}"], row[f"TOFFCD{n}"]


def to_date(v: str):
    if v in ("", "-8", "01/01/1900"):
        return None
    m, d, y = v.split("/")
    return date(int(y), int(m), int(d))


def quantile(values: list[float], q: float):
    if not values:
        return None
    s = sorted(values)
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def naive(path: Path, measure: str, by=(), where=None, transfers="exclude",
          charge_basis="default", any_charge=False) -> list[dict]:
    """The measure's rows, with the rate columns of convictions and counsel."""
    options = {"transfers": transfers, "charge_basis": charge_basis, "any_charge": any_charge}
    rows = counted(path, measure, by, where, **options)
    if measure == "convictions":
        ended = {tuple(r[k] for k in by): r["defendants"]
                 for r in counted(path, "terminations", by, where, **options)}
        for r in rows:
            r["terminations"] = ended[tuple(r[k] for k in by)]
            r["conviction_rate"] = r["defendants"] / r["terminations"]
            r["guilty_plea_share"] = r.pop("_pleas") / r["defendants"]
    if measure == "counsel":  # CJA (1) and defenders (6) of those reported (not 0, -8)
        groups = defaultdict(lambda: [0, 0])
        for r in rows:
            if r["counsel"] not in ("Not reported", "unknown"):
                groups[tuple(r[k] for k in by)][1] += r["defendants"]
                if r["counsel"] in ("Criminal Justice Act appointment",
                                    "Public or community defender"):
                    groups[tuple(r[k] for k in by)][0] += r["defendants"]
        for r in rows:
            part, whole = groups[tuple(r[k] for k in by)]
            r["appointed_counsel_share"] = part / whole if whole else None
    return rows


def counted(path: Path, measure: str, by=(), where=None, transfers="exclude",
            charge_basis="default", any_charge=False) -> list[dict]:
    where = where or {}
    basis = {"filings": "filing", "pending": "pending", "counsel": "filing",
             "offense_level": "filing"}.get(measure, "termination")
    flag = {("filing", "exclude"): "CTFIL", ("filing", "include"): "CTFILTRN",
            ("termination", "exclude"): "CTTR", ("termination", "include"): "CTTRTRN"
            }.get((basis, transfers), "CTPN")
    charges_on = "termination" if basis == "termination" and charge_basis != "filing" else "filing"
    if measure == "plea_down":  # what became of the filings: the filing charge
        charges_on = "filing"
    date_field = "TERMDATE" if basis == "termination" else "FILEDATE"
    groups = defaultdict(list)
    for row in read_rows(path):
        if row[flag] != "1":
            continue
        if (measure in ("convictions", "sentences", "prison_years")
                and int(row["DISP1"]) not in CONVICTED):
            continue
        fy = int(row["FISCALYR"])
        if "from_year" in where and fy < where["from_year"]:
            continue
        if "to_year" in where and fy > where["to_year"]:
            continue
        if "district" in where and row["DISTRICT"] != where["district"]:
            continue
        border = "southwest" if row["DISTRICT"] in SOUTHWEST else "other"
        if "border" in where and border != where["border"]:
            continue
        n_slots = range(1, 6) if any_charge else range(1, 2)
        pairs = set()
        for n in n_slots:
            c, d2, off = slot(row, charges_on, n)
            if n > 1 and missing(c) and missing(d2) and missing(off):
                continue
            pairs.add((category(c, d2, off), statute(c)))
        if not any(d in by for d in ("charge", "charge_group", "statute")) and \
                "charge" not in where:
            pairs = {("x", "x")}
        keep = set()
        for cat, st in pairs:
            if "charge" in where and cat != where["charge"]:
                continue
            key = []
            for dim in by:
                if dim == "fiscal_year":
                    key.append(fy)
                elif dim == "month":
                    d = to_date(row[date_field])
                    key.append(f"{d.year:04d}-{d.month:02d}" if d else "unknown")
                elif dim == "district":
                    key.append(row["DISTRICT"])
                elif dim == "circuit":
                    key.append(row["CIRCUIT"])
                elif dim == "border":
                    key.append(border)
                elif dim == "charge":
                    key.append(cat)
                elif dim == "charge_group":
                    key.append("immigration" if cat in IMMIGRATION else cat)
                elif dim == "sentence_bracket":
                    key.append(bracket(int(row["PRISTOT"])))
                elif dim == "statute":
                    key.append(st)
                elif dim == "offense_level":
                    level = row["FOFFLVL1" if charges_on == "filing" else "TOFFLVL1"]
                    key.append(LEVELS.get(int(level), "unknown"))
            keep.add(tuple(key) + own_group(measure, row))
        for key in keep:
            groups[key].append(row)
    return [finish(measure, by, key, rows) for key, rows in sorted(groups.items())]


def own_group(measure: str, row: dict) -> tuple:
    if measure == "dispositions":
        return (DISPOSITIONS.get(int(row["DISP1"]), "unknown"),)
    if measure == "counsel":
        return (COUNSEL.get(int(row["FCOUNSEL"]), "unknown"),)
    if measure == "offense_level":
        return (LEVELS.get(int(row["FOFFLVL1"]), "unknown"),)
    if measure == "plea_down":
        return (category(*slot(row, "filing", 1)), category(*slot(row, "termination", 1)))
    return ()


def finish(measure: str, by, key: tuple, rows: list[dict]) -> dict:
    names = list(by) + {"dispositions": ["disposition"], "counsel": ["counsel"],
                        "offense_level": ["offense_level"],
                        "plea_down": ["filing_charge", "termination_charge"]}.get(measure, [])
    out = {}
    for name, value in zip(names, key, strict=True):
        out[name] = value
        if name == "district":
            out["district_name"] = NAMES.get(value, "unknown")
            out["district_abbreviation"] = GEO[value]["lions_code"]
            # The Bluebook form is a label, not a count: taken from the codebook here and
            # checked on hand-worked districts in tests/codebook/test_districts.py.
            out["district_short_name"] = by_code(value).short
            out["district_map_key"] = GEO[value]["geo_id"]
    if measure == "sentences":
        out.update(sentences(rows))
    elif measure == "prison_years":
        out.update(prison_years(rows))
    elif measure == "speed":
        out.update(speed(rows))
    else:
        out["defendants"] = len(rows)
    if measure == "convictions":
        out["_pleas"] = sum(1 for r in rows if int(r["DISP1"]) in (4, 5))
    return out


def bracket(term: int) -> str:
    """PRISTOT's sentence bracket, written out from the rule."""
    named = {0: "none", -1: "<1", -4: "life", -5: "death", -2: "no sentence", -3: "sealed"}
    if term in named:
        return named[term]
    for low, high, label in ((1, 6, "1-6"), (7, 12, "7-12"), (13, 24, "13-24"),
                             (25, 60, "25-60")):
        if low <= term <= high:
            return label
    return "61+" if term >= 61 else "missing"


def sentences(rows: list[dict]) -> dict:
    terms = [int(r["PRISTOT"]) for r in rows]
    known = [t if t >= 0 else (0 if t == -1 else 470) for t in terms if t >= 0 or t in (-1, -4, -5)]
    return {"convicted": len(rows), "known_term": len(known),
            "prison": sum(1 for t in terms if t > 0 or t in (-1, -4, -5)),
            "median_prison_months": quantile(known, 0.5),
            "mean_prison_months": statistics.fmean(known) if known else None,
            "p25_prison_months": quantile(known, 0.25),
            "p75_prison_months": quantile(known, 0.75),
            "life_or_death": sum(1 for t in terms if t in (-4, -5)),
            "time_served": None,  # the court file does not mark it
            "no_sentence": terms.count(-2), "sealed": terms.count(-3),
            "missing": sum(1 for t in terms if t < 0 and t not in (-1, -2, -3, -4, -5))}


def prison_years(rows: list[dict]) -> dict:
    """Known terms summed in years: months as is, under a month 0, life and death 470."""
    terms = [int(r["PRISTOT"]) for r in rows]
    known = [t if t >= 0 else (0 if t == -1 else 470) for t in terms if t >= 0 or t in (-1, -4, -5)]
    return {"convicted": len(rows), "known_term": len(known),
            "unknown_term": len(rows) - len(known),
            "life_or_death": sum(1 for t in terms if t in (-4, -5)),
            "prison_years": sum(known) / 12}


def speed(rows: list[dict]) -> dict:
    days = []
    for r in rows:
        a, b = to_date(r["FILEDATE"]), to_date(r["DISPDATE"])
        if a and b and b >= a:
            days.append((b - a).days)
    n = len(days)
    return {"terminated": len(rows), "dated": n, "median_days": quantile(days, 0.5),
            "p90_days": quantile(days, 0.9),
            "share_within_1_day": sum(1 for x in days if x <= 1) / n if n else None,
            "share_within_7_days": sum(1 for x in days if x <= 7) / n if n else None}
