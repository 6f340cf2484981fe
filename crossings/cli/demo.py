"""``crossings demo``: the main job on built-in sample data, on one screen."""

from __future__ import annotations

from pathlib import Path

import typer

from crossings.cli import common
from crossings.cli.common import Format
from crossings.demo import DEMO_DEFENDANTS, run_demo
from crossings.ingest.report import summary_rows
from crossings.measures import caveats


def _pivot(result) -> tuple[list[str], list[list]]:
    """Filings by fiscal year (rows) and charge (columns)."""
    charges = sorted({r["charge"] for r in result.to_pylist()})
    years: dict[int, dict] = {}
    for r in result.to_pylist():
        years.setdefault(r["fiscal_year"], {})[r["charge"]] = r["defendants"]
    columns = ["fiscal_year", *charges, "total"]
    rows = [[y, *(years[y].get(c, 0) for c in charges), sum(years[y].values())]
            for y in sorted(years)]
    return columns, rows


def _fact_sheets(sheets, fmt: Format, quiet: bool) -> None:
    """The sheet's headline figures and the files written (SYNTHETIC on every page)."""
    from crossings.report.sheet import headline_rows

    if not sheets:
        return
    columns, rows = headline_rows(sheets[0])
    common.emit_rows(columns, rows, fmt, title=f"Fact sheet headline: defendants filed in "
                     f"FY{sheets[0].year} (SYNTHETIC DATA)",
                     fractions=("change_1y_pct", "change_5y_pct"))
    common.message("Fact sheets (every page marked SYNTHETIC DATA):", quiet)
    for sheet in sheets:
        for path in sheet.paths:
            common.message(f"  {path}", quiet, wrap=False)


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_command(
        defendants: int = typer.Option(DEMO_DEFENDANTS, "--defendants", min=100,
                                       help="Defendants in the synthetic world."),
        seed: int = typer.Option(1, "--seed", help="Seed of the sample."),
        store: Path = typer.Option(None, "--store",
                                   help="Store for the demo (default: a 'demo' store "
                                        "beside the real one)."),
        sheets: Path = typer.Option(Path("crossings-demo"), "--output", "-o", metavar="DIR",
                                    help="Folder for the fact sheets (HTML and PDF, English "
                                         "and Spanish)."),
        quiet: bool = common.quiet_option(),
        fmt: Format = common.format_option(),
    ) -> None:
        """Generate a synthetic court file and a matching prosecutors' release, ingest
        both, summarise them, and write the fact sheet into ./crossings-demo/.

        Everything here is SYNTHETIC sample data in the real layout: it shows what
        crossings does, not what happened.
        """
        with common.progress_bar(quiet) as update:
            report = run_demo(store, defendants=defendants, seed=seed, progress=update,
                              sheets=sheets)
        if fmt == Format.json:
            common.emit_json({"store": str(report.store), "ingest": report.ingest.to_dict(),
                              "lions_ingest": report.lions_ingest.to_dict(),
                              "next_commands": report.next_commands,
                              "filings": report.filings.to_dict(),
                              "border": report.border.to_dict(),
                              "sentences": report.sentences.to_dict(),
                              "fact_sheets": [str(p) for s in report.sheets for p in s.paths]})
            return
        common.emit_rows(("item", "value"), summary_rows(report.ingest)[:9], fmt)
        columns, rows_ = _pivot(report.filings)
        common.emit_rows(columns, rows_, fmt, title="Immigration filings (defendants)")
        border = report.border.to_pylist()
        total = sum(r["defendants"] for r in border) or 1
        common.emit_rows(("border", "defendants", "share"), [
            (r["border"], r["defendants"], f"{r['defendants'] / total:.0%}") for r in border],
            fmt, title="Where they were filed")
        s = report.sentences.table.select(["fiscal_year", "convicted", "median_prison_months",
                                           "mean_prison_months", "life_or_death"])
        common.emit_rows(s.column_names, [list(r.values()) for r in s.to_pylist()], fmt,
                         title="Illegal re-entry: prison terms (months)")
        _fact_sheets(report.sheets, fmt, quiet)
        for note in caveats(report.filings.meta)[:2]:
            common.message(note, quiet)
        common.message("Next, try (each works as printed):", quiet)
        for command in report.next_commands:
            common.message(f"  {command}", quiet, wrap=False)
        common.message(f"Or set the store once: export CROSSINGS_HOME={report.store}", quiet,
                       wrap=False)
        store = report.next_commands[0].rsplit("--store ", 1)[1]  # quoted as printed above
        common.message(f"In a browser: crossings serve --store {store}  "
                       "(then open http://127.0.0.1:8000/)", quiet, wrap=False)
