"""``crossings store repair`` and ``crossings verify``: data on stdout, messages on
stderr, exit 1 when something is damaged."""

from __future__ import annotations

import json

import pytest
from helpers.stores import court_file, loaded_store
from helpers.tools import run_cli


def _part(store, year: int):
    return store.entry("idb", check=False).path / "defendants" / f"fy{year}" / "part-0.parquet"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_cli_store_repair(tmp_path, fmt):
    store = loaded_store(tmp_path)
    store.manifest_path.write_bytes(b"")
    done = run_cli("store", "repair", "--store", str(store.root), "--format", fmt)
    assert done.returncode == 0, done.stderr
    # manifest.json.1 is the empty manifest of the new store; the release has its record.
    assert "restored manifest.json.1 (0 release(s))" in done.stderr  # messages on stderr
    assert "took idb release 2026-06-30 from data/idb/2026-06-30-" in done.stderr
    if fmt == "json":
        payload = json.loads(done.stdout)  # data on stdout
        assert payload["status"] == "repaired"
        assert [r["release"] for r in payload["releases"]] == ["2026-06-30"]
    else:
        lines = done.stdout.splitlines()
        assert lines[0] == "source,release,path,taken_from"
        assert lines[1].startswith("idb,2026-06-30,data/idb/2026-06-30-")
        assert lines[1].endswith("/release.json") and len(lines) == 2
    assert run_cli("stats", "filings", "--store", str(store.root)).returncode == 0


def test_verify_deep_finds_a_file_changed_in_place(tmp_path):
    store = loaded_store(tmp_path)
    path = _part(store, 2015)
    data = bytearray(path.read_bytes())
    data[64] ^= 0xFF  # in the first data page: same size, same footer
    path.write_bytes(bytes(data))
    quick = run_cli("verify", "--store", str(store.root), "--format", "json")
    assert quick.returncode == 0, quick.stderr
    assert [r["status"] for r in json.loads(quick.stdout)["releases"]] == ["ok"]
    deep = run_cli("verify", "--deep", "--store", str(store.root), "--format", "csv")
    assert deep.returncode == 1
    assert "fy2015/part-0.parquet,its SHA-256 differs" in deep.stdout
    assert "1 problem(s) found" in deep.stderr and "Traceback" not in deep.stderr


def test_verify_of_a_sound_store(tmp_path):
    store = loaded_store(tmp_path)
    done = run_cli("verify", "--deep", "--store", str(store.root), "--format", "json")
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)["releases"]
    assert (row["status"], row["detail"]) == ("ok", "3 files: sizes, row counts and SHA-256 "
                                                    "as recorded")


def test_repair_of_a_folder_that_is_not_a_store_touches_nothing(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    done = run_cli("store", "repair", "--store", str(tmp_path / "mine"))
    assert done.returncode == 1 and "is not a crossings store" in done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in (tmp_path / "mine").iterdir()) == ["notes.txt"]


def test_an_unchanged_load_does_not_claim_to_replace_anything(tmp_path):
    store = str(tmp_path / "s")
    a, b = court_file(tmp_path / "a.txt", {2015: 5}), court_file(tmp_path / "b.txt", {2015: 2})
    run_cli("ingest", str(a), "--store", store, "-q")
    assert run_cli("ingest", str(b), "--store", store, "--replace", "-q").returncode == 0
    again = run_cli("ingest", str(b), "--store", store, "--format", "csv")
    assert again.returncode == 0 and "status,unchanged" in again.stdout
    assert "replaced," not in again.stdout
