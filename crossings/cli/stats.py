"""``crossings stats MEASURE``: a measure, broken down, with where it came from."""

from __future__ import annotations

from pathlib import Path

import typer

from crossings.cli import common
from crossings.cli.common import Format
from crossings.measures import MEASURES, measure
from crossings.measures.beside import CONTEXT_MEASURES
from crossings.measures.engine import ENGINES
from crossings.measures.query import DIMENSIONS


def register(app: typer.Typer) -> None:
    @app.command("stats")
    def stats_command(
        name: str = typer.Argument(..., metavar="MEASURE",
                                   help=f"One of: {', '.join(MEASURES)}; published series "
                                        f"beside them: {', '.join(CONTEXT_MEASURES)}."),
        by: str = typer.Option("", "--by", help="Dimensions, comma-separated: "
                               + ", ".join(sorted({d for v in DIMENSIONS.values() for d in v}))
                               + "; for the published series: sector, region."),
        from_year: int = typer.Option(None, "--from-year", help="First fiscal year."),
        to_year: int = typer.Option(None, "--to-year", help="Last fiscal year."),
        district: str = typer.Option(None, "--district",
                                     help="District code(s), court-file (41) or LIONS (TXS)."),
        charge: str = typer.Option(None, "--charge", help="Charge categories, comma-separated."),
        border: str = typer.Option(None, "--border", help="southwest or other."),
        transfers: str = typer.Option("exclude", "--transfers",
                                      help="include: count transfers in both districts."),
        charge_basis: str = typer.Option("default", "--charge-basis",
                                         help="filing: terminations by their filing charge."),
        any_charge: bool = typer.Option(False, "--any-charge",
                                        help="Count a defendant under every charge category."),
        charges: Path = typer.Option(None, "--charges",
                                     help="Charge-rules CSV to use instead of the shipped one."),
        source: str = common.source_option(),
        series: str = typer.Option(None, "--series",
                                   help="removals: dhs (Yearbook to FY2019, then OHSS; "
                                        "default), ice (ICE's own), or one series by name."),
        share_served: float = common.share_served_option("prison_cost"),
        ytd: bool = typer.Option(False, "--ytd", help="Cut every fiscal year to October "
                                 "through the data's last complete month (not for pending)."),
        release: str = typer.Option(None, "--release", help="Release (default: latest)."),
        engine: str = typer.Option("duckdb", "--engine", help=f"One of: {', '.join(ENGINES)}."),
        share: bool = typer.Option(False, "--share",
                                   help="Add each row's share of its group over the last "
                                        "dimension."),
        change: bool = typer.Option(False, "--change",
                                    help="Add the change from 1 and 5 years before "
                                         "(needs fiscal_year in --by)."),
        sort: str = typer.Option(None, "--sort", metavar="COLUMN",
                                 help="Sort by COLUMN (-COLUMN: descending)."),
        top: int = typer.Option(None, "--top", metavar="N", help="Only the first N rows."),
        wide: str = typer.Option(None, "--wide", metavar="[DIM]",
                                 help="Spread DIM into columns (alone: fiscal_year if in "
                                      "--by, else the last dimension)."),
        output: Path = common.output_option(),
        store: Path = common.store_option(),
        fmt: Format = common.format_option(),
        quiet: bool = common.quiet_option(),
    ) -> None:
        """Compute MEASURE by the written counting rules (docs/methodology.md)."""
        common.check_filter("--district", district)
        common.check_filter("--charge", charge)
        where = {"from_year": from_year, "to_year": to_year, "district": district,
                 "charge": charge, "border": border}
        result = measure(name, by=by, where={k: v for k, v in where.items() if v is not None},
                         source=source, store=store, release=release, transfers=transfers,
                         charge_basis=charge_basis, any_charge=any_charge,
                         charges_file=str(charges) if charges else None, engine=engine,
                         share=share, change=change, sort=sort, top=top, ytd=ytd,
                         series=series, share_served=share_served)
        common.emit_result(result, fmt, output=output, quiet=quiet,
                           wide=None if wide is None else (None if wide == "auto" else wide),
                           spread=wide is not None)
