"""``crossings serve``: the dashboard and the HTTP API over the store, read-only."""

from __future__ import annotations

from pathlib import Path

import typer

from crossings.cli import common
from crossings.measures.engine import ENGINES


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        store: Path = common.store_option(),
        host: str = typer.Option("127.0.0.1", "--host",
                                 help="Address to listen on (only this machine by default)."),
        port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
        engine: str = typer.Option("duckdb", "--engine", help=f"One of: {', '.join(ENGINES)}."),
        quiet: bool = common.quiet_option(),
    ) -> None:
        """Serve the dashboard and the API (/api/v1, docs at /api/v1/docs) over the store."""
        import uvicorn

        from crossings.web import create_app

        app = create_app(store, engine)
        common.message(f"crossings: serving on http://{host}:{port}/ (Ctrl-C stops)", quiet)
        uvicorn.run(app, host=host, port=port, log_level="warning" if quiet else "info")
