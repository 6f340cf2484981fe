"""``crossings store repair``: restore a missing or damaged manifest.json."""

from __future__ import annotations

from pathlib import Path

import typer

from crossings.cli import common
from crossings.cli.common import Format
from crossings.store import Store
from crossings.store.maintenance import repair

store_app = typer.Typer(name="store", help="Look after a store: repair its manifest.",
                        no_args_is_help=True)
STORE_OPTION = common.store_option()
FORMAT_OPTION = common.format_option()
QUIET_OPTION = common.quiet_option()


@store_app.command("repair")
def repair_command(store: Path = STORE_OPTION, fmt: Format = FORMAT_OPTION,
                   quiet: bool = QUIET_OPTION) -> None:
    """Restore manifest.json when it is missing, truncated or unreadable.

    Takes the newest readable earlier manifest (manifest.json.1 ...) whose
    release folders all exist, adds any release folder it does not know from
    the folder's own release.json, and says what it did (on stderr); the
    releases of the repaired manifest go to stdout. Nothing is deleted; a
    damaged manifest is kept as manifest.json.damaged-TIME.
    """
    report = repair(Store(store))
    for action in report.actions:
        common.message(action, quiet)
    if fmt == Format.json:
        common.emit_json({"status": report.status, "actions": report.actions,
                          "releases": report.entries})
    else:
        common.emit_rows(("source", "release", "path", "taken_from"),
                         [tuple(e.values()) for e in report.entries], fmt)


def register(app: typer.Typer) -> None:
    app.add_typer(store_app, name="store")
