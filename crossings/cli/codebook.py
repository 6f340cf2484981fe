"""``crossings codebook [KIND]``: the vocabulary crossings understands, with labels."""

from __future__ import annotations

import typer

from crossings.cli import common
from crossings.cli.common import Format
from crossings.measures.vocabulary import KINDS, vocabulary


def register(app: typer.Typer) -> None:
    @app.command("codebook")
    def codebook_command(
        kind: str = typer.Argument(None, metavar="[KIND]",
                                   help=f"One of: {', '.join(KINDS)}. Without it: the list."),
        fmt: Format = common.format_option(),
    ) -> None:
        """List districts, charges, measures, dimensions, countries, agencies or
        dispositions, each code with its label (what --district, --charge, --by accept)."""
        if kind is None:
            rows = [{"kind": k, "entries": len(vocabulary(k))} for k in KINDS]
        else:
            rows = vocabulary(kind)
        if fmt == Format.json:
            common.emit_json(rows)
            return
        columns = list(rows[0]) if rows else []
        common.emit_rows(columns, [list(r.values()) for r in rows], fmt)
