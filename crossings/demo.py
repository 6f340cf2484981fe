"""The main job on built-in sample data: generate, ingest, count.

``crossings demo`` (and ``make demo``) runs this: a synthetic court file in the
real layout is generated, ingested into a demo store kept apart from real
data, and summarised by the same measures a user would run.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from crossings.ingest import ingest
from crossings.measures import Result, measure
from crossings.progress import ProgressCallback
from crossings.sample.idb.generator import write_fjc_sample
from crossings.settings import default_store_dir
from crossings.store import Store

DEMO_ROWS = 150_000


def demo_store_dir() -> Path:
    """The demo's own store, so synthetic rows never sit beside real ones."""
    return default_store_dir() / "demo"


@dataclass
class DemoReport:
    store: Path
    ingest: object  # IngestReport
    filings: Result  # immigration filings by fiscal year and charge
    border: Result  # immigration filings by border region
    sentences: Result  # sentences for illegal re-entry by fiscal year


def run_demo(store: str | Path | None = None, *, rows: int = DEMO_ROWS, seed: int = 1,
             progress: ProgressCallback | None = None) -> DemoReport:
    target = Store(store or demo_store_dir())
    with tempfile.TemporaryDirectory(prefix="crossings-demo-") as folder:
        sample = write_fjc_sample(Path(folder) / "cr96on.txt", rows=rows, seed=seed,
                                  progress=progress)
        report = ingest(sample.path, target, force=True, progress=progress)
    immigration = ["illegal_entry", "illegal_reentry", "alien_smuggling", "other_immigration"]
    recent = {"from_year": _recent(report.record), "charge": immigration}
    return DemoReport(
        store=target.root,
        ingest=report,
        filings=measure("filings", by=["fiscal_year", "charge"], where=recent, store=target),
        border=measure("filings", by=["border"], where=recent, store=target),
        sentences=measure("sentences", by=["fiscal_year"],
                          where={**recent, "charge": "illegal_reentry"}, store=target),
    )


def _recent(record: dict) -> int:
    years = sorted(int(y) for y in record["by_fiscal_year"] if y != "unknown")
    return max(years[-8:][0], years[0]) if years else 1996
