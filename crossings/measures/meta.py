"""``meta``: where every number came from, and what the data does not cover."""

from __future__ import annotations

import calendar

from crossings import __version__
from crossings.codebook import lions as lions_codebook
from crossings.measures import charges
from crossings.measures.idb import counting as idb_counting
from crossings.measures.query import Query
from crossings.store import Entry

#: Version of the counting rules; changes whenever a rule changes a number.
RULES_VERSION = "2026.11.1"

COVERAGE = {
    "idb": [
        "Petty offenses handled by magistrate judges are not reported in the court file; "
        "most Operation Streamline 8 U.S.C. 1325 cases are such, so illegal-entry "
        "prosecutions are badly undercounted here (the prosecutors' data counts them).",
        "The court file has no citizenship, no referring agency and no judge names.",
        "The latest fiscal year is partial.",
    ],
    "lions": [
        "The prosecutors' data counts cases U.S. Attorneys' offices entered in LIONS; DOJ "
        "cautions that offices use LIONS differently, so compare districts with care.",
        "Sealed and ongoing matters are redacted: roles become D* (still counted), charges "
        "and dates may be withheld (shown as unreadable, or not a filing).",
        "A release is a snapshot; the months just before it are provisional and change "
        "in later releases.",
    ],
}

RULE_TEXT = {
    ("idb", "filing"): "Filings in fiscal year Y: defendants whose row for FISCALYR = Y has "
                       "{flag} = 1 (each person once; -8 counts as not flagged).",
    ("idb", "termination"): "Terminations in fiscal year Y: defendants whose row for "
                            "FISCALYR = Y has {flag} = 1.",
    ("idb", "pending"): "Pending: defendants whose row for FISCALYR = Y has CTPN = 1 "
                        "(pending at the end of the year).",
    ("lions", "filing"): "Filings: defendants (ROLE D*) of criminal cases (CLASS R), by the "
                         "fiscal year of their earliest magistrate or district-court filing "
                         "date; charge = the case's LEAD_CHARGE unless --any-charge.",
    ("lions", "termination"): "Terminations: defendants by the fiscal year of the "
                              "disposition ending their district-court (else magistrate) "
                              "proceeding; transfers excluded.",
}


def base_meta(q: Query, entry: Entry, rules, engine_name: str) -> dict:
    record = entry.record
    return {
        "measure": q.measure,
        "summary": q.spec.summary,
        "by": list(q.by),
        "where": q.where(),
        "options": {"transfers": q.transfers, "charge_basis": idb_counting.charge_basis(q),
                    "any_charge": q.any_charge},
        "source": q.source,
        "release": entry.release,
        "files": [{k: f.get(k) for k in ("name", "size", "sha256")} for f in record["files"]],
        "data_as_of": record.get("data_as_of"),
        "synthetic": bool(record.get("synthetic")),
        "rules_version": RULES_VERSION,
        "charge_rules": {"file": rules.path.rsplit("/", 1)[-1], "sha256": rules.sha256,
                         "citation_table_sha256": charges.citation_table_sha256()},
        "tool_version": __version__,
        "engine": engine_name,
        "rule": RULE_TEXT[(q.source, q.spec.basis)].format(flag=idb_counting.flag_column(q).upper()),
        "coverage": COVERAGE[q.source],
        "citation": citation(q.source, record),
    }


def partial_years(record: dict) -> list[int]:
    years = sorted(int(y) for y in record.get("by_fiscal_year", {}) if y != "unknown")
    return years[-1:]


def provisional_months(release: str) -> list[str]:
    """The release's own month and the three before it: still changing."""
    year, month = lions_codebook.release_month(release)
    out = []
    for back in range(3, -1, -1):
        y, m = year, month - back
        while m < 1:
            y, m = y - 1, m + 12
        out.append(f"{y:04d}-{m:02d}")
    return out


def release_end(release: str) -> str:
    year, month = lions_codebook.release_month(release)
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def citation(source: str, record: dict) -> str:
    files = "; ".join(f"{f['name']} sha256 {f['sha256'][:16]}..." for f in record["files"])
    if source == "idb":
        what = "Federal Judicial Center, Integrated Database, criminal defendants FY1996-present"
    else:
        what = (f"Executive Office for U.S. Attorneys, National Caseload Data (LIONS), "
                f"release {record.get('release')}")
    return (f"{what} ({files}), data as of {record.get('data_as_of')}; counted by crossings "
            f"{__version__}, rules {RULES_VERSION}"
            + (". SYNTHETIC SAMPLE DATA, not real cases" if record.get("synthetic") else ""))
