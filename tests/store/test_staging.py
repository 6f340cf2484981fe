"""The write lock, staging folders, and a clean-up that removes only what the store made."""

from __future__ import annotations

import json

import pytest
from helpers.idb_rows import write
from helpers.stores import by_year, court_file, loaded_store

from crossings.errors import EmptySource, StoreBusy
from crossings.ingest import ingest
from crossings.store import Store


def test_one_writer_at_a_time(tmp_path):
    store = loaded_store(tmp_path)
    with store.writing(), pytest.raises(StoreBusy, match="another ingest"):
        ingest(court_file(tmp_path / "b.txt", {2017: 1}), Store(store.root), release="b")
    assert [e.release for e in store.entries("idb")] == ["2026-06-30"]


def test_a_staging_folder_is_named_in_the_journal_before_it_is_filled(tmp_path):
    store = loaded_store(tmp_path)
    with store.writing():
        staging = store.new_staging("idb")
        journal = json.loads((store.root / "journal.json").read_text())
        assert [s["path"] for s in journal["staging"]] == [
            staging.relative_to(store.root).as_posix()]
        assert list(staging.iterdir()) == []


def test_leftovers_of_a_killed_ingest_are_removed_by_the_next(tmp_path):
    store = loaded_store(tmp_path)
    with store.writing():  # as an ingest killed after writing some Parquet
        staging = store.new_staging("idb")
        (staging / "defendants").mkdir()
        (staging / "defendants" / "part-0.parquet").write_bytes(b"half")
    assert staging.exists()
    ingest(court_file(tmp_path / "b.txt", {2017: 1}), store, release="b")
    assert not staging.exists()
    assert json.loads((store.root / "journal.json").read_text())["staging"] == []


def test_folders_the_store_did_not_make_are_never_removed(tmp_path):
    # cases.md: folders in data/*/ absent from the manifest were deleted.
    store = loaded_store(tmp_path)
    mine = store.root / "data" / "idb" / "my-notes"
    mine.mkdir()
    (mine / "n.txt").write_text("keep")
    old_style = store.root / "data" / "idb" / ".staging-0123456789ab"  # no journal line
    old_style.mkdir()
    other_source = store.root / "data" / "photos" / "2024"
    other_source.mkdir(parents=True)
    ingest(court_file(tmp_path / "b.txt", {2017: 1}), store, release="b")
    ingest(court_file(tmp_path / "b.txt", {2017: 1}), store, release="b", force=True)
    assert (mine / "n.txt").read_text() == "keep"
    assert old_style.is_dir() and other_source.is_dir()


def test_a_failed_build_leaves_the_store_as_it_was(tmp_path):
    store = loaded_store(tmp_path)
    before = store.manifest_path.read_bytes()
    header_only = write(tmp_path / "header-only.txt", [])  # fails once staging is filled
    with pytest.raises(EmptySource, match="no data rows"):
        ingest(header_only, store)
    assert store.manifest_path.read_bytes() == before
    assert not list((store.root / "data" / "idb").glob(".staging-*"))
    assert json.loads((store.root / "journal.json").read_text())["staging"] == []
    assert by_year(store) == {2015: 3, 2016: 2}
