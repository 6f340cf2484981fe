"""Fixtures of the web tests: one demo store (court file and a LIONS release of the
same synthetic defendants) built once per run, and an app over it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

# The browser harness: a real `crossings serve` over web_store and Playwright pages.
from helpers.browser import browser, browser_page, served  # noqa: F401

from crossings.demo import run_demo
from crossings.web import create_app

#: Small enough to build in seconds, large enough for every district and year.
WEB_DEFENDANTS = 3_000


@pytest.fixture(scope="session")
def web_store(tmp_path_factory):
    """The folder of a store holding the demo's court file and LIONS release."""
    folder = tmp_path_factory.mktemp("web") / "store"
    run_demo(folder, defendants=WEB_DEFENDANTS, seed=7)
    return folder


@pytest.fixture(scope="session")
def client(web_store):
    with TestClient(create_app(web_store)) as test_client:
        yield test_client
