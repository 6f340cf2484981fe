"""Generate docs/cli.md from the commands themselves, so it cannot go stale.

``python -m crossings.cli.docs > docs/cli.md``; CI checks the file is current.
"""

from __future__ import annotations

import sys

import typer

from crossings.cli.main import app

HEADER = """# Command-line reference

Generated from the code by `make docs` (`python -m crossings.cli.docs`); CI fails
when this file is stale. Do not edit by hand.

Exit codes: **0** success (an ingest that quarantined rows still succeeds and
says so), **1** an error (bad input, corrupt archive, no store, failed
download), **2** misuse (unknown command, option, measure or value). Data goes
to stdout, messages and progress to stderr.
"""


def _param_line(param, ctx) -> str:
    record = param.get_help_record(ctx)
    if record is None:
        return ""
    names, help_text = record
    return f"- `{names}`: {help_text.strip()}"


def _commands(command, ctx, path: str):
    """Every leaf command under ``command`` (sub-apps such as ``fetch`` included)."""
    names = getattr(command, "list_commands", None)
    if names is None:
        yield path, command, ctx
        return
    for name in sorted(command.list_commands(ctx)):
        sub = command.get_command(ctx, name)
        yield from _commands(sub, typer.Context(sub, info_name=name, parent=ctx),
                             f"{path} {name}")


def render() -> str:
    root = typer.main.get_command(app)
    ctx = typer.Context(root, info_name="crossings")
    out = [HEADER]
    for path, command, sub in _commands(root, ctx, "crossings"):
        if path == "crossings":
            continue
        out.append(f"## `{path}`\n")
        out.append("```\n" + command.get_usage(sub).strip() + "\n```\n")
        if command.help:
            out.append(command.help.strip() + "\n")
        params = [p for p in command.params if p.name != "help"]
        if params:
            out.append("\n".join(filter(None, (_param_line(p, sub) for p in params))) + "\n")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())
