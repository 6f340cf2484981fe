"""The progress an ingest reports is that of the rows written, not of reading ahead."""

from __future__ import annotations

import pytest

from crossings import archives, settings
from crossings.ingest import ingest
from crossings.sample.idb.generator import write_idb_sample
from crossings.sample.lions.generator import write_lions_sample
from crossings.store import Store

BLOCK = 128 << 10


def _check(updates, rows_read: int) -> None:
    assert len(updates) > 10, "the test needs many blocks"
    assert updates[-1].rows == rows_read
    total = updates[-1].total
    assert updates[-1].completed == total
    for u in updates:
        # The bar (bytes) and the row count may differ by the block just written.
        assert abs(u.completed / total - u.rows / rows_read) < 3 * BLOCK / total + 0.02
    assert [u.completed for u in updates] == sorted(u.completed for u in updates)


def test_court_file_progress_follows_the_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "BLOCK_BYTES", BLOCK)
    monkeypatch.setattr(archives, "CHUNK", 32 << 10)
    sample = write_idb_sample(tmp_path / "cr96on.txt", rows=8000, seed=3)
    updates = []
    report = ingest(sample.path, Store(tmp_path / "s"), progress=updates.append)
    mine = [u for u in updates if u.task.startswith("ingest")]
    _check(mine, report.record["rows"]["read"])


@pytest.mark.parametrize("defendants", [3000])
def test_lions_progress_ends_with_every_row_read(tmp_path, monkeypatch, defendants):
    monkeypatch.setattr(settings, "BLOCK_BYTES", BLOCK)
    monkeypatch.setattr(archives, "CHUNK", 32 << 10)
    write_lions_sample(tmp_path / "rel", defendants=defendants, seed=2)
    updates = []
    report = ingest(tmp_path / "rel", Store(tmp_path / "s"), source="lions",
                    progress=updates.append)
    read = sum(t["rows"]["read"] for t in report.record["tables"].values())
    assert updates[-1].rows == read
    by_task: dict[str, list] = {}
    for u in updates:
        by_task.setdefault(u.task, []).append(u)
    for task in by_task.values():
        assert [u.completed for u in task] == sorted(u.completed for u in task)
