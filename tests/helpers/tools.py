"""Helpers every test may use: paths, 7-Zip, the CLI in a subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
FIXTURES = TESTS / "fixtures"
REPO = TESTS.parent


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
