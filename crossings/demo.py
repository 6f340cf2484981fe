"""The main job on built-in sample data: generate, ingest, count.

``crossings demo`` (and ``make demo``) runs this: a synthetic world is written
in the real layouts, as the court file and as a matching prosecutors' (LIONS)
release covering the same defendants; both are ingested into a demo store
kept apart from real data, summarised by the measures a user would run, and,
with ``sheets``, set out as the fact sheet (HTML and PDF, English and Spanish).

The prosecutors' release (JUNFY2025, data to June 30, 2025) covers the sheet's
headline year, FY2024 (the court file's latest full year), completely, so the
sheet shows its count of illegal-entry filings with the petty cases.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from crossings.ingest import ingest
from crossings.ingest.report import IngestReport
from crossings.measures import Result, measure
from crossings.progress import ProgressCallback
from crossings.sample.lions.generator import write_lions_sample
from crossings.settings import demo_store_dir
from crossings.store import Store

DEMO_DEFENDANTS = 20_000
DEMO_RELEASE = "JUNFY2025"
IMMIGRATION = ["illegal_entry", "illegal_reentry", "alien_smuggling", "other_immigration"]


@dataclass
class DemoReport:
    store: Path
    ingest: IngestReport  # the court file
    lions_ingest: IngestReport  # the prosecutors' release
    filings: Result  # immigration filings by fiscal year and charge
    border: Result  # immigration filings by border region
    sentences: Result  # sentences for illegal re-entry by fiscal year
    next_commands: list[str] = field(default_factory=list)
    sheets: list = field(default_factory=list)  # crossings.report.FactSheet, one a language


def run_demo(store: str | Path | None = None, *, defendants: int = DEMO_DEFENDANTS,
             seed: int = 1, progress: ProgressCallback | None = None,
             sheets: str | Path | None = None) -> DemoReport:
    """Build the demo store; with ``sheets``, write the fact sheets into that folder."""
    target = Store(store or demo_store_dir())
    with tempfile.TemporaryDirectory(prefix="crossings-demo-") as folder:
        sample = write_lions_sample(Path(folder) / "lions", defendants=defendants, seed=seed,
                                    release=DEMO_RELEASE, court_file=Path(folder) / "court",
                                    progress=progress)
        # The demo's own samples replace whatever an earlier demo loaded.
        court = ingest(sample.court_file, target, force=True, replace=True, progress=progress)
        lions = ingest(sample.out, target, source="lions", force=True, replace=True,
                       progress=progress)
    recent = {"from_year": _recent(court.record), "charge": IMMIGRATION}
    report = DemoReport(
        store=target.root, ingest=court, lions_ingest=lions,
        filings=measure("filings", by=["fiscal_year", "charge"], where=recent, store=target),
        border=measure("filings", by=["border"], where=recent, store=target),
        sentences=measure("sentences", by=["fiscal_year"],
                          where={**recent, "charge": "illegal_reentry"}, store=target),
        next_commands=next_commands(target.root),
    )
    if sheets is not None:
        report.sheets = write_sheets(target, Path(sheets))
    return report


def write_sheets(store: Store, folder: Path) -> list:
    """The fact sheet over the demo store, HTML and PDF, in each language."""
    from crossings.report import fact_sheet
    from crossings.report.formats import LANGUAGES

    return [fact_sheet(store, lang=lang, output=folder, pdf=True) for lang in LANGUAGES]


def next_commands(store: Path) -> list[str]:
    """Commands to try on the demo store, each working exactly as printed."""
    s = f"--store {_quoted(store)}"
    return [
        f"crossings stats filings --by fiscal_year,charge --border southwest --change {s}",
        f"crossings stats sentences --by fiscal_year --charge illegal_reentry "
        f"--district 'S.D. Tex.' {s}",
        f"crossings stats filings --source lions --by fiscal_year,court "
        f"--charge illegal_entry {s}",
        f"crossings reconcile --by fiscal_year {s}",
        f"crossings stats filings --by district --charge illegal_reentry --share "
        f"--sort -defendants --top 5 -f csv -o top-districts.csv {s}",
    ]


def _quoted(path: Path) -> str:
    text = str(path)
    return f"'{text}'" if any(c in text for c in " '\"$") else text


def _recent(record: dict) -> int:
    years = sorted(int(y) for y in record["by_fiscal_year"] if y != "unknown")
    return max(years[-8:][0], years[0]) if years else 1996
