"""Ingest of a LIONS release: readme layouts, the log check, decoding, the store."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
import zipfile
from pathlib import Path

import duckdb
import pytest
from helpers.lions_fixture import record, write_release
from helpers.tools import FIXTURES, run_cli

from crossings import settings
from crossings.codebook import lions as codebook
from crossings.codebook.tables import data_path
from crossings.errors import CorruptArchive, EmptySource, UnknownLayout, UnsupportedSource
from crossings.ingest import ingest
from crossings.ingest.lions.log import parse_log
from crossings.ingest.lions.readme import check_layout, parse_listing, parse_readme
from crossings.ingest.lions.records import record_blocks
from crossings.ingest.quarantine import read_quarantine
from crossings.store import Store

#: DOJ's own readme and logs of the September FY2018 release, as text (a copy of
#: the reference folder's file, kept with the tests so they run anywhere).
REFERENCE_TEXT = FIXTURES / "lions" / (
    "sepfy2018-readme-reports-logs.txt")
CASE = {"DISTRICT": "TXS", "ID": "2017R00001", "CLASS": "R", "RECVD_DATE": dt.date(2017, 10, 2),
        "TYPE": "1", "STATUS": "C", "LEAD_CHARGE": "08 :1326", "CLOSE_DATE": "05-MAR-2018"}
DEFENDANT = {"DISTRICT": "TXS", "CASEID": "2017R00001", "ID": 11, "TYPE": "I", "ROLE": "D",
             "COUNTRY": "MX", "DEFEND_NUM": 1}


def reference_text() -> str:
    return REFERENCE_TEXT.read_text(encoding="latin-1")


def rows(store: Store, table: str, columns: str = "*", where: str = "true") -> list[dict]:
    entry = store.entry("lions")
    rel = duckdb.sql(f"select {columns} from read_parquet('{entry.table_glob(table)}') "
                     f"where {where} order by source_file, source_line")
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "store")


def small_release(tmp_path: Path, **options) -> Path:
    return write_release(tmp_path / "release", {"GS_CASE": [CASE],
                                                "GS_PARTICIPANT": [DEFENDANT]}, **options)


# --- the readme ----------------------------------------------------------------------
def test_reference_readme_gives_every_layout_of_the_fy2018_table():
    layouts = parse_readme(reference_text(), "reference")
    expected: dict[str, list] = {}
    with open(data_path("lions", "layout-fy2018.csv"), newline="") as f:
        for r in csv.DictReader(f):
            expected.setdefault(r["table"], []).append(
                (r["column"], r["nullable"] == "Y", r["type"], int(r["start"]), int(r["end"]),
                 int(r["record_length"])))
    assert set(layouts) == set(expected) and len(layouts) == 44
    for table, cols in expected.items():
        got = [(c.name, c.nullable, c.type, c.start, c.end, layouts[table].record_length)
               for c in layouts[table].columns]
        assert got == cols, table


def test_reference_listing_gives_file_sizes():
    sizes = parse_listing(reference_text())
    assert sizes["gs_case.txt"] == 2_217_320_048
    assert sizes["gs_participant_AK.txt"] == 43_368_920
    assert sum(1 for name in sizes if name.startswith("gs_participant_")) == 93


def test_any_whitespace_between_readme_columns():
    text = reference_text()
    odd = re.sub(r"(?m)^(\S+) {2,}", "\\1\t", text)  # a tab after the name
    odd = re.sub(r" {2,}\(", " \t (", odd)  # tabs and spaces before the position
    odd = re.sub(r"\((\d+):(\d+)\)", "( \\1 : \\2 )", odd)
    odd = odd.replace("\n", "\r\n")
    assert parse_readme(odd, "odd") == parse_readme(text, "reference")


def test_a_layout_that_does_not_add_up_is_refused():
    text = "GS_CASE - 14 Characters\nDISTRICT NOT NULL VARCHAR2(3) (1:3)\nID VARCHAR2(10) (5:14)\n"
    with pytest.raises(UnknownLayout, match="GS_CASE: column ID starts at 5, expected 4"):
        parse_readme(text, "README.TXT")
    wide = "GS_CASE - 13 Characters\nDISTRICT NOT NULL VARCHAR2(3) (1:3)\nID NUMBER(9) (4:13)\n"
    with pytest.raises(UnknownLayout, match="column ID is 10 wide, but NUMBER\\(9\\) is 9"):
        parse_readme(wide, "README.TXT")
    short = "GS_CASE - 20 Characters\nDISTRICT VARCHAR2(3) (1:3)\nRECVD_DATE DATE (4:14)\n"
    with pytest.raises(UnknownLayout, match="ends at 14, but the record is 20"):
        parse_readme(short, "README.TXT")


def test_widths_follow_the_types():
    text = ("GS_X - 50 Characters\nA VARCHAR2(2) (1:2)\nB NUMBER(12,2) (3:16)\nC DATE (17:27)\n"
            "D FLOAT(*) (28:37)\nE NUMBER (38:47)\nF NUMBER(3) (48:50)\n")
    layout = parse_readme(text, "README.TXT")["GS_X"]
    check_layout(layout, "README.TXT")
    assert [c.width for c in layout.columns] == [2, 14, 11, 10, 10, 3]


def test_a_table_printed_twice_must_agree():
    block = "GS_X - 3 Characters\nA VARCHAR2(3) (1:3)\n"
    assert len(parse_readme(block + "\n" + block, "README.TXT")) == 1
    other = "GS_X - 3 Characters\nA NUMBER(3) (1:3)\n"
    with pytest.raises(UnknownLayout, match="GS_X is printed twice"):
        parse_readme(block + other, "README.TXT")


# --- the log -----------------------------------------------------------------------------
def test_reference_log_counts():
    counts = parse_log(reference_text())
    participants = counts["GS_PARTICIPANT"]
    assert participants.total == 16_050_666
    assert len(participants.files) == 93
    assert participants.files["GS_PARTICIPANT_AK"] == 37_387
    assert participants.files["GS_PARTICIPANT_TXS"] == 1_119_570
    assert sum(participants.files.values()) == 16_050_666
    assert counts["GS_CASE"].total == 6_041_744 and counts["GS_CASE"].deleted == -19_699
    assert counts["GS_PART_COUNT"].total == 10_126_173
    assert len(counts) == 44


# --- release names --------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "normal", "month"), [
    ("SEPFY2018", "SEPFY2018", (2018, 9)), ("JUNFY2025_README_REPORTS_LOGS.txt", "JUNFY2025",
                                           (2025, 6)),
    ("JAN FY2025_README_REPORTS_LOGS.txt", "JANFY2025", (2025, 1)),
    ("OCTFY2025", "OCTFY2025", (2024, 10)), ("decfy2020.txt", "DECFY2020", (2019, 12))])
def test_release_names(name, normal, month):
    assert codebook.normalise_release(name) == normal
    assert codebook.release_month(name) == month


def test_nothing_personal_is_kept():
    kept = {c.name for t in codebook.KEPT.values() for c in t.columns}
    assert not kept & codebook.PERSONAL
    assert set(codebook.criminal_dispositions()) >= codebook.CONVICTION_CODES
    assert codebook.court_code("magistrate  court") == "MG"
    assert codebook.disposition_code("Guilty") == "GT"
    assert codebook.role_code("Investigative Agency") == "IN"
    assert codebook.defendant_roles() == {"D", "DG", "DJ", "DO", "DP"}


# --- ingest ----------------------------------------------------------------------------------
@pytest.mark.parametrize("spelling", ["README.TXT", "README.txt", "readme.txt"])
def test_readme_in_each_spelling(tmp_path, store, spelling):
    report = ingest(small_release(tmp_path, readme_name=spelling), store, source="lions")
    assert report.record["rows"] == {"read": 2, "stored": 2, "quarantined": 0, "blank_lines": 0}
    assert report.record["layout"]["GS_PARTICIPANT"] == 1159
    assert rows(store, "cases", "district, caseid, recvd_date, close_date, lead_charge") == [{
        "district": "TXS", "caseid": "2017R00001", "recvd_date": dt.date(2017, 10, 2),
        "close_date": dt.date(2018, 3, 5), "lead_charge": "08 :1326"}]


def test_the_record(tmp_path, store):
    report = ingest(small_release(tmp_path), store, source="lions")
    r = report.record
    assert r["source"] == "lions" and r["release"] == "SEPFY2018"
    assert r["release_month"] == "2018-09" and r["data_as_of"] == "2018-09-30"
    assert r["synthetic"] is True
    assert r["row_count_check"]["ok"] is True and r["warnings"] == []
    assert r["tables"]["participants"]["rows"]["stored"] == 1
    assert all(f["sha256"] and f["name"].startswith("DISK") for f in r["files"])
    assert store.entry("lions").record["release"] == "SEPFY2018"
    folders = sorted(p.relative_to(store.entry("lions").path).as_posix()
                     for p in store.entry("lions").path.rglob("*.parquet"))
    assert "cases/TXS/part-0.parquet" in folders and "participants/TXS/part-0.parquet" in folders
    assert "sentences/_empty/part-0.parquet" in folders  # every kept table can be queried
    assert rows(store, "sentences") == []


def test_stored_columns_and_types(tmp_path, store):
    sentence = {"DISTRICT": "TXS", "CASEID": "2017R00001", "PARTID": 11,
                "SENT_DATE": dt.date(2018, 6, 1), "INCAR_TYPE": "CON", "INCAR_MONTHS": 37,
                "PROB_YEARS": 3, "FINE": 1250.5, "JUDGEID": 9, "CREATE_USER": "CLERK"}
    write_release(tmp_path / "r", {"GS_SENTENCE": [sentence]})
    ingest(tmp_path / "r", store, source="lions")
    got = rows(store, "sentences")[0]
    assert list(got) == [c.store_name for c in codebook.KEPT["GS_SENTENCE"].columns] + [
        "source_file", "source_line", "release"]
    assert got["partid"] == 11 and got["incar_months"] == 37 and got["fine"] == 1250.5
    assert got["incar_days"] is None and got["incar_type"] == "CON"
    assert got["source_file"] == "gs_sentence.txt" and got["source_line"] == 1
    assert got["release"] == "SEPFY2018"
    types = duckdb.sql(f"describe select * from read_parquet('"
                       f"{store.entry('lions').table_glob('sentences')}')").fetchall()
    assert {t[0]: t[1] for t in types}["sent_date"] == "DATE"
    assert {t[0]: t[1] for t in types}["partid"] == "BIGINT"


def test_a_short_table_is_reported(tmp_path, store):
    release = small_release(tmp_path, log_offsets={"GS_PARTICIPANT_TXS": 1, "GS_CASE": 2})
    report = ingest(release, store, source="lions")
    check = report.record["row_count_check"]
    assert check["ok"] is False
    assert check["tables"]["GS_CASE"] == {"expected": 3, "read": 1, "ok": False}
    assert check["tables"]["GS_PARTICIPANT"]["files"]["GS_PARTICIPANT_TXS"] == {
        "expected": 2, "read": 1, "ok": False}
    assert "GS_CASE: the log says 3 records, 1 were read" in report.record["warnings"]
    assert store.entry("lions").record["row_count_check"]["ok"] is False


@pytest.mark.parametrize("place", ["inside", "beside", "combined"])
def test_the_log_is_found_inside_or_beside(tmp_path, store, place):
    report = ingest(small_release(tmp_path, log=place), store, source="lions")
    assert report.record["row_count_check"]["ok"] is True
    assert report.record["release"] == "SEPFY2018"


def test_no_log_is_a_warning(tmp_path, store):
    release = small_release(tmp_path, log=None)
    with pytest.raises(UnsupportedSource, match="--release"):
        ingest(release, store, source="lions")
    report = ingest(release, store, source="lions", release="SEPFY2018")
    assert report.record["row_count_check"] == {"log": None, "ok": None, "tables": {}}
    assert any("no detailed log" in w for w in report.record["warnings"])
    assert report.record["rows"]["stored"] == 2


def test_extracted_files_and_crlf(tmp_path, store):
    release = small_release(tmp_path, zipped=False, newline="\r\n", log="beside")
    report = ingest(release, store, source="lions")
    assert report.record["rows"]["stored"] == 2 and report.record["row_count_check"]["ok"]
    assert rows(store, "participants", "partid, role")[0] == {"partid": 11, "role": "D"}
    names = {f["name"] for f in report.record["files"]}
    assert {"DISK01/gs_case.txt", "DISK01/README.TXT", "SEPFY2018.txt"} <= names


def test_participants_over_several_disks_with_gaps(tmp_path, store):
    people = [{**DEFENDANT, "DISTRICT": d, "ID": i} for i, d in enumerate(
        ["AK", "AZ", "AZ", "TXS", "TXW", "NM"])]
    write_release(tmp_path / "r", {"GS_PARTICIPANT": people, "GS_EVENT": [
        {"DISTRICT": "AK", "CASEID": "1", "CRTHISID": 1, "ID": 1, "TYPE": "X"}]},
        per_disk=2, disk_numbers=[1, 2, 5, 7, 9, 10, 11, 12])
    report = ingest(tmp_path / "r", store, source="lions")
    assert report.record["tables"]["participants"]["districts"] == 5
    assert len(report.record["row_count_check"]["tables"]["GS_PARTICIPANT"]["files"]) == 5
    assert report.record["not_loaded"] == [{"table": "GS_EVENT", "files": [
        {"name": "gs_event_AK.txt", "size": 406}], "bytes": 406}]
    got = rows(store, "participants", "district, partid")
    assert sorted((r["district"], r["partid"]) for r in got) == [
        ("AK", 0), ("AZ", 1), ("AZ", 2), ("NM", 5), ("TXS", 3), ("TXW", 4)]


# --- decoding ----------------------------------------------------------------------------------
def test_a_stray_carriage_return_is_a_space(tmp_path, store):
    raw = bytearray(record("GS_CASE", {**CASE, "TYPE": "A\rB"}))
    write_release(tmp_path / "r", {"GS_CASE": [bytes(raw).decode("latin-1")]})
    report = ingest(tmp_path / "r", store, source="lions")
    assert report.record["data_quality"]["stray_carriage_returns"] == 1
    assert report.record["row_count_check"]["ok"] is True
    assert rows(store, "cases", "type, recvd_date")[0] == {"type": "A B",
                                                          "recvd_date": dt.date(2017, 10, 2)}


def test_an_impossible_year_is_null_and_counted(tmp_path, store):
    cases = [{**CASE, "CLOSE_DATE": "05-MAR-0024"}, {**CASE, "ID": "2", "RECVD_DATE": "01-jan-2999"}]
    report = ingest(write_release(tmp_path / "r", {"GS_CASE": cases}), store, source="lions")
    assert report.record["rows"]["quarantined"] == 0
    assert report.record["data_quality"]["impossible_dates"] == {
        "cases.close_date": 1, "cases.recvd_date": 1}
    got = rows(store, "cases", "close_date, recvd_date")
    assert got == [{"close_date": None, "recvd_date": dt.date(2017, 10, 2)},
                   {"close_date": dt.date(2018, 3, 5), "recvd_date": None}]


def shown(line: str) -> str:
    """What the quarantine file keeps of a GS_CASE record: the kept columns."""
    kept = [(int(r["start"]), int(r["end"])) for r in codebook.layout_fy2018()
            if r["table"] == "GS_CASE" and r["column"] in {
                c.name for c in codebook.KEPT["GS_CASE"].columns}]
    return "".join(ch if any(s <= i + 1 <= e for s, e in kept) else " "
                   for i, ch in enumerate(line)).rstrip()


QUARANTINE_CASES = {
    "short record": ("TXS2017R00001R  ZEBULON", "record_length", "23 characters, expected 366"),
    "ISO date": (record("GS_CASE", {**CASE, "RECVD_DATE": "2017-10-02"}).decode("latin-1"),
                 "bad_date", "RECVD_DATE is not DD-MON-YYYY: '2017-10-02'"),
    "no such day": (record("GS_CASE", {**CASE, "CLOSE_DATE": "30-FEB-2018"}).decode("latin-1"),
                    "bad_date", "CLOSE_DATE is not DD-MON-YYYY: '30-FEB-2018'"),
    "blank district": (record("GS_CASE", {**CASE, "DISTRICT": None}).decode("latin-1"),
                       "missing_key", "DISTRICT is blank"),
}


@pytest.mark.parametrize("case", QUARANTINE_CASES)
def test_quarantine(tmp_path, store, case):
    line, reason, detail = QUARANTINE_CASES[case]
    cases = [CASE, line, {**CASE, "ID": "2017R00002"}, ""]
    report = ingest(write_release(tmp_path / "r", {"GS_CASE": cases}), store, source="lions")
    r = report.record
    assert r["rows"] == {"read": 3, "stored": 2, "quarantined": 1, "blank_lines": 1}
    assert r["quarantine"]["reasons"] == {reason: 1}
    assert r["row_count_check"]["ok"] is True  # the log counts the bad record too
    (q,) = read_quarantine(store.entry("lions").path / "quarantine.csv")
    assert (q["source_file"], q["line"], q["reason"], q["detail"]) == (
        "gs_case.txt", "2", reason, detail)
    assert q["raw"] == (shown(line) if len(line) == 366 else
                        "TXS2017R00001R [9 more characters not shown]")
    assert [x["source_line"] for x in rows(store, "cases", "source_line")] == [1, 3]


def test_a_number_field_with_text(tmp_path, store):
    people = [{**DEFENDANT, "DEFEND_NUM": "1A"}, {**DEFENDANT, "ID": 12, "DEFEND_NUM": " -3 "}]
    report = ingest(write_release(tmp_path / "r", {"GS_PARTICIPANT": people}), store,
                    source="lions")
    assert report.record["quarantine"]["reasons"] == {"bad_number": 1}
    (q,) = read_quarantine(store.entry("lions").path / "quarantine.csv")
    assert q["detail"] == "DEFEND_NUM is not a number: '1A'"
    assert rows(store, "participants", "defend_num")[0]["defend_num"] == -3


def test_redactions_are_kept_as_text_and_counted(tmp_path, store):
    people = [{**DEFENDANT, "ROLE": "D*"}, {**DEFENDANT, "ID": 12, "ROLE": "*", "DEFEND_NUM": "*"},
              {**DEFENDANT, "ID": 13, "ROLE": "D"}]
    cases = [{**CASE, "LEAD_CHARGE": "*", "RECVD_DATE": "**-***-****"}]
    report = ingest(write_release(tmp_path / "r", {"GS_PARTICIPANT": people, "GS_CASE": cases}),
                    store, source="lions")
    assert report.record["rows"]["quarantined"] == 0
    assert report.record["data_quality"]["redactions"] == {
        "cases.lead_charge": 1, "cases.recvd_date": 1, "participants.defend_num": 1,
        "participants.role": 2}
    got = rows(store, "participants", "role, defend_num")
    assert got == [{"role": "D*", "defend_num": 1}, {"role": "*", "defend_num": None},
                   {"role": "D", "defend_num": 1}]
    assert rows(store, "cases", "lead_charge, recvd_date") == [
        {"lead_charge": "*", "recvd_date": None}]


def test_case_ids_are_unique_only_within_a_district(tmp_path, store):
    cases = [CASE, {**CASE, "DISTRICT": "AZ", "TYPE": "2"}]
    people = [DEFENDANT, {**DEFENDANT, "DISTRICT": "AZ", "ID": 11, "ROLE": "DJ"}]
    ingest(write_release(tmp_path / "r", {"GS_CASE": cases, "GS_PARTICIPANT": people}), store,
           source="lions")
    entry = store.entry("lions")
    joined = duckdb.sql(
        f"select c.district, c.type, p.role from read_parquet('{entry.table_glob('cases')}') c "
        f"join read_parquet('{entry.table_glob('participants')}') p "
        "using (district, caseid) order by 1").fetchall()
    assert joined == [("AZ", "2", "DJ"), ("TXS", "1", "D")]
    assert (entry.path / "cases" / "AZ" / "part-0.parquet").exists()


def test_latin1_bytes_are_decoded(tmp_path, store):
    case = {**CASE, "LEAD_CHARGE": "Peña §1326", "NAME": "ÉLAN"}
    ingest(write_release(tmp_path / "r", {"GS_CASE": [case]}), store, source="lions")
    assert rows(store, "cases", "lead_charge")[0]["lead_charge"] == "Peña §1326"


def test_personal_fields_never_reach_the_store(tmp_path, store):
    secrets = {"LAST_NAME": "ZEBULONQUIXOTE", "FIRST_NAME": "ARCHIBALDO", "SSN": "987-65-4321",
               "HOME_ADDRESS1": "1234 SECRETLANE", "HOME_PHONE": "555-0199-777",
               "BIRTH_DATE": "29-FEB-1944", "CREATE_USER": "CLERKOFCOURT"}
    people = [{**DEFENDANT, **secrets}]
    cases = [{**CASE, "NAME": "USA V ZEBULONQUIXOTE", "CREATE_USER": "CLERKOFCOURT"}]
    bad = record("GS_PARTICIPANT", {**DEFENDANT, **secrets, "DEFEND_NUM": "X"})
    ingest(write_release(tmp_path / "r", {"GS_PARTICIPANT": [*people, bad.decode("latin-1")],
                                          "GS_CASE": cases}), store, source="lions")
    found = []
    for path in store.root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found += [(path.name, s) for s in secrets.values() if s.encode() in data]
    assert found == []
    # The quarantined record shows its kept columns, not the personal ones.
    (q,) = read_quarantine(store.entry("lions").path / "quarantine.csv")
    assert q["raw"].startswith("TXS       2017R00001") and "X" in q["raw"]


def test_reingest_is_a_no_op_unless_forced(tmp_path, store):
    release = small_release(tmp_path)
    first = ingest(release, store, source="lions")
    again = ingest(release, store, source="lions")
    assert again.status == "unchanged" and again.record["path"] == first.record["path"]
    forced = ingest(release, store, source="lions", force=True)
    assert forced.status == "ingested" and forced.record["path"] != first.record["path"]
    assert len(store.entries("lions")) == 1


def test_a_release_without_tables_or_readme(tmp_path, store):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EmptySource):
        ingest(empty, store, source="lions")
    release = small_release(tmp_path)
    for disk in release.glob("DISK*.zip"):
        with zipfile.ZipFile(disk) as z:
            members = {i.filename: z.read(i) for i in z.infolist() if i.filename != "README.TXT"}
        with zipfile.ZipFile(disk, "w") as z:
            for name, body in members.items():
                z.writestr(name, body)
    with pytest.raises(UnknownLayout, match="no readme"):
        ingest(release, store, source="lions")


def test_cli_json(tmp_path):
    release = small_release(tmp_path, log_offsets={"GS_CASE": 1})
    done = run_cli("ingest", str(release), "--source", "lions", "--store", str(tmp_path / "s"),
                   "--format", "json", "--quiet")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["status"] == "ingested" and out["source"] == "lions"
    assert out["row_count_check"]["tables"]["GS_CASE"]["ok"] is False
    table = run_cli("ingest", str(release), "--source", "lions", "--store", str(tmp_path / "s"),
                    "--force", "--quiet")
    assert table.returncode == 0, table.stderr
    assert "GS_CASE: the log says 2 records, 1 were read" in " ".join(table.stdout.split())


# --- blocks and line numbers ----------------------------------------------------------------
@pytest.mark.parametrize(("newline", "zipped"), [("\n", True), ("\r\n", True), ("\n", False)])
def test_line_numbers_survive_block_boundaries(tmp_path, store, monkeypatch, newline, zipped):
    monkeypatch.setattr(settings, "BLOCK_BYTES", 1500)  # a few records a block
    items, where = [], {}
    for i in range(60):
        items.append({**CASE, "ID": f"C{i:05d}"})
        where[f"C{i:05d}"] = len(items)
        if i % 7 == 3:
            items.append("a short line")
        if i % 11 == 5:
            items.append("")
    write_release(tmp_path / "r", {"GS_CASE": items}, newline=newline, zipped=zipped)
    report = ingest(tmp_path / "r", store, source="lions")
    assert report.record["rows"] == {"read": 69, "stored": 60, "quarantined": 9,
                                     "blank_lines": 5}
    got = {r["caseid"]: r["source_line"] for r in rows(store, "cases", "caseid, source_line")}
    assert got == where
    lines = [int(q["line"]) for q in read_quarantine(store.entry("lions").path /
                                                      "quarantine.csv")]
    assert lines == [i + 1 for i, item in enumerate(items) if item == "a short line"]


def test_a_last_record_without_a_newline(tmp_path, store):
    write_release(tmp_path / "r", {"GS_CASE": [CASE, {**CASE, "ID": "2"}]})
    disk = tmp_path / "r" / "DISK01.zip"
    with zipfile.ZipFile(disk) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    members["gs_case.txt"] = members["gs_case.txt"].rstrip(b"\n")
    with zipfile.ZipFile(disk, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    report = ingest(tmp_path / "r", store, source="lions")
    assert report.record["rows"]["stored"] == 2 and report.record["row_count_check"]["ok"]


def test_a_stray_line_feed_inside_a_record_keeps_its_place(tmp_path, store):
    # Records are framed by their length: a LF that occupies a character
    # position inside a record is a stray character, like a stray CR.
    raw = record("GS_CASE", {**CASE, "TYPE": "A\nB"}).decode("latin-1")
    cases = [CASE, raw, {**CASE, "ID": "3"}]
    report = ingest(write_release(tmp_path / "r", {"GS_CASE": cases}), store, source="lions")
    assert report.record["data_quality"]["control_characters"] == 1
    assert report.record["row_count_check"]["ok"] is True
    got = rows(store, "cases", "caseid, type, source_line")
    assert [(r["type"], r["source_line"]) for r in got] == [("1", 1), ("A B", 2), ("1", 3)]


def test_a_stray_cr_outside_the_kept_columns_changes_nothing(tmp_path, store):
    raw = record("GS_CASE", {**CASE, "NAME": "A\rB", "UPDATE_USER": "X\r"}).decode("latin-1")
    crlf = write_release(tmp_path / "crlf", {"GS_CASE": [raw, CASE]}, newline="\r\n")
    report = ingest(write_release(tmp_path / "r", {"GS_CASE": [raw]}), store, source="lions")
    assert report.record["rows"]["stored"] == 1
    assert report.record["data_quality"]["stray_carriage_returns"] == 2  # counted, not read
    report = ingest(crlf, Store(tmp_path / "s2"), source="lions")
    assert report.record["rows"]["stored"] == 2
    assert report.record["data_quality"]["stray_carriage_returns"] == 2


@pytest.mark.parametrize("seed", range(6))
def test_record_blocks_cut_whole_lines_and_count_them(seed):
    rng = random.Random(seed)
    length = 9
    newline = rng.choice([b"\n", b"\r\n"])
    lines = [rng.choice([b"x" * length, b"y" * length, b"", b"short", b"z" * 30])
             if rng.random() < 0.2 else bytes([65 + i % 26]) * length for i in range(400)]
    data = b"".join(line + newline for line in lines)
    if seed % 2:
        data = data[:-len(newline)]  # no final newline
    chunks, at = [], 0
    while at < len(data):
        step = rng.choice([1, 7, 50, 333, 1000])
        chunks.append(data[at:at + step])
        at += step
    blocks = list(record_blocks(chunks, length, rng.choice([11, 40, 200])))
    assert b"".join(bytes(b.data) for b in blocks) == data
    line = 1
    for i, block in enumerate(blocks):
        assert (block.index, block.first_line) == (i, line)
        body = bytes(block.data)
        assert i == len(blocks) - 1 or body.endswith(b"\n")
        line += body.count(b"\n")


# --- layouts that changed -------------------------------------------------------------------
def _case_layout(**changes) -> str:
    """The FY2018 GS_CASE layout as a readme block, with columns renamed or retyped."""
    lines = ["GS_CASE - 366 Characters", "Name Null? Type Position"]
    for r in codebook.layout_fy2018():
        if r["table"] == "GS_CASE":
            name, typ = changes.get(r["column"], (r["column"], r["type"]))
            lines.append(f"{name}  {typ}  ({r['start']}:{r['end']})")
    return "\n".join(lines) + "\n"


def test_a_changed_layout_is_refused_or_reported():
    from crossings.ingest.lions.records import make_decoder

    kept = codebook.KEPT["GS_CASE"]
    renamed = parse_readme(_case_layout(ID=("CASE_ID", "VARCHAR2(10)")), "R")["GS_CASE"]
    with pytest.raises(UnknownLayout, match="GS_CASE has no column ID"):
        make_decoder(kept, renamed, "README.TXT")
    retyped = parse_readme(_case_layout(RECVD_DATE=("RECVD", "VARCHAR2(11)"),
                                        CLOSE_DATE=("CLOSE_DATE", "VARCHAR2(11)")),
                           "R")["GS_CASE"]
    with pytest.raises(UnknownLayout, match="column CLOSE_DATE is VARCHAR2\\(11\\)"):
        make_decoder(kept, retyped, "README.TXT")
    dropped = parse_readme(_case_layout(STATUS=("STATE", "VARCHAR2(1)")), "R")["GS_CASE"]
    decoder, warnings = make_decoder(kept, dropped, "README.TXT")
    assert warnings == ["GS_CASE.STATUS is not in this release's layout: cases.status is "
                        "stored empty"]
    assert [c.name for c in decoder.absent] == ["STATUS"]


def test_the_readme_listing_is_checked(tmp_path, store):
    release = small_release(tmp_path, log="combined", per_disk=1)
    (release / "DISK01.zip").unlink()  # a disk missing: the combined readme still lists it
    report = ingest(release, store, source="lions")
    assert any("is listed in a readme but is not in the release" in w
               for w in report.record["warnings"])
    assert report.record["row_count_check"]["ok"] is False


def test_a_damaged_zip_stores_nothing(tmp_path, store):
    release = small_release(tmp_path, compression=zipfile.ZIP_STORED)
    disk = release / "DISK01.zip"
    data = bytearray(disk.read_bytes())
    at = data.index(b"2017R00001")  # inside gs_case.txt, stored as is
    data[at] = ord("3")
    disk.write_bytes(bytes(data))
    with pytest.raises(CorruptArchive, match="CRC"):
        ingest(release, store, source="lions")
    assert store.entries("lions") == []
    assert not list((store.root / "data" / "lions").glob(".staging-*"))
