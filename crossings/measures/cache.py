"""Derived tables are a cache, not the store; what a process keeps is bounded.

The store is read-only to queries. What a query derives from a release (the
distinct charge triples, data-quality figures, the integer-coded facts table,
the LIONS charge strings) is written to a cache folder outside the store:
``$CROSSINGS_CACHE`` or the platform's cache dir (settings.py), one folder per

    (release id, charge rules' SHA-256, RULES_VERSION, engine)

where a release's id is its folder in the manifest (named uniquely at each
ingest) and the SHA-256 of its files: a release re-ingested or replaced gets
a new folder, and so does a change of rules or of their version (a stale entry
is never read). Each file is written to a temporary name and renamed into
place (``os.replace``), under an exclusive lock on a lock file beside it, so
two processes building the same entry build it once and never see half a
file. A cached Parquet file that cannot be read (truncated, not Parquet) is
rebuilt over, never trusted. When the cache folder cannot be written (a
read-only home), the table is computed and kept in memory.

In memory, :data:`releases` keeps what a process has loaded of each release
on each engine (registered views, tables held in DuckDB's memory, compiled
SQL), least recently used first out, for at most ``settings.memory_releases()``
releases (``releases.capacity`` to change it). It is keyed by the release's
manifest record, read at every query: a release swapped in by an ingest is
seen on the next query, and the old one's tables are dropped when they fall
out. A release being queried is never dropped under its query.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from crossings.atomic import atomic_path
from crossings.measures import rules_version
from crossings.measures.engine import Engine
from crossings.settings import default_cache_dir, memory_releases
from crossings.store import Entry

#: Bumped when the layout of the cache folder changes (old folders are then unused).
CACHE_FORMAT = 1
#: Compiled queries kept per release (a web face may ask many distinct ones).
COMPILED_QUERIES = 256
#: What a damaged cache file raises when read.
UNREADABLE = (OSError, ValueError, pa.ArrowException, duckdb.Error)


def release_id(entry: Entry) -> str:
    """The release's folder in the manifest and its files' SHA-256, hashed."""
    files = sorted(f.get("sha256", "") for f in entry.record.get("files", []))
    text = json.dumps({"path": entry.record["path"], "files": files})
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)[:60]


# --- on disk --------------------------------------------------------------------
@dataclass(frozen=True)
class DiskCache:
    """One cache folder: the derived tables of one release, rules and engine."""

    folder: Path

    @classmethod
    def of(cls, entry: Entry, rules_sha: str, rules_version: str, engine: str) -> DiskCache:
        release = f"{_safe(entry.release)}-{release_id(entry)}"
        rules = f"{engine}-{_safe(rules_version)}-{rules_sha[:16]}"
        return cls(default_cache_dir() / f"v{CACHE_FORMAT}" / entry.source / release / rules)

    def path(self, name: str) -> Path:
        return self.folder / f"{name}.parquet"

    def table(self, name: str, compute: Callable[[], pa.Table]) -> pa.Table:
        """A small table: read from the cache, or computed once and cached."""
        found = self._build(name, compute, _read_table, compression="snappy")
        return found if isinstance(found, pa.Table) else pq.read_table(found)

    def file(self, name: str, compute: Callable[[], pa.Table], *,
             rebuild: bool = False) -> Path | pa.Table:
        """A large table: the cached Parquet file's path (for the engine to read), or
        the table itself when the cache cannot be written. ``rebuild``: the file
        there failed to load; build it again (unless another process just did)."""
        return self._build(name, compute, _usable_file, compression="zstd",
                           bad=_identity(self.path(name)) if rebuild else None)

    def _build(self, name: str, compute, read, *, compression: str, bad=None):
        path = self.path(name)
        found = None if bad else read(path)
        if found is not None:
            return found
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock = open(self.folder / f".{name}.lock", "a+")  # noqa: SIM115 (closed below)
        except OSError:
            return compute()  # the cache cannot be written: keep the table in memory
        with lock:
            # Another process (or thread) building the same entry: wait, then use it.
            fcntl.flock(lock, fcntl.LOCK_EX)
            found = None if bad and _identity(path) == bad else read(path)
            if found is not None:
                return found
            table = compute()
            try:
                _write_atomically(table, path, compression)
            except OSError:
                return table
        return path if read is _usable_file else table


def _identity(path: Path) -> tuple | None:
    """Which file is at ``path`` now (a rename puts another there)."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_ino, found.st_mtime_ns, found.st_size)


def _read_table(path: Path) -> pa.Table | None:
    """The table, or None when missing or damaged (then rebuilt over)."""
    try:
        return pq.read_table(path)
    except UNREADABLE:
        return None


def _usable_file(path: Path) -> Path | None:
    """The path, if its Parquet footer reads (a truncated file's does not)."""
    try:
        pq.read_metadata(path)
    except UNREADABLE:
        return None
    return path


def _write_atomically(table: pa.Table, path: Path, compression: str) -> None:
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression=compression)


# --- in memory --------------------------------------------------------------------
class Bounded(OrderedDict):
    """A mapping keeping its ``size`` most recently set keys."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size
        self._lock = threading.Lock()

    def __setitem__(self, key, value) -> None:
        with self._lock:
            super().__setitem__(key, value)
            while len(self) > self.size:
                self.popitem(last=False)


class Release:
    """What one process keeps of one release on one engine."""

    def __init__(self, engine: Engine, entry: Entry):
        self.engine = engine
        self.entry = entry
        self.compiled = Bounded(COMPILED_QUERIES)
        #: Small answers that depend only on the release and the filters (data quality).
        self.answers = Bounded(COMPILED_QUERIES)
        self.users = 0
        self._items: dict = {}
        self._tables: list[ibis.Table] = []
        self._lock = threading.RLock()

    def get(self, key, build: Callable):
        """``build()`` once per key; threads asking at once wait for the first."""
        with contextlib.suppress(KeyError):
            return self._items[key]
        with self._lock:
            if key not in self._items:
                self._items[key] = build()
            return self._items[key]

    def disk(self, rules_sha: str) -> DiskCache:
        return DiskCache.of(self.entry, rules_sha, rules_version.RULES_VERSION,
                            self.engine.name)

    def parquet(self, table: str) -> ibis.Table:
        """One of the release's tables in the store (a view: the store is only read)."""
        return self.get(("store", table), lambda: self._keep(
            self.engine.parquet(self.entry.table_glob(table))))

    def arrow(self, key, compute: Callable[[], pa.Table]) -> ibis.Table:
        """A small Arrow table copied into the engine once."""
        return self.get(key, lambda: self._keep(self.engine.load_arrow(compute())))

    def derived(self, disk: DiskCache, name: str, compute: Callable[[], pa.Table], *,
                in_memory: bool) -> ibis.Table:
        """A large derived table from the cache folder, held in the engine's memory
        (``in_memory``) or scanned; a cached file the engine cannot load is rebuilt."""
        found = disk.file(name, compute)
        try:
            return self._keep(self._load(found, in_memory))
        except UNREADABLE:
            if not isinstance(found, Path):
                raise
        return self._keep(self._load(disk.file(name, compute, rebuild=True), in_memory))

    def _load(self, found: Path | pa.Table, in_memory: bool) -> ibis.Table:
        if not isinstance(found, Path):
            return self.engine.load_arrow(found)
        return self.engine.load(found) if in_memory else self.engine.local_file(found)

    def _keep(self, table: ibis.Table) -> ibis.Table:
        self._tables.append(table)
        return table

    def close(self) -> None:
        """Drop what this release registered on the engine."""
        with self._lock:
            for table in self._tables:
                self.engine.drop(table)
            self._tables.clear()
            self._items.clear()
            self.compiled.clear()


class Releases:
    """The releases a process keeps in memory, least recently used first out."""

    def __init__(self, capacity: int | None = None):
        self.capacity = capacity or memory_releases()
        self._lru: OrderedDict[tuple, Release] = OrderedDict()
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def using(self, engine: Engine, entry: Entry) -> Iterator[Release]:
        """The release's in-memory state, kept from eviction while the block runs."""
        record = json.dumps(entry.record, sort_keys=True, default=str)
        key = (engine, str(entry.path), hashlib.sha256(record.encode()).hexdigest())
        with self._lock:
            release = self._lru.pop(key, None) or Release(engine, entry)
            self._lru[key] = release
            release.users += 1
        try:
            yield release
        finally:
            with self._lock:
                release.users -= 1
                unused = self._overflow()
            for old in unused:
                old.close()

    def _overflow(self) -> list[Release]:
        """Drop the least recently used releases beyond capacity (not ones in use)."""
        out = []
        for key in list(self._lru):
            if len(self._lru) <= self.capacity:
                break
            if self._lru[key].users == 0:
                out.append(self._lru.pop(key))
        return out

    def __len__(self) -> int:
        return len(self._lru)

    def clear(self) -> None:
        with self._lock:
            unused = [r for r in self._lru.values() if r.users == 0]
            self._lru = OrderedDict((k, r) for k, r in self._lru.items() if r.users)
        for old in unused:
            old.close()


#: The process-wide in-memory cache of releases.
releases = Releases()
