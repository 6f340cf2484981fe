"""A small store with both sources, built once for the query-side tests."""

from __future__ import annotations

import pytest

from crossings.ingest import ingest
from crossings.sample.lions.generator import write_lions_sample
from crossings.store import Store


@pytest.fixture(scope="session")
def both_sources(tmp_path_factory) -> Store:
    """A court file and a LIONS release of the same 600 defendants, in one store.

    Read only by the tests that use it: none may ingest into it.
    """
    folder = tmp_path_factory.mktemp("both")
    info = write_lions_sample(folder / "release", defendants=600, seed=5,
                              court_file=folder / "court")
    store = Store(folder / "store")
    ingest(info.court_file, store)
    ingest(folder / "release", store, source="lions")
    return store
