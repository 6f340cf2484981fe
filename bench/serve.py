"""Open-loop load on a real ``crossings serve`` over a sample store.

    python bench/serve.py [--rows 6300000] [--out bench/out] [--rate 50] [--seconds 60]
                          [--connections 50] [--no-search] [--search-seconds 20]

Builds (or reuses) the court-file sample store of bench/query.py in
``OUT/idb-ROWS/`` (its derived-table cache in ``OUT/cache/``), starts
``crossings serve`` on a free port of 127.0.0.1, and sends it requests at a
fixed rate whatever the answers (open loop: a slow answer does not slow the
arrivals, and each latency counts from when the request was due, so time spent
waiting for one of the ``--connections`` connections counts too). 70% of the
requests repeat 30 fixed URLs (the pages and the API calls a busy day repeats;
each asked once before the clock starts, as a day's first visitors would), 30%
are drawn from 300 distinct parameter combinations (fresh for every run, so the
server's result cache has not seen them). Prints the achieved rate, p50/p99
of each class and the errors, then searches for the highest rate that still
meets the targets (doubling, then halving the gap, runs of ``--search-seconds``).

Targets at 50 requests a second: no error (any 4xx or 5xx, time-out or refused
connection); repeated requests p99 < 100 ms; distinct requests p99 < 1 s.
The load generator shares the machine with the server: its own lag (how late
requests left against their schedule) is printed so a saturated client shows.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import httpx
from query import build_store  # bench/query.py: the same store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from helpers.serve import start_server, stop_server

REPEATED_P99_MS, DISTINCT_P99_MS = 100, 1000
REPEATED_SHARE = 0.7
FIXED_COUNT, DISTINCT_COUNT = 30, 300
REQUEST_TIMEOUT_S = 10
KEEPALIVE_S = 2
#: The court file's charge categories for immigration, and ones beside them.
CHARGES = ("illegal_entry", "illegal_reentry", "alien_smuggling", "other_immigration")
#: Groupings every court-file measure accepts (at most a few thousand rows each).
GROUPINGS = (("fiscal_year",), ("fiscal_year", "charge"), ("district",), ("fiscal_year", "border"),
             ("charge",), ("circuit",), ("fiscal_year", "district"), ("border", "charge"))
#: Measures grouped by their own column too, so they take one dimension at most here.
SELF_GROUPED = ("dispositions", "plea_down", "counsel", "offense_level")


def measure_url(measure: str, **params) -> str:
    """An API URL: lists comma-joined, absent and false parameters left out."""
    pairs = [(k, ",".join(v) if isinstance(v, tuple | list) else
              ("true" if v is True else str(v))) for k, v in params.items()
             if v not in (None, False, (), "")]
    return f"/api/v1/measures/{measure}" + (f"?{urlencode(pairs)}" if pairs else "")


def fixed_urls(pages: tuple[str, ...]) -> list[str]:
    """The 30 URLs a busy day repeats: every page, the overview's and districts' API
    calls, and the codebook and manifest a client asks for first."""
    immigration = ",".join(CHARGES[:3])
    api = [
        measure_url("filings", by=("fiscal_year", "charge"), charge=immigration),
        measure_url("filings", by=("fiscal_year", "border"), charge=immigration),
        measure_url("filings", by=("fiscal_year",), change=True),
        measure_url("filings", by=("district",), charge="illegal_reentry", share=True,
                    sort="-defendants", top=10),
        measure_url("filings", by=("district",), from_year=2024, to_year=2024),
        measure_url("filings", by=("fiscal_year", "charge"), charge=immigration, format="csv"),
        measure_url("sentences", by=("fiscal_year",), charge="illegal_reentry"),
        measure_url("sentences", by=("fiscal_year", "charge"), charge=immigration),
        measure_url("speed", by=("fiscal_year",), charge="illegal_entry"),
        measure_url("speed", by=("fiscal_year", "charge"), charge=immigration),
        measure_url("convictions", by=("fiscal_year", "charge"), charge=immigration),
        measure_url("terminations", by=("fiscal_year",), charge="illegal_entry"),
        measure_url("plea_down", by=("fiscal_year",)),
        measure_url("dispositions", by=("fiscal_year",), charge="illegal_reentry"),
        measure_url("prison_years", by=("fiscal_year",), charge=immigration),
        measure_url("pending", by=("fiscal_year",), charge=immigration),
        measure_url("filings", by=("fiscal_year",), district="41", charge=immigration),
        measure_url("filings", by=("fiscal_year",), district="TXW", charge=immigration),
        measure_url("counsel", by=("fiscal_year",), charge="illegal_reentry"),
        measure_url("offense_level", by=("fiscal_year",)),
        "/api/v1/manifest", "/api/v1/codebook/districts", "/api/v1/codebook/charges",
        "/api/v1/methodology",
        measure_url("filings", by=("charge",), from_year=2024, to_year=2024, share=True),
        measure_url("filings", by=("fiscal_year", "charge"), border="southwest",
                    charge=immigration),
        measure_url("sentences", by=("district",), charge="illegal_reentry", from_year=2024),
        measure_url("speed", by=("district",), charge="illegal_entry", from_year=2024),
        measure_url("filings", by=("circuit",), charge=immigration, from_year=2024),
        measure_url("convictions", by=("fiscal_year",), charge="alien_smuggling"),
    ]
    # Pages first: a site with fewer pages still gets 30 URLs from the API calls.
    return list(dict.fromkeys([*pages, *api]))[:FIXED_COUNT]


def distinct_urls(rng: random.Random, seen: set[str], count: int = DISTINCT_COUNT) -> list[str]:
    """``count`` parameter combinations never asked before in this run of the bench."""
    from crossings.codebook.districts import districts
    from crossings.measures.query import MEASURES

    codes = [d.code for d in districts()]
    out: list[str] = []
    while len(out) < count:
        measure = rng.choice(list(MEASURES))
        by = rng.choice(GROUPINGS)
        if measure in SELF_GROUPED:
            by = by[:1]
        first = rng.randint(1996, 2022)
        url = measure_url(
            measure, by=by, from_year=first, to_year=rng.choice((None, first + rng.randint(0, 6))),
            district=rng.choice((None, None, rng.choice(codes))),
            charge=rng.choice((None, rng.choice(CHARGES), ",".join(rng.sample(CHARGES, 2)))),
            border=rng.choice((None, None, "southwest", "other")),
            share=measure == "filings" and rng.random() < 0.3,
            format=rng.choice((None, None, None, "csv")))
        if url not in seen:
            seen.add(url)
            out.append(url)
    return out


@dataclass
class Sample:
    kind: str  # "repeated" or "distinct"
    url: str
    latency_ms: float  # from when it was due to the last byte
    lag_ms: float  # how late the client sent it against its schedule
    error: str = ""


@dataclass
class Trial:
    rate: float
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    wall_s: float = 0.0

    def latencies(self, kind: str) -> list[float]:
        return sorted(s.latency_ms for s in self.samples if s.kind == kind)

    def errors(self) -> list[Sample]:
        return [s for s in self.samples if s.error]

    def meets_targets(self) -> bool:
        return (not self.errors()
                and percentile(self.latencies("repeated"), 99) < REPEATED_P99_MS
                and percentile(self.latencies("distinct"), 99) < DISTINCT_P99_MS)


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q``th percentile of sorted ``values`` (nan when empty)."""
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, math.ceil(q / 100 * len(values)) - 1))]


async def fetch(client: httpx.AsyncClient, kind: str, url: str, due: float,
                trial: Trial) -> None:
    lag = (time.perf_counter() - due) * 1000
    error = ""
    try:
        response = await client.get(url)
        await response.aread()
        if response.status_code >= 400:
            error = f"HTTP {response.status_code}: {response.text[:160]}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"[:200]
    trial.samples.append(Sample(kind, url, (time.perf_counter() - due) * 1000, lag, error))


async def run_trial(base_url: str, rate: float, seconds: float, connections: int,
                    fixed: list[str], distinct: list[str], seed: int) -> Trial:
    """Send ``rate * seconds`` requests, one every ``1 / rate`` seconds (open loop)."""
    rng = random.Random(seed)
    trial = Trial(rate, seconds)
    # Idle connections are dropped after 2 s, before uvicorn's 5 s keep-alive closes them
    # from its side: a request sent on a connection the server is closing fails with a
    # ReadError that says nothing about the server's speed.
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections,
                          keepalive_expiry=KEEPALIVE_S)
    timeout = httpx.Timeout(REQUEST_TIMEOUT_S, pool=REQUEST_TIMEOUT_S * 3)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout) as client:
        tasks = []
        started = time.perf_counter()
        for n in range(round(rate * seconds)):
            due = started + n / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            if rng.random() < REPEATED_SHARE:
                kind, url = "repeated", rng.choice(fixed)
            else:
                kind, url = "distinct", distinct[n % len(distinct)]
            tasks.append(asyncio.create_task(fetch(client, kind, url, due, trial)))
        await asyncio.gather(*tasks)
        trial.wall_s = time.perf_counter() - started
    return trial


async def warm(base_url: str, urls: list[str]) -> list[str]:
    """Ask each URL once, one after the other, untimed (the first builds or loads the
    store's derived tables): a busy day's first visitors. Returns the failures."""
    failures = []
    async with httpx.AsyncClient(base_url=base_url, timeout=600) as client:
        for url in urls:
            response = await client.get(url)
            if response.status_code >= 400:
                failures.append(f"HTTP {response.status_code} <- {url}")
    return failures


def report(trial: Trial) -> None:
    sent = len(trial.samples)
    print(f"\nrate asked {trial.rate:g}/s for {trial.seconds:g} s: {sent} requests answered in "
          f"{trial.wall_s:.1f} s, achieved {sent / trial.wall_s:.1f}/s; client lag p99 "
          f"{percentile(sorted(s.lag_ms for s in trial.samples), 99):.0f} ms")
    print(f"{'class':<9} {'count':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'target':>10}")
    for kind, target in (("repeated", REPEATED_P99_MS), ("distinct", DISTINCT_P99_MS)):
        values = trial.latencies(kind)
        print(f"{kind:<9} {len(values):>6} {percentile(values, 50):>8.1f} "
              f"{percentile(values, 99):>8.1f} {max(values, default=float('nan')):>8.1f} "
              f"{'p99 < ' + str(target):>10}")
    errors = trial.errors()
    print(f"errors: {len(errors)}" + "".join(
        f"\n  {e.error} <- {e.url}"
        for e in list({(e.error[:60], e.url.split("?")[0]): e for e in errors}.values())[:8]))
    print("targets: " + ("met" if trial.meets_targets() else "MISSED"))


def search(run, start: float, start_met: bool, max_rate: float) -> float:
    """The highest rate meeting the targets, to within 10%: double from ``start``
    until a run misses, then halve the gap. ``run(rate)`` returns a Trial."""
    low, high = (start, None) if start_met else (0.0, start)
    while high is None and low < max_rate:
        rate = min(low * 2, max_rate)
        high, low = (None, rate) if run(rate).meets_targets() else (rate, low)
    while high is not None and (low == 0 or high / low > 1.1) and high - low > 1:
        rate = round((low + high) / 2, 1) if low else round(high / 2, 1)
        low, high = (rate, high) if run(rate).meets_targets() else (low, rate)
    return low


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=6_300_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out",
                        help="folder of the cached store (idb-ROWS) and its cache")
    parser.add_argument("--rate", type=float, default=50, help="requests a second")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--no-search", action="store_true", help="only the run at --rate")
    parser.add_argument("--search-seconds", type=float, default=20)
    parser.add_argument("--max-rate", type=float, default=1600)
    args = parser.parse_args()
    store = args.out / f"idb-{args.rows}"
    if not (store / "manifest.json").exists():
        build_store(args.rows, store)
    from crossings.web.pages import PAGES

    fixed = fixed_urls(PAGES)
    seen: set[str] = set(fixed)
    rng = random.Random(1)
    served = start_server(store, args.out, env={"CROSSINGS_CACHE": str(args.out / "cache")},
                          timeout=300, args=("--quiet",))
    print(f"store {store} ({args.rows:,} rows); server {served.base_url}; load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    try:
        started = time.perf_counter()
        failures = asyncio.run(warm(served.base_url, fixed))
        print(f"the 30 fixed URLs asked once (untimed): {time.perf_counter() - started:.1f} s"
              + "".join(f"\n  {failure}" for failure in failures))

        def run(rate: float, seconds: float = args.search_seconds) -> Trial:
            served.check_alive()
            trial = asyncio.run(run_trial(served.base_url, rate, seconds, args.connections,
                                          fixed, distinct_urls(rng, seen), seed=len(seen)))
            report(trial)
            return trial

        first = run(args.rate, args.seconds)
        if not args.no_search:
            best = search(run, args.rate, first.meets_targets(), args.max_rate)
            print(f"\nhighest rate meeting the targets: {best:g} requests a second "
                  f"(runs of {args.search_seconds:g} s)")
    finally:
        stop_server(served)
        print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
