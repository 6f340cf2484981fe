"""``crossings serve``: checks the store and the port first (a clear error, exit 1, no
traceback), binds 127.0.0.1 by default, and says so when it is reachable from the network."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest
from helpers.tools import run_cli
from typer.testing import CliRunner

from crossings.cli import serve
from crossings.cli.main import app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_missing_store_stops_before_serving(tmp_path):
    done = run_cli("serve", "--store", str(tmp_path / "none"), "--port", str(free_port()))
    assert done.returncode == 1
    assert "no store here" in done.stderr and "crossings demo" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_port_in_use_is_named(web_store):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("serve", "--store", str(web_store), "--port", str(port))
    assert done.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in done.stderr
    assert "Traceback" not in done.stderr


def test_it_serves_the_store_on_the_loopback_address_only(web_store):
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "crossings", "serve", "--store",
                               str(web_store), "--port", str(port), "-q"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ)
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/manifest",
                                            timeout=5) as response:
                    body = json.loads(response.read())
                break
            except OSError:
                assert server.poll() is None, server.communicate()[1].decode()
                time.sleep(0.2)
        assert body is not None and {r["source"] for r in body["data"]} == {"idb", "lions"}
        listening = [c.laddr for c in psutil.Process(server.pid).net_connections()
                     if c.status == psutil.CONN_LISTEN]
        assert listening and all(address.ip == "127.0.0.1" for address in listening)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert b"Traceback" not in server.stderr.read()


def test_a_network_address_is_said_to_be_reachable(web_store, monkeypatch):
    started = {}
    monkeypatch.setattr(serve, "check_port", lambda host, port: None)
    monkeypatch.setattr("uvicorn.run", lambda app, **options: started.update(options))
    result = CliRunner().invoke(app, ["serve", "--store", str(web_store), "--host",
                                      "0.0.0.0", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert started["host"] == "0.0.0.0" and started["port"] == 8123
    assert "reachable from the network" in result.output


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.5", False), ("example.org", False),
])
def test_which_addresses_are_this_machine_only(host, loopback):
    assert serve.is_loopback(host) is loopback


def test_a_damaged_store_stops_before_serving_with_its_fix(tmp_path, web_store):
    (tmp_path / "crossings-store.json").write_text(
        (web_store / "crossings-store.json").read_text())
    (tmp_path / "manifest.json").write_text("[")
    done = run_cli("serve", "--store", str(tmp_path), "--port", str(free_port()))
    assert done.returncode == 1
    assert "manifest.json" in done.stderr and "crossings store repair" in done.stderr
    assert "Traceback" not in done.stderr
