"""A missing or damaged manifest is a clear error, never a reason to delete;
earlier generations are kept, and ``store repair`` restores one."""

from __future__ import annotations

import pytest
from helpers.stores import by_year, court_file, loaded_store, snapshot
from helpers.tools import run_cli

from crossings.errors import ManifestDamaged, StoreError
from crossings.ingest import ingest
from crossings.store import Store
from crossings.store.maintenance import repair

DAMAGE = {
    "missing": None,
    "empty": b"",
    "truncated": b'{"format": 1, "entries": [{"source": "idb", "rel',
    "a list": b"[]",
    "an entry without a path": b'{"format": 1, "entries": [{"source": "idb", '
                               b'"release": "x", "files": []}]}',
    "not utf-8": b"\xff\xfe{",
}


def _damage(store: Store, how: str) -> None:
    if DAMAGE[how] is None:
        store.manifest_path.unlink()
    else:
        store.manifest_path.write_bytes(DAMAGE[how])


@pytest.mark.parametrize("how", list(DAMAGE))
def test_a_damaged_manifest_stops_every_command_and_deletes_nothing(tmp_path, how):
    # cases.md: manifest.json lost, then any ingest deleted every release folder;
    # truncated, empty or odd: JSONDecodeError / KeyError / TypeError tracebacks.
    store = loaded_store(tmp_path)
    _damage(store, how)
    data = snapshot(store.root / "data")
    with pytest.raises(ManifestDamaged, match="store repair"):
        ingest(court_file(tmp_path / "x.txt", {2017: 1}), store, release="x")
    for args in (["ingest", str(tmp_path / "x.txt"), "--release", "x"], ["stats", "filings"]):
        done = run_cli(*args, "--store", str(store.root), "-q")
        assert done.returncode == 1, done.stderr
        assert "manifest.json" in done.stderr and "crossings store repair" in done.stderr
        assert "Traceback" not in done.stderr
    assert snapshot(store.root / "data") == data


def test_earlier_manifests_are_kept_five_deep(tmp_path):
    store = loaded_store(tmp_path)
    seen = [store.manifest_path.read_bytes()]
    for n in range(6):
        ingest(court_file(tmp_path / f"{n}.txt", {2017: n + 1}), store, release=f"r{n}")
        seen.append(store.manifest_path.read_bytes())
    # seen[-1] is current; manifest.json.1 is the one it replaced, and so on.
    for n in range(1, 6):
        assert (store.root / f"manifest.json.{n}").read_bytes() == seen[-1 - n]
    assert not (store.root / "manifest.json.6").exists()


def test_repair_restores_the_newest_readable_generation_and_adds_newer_releases(tmp_path):
    store = loaded_store(tmp_path)  # release 2026-06-30: 2015: 3, 2016: 2
    ingest(court_file(tmp_path / "b.txt", {2017: 4}), store, release="2020-01-01")
    store.manifest_path.write_bytes(b'{"format": 1, "entr')  # truncated
    report = repair(store)
    assert report.status == "repaired"
    # manifest.json.1 knew only the first release; the second is taken from its own record.
    taken = {e["release"]: e["taken_from"] for e in report.entries}
    assert taken["2026-06-30"] == "manifest.json.1"
    assert taken["2020-01-01"].endswith("/release.json")
    assert any("kept the damaged manifest" in a for a in report.actions)
    assert by_year(store) == {2015: 3, 2016: 2}
    assert sorted(e.release for e in store.entries("idb")) == ["2020-01-01", "2026-06-30"]
    damaged = list(store.root.glob("manifest.json.damaged-*"))
    assert [p.read_bytes() for p in damaged] == [b'{"format": 1, "entr']


def test_repair_skips_generations_naming_folders_that_are_gone(tmp_path):
    store = loaded_store(tmp_path)
    ingest(court_file(tmp_path / "b.txt", {2015: 1}), store, replace=True)  # same name
    store.manifest_path.unlink()
    report = repair(store)
    # manifest.json.1 names the replaced folder, removed since: skipped.
    assert any(a.startswith("skipped manifest.json.1") for a in report.actions)
    assert by_year(store) == {2015: 1}


def test_repair_rebuilds_from_the_release_records_alone(tmp_path):
    store = loaded_store(tmp_path)
    for p in store.root.glob("manifest.json*"):
        p.unlink()
    report = repair(store)
    assert [(e["release"], e["taken_from"].endswith("release.json"))
            for e in report.entries] == [("2026-06-30", True)]
    assert by_year(store) == {2015: 3, 2016: 2}


def test_repair_of_a_sound_store_changes_nothing(tmp_path):
    store = loaded_store(tmp_path)
    before = snapshot(store.root)
    assert repair(store).status == "nothing to repair"
    assert snapshot(store.root) == before


def test_repair_with_nothing_to_go_on_says_so(tmp_path):
    store = loaded_store(tmp_path)
    for p in [*store.root.glob("manifest.json*"), *store.root.glob("data/*/*/release.json")]:
        p.unlink()
    with pytest.raises(StoreError, match="cannot repair"):
        repair(store)
