"""A real HTTP server on 127.0.0.1 for the fetch tests (never the internet).

``site`` serves whatever ``Route`` is put at a path, honours ``Range`` (and
``If-Range``), and can cut the connection part way through a file: headers
promise the full length, the bytes up to ``cut_at`` arrive, the socket closes.
It can also misbehave as hostile or broken servers do: answer every Range
with the whole file as a 206 from byte 0, trickle the body a byte at a time,
or redirect elsewhere (``ftp://``...). Every misbehaviour is bounded (a
trickle stops after ``trickle_bytes``, or when the client hangs up) so no
handler thread outlives its test by more than a moment.
``tests/conftest.py`` loads this module as a plugin, so the ``site`` and
``no_proxy`` fixtures are there for every test; a module that talks to the
server turns ``no_proxy`` on for all its tests with
``pytestmark = pytest.mark.usefixtures("no_proxy")``.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
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
    range_from_zero: bool = False  # answer a Range with "206 bytes 0-N/N" and the whole file
    trickle: float = 0.0  # seconds between single bytes of the body (0: all at once)
    trickle_bytes: int = 60  # a trickle sends at most this many bytes, then hangs up
    redirect: str | None = None  # answer "302 Found" with this Location


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
            if route.redirect:
                self.send_response(302)
                self.send_header("Location", route.redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data, start = route.body, 0
            match = re.fullmatch(r"bytes=(\d+)-", header or "")
            if match and route.range_from_zero:
                self.send_response(206)
                self.send_header("Content-Range", f"bytes 0-{len(data) - 1}/{len(data)}")
                self._body(route, data, cut, route.cut_at)
                return
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
            self._body(route, data[start:], cut, route.cut_at - start)

        def _body(self, route: Route, body: bytes, cut: bool, cut_at: int = 0):
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", route.etag)
            self.end_headers()
            if cut:
                # Promise the whole length, deliver up to the cut, hang up.
                self.wfile.write(body[:max(0, cut_at)])
                self._hang_up()
            elif route.trickle:
                self._trickle(route, body)
            else:
                self.wfile.write(body)

        def _trickle(self, route: Route, body: bytes):
            try:
                for i in range(min(len(body), route.trickle_bytes)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(route.trickle)
            except OSError:
                return  # the client gave up: that is what a trickle test wants
            self._hang_up()

        def _hang_up(self):
            self.wfile.flush()
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True

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
