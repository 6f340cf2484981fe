"""``crossings scenario --halt CHARGES``: what the records say stopping those
prosecutions would remove (filings, convictions, prison years, their cost)."""

from __future__ import annotations

from pathlib import Path

import typer

from crossings.cli import common
from crossings.cli.common import Format
from crossings.measures.scenario import scenario


def register(app: typer.Typer) -> None:
    @app.command("scenario")
    def scenario_command(
        halt: str = typer.Option(..., "--halt", metavar="CHARGES",
                                 help="Charge categories to halt, comma-separated, e.g. "
                                      "illegal_entry,illegal_reentry."),
        from_year: int = typer.Option(None, "--from-year",
                                      help="First fiscal year (default: the last full one)."),
        to_year: int = typer.Option(None, "--to-year",
                                    help="Last fiscal year (default: the last full one)."),
        source: str = common.source_option(),
        share_served: float = common.share_served_option(),
        release: str = typer.Option(None, "--release", help="Release (default: latest)."),
        output: Path = common.output_option(),
        store: Path = common.store_option(),
        fmt: Format = common.format_option(),
        quiet: bool = common.quiet_option(),
    ) -> None:
        """Filings, convictions and prison years of the halted charges, their cost at the
        BOP COIF and their share of all filings, nationally and in each southwest border
        district, by year. Recorded cases only: no change in behaviour is modelled."""
        result = scenario(halt, from_year=from_year, to_year=to_year, source=source,
                          share_served=share_served, store=store, release=release)
        common.emit_result(result, fmt, output=output, quiet=quiet)
