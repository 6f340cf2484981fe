"""What every command shares: options, output formats, the progress bar, ingesting
with a progress bar. The one module the command modules import from each other."""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path

import typer
from rich import box
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

from crossings.errors import InvalidRequest
from crossings.ingest import ingest
from crossings.measures.query import filter_values
from crossings.progress import ProgressUpdate
from crossings.store import Store

stderr = Console(stderr=True)

STORE_HELP = "Store directory (default: $CROSSINGS_HOME or the platform's data dir)."


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def check_filter(option: str, value: str | None) -> None:
    """A filter option given with no value (``--district ""``) is a usage error."""
    try:
        filter_values(option, value)
    except InvalidRequest as exc:
        raise typer.BadParameter(exc.message, param_hint=option) from None


def store_option():
    return typer.Option(None, "--store", help=STORE_HELP, show_default=False)


def replace_option():
    return typer.Option(False, "--replace",
                        help="Replace a release of the same name loaded from other files "
                             "(without it, that is refused).")


def format_option(default: Format = Format.table, help_text: str = "Output format."):
    return typer.Option(default, "--format", "-f", help=help_text, case_sensitive=False)


def quiet_option():
    return typer.Option(False, "--quiet", "-q", help="No progress bar or messages on stderr.")


def source_option():
    return typer.Option("idb", "--source", help="idb (court file) or lions (prosecutors' data).")


def share_served_option(applies_to: str = ""):
    """--share-served, the one assumption of the prison-cost figures."""
    text = "share of each imposed term served (0-1; default 1.0, as imposed)."
    return typer.Option(1.0, "--share-served", metavar="F",
                        help=f"{applies_to}: {text}" if applies_to else text.capitalize())


def output_option():
    return typer.Option(None, "--output", "-o", metavar="FILE",
                        help="Write the data to FILE (in --format) and its meta to "
                             "FILE.meta.json, instead of stdout.")


def emit_result(result, fmt: Format, *, output: Path | None = None, quiet: bool = False,
                wide: str | None = None, spread: bool = False) -> None:
    """A measure's result in ``fmt`` (to stdout, or ``output`` with its meta beside it),
    then its caveats on stderr. ``spread``: DIM ``wide`` (None: the default) into columns."""
    from crossings.measures import caveats

    table = result.pivot(wide) if spread else result.table
    if output is not None:
        with redirect_stdout_to(output):
            _emit_table(table, result, fmt, quiet)
        meta = {**result.meta.to_dict(), "caveats": caveats(result.meta)}
        meta_path = output.with_name(output.name + ".meta.json")
        meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
        message(f"wrote {output} and {meta_path.name} (its source, data as of, caveats)",
                quiet)
    else:
        _emit_table(table, result, fmt, quiet)
    for note in caveats(result.meta):
        message(note, quiet)


def _emit_table(table, result, fmt: Format, quiet: bool = False) -> None:
    from crossings.measures.result import is_fraction

    if fmt == Format.json:
        emit_json({"data": table.to_pylist(), "meta": result.meta.to_dict()})
        return
    if fmt == Format.table:  # every label is in the CSV and JSON; a table keeps it short
        table = table.drop_columns([c for c in TABLE_HIDDEN if c in table.column_names])
    columns = table.column_names
    emit_rows(columns, [list(r.values()) for r in table.to_pylist()], fmt,
              fractions=[c for c in columns if is_fraction(c)], quiet=quiet)


@contextlib.contextmanager
def redirect_stdout_to(path: Path) -> Iterator[None]:
    with open(path, "w", encoding="utf-8", newline="") as f, contextlib.redirect_stdout(f):
        yield


def emit_json(payload) -> None:
    """Data to stdout as JSON."""
    sys.stdout.write(json.dumps(payload, indent=2, default=str, ensure_ascii=False) + "\n")


#: Label columns a table leaves out (CSV and JSON keep them); a null's reason is also
#: among the warnings printed under the table.
TABLE_HIDDEN = ("district_short_name", "district_map_key", "note")
#: Columns whose numbers are names, not quantities: no thousands separator.
PLAIN_COLUMNS = ("fiscal_year", "year", "month", "district", "circuit", "code", "release",
                 "disposition", "counsel", "offense_level", "sector", "coif_year")


def emit_rows(columns: Sequence[str], rows: Sequence[Sequence], fmt: Format,
              title: str | None = None, fractions: Sequence[str] = (),
              quiet: bool = False) -> None:
    """Tabular data to stdout as a table or CSV.

    A table fits the terminal (80 columns when output is not a terminal and
    COLUMNS is unset); one too wide for it is shown as one block per row, with a
    hint on stderr. Counts get thousands separators, years and codes none, and
    the ``fractions`` columns percent signs (CSV keeps plain numbers)."""
    if fmt == Format.csv:
        from crossings.measures.result import csv_text

        sys.stdout.write(csv_text(columns, rows))
        return
    cells = [[_cell(c, v, c in fractions) for c, v in zip(columns, row, strict=True)]
             for row in rows]
    width = table_width()
    # Headers may wrap (change_1y_pct over two lines); values may not.
    values = [max([len(_longest_word(c)), *(len(r[i]) for r in cells)])
              for i, c in enumerate(columns)]
    # Columns one space apart (the divider), two where the width allows.
    gap = next((g for g in (2, 1) if sum(v + g for v in values) <= width), None)
    if gap is None and len(columns) > 2:
        _emit_vertical(columns, cells, title, width, quiet)
        return
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  padding=(0, (gap or 2) - 1, 0, 0), header_style="bold")
    widths = _fit_widths(columns, values, width, gap or 2)
    widest = values.index(max(values))
    for i, name in enumerate(columns):
        numeric = bool(cells) and all(_NUMBER.match(r[i]) for r in cells if r[i])
        if gap is None:  # a key-value list too wide: only the widest column folds
            table.add_column(name, overflow="fold", no_wrap=i != widest)
            continue
        table.add_column(_wrapped(name, widths[i]), overflow="fold", width=widths[i],
                         justify="right" if numeric and name not in PLAIN_COLUMNS else "left")
    for row in cells:
        table.add_row(*row)
    Console(soft_wrap=False, width=width).print(table)


def _fit_widths(columns: Sequence[str], least: list[int], width: int, gap: int) -> list[int]:
    """Each column as wide as its header where the screen allows; else the headers
    with the most room to spare fold first, never below their values."""
    widths = [max(v, len(c)) for v, c in zip(least, columns, strict=True)]
    while sum(w + gap for w in widths) > width:
        spare = [w - v for w, v in zip(widths, least, strict=True)]
        if max(spare) <= 0:
            break
        widths[spare.index(max(spare))] -= 1
    return widths


def _wrapped(header: str, width: int) -> str:
    """``header`` broken after underscores into lines of at most ``width``
    (``median_prison_months`` at 14: ``median_prison_`` / ``months``)."""
    if len(header) <= width:
        return header
    lines, line = [], ""
    for piece in (p + "_" for p in header.split("_")):
        if line and len(line) + len(piece) > width:
            lines.append(line)
            line = ""
        line += piece
    lines.append(line[:-1])
    return "\n".join(lines)


def _longest_word(header: str) -> str:
    """A header may fold after an underscore: its longest piece sets the least width."""
    pieces = header.split("_")
    return max([p + "_" for p in pieces[:-1]] + pieces[-1:], key=len)


def table_width() -> int:
    console = Console()
    if console.is_terminal:
        return console.width
    return int(os.environ.get("COLUMNS") or 80)


_NUMBER = re.compile(r"^-?[\d,]+(\.\d+)?%?$")


def _emit_vertical(columns: Sequence[str], cells: list[list[str]], title: str | None,
                   width: int, quiet: bool = False) -> None:
    """One block per row, ``column  value``: readable however many columns there are."""
    label = max(len(c) for c in columns)
    out = [title, ""] if title else []
    for n, row in enumerate(cells, 1):
        out.append(f"-- row {n} " + "-" * max(0, min(width, 40) - len(f"-- row {n} ")))
        for c, v in zip(columns, row, strict=True):
            text = f"{c:<{label}}  {v}"
            out.append(text if len(text) <= width else text[:width - 1] + "…")
    sys.stdout.write("\n".join(out) + "\n")
    message("(too wide for the screen: shown one row at a time; try --wide, fewer --by "
            "dimensions, or -f csv)", quiet)


def _cell(column: str, value, fraction: bool = False) -> str:
    if value is None:
        return ""
    if fraction and isinstance(value, float | int) and not isinstance(value, bool):
        return f"{value:.1%}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1 else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if column in PLAIN_COLUMNS else f"{value:,}"
    return str(value)


def message(text: str, quiet: bool = False, *, wrap: bool = True) -> None:
    """A message for the user on stderr (``wrap=False``: one line, for commands to copy)."""
    if not quiet:
        stderr.print(text, highlight=False, soft_wrap=not wrap, markup=wrap)


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
                      release: str | None, quiet: bool, unchanged: str = "nothing to do",
                      skip_unreadable: bool = False, replace: bool = False):
    """Ingest with a progress bar; (report, store). ``unchanged`` ends the already-loaded note."""
    target = Store(store)
    with progress_bar(quiet) as update:
        report = ingest(source_path, target, source=source, force=force, replace=replace,
                        release=release, progress=update, skip_unreadable=skip_unreadable)
    if report.status == "unchanged":
        message(f"already loaded (same SHA-256): {unchanged}; --force ingests again",
                       quiet)
    return report, target
