"""The store is read-only to queries; derived tables are a cache outside it.

The cache lives in ``$CROSSINGS_CACHE`` (a fresh folder per test, conftest.py),
keyed by release, rules, rules version and engine; it is written atomically,
built once when two processes race, and rebuilt when damaged.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from helpers.measure_asks import ASKS, ask, ask_all, same, snapshot
from helpers.tools import run_cli

from crossings.measures import rules_version
from crossings.measures.cache import DiskCache, releases
from crossings.measures.reconcile import reconcile
from crossings.store import Entry, Store


def cache_files(suffix: str = ".parquet") -> list[Path]:
    return sorted(Path(os.environ["CROSSINGS_CACHE"]).rglob(f"*{suffix}"))


def test_a_query_leaves_every_file_in_the_store_as_it_was(both_sources):
    releases.clear()  # every derived table is built again, into this test's cache
    before = snapshot(both_sources.root)
    for source, name, options in ASKS:
        assert ask(both_sources, source, name, options), (source, name)
        assert snapshot(both_sources.root) == before, (source, name, options)
    assert reconcile(store=both_sources).to_pylist()
    assert snapshot(both_sources.root) == before, "reconcile"
    assert ask(both_sources, "idb", "filings", {"by": ["charge"]}, engine="polars")
    assert snapshot(both_sources.root) == before, "polars"
    assert cache_files(), "the derived tables went somewhere else than the cache"


@pytest.mark.adversarial
def test_a_store_on_read_only_media_answers_every_measure(both_sources, tmp_path):
    expected = ask_all(both_sources)
    mount = tmp_path / "read-only"
    mount.mkdir()
    subprocess.run(["mount", "--bind", str(both_sources.root), str(mount)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(mount)], check=True)
        with pytest.raises(OSError):
            (mount / "probe").write_text("a read-only mount refuses this")
        releases.clear()
        assert same(ask_all(Store(mount)), expected)
    finally:
        releases.clear()  # nothing may hold the mount's files open
        subprocess.run(["umount", str(mount)], check=True)


@pytest.mark.adversarial
def test_a_cache_that_cannot_be_written_still_answers(both_sources, monkeypatch):
    expected = ask(both_sources, *ASKS[0])
    monkeypatch.setenv("CROSSINGS_CACHE", os.devnull + "/cache")  # under a file: no folder
    releases.clear()
    assert ask(both_sources, *ASKS[0]) == expected
    assert same(ask(both_sources, *ASKS[-1]), ask(both_sources, *ASKS[-1]))


def stats(store: Store, *args: str):
    done = run_cli("stats", *args, "--store", str(store.root), "-f", "json")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout)["data"]


@pytest.mark.adversarial
def test_a_truncated_cache_file_is_rebuilt_not_a_traceback(both_sources):
    asks = (("filings", "--by", "fiscal_year,charge"), ("sentences", "--by", "fiscal_year"),
            ("filings", "--source", "lions", "--by", "charge"))
    first = [stats(both_sources, *a) for a in asks]
    damaged = cache_files()
    names = {p.name for p in damaged}
    assert {"facts.parquet", "charge_keys.parquet", "lions_charges.parquet"} <= names
    for path in damaged:
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert [stats(both_sources, *a) for a in asks] == first
    for path in damaged:
        assert pq.read_metadata(path).num_rows >= 0, f"{path} was not rebuilt"


def test_two_processes_building_the_same_entry_both_answer(both_sources):
    command = [sys.executable, "-m", "crossings", "stats", "speed", "--by", "fiscal_year",
               "--store", str(both_sources.root), "-f", "json"]
    racers = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True) for _ in range(2)]
    outputs = [racer.communicate(timeout=300) for racer in racers]
    assert [r.returncode for r in racers] == [0, 0], [err for _, err in outputs]
    assert json.loads(outputs[0][0])["data"] == json.loads(outputs[1][0])["data"]
    assert [p.name for p in cache_files() if p.name == "facts.parquet"] == ["facts.parquet"]
    assert cache_files(".tmp") == [], "a temporary file was left behind"


def entry(path: str = "data/idb/x-1", sha: str = "a" * 64) -> Entry:
    return Entry(Store("/nowhere"), {"source": "idb", "release": "x", "path": path,
                                     "files": [{"name": "f", "sha256": sha}]})


def test_the_cache_key_changes_with_release_rules_version_and_engine():
    base = DiskCache.of(entry(), "r" * 64, "1", "duckdb").folder
    assert DiskCache.of(entry(), "r" * 64, "1", "duckdb").folder == base
    changed = [DiskCache.of(entry(path="data/idb/x-2"), "r" * 64, "1", "duckdb"),
               DiskCache.of(entry(sha="b" * 64), "r" * 64, "1", "duckdb"),
               DiskCache.of(entry(), "s" * 64, "1", "duckdb"),
               DiskCache.of(entry(), "r" * 64, "2", "duckdb"),
               DiskCache.of(entry(), "r" * 64, "1", "polars")]
    assert len({c.folder for c in changed} | {base}) == 6
    assert all(Path(os.environ["CROSSINGS_CACHE"]) in c.folder.parents for c in changed)


def test_a_stale_entry_is_not_read_after_the_rules_version_changes(both_sources,
                                                                   monkeypatch):
    releases.clear()
    expected = ask(both_sources, *ASKS[0])
    folders = {p.parent for p in cache_files()}
    # Plant a wrong table where the old version's facts are: never read again.
    for path in cache_files():
        if path.name == "facts.parquet":
            pq.write_table(pq.read_table(path).slice(0, 1), path)
    monkeypatch.setattr(rules_version, "RULES_VERSION", "9999.1.1")
    releases.clear()
    assert ask(both_sources, *ASKS[0]) == expected
    assert {p.parent for p in cache_files()} > folders
    releases.clear()


@pytest.mark.adversarial
def test_a_cache_file_damaged_inside_is_rebuilt(both_sources):
    first = stats(both_sources, "filings", "--by", "fiscal_year,charge")
    facts = [p for p in cache_files() if p.name == "facts.parquet"]
    assert facts
    for path in facts:
        data = bytearray(path.read_bytes())
        # The footer (at the end) still reads; the column chunks before it do not.
        data[4: len(data) // 2] = b"\xff" * (len(data) // 2 - 4)
        path.write_bytes(bytes(data))
    assert stats(both_sources, "filings", "--by", "fiscal_year,charge") == first
    for path in facts:
        assert pq.read_table(path).num_rows > 0, f"{path} was not rebuilt"
