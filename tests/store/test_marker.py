"""A store proves it is one: the marker, and folders that are not stores."""

from __future__ import annotations

import json

import pytest
from helpers.stores import by_year, court_file, loaded_store, snapshot
from helpers.tools import run_cli

from crossings.errors import NotAStore
from crossings.ingest import ingest
from crossings.store import Store


def test_a_new_store_gets_the_marker_with_its_format(tmp_path):
    store = loaded_store(tmp_path)
    marker = json.loads(store.marker_path.read_text())
    assert marker["crossings_store"] == 1


def test_a_folder_of_other_things_is_refused_and_left_as_it_was(tmp_path):
    # cases.md: a --store holding data/photos/2024/a.jpg lost the photos, exit 0.
    folder = tmp_path / "u"
    (folder / "data" / "photos" / "2024").mkdir(parents=True)
    (folder / "data" / "photos" / "2024" / "a.jpg").write_bytes(b"x")
    before = snapshot(folder)
    source = court_file(tmp_path / "t.txt", {2015: 1})
    done = run_cli("ingest", str(source), "--store", str(folder), "-q")
    assert done.returncode == 1, done.stderr
    assert "is not a crossings store and is not empty (it holds data)" in done.stderr
    assert "Traceback" not in done.stderr
    assert snapshot(folder) == before
    with pytest.raises(NotAStore):
        ingest(source, Store(folder))
    assert snapshot(folder) == before


def test_a_store_written_before_markers_gets_one_on_its_next_ingest(tmp_path):
    store = loaded_store(tmp_path)
    store.marker_path.unlink()  # as crossings wrote stores before markers existed
    ingest(court_file(tmp_path / "b.txt", {2017: 4}), store, release="2020-01-01")
    assert json.loads(store.marker_path.read_text())["crossings_store"] == 1
    assert sorted(e.release for e in store.entries("idb")) == ["2020-01-01", "2026-06-30"]
    assert by_year(store) == {2015: 3, 2016: 2}  # the latest release is still read


def test_an_empty_folder_becomes_a_store(tmp_path):
    (tmp_path / "empty").mkdir()
    ingest(court_file(tmp_path / "t.txt", {2015: 1}), Store(tmp_path / "empty"))
    assert (tmp_path / "empty" / "crossings-store.json").is_file()


@pytest.mark.parametrize("command", [["ingest", "{src}"], ["stats", "filings"]])
def test_store_naming_a_file_is_one_clear_line(tmp_path, command):
    source = court_file(tmp_path / "t.txt", {2015: 1})
    (tmp_path / "afile").write_text("not a store")
    args = [a.format(src=source) for a in command]
    done = run_cli(*args, "--store", str(tmp_path / "afile"))
    assert done.returncode == 1, done.stderr
    assert "is a file, not a folder" in done.stderr
    assert "Traceback" not in done.stderr
    assert (tmp_path / "afile").read_text() == "not a store"


def test_a_store_of_a_newer_format_is_not_written(tmp_path):
    store = loaded_store(tmp_path)
    store.marker_path.write_text('{"crossings_store": 99}')
    with pytest.raises(NotAStore, match="newer crossings"):
        ingest(court_file(tmp_path / "b.txt", {2017: 4}), store, release="b")
    assert [e.release for e in store.entries("idb")] == ["2026-06-30"]
