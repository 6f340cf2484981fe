"""A read-only store, a full disk, a query during a re-ingest: one clear line,
the right exit code, and the store as it was."""

from __future__ import annotations

import threading

import pytest
from helpers.mounts import fill, read_only_view, small_tmpfs
from helpers.stores import by_year, court_file, loaded_store, snapshot
from helpers.tools import run_cli

from crossings.errors import StoreWriteFailed
from crossings.ingest import ingest
from crossings.measures import measure
from crossings.sample.idb.generator import write_idb_sample
from crossings.store import Store

pytestmark = pytest.mark.adversarial


def test_a_read_only_store_refuses_an_ingest_and_stays_as_it_was(tmp_path):
    store = loaded_store(tmp_path)
    by_year(store)  # the derived tables are built while the store can be written
    source = court_file(tmp_path / "b.txt", {2017: 1})
    with read_only_view(store.root, tmp_path / "ro") as ro:
        before = snapshot(ro)
        done = run_cli("ingest", str(source), "--store", str(ro), "--release", "b", "-q")
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert f"{ro}/.lock: cannot write the store: the store is on a read-only file " \
               "system" in done.stderr
        with pytest.raises(StoreWriteFailed, match="read-only"):
            ingest(source, Store(ro), release="b")
        assert snapshot(ro) == before
        assert by_year(Store(ro)) == {2015: 3, 2016: 2}


def test_a_full_disk_during_an_ingest_leaves_the_store_as_it_was(tmp_path):
    big = write_idb_sample(tmp_path / "big.txt", rows=30_000, seed=3).path  # > 2 MB stored
    with small_tmpfs(tmp_path / "disk") as disk:
        store = Store(disk / "s")
        ingest(court_file(tmp_path / "a.txt", {2015: 3, 2016: 2}), store)
        before = snapshot(store.root)
        done = run_cli("ingest", str(big), "--store", str(store.root), "-q")
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert "cannot write the store: the disk is full" in done.stderr
        assert f"{store.root}/data/idb/.staging-" in done.stderr  # names the path
        assert snapshot(store.root) == before  # the staging folder went too
        assert by_year(Store(store.root)) == {2015: 3, 2016: 2}


def test_a_full_disk_at_the_manifest_write_leaves_the_store_as_it_was(tmp_path):
    with small_tmpfs(tmp_path / "disk") as disk:
        store = Store(disk / "s")
        ingest(court_file(tmp_path / "a.txt", {2015: 3, 2016: 2}), store)
        before = snapshot(store.root)
        # One page (tmpfs: 4 KB) for the release's own record, one for the journal;
        # the manifest (the first release's record and this one, over 4 KB) gets none.
        record = {"source": "idb", "release": "b", "files": [], "rows": {}, "pad": "x" * 3000}
        reserve = disk / "reserve"
        reserve.write_bytes(bytes(8192))
        with store.writing():
            staging = store.new_staging("idb")
            filler = fill(disk)
            reserve.unlink()
            with pytest.raises(StoreWriteFailed, match="the disk is full") as caught:
                store.commit(staging, record)
            store.discard(staging)
        assert caught.value.path == str(store.manifest_path)
        filler.unlink()
        assert store.manifest_path.read_bytes() == before["manifest.json"]
        after = snapshot(store.root)
        assert {k: v for k, v in after.items() if k != "journal.json"} == {
            k: v for k, v in before.items() if k != "journal.json"}
        assert by_year(Store(store.root)) == {2015: 3, 2016: 2}
        ingest(court_file(tmp_path / "b.txt", {2017: 1}), store, release="b")  # works on
        assert sorted(e.release for e in store.entries("idb")) == ["2026-06-30", "b"]


@pytest.mark.parametrize("how", ["force", "replace"])
def test_a_query_during_a_reingest_answers_from_the_old_or_the_new_release(tmp_path, how):
    # cases.md: a query while the release was re-ingested with --force: IOException
    # "No files found".
    store = loaded_store(tmp_path)  # 2015: 3, 2016: 2
    files = [tmp_path / "store-cr96on.txt"]
    if how == "replace":  # alternate with another file of the same release name
        files.append(court_file(tmp_path / "b.txt", {2015: 1}))
    answers, errors = [], []
    stop = threading.Event()

    def query():
        while not stop.is_set():
            try:
                answers.append(by_year(Store(store.root)))
            except Exception as exc:
                errors.append(exc)

    reader = threading.Thread(target=query)
    reader.start()
    try:
        options = {"force": True} if how == "force" else {"replace": True}
        n = 0
        while (len(answers) < 5 or n < 4) and n < 40 and not errors:
            n += 1
            ingest(files[n % len(files)], store, **options)
    finally:
        stop.set()
        reader.join()
    assert errors == []
    expected = [((2015, 3), (2016, 2)), ((2015, 1),)][:len(files)]
    assert len(answers) >= 5
    assert {tuple(sorted(a.items())) for a in answers} <= set(expected)


def test_a_held_release_outlives_its_replacement_until_released(tmp_path):
    store = loaded_store(tmp_path)
    with store.reading("idb") as (old,):
        ingest(court_file(tmp_path / "b.txt", {2015: 1}), store, replace=True)
        assert old.path.is_dir()  # a query still reads it
        assert store.entry("idb").path == old.path  # the held version, within the block
        assert measure("filings", store=store).to_pylist() == [{"defendants": 1}]
    assert old.path.is_dir()  # removed by the next ingest, once no query holds it
    ingest(court_file(tmp_path / "c.txt", {2017: 1}), store, release="c")
    assert not old.path.exists()
