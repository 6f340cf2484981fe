"""Charge categories: the rules, written once, read from a table a user can cite.

A charge slot of the court file has a citation (``FTITLEn``/``TTITLEn``), a D2
offense code (``D2FOFFCDn``/``D2TOFFCDn``) and an older offense code
(``FOFFCDn``/``TOFFCDn``). Its category is decided by the first rule that
applies (docs/methodology.md says the same):

1. its D2 code, when present, through the ``d2`` rows of the rules table;
2. else its citation looked up in the FJC citation table, whose D2 code
   decides as in 1;
3. else the citation parsed: an Assimilative Crimes Act citation
   ``18:13-NNNN`` by the code it embeds (as in 1); otherwise its statute
   (``title:section``, a section letter kept where the ``section_letter``
   rows say a letter names a section) through the ``statute`` rows, first
   match wins;
4. else its older offense code (FOFFCD/TOFFCD), through its own table: the
   ``offense`` rows, labelled from the FJC's offense-code list (8710 and 8740
   illegal entry, 8720 re-entry, 8730, 8731 and 8750 other immigration, 6200
   ``unreadable``: two offences in one code; any other code non-immigration).
   It is not a D2 code: the two systems give the same number different meanings;
5. else ``unreadable``: counted and shown, never guessed.

The rules table (``charge-rules.csv``) has columns ``rule, match, subsection,
category, note``; ``--charges FILE`` takes a file of the same format.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from crossings.codebook import idb as idb_codes
from crossings.codebook.tables import data_path
from crossings.errors import ChargeRulesError

RULES_FILE = data_path("rules", "charge-rules.csv")
CITATIONS_FILE = data_path("fjc", "criminal-citations-2024-07-26.csv")

IMMIGRATION = ("illegal_entry", "illegal_reentry", "alien_smuggling", "other_immigration")
CATEGORIES = (*IMMIGRATION, "non_immigration", "unreadable")
#: The ``charge_group`` dimension: the four immigration categories as one.
CHARGE_GROUPS = ("immigration", "non_immigration", "unreadable")


def charge_group(category: str) -> str:
    """The group of a charge category: ``immigration`` for the four immigration ones."""
    return "immigration" if category in IMMIGRATION else category
UNREADABLE = "unreadable"
#: The number of the rule that reads the older offense code (reported in data_quality).
BY_OFFENSE_CODE = 4
UNKNOWN_STATUTE = "unknown"

#: ``title:section`` + subsection + optional ``=XX`` + optional ``.L`` (FJC notation).
FJC_CITATION = re.compile(
    r"^(?P<title>[0-9]+[A-Z]*):(?P<section>[0-9]+)(?P<sub>[^.=]*)(?:=[^.]*)?(?:\.[A-Z])?$")
ACA = re.compile(r"^-(?P<code>[0-9]{4})")
COLUMNS = ("rule", "match", "subsection", "category", "note")


@dataclass(frozen=True)
class Statute:
    title: str
    section: str  # digits, plus a lower-case letter where that letter names a section
    subsection: str  # upper case, no parentheses

    @property
    def key(self) -> str:
        return f"{self.title}:{self.section}"


@dataclass(frozen=True)
class ChargeRules:
    """A parsed rules table and the SHA-256 of its text."""

    d2: dict[str, str]
    d2_default: str
    offense: dict[str, str]  # older offense code (FOFFCD/TOFFCD) -> category
    offense_default: str
    section_letters: frozenset[str]
    statutes: tuple[tuple[str, str, str], ...]  # (match, subsection pattern, category)
    sha256: str
    path: str

    def by_code(self, code: str | None) -> str | None:
        if not present(code):
            return None
        return self.d2.get(code.strip(), self.d2_default)

    def by_offense_code(self, code: str | None) -> str | None:
        """The category of an older offense code (FOFFCD/TOFFCD), None when absent."""
        if not present(code):
            return None
        return self.offense.get(code.strip(), self.offense_default)

    def by_statute(self, statute: Statute) -> str:
        for match, pattern, category in self.statutes:
            if _key_matches(match, statute) and _subsection_matches(pattern, statute.subsection):
                return category
        return "non_immigration"


def present(value: str | None) -> bool:
    return value is not None and value.strip() not in ("", idb_codes.MISSING)


def _key_matches(match: str, statute: Statute) -> bool:
    if match == "*:*" or match == "*":
        return True
    title, _, section = match.partition(":")
    return title == statute.title and (section == "*" or section == statute.section)


def _subsection_matches(pattern: str, subsection: str) -> bool:
    if pattern == "*":
        return True
    if pattern == "":
        return subsection == ""
    if pattern.endswith("*"):
        return subsection.startswith(pattern[:-1].upper())
    return subsection == pattern.upper()


# --- loading -------------------------------------------------------------------
def load_rules(path: str | Path | None = None) -> ChargeRules:
    """The shipped rules, or a user's file of the same format (``--charges``)."""
    return _load(str(path) if path else str(RULES_FILE))


@cache
def _load(path: str) -> ChargeRules:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ChargeRulesError(f"cannot read the charge rules ({exc})", path=path) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ChargeRulesError(f"line {line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                               path=path, hint="save the file as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ChargeRulesError(f"the header must be {','.join(COLUMNS)}", path=path,
                               hint="copy the shipped charge-rules.csv and edit its rows")
    d2, default, letters, statutes = {}, None, set(), []
    offense: dict[str, str] = {}
    code_lines: dict[tuple[str, str], int] = {}  # (rule, match) -> line, to name duplicates
    for row in reader:
        line = reader.line_num
        _check_fields(row, line, path)
        rule, match = row["rule"].strip(), row["match"].strip()
        category = row["category"].strip()
        # Only an older offense code may be unreadable by rule (6200: two offences).
        allowed = CATEGORIES if rule == "offense" else CATEGORIES[:-1]
        if rule in ("d2", "statute", "offense") and category not in allowed:
            raise ChargeRulesError(
                f"line {line}: category {category!r} is not one of {', '.join(allowed)}",
                path=path)
        if rule in ("d2", "offense"):
            _check_once(code_lines, rule, match, line, path)
        if rule == "d2":
            if match == "*":
                default = category
            else:
                d2[match] = category
        elif rule == "offense":
            offense[match] = category
        elif rule == "section_letter":
            letters.add(match)
        elif rule == "statute":
            statutes.append((match, row["subsection"].strip(), category))
        else:
            raise ChargeRulesError(
                f"line {line}: rule {rule!r} is not d2, offense, section_letter or statute",
                path=path)
    if default is None:
        raise ChargeRulesError("no default d2 row (match *)", path=path,
                               hint="add: d2,*,,non_immigration,any other D2 offense code")
    if "*" not in offense:
        raise ChargeRulesError(
            "no default offense row (match *): the older offense codes need their own table",
            path=path, hint="copy the offense rows of the shipped charge-rules.csv")
    offense_default = offense.pop("*")
    return ChargeRules(d2, default, offense, offense_default, frozenset(letters),
                       tuple(statutes), hashlib.sha256(raw).hexdigest(), path)


def _check_once(seen: dict[tuple[str, str], int], rule: str, match: str, line: int,
                path: str) -> None:
    """A code mapped twice (or two defaults) would make the table depend on row order."""
    if (rule, match) in seen:
        what = "a second default (match *)" if match == "*" else f"code {match} again"
        raise ChargeRulesError(
            f"lines {seen[(rule, match)]} and {line}: {what} ({rule}); the table would depend "
            "on row order", path=path, hint="keep one of the two rows")
    seen[(rule, match)] = line


def _check_fields(row: dict, line: int, path: str) -> None:
    """A row with fewer or more fields than the header (csv pads with None)."""
    if None in row.values() or None in row:
        count = sum(v is not None for k, v in row.items() if k is not None) + len(
            row.get(None) or ())
        raise ChargeRulesError(f"line {line}: {count} fields, expected {len(COLUMNS)} "
                               f"({','.join(COLUMNS)})", path=path)


@cache
def citation_table() -> dict[str, tuple[str, str, str, str]]:
    """``citation -> (title, section, subsection, d2 code)`` from the FJC's table."""
    return {r["citation"]: (r["title"], r["section"], r["subsection"], r["d2_offense_code"])
            for r in idb_codes.citations()}


@cache
def citation_table_sha256() -> str:
    return hashlib.sha256(CITATIONS_FILE.read_bytes()).hexdigest()


# --- the court file's notation ----------------------------------------------------
def idb_statute(citation: str | None, rules: ChargeRules) -> Statute | None:
    """The statute a court-file citation names, or None when it cannot be read."""
    if not present(citation):
        return None
    citation = citation.strip().upper()
    known = citation_table().get(citation)
    if known:
        title, section, subsection, _ = known
    else:
        m = FJC_CITATION.match(citation)
        if not m:
            return None
        title, section, subsection = m["title"], m["section"], m["sub"]
    section = section.lstrip("0") or "0"
    subsection = subsection.upper()
    if f"{title}:{section}" in rules.section_letters and subsection[:1].isalpha():
        section, subsection = section + subsection[0].lower(), subsection[1:]
    return Statute(title, section, subsection)


def classify_idb(citation: str | None, d2: str | None, offense_code: str | None,
                 rules: ChargeRules) -> tuple[str, int]:
    """(category, number of the rule that decided) for one charge slot."""
    category = rules.by_code(d2)
    if category:
        return category, 1
    if present(citation):
        known = citation_table().get(citation.strip().upper())
        if known and rules.by_code(known[3]):
            return rules.by_code(known[3]), 2
        statute = idb_statute(citation, rules)
        if statute is not None:
            aca = ACA.match(statute.subsection) if statute.key == "18:13" else None
            if aca:
                return rules.by_code(aca["code"]), 3
            return rules.by_statute(statute), 3
    category = rules.by_offense_code(offense_code)
    if category:
        return category, BY_OFFENSE_CODE
    return UNREADABLE, 5


def slot_is_empty(citation, d2, offense_code) -> bool:
    """An unused charge slot (every field missing): not a charge at all."""
    return not (present(citation) or present(d2) or present(offense_code))


# --- the prosecutors' notation (LIONS) ----------------------------------------------
#: Title, optional spaces, colon, section (padded with zeros), the rest.
LIONS_CHARGE = re.compile(r"^\s*0*(?P<title>[0-9]+)\s*:\s*0*(?P<section>[0-9]+)(?P<rest>.*)$")
LIONS_SUBSECTION = re.compile(r"^[()A-Za-z0-9.\- ]*$")


def lions_statute(charge: str | None, rules: ChargeRules) -> Statute | None:
    """The statute a LIONS charge names, or None when it cannot be read with certainty.

    The section is matched on its number, the subsection kept as its own field:
    ``1325(a)(1)``, ``1325a1`` and ``01325`` are all section 1325. Where the rules
    say a letter names a section (1324), a letter written straight after the number
    is that section (``1324a``) while ``1324(a)(1)(A)(ii)`` is section 1324; a
    letter followed by more characters (``1324a1``) is ambiguous: unreadable.
    A redaction (``*``), an empty charge or garbage is unreadable too.
    """
    if charge is None or "*" in charge or not charge.strip():
        return None
    m = LIONS_CHARGE.match(charge)
    if not m or not LIONS_SUBSECTION.match(m["rest"]):
        return None
    title, section, rest = m["title"], m["section"] or "0", m["rest"].strip()
    if f"{title}:{section}" in rules.section_letters and rest[:1].isalpha():
        if rest[1:].strip():
            return None  # 1324a followed by more: 1324a(...) or 1324(a)...? Not certain.
        return Statute(title, section + rest[0].lower(), "")
    subsection = re.sub(r"[()\s.\-]", "", rest).upper()
    return Statute(title, section, subsection)


def classify_lions(charge: str | None, rules: ChargeRules) -> str:
    """The category of a LIONS charge string (``unreadable`` when not certain)."""
    statute = lions_statute(charge, rules)
    return UNREADABLE if statute is None else rules.by_statute(statute)
