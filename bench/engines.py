"""Benchmark: a cross-release measure on DuckDB and on local Spark, 1 to 8 LIONS releases.

    .venv/bin/python bench/engines.py [--mb 200] [--releases 1,2,4,8] [--engines duckdb,spark]
                                      [--dir DIR] [--keep]

1. Builds one synthetic LIONS release of about ``--mb`` MB of kept-table text
   with the sample generator (``crossings sample --source lions``: a
   consistent world whose defendants are filed, convicted and sentenced, so
   the measure counts something; bench/lions.py's random records join to
   nothing), and ingests it under as many release names as the largest count
   asks (the releases hold the same records under different names: each is
   read and counted on its own, as distinct releases are).
2. For each count of releases, in a fresh subprocess per engine (fresh
   derived-table cache): ``filings --by release,fiscal_year,charge --source
   lions``, once cold (the derived tables built) and once warm (cached).
   A sampler in this process sums the RSS of the subprocess and all its
   children (Spark's JVM) every 50 ms: the peak is printed.

Prints the store's bytes per release, then per count and engine: cold and warm
seconds and peak RSS. docs/scaling.md reads its figures from this. Not a test:
run it by hand (it takes a while; ``nice`` it on a shared machine).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import psutil

#: Release names in order (months of fiscal year 2025; the order is the measure's).
NAMES = ("OCTFY2025", "NOVFY2025", "DECFY2025", "JANFY2025", "FEBFY2025", "MARFY2025",
         "APRFY2025", "MAYFY2025", "JUNFY2025", "JULFY2025", "AUGFY2025", "SEPFY2025")
ENGINES = ("duckdb", "spark")

CHILD = r"""
import json, sys, time
from crossings.measures import measure
store, engine = sys.argv[1], sys.argv[2]
times, rows = [], 0
for _ in range(2):
    started = time.perf_counter()
    result = measure("filings", by=["release", "fiscal_year", "charge"], source="lions",
                     store=store, engine=engine)
    times.append(time.perf_counter() - started)
    rows = result.table.num_rows
print(json.dumps({"cold": times[0], "warm": times[1], "rows": rows}))
"""


#: Kept-table text the sample generator writes per defendant (measured: 21.0 MB for 5,000).
TEXT_PER_DEFENDANT = 4200


def build(release: Path, mb: float) -> None:
    from crossings.sample.lions.generator import write_lions_sample

    write_lions_sample(release, defendants=max(100, int(mb * 1e6 / TEXT_PER_DEFENDANT)),
                       seed=1)


def table_text(release: Path) -> int:
    """Bytes of table text (``gs_*.txt`` members) in the release's zips."""
    total = 0
    for path in release.glob("DISK*.zip"):
        with zipfile.ZipFile(path) as archive:
            total += sum(i.file_size for i in archive.infolist()
                         if i.filename.lower().startswith("gs_"))
    return total


def _tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):  # a child that just ended
            total += p.memory_info().rss
    return total


def run_measure(store: Path, engine: str, cache: Path) -> dict:
    """The measure in a subprocess: its answer's timings, and the tree's peak RSS."""
    env = {**os.environ, "CROSSINGS_CACHE": str(cache)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store), engine],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    watched, peak, done = psutil.Process(child.pid), 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                peak = max(peak, _tree_rss(watched))
            except psutil.Error:
                return
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"{engine} failed:\n{err[-3000:]}")
    return {**json.loads(out.strip().splitlines()[-1]), "peak_rss": peak}


def store_bytes(store: Path) -> int:
    return sum(p.stat().st_size for p in (store / "data").rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=200, help="MB of kept-table text a release")
    parser.add_argument("--releases", default="1,2,4,8", help="counts of releases to time")
    parser.add_argument("--engines", default=",".join(ENGINES), help="engines to time")
    parser.add_argument("--dir", type=Path, help="build in (or reuse) this folder")
    parser.add_argument("--keep", action="store_true", help="keep the release and store")
    args = parser.parse_args()
    counts = sorted(int(c) for c in args.releases.split(","))
    work = args.dir or Path(tempfile.mkdtemp(prefix="crossings-bench-engines-"))
    release, store = work / "release", work / "store"
    try:
        if not any(release.glob("DISK*.zip")):
            started = time.perf_counter()
            build(release, args.mb)
            print(f"built {release} in {time.perf_counter() - started:.0f} s", flush=True)
        text = table_text(release)
        print(f"kept-table text per release: {text / 1e6:.0f} MB", flush=True)
        from crossings.ingest import ingest
        from crossings.store import Store

        loaded = len(Store(store).entries("lions")) if (store / "manifest.json").exists() else 0
        print(f"{'releases':>8} {'store MB':>9} {'engine':>7} {'cold s':>7} {'warm s':>7} "
              f"{'peak RSS MB':>11} {'rows':>5}", flush=True)
        for count in counts:
            for name in NAMES[loaded:count]:
                started = time.perf_counter()
                ingest(release, store, source="lions", release=name, force=True)
                print(f"  (ingested {name} in {time.perf_counter() - started:.0f} s)",
                      flush=True)
            loaded = max(loaded, count)
            size = store_bytes(store)
            for engine in args.engines.split(","):
                cache = work / f"cache-{engine}-{count}"
                shutil.rmtree(cache, ignore_errors=True)
                got = run_measure(store, engine, cache)
                print(f"{count:>8} {size / 1e6:>9.0f} {engine:>7} {got['cold']:>7.1f} "
                      f"{got['warm']:>7.1f} {got['peak_rss'] / 1e6:>11.0f} {got['rows']:>5}",
                      flush=True)
        print(f"store bytes per release: {store_bytes(store) / loaded / 1e6:.1f} MB "
              f"({text / (store_bytes(store) / loaded):.1f} bytes of text per stored byte)")
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
