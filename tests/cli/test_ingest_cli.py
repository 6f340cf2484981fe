"""The ingest end to end: the CLI, exit codes, a killed ingest, SAS against text."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest
from helpers.idb_rows import row, write
from helpers.tools import run_cli

from crossings.ingest import ingest
from crossings.measures import measure
from crossings.sample.idb.generator import write_idb_sample
from crossings.sample.idb.sas import write_idb_sas
from crossings.store import Store


def test_cli_ingest_reports_quarantine_and_exits_0(tmp_path):
    path = write(tmp_path / "cr96on.txt", [row(CTFIL=1), row(FILEDATE="2015-01-01")])
    done = run_cli("ingest", str(path), "--store", str(tmp_path / "s"), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)  # stdout is data only
    assert report["rows"] == {"read": 2, "stored": 1, "quarantined": 1, "blank_lines": 0}
    assert report["quarantine"]["reasons"] == {"bad_date": 1}
    table = run_cli("ingest", str(path), "--store", str(tmp_path / "s"), "--force")
    assert table.returncode == 0
    assert "rows quarantined" in table.stdout and "bad_date" in table.stdout


@pytest.mark.parametrize(("args", "code", "message"), [
    (["ingest", "{tmp}/missing.txt"], 1, "no such file or folder"),
    (["ingest", "{tmp}/bad.zip"], 1, "not a readable zip archive"),
    (["ingest", "{tmp}/x.txt", "--source", "nope"], 2, "--source"),
    (["ingest", "{tmp}/x.txt", "--format", "xml"], 2, "--format"),
    (["stats", "filings"], 1, "no idb data in the store"),
    (["stats", "arrests"], 2, "unknown measure"),
])
def test_exit_codes(tmp_path, args, code, message):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04" + bytes(40))
    write(tmp_path / "x.txt", [row()])
    args = [a.format(tmp=tmp_path) for a in args]
    done = run_cli(*args, "--store", str(tmp_path / "store"))
    assert done.returncode == code, (done.stdout, done.stderr)
    assert message in done.stderr
    assert done.stdout == ""


def test_killed_ingest_leaves_the_previous_store_whole(tmp_path):
    store = Store(tmp_path / "store")
    small = write(tmp_path / "small.txt", [row(CTFIL=1, DOCKET=f"{i:07d}") for i in range(50)])
    ingest(small, store)
    manifest_before = store.manifest_path.read_bytes()
    big = write_idb_sample(tmp_path / "big.txt", rows=150_000, seed=5).path
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "crossings", "ingest", str(big), "--store",
                             str(store.root), "--quiet", "--force"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = store.root / "data" / "idb"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until Parquet is being written
        if any(staging.glob(".staging-*/defendants/*/*.parquet")):
            break
        time.sleep(0.01)
    else:
        proc.kill()
        pytest.fail("the ingest never started writing")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert store.manifest_path.read_bytes() == manifest_before
    assert any(staging.glob(".staging-*"))  # the leftover is there...
    assert measure("filings", store=store).to_pylist() == [{"defendants": 50}]  # ...unread
    ingest(small, store, force=True)  # the next ingest clears it
    assert not any(staging.glob(".staging-*"))
    assert len(store.entries("idb")) == 1


def test_yearly_sas_files_give_the_same_counts_as_the_text(tmp_path):
    rows, seed = 4_000, 11
    text = write_idb_sample(tmp_path / "cr96on.txt", rows=rows, seed=seed).path
    sas_dir = tmp_path / "sas"
    sas_dir.mkdir()
    files = write_idb_sas(sas_dir, rows=rows, seed=seed)
    assert len(files) > 10 and all(f.name.startswith("cr") for f in files)
    a, b = Store(tmp_path / "a"), Store(tmp_path / "b")
    ra, rb = ingest(text, a), ingest(sas_dir, b)
    assert ra.record["rows"] == rb.record["rows"]
    assert rb.record["synthetic"] is True and len(rb.record["files"]) == len(files)
    for name, by in (("filings", ["fiscal_year", "charge"]), ("sentences", ["charge"]),
                     ("speed", ["border"]), ("pending", ["district"])):
        assert measure(name, by=by, store=a).to_pylist() == measure(name, by=by,
                                                                    store=b).to_pylist()
    cols = "* exclude (source_file, source_line)"
    query = "select {c} from read_parquet('{g}') order by all"
    ta = duckdb.sql(query.format(c=cols, g=a.entry("idb").table_glob("defendants"))).fetchall()
    tb = duckdb.sql(query.format(c=cols, g=b.entry("idb").table_glob("defendants"))).fetchall()
    assert ta == tb
