"""Readers, validation, quarantine and writing the store, one module per concern.

``ingest(path, source=...)`` is the entry point; it dispatches on the source.
"""

from __future__ import annotations

from pathlib import Path

from crossings.errors import InvalidRequest
from crossings.progress import ProgressCallback

SOURCES = ("idb", "lions")


def ingest(path: str | Path, store=None, *, source: str = "idb", force: bool = False,
           release: str | None = None, progress: ProgressCallback | None = None):
    """Ingest ``path`` into ``store``; returns an ``IngestReport``."""
    if source == "idb":
        from crossings.ingest.idb.ingest import ingest_idb

        return ingest_idb(path, store, force=force, release=release, progress=progress)
    if source == "lions":
        from crossings.ingest.lions.ingest import ingest_lions

        return ingest_lions(path, store, force=force, release=release, progress=progress)
    raise InvalidRequest(f"unknown source {source!r}; expected one of: {', '.join(SOURCES)}")
