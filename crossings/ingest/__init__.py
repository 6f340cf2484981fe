"""Readers, validation, quarantine and writing the store, one module per concern.

``ingest(path, source=...)`` is the entry point; each source's own ingest is
found through its descriptor in ``crossings.sources``.
"""

from __future__ import annotations

from pathlib import Path

from crossings import sources
from crossings.errors import InvalidRequest
from crossings.progress import ProgressCallback

SOURCES = sources.NAMES


def ingest(path: str | Path, store=None, *, source: str = "idb", force: bool = False,
           replace: bool = False, release: str | None = None,
           progress: ProgressCallback | None = None, skip_unreadable: bool = False):
    """Ingest ``path`` into ``store``; returns an ``IngestReport``.

    ``force`` ingests again files already loaded; ``replace`` lets files
    replace a release of the same name loaded from other files.
    ``skip_unreadable``: in a folder of the court file's yearly SAS files, list
    an unreadable file as skipped instead of stopping (a year will be missing)."""
    run = sources.get(source).entry_point("ingest")
    options = {}
    if skip_unreadable:
        if not sources.get(source).court_file_options:
            raise InvalidRequest("--skip-unreadable applies to the court file's yearly SAS "
                                 "files (--source idb)")
        options["skip_unreadable"] = True
    return run(path, store, force=force, replace=replace, release=release, progress=progress,
               **options)
