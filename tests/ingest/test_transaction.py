"""The store transaction both ingests share: a release name loaded from other
files is refused unless replaced, and the summary names what was replaced."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from helpers.lions_fixture import write_release
from helpers.stores import by_year, court_file
from helpers.tools import run_cli

from crossings.errors import ReleaseConflict
from crossings.ingest import ingest
from crossings.store import Store

pytestmark = pytest.mark.adversarial


def test_a_file_of_the_same_data_date_does_not_silently_replace_a_release(tmp_path):
    # cases.md: a 2,000-row file with the data date of a 20,000-row release replaced it.
    store = Store(tmp_path / "s")
    big = ingest(court_file(tmp_path / "a.txt", {2015: 5}), store)
    small = court_file(tmp_path / "b.txt", {2015: 2})  # same LOADDATE: same release name
    with pytest.raises(ReleaseConflict, match="already loaded from other files: a.txt") as e:
        ingest(small, store)
    assert "--replace" in e.value.hint
    assert by_year(store) == {2015: 5}
    done = ingest(small, store, replace=True)
    assert done.status == "ingested" and by_year(store) == {2015: 2}
    replaced = done.record["replaced"]
    assert replaced["release"] == "2026-06-30" and replaced["same_files"] is False
    assert replaced["files"] == [{"name": "a.txt", "sha256": big.record["files"][0]["sha256"]}]
    assert replaced["rows"]["stored"] == 5
    assert big.record["path"] not in {e.record["path"] for e in store.entries()}


def test_force_still_reloads_the_same_file(tmp_path):
    store = Store(tmp_path / "s")
    source = court_file(tmp_path / "a.txt", {2015: 5})
    first = ingest(source, store)
    assert ingest(source, store).status == "unchanged"
    again = ingest(source, store, force=True)
    assert again.status == "ingested" and again.record["path"] != first.record["path"]
    assert again.record["replaced"]["same_files"] is True
    assert [e.release for e in store.entries()] == ["2026-06-30"]


def test_the_cli_refuses_then_replaces_and_says_what_it_replaced(tmp_path):
    store = str(tmp_path / "s")
    a = court_file(tmp_path / "a.txt", {2015: 5})
    b = court_file(tmp_path / "b.txt", {2015: 2})
    assert run_cli("ingest", str(a), "--store", store, "-q").returncode == 0
    refused = run_cli("ingest", str(b), "--store", store, "-q")
    assert refused.returncode == 1 and refused.stdout == ""
    assert "idb release 2026-06-30 is already loaded from other files: a.txt" in refused.stderr
    assert "pass --replace" in refused.stderr and "Traceback" not in refused.stderr
    done = run_cli("ingest", str(b), "--store", store, "--replace", "--format", "csv")
    assert done.returncode == 0, done.stderr
    (line,) = [r for r in done.stdout.splitlines() if r.startswith("replaced,")]
    assert "release 2026-06-30 from other files: a.txt (sha256 " in line
    assert "5 rows stored" in line


CASE = {"DISTRICT": "TXS", "ID": "2017R00001", "CLASS": "R", "RECVD_DATE": dt.date(2017, 10, 2),
        "TYPE": "1", "STATUS": "C", "LEAD_CHARGE": "08 :1326"}
DEFENDANT = {"DISTRICT": "TXS", "CASEID": "2017R00001", "ID": 11, "TYPE": "I", "ROLE": "D",
             "COUNTRY": "MX", "DEFEND_NUM": 1}


def test_a_lions_name_read_from_a_stray_log_does_not_replace_that_release(tmp_path):
    # cases.md: a stray MARFY2025 log beside the JUNFY2025 zips stored June as MARFY2025.
    store = Store(tmp_path / "s")
    march = write_release(tmp_path / "mar", {"GS_CASE": [CASE], "GS_PARTICIPANT": [DEFENDANT]},
                          release="MARFY2025", log="combined")
    ingest(march, store, source="lions")
    second = {**CASE, "ID": "2017R00002"}
    june = write_release(tmp_path / "jun", {"GS_CASE": [CASE, second],
                                            "GS_PARTICIPANT": [DEFENDANT]},
                         release="JUNFY2025", log="inside")
    shutil.copy(march / "MARFY2025_README_REPORTS_LOGS.txt", june)
    with pytest.raises(ReleaseConflict, match="lions release MARFY2025 is already loaded") as e:
        ingest(june, store, source="lions")
    assert "read from the release's log or readme" in e.value.hint
    (entry,) = store.entries("lions")
    assert entry.record["rows"]["stored"] == 2  # March's case and defendant, untouched
    done = ingest(june, store, source="lions", release="JUNFY2025")
    assert sorted(e.release for e in store.entries("lions")) == ["JUNFY2025", "MARFY2025"]
    assert "replaced" not in done.record


def test_the_manifest_records_what_was_replaced(tmp_path):
    store = Store(tmp_path / "s")
    ingest(court_file(tmp_path / "a.txt", {2015: 5}), store)
    ingest(court_file(tmp_path / "b.txt", {2015: 2}), store, replace=True)
    (entry,) = json.loads(store.manifest_path.read_text())["entries"]
    assert entry["replaced"]["files"][0]["name"] == "a.txt"
