"""The engines: a missing one is a usage error with an install hint."""

from __future__ import annotations

import subprocess
import sys

import pytest

# The CLI in a process where ``import polars`` fails, as where Polars is not installed.
WITHOUT_POLARS = """
import sys
sys.modules["polars"] = None  # makes `import polars` raise ImportError
from crossings.cli.main import run
sys.argv = ["crossings", *sys.argv[1:]]
run()
"""


@pytest.mark.adversarial
def test_the_polars_engine_without_polars_is_a_usage_error_with_a_hint(both_sources):
    done = subprocess.run([sys.executable, "-c", WITHOUT_POLARS, "stats", "filings",
                           "--engine", "polars", "--store", str(both_sources.root)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "polars engine is not installed" in done.stderr
    assert "pip install 'ibis-framework[polars]'" in done.stderr
    assert done.stdout == ""
