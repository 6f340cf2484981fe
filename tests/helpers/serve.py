"""A real ``crossings serve`` in a subprocess on a free port of 127.0.0.1: started,
waited for (bounded), its output kept in a file for failure messages, stopped.

Used by the browser tests (tests/helpers/browser.py) and by bench/serve.py; it
imports nothing from pytest so the benchmark can use it too.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

#: A cold start imports the web stack and opens the store: seconds, not minutes.
READY_TIMEOUT_S = 60


def free_port() -> int:
    """A port nothing listens on now (the kernel's pick for a bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Served:
    """A running ``crossings serve`` subprocess and where it answers."""

    process: subprocess.Popen
    base_url: str
    stderr_path: Path

    def stderr_tail(self, chars: int = 4000) -> str:
        """The end of the server's stderr, for failure messages."""
        text = self.stderr_path.read_text(errors="replace")
        return text[-chars:]

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(f"crossings serve exited with {self.process.returncode}:\n"
                                 f"{self.stderr_tail()}")


def start_server(store: Path, log_folder: Path, env: dict | None = None,
                 timeout: float = READY_TIMEOUT_S, args: tuple[str, ...] = ()) -> Served:
    """Start ``crossings serve --store STORE --port <free port>`` and wait until it
    answers (at most ``timeout`` seconds); raise with its stderr if it does not."""
    port = free_port()
    stderr_path = log_folder / f"serve-{port}.log"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "crossings", "serve", "--store", str(store),
             "--host", "127.0.0.1", "--port", str(port), *args],
            stdin=subprocess.DEVNULL, stdout=stderr, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})})
    served = Served(process, f"http://127.0.0.1:{port}", stderr_path)
    try:
        wait_until_ready(served, timeout)
    except BaseException:
        stop_server(served)
        raise
    return served


def wait_until_ready(served: Served, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        served.check_alive()
        try:
            answer = httpx.get(served.base_url + "/api/v1/openapi.json", timeout=2)
            if answer.status_code == 200:
                return
            last = f"HTTP {answer.status_code}"
        except httpx.HTTPError as error:
            last = repr(error)
        time.sleep(0.2)
    raise AssertionError(f"crossings serve did not answer within {timeout:.0f} s ({last}):\n"
                         f"{served.stderr_tail()}")


def stop_server(served: Served) -> None:
    """Stop the server: SIGTERM (uvicorn shuts down cleanly), SIGKILL after 10 s."""
    if served.process.poll() is None:
        served.process.terminate()
        try:
            served.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            served.process.kill()
            served.process.wait(timeout=10)
