"""Every measure of both sources, asked one way each, and reconcile: for tests of
the query side (threads, caches, a read-only store) that must cover them all."""

from __future__ import annotations

import hashlib
import math
import os
from pathlib import Path

from crossings.measures import MEASURES, measure
from crossings.measures.reconcile import reconcile

#: (source, measure, keyword arguments): every measure of each source at least once,
#: the derived tables (facts, any_charges, quality, LIONS charges) all read.
ASKS = (
    ("idb", "filings", {"by": ["fiscal_year", "charge"]}),
    ("idb", "filings", {"by": ["statute", "border"]}),
    ("idb", "terminations", {"by": ["district"], "transfers": "include"}),
    ("idb", "convictions", {"by": ["charge"], "any_charge": True}),
    ("idb", "pending", {"by": ["fiscal_year"]}),
    ("idb", "sentences", {"by": ["fiscal_year"]}),
    ("idb", "prison_years", {"by": ["charge"]}),
    ("idb", "dispositions", {"by": ["border"]}),
    ("idb", "speed", {"by": ["border"]}),
    ("idb", "plea_down", {"by": ["fiscal_year"]}),
    ("idb", "counsel", {"by": ["charge"]}),
    ("idb", "offense_level", {"by": ["fiscal_year"]}),
    ("lions", "filings", {"by": ["fiscal_year", "charge", "court"]}),
    ("lions", "terminations", {"by": ["district"]}),
    ("lions", "convictions", {"by": ["charge"], "any_charge": True}),
    ("lions", "sentences", {"by": ["fiscal_year"]}),
    ("lions", "prison_years", {"by": ["fiscal_year"]}),
)

for _source in ("idb", "lions"):
    assert {name for source, name, _ in ASKS if source == _source} == {
        m.name for m in MEASURES.values() if _source in m.sources}, f"a {_source} measure is missing"


def ask(store, source: str, name: str, options: dict, engine: str = "duckdb") -> list[dict]:
    return measure(name, source=source, store=store, engine=engine, **options).to_pylist()


def ask_all(store, engine: str = "duckdb") -> dict:
    """Every ask's rows, and reconcile's, keyed by the ask."""
    out = {(source, name, repr(options)): ask(store, source, name, options, engine)
           for source, name, options in ASKS}
    out["reconcile"] = reconcile(store=store, engine=engine).to_pylist()
    return out


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` with its SHA-256 (folders: "dir")."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs:
            out[os.path.relpath(os.path.join(root, name), folder)] = "dir"
        for name in files:
            path = Path(root) / name
            out[os.path.relpath(path, folder)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def same(a, b) -> bool:
    """Equal answers: every count exactly; a float to its last few bits, because a
    parallel float sum (DuckDB's LIONS mean) may differ in its last bit between runs,
    one thread or many."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    return type(a) is type(b) and a == b
