"""What an ingest reports: its status, the manifest record, and the summary rows
every face shows (rows read = rows stored + rows quarantined, the files, the
warnings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crossings import sources


@dataclass
class IngestReport:
    status: str  # "ingested" or "unchanged"
    record: dict
    skipped: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"status": self.status, **self.record, "skipped": self.skipped,
                "seconds": self.seconds}


def summary_rows(report) -> list[tuple[str, str]]:
    """The ingest summary as (item, value) pairs: what a user needs to trust the load."""
    return sources.get(report.record["source"]).entry_point("summary")(report)


def idb_summary_rows(report) -> list[tuple[str, str]]:
    """The summary of a court-file load: quarantine reasons, flags, years."""
    r = report.record
    out = _opening_rows(report, f"{r['source']} release {r['release']}",
                        str(r.get("data_as_of")))
    for reason, n in r.get("quarantine", {}).get("reasons", {}).items():
        out.append((f"  quarantined: {reason}", f"{n:,}"))
    missing = sum(r.get("data_quality", {}).get("missing_count_flags", {}).values())
    if missing:
        out.append(("count flags -8 (not flagged)", f"{missing:,}"))
    years = [y for y in r.get("by_fiscal_year", {}) if y != "unknown"]
    if years:
        out.append(("fiscal years", f"{min(years)}-{max(years)}"))
    return out + _closing_rows(report, skipped_by_name=True)


def lions_summary_rows(report) -> list[tuple[str, str]]:
    """The summary of a LIONS release: per table, the log check, and every warning."""
    r = report.record
    month = f" ({r['release_month']})" if r.get("release_month") else ""
    out = _opening_rows(report, f"lions release {r['release']}{month}",
                        f"{r.get('data_as_of')} ({r.get('data_as_of_basis')})")
    for name, t in r.get("tables", {}).items():
        n = t["rows"]
        out.append((f"table {name} ({t['lions_table']})",
                    f"{n['read']:,} read, {n['stored']:,} stored, {n['quarantined']:,} "
                    f"quarantined, {t['districts']} districts"))
    check = r.get("row_count_check", {})
    if check.get("ok") is None:
        out.append(("row counts vs log", "NOT CHECKED: the release has no log"))
    else:
        out.append(("row counts vs log", "ok" if check["ok"] else "MISMATCH (see warnings)"))
    for reason, n in r.get("quarantine", {}).get("reasons", {}).items():
        out.append((f"  quarantined: {reason}", f"{n:,}"))
    quality = r.get("data_quality", {})
    for label, key in (("impossible dates (null)", "impossible_dates"),
                       ("redacted values (*)", "redactions")):
        for column, n in quality.get(key, {}).items():
            out.append((f"{label}: {column}", f"{n:,}"))
    if quality.get("stray_carriage_returns"):
        out.append(("stray CRs in records (read as spaces)",
                    f"{quality['stray_carriage_returns']:,}"))
    if quality.get("control_characters"):
        out.append(("other control bytes (read as spaces)",
                    f"{quality['control_characters']:,}"))
    not_loaded = r.get("not_loaded", [])
    if not_loaded:
        size = sum(t["bytes"] for t in not_loaded)
        out.append(("tables not loaded", f"{len(not_loaded)} ({size:,} bytes): "
                    + ", ".join(t["table"] for t in not_loaded)))
    out += [("WARNING", w) for w in r.get("warnings", [])]
    return out + _closing_rows(report, skipped_by_name=False)


def _opening_rows(report, source: str, data_as_of: str) -> list[tuple[str, str]]:
    """Status, source and date, then whether rows read = rows stored + rows quarantined."""
    r = report.record
    rows = r["rows"]
    out = [
        ("status", report.status),
        ("source", source + (" (SYNTHETIC sample data)" if r.get("synthetic") else "")),
        ("data as of", data_as_of),
        ("rows read", f"{rows['read']:,}"),
        ("rows stored", f"{rows['stored']:,}"),
        ("rows quarantined", f"{rows['quarantined']:,}"),
        ("check", "read = stored + quarantined"
         if rows["read"] == rows["stored"] + rows["quarantined"] else "MISMATCH"),
    ]
    if rows.get("blank_lines"):
        out.append(("blank lines skipped", f"{rows['blank_lines']:,}"))
    old = r.get("replaced")
    if old and report.status == "ingested":  # an unchanged load replaced nothing now
        what = "the same files, loaded again" if old.get("same_files") else "other files"
        out.append(("replaced", f"release {old['release']} from {what}: "
                    + ", ".join(f"{f['name']} (sha256 {f['sha256']})" for f in old["files"])
                    + f"; {old.get('rows', {}).get('stored', 0):,} rows stored, ingested "
                    f"{old.get('ingested_at')}"))
    return out


def _closing_rows(report, *, skipped_by_name: bool) -> list[tuple[str, str]]:
    """The files read and skipped, where the rows went, and the seconds taken.

    A skipped path is shown whole, or by its file name when ``skipped_by_name``.
    """
    r = report.record
    out = [(f"file {f['name']}", f"{f['size']:,} bytes, sha256 {f['sha256']}")
           for f in r["files"]]
    for s in r.get("skipped", []):
        out.append((f"skipped {Path(s['path']).name if skipped_by_name else s['path']}",
                    s["reason"]))
    out.append(("stored at", r["path"]))
    if r["rows"]["quarantined"]:
        out.append(("quarantine file", str(Path(r["path"]) / r["quarantine"]["file"])))
    if report.seconds.get("wall"):
        out.append(("seconds", f"{report.seconds['wall']:.1f}"))
    return out
