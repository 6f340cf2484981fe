"""Where the Parquet store lives, its manifest, and atomic swaps.

Layout of a store directory::

    STORE/
      crossings-store.json     the marker: this folder is a crossings store (format)
      manifest.json            the one source of truth: what is loaded
      manifest.json.1 .. .5    the manifests it replaced, newest first
      journal.json             staging folders the store made, releases it retired
      .lock                    held by an ingest while it writes
      data/<source>/<release>-<id>/   one loaded (source, release)
          release.json         the release's own record (as in the manifest)
          <table>/fiscal_year=YYYY/part-0.parquet
          quarantine.csv

An ingest names its staging folder ``data/<source>/.staging-<id>`` in the
journal, builds its data there, then renames it into place and replaces
``manifest.json`` with ``os.replace`` (atomic on POSIX). Readers only look at
folders the manifest names, so an ingest killed at any moment leaves the
previous store whole: at worst a staging folder is left behind, and the next
ingest removes it, because the journal names it. Nothing else is ever
removed, and every path the store acts on must lie inside its ``data``
folder. A release replaced by an ingest is removed once no query holds it.

Before a process first answers from a release (and again when the manifest
changes) its files are checked against what the ingest recorded
(:mod:`crossings.store.contents`): a damaged release is an error, never a
partial answer.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crossings.errors import (
    DamagedStore,
    ManifestDamaged,
    NotAStore,
    ReleaseBeingReplaced,
    ReleaseNotFound,
    StoreBusy,
    StoreError,
    StoreNotFound,
    UnsafePath,
)
from crossings.settings import demo_store_dir, resolve_store_dir
from crossings.store import contents, files
from crossings.store import manifest as mf
from crossings.store.manifest import MANIFEST, MANIFEST_FORMAT, now_iso

__all__ = ["MANIFEST", "MANIFEST_FORMAT", "Entry", "Store", "now_iso"]

STAGING_PREFIX = ".staging-"
#: Manifests parsed and releases checked, per process (bounded, least recently used).
_CACHE_SIZE = 256
_cache_lock = threading.Lock()
_parsed: OrderedDict[str, tuple[tuple, dict]] = OrderedDict()
_checked: OrderedDict[tuple, bool] = OrderedDict()


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

    @functools.cached_property
    def path(self) -> Path:
        """The release folder, resolved; :class:`UnsafePath` if outside the store."""
        return self.store.release_folder(self.record["path"], self.source)

    def table_glob(self, table: str) -> str:
        """Glob of a table's Parquet files, for DuckDB or Ibis."""
        return str(self.path / table / "*" / "*.parquet")


class Store:
    """A store directory: read its manifest, and stage and commit new data."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = resolve_store_dir(root)
        #: Per thread, the manifest a :meth:`reading` block holds releases of.
        self._pinned = threading.local()

    # --- reading -----------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    @property
    def marker_path(self) -> Path:
        return self.root / mf.MARKER

    def manifest(self) -> dict:
        """The manifest, checked for shape (parsed once per version of the file).

        No store yet: an empty manifest. A store whose manifest is missing,
        truncated or odd: :class:`ManifestDamaged` naming the file and the fix.
        Inside a :meth:`reading` block: the version whose releases it holds."""
        pinned = getattr(self._pinned, "manifest", None)
        if pinned is not None:
            return pinned
        try:
            with open(self.manifest_path, "rb") as f:
                st = os.fstat(f.fileno())
                state = (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)
                key = str(self.manifest_path)
                with _cache_lock:
                    hit = _parsed.get(key)
                    if hit and hit[0] == state:
                        _parsed.move_to_end(key)
                        return hit[1]
                text = f.read()
        except NotADirectoryError:
            raise NotAStore("is a file, not a folder (or a file is in its path)",
                            path=str(self.root), hint="--store names the folder of a store"
                            ) from None
        except FileNotFoundError:
            if self.marker_path.exists():
                raise ManifestDamaged(f"{MANIFEST} is missing", path=str(self.manifest_path),
                                      hint=mf.repair_hint(self.root)) from None
            return mf.empty_manifest()
        parsed = mf.parse(text, self.manifest_path, self.root)
        with _cache_lock:
            _remember(_parsed, key, (state, parsed))
        return parsed

    def state(self) -> tuple:
        """What identifies this version of the manifest (changes with every commit)."""
        try:
            st = os.stat(self.manifest_path)
        except (FileNotFoundError, NotADirectoryError):
            return ()
        return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)

    def entries(self, source: str | None = None) -> list[Entry]:
        records = self.manifest()["entries"]
        return [Entry(self, r) for r in records if source is None or r["source"] == source]

    def _empty_hint(self, source: str) -> str:
        """How to get data here; if the demo's store exists elsewhere, how to use it."""
        demo = demo_store_dir()
        if demo.resolve() != self.root.resolve() and (demo / MANIFEST).exists():
            return (f"the demo's data is in {demo}: add --store {demo} to the command, or "
                    f"export CROSSINGS_HOME={demo}")
        return (f"run `crossings ingest FILE --source {source}` (or `crossings demo`) first, "
                "or point --store / CROSSINGS_HOME at the store you built")

    def entry(self, source: str, release: str | None = None, *, check: bool = True) -> Entry:
        """The entry for ``source`` at ``release`` (default: the latest loaded).

        With ``check``, the release's files are checked against the ingest's
        record first (once per process and manifest version):
        :class:`DamagedStore` if they differ."""
        found = self.entries(source)
        if not found:
            raise StoreNotFound(f"no {source} data in the store", path=str(self.root),
                                hint=self._empty_hint(source))
        if release is None:
            chosen = max(found, key=lambda e: (e.record.get("release_order", e.release),
                                               e.release))
        else:
            chosen = next((e for e in found if e.release == release), None)
            if chosen is None:
                known = ", ".join(sorted(e.release for e in found))
                raise ReleaseNotFound(
                    f"release {release!r} of {source} is not in the store (loaded: {known})",
                    path=str(self.root),
                )
        if check:
            self.check(chosen)
        return chosen

    def check(self, entry: Entry) -> None:
        """:class:`DamagedStore` if the release's table files differ from its record."""
        key = (self.state(), str(entry.path))
        with _cache_lock:
            if key in _checked:
                _checked.move_to_end(key)
                return
        found, _ = contents.problems(entry.path, entry.record, tables_only=True)
        if found:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            raise DamagedStore(
                f"{entry.source} release {entry.release} is damaged: {found[0].text}{more}",
                path=str(found[0].path),
                hint="ingest the source again (`crossings ingest FILE --force`); "
                     "`crossings verify` lists every problem")
        with _cache_lock:
            _remember(_checked, key, True)

    @contextlib.contextmanager
    def reading(self, source: str, release: str | None = None, *,
                every: bool = False) -> Iterator[list[Entry]]:
        """The checked entries of ``release`` (or, with ``every``, of all releases),
        held so that an ingest replacing them waits to remove their folders.

        Inside the block this thread's :meth:`entry` and :meth:`entries` answer
        from the same manifest, so a query reads exactly the releases held."""
        previous = getattr(self._pinned, "manifest", None)
        try:
            with contextlib.ExitStack() as held:
                chosen = self._hold(held, source, release, every)
                yield chosen
        finally:
            self._pinned.manifest = previous

    def _hold(self, held: contextlib.ExitStack, source: str, release: str | None,
              every: bool) -> list[Entry]:
        for _ in range(3):
            self._pinned.manifest = None
            state = self.state()
            self._pinned.manifest = self.manifest()
            chosen = self.entries(source) if every else []
            chosen = chosen or [self.entry(source, release, check=False)]
            try:
                for e in chosen:
                    held.enter_context(files.shared_hold(e.path))
            except files.Vanished as gone:
                held.close()
                if self.state() == state:  # no ingest swapped it out: it is just gone
                    raise DamagedStore("the release folder is missing", path=str(gone),
                                       hint=f"{mf.repair_hint(self.root)}; or ingest "
                                            "the source again") from None
                continue  # swapped out meanwhile: read the new manifest
            for e in chosen:
                self.check(e)
            return chosen
        raise ReleaseBeingReplaced(
            f"{source} release {release or '(latest)'} is being replaced by an ingest",
            path=str(self.root), hint="try again in a moment")

    def find_by_sha256(self, source: str, digests: list[str]) -> Entry | None:
        """A loaded entry of ``source`` built from exactly these files, if any."""
        wanted = sorted(digests)
        for e in self.entries(source):
            if sorted(str(f.get("sha256")) for f in e.record["files"]) == wanted:
                return e
        return None

    def release_folder(self, relative: str, source: str) -> Path:
        """``STORE/relative`` resolved, which must be ``data/<source>/<folder>``."""
        data = (self.root / "data").resolve()
        path = (self.root / relative).resolve()
        if path.parent != data / source:
            raise UnsafePath(
                f"the store names {relative!r} as a {source} folder: that is outside "
                f"{data / source}; nothing was read or changed there",
                path=str(self.manifest_path),
                hint="restore the manifest (`crossings store repair`) or correct the path")
        return path

    # --- writing -------------------------------------------------------------
    def claim(self) -> None:
        """Make the folder a store, or check it is one (see :func:`manifest.claim`)."""
        mf.claim(self.root)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store's write lock; clear staging left by killed ingests."""
        self.claim()
        pinned, self._pinned.manifest = getattr(self._pinned, "manifest", None), None
        try:
            with self.locked():
                # A damaged manifest, or one naming a folder outside the store,
                # stops here, before any clean-up.
                for r in self._fresh_manifest()["entries"]:
                    self.release_folder(r["path"], r["source"])
                self._remove_leftovers()
                yield
        finally:  # a writer reads the manifest as it is, not as a reading block holds it
            self._pinned.manifest = pinned

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's write lock (and nothing else: see :meth:`writing`)."""
        try:
            lock = open(self.root / ".lock", "a+")  # noqa: SIM115 (held across the yield)
        except OSError as exc:
            raise files.write_failed(exc, self.root / ".lock") from exc
        with lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise StoreBusy(
                    "another ingest is writing to this store",
                    path=str(self.root),
                    hint="wait for it to finish, or use another --store",
                ) from exc
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def new_staging(self, source: str) -> Path:
        """A new staging folder, named in the journal before it is made (lock held)."""
        name = f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
        relative = f"data/{source}/{name}"
        journal = mf.read_journal(self.root)
        journal["staging"].append({"path": relative, "source": source,
                                   "created_at": now_iso()})
        mf.write_journal(self.root, journal)
        path = self.root / relative
        try:
            path.mkdir(parents=True)
        except OSError as exc:
            raise files.write_failed(exc, path) from exc
        return path

    def discard(self, staging: Path) -> None:
        """Remove a staging folder that will not be committed, and its journal line."""
        shutil.rmtree(staging, ignore_errors=True)
        with contextlib.suppress(OSError, StoreError):
            journal = mf.read_journal(self.root)
            journal["staging"] = [s for s in journal["staging"]
                                  if Path(s.get("path", "")).name != staging.name]
            mf.write_journal(self.root, journal)

    def commit(self, staging: Path, record: dict) -> Entry:
        """Move ``staging`` into place and swap the manifest to include ``record``.

        An existing entry with the same (source, release) is replaced; its
        folder is removed after the new manifest is in place, once no query
        holds it (see :meth:`reading`)."""
        source, release = record["source"], record["release"]
        final_rel = f"data/{source}/{_safe(release)}-{staging.name[len(STAGING_PREFIX):]}"
        final = self.root / final_rel
        manifest = self._fresh_manifest()
        old = [r for r in manifest["entries"] if (r["source"], r["release"]) == (source, release)]
        for r in old:  # refuse before changing anything
            self.release_folder(r["path"], source)
        record = {**record, "path": final_rel, "stored_files": contents.describe(staging)}
        files.write_json(staging / contents.RELEASE_RECORD, record)
        journal = mf.read_journal(self.root)
        for s in journal["staging"]:
            if s.get("path") == f"data/{source}/{staging.name}":
                s["final"] = final_rel
        journal["retired"] += [r["path"] for r in old]
        mf.write_journal(self.root, journal)
        manifest["entries"] = [r for r in manifest["entries"] if r not in old] + [record]
        manifest["entries"].sort(key=lambda r: (r["source"], r["release"]))
        manifest["format"] = MANIFEST_FORMAT
        manifest["updated_at"] = now_iso()
        self._swap_manifest(manifest, staging, final)
        journal["staging"] = [s for s in journal["staging"] if s.get("final") != final_rel]
        self._retire(journal, {r["path"] for r in manifest["entries"]})
        return Entry(self, record)

    def _swap_manifest(self, manifest: dict, staging: Path, final: Path) -> None:
        """Write the new manifest (the one step that needs space) before anything
        moves; then rename the release into place, keep the old manifest as a
        generation, and put the new one in its place."""
        tmp = files.write_temp_json(self.manifest_path, manifest)
        try:
            try:
                os.rename(staging, final)
            except OSError as exc:
                raise files.write_failed(exc, final) from exc
            try:
                mf.keep_generation(self.root)
                os.replace(tmp, self.manifest_path)
            except BaseException as exc:
                os.rename(final, staging)
                if isinstance(exc, OSError):
                    raise files.write_failed(exc, self.manifest_path) from exc
                raise
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        files.fsync_dir(self.root)

    def _fresh_manifest(self) -> dict:
        """The manifest read now (not from the cache): the writer's view."""
        if not self.manifest_path.exists():
            return self.manifest()  # an empty store, or ManifestDamaged
        return mf.read_file(self.manifest_path, self.root)

    def _retire(self, journal: dict, live: set[str]) -> None:
        """Remove retired folders no query holds; the rest wait in the journal."""
        waiting = []
        for relative in journal["retired"]:
            if relative in live:
                continue
            source = Path(relative).parent.name
            if not files.remove_unless_held(self._journal_folder(relative, source)):
                waiting.append(relative)
        journal["retired"] = waiting
        with contextlib.suppress(OSError, StoreError):
            mf.write_journal(self.root, journal)

    def _journal_folder(self, relative: str, source: str) -> Path:
        try:
            return self.release_folder(relative, source)
        except UnsafePath as exc:
            raise UnsafePath(exc.message.replace("the store names", f"{mf.JOURNAL} names"),
                             path=str(self.root / mf.JOURNAL),
                             hint=f"delete {mf.JOURNAL}: it only lists leftovers to clear"
                             ) from None

    def _remove_leftovers(self) -> None:
        """Staging folders the journal names that no manifest entry uses (lock held).

        A folder the journal does not name is never removed, whatever it is."""
        live = {r["path"] for r in self._fresh_manifest()["entries"]}
        journal = mf.read_journal(self.root)
        for s in journal["staging"]:
            for relative in filter(None, (s.get("path"), s.get("final"))):
                folder = self._journal_folder(relative, Path(relative).parent.name)
                if relative not in live:
                    shutil.rmtree(folder, ignore_errors=True)
        journal["staging"] = []
        self._retire(journal, live)
        for tmp in self.root.iterdir():
            if mf.is_temp_json(tmp.name):
                tmp.unlink(missing_ok=True)


def _remember(cache: OrderedDict, key, value) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)


def _safe(release: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in release)
