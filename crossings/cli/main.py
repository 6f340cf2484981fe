"""Entry point of the ``crossings`` command.

Exit codes (documented in docs/cli.md):

* 0 - success (an ingest that quarantined rows still succeeds, and says so);
* 1 - an error: bad input, a corrupt archive, a missing store, a failed download;
* 2 - misuse: an unknown option, measure, dimension or value.

Data goes to stdout, messages and progress to stderr.
"""

from __future__ import annotations

import importlib
import sys

import typer

from crossings.errors import CrossingsError
from crossings.version import __version__

#: Command modules, each with ``register(app)``; one module per command.
COMMANDS = ("demo", "sample", "ingest", "fetch", "stats", "scenario", "reconcile", "codebook",
            "verify", "store", "serve", "report")

app = typer.Typer(
    name="crossings",
    help="Count federal immigration prosecutions from the public court and prosecution records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crossings {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """crossings: numbers people can defend, each with its source."""


def _register_commands() -> None:
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"crossings.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"crossings.cli.{name}":
                raise
            continue
        module.register(app)


_register_commands()


#: Options whose value may be left out, and the value they then take.
OPTIONAL_VALUES = {"--wide": "auto"}


def with_optional_values(args: list[str]) -> list[str]:
    """``--wide`` alone (last, or before another option) becomes ``--wide auto``:
    Typer has no options with an optional value."""
    out = []
    for i, arg in enumerate(args):
        out.append(arg)
        following = args[i + 1] if i + 1 < len(args) else None
        if arg in OPTIONAL_VALUES and (following is None or following.startswith("-")):
            out.append(OPTIONAL_VALUES[arg])
    return out


def run() -> None:
    """Run the CLI, translating library errors into messages and exit codes.

    Typer itself answers misuse (unknown command or option, bad value) with
    exit code 2; errors raised by the library are caught here.
    """
    try:
        app(args=with_optional_values(sys.argv[1:]))
    except CrossingsError as exc:
        typer.echo(f"error: {exc.describe()}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        sys.exit(130)
