"""``crossings fetch idb``: download the FJC's court file, verify it, optionally ingest it.

``fetch`` is a group so that other sources (``crossings fetch lions``) can be
added beside ``idb``; the work itself is in :mod:`crossings.fetch`.
"""

from __future__ import annotations

from pathlib import Path

import typer

from crossings import settings
from crossings.cli import common
from crossings.cli.common import Format
from crossings.cli.ingest import summary_rows
from crossings.fetch.idb import fetch_idb
from crossings.ingest import ingest
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
    quiet: bool = QUIET_OPTION,
    fmt: Format = FORMAT_OPTION,
) -> None:
    """Download the FJC criminal defendants zip (cr96on) and verify it end to end.

    A cut download resumes where it stopped when the command is run again.
    The zip's SHA-256 is written beside it (FILE.sha256, FILE.fetch.json).
    """
    dest_dir = dest or settings.resolve_store_dir(store) / "downloads"
    with common.progress_bar(quiet) as update:
        result = fetch_idb(dest_dir, url=url, page_url=page_url, progress=update)
    for t in result.tried:
        common.message(f"[yellow]skipped[/] {t['url']}: {t['failed']}", quiet)
    common.message(f"fetched {result.url} ({result.how})", quiet)
    payload, rows = result.to_dict(), fetch_rows(result)
    if then_ingest:
        report, target = _ingest(result.path, store, force, quiet)
        payload["ingest"] = {"store": str(target.root), **report.to_dict()}
        rows += [(f"ingest: {item}", value) for item, value in summary_rows(report)]
    if fmt == Format.json:
        common.emit_json(payload)
    else:
        common.emit_rows(("item", "value"), rows, fmt)


def _ingest(path: Path, store: Path | None, force: bool, quiet: bool):
    target = Store(store)
    with common.progress_bar(quiet) as update:
        report = ingest(path, target, source="idb", force=force, progress=update)
    if report.status == "unchanged":
        common.message("already loaded (same SHA-256): nothing to ingest; --force ingests "
                       "again", quiet)
    return report, target


def register(app: typer.Typer) -> None:
    app.add_typer(fetch_app, name="fetch")
