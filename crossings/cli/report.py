"""``crossings report``: the two-page fact sheet (HTML, and PDF with --pdf)."""

from __future__ import annotations

from pathlib import Path

import typer

from crossings.cli import common
from crossings.cli.common import Format


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report_command(
        store: Path = common.store_option(),
        district: str = typer.Option(None, "--district",
                                     help="One district's sheet: code (41, TXS) or name "
                                          "('S.D. Tex.')."),
        border: str = typer.Option(None, "--border", help="southwest: the five border "
                                   "districts' sheet (other: the rest)."),
        charge: str = typer.Option(None, "--charge", help="Immigration charge categories, "
                                   "comma-separated (default: all four)."),
        from_year: int = typer.Option(None, "--from-year", help="First fiscal year of the "
                                      "trend chart (default: ten years to the headline year)."),
        to_year: int = typer.Option(None, "--to-year", help="Last fiscal year (the headline "
                                    "year is the latest full year up to it)."),
        lang: str = typer.Option("en", "--lang", help="en or es."),
        paper: str = typer.Option("letter", "--paper", help="letter or a4."),
        output: Path = typer.Option(Path("."), "--output", "-o", metavar="DIR",
                                    help="Folder to write the sheet into."),
        pdf: bool = typer.Option(False, "--pdf", help="Also write the PDF (WeasyPrint)."),
        fmt: Format = common.format_option(),
        quiet: bool = common.quiet_option(),
    ) -> None:
        """Write the fact sheet: two printable pages of cited numbers, charts and
        caveats, with the crossings stats command behind each number."""
        from crossings.report.sheet import fact_sheet, headline_rows  # Babel, Jinja: on use

        common.check_filter("--district", district)
        common.check_filter("--charge", charge)
        sheet = fact_sheet(store, district=district, border=border, charge=charge,
                           from_year=from_year, to_year=to_year, lang=lang, paper=paper,
                           output=output, pdf=pdf)
        columns, rows = headline_rows(sheet)
        share = sheet.figures.immigration_share.value
        if fmt == Format.json:
            common.emit_json({"files": [str(p) for p in sheet.paths], "fiscal_year": sheet.year,
                              "headline": [dict(zip(columns, r, strict=True)) for r in rows],
                              "immigration_share_of_all_filings": share})
            return
        common.emit_rows(columns, rows, fmt, title=f"Defendants filed in FY{sheet.year}",
                         fractions=("change_1y_pct", "change_5y_pct"))
        common.message(f"Immigration charges: {share:.1%} of all federal criminal filings "
                       f"in FY{sheet.year}.", quiet)
        for path in sheet.paths:
            common.message(f"wrote {path}", quiet, wrap=False)
