"""``/api/v1/manifest``: what the store holds, read through the Store API (never written)."""

from __future__ import annotations

from crossings.errors import DamagedStore, StoreNotFound
from crossings.measures.meta import citation
from crossings.measures.rules_version import RULES_VERSION
from crossings.store import Store
from crossings.version import __version__

NO_STORE_HINT = ("build one (`crossings demo`, or `crossings ingest FILE --source idb`), "
                 "then start `crossings serve --store DIR` on it")


def manifest(store: Store) -> dict:
    """``{"data": [one row per loaded release], "meta": {...}}``: each release's source,
    data as of, source files with their SHA-256, rows, synthetic or not, and whether its
    stored files are as its ingest recorded (checked once per manifest version)."""
    if not store.manifest_path.exists():
        raise StoreNotFound("no store here: nothing is loaded", hint=NO_STORE_HINT)
    document = store.manifest()
    rows = [_release(store, e) for e in store.entries()]
    return {"data": rows, "meta": {
        "updated_at": document.get("updated_at"), "releases": len(rows),
        "synthetic": any(r["synthetic"] for r in rows),
        "data_as_of": {r["source"]: r["data_as_of"] for r in rows},
        "tool_version": __version__, "rules_version": RULES_VERSION,
        "citation": " | ".join(r["citation"] for r in rows)}}


def _release(store: Store, entry) -> dict:
    record = entry.record
    try:
        store.check(entry)
        status = "ok"
    except DamagedStore as exc:
        status = f"damaged: {exc.message}"
    rows = record.get("rows") or {}
    return {"source": entry.source, "release": entry.release,
            "data_as_of": record.get("data_as_of"),
            "synthetic": bool(record.get("synthetic")),
            "ingested_at": record.get("ingested_at"),
            "tool_version": record.get("tool_version"),
            "rows_stored": rows.get("stored"), "rows_quarantined": rows.get("quarantined"),
            "fiscal_years": sorted(y for y in record.get("by_fiscal_year") or {}
                                   if y != "unknown"),
            "files": [{"name": f.get("name"), "size": f.get("size"),
                       "sha256": f.get("sha256")} for f in record["files"]],
            "status": status, "citation": citation(entry.source, record)}
