"""``crossings ingest SOURCE``: load a source file, archive or folder into the store."""

from __future__ import annotations

from pathlib import Path

import typer

from crossings.cli import common
from crossings.cli.common import Format
from crossings.ingest import SOURCES, ingest
from crossings.store import Store


def summary_rows(report) -> list[tuple[str, str]]:
    """The ingest summary as (item, value) pairs: what a user needs to trust the load."""
    r = report.record
    if r.get("source") == "lions":
        return lions_summary_rows(report)
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


def ingest_into_store(source_path: Path, store: Path | None, *, source: str, force: bool,
                      release: str | None, quiet: bool, unchanged: str = "nothing to do"):
    """Ingest with a progress bar; (report, store). ``unchanged`` ends the already-loaded note."""
    target = Store(store)
    with common.progress_bar(quiet) as update:
        report = ingest(source_path, target, source=source, force=force, release=release,
                        progress=update)
    if report.status == "unchanged":
        common.message(f"already loaded (same SHA-256): {unchanged}; --force ingests again",
                       quiet)
    return report, target


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest_command(
        source_path: Path = typer.Argument(..., metavar="SOURCE",
                                           help="File, archive or folder to load."),
        source: str = typer.Option("idb", "--source", help=f"Which data: {', '.join(SOURCES)}."),
        store: Path = common.store_option(),
        release: str = typer.Option(None, "--release",
                                    help="Name of the release (default: from the data)."),
        force: bool = typer.Option(False, "--force",
                                   help="Ingest again even if the same file is loaded."),
        quiet: bool = common.quiet_option(),
        fmt: Format = common.format_option(),
    ) -> None:
        """Load SOURCE into the Parquet store, validating every row.

        Rows that fail a check go to the quarantine file, counted by reason; the
        summary shows rows read = rows stored + rows quarantined.
        """
        if source not in SOURCES:
            raise typer.BadParameter(f"expected one of: {', '.join(SOURCES)}",
                                     param_hint="--source")
        report, target = ingest_into_store(source_path, store, source=source, force=force,
                                           release=release, quiet=quiet)
        if fmt == Format.json:
            common.emit_json({"store": str(target.root), **report.to_dict()})
        else:
            common.emit_rows(("item", "value"), summary_rows(report), fmt)
