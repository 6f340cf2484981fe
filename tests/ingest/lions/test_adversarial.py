"""The LIONS reader under attack (issue 11, item 3): a table whose every record
fails while the log's count agrees, and a damaged member of a table not loaded."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import zipfile

import pytest
from helpers.lions_fixture import write_release
from helpers.tools import REPO

from crossings.errors import UnknownLayout
from crossings.ingest import ingest
from crossings.store import Store

pytestmark = pytest.mark.adversarial

CASE = {"DISTRICT": "TXS", "ID": "2017R00001", "CLASS": "R", "RECVD_DATE": dt.date(2017, 10, 2),
        "TYPE": "1", "STATUS": "C", "LEAD_CHARGE": "08 :1326", "CLOSE_DATE": "05-MAR-2018"}
DEFENDANT = {"DISTRICT": "TXS", "CASEID": "2017R00001", "ID": 11, "TYPE": "I", "ROLE": "D",
             "COUNTRY": "MX", "DEFEND_NUM": 1}
AGENT = {"DISTRICT": "TXS", "CASEID": "2017R00001", "PARTID": 11, "ID": 1,
         "TITLE": "UNMISTAKABLE AGENT TITLE"}


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "store")


def test_records_ending_cr_cr_lf_are_an_error_not_an_empty_table(tmp_path, store):
    # Every record is one byte too long; the log counts lines, so it agrees.
    release = write_release(tmp_path / "r", {"GS_CASE": [CASE, CASE],
                                             "GS_PARTICIPANT": [DEFENDANT]}, newline="\r\r\n")
    with pytest.raises(UnknownLayout) as err:
        ingest(release, store, source="lions")
    message = str(err.value)
    assert "DISK01.zip:gs_case.txt" in message
    assert "every one of the 2 records of GS_CASE failed its checks (record_length 2)" in message
    assert "line endings" in err.value.hint
    assert store.entries("lions") == []


def test_a_table_whose_records_all_fail_is_an_error(tmp_path, store):
    short = "TXS       2017R00002"  # far shorter than a GS_CASE record
    release = write_release(tmp_path / "r", {"GS_CASE": [short, short],
                                             "GS_PARTICIPANT": [DEFENDANT]})
    with pytest.raises(UnknownLayout, match="every one of the 2 records of GS_CASE"):
        ingest(release, store, source="lions")


def test_one_good_record_is_enough_to_load(tmp_path, store):
    short = "TXS       2017R00002"
    release = write_release(tmp_path / "r", {"GS_CASE": [CASE, short],
                                             "GS_PARTICIPANT": [DEFENDANT]})
    report = ingest(release, store, source="lions")
    assert report.record["tables"]["cases"]["rows"]["quarantined"] == 1


def test_damaged_member_of_a_table_not_loaded_is_listed(tmp_path, store):
    release = write_release(tmp_path / "r", {"GS_CASE": [CASE], "GS_PARTICIPANT": [DEFENDANT],
                                             "GS_AGENT": [AGENT]},
                            compression=zipfile.ZIP_STORED)
    [disk] = [p for p in release.glob("DISK*.zip")
              if "gs_agent.txt" in zipfile.ZipFile(p).namelist()]
    data = bytearray(disk.read_bytes())
    data[data.index(b"UNMISTAKABLE")] = ord("X")  # inside gs_agent.txt, stored as is
    disk.write_bytes(bytes(data))
    report = ingest(release, store, source="lions")
    assert report.record["rows"]["stored"] == 2
    [skipped] = [s for s in report.record["skipped"] if "gs_agent" in s["path"]]
    assert skipped["path"] == f"{disk.name}:gs_agent.txt"
    assert skipped["reason"].startswith("table GS_AGENT not loaded, and its member is damaged")
    assert "CRC" in skipped["reason"]
    assert any("gs_agent.txt (table GS_AGENT, not loaded) is damaged" in w
               for w in report.record["warnings"])


def test_intact_members_of_tables_not_loaded_are_not_listed(tmp_path, store):
    release = write_release(tmp_path / "r", {"GS_CASE": [CASE], "GS_PARTICIPANT": [DEFENDANT],
                                             "GS_AGENT": [AGENT]})
    report = ingest(release, store, source="lions")
    assert not [s for s in report.record["skipped"] if "gs_agent" in s["path"]]
    assert [t["table"] for t in report.record["not_loaded"]] == ["GS_AGENT"]


MEMORY_PROBE = """
import resource, sys
from crossings.errors import CrossingsError
from crossings.ingest import ingest
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    ingest(sys.argv[1], sys.argv[2], source="lions")
except CrossingsError as exc:
    print(type(exc).__name__, exc.describe().splitlines()[0])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def test_table_member_without_newline_stops_with_memory_bounded(tmp_path):
    release = write_release(tmp_path / "r", {"GS_CASE": [CASE], "GS_PARTICIPANT": [DEFENDANT]})
    [disk] = [p for p in release.glob("DISK*.zip")
              if "gs_case.txt" in zipfile.ZipFile(p).namelist()]
    rebuilt = tmp_path / "rebuilt.zip"
    with zipfile.ZipFile(disk) as old, zipfile.ZipFile(rebuilt, "w",
                                                       zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != "gs_case.txt":
                new.writestr(info, old.read(info))
                continue
            with new.open("gs_case.txt", "w", force_zip64=True) as member:
                for _ in range(300):  # 300 MB, not one newline
                    member.write(b"x" * (1 << 20))
    rebuilt.replace(disk)
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(release),
                           str(tmp_path / "store")], capture_output=True, text=True,
                          timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr
    error, growth_kb = done.stdout.strip().splitlines()
    assert error.startswith(f"UnsupportedSource {disk.name}:gs_case.txt: line 1 runs past")
    assert int(growth_kb) < 160 << 10
