"""The court-file reader under attack: values, line breaks, long lines, odd files,
privacy of the quarantine (issue 11, cases.md). Each test reproduces a case first."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest
from helpers.idb_rows import NAMES, header, line, row, write
from helpers.tools import REPO, run_cli

from crossings import archives, settings
from crossings.errors import CorruptArchive, UnsupportedSource
from crossings.ingest import ingest
from crossings.ingest.quarantine import read_quarantine
from crossings.store import Store

pytestmark = pytest.mark.adversarial


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "store")


def quarantine_of(store: Store) -> list[dict]:
    return read_quarantine(store.entry("idb").path / "quarantine.csv")


def source_lines(store: Store) -> list[int]:
    glob = store.entry("idb").table_glob("defendants")
    return [r[0] for r in duckdb.sql(f"select source_line from read_parquet('{glob}') "
                                     "order by source_line").fetchall()]


# --- item 2: values the readers must not accept ------------------------------------
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e400", "Infinity"])
@pytest.mark.parametrize("neighbour", ["clean", "text in a number"])
def test_non_finite_money_is_bad_number_whatever_the_neighbours(tmp_path, store, value,
                                                                neighbour):
    # A block of clean numbers is typed by Arrow, one with text in a number by the
    # patterns: the money value must get the same verdict either way.
    other = row(CTFIL=1) if neighbour == "clean" else row(PROBMON1="abc")
    rows = [row(CTFIL=1), row(FINETOT=value), other]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    reasons = {q["line"]: q["reason"] for q in quarantine_of(store)}
    assert reasons["3"] == "bad_number"
    assert report.record["rows"]["stored"] == (2 if neighbour == "clean" else 1)


@pytest.mark.parametrize("neighbour", ["clean", "text in a number"])
def test_exponent_and_sign_in_money_are_read_the_same_both_ways(tmp_path, store, neighbour):
    other = row(CTFIL=1) if neighbour == "clean" else row(PROBMON1="abc")
    rows = [row(FINETOT="1e3"), row(FINETOT="+12.5"), other]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    entry = store.entry("idb")
    got = duckdb.sql(f"select finetot from read_parquet('{entry.table_glob('defendants')}') "
                     "where source_line < 4 order by source_line").fetchall()
    assert got == [(1000.0,), (12.5,)]
    assert report.record["quarantine"]["reasons"] == (
        {} if neighbour == "clean" else {"bad_number": 1})


@pytest.mark.parametrize("field", ["PROBMON1", "PRISTOT", "FISCALYR", "VER"])
def test_integer_beyond_int32_is_bad_number_not_a_traceback(tmp_path, store, field):
    rows = [row(CTFIL=1), row(**{field: "3000000000"}), row(**{field: "-3000000000"}),
            row(**{field: "99999999999999999999999"})]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    assert report.record["rows"] == {"read": 4, "stored": 1, "quarantined": 3, "blank_lines": 0}
    assert report.record["quarantine"]["reasons"] == {"bad_number": 3}
    assert quarantine_of(store)[0]["detail"] == f"{field} is not a number: '3000000000'"


@pytest.mark.parametrize("neighbour", ["clean", "text in a number"])
@pytest.mark.parametrize("value", ["0xFFFFFFFF", "0x10", "0X7fffffff"])
def test_hexadecimal_number_is_bad_number_whatever_the_neighbours(tmp_path, store, neighbour,
                                                                  value):
    # Arrow's integer reader takes hexadecimal (0xFFFFFFFF even as -1): a clean block
    # stored it as a number, a block with text in it quarantined it.
    other = row(CTFIL=1) if neighbour == "clean" else row(PROBMON1="abc")
    rows = [row(CTFIL=1), row(REOPSEQ=value, PRISTOT=value), other]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    [q] = [q for q in quarantine_of(store) if q["line"] == "3"]
    assert (q["reason"], q["detail"]) == ("bad_number", f"REOPSEQ is not a number: {value!r}")
    assert report.record["rows"]["stored"] == (2 if neighbour == "clean" else 1)


def test_hexadecimal_looking_code_is_kept_as_text(tmp_path, store):
    rows = [row(DOCKET="0x12345", CTFIL=1), row(CTFIL=1)]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    assert report.record["rows"] == {"read": 2, "stored": 2, "quarantined": 0, "blank_lines": 0}
    docket = duckdb.sql(f"select docket from read_parquet('{store.entry('idb').table_glob('defendants')}') "
                        "order by source_line").fetchall()
    assert docket == [("0x12345",), ("1500001",)]


def test_int32_limits_themselves_are_stored(tmp_path, store):
    rows = [row(PROBMON1="2147483647"), row(PROBMON1="-2147483648")]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    assert report.record["rows"]["stored"] == 2


@pytest.mark.parametrize("year", ["9999", "0", "-1", "1969"])
def test_impossible_fiscal_year_is_quarantined(tmp_path, store, year):
    rows = [row(CTFIL=1), row(FISCALYR=year)]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    [q] = quarantine_of(store)
    assert (q["line"], q["reason"]) == ("3", "bad_fiscal_year")
    assert f"FISCALYR {year} is outside 1970 to {dt.date.today().year + 1}" == q["detail"]
    assert set(report.record["by_fiscal_year"]) == {"2015", year}
    assert report.record["by_fiscal_year"][year] == {"read": 1, "stored": 0, "quarantined": 1}


def test_fiscal_year_after_the_year_after_the_latest_loaddate_is_quarantined(tmp_path, store):
    # Latest LOADDATE 06/30/2020: FY2021 is possible (it starts in October 2020), FY2022 not.
    rows = [row(LOADDATE="06/30/2020", FISCALYR=2019), row(LOADDATE="03/01/2020", FISCALYR=2021),
            row(LOADDATE="06/30/2020", FISCALYR=2022), row(LOADDATE="01/01/2020", FISCALYR=2022)]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    assert report.record["rows"] == {"read": 4, "stored": 2, "quarantined": 2, "blank_lines": 0}
    assert report.record["quarantine"]["reasons"] == {"bad_fiscal_year": 2}
    assert report.record["by_fiscal_year"]["2022"] == {"read": 2, "stored": 0, "quarantined": 2}
    assert [(q["source_file"], q["line"]) for q in quarantine_of(store)] == [
        ("cr96on.txt", "4"), ("cr96on.txt", "5")]
    assert "the year after the latest LOADDATE (2020-06-30)" in quarantine_of(store)[0]["detail"]
    assert source_lines(store) == [2, 3]
    assert not (store.entry("idb").path / "defendants" / "fy2022").exists()


def test_future_loaddate_is_quarantined_and_never_names_the_release(tmp_path, store):
    rows = [row(LOADDATE="05/31/2026"), row(LOADDATE="12/31/9999"), row(LOADDATE="06/15/2026")]
    report = ingest(write(tmp_path / "cr96on.txt", rows), store)
    assert report.record["release"] == report.record["data_as_of"] == "2026-06-15"
    [q] = quarantine_of(store)
    assert (q["line"], q["reason"]) == ("3", "future_loaddate")
    assert q["detail"].startswith("LOADDATE 9999-12-31 is after today")


# --- item 3: a stray CR -------------------------------------------------------------
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_stray_cr_inside_a_field_is_one_line_and_keeps_line_numbers(tmp_path, store,
                                                                    newline):
    rows = [row(DOCKET=f"{i:07d}") for i in range(5)]
    rows[1] = line(row(DOCKET="12\r34"))
    report = ingest(write(tmp_path / "cr96on.txt", rows, newline=newline), store)
    assert report.record["rows"] == {"read": 5, "stored": 4, "quarantined": 1, "blank_lines": 0}
    [q] = quarantine_of(store)
    assert (q["line"], q["reason"]) == ("3", "stray_carriage_return")
    assert "12\r34" in q["raw"]
    assert source_lines(store) == [2, 4, 5, 6]


def test_stray_cr_lines_hold_across_blocks(tmp_path, store, monkeypatch):
    monkeypatch.setattr(settings, "BLOCK_BYTES", 4000)
    rows = [row(DOCKET=f"{i:07d}") for i in range(40)]
    for i in (5, 30):
        rows[i] = line(row(DOCKET="1\r2", COUNTY="a\rb"))
    ingest(write(tmp_path / "cr96on.txt", rows, newline="\n"), store)
    assert [q["line"] for q in quarantine_of(store)] == ["7", "32"]
    assert source_lines(store) == [n for n in range(2, 42) if n not in (7, 32)]


# --- item 6: lines too long, odd paths -------------------------------------------------
def test_line_longer_than_the_block_is_a_clear_error(tmp_path, store, monkeypatch):
    monkeypatch.setattr(settings, "BLOCK_BYTES", 64 << 10)
    monkeypatch.setattr(archives, "CHUNK", 16 << 10)  # the file arrives in pieces
    path = write(tmp_path / "cr96on.txt", [row(), "x" * (200 << 10), row()])
    with pytest.raises(UnsupportedSource, match=r"cr96on.txt: line 3 runs past 65,536 bytes"):
        ingest(path, store)
    assert store.entries() == []


def test_line_longer_than_the_parser_takes_is_a_clear_error(tmp_path, store):
    # Over Arrow's parse chunk (2 MB) but within a block: Arrow's "straddling" error.
    path = write(tmp_path / "cr96on.txt", [row(), "\t".join(["y" * (3 << 20)] * 2), row()],
                 newline="\n")
    with pytest.raises(UnsupportedSource, match=r"cr96on.txt: line 3 is 6,291,457 bytes"):
        ingest(path, store)


MEMORY_PROBE = """
import resource, sys
from crossings.errors import CrossingsError
from crossings.ingest import ingest
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    ingest(sys.argv[1], sys.argv[2])
except CrossingsError as exc:
    print(type(exc).__name__, exc.message)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def test_member_without_newline_stops_with_memory_bounded(tmp_path):
    # A deflated member of 400 MB with no newline: a few hundred kB of zip. Before
    # the fix one inflate call returned 500 MB and the reader kept all of it.
    archive = tmp_path / "cr96on.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf, zf.open(
            "cr96on.txt", "w", force_zip64=True) as member:
        member.write((header() + "\n").encode())
        for _ in range(400):
            member.write(b"x" * (1 << 20))
    assert archive.stat().st_size < 2 << 20
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(archive),
                           str(tmp_path / "store")], capture_output=True, text=True,
                          timeout=300, cwd=REPO)
    assert done.returncode == 0, done.stderr
    error, growth_kb = done.stdout.strip().splitlines()
    assert error.startswith("UnsupportedSource line 2 runs past")
    assert int(growth_kb) < 160 << 10  # the blocks in flight, never the member


def test_dev_null_is_a_clear_error(store):
    with pytest.raises(UnsupportedSource, match="/dev/null: not a regular file or a folder"):
        ingest("/dev/null", store)


def test_dev_null_on_the_command_line_is_one_line_and_exit_1(tmp_path):
    done = run_cli("ingest", "/dev/null", "--store", str(tmp_path / "s"), "-q")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "not a regular file or a folder" in done.stderr


# --- item 7: a byte-order mark ------------------------------------------------------
def test_utf8_bom_before_the_header_is_accepted(tmp_path, store):
    path = write(tmp_path / "cr96on.txt", [row(CTFIL=1), row(CTFIL=1)])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = ingest(path, store)
    assert report.record["rows"] == {"read": 2, "stored": 2, "quarantined": 0, "blank_lines": 0}
    assert source_lines(store) == [2, 3]


def test_utf8_bom_in_a_folder_and_a_zip_is_accepted(tmp_path, store):
    folder = tmp_path / "downloads"
    folder.mkdir()
    text = write(tmp_path / "cr96on.txt", [row(CTFIL=1)])
    with zipfile.ZipFile(folder / "cr96on.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("cr96on.txt", b"\xef\xbb\xbf" + text.read_bytes())
    report = ingest(folder, store)
    assert report.record["skipped"] == [] and report.record["rows"]["stored"] == 1


# --- item 3: SAS files that cannot be read, SAS beside text -----------------------------
@pytest.fixture(scope="module")
def sas_years(tmp_path_factory) -> Path:
    from crossings.sample.idb.sas import write_idb_sas

    folder = tmp_path_factory.mktemp("sas")
    write_idb_sas(folder, rows=600, seed=5)
    return folder


def _yearly_folder(sas_years: Path, target: Path, names: list[str]) -> Path:
    target.mkdir()
    for name in names:
        (target / name).write_bytes((sas_years / name).read_bytes())
    return target


def test_truncated_yearly_sas_file_is_an_error_naming_it(tmp_path, store, sas_years):
    folder = _yearly_folder(sas_years, tmp_path / "years",
                            ["cr10.sas7bdat", "cr11.sas7bdat", "cr12.sas7bdat"])
    data = (folder / "cr11.sas7bdat").read_bytes()
    (folder / "cr11.sas7bdat").write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptArchive, match=r"cr11.sas7bdat: a yearly SAS file .* cannot be "
                                             r"read") as err:
        ingest(folder, store)
    assert "--skip-unreadable" in err.value.hint
    assert store.entries() == []
    report = ingest(folder, store, skip_unreadable=True)
    [skipped] = report.record["skipped"]
    assert skipped["path"] == "cr11.sas7bdat"
    assert skipped["reason"].startswith("unreadable, skipped (--skip-unreadable)")
    assert set(report.record["by_fiscal_year"]) == {"2010", "2012"}


def test_skip_unreadable_on_the_command_line_lists_the_file(tmp_path, sas_years):
    folder = _yearly_folder(sas_years, tmp_path / "years", ["cr10.sas7bdat", "cr11.sas7bdat"])
    (folder / "cr10.sas7bdat").write_bytes((folder / "cr10.sas7bdat").read_bytes()[:5000])
    refused = run_cli("ingest", str(folder), "--store", str(tmp_path / "s"), "-q")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "cr10.sas7bdat" in refused.stderr and "--skip-unreadable" in refused.stderr
    done = run_cli("ingest", str(folder), "--store", str(tmp_path / "s"), "-q",
                   "--skip-unreadable", "--format", "json")
    assert done.returncode == 0, done.stderr
    [skipped] = json.loads(done.stdout)["skipped"]
    assert skipped["path"] == "cr10.sas7bdat"


def test_sas_member_beside_the_text_in_a_zip_is_listed_as_skipped(tmp_path, store, sas_years):
    text = write(tmp_path / "cr96on.txt", [row(CTFIL=1)])
    archive = tmp_path / "cr96on.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(text, "cr96on.txt")
        zf.write(sas_years / "cr10.sas7bdat", "cr10.sas7bdat")
    report = ingest(archive, store)
    assert report.record["rows"]["stored"] == 1
    [skipped] = report.record["skipped"]
    assert skipped["path"] == "cr96on.zip:cr10.sas7bdat"
    assert "SAS file beside the text file" in skipped["reason"]


# --- item 10: privacy -----------------------------------------------------------------
PERSONAL = {"NAME": "ZEBULON QUIXOTE", "FJUDGE": "JQXZ", "TJUDGE": "KWVY"}


@pytest.mark.parametrize("bad", ["bad number", "bad district", "stray CR", "143 fields",
                                 "150 fields", "too far"])
def test_quarantined_row_never_holds_a_personal_field(tmp_path, store, bad):
    values = row(**PERSONAL)
    if bad == "bad number":
        values["PROBMON1"] = "abc"
    elif bad == "bad district":
        values["DISTRICT"] = "99"
    elif bad == "stray CR":
        values["DOCKET"] = "1\r2"
    elif bad == "too far":
        values["FISCALYR"] = "2030"
        values["LOADDATE"] = "01/01/2020"
    raw = line(values)
    if bad == "143 fields":
        raw = "\t".join(raw.split("\t")[:143])
    elif bad == "150 fields":
        raw = raw + "\tx" * 6
    report = ingest(write(tmp_path / "cr96on.txt", [raw]), store)
    assert report.record["rows"]["quarantined"] == 1
    quarantine = (store.entry("idb").path / "quarantine.csv").read_text()
    for value in PERSONAL.values():
        assert value not in quarantine
    [q] = quarantine_of(store)
    fields = q["raw"].split("\t")
    if bad.endswith("fields"):
        assert fields == raw.split("\t")[:NAMES.index("NAME")]
    elif bad != "too far":  # a late-quarantined row keeps file and line only
        assert len(fields) == len(NAMES)
        assert [fields[NAMES.index(n)] for n in PERSONAL] == ["", "", ""]
        assert fields[NAMES.index("DOCKET")] == values["DOCKET"]


def test_symlinked_system_file_is_skipped_without_its_content(tmp_path, store):
    secret = tmp_path / "elsewhere" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:SECRETWORD:/root:/bin/bash\nuser:x:1000\n")
    folder = tmp_path / "downloads"
    folder.mkdir()
    write(folder / "cr96on.txt", [row()])
    os.symlink(secret, folder / "passwd")
    report = ingest(folder, store)
    [skipped] = report.record["skipped"]
    assert skipped["path"].endswith("passwd")
    assert "not the FJC criminal layout (1 columns" in skipped["reason"]
    assert "SECRETWORD" not in store.manifest_path.read_text().upper()
