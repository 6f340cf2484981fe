"""Each release is checked against what its ingest recorded before it is read,
and ``crossings verify [--deep]`` checks everything."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers.stores import by_year, court_file, loaded_store
from helpers.tools import run_cli

from crossings.errors import DamagedStore
from crossings.ingest import ingest
from crossings.measures import measure
from crossings.store import Store, contents
from crossings.store.maintenance import verify

pytestmark = pytest.mark.adversarial


def _part(store: Store, year: int):
    return store.entry("idb", check=False).path / "defendants" / f"fy{year}" / "part-0.parquet"


def test_the_record_lists_each_file_with_its_rows(tmp_path):
    store = loaded_store(tmp_path)  # 2015: 3, 2016: 2
    files = {f["file"]: f for f in store.entry("idb").record["stored_files"]}
    assert sorted(files) == ["defendants/fy2015/part-0.parquet",
                             "defendants/fy2016/part-0.parquet", "quarantine.csv"]
    assert files["defendants/fy2015/part-0.parquet"]["rows"] == 3
    assert files["defendants/fy2016/part-0.parquet"]["rows"] == 2
    assert files["defendants/fy2016/part-0.parquet"]["partition"] == "fy2016"
    for f in files.values():
        path = store.entry("idb").path / f["file"]
        assert f["bytes"] == path.stat().st_size and len(f["sha256"]) == 64
    release_json = json.loads((store.entry("idb").path / "release.json").read_text())
    assert release_json == store.entry("idb").record


def _delete_partition(store):
    shutil.rmtree(_part(store, 2016).parent)


def _copy_part(store):
    shutil.copy(_part(store, 2015), _part(store, 2015).with_name("part-1.parquet"))


def _truncate(store):
    path = _part(store, 2016)
    path.write_bytes(path.read_bytes()[:-100])


@pytest.mark.parametrize(("damage", "file", "says"), [
    (_delete_partition, "fy2016/part-0.parquet", "missing"),  # the year vanished
    (_copy_part, "fy2015/part-1.parquet", "did not write"),  # 3 became 6
    (_truncate, "fy2016/part-0.parquet", "truncated"),
])
def test_a_damaged_release_is_an_error_naming_the_file(tmp_path, damage, file, says):
    store = loaded_store(tmp_path)
    damage(store)
    with pytest.raises(DamagedStore, match=says) as caught:
        by_year(Store(store.root))
    assert caught.value.path.endswith(file)
    done = run_cli("stats", "filings", "--by", "fiscal_year", "--store", str(store.root))
    assert done.returncode == 1 and done.stdout == ""
    assert file in done.stderr and "Traceback" not in done.stderr
    report = verify(store)
    assert [(r["status"], r["file"].endswith(file)) for r in report.rows] == [("damaged", True)]


def test_a_truncated_file_is_caught_even_with_a_warm_cache(tmp_path):
    # cases.md: truncated Parquet file with a warm cache gave the old numbers.
    store = loaded_store(tmp_path)
    assert by_year(store) == {2015: 3, 2016: 2}  # builds the derived cache
    _truncate(store)
    done = run_cli("stats", "filings", "--store", str(store.root))
    assert done.returncode == 1 and "fy2016/part-0.parquet" in done.stderr


def test_the_check_runs_once_per_manifest_version(tmp_path, monkeypatch):
    store = loaded_store(tmp_path)
    calls = []
    real = contents.problems
    monkeypatch.setattr(contents, "problems",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        by_year(store)
    assert len(calls) == 1
    ingest(court_file(tmp_path / "b.txt", {2017: 1}), store, release="2020-01-01")
    by_year(store)
    assert len(calls) == 2  # the manifest changed: checked again


def test_a_store_written_before_the_record_still_opens(tmp_path):
    store = loaded_store(tmp_path)
    manifest = json.loads(store.manifest_path.read_text())
    del manifest["entries"][0]["stored_files"]
    store.manifest_path.write_text(json.dumps(manifest))
    assert by_year(store) == {2015: 3, 2016: 2}
    (row,) = verify(store).rows
    assert row["status"] == "unchecked" and "cannot be checked" in row["detail"]
    _truncate(store)  # what can be checked still is: the footer is gone
    done = run_cli("stats", "filings", "--store", str(store.root))  # a new process
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "fy2016/part-0.parquet: idb release 2026-06-30 is damaged: not a readable " \
           "Parquet file" in done.stderr


def test_a_lions_release_is_recorded_and_checked_too(tmp_path):
    import datetime as dt

    from helpers.lions_fixture import write_release

    case = {"DISTRICT": "TXS", "ID": "2017R00001", "CLASS": "R",
            "RECVD_DATE": dt.date(2017, 10, 2), "TYPE": "1", "STATUS": "C"}
    store = Store(tmp_path / "s")
    ingest(write_release(tmp_path / "r", {"GS_CASE": [case]}), store, source="lions")
    entry = store.entry("lions", check=False)  # this process has not checked it yet
    cases = [f for f in entry.record["stored_files"] if f.get("table") == "cases"]
    assert [(f["partition"], f["rows"]) for f in cases] == [("TXS", 1)]
    assert [r["status"] for r in verify(store).rows] == ["ok"]
    (entry.path / "cases" / "TXS" / "part-0.parquet").unlink()
    with pytest.raises(DamagedStore, match="missing") as caught:
        measure("filings", source="lions", store=Store(store.root))
    assert caught.value.path.endswith("cases/TXS/part-0.parquet")
