"""Throughput and latency of mixed measures from 1 and from 8 threads of one process.

    python bench/concurrency.py [--rows 6300000] [--seconds 20] [--out bench/out]

Builds (or reuses) a court-file sample store of ``--rows`` rows in
``OUT/idb-ROWS/`` with its derived-table cache in ``OUT/cache/`` (building the
6.3M store takes a minute or two; it is done once). Then, in its own
subprocess, after every measure has run once (which builds or loads the cache),
runs the mix of bench/query.py (every measure by fiscal year and charge, each
also with --any-charge) for ``--seconds`` from one thread, then for as long
from 8 threads, each thread starting at another point of the mix. Prints
queries per second and the p50 / p99 latency of each run.

Target: 8 threads are not slower in throughput than 1 (the machine has 2
cores, so they cannot be 8 times faster: what is tested is that queries do
not queue behind one lock).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from query import build_store  # bench/query.py: the same store

CHILD = r"""
import json, statistics, sys, threading, time
store, seconds = sys.argv[1], float(sys.argv[2])
from crossings.measures import MEASURES, measure
mix = [(name, any_charge) for name in MEASURES for any_charge in (False, True)
       if not (any_charge and name == "plea_down")]

def ask(name, any_charge):
    by = ["fiscal_year"] if name == "plea_down" else ["fiscal_year", "charge"]
    return measure(name, by=by, store=store, any_charge=any_charge)

started = time.perf_counter()
for job in mix:
    ask(*job)
warm = time.perf_counter() - started

def run(threads):
    times = [[] for _ in range(threads)]
    deadline = time.perf_counter() + seconds
    def work(n):
        i = n * len(mix) // threads
        while time.perf_counter() < deadline:
            t = time.perf_counter()
            ask(*mix[i % len(mix)])
            times[n].append(time.perf_counter() - t)
            i += 1
    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    t0 = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t0
    flat = sorted(x * 1000 for ts in times for x in ts)
    return {"threads": threads, "queries": len(flat), "seconds": elapsed,
            "per_second": len(flat) / elapsed, "p50": statistics.median(flat),
            "p99": flat[min(len(flat) - 1, round(0.99 * (len(flat) - 1)))]}

print(json.dumps({"warm_s": warm, "runs": [run(1), run(8)]}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=6_300_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = parser.parse_args()
    store = args.out / f"idb-{args.rows}"
    if not (store / "manifest.json").exists():
        build_store(args.rows, store)
    env = {**os.environ, "CROSSINGS_CACHE": str(args.out / "cache")}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CHILD, str(store), str(args.seconds)],
                          capture_output=True, text=True, env=env, check=False)
    if done.returncode:
        raise SystemExit(done.stderr)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"store: {store} ({args.rows:,} rows); every measure once first (builds or "
          f"loads the cache): {out['warm_s']:.1f} s; total {time.perf_counter() - started:.0f} s")
    print(f"\n{'threads':>7} {'queries':>8} {'queries/s':>10} {'p50 ms':>8} {'p99 ms':>8}")
    for r in out["runs"]:
        print(f"{r['threads']:>7} {r['queries']:>8} {r['per_second']:>10.1f} "
              f"{r['p50']:>8.1f} {r['p99']:>8.1f}")
    one, eight = out["runs"]
    ratio = eight["per_second"] / one["per_second"]
    print(f"\n8 threads / 1 thread throughput: {ratio:.2f}x (target: not below 1.00x): "
          + ("met" if ratio >= 1 else "MISSED"))


if __name__ == "__main__":
    main()
