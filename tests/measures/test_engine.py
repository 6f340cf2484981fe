"""The engines: a missing one is a usage error with an install hint."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# The CLI in a process where ``import <module>`` fails, as where it is not installed.
WITHOUT_MODULE = """
import sys
sys.modules[sys.argv[1]] = None  # makes `import <module>` raise ImportError
from crossings.cli.main import run
sys.argv = ["crossings", *sys.argv[2:]]
run()
"""


def _stats_with(store, engine: str, *, hide: str = "", env: dict | None = None):
    return subprocess.run([sys.executable, "-c", WITHOUT_MODULE, hide or "no_such_module",
                           "stats", "filings", "--engine", engine, "--store", str(store.root)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


@pytest.mark.adversarial
@pytest.mark.parametrize(("engine", "hide", "hint"), [
    ("polars", "polars", "pip install 'ibis-framework[polars]'"),
    ("spark", "pyspark", "pip install 'crossings[spark]'"),
])
def test_an_engine_not_installed_is_a_usage_error_with_a_hint(both_sources, engine, hide,
                                                               hint):
    done = _stats_with(both_sources, engine, hide=hide)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert f"{engine} engine is not installed" in done.stderr
    assert hint in done.stderr
    assert done.stdout == ""


@pytest.mark.adversarial
def test_spark_without_java_is_a_usage_error_naming_the_fix(both_sources, tmp_path):
    done = _stats_with(both_sources, "spark",
                       env={"JAVA_HOME": str(tmp_path / "no-java")})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "could not start a Spark session" in done.stderr
    assert "default-jre-headless" in done.stderr
    assert done.stdout == ""
