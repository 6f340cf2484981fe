"""``load(rows)``: hand-written court-file rows ingested into a fresh store."""

from __future__ import annotations

import pytest
from helpers.idb_rows import write

from crossings.ingest import ingest
from crossings.store import Store


@pytest.fixture
def load(tmp_path):
    def _load(rows) -> Store:
        store = Store(tmp_path / "store")
        ingest(write(tmp_path / "cr96on.txt", rows), store, force=True)
        return store
    return _load
