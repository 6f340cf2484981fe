"""``crossings serve``: the dashboard and the HTTP API over the store, read-only."""

from __future__ import annotations

import errno
import ipaddress
import socket
from pathlib import Path

import typer

from crossings.cli import common
from crossings.errors import CannotListen, StoreNotFound
from crossings.measures.engine import ENGINES
from crossings.measures.query import choose
from crossings.store import Store


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        store: Path = common.store_option(),
        host: str = typer.Option("127.0.0.1", "--host",
                                 help="Address to listen on (only this machine by default)."),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
        engine: str = typer.Option("duckdb", "--engine", help=f"One of: {', '.join(ENGINES)}."),
        quiet: bool = common.quiet_option(),
    ) -> None:
        """Serve the dashboard and the API (/api/v1, docs at /api/v1/docs) over the store.

        Read-only: nothing is written to the store. Checks the store and the port
        first; says so when the address makes it reachable from other machines."""
        import uvicorn

        from crossings.web import create_app

        engine = choose("engine", engine, ENGINES)
        target = checked_store(store)
        check_port(host, port)
        app = create_app(target.root, engine)
        if not is_loopback(host):
            common.message(f"crossings: listening on {host}: the server is reachable from "
                           "the network (anyone who can reach this machine can read the "
                           "data; it has no login)", quiet)
        common.message(f"crossings: serving {target.root} on http://{_shown(host)}:{port}/ "
                       "(API docs at /api/v1/docs; Ctrl-C stops)", quiet, wrap=False)
        uvicorn.run(app, host=host, port=port, log_level="warning" if quiet else "info",
                    server_header=False)


def checked_store(folder: Path | None) -> Store:
    """The store to serve: it must exist and hold data (a damaged manifest says so)."""
    store = Store(folder)
    entries = store.entries()  # ManifestDamaged, NotAStore: their own message and fix
    if not entries:
        raise StoreNotFound("no store here, or it holds no data", path=str(store.root),
                            hint="build one (`crossings demo`, or `crossings ingest FILE "
                                 "--source idb`), or name it with --store DIR")
    return store


def check_port(host: str, port: int) -> None:
    """:class:`CannotListen` naming the port if ``host:port`` cannot be bound now."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise CannotListen(f"cannot listen on {host!r}: {exc.strerror}",
                           hint="give --host an address of this machine, e.g. 127.0.0.1"
                           ) from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As uvicorn binds: a port left in TIME_WAIT by a stopped server is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CannotListen(f"port {port} on {host} is already in use",
                                   hint=f"stop what is using it, or pick another port: "
                                        f"--port {port + 1}") from None
            if exc.errno == errno.EACCES:
                raise CannotListen(f"port {port} on {host} needs privileges to listen on",
                                   hint="pick a port above 1023, e.g. --port 8000") from None
            raise CannotListen(f"cannot listen on {host} port {port}: {exc.strerror}",
                               hint="give --host an address of this machine, e.g. "
                                    "127.0.0.1") from None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown(host: str) -> str:
    return f"[{host}]" if ":" in host else host
