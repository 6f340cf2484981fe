"""Where the Parquet store lives, its manifest, and atomic swaps.

Layout of a store directory::

    STORE/
      manifest.json            the one source of truth: what is loaded
      .lock                    held by an ingest while it writes
      data/<source>/<release>-<id>/   one loaded (source, release)
          <table>/fiscal_year=YYYY/part-0.parquet
          quarantine.tsv

An ingest builds its data in ``data/<source>/.staging-<id>`` beside the live
data, then renames it into place and replaces ``manifest.json`` with
``os.replace`` (atomic on POSIX). Readers only look at directories the
manifest names, so an ingest killed at any moment leaves the previous store
whole: at worst a staging directory is left behind, and the next ingest
removes it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crossings.errors import ReleaseNotFound, StoreBusy, StoreNotFound
from crossings.settings import resolve_store_dir

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
STAGING_PREFIX = ".staging-"


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class Entry:
    """One loaded (source, release) as the manifest records it."""

    store: Store
    record: dict

    @property
    def source(self) -> str:
        return self.record["source"]

    @property
    def release(self) -> str:
        return self.record["release"]

    @property
    def path(self) -> Path:
        return self.store.root / self.record["path"]

    def table_glob(self, table: str) -> str:
        """Glob of a table's Parquet files, for DuckDB or Ibis."""
        return str(self.path / table / "*" / "*.parquet")


class Store:
    """A store directory: read its manifest, and stage and commit new data."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = resolve_store_dir(root)

    # --- reading -----------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def manifest(self) -> dict:
        try:
            text = self.manifest_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"format": MANIFEST_FORMAT, "entries": []}
        return json.loads(text)

    def entries(self, source: str | None = None) -> list[Entry]:
        records = self.manifest()["entries"]
        return [Entry(self, r) for r in records if source is None or r["source"] == source]

    def entry(self, source: str, release: str | None = None) -> Entry:
        """The entry for ``source`` at ``release`` (default: the latest loaded)."""
        found = self.entries(source)
        if not found:
            raise StoreNotFound(
                f"no {source} data in the store",
                path=str(self.root),
                hint=f"run `crossings ingest FILE --source {source}` (or `crossings demo`) first,"
                " or point --store / CROSSINGS_HOME at the store you built",
            )
        if release is None:
            return max(found, key=lambda e: (e.record.get("release_order", e.release), e.release))
        for e in found:
            if e.release == release:
                return e
        known = ", ".join(sorted(e.release for e in found))
        raise ReleaseNotFound(
            f"release {release!r} of {source} is not in the store (loaded: {known})",
            path=str(self.root),
        )

    def find_by_sha256(self, source: str, digests: list[str]) -> Entry | None:
        """A loaded entry of ``source`` built from exactly these files, if any."""
        wanted = sorted(digests)
        for e in self.entries(source):
            if sorted(f["sha256"] for f in e.record["files"]) == wanted:
                return e
        return None

    # --- writing -------------------------------------------------------------
    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store's write lock; clear staging left by killed ingests."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise StoreBusy(
                    "another ingest is writing to this store",
                    path=str(self.root),
                    hint="wait for it to finish, or use another --store",
                ) from exc
            self._remove_leftovers()
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def new_staging(self, source: str) -> Path:
        path = self.root / "data" / source / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        path.mkdir(parents=True)
        return path

    def commit(self, staging: Path, record: dict) -> Entry:
        """Move ``staging`` into place and swap the manifest to include ``record``.

        An existing entry with the same (source, release) is replaced; its
        directory is removed only after the new manifest is in place.
        """
        source, release = record["source"], record["release"]
        final = staging.parent / f"{_safe(release)}-{staging.name[len(STAGING_PREFIX):]}"
        os.rename(staging, final)
        record = {**record, "path": str(final.relative_to(self.root))}
        manifest = self.manifest()
        old = [r for r in manifest["entries"] if (r["source"], r["release"]) == (source, release)]
        manifest["entries"] = [r for r in manifest["entries"] if r not in old] + [record]
        manifest["entries"].sort(key=lambda r: (r["source"], r["release"]))
        manifest["format"] = MANIFEST_FORMAT
        manifest["updated_at"] = now_iso()
        self._write_manifest(manifest)
        for r in old:
            shutil.rmtree(self.root / r["path"], ignore_errors=True)
        return Entry(self, record)

    def _write_manifest(self, manifest: dict) -> None:
        tmp = self.root / f".{MANIFEST}.{uuid.uuid4().hex[:8]}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2, sort_keys=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.manifest_path)
        _fsync_dir(self.root)

    def _remove_leftovers(self) -> None:
        """Staging dirs and orphans of ingests that were killed (lock is held)."""
        live = {self.root / r["path"] for r in self.manifest()["entries"]}
        data = self.root / "data"
        for source_dir in data.glob("*") if data.exists() else []:
            for child in source_dir.iterdir():
                if child.is_dir() and child not in live:
                    shutil.rmtree(child, ignore_errors=True)
        for tmp in self.root.glob(f".{MANIFEST}.*.tmp"):
            tmp.unlink(missing_ok=True)


def _safe(release: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in release)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
