"""``crossings verify``: check every release in the store against its ingest's record."""

from __future__ import annotations

from pathlib import Path

import typer

from crossings.cli import common
from crossings.cli.common import Format
from crossings.errors import DamagedStore
from crossings.store import Store
from crossings.store.maintenance import verify

COLUMNS = ("source", "release", "status", "file", "detail")


def register(app: typer.Typer) -> None:
    @app.command("verify")
    def verify_command(
        deep: bool = typer.Option(False, "--deep",
                                  help="Also compare every file's SHA-256 (reads everything)."),
        store: Path = common.store_option(),
        fmt: Format = common.format_option(),
        quiet: bool = common.quiet_option(),
    ) -> None:
        """Check that each release's files are those its ingest wrote.

        Files present, no extra Parquet file, sizes and row counts (from the
        Parquet footers) as recorded; with --deep, SHA-256 too. One row per
        release (one per problem), on stdout; exit 1 if anything is damaged.
        Releases ingested before files were recorded say what was not checked.
        """
        target = Store(store)
        report = verify(target, deep=deep)
        if fmt == Format.json:
            common.emit_json({"store": str(target.root), "deep": deep,
                              "problems": report.problems, "releases": report.rows})
        else:
            common.emit_rows(COLUMNS, [tuple(r[c] for c in COLUMNS) for r in report.rows], fmt)
        if report.problems:
            raise DamagedStore(f"{report.problems} problem(s) found; see the rows above",
                               path=str(target.root),
                               hint="ingest each damaged release again (crossings ingest FILE "
                                    "--force)")
        checked = sum(r["status"] != "note" for r in report.rows)
        common.message(f"{checked} release(s) checked: no problem found" if checked
                       else f"{target.root} holds no release: nothing to check", quiet)
