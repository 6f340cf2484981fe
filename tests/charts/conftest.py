"""Fixtures of the chart tests: one small demo store (court file and a LIONS release of
the same synthetic defendants), and the Vega-Lite 5 JSON schema every spec must meet."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import jsonschema
import pytest

from crossings.demo import run_demo

SCHEMA_FILE = Path(__file__).parents[1] / "fixtures" / "vega-lite-5.23.0-schema.json.gz"


@pytest.fixture(scope="session")
def chart_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("charts") / "store"
    run_demo(folder, defendants=3_000, seed=11)
    return folder


@pytest.fixture(scope="session")
def vega_lite_schema():
    """The schema from the npm package vega-lite 5.23.0 (build/vega-lite-schema.json),
    the version vendored for the browser."""
    schema = json.loads(gzip.decompress(SCHEMA_FILE.read_bytes()))
    return jsonschema.Draft7Validator(schema)
