"""The rule text in every result's ``meta``, written from the definitions the
code runs (flags, conviction codes, disposition codes, charge basis, the
``--ytd`` cut), never typed beside them, so the words cannot drift from the
numbers."""

from __future__ import annotations

from crossings import sources
from crossings.codebook import idb as idb_codes
from crossings.measures import ytd
from crossings.measures.idb import counting as idb_counting
from crossings.measures.lions import counting as lions_counting
from crossings.measures.query import Query

_IDB_DATE = {"filing": "FILEDATE", "termination": "TERMDATE"}
_IDB_CHARGE = {"filing": "FTITLE1, D2FOFFCD1, FOFFCD1", "termination": "TTITLE1, D2TOFFCD1, TOFFCD1"}


def _codes(codes) -> str:
    return ", ".join(codes)


def idb_convictions() -> str:
    labels = idb_codes.dispositions()
    codes = sorted(idb_codes.conviction_codes())
    return "DISP1 in {" + "; ".join(f"{c} {labels[c]['label']}" for c in codes) + "}"


def _idb(q: Query, cut: int | None) -> str:
    flag = idb_counting.flag_column(q).upper()
    basis = q.spec.basis
    if basis == "pending":
        text = (f"Pending in fiscal year Y: each flagged record with FISCALYR = Y and {flag} = 1 "
                "(pending at the end of the year)")
    else:
        what = "Filings" if basis == "filing" else "Terminations"
        text = (f"{what} in fiscal year Y: each flagged record with FISCALYR = Y and {flag} = 1 "
                "(records sharing DEFLGKY and FISCALYR are each counted, as the AO counts "
                "flagged records; a flag of -8 counts as not flagged)")
    if q.spec.convicted_only:
        text += f", convicted: {idb_convictions()}"
    if q.measure == "sentences":
        text += ("; prison months from PRISTOT: a term as is, -1 (under a month) as 0, -4 and "
                 "-5 (life, death) as 470; -2, -3, -8 and others left out")
    charge_basis = idb_counting.charge_basis(q)
    text += (f". Charge: the lead {charge_basis} charge (slot 1: {_IDB_CHARGE[charge_basis]})"
             + ("; --charge filters on the filing charge" if q.measure == "plea_down" else "")
             + ("; --any-charge: every category in slots 1 to 5" if q.any_charge else "") + ".")
    if cut is not None:
        text += (f" Year to date: each fiscal year's records dated ({_IDB_DATE[basis]}) "
                 f"{ytd.describe(cut)} of their own FISCALYR; a missing date or one in another "
                 "fiscal year is left out.")
    return text


def lions_termination() -> str:
    c = lions_counting
    return (f"a proceeding ends with its latest dated disposition among {_codes(c.ENDING)}; on "
            f"the same date a guilty outcome ({_codes(c.GUILTY)}) beats any other, an outcome "
            f"beats a closing code ({_codes(c.CLOSINGS)}); {_codes(c.ADMINISTRATIVE)} never end "
            f"a proceeding; {c.OPENED_IN_ERROR} (opened in error) makes it count nowhere; the "
            "district-court proceeding decides, else the magistrate one; transfers "
            f"({c.TRANSFER}) are not terminations")


def _lions(q: Query, cut: int | None) -> str:
    c = lions_counting
    if q.spec.basis == "filing":
        text = ("Filings: defendants (ROLE D*) of criminal cases (CLASS R), by the fiscal year "
                "of their earliest magistrate or district-court filing date (proceedings "
                f"opened in error, {c.OPENED_IN_ERROR}, left out)")
    else:
        text = f"Terminations: defendants by the fiscal year of their ending disposition: " \
               f"{lions_termination()}"
    if q.spec.convicted_only:
        text += f"; convicted: the ending disposition is {_codes(c.CONVICTIONS)}"
    if q.measure == "sentences":
        text += ("; months of the latest GS_SENTENCE: years x 12 + months + days / "
                 f"{c.DAYS_PER_MONTH}; {_codes(c.LIFE_OR_DEATH)} {c.LIFE_MONTHS}; "
                 f"{c.TIME_SERVED} (time served) 0 further months; probation or fine only 0; "
                 f"{c.DIED_BEFORE_SENTENCE} no sentence")
    text += ("; charge: the case's LEAD_CHARGE" if not q.any_charge
             else "; charge: each of the defendant's own counts") + "."
    if cut is not None:
        date = "filing" if q.spec.basis == "filing" else "disposition"
        text += f" Year to date: each fiscal year's {date} dates {ytd.describe(cut)}."
    return text


def idb_rule_text(q: Query, cut: int | None = None) -> str:
    return _idb(q, cut)


def lions_rule_text(q: Query, cut: int | None = None) -> str:
    return _lions(q, cut)


def rule_text(q: Query, cut: int | None = None) -> str:
    """The rule in words, from the source's own definitions."""
    return sources.get(q.source).entry_point("rule_text")(q, cut)
