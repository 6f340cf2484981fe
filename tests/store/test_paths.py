"""Every path the store acts on must lie inside it."""

from __future__ import annotations

import json

import pytest
from helpers.stores import court_file, loaded_store, snapshot
from helpers.tools import run_cli

from crossings.errors import UnsafePath
from crossings.ingest import ingest
from crossings.measures import measure


def _point_entry_at(store, relative: str) -> None:
    manifest = json.loads(store.manifest_path.read_text())
    manifest["entries"][0]["path"] = relative
    store.manifest_path.write_text(json.dumps(manifest))


@pytest.mark.parametrize("relative", ["../victim", "data/idb/../../../victim", "data/idb",
                                      "data/lions/x", "/tmp"])
def test_a_manifest_path_outside_the_store_is_refused(tmp_path, relative):
    # cases.md: a manifest path edited to ../victim, and the next ingest deleted ../victim.
    store = loaded_store(tmp_path)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("mine")
    _point_entry_at(store, relative)
    data = snapshot(store.root / "data")
    source = court_file(tmp_path / "same-name.txt", {2015: 1})
    for replace in (False, True):
        with pytest.raises(UnsafePath, match="outside"):
            ingest(source, store, replace=replace, force=True)
    with pytest.raises(UnsafePath):
        measure("filings", store=store)
    done = run_cli("ingest", str(source), "--store", str(store.root), "--replace", "-q")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert (victim / "precious.txt").read_text() == "mine"
    assert snapshot(store.root / "data") == data


def test_a_journal_path_outside_the_store_is_refused(tmp_path):
    store = loaded_store(tmp_path)
    victim = tmp_path / "victim"
    victim.mkdir()
    (store.root / "journal.json").write_text(json.dumps(
        {"format": 1, "staging": [{"path": "../victim", "source": "idb"}], "retired": []}))
    with pytest.raises(UnsafePath, match="journal.json"):
        ingest(court_file(tmp_path / "b.txt", {2017: 1}), store, release="b")
    assert victim.is_dir()


def test_a_release_folder_linked_outside_the_store_is_refused(tmp_path):
    store = loaded_store(tmp_path)
    entry = store.entry("idb")
    outside = tmp_path / "outside"
    entry.path.rename(outside)
    entry.path.symlink_to(outside)
    with pytest.raises(UnsafePath):
        ingest(court_file(tmp_path / "b.txt", {2015: 1}), store, replace=True)
    assert (outside / "release.json").is_file()


def _strings(value):
    """Every string inside a parsed JSON value."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_the_manifest_names_no_absolute_path_so_a_store_opens_wherever_mounted(tmp_path):
    # A cluster mounts the store at another path than the machine that wrote it.
    (tmp_path / "here").mkdir()
    store = loaded_store(tmp_path / "here")
    for name in ("manifest.json", "journal.json", "crossings-store.json"):
        text = (store.root / name).read_text()
        assert str(tmp_path) not in text, name
        assert not [s for s in _strings(json.loads(text)) if s.startswith("/")], name
    moved = tmp_path / "elsewhere" / "mounted"
    moved.parent.mkdir()
    store.root.rename(moved)
    rows = measure("filings", by=["fiscal_year"], store=str(moved)).to_pylist()
    assert {r["fiscal_year"]: r["defendants"] for r in rows} == {2015: 3, 2016: 2}
