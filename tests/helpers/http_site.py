"""A real HTTP server on 127.0.0.1 for the fetch tests (never the internet).

``site`` serves whatever ``Route`` is put at a path, honours ``Range`` (and
``If-Range``), and can cut the connection part way through a file: headers
promise the full length, the bytes up to ``cut_at`` arrive, the socket closes.
``tests/conftest.py`` loads this module as a plugin, so the ``site`` and
``no_proxy`` fixtures are there for every test; a module that talks to the
server turns ``no_proxy`` on for all its tests with
``pytestmark = pytest.mark.usefixtures("no_proxy")``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crossings.fetch import http as fetch_http


@dataclass
class Route:
    body: bytes
    content_type: str = "application/zip"
    cut_at: int = 0  # drop the connection once the file reaches this offset
    cut_times: int = 0  # how many requests are cut
    honour_range: bool = True
    etag: str = '"v1"'


@dataclass
class Site:
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Range)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""

    def paths(self, suffix: str) -> list[str | None]:
        """The Range header of every request for a path ending in ``suffix``."""
        return [r for p, r in self.requests if p.endswith(suffix)]


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep pytest output clean
            pass

        def do_GET(self):
            header = self.headers.get("Range")
            with site.lock:
                site.requests.append((self.path, header))
                route = site.routes.get(self.path)
                cut = bool(route and route.cut_times > 0)
                if cut:
                    route.cut_times -= 1
            if route is None:
                self.send_error(404, "Not Found")
                return
            self._serve(route, header, cut)

        def _serve(self, route: Route, header: str | None, cut: bool):
            data, start = route.body, 0
            match = re.fullmatch(r"bytes=(\d+)-", header or "")
            # If-Range: resume only if the file is still the one the client started.
            same = self.headers.get("If-Range") in (None, route.etag)
            if match and route.honour_range and same:
                start = int(match.group(1))
                if start >= len(data):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(data)}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            else:
                self.send_response(200)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(data) - start))
            self.send_header("ETag", route.etag)
            self.end_headers()
            if cut:
                # Promise the whole length, deliver up to the cut, hang up.
                self.wfile.write(data[start:max(start, route.cut_at)])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            self.wfile.write(data[start:])

    return Handler


@pytest.fixture
def site():
    state = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def no_proxy(monkeypatch):
    # A proxy from the environment would route 127.0.0.1 elsewhere.
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                 "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setattr(fetch_http, "BACKOFF_SECONDS", 0.0)


def cli(*args: str, home: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``python -m crossings ARGS`` with no proxy and ``home`` as CROSSINGS_HOME."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(no_proxy="*", CROSSINGS_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "crossings", *args], capture_output=True,
                          text=True, env=env, timeout=timeout)
