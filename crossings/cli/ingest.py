"""``crossings ingest SOURCE``: load a source file, archive or folder into the store."""

from __future__ import annotations

from pathlib import Path

import typer

from crossings.cli import common
from crossings.cli.common import Format
from crossings.ingest import SOURCES
from crossings.ingest.report import summary_rows


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
        skip_unreadable: bool = typer.Option(
            False, "--skip-unreadable",
            help="In a folder of yearly SAS files, skip a file that cannot be read "
                 "(listed in the summary) instead of stopping."),
        replace: bool = common.replace_option(),
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
        report, target = common.ingest_into_store(source_path, store, source=source, force=force,
                                                  release=release, quiet=quiet,
                                                  skip_unreadable=skip_unreadable,
                                                  replace=replace)
        if fmt == Format.json:
            common.emit_json({"store": str(target.root), **report.to_dict()})
        else:
            common.emit_rows(("item", "value"), summary_rows(report), fmt)
