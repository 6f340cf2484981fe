"""``crossings reconcile``: the court file beside the prosecutors' data, cause by cause."""

from __future__ import annotations

from pathlib import Path

import typer

from crossings.cli import common
from crossings.cli.common import Format
from crossings.measures.reconcile import reconcile


def register(app: typer.Typer) -> None:
    @app.command("reconcile")
    def reconcile_command(
        by: str = typer.Option("fiscal_year,charge", "--by",
                               help="Dimensions: fiscal_year, charge, district."),
        district: str = typer.Option(None, "--district",
                                     help="One district, court-file (41) or LIONS (TXS) code."),
        from_year: int = typer.Option(None, "--from-year", help="First fiscal year."),
        to_year: int = typer.Option(None, "--to-year", help="Last fiscal year."),
        published: bool = typer.Option(False, "--published",
                                       help="Also show US Courts and TRAC published figures."),
        idb_release: str = typer.Option(None, "--idb-release", help="Court-file release."),
        lions_release: str = typer.Option(None, "--lions-release", help="LIONS release."),
        store: Path = common.store_option(),
        fmt: Format = common.format_option(),
        quiet: bool = common.quiet_option(),
    ) -> None:
        """Court-file filings, prosecutors' district-court filings and prosecutors' filings
        with magistrate-only cases, side by side, the differences itemised by cause.

        lions_district = court_file + transfers + lead_charge + residual;
        lions_all = lions_district + date_basis + magistrate_only.
        """
        common.check_filter("--district", district)
        result = reconcile(by, district=district, from_year=from_year, to_year=to_year,
                           store=store, idb_release=idb_release, lions_release=lions_release,
                           published=published)
        if fmt == Format.json:
            common.emit_json(result.to_dict())
            return
        common.emit_rows(result.columns, [list(r.values()) for r in result.to_pylist()], fmt)
        if published and result.meta.get("published"):
            figs = result.meta["published"]
            common.emit_rows(("source", "version", "fiscal_year", "charge", "published",
                              "crossings", "difference", "compared with", "basis", "status",
                              "published on", "address"),
                             [(f["source"], f["version"], f["fiscal_year"], f["charge"],
                               f["value"], f["computed"], f["difference"], f["compare_with"],
                               f["basis"], f["status"], f["published"], f["address"])
                              for f in figs], fmt,
                             title="Published figures beside crossings")
            for note in result.meta["notes"]:
                if note.startswith("Published figures"):
                    common.message(note, quiet)
        meta = result.meta
        if meta.get("synthetic"):
            common.message("SYNTHETIC SAMPLE DATA: these are not real cases.", quiet)
        for line in meta["identities"]:
            common.message(line, quiet)
        for src in meta["sources"].values():
            common.message(f"Source: {src['citation']}.", quiet)
