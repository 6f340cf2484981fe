"""``crossings fetch idb`` and ``crossings fetch lions``: download, verify, optionally ingest.

``fetch`` is a group with one command per source; the work itself is in
:mod:`crossings.fetch`.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from crossings import settings
from crossings.cli import common
from crossings.cli.common import Format
from crossings.fetch.idb import fetch_idb
from crossings.fetch.lions import fetch_lions
from crossings.ingest.report import summary_rows
from crossings.store import Store

fetch_app = typer.Typer(
    name="fetch",
    help="Download a public source file, resuming a cut download, and verify it.",
    no_args_is_help=True,
)


def fetch_rows(result) -> list[tuple[str, str]]:
    """The fetch summary as (item, value) pairs."""
    rows = [(f"skipped {t['url']}", t["failed"]) for t in result.tried]
    rows += [
        ("url", result.url),
        ("why this url", result.how),
        ("file", str(result.path)),
        ("bytes", f"{result.size:,}"),
        ("sha256", result.sha256),
        ("verified", f"yes: {result.member} inflates to {result.member_size:,} bytes, "
                     "CRC-32 matches" if result.verified else "no"),
        ("fetched at", result.fetched_at),
    ]
    return rows


# Option objects are module-level singletons: ruff's B008 forbids calls in
# argument defaults, and typer reads these only once, when the command is built.
URL_OPTION = typer.Option(None, "--url", help="Address of the zip (default: the link on the "
                                              "FJC page, then its known names).")
PAGE_URL_OPTION = typer.Option(settings.FJC_PAGE_URL, "--page-url",
                               help="The FJC dataset page that links the zip.")
DEST_OPTION = typer.Option(None, "--dest", show_default=False,
                           help="Folder for the download (default: STORE/downloads).")
INGEST_OPTION = typer.Option(False, "--ingest",
                             help="Ingest the file into the store once it is verified.")
FORCE_OPTION = typer.Option(False, "--force",
                            help="With --ingest: ingest even if the same file is loaded.")
RETRIES_OPTION = typer.Option(
    settings.FETCH_RETRIES, "--retries", min=0,
    help="Attempts in a row that bring no new bytes before a download gives up (its part "
         "file is kept for the next run).")
STALL_OPTION = typer.Option(
    settings.FETCH_STALL_SECONDS, "--stall-timeout", min=0.1, metavar="SECONDS",
    help=f"An attempt that brings under {settings.FETCH_STALL_BYTES // 1024} KB in this many "
         "seconds is cut and retried.")
DEADLINE_OPTION = typer.Option(
    settings.FETCH_DEADLINE_SECONDS, "--deadline", min=0.1, metavar="SECONDS",
    help="The whole fetch stops after this many seconds, keeping its part files to resume.")
REPLACE_OPTION = common.replace_option()
STORE_OPTION = common.store_option()
QUIET_OPTION = common.quiet_option()
FORMAT_OPTION = common.format_option()


@fetch_app.command("idb")
def fetch_idb_command(
    url: str = URL_OPTION,
    page_url: str = PAGE_URL_OPTION,
    dest: Path = DEST_OPTION,
    then_ingest: bool = INGEST_OPTION,
    store: Path = STORE_OPTION,
    force: bool = FORCE_OPTION,
    retries: int = RETRIES_OPTION,
    stall_timeout: float = STALL_OPTION,
    deadline: float = DEADLINE_OPTION,
    replace: bool = REPLACE_OPTION,
    quiet: bool = QUIET_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Download the FJC criminal defendants zip (cr96on) and verify it end to end.

    A cut download resumes where it stopped when the command is run again.
    The zip's SHA-256 is written beside it (FILE.sha256, FILE.fetch.json).
    """
    dest_dir = dest or _store_downloads(store)
    with common.progress_bar(quiet) as update:
        result = fetch_idb(dest_dir, url=url, page_url=page_url, progress=update,
                           retries=retries, stall_timeout=stall_timeout, deadline=deadline)
    for t in result.tried:
        common.message(f"[yellow]skipped[/] {t['url']}: {t['failed']}", quiet)
    common.message(f"fetched {result.url} ({result.how})", quiet)
    payload, rows = result.to_dict(), fetch_rows(result)
    if then_ingest:
        _ingest(payload, rows, result.path, store, force, quiet, replace=replace)
    _emit(payload, rows, fmt)


def _store_downloads(store: Path | None) -> Path:
    """STORE/downloads, once STORE is known to be a store (or made one): a folder
    of other things is refused before anything is downloaded into it."""
    target = Store(store)
    target.claim()
    return target.root / "downloads"


def _ingest(payload: dict, rows: list[tuple[str, str]], path: Path, store: Path | None,
            force: bool, quiet: bool, *, source: str = "idb",
            release: str | None = None, replace: bool = False) -> None:
    """Ingest what was fetched; add the ingest summary to ``payload`` and ``rows``."""
    report, target = common.ingest_into_store(path, store, source=source, force=force,
                                              release=release, quiet=quiet, replace=replace,
                                              unchanged="nothing to ingest")
    payload["ingest"] = {"store": str(target.root), **report.to_dict()}
    rows += [(f"ingest: {item}", value) for item, value in summary_rows(report)]


def _emit(payload: dict, rows: list[tuple[str, str]], fmt: Format) -> None:
    """The fetch summary on stdout: ``payload`` as JSON, else ``rows`` as (item, value)."""
    if fmt == Format.json:
        common.emit_json(payload)
    else:
        common.emit_rows(("item", "value"), rows, fmt)


def lions_fetch_rows(result) -> list[tuple[str, str]]:
    """The LIONS fetch summary as (item, value) pairs."""
    rows = [
        ("release", result.release),
        ("why this release", result.how),
        ("name read from", result.named_from),
        ("listed on the page", ", ".join(result.available)),
        ("release page", result.page_url),
        ("folder", str(result.folder)),
    ]
    for f in result.files:
        check = (f"verified: {f.members} members inflate to {f.member_bytes:,} bytes, "
                 "CRC-32 matches" if f.verified else "not a zip: nothing to verify")
        again = " (kept from an earlier run)" if f.reused else ""
        rows.append((f"file {f.name}", f"{f.size:,} bytes, sha256 {f.sha256}; {check}{again}"))
    rows += [("record", str(result.record_path)), ("fetched at", result.fetched_at)]
    rows += [("warning", w) for w in result.warnings]
    return rows


RELEASE_OPTION = typer.Option(None, "--release", show_default=False,
                              help="Release to fetch, e.g. JUNFY2025 (default: the latest "
                                   "the page lists).")
INDEX_URL_OPTION = typer.Option(settings.LIONS_INDEX_URL, "--index-url",
                                help="DOJ's national caseload page that lists the releases.")
LIONS_DEST_OPTION = typer.Option(None, "--dest", show_default=False,
                                 help="Folder for the release folders (default: "
                                      "STORE/downloads/lions).")
LIONS_INGEST_OPTION = typer.Option(False, "--ingest",
                                   help="Ingest the release into the store once every zip "
                                        "is verified.")
LIONS_FORCE_OPTION = typer.Option(False, "--force",
                                  help="With --ingest: ingest even if the same files are "
                                       "loaded.")


@fetch_app.command("lions")
def fetch_lions_command(
    release: str = RELEASE_OPTION,
    index_url: str = INDEX_URL_OPTION,
    dest: Path = LIONS_DEST_OPTION,
    then_ingest: bool = LIONS_INGEST_OPTION,
    store: Path = STORE_OPTION,
    force: bool = LIONS_FORCE_OPTION,
    retries: int = RETRIES_OPTION,
    stall_timeout: float = STALL_OPTION,
    deadline: float = DEADLINE_OPTION,
    replace: bool = REPLACE_OPTION,
    quiet: bool = QUIET_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Download a LIONS release's DISK zips from DOJ's page and verify every one.

    The release folder is DEST/RELEASE (e.g. JUNFY2025); fetch.json in it
    records each file's address, size and SHA-256. A cut download resumes,
    and disks verified by an earlier run are not fetched again.
    """
    dest_dir = dest or _store_downloads(store) / "lions"
    with common.progress_bar(quiet) as update:
        result = fetch_lions(dest_dir, release=release, index_url=index_url, progress=update,
                             retries=retries, stall_timeout=stall_timeout, deadline=deadline)
    for warning in result.warnings:
        common.message(f"[yellow]warning[/] {escape(warning)}", quiet)
    common.message(escape(f"fetched {result.release} into {result.folder} ({result.how})"),
                   quiet)
    payload, rows = result.to_dict(), lions_fetch_rows(result)
    if then_ingest:
        _ingest(payload, rows, result.folder, store, force, quiet, source="lions",
                release=result.release, replace=replace)
    _emit(payload, rows, fmt)


def register(app: typer.Typer) -> None:
    app.add_typer(fetch_app, name="fetch")
