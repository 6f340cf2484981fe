"""Shared fixtures. Paths are resolved from the helpers, never from the working dir."""

from __future__ import annotations

import pytest

# The ``site`` and ``no_proxy`` fixtures of the fetch tests: a server on 127.0.0.1.
pytest_plugins = ["helpers.http_site"]


@pytest.fixture(scope="session", autouse=True)
def _isolated_session(tmp_path_factory):
    """Module and session fixtures (set up before each test's own) touch neither the
    user's real store nor their cache either."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CROSSINGS_HOME", str(tmp_path_factory.mktemp("session-home")))
        patch.setenv("CROSSINGS_CACHE", str(tmp_path_factory.mktemp("session-cache")))
        yield


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """No test may touch the user's real store or cache."""
    monkeypatch.setenv("CROSSINGS_HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.setenv("CROSSINGS_CACHE", str(tmp_path_factory.mktemp("cache")))
