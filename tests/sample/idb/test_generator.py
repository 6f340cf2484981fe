"""The synthetic FJC sample: exact layout, determinism, the file's counting semantics,
the Deflate64 zip and the yearly SAS files."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import inflate64
import pytest
from typer.testing import CliRunner

from crossings.cli.main import app
from crossings.codebook import idb as idb_codes
from crossings.ingest import ingest
from crossings.measures import measure
from crossings.sample.idb import model
from crossings.sample.idb.generator import (
    AS_OF,
    MEMBER,
    SYNTHETIC_SOURCE,
    iter_idb_rows,
    iter_idb_text,
    write_idb_sample,
)
from crossings.sample.zipwrite import write_deflate64_zip
from crossings.store import Store

ROWS = 20_000
NAMES = idb_codes.column_names()
COL = {name: i for i, name in enumerate(NAMES)}
CONVICTED = {str(c) for c in idb_codes.conviction_codes()}
FLAGS = ("CTFILTRN", "CTFIL", "CTFILWOR", "CTFILR", "CTTRTRN", "CTTR", "CTTRWOR", "CTTRR",
         "CTPN", "CTPNWOF")
TERM_FIELDS = ("DISPDATE", "SENTDATE", "TERMDATE", "TTITLE1", "DISP1", "PRISTOT", "FINETOT")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """A 20,000-row sample written to disk, its info, and its rows parsed back."""
    out = tmp_path_factory.mktemp("sample")
    info = write_idb_sample(out, rows=ROWS, seed=7)
    data = info.path.read_bytes()
    lines = data.decode("latin-1").split("\r\n")
    assert lines[-1] == ""  # the file ends with CRLF
    return info, data, [line.split("\t") for line in lines[1:-1]]


def _get(row: list[str], name: str) -> str:
    return row[COL[name]]


def _day(text: str) -> date:
    month, day, year = text.split("/")
    return date(int(year), int(month), int(day))


def test_same_seed_same_bytes(tmp_path):
    infos = [write_idb_sample(tmp_path / name, rows=3000, seed=seed, zip=zipped)
             for name, seed, zipped in (("a.txt", 5, False), ("b.txt", 5, False),
                                        ("c.txt", 6, False), ("a.zip", 5, True),
                                        ("b.zip", 5, True))]
    a, b, c, za, zb = infos
    assert a.path.read_bytes() == b.path.read_bytes() and a.sha256 == b.sha256
    assert a.path.read_bytes() != c.path.read_bytes()
    assert za.path.read_bytes() == zb.path.read_bytes() and za.sha256 == zb.sha256
    assert za.text_bytes == a.text_bytes


def test_progress_reports_rows(tmp_path):
    updates = []
    write_idb_sample(tmp_path, rows=3000, seed=1, progress=updates.append)
    assert updates and updates[-1].completed == updates[-1].total == 3000
    assert {u.unit for u in updates} == {"rows"}


@pytest.mark.parametrize("rows", [0, 1, 2, 17, 1234])
def test_exact_row_count(rows, tmp_path):
    info = write_idb_sample(tmp_path, rows=rows, seed=3)
    assert info.path.name == MEMBER
    assert info.path.read_bytes().count(b"\r\n") == rows + 1
    assert sum(1 for _ in iter_idb_rows(rows, 3)) == rows


def test_layout_header_crlf_and_fields(sample):
    info, data, rows = sample
    assert info.rows == len(rows) == ROWS
    assert data.split(b"\r\n", 1)[0].decode("ascii") == "\t".join(NAMES)
    assert data.count(b"\n") == data.count(b"\r\n") == ROWS + 1
    assert all(len(row) == 144 for row in rows)
    assert {_get(r, "SOURCE") for r in rows} == {SYNTHETIC_SOURCE}
    for name in ("NAME", "FJUDGE", "TJUDGE"):
        assert {_get(r, name) for r in rows} == {""}
    assert len(data) / ROWS == pytest.approx(559, rel=0.10)
    # Any non-ASCII byte sits in COUNTY, a code field, nowhere that breaks typing.
    odd = [r for r in rows if not "\t".join(r).isascii()]
    assert all("\t".join(r[:52] + r[53:]).isascii() for r in odd)


def test_rows_match_iterator(sample):
    _, _, rows = sample
    assert list(iter_idb_rows(ROWS, 7)) == rows


def test_dates_numbers_and_keys(sample):
    _, _, rows = sample
    date_names = [c.name for c in idb_codes.layout() if c.kind == "date"]
    numbers = [c.name for c in idb_codes.layout() if c.sas_type == "Num" and c.kind != "date"]
    for r in rows[::7]:
        for name in date_names:
            assert _day(_get(r, name)) <= AS_OF, name
        for name in numbers:  # whole numbers as text, -8 when missing
            assert _get(r, name).lstrip("-").isdigit(), (name, _get(r, name))
        key = _get(r, "DEFLGKY")
        case = _get(r, "CIRCUIT") + _get(r, "DISTRICT") + _get(r, "OFFICE") + _get(r, "DOCKET")
        assert len(key) == 18 and len(_get(r, "CASLGKY")) == 15
        assert key == f"{case}CR{_get(r, 'DEFNO')}{_get(r, 'REOPSEQ')}"
        assert _get(r, "CASLGKY") == f"{case}CR{_get(r, 'REOPSEQ')}"
        assert len(_get(r, "DOCKET")) == 7 and _get(r, "DOCKET").isdigit()
        assert 1996 <= int(_get(r, "FISCALYR")) <= 2026


def test_slot1_citations_carry_the_table_d2_code(sample):
    _, _, rows = sample
    d2 = {c["citation"]: c["d2_offense_code"] for c in idb_codes.citations()}
    listed = missing = 0
    for r in rows:
        for cit_name, code_name in (("FTITLE1", "D2FOFFCD1"), ("TTITLE1", "D2TOFFCD1")):
            cit, code = _get(r, cit_name), _get(r, code_name)
            if cit in d2:
                listed += 1
                # -8 only where planted (trap) or before the D2 codes existed (FY2005).
                assert code in (d2[cit], idb_codes.MISSING), (cit, code)
                filed = _day(_get(r, "FILEDATE"))
                if code == idb_codes.MISSING and filed >= date(2005, 1, 1):
                    missing += 1
            elif cit not in (idb_codes.MISSING,):
                assert code == idb_codes.MISSING, cit  # parseable, not in the table: no D2 code
    assert listed and missing / listed < 0.01


def _latest(rows: list[list[str]]) -> dict[str, list[list[str]]]:
    """Rows per defendant record, one per fiscal year, to check the flags' sequence.

    A re-sent record (same DEFLGKY and FISCALYR, higher VER) is a second flagged
    record, which the counting rules count, as the AO does (see the truth test);
    here only its latest version is read, because the sequence is per year."""
    best: dict[tuple[str, str], list[str]] = {}
    for r in rows:
        key = (_get(r, "DEFLGKY"), _get(r, "FISCALYR"))
        if key not in best or int(_get(r, "VER")) > int(_get(best[key], "VER")):
            best[key] = r
    out: dict[str, list[list[str]]] = defaultdict(list)
    for (key, _), r in best.items():
        out[key].append(r)
    return {k: sorted(v, key=lambda r: int(r[0])) for k, v in out.items()}


def test_flags_consistent_per_defendant(sample):
    _, _, rows = sample
    multi_year_pending = 0
    for key, recs in _latest(rows).items():
        years = [int(r[0]) for r in recs]
        assert years == list(range(years[0], years[-1] + 1)), key
        if any(idb_codes.MISSING in (_get(r, f) for f in FLAGS) for r in recs):
            continue  # planted: early extracts with unpopulated flags
        flag = [{f: int(_get(r, f)) for f in FLAGS} for r in recs]
        assert sum(f["CTFILTRN"] for f in flag) == 1 and flag[0]["CTFILTRN"] == 1
        assert sum(f["CTFIL"] for f in flag) <= 1 and sum(f["CTTRTRN"] for f in flag) <= 1
        assert all(f["CTPN"] == 1 for f in flag[:-1]), key
        pending = _get(recs[-1], "TAPEYEAR") == "2099"
        assert flag[-1]["CTPN"] == int(pending) and flag[-1]["CTTRTRN"] == int(not pending)
        multi_year_pending += len(recs) > 2
        for r, f in zip(recs, flag, strict=True):
            _check_row_flags(r, f)
    assert multi_year_pending > 100


def _check_row_flags(r: list[str], f: dict[str, int]) -> None:
    transfer_in, reopen = _get(r, "TYPETRN") == "CR", int(_get(r, "REOPSEQ")) > 0
    assert f["CTFIL"] == (f["CTFILTRN"] and not transfer_in)
    assert (f["CTFILR"], f["CTFILWOR"]) == (f["CTFIL"] and reopen, f["CTFIL"] and not reopen)
    assert f["CTTR"] == (f["CTTRTRN"] and _get(r, "DISP1") != "0")
    assert (f["CTTRR"], f["CTTRWOR"]) == (f["CTTR"] and reopen, f["CTTR"] and not reopen)
    assert f["CTPNWOF"] <= f["CTPN"] and f["CTPN"] != f["CTTRTRN"]
    terminated = f["CTTRTRN"] == 1
    assert _get(r, "STATUSCD") == ("J" if terminated else "E")
    if not terminated:
        assert {_get(r, n) for n in TERM_FIELDS} <= {idb_codes.MISSING, idb_codes.MISSING_DATE}
    elif _get(r, "DISP1") in CONVICTED:
        assert _day(_get(r, "TERMDATE")) == _day(_get(r, "SENTDATE")) \
            >= _day(_get(r, "DISPDATE")) >= _day(_get(r, "FILEDATE"))
    if _get(r, "TAPEYEAR") != "2099":
        assert _get(r, "TAPEYEAR") == r[0]


def test_transfers_point_back_to_a_rule_20_termination(sample):
    _, _, rows = sample
    by_key = _latest(rows)
    transfers = {_get(r, "DEFLGKY"): r for r in rows if _get(r, "TYPETRN") == "CR"}
    assert transfers
    for key, r in transfers.items():
        origin = (_get(r, "TRANDIST") + _get(r, "TRANOFF") + _get(r, "TRANDOCK") + "CR"
                  + _get(r, "TRANDEF") + "0")
        assert origin[:4] != key[:4]  # another district
        if origin in by_key:  # the origin may lie beyond the budget's cut
            end = by_key[origin][-1]
            assert (_get(end, "DISP1"), _get(end, "CTTRTRN"), _get(end, "CTTR")) \
                == ("0", "1", "0")


def test_mix_and_traps(sample):
    _, _, rows = sample
    filed = [r for r in rows if _get(r, "CTFIL") == "1"]
    imm = [r for r in filed if _get(r, "D2FOFFCD1").startswith("87")
           or _get(r, "FTITLE1").startswith(("8:1324", "8:1325", "8:1326"))]
    assert 0.22 < len(imm) / len(filed) < 0.32
    border = idb_codes.southwest_border_districts()
    assert 0.7 < sum(_get(r, "DISTRICT") in border for r in imm) / len(imm) < 0.85
    assert any(_get(r, "REOPSEQ") != "0" for r in rows)
    assert any(_get(r, "FTITLE1").startswith("8:1326") and _get(r, "TTITLE1").startswith(
        "8:1325") for r in rows)  # pled down
    d2 = {c["citation"] for c in idb_codes.citations()}
    # Planted at low rates: no citation, a citation not in the table, immigration ACA.
    traps = [r for r in rows if _get(r, "FTITLE1") not in d2
             or _get(r, "FTITLE1").startswith("18:13-87")]
    assert 0 < len(traps) < ROWS * 0.01
    assert not any((_get(r, "CIRCUIT"), _get(r, "DISTRICT")) == idb_codes.TEST_DISTRICT
                   for r in rows)


def test_test_district_only_when_asked():
    rows = list(iter_idb_rows(500, 4, test_district_rows=5))
    assert len(rows) == 500
    assert sum((_get(r, "CIRCUIT"), _get(r, "DISTRICT")) == idb_codes.TEST_DISTRICT
               for r in rows) == 5


def _inflate_member(path: Path) -> bytes:
    """The one member of a Deflate64 zip, found through the central directory."""
    with zipfile.ZipFile(path) as zf:
        (info,) = zf.infolist()
        assert info.compress_type == 9 and info.date_time == (1980, 1, 1, 0, 0, 0)
        with pytest.raises(NotImplementedError):
            zf.read(info)  # Python's zipfile cannot decompress method 9
    raw = path.read_bytes()
    start = info.header_offset + 30 + int.from_bytes(raw[26:28], "little") \
        + int.from_bytes(raw[28:30], "little")
    inflater = inflate64.Inflater()
    out = inflater.inflate(raw[start:start + info.compress_size])
    assert len(out) == info.file_size
    return out


@pytest.mark.parametrize("force_zip64", [False, True])
def test_zip_is_valid_deflate64(tmp_path, force_zip64):
    text = b"".join(iter_idb_text(4000, 9))
    path = tmp_path / "cr96on.zip"
    usize, csize = write_deflate64_zip(path, MEMBER, [text[i:i + 65536]
                                                      for i in range(0, len(text), 65536)],
                                       force_zip64=force_zip64)
    assert usize == len(text) and csize < usize
    assert _inflate_member(path) == text
    for tool, args in (("7z", ["t", str(path)]), ("unzip", ["-t", str(path)])):
        exe = shutil.which(tool)
        assert exe, f"{tool} is missing: `make test` installs it (Debian p7zip-full, unzip)"
        done = subprocess.run([exe, *args], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Error" not in done.stdout.replace("No errors", "")


def test_sas_round_trip(tmp_path):
    assert shutil.which("readstat"), "readstat is missing: `make test` installs it (Debian)"
    import pyreadstat

    from crossings.sample.idb.sas import SAS_EPOCH, write_idb_sas

    rows = list(iter_idb_rows(3000, 11))
    paths = write_idb_sas(tmp_path, rows=3000, seed=11)
    years = sorted({r[0] for r in rows})
    assert [p.name for p in paths] == [f"cr{y[2:]}.sas7bdat" for y in years]
    back = []
    for path in paths:
        frame, _ = pyreadstat.read_sas7bdat(str(path))
        assert list(frame.columns) == NAMES
        back += [_sas_row_text(values, SAS_EPOCH) for values in frame.itertuples(index=False)]
    assert back == sorted(rows, key=lambda r: r[0])  # stable: file order within a year


def _sas_row_text(values, epoch: date) -> list[str]:
    out = []
    for col, v in zip(idb_codes.layout(), values, strict=True):
        if col.sas_type == "Char":
            out.append(v)
        elif col.kind == "date":  # plain day numbers since 1960-01-01 (see sas.py)
            out.append((epoch + timedelta(days=int(v))).strftime("%m/%d/%Y"))
        else:
            out.append(str(int(v)))
    return out


def test_cli(tmp_path):
    runner = CliRunner()
    done = runner.invoke(app, ["sample", str(tmp_path), "--rows", "300", "--format", "json",
                               "--quiet"])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert summary["rows"] == 300 and summary["path"] == str(tmp_path / MEMBER)
    done = runner.invoke(app, ["sample", str(tmp_path), "--rows", "300", "--zip", "-q"])
    assert done.exit_code == 0 and "ratio" in done.stdout and "sha256" in done.stdout
    assert runner.invoke(app, ["sample", str(tmp_path), "--source", "court"]).exit_code == 2
    assert runner.invoke(app, ["sample", str(tmp_path), "--zip", "--sas"]).exit_code == 2


# --- truth: what the generator planted, from its own tables ------------------------------
def test_the_engine_counts_what_was_planted(sample, tmp_path):
    info, _, rows = sample
    truth = json.loads(info.truth.read_text(encoding="utf-8"))
    assert truth["rows"] == ROWS and truth["seed"] == 7
    store = Store(tmp_path / "store")
    ingest(info.path, store)
    result = measure("filings", by=["fiscal_year", "charge"], store=store)
    got = {(r["fiscal_year"], r["charge"]): r["defendants"] for r in result.to_pylist()}
    planted = {(t["fiscal_year"], t["charge"]): t["defendants"]
               for t in truth["filings_by_fiscal_year_charge"]}
    assert got == planted
    assert result.meta["data_quality"][
        "defendants_classified_by_older_offense_code_by_fiscal_year"] == truth[
        "filings_by_older_offense_code_by_fiscal_year"]
    # Each flagged record counts, a re-sent one (same DEFLGKY and FISCALYR) included.
    assert sum(planted.values()) == sum(_get(r, "CTFIL") == "1" for r in rows)


def test_code_only_trap_plants_an_older_offense_code():
    from crossings.sample.idb.generator import _Generator

    gen = _Generator(1)
    entry = next(c for c in model._CATS if c.name == "entry")
    smuggling = next(c for c in model._CATS if c.name == "smuggling")
    for cat, citation, old, planted in ((entry, "8:1325A1.P", "8740", "illegal_entry"),
                                        (smuggling, "8:1324.F", "6200", "unreadable")):
        [lead] = gen._trap(cat, "codeonly", [gen.t.charge[citation]])
        cit, _, foffcd, _, d2 = lead[:5]
        # Only the older code is left, and it is the older list's code, not the D2 code.
        assert (cit, d2, foffcd) == (model.M, model.M, old)
        assert foffcd != gen.t.charge[citation][4]
        assert model.OLD_CATEGORY[foffcd] == planted
        # Read as a D2 code it would mislead (8740: other immigration; 6200: not immigration).
        assert model.D2_CATEGORY.get(foffcd, model.NI) != planted
