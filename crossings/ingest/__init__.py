"""Readers, validation, quarantine and writing the store, one module per concern.

``ingest(path, source=...)`` is the entry point; each source's own ingest is
found through its descriptor in ``crossings.sources``.
"""

from __future__ import annotations

from pathlib import Path

from crossings import sources
from crossings.progress import ProgressCallback

SOURCES = sources.NAMES


def ingest(path: str | Path, store=None, *, source: str = "idb", force: bool = False,
           release: str | None = None, progress: ProgressCallback | None = None):
    """Ingest ``path`` into ``store``; returns an ``IngestReport``."""
    run = sources.get(source).entry_point("ingest")
    return run(path, store, force=force, release=release, progress=progress)
