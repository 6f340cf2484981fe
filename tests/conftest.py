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


# --- leaving the test process ------------------------------------------------------------
# Twice in about five whole-suite runs (2026-11-29), after every test had passed, the
# pytest process aborted while Python finalised: "terminate called after throwing an
# instance of '' / FATAL: exception not rethrown", exit 134. That is glibc unwinding a
# thread that Python's finalisation ends with pthread_exit while the thread is inside a
# native library's catch-all. The cause is not found yet (no folder alone reproduced it);
# until it is, the run ends with its own exit status and without finalisation, and names
# the threads still alive so the next run says where to look.
_SESSION_EXIT: dict[str, int] = {}


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    _SESSION_EXIT["status"] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    import os
    import sys
    import threading

    if "status" not in _SESSION_EXIT:
        return
    alive = sorted(t.name for t in threading.enumerate() if t is not threading.main_thread())
    if alive:
        sys.stderr.write(f"threads still alive as the tests end: {', '.join(alive)}\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_SESSION_EXIT["status"])
