"""Shared fixtures. Paths are resolved from this file, never from the working dir."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS / "fixtures"
REPO = TESTS.parent

# The ``site`` and ``no_proxy`` fixtures of the fetch tests: a server on 127.0.0.1.
pytest_plugins = ["http_site"]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """No test may touch the user's real store."""
    monkeypatch.setenv("CROSSINGS_HOME", str(tmp_path_factory.mktemp("home")))


def seven_zip() -> str:
    path = shutil.which("7z")
    if path is None:
        raise RuntimeError("7z not found: `make test` installs Debian's p7zip-full")
    return path


def deflate64_zip(text_file: Path, zip_path: Path) -> Path:
    """A real Deflate64 zip (method 9) of ``text_file``, made by 7-Zip."""
    subprocess.run([seven_zip(), "a", "-tzip", "-mm=Deflate64", "-mx=1", str(zip_path),
                    str(text_file)], check=True, capture_output=True)
    return zip_path


def run_cli(*args: str, env: dict | None = None, timeout: float = 300):
    """Run ``python -m crossings ARGS`` in a subprocess: the honest CLI test."""
    return subprocess.run([sys.executable, "-m", "crossings", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=timeout)
