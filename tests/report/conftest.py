"""Fixtures of the fact-sheet tests: one demo store (the web tests' kind: court file and
the LIONS release JUNFY2025 of the same 3,000 synthetic defendants) built once per
run, and the English and Spanish sheets over it, written once with their PDFs."""

from __future__ import annotations

import pytest

from crossings.demo import run_demo
from crossings.report import fact_sheet

#: As tests/web/conftest.py: small enough to build in seconds, with every year.
REPORT_DEFENDANTS = 3_000


@pytest.fixture(scope="session")
def report_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report") / "store"
    run_demo(folder, defendants=REPORT_DEFENDANTS, seed=7)
    return folder


@pytest.fixture(scope="session")
def sheets(report_store, tmp_path_factory):
    """lang -> the national sheet on Letter, HTML and PDF."""
    out = tmp_path_factory.mktemp("sheets")
    return {lang: fact_sheet(report_store, lang=lang, output=out, pdf=True)
            for lang in ("en", "es")}
