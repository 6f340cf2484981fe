"""Small court-file stores for the store's tests, with counts known by hand."""

from __future__ import annotations

from pathlib import Path

from crossings.ingest import ingest
from crossings.store import Store
from helpers.idb_rows import row, write


def court_file(path: Path, years: dict[int, int], *, loaddate: str = "06/30/2026",
               first_docket: int = 0) -> Path:
    """A court file with ``years[y]`` filed defendants in fiscal year ``y`` (one per docket)."""
    rows, n = [], first_docket
    for year, count in years.items():
        for _ in range(count):
            n += 1
            rows.append(row(CTFIL=1, FISCALYR=year, DOCKET=f"{n:07d}", LOADDATE=loaddate))
    return write(path, rows)


def loaded_store(tmp_path: Path, years: dict[int, int] | None = None,
                 name: str = "store") -> Store:
    """A store holding one court-file release (2015: 3 and 2016: 2 defendants by default)."""
    store = Store(tmp_path / name)
    ingest(court_file(tmp_path / f"{name}-cr96on.txt", years or {2015: 3, 2016: 2}), store)
    return store


def by_year(store: Store) -> dict[int, int]:
    from crossings.measures import measure

    rows = measure("filings", by=["fiscal_year"], store=store).to_pylist()
    return {r["fiscal_year"]: r["defendants"] for r in rows}


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` and its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}
