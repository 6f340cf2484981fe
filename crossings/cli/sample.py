"""``crossings sample``: write a synthetic source in its exact published layout.

Thin: the work is in ``crossings.sample``. Every sample is marked synthetic
(the court file's SOURCE field, the release's readme and log), and the store
says so wherever its numbers appear.
"""

from __future__ import annotations

from pathlib import Path

import typer

from crossings import settings, sources
from crossings.cli import common
from crossings.cli.common import Format

SOURCES = sources.NAMES


def register(app: typer.Typer) -> None:
    app.command("sample")(sample)


def sample(
    out: Path = typer.Argument(..., help="Directory (files get their published names) or file."),
    source: str = typer.Option("idb", "--source", help="Which data to imitate: idb or lions."),
    rows: int = typer.Option(200_000, "--rows", min=0, max=settings.SAMPLE_MAX_ROWS,
                             help="idb: data rows to write (about 564 bytes each; the free "
                                  "space is checked first)."),
    defendants: int = typer.Option(5_000, "--defendants", min=1,
                                   help="lions: defendants in the synthetic world."),
    seed: int = typer.Option(1, "--seed", help="Same seed, same bytes."),
    zipped: bool = typer.Option(False, "--zip", help="idb: write cr96on.zip (Deflate64)."),
    sas: bool = typer.Option(False, "--sas", help="idb: write yearly crYY.sas7bdat files."),
    release: str = typer.Option("JUNFY2025", "--release", help="lions: the release's name."),
    court_file: Path = typer.Option(None, "--court-file",
                                    help="lions: also write the matching court file here."),
    fmt: Format = common.format_option(help_text="Summary format (table or json)."),
    quiet: bool = common.quiet_option(),
) -> None:
    """Write a synthetic sample of a source, in its exact published layout."""
    if source not in SOURCES:
        raise typer.BadParameter(f"choose from {', '.join(SOURCES)}", param_hint="--source")
    if zipped and sas:
        raise typer.BadParameter("--zip and --sas write different files; pick one",
                                 param_hint="--sas")
    with common.count_bar(quiet) as update:
        if source == "lions":
            summary = _lions(out, defendants, seed, release, court_file, update)
        elif sas:
            summary = _idb_sas(out, rows, seed)
        else:
            summary = _idb_text(out, rows, seed, zipped, update)
    if fmt == Format.json:
        common.emit_json(summary)
    else:
        common.emit_rows(("item", "value"), [(k, _show(v)) for k, v in summary.items()], fmt)


def _idb_text(out: Path, rows: int, seed: int, zipped: bool, update) -> dict:
    from crossings.sample.idb.generator import write_idb_sample

    return write_idb_sample(out, rows=rows, seed=seed, zip=zipped, progress=update).to_dict()


def _idb_sas(out: Path, rows: int, seed: int) -> dict:
    from crossings.sample.idb.sas import write_idb_sas

    paths = write_idb_sas(out, rows=rows, seed=seed)
    return {"path": str(out), "rows": rows, "files": [str(p) for p in paths],
            "sas_bytes": sum(p.stat().st_size for p in paths), "seed": seed}


def _lions(out: Path, defendants: int, seed: int, release: str, court_file: Path | None,
           update) -> dict:
    from crossings.sample.lions.generator import write_lions_sample

    return write_lions_sample(out, defendants=defendants, seed=seed, release=release,
                              court_file=court_file, progress=update).to_dict()


def _show(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value[:6]) + (" ..." if len(value) > 6 else "")
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in list(value.items())[:8])
    return str(value)
