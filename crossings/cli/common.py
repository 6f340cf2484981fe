"""What every command shares: options, output formats, the progress bar, ingesting
with a progress bar. The one module the command modules import from each other."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from crossings.ingest import ingest
from crossings.progress import ProgressUpdate
from crossings.store import Store

stderr = Console(stderr=True)

STORE_HELP = "Store directory (default: $CROSSINGS_HOME or the platform's data dir)."


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def store_option():
    return typer.Option(None, "--store", help=STORE_HELP, show_default=False)


def format_option(default: Format = Format.table, help_text: str = "Output format."):
    return typer.Option(default, "--format", "-f", help=help_text, case_sensitive=False)


def quiet_option():
    return typer.Option(False, "--quiet", "-q", help="No progress bar or messages on stderr.")


def emit_json(payload) -> None:
    """Data to stdout as JSON."""
    sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")


def emit_rows(columns: Sequence[str], rows: Sequence[Sequence], fmt: Format,
              title: str | None = None) -> None:
    """Tabular data to stdout as a table or CSV."""
    if fmt == Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        sys.stdout.write(buffer.getvalue())
        return
    table = Table(title=title, show_edge=False, header_style="bold")
    for name in columns:
        table.add_column(name, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else _cell(v) for v in row))
    # On a terminal, fit its width; into a pipe or file, never fold a row.
    console = Console()
    width = max(100, console.width) if console.is_terminal else 1000
    Console(soft_wrap=False, width=width).print(table)


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value)


def message(text: str, quiet: bool = False) -> None:
    """A message for the user on stderr."""
    if not quiet:
        stderr.print(text, highlight=False)


@contextlib.contextmanager
def progress_bar(quiet: bool) -> Iterator:
    """A rich progress bar on stderr, fed by the library's progress callback."""
    if quiet or not stderr.is_terminal:
        yield None
        return
    columns = [TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
               DownloadColumn(), TransferSpeedColumn(), TextColumn("{task.fields[rows]}"),
               TimeRemainingColumn()]
    with Progress(*columns, console=stderr, transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(event: ProgressUpdate) -> None:
            if event.task not in tasks:
                tasks[event.task] = bar.add_task(event.task, total=event.total, rows="")
            rate = ""
            if event.rows:
                elapsed = bar.tasks[tasks[event.task]].elapsed or 0
                rate = f"{event.rows:,} rows" + (
                    f" ({event.rows / elapsed:,.0f}/s)" if elapsed > 0 else "")
            bar.update(tasks[event.task], completed=event.completed, total=event.total,
                       rows=rate)

        yield update


@contextlib.contextmanager
def count_bar(quiet: bool) -> Iterator:
    """A progress bar counting items (rows, files) rather than bytes."""
    if quiet or not stderr.is_terminal:
        yield None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=stderr, transient=True) as bar:
        tasks: dict[str, int] = {}

        def update(event: ProgressUpdate) -> None:
            if event.task not in tasks:
                tasks[event.task] = bar.add_task(event.task, total=event.total)
            bar.update(tasks[event.task], completed=event.completed, total=event.total)

        yield update


def ingest_into_store(source_path: Path, store: Path | None, *, source: str, force: bool,
                      release: str | None, quiet: bool, unchanged: str = "nothing to do"):
    """Ingest with a progress bar; (report, store). ``unchanged`` ends the already-loaded note."""
    target = Store(store)
    with progress_bar(quiet) as update:
        report = ingest(source_path, target, source=source, force=force, release=release,
                        progress=update)
    if report.status == "unchanged":
        message(f"already loaded (same SHA-256): {unchanged}; --force ingests again",
                       quiet)
    return report, target
