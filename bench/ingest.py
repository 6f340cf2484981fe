"""Ingest speed and memory on a calibrated sample, beside a floor and baselines.

    python bench/ingest.py [--rows 1000000] [--seed 1] [--keep DIR] [--no-pandas] [--no-old]

Generates a sample of ``--rows`` rows as a Deflate64 zip (made by 7-Zip, as
the FJC's is: the library's own Deflate64 writer compresses far less), prints
its bytes per row and compression ratio beside the real file's, then runs,
each in its own subprocess so one's peak memory does not taint another's:

* crossings ingest of the zip: wall time, MB/s of uncompressed text, peak RSS,
  stage times;
* the old pipeline (before issue 15, ``legacy=True``) on the same zip;
* the floor: inflating the member with the same decompressor and counting lines;
* baselines on the decompressed text (its decompression not timed): the
  Polars one-liner (every column text, no check) and DuckDB's
  (``read_csv(all_varchar)`` copied to Parquet); and pandas: the member inflated
  into memory, read_csv(sep="\\t", dtype=str), to_parquet (only up to 1,000,000
  rows: it needs GBs of memory).

Targets (2 cores; issue 15): >= 150 MB/s; no slower than the Polars one-liner
(ratio <= 1.0); >= 6x the pandas baseline; peak RSS < 1.5 GB; >= 1.5x the old
pipeline at 1,000,000 rows.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REAL_BYTES_PER_ROW = 3_524_429_156 / 6_299_909
REAL_RATIO = 14.0
TARGET_MBS, TARGET_VS_PANDAS, TARGET_RSS_MB = 150, 6, 1536
TARGET_VS_POLARS, TARGET_VS_OLD = 1.0, 1.5

CHILD = r"""
import json, resource, sys, time
kind, path, work = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}
start = time.perf_counter()
if kind in ("crossings", "old"):
    from crossings.ingest.idb.ingest import ingest_idb
    report = ingest_idb(path, work, force=True, legacy=kind == "old")
    out["rows"] = report.record["rows"]
    out["stages"] = report.seconds
elif kind == "polars":
    import polars as pl
    pl.scan_csv(path, separator="\t", infer_schema=False, encoding="utf8-lossy",
                quote_char=None).sink_parquet(work + "/polars.parquet")
elif kind == "duckdb":
    import duckdb
    duckdb.sql(f"COPY (SELECT * FROM read_csv('{path}', delim='\t', header=true, "
               "all_varchar=true, encoding='latin-1', quote='', escape='')) "
               f"TO '{work}/duckdb.parquet' (FORMAT parquet)")
elif kind == "floor":
    import zipfile
    from crossings.archives import ZipMemberStream
    with zipfile.ZipFile(path) as z:
        info = z.infolist()[0]
    lines = 0
    for chunk in ZipMemberStream(__import__("pathlib").Path(path), info).chunks():
        lines += chunk.count(b"\n")
    out["lines"] = lines
elif kind == "pandas":
    import io, zipfile
    import pandas as pd
    from crossings.archives import ZipMemberStream
    with zipfile.ZipFile(path) as z:
        info = z.infolist()[0]
    text = b"".join(ZipMemberStream(__import__("pathlib").Path(path), info).chunks())
    frame = pd.read_csv(io.BytesIO(text), sep="\t", dtype=str, encoding="latin-1")
    frame.to_parquet(work + "/naive.parquet")
    out["rows"] = len(frame)
out["seconds"] = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
out["peak_rss_mb"] = usage.ru_maxrss / 1024
out["cpu_seconds"] = usage.ru_utime + usage.ru_stime
print(json.dumps(out))
"""


def make_sample(rows: int, seed: int, folder: Path) -> tuple[Path, int]:
    from crossings.sample.idb.generator import write_idb_sample

    started = time.perf_counter()
    info = write_idb_sample(folder / "cr96on.txt", rows=rows, seed=seed)
    print(f"sample: {rows:,} rows written in {time.perf_counter() - started:.0f} s")
    seven = shutil.which("7z")
    if seven is None:
        sys.exit("7z not found: `make install-test` installs Debian's p7zip-full")
    started = time.perf_counter()
    subprocess.run([seven, "a", "-tzip", "-mm=Deflate64", "-mmt=2", str(folder / "cr96on.zip"),
                    str(info.path)], check=True, capture_output=True, cwd=folder)
    print(f"zip (7-Zip, Deflate64) in {time.perf_counter() - started:.0f} s")
    return folder / "cr96on.zip", info.text_bytes


def child(kind: str, path: Path, work: Path) -> dict:
    result = subprocess.run([sys.executable, "-c", CHILD, kind, str(path), str(work)],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas baseline")
    parser.add_argument("--no-old", action="store_true", help="skip the old pipeline")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="crossings-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        zipped, text_bytes = make_sample(args.rows, args.seed, work)
        text = work / "cr96on.txt"  # the decompressed member, for the baselines
        ratio = text_bytes / zipped.stat().st_size
        print(f"bytes per row: {text_bytes / args.rows:,.1f} (real file {REAL_BYTES_PER_ROW:,.1f})"
              f"; compression {ratio:.1f}:1 (real file about {REAL_RATIO:.0f}:1)")
        mb = text_bytes / 1e6
        print("load average before the runs: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        runs = {"floor": child("floor", zipped, work),
                "crossings": child("crossings", zipped, work / "store")}
        if not args.no_old:
            runs["old"] = child("old", zipped, work / "store-old")
        runs["polars"] = child("polars", text, work)
        runs["duckdb"] = child("duckdb", text, work)
        if not args.no_pandas and args.rows <= 1_000_000:
            runs["pandas"] = child("pandas", zipped, work)  # inflating included, as before
        print("load average after the runs: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
        report(runs, mb, text_bytes)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(runs: dict, mb: float, text_bytes: int) -> None:
    # CPU seconds (every thread, user and system) beside the wall time: on a shared
    # machine they move less with the load than the wall time does.
    print(f"\n{'run':<10} {'seconds':>8} {'MB/s':>7} {'peak RSS MB':>12} {'CPU s':>7}")
    for name, r in runs.items():
        print(f"{name:<10} {r['seconds']:>8.1f} {mb / r['seconds']:>7.0f} {r['peak_rss_mb']:>12.0f}"
              f" {r['cpu_seconds']:>7.1f}")
    ours = runs["crossings"]
    speed = mb / ours["seconds"]
    print("\nstages (CPU seconds of the threads doing each; they overlap on two cores):",
          dict(ours["stages"].items()))
    print(f"rows: {ours['rows']}")
    if "old" in runs:
        print("old pipeline's stages:", dict(runs["old"]["stages"].items()))
    print(f"crossings / floor time: {ours['seconds'] / runs['floor']['seconds']:.2f}x")
    polars = ours["seconds"] / runs["polars"]["seconds"]
    print(f"crossings / Polars one-liner time: {polars:.2f}; "
          f"crossings / DuckDB one-liner time: {ours['seconds'] / runs['duckdb']['seconds']:.2f}")
    checks = [(f"speed {speed:.0f} MB/s >= {TARGET_MBS}", speed >= TARGET_MBS),
              (f"peak RSS {ours['peak_rss_mb']:.0f} MB < {TARGET_RSS_MB}",
               ours["peak_rss_mb"] < TARGET_RSS_MB),
              (f"time / Polars one-liner's {polars:.2f} <= {TARGET_VS_POLARS}",
               polars <= TARGET_VS_POLARS)]
    if "old" in runs:
        print(f"CPU seconds, old / new: {runs['old']['cpu_seconds'] / ours['cpu_seconds']:.2f}")
        faster = runs["old"]["seconds"] / ours["seconds"]
        checks.append((f"{faster:.2f}x faster than the old pipeline >= {TARGET_VS_OLD}x",
                       faster >= TARGET_VS_OLD))
    if "pandas" in runs:
        times = runs["pandas"]["seconds"] / ours["seconds"]
        checks.append((f"{times:.1f}x faster than pandas >= {TARGET_VS_PANDAS}x",
                       times >= TARGET_VS_PANDAS))
    for text, ok in checks:
        print(f"  [{'ok' if ok else 'MISSED'}] {text}")
    projected = 3_524_429_156 / 1e6 / speed
    print(f"projected time for the real member (3.52 GB): {projected:.0f} s")


if __name__ == "__main__":
    main()
