"""Ingest of the court file: typing, validation, quarantine, forms, the store."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from helpers.idb_rows import row, write
from helpers.tools import deflate64_zip

from crossings import settings
from crossings.errors import CorruptArchive, EmptySource, UnknownLayout, UnsupportedSource
from crossings.ingest import ingest
from crossings.ingest.quarantine import read_quarantine
from crossings.store import Store


def stored(report, store: Store, columns: str = "*", where: str = "true") -> list[dict]:
    entry = store.entry("idb", report.record["release"])
    rel = duckdb.sql(f"select {columns} from read_parquet('{entry.table_glob('defendants')}') "
                     f"where {where} order by source_line")
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "store")


# --- typing -------------------------------------------------------------------
def test_typing_of_dates_codes_missing_and_sentinels(tmp_path, store):
    rows = [row(FILEDATE="10/01/2014", TERMDATE="01/01/1900", FOFFCD1="0100",
                D2FOFFCD1="8720", FTITLE1="8:1326B1.F", DISTRICT="7-", CIRCUIT="09",
                PRISTOT=value, PRISTIM1=value, FINEAMT1="250", FINETOT="12.50", CTFIL=1)
            for value in ("37", "0", "-1", "-2", "-3", "-4", "-5", "-8")]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    got = stored(report, store)
    assert [r["pristot"] for r in got] == [37, 0, -1, -2, -3, -4, -5, -8]
    assert [r["pristot_months"] for r in got] == [37, 0, 0, None, None, 470, 470, None]
    assert [r["pristot_status"] for r in got] == [
        "months", "months", "under_one_month", "guilty_but_no_sentence", "sealed", "life",
        "death", "missing"]
    first = got[0]
    assert str(first["filedate"]) == "2014-10-01"
    assert first["termdate"] is None  # 01/01/1900 means missing
    assert first["foffcd1"] == "0100"  # codes keep leading zeros
    assert first["district"] == "7-" and first["circuit"] == "09"
    assert first["ftitle2"] is None  # -8 in a text field
    assert first["proccd"] is None  # -8 in a number field
    assert first["fineamt1"] == 250.0 and first["finetot"] == 12.5
    assert first["ctfil"] == 1 and first["cttr"] == 0
    assert first["source_file"] == "cr96on.txt" and first["source_line"] == 2
    assert report.record["data_quality"]["dates_01_01_1900"] > 0


def test_names_are_never_stored(tmp_path, store):
    secret = "ZEBULON QUIXOTE"
    rows = [row(NAME=secret, FJUDGE="JDG1", TJUDGE="JDG2", CTFIL=1)]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    entry = store.entry("idb")
    columns = stored(report, store)[0].keys()
    assert not {"name", "fjudge", "tjudge"} & set(columns)
    for path in entry.path.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_latin1_bytes_are_decoded(tmp_path, store):
    report = ingest(write(tmp_path / "cr96on.txt", [row(COUNTY="Pe\xf1a")]), store)
    assert stored(report, store, "county")[0]["county"] == "Peña"


def test_crlf_and_lf_give_the_same_rows(tmp_path):
    rows = [row(FISCALYR=y, CTFIL=1, FILEDATE="03/03/2015") for y in (2014, 2015, 2016)]
    a = ingest(write(tmp_path / "crlf.txt", rows, newline="\r\n"), Store(tmp_path / "a"))
    b = ingest(write(tmp_path / "lf.txt", rows, newline="\n"), Store(tmp_path / "b"))
    drop = "* exclude (source_file)"
    assert stored(a, Store(tmp_path / "a"), drop) == stored(b, Store(tmp_path / "b"), drop)


def test_partitioned_by_fiscal_year_whatever_the_order(tmp_path, store, monkeypatch):
    monkeypatch.setattr(settings, "ROW_GROUP_ROWS", 3)
    monkeypatch.setattr(settings, "BUFFER_BYTES", 4000)
    years = [2003, 1999, 2003, 2020, 1999, 2003, 2011, 2020, 1999, 2003, 2011]
    rows = [row(FISCALYR=y, DOCKET=f"{i:07d}") for i, y in enumerate(years)]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    entry = store.entry("idb")
    folders = sorted(p.name for p in (entry.path / "defendants").iterdir())
    assert folders == ["fy1999", "fy2003", "fy2011", "fy2020"]
    assert report.record["by_fiscal_year"]["2003"] == {"read": 4, "stored": 4, "quarantined": 0}
    got = stored(report, store, "fiscalyr, docket")
    assert sorted((r["fiscalyr"], r["docket"]) for r in got) == sorted(
        (y, f"{i:07d}") for i, y in enumerate(years))


# --- validation and quarantine --------------------------------------------------
def _bad_line(fields: int) -> str:
    values = list(row().values())
    return "\t".join((values + ["x"] * 5)[:fields])


QUARANTINE_CASES = {
    "143 fields": (_bad_line(143), "field_count", "143 fields, expected 144"),
    "145 fields": (_bad_line(145), "field_count", "145 fields, expected 144"),
    "ISO date": (row(FILEDATE="2015-03-01"), "bad_date",
                 "FILEDATE is not MM/DD/YYYY: '2015-03-01'"),
    "impossible date": (row(TERMDATE="02/30/2015"), "bad_date",
                        "TERMDATE is not MM/DD/YYYY: '02/30/2015'"),
    "short date": (row(SENTDATE="3/1/2015"), "bad_date",
                   "SENTDATE is not MM/DD/YYYY: '3/1/2015'"),
    "text in a number": (row(PROBMON1="abc"), "bad_number", "PROBMON1 is not a number: 'abc'"),
    "text in a prison term": (row(PRISTOT="LIFE"), "bad_number",
                              "PRISTOT is not a number: 'LIFE'"),
    "flag 2": (row(CTFIL="2"), "bad_flag", "CTFIL is not 0, 1 or -8: '2'"),
    "blank flag": (row(CTPN=""), "bad_flag", "CTPN is not 0, 1 or -8: ''"),
    "no fiscal year": (row(FISCALYR="-8"), "missing_fiscal_year", "FISCALYR is blank or -8"),
    "test district": (row(CIRCUIT="11", DISTRICT="11"), "test_district",
                      "test district (circuit 11, district 11)"),
    "district of another circuit": (row(CIRCUIT="05", DISTRICT="70"), "unknown_district",
                                    "(CIRCUIT/DISTRICT) '05/70' is not in the district table"),
}


@pytest.mark.parametrize("case", sorted(QUARANTINE_CASES))
def test_each_bad_row_is_quarantined_with_its_reason(tmp_path, store, case):
    bad, reason, detail = QUARANTINE_CASES[case]
    rows = [row(CTFIL=1), bad, row(CTFIL=1)]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    assert report.record["rows"] == {"read": 3, "stored": 2, "quarantined": 1, "blank_lines": 0}
    assert report.record["quarantine"]["reasons"] == {reason: 1}
    [q] = read_quarantine(store.entry("idb").path / "quarantine.csv")
    assert (q["line"], q["reason"], q["detail"]) == ("3", reason, detail)
    expected_raw = bad if isinstance(bad, str) else "\t".join(bad.values())
    if reason == "field_count":  # no field's position holds: only those before NAME are kept
        expected_raw = "\t".join(expected_raw.split("\t")[:7])
    assert q["raw"] == expected_raw
    assert [r["source_line"] for r in stored(report, store, "source_line")] == [2, 4]


def test_missing_flag_is_stored_as_null_and_reported(tmp_path, store):
    rows = [row(CTFIL="-8", CTFILTRN="1"), row(CTFIL="1"), row(CTFIL="-8")]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    assert report.record["rows"]["quarantined"] == 0
    assert report.record["data_quality"]["missing_count_flags"]["ctfil"] == 2
    assert [r["ctfil"] for r in stored(report, store, "ctfil")] == [None, 1, None]


def test_blank_lines_are_counted_apart(tmp_path, store):
    rows = [row(), "", row(), "   "]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    assert report.record["rows"] == {"read": 2, "stored": 2, "quarantined": 0, "blank_lines": 2}


def test_line_numbers_hold_across_blocks(tmp_path, store, monkeypatch):
    monkeypatch.setattr(settings, "BLOCK_BYTES", 4000)  # a few rows per block
    rows = [row(DOCKET=f"{i:07d}") for i in range(60)]
    rows[7] = row(FILEDATE="bad")
    rows[41] = _bad_line(140)
    rows[52] = row(CTTR="7")
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    quarantined = read_quarantine(store.entry("idb").path / "quarantine.csv")
    assert [(q["line"], q["reason"]) for q in quarantined] == [
        ("9", "bad_date"), ("43", "field_count"), ("54", "bad_flag")]
    lines = [r["source_line"] for r in stored(report, store, "source_line")]
    assert lines == [n for n in range(2, 62) if n not in (9, 43, 54)]
    rows_ = report.record["rows"]
    assert rows_["read"] == rows_["stored"] + rows_["quarantined"] == 60


def test_wrong_header_names_the_columns_that_differ(tmp_path, store):
    path = write(tmp_path / "cr96on.txt", [row()])
    text = path.read_text(encoding="latin-1").replace("FISCALYR", "FY", 1).replace(
        "\tTAPEYEAR", "\tTAPEYR\tEXTRA", 1)
    path.write_text(text, encoding="latin-1")
    with pytest.raises(UnknownLayout) as err:
        ingest(path, store)
    message = str(err.value)
    assert "missing 2 column(s): FISCALYR, TAPEYEAR" in message
    assert "unexpected 3 column(s): FY, TAPEYR, EXTRA" in message
    assert "cr96on.txt" in message
    assert not store.manifest_path.exists()


def test_empty_file_is_an_error(tmp_path, store):
    path = tmp_path / "cr96on.txt"
    path.write_bytes(b"")
    with pytest.raises(EmptySource, match="cr96on.txt: the file is empty"):
        ingest(path, store)


def test_header_only_is_an_error(tmp_path, store):
    with pytest.raises(EmptySource, match="no data rows"):
        ingest(write(tmp_path / "cr96on.txt", []), store)


# --- forms ------------------------------------------------------------------------
def test_gzip_and_deflate64_zip_read_the_same_rows(tmp_path):
    rows = [row(FISCALYR=2000 + i % 20, DOCKET=f"{i:07d}", CTFIL=i % 2) for i in range(300)]
    text = write(tmp_path / "cr96on.txt", rows)
    gz = write(tmp_path / "cr96on.txt.gz", rows, compress="gzip")
    zipped = deflate64_zip(text, tmp_path / "cr96on.zip")
    assert zipped.read_bytes()[8:10] == b"\x09\x00"  # method 9: Deflate64
    results = []
    for name, path in (("txt", text), ("gz", gz), ("zip", zipped)):
        s = Store(tmp_path / name)
        report = ingest(path, s)
        results.append(stored(report, s, "* exclude (source_file)"))
        assert report.record["files"][0]["name"] == path.name
    assert results[0] == results[1] == results[2]
    assert len(results[0]) == 300


def test_truncated_zip_is_an_error_naming_the_file(tmp_path, store):
    text = write(tmp_path / "cr96on.txt", [row(DOCKET=f"{i:07d}") for i in range(500)])
    zipped = deflate64_zip(text, tmp_path / "cr96on.zip")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(zipped.read_bytes()[: zipped.stat().st_size // 2])
    with pytest.raises(CorruptArchive, match="cut.zip"):
        ingest(cut, store)
    assert not store.manifest_path.exists()


def test_corrupt_member_is_an_error_and_no_partial_store(tmp_path, store):
    text = write(tmp_path / "cr96on.txt", [row(DOCKET=f"{i:07d}") for i in range(2000)])
    zipped = deflate64_zip(text, tmp_path / "cr96on.zip")
    data = bytearray(zipped.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    zipped.write_bytes(bytes(data))
    with pytest.raises(CorruptArchive, match="cr96on.zip"):
        ingest(zipped, store)
    assert store.entries() == []
    assert not list((store.root / "data").rglob("*.parquet"))


def test_folder_lists_skipped_files(tmp_path, store):
    folder = tmp_path / "downloads"
    folder.mkdir()
    write(folder / "cr96on.txt", [row(CTFIL=1)])
    (folder / "notes.txt").write_text("my notes\n")
    (folder / "civil.txt").write_text("A\tB\tC\n1\t2\t3\n")
    (folder / "empty.dat").write_bytes(b"")
    (folder / "cr96on_0.zip.bad").write_bytes(b"PK\x03\x04" + bytes(100))
    report = ingest(folder, store)
    skipped = {Path(s["path"]).name: s["reason"] for s in report.record["skipped"]}
    assert set(skipped) == {"notes.txt", "civil.txt", "empty.dat", "cr96on_0.zip.bad"}
    assert "not a readable zip archive" in skipped["cr96on_0.zip.bad"]
    assert skipped["empty.dat"] == "the file is empty"
    assert "not the FJC criminal layout (3 columns" in skipped["civil.txt"]
    assert report.record["rows"]["stored"] == 1


def test_folder_with_two_copies_is_refused(tmp_path, store):
    folder = tmp_path / "downloads"
    folder.mkdir()
    write(folder / "cr96on.txt", [row()])
    write(folder / "cr96on.txt.gz", [row()], compress="gzip")
    with pytest.raises(UnsupportedSource, match="count the same defendants twice"):
        ingest(folder, store)


# --- the store ---------------------------------------------------------------------
def test_same_file_again_is_a_no_op_unless_forced(tmp_path, store):
    path = write(tmp_path / "cr96on.txt", [row(CTFIL=1)])
    first = ingest(path, store)
    again = ingest(path, store)
    assert again.status == "unchanged" and again.record["path"] == first.record["path"]
    forced = ingest(path, store, force=True)
    assert forced.status == "ingested" and forced.record["path"] != first.record["path"]
    assert len(store.entries("idb")) == 1
    assert not (store.root / first.record["path"]).exists()


def test_manifest_records_what_a_citation_needs(tmp_path, store):
    path = write(tmp_path / "cr96on.txt", [row(LOADDATE="05/31/2026"),
                                           row(LOADDATE="06/15/2026", FISCALYR=2026)])
    ingest(path, store)
    manifest = json.loads(store.manifest_path.read_text())
    [record] = manifest["entries"]
    assert record["source"] == "idb" and record["release"] == "2026-06-15"
    assert record["data_as_of"] == "2026-06-15"
    [f] = record["files"]
    assert f["size"] == path.stat().st_size and len(f["sha256"]) == 64
    assert record["rows"]["read"] == 2
    assert record["by_fiscal_year"] == {"2015": {"read": 1, "stored": 1, "quarantined": 0},
                                        "2026": {"read": 1, "stored": 1, "quarantined": 0}}
    assert record["layout_version"].startswith("cr96on-144-")
    assert record["tool_version"] and record["ingested_at"]
    assert record["synthetic"] is False


def test_sample_marker_makes_the_entry_synthetic(tmp_path, store):
    ingest(write(tmp_path / "cr96on.txt", [row(SOURCE="SYNTHETIC")]), store)
    assert store.entry("idb").record["synthetic"] is True
