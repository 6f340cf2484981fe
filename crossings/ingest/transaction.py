"""The one store transaction every ingest runs: lock, already-loaded check,
staging, replace check, commit.

An ingest hands :func:`load` the files that identify its input and a
``build(staging)`` that writes the release into a staging folder and returns
its manifest record. Under the store's write lock:

1. the same files (by SHA-256) already loaded: nothing to do, unless ``force``;
2. the release name (when known before building) already loaded from files
   of other sizes: refused unless ``replace``, before any work;
3. the release is built in a staging folder the store names in its journal;
4. the release name already loaded from other files (another SHA-256):
   refused unless ``replace``; the record names what it replaces;
5. the store commits (renames the folder in, swaps the manifest).

A failure anywhere removes the staging folder and leaves the store as it was;
a full or read-only disk is a :class:`~crossings.errors.StoreWriteFailed`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crossings import archives
from crossings.errors import ReleaseConflict
from crossings.store import Entry, Store
from crossings.store.files import write_error_number, write_failed

Build = Callable[[Path], tuple[dict, dict]]


@dataclass
class Loaded:
    """What the transaction did: ``status`` is "ingested" or "unchanged"."""

    status: str
    record: dict
    seconds: dict = field(default_factory=dict)


def load(store: Store, source: str, files: list[Path], build: Build, *, force: bool = False,
         replace: bool = False, release: str | None = None,
         name_hint: str | None = None) -> Loaded:
    """Ingest into ``store`` the release that ``build`` writes from ``files``.

    ``release``: the release's name when known before building (else it is
    the record's); ``name_hint``: how to fix a wrong name, for the refusal."""
    with store.writing():
        if not force:
            existing = already_loaded(store, source, files)
            if existing is not None:
                return Loaded("unchanged", existing.record)
        if release is not None and not replace:
            _refuse_other_sizes(store, source, release, files, name_hint)
        staging = store.new_staging(source)
        try:
            record, seconds = build(staging)
            replaced = _replaced(store, record, replace, name_hint)
            if replaced is not None:
                record["replaced"] = replaced
            entry = store.commit(staging, record)
        except OSError as exc:
            store.discard(staging)
            if write_error_number(exc) is None:
                raise
            raise write_failed(exc, staging) from exc
        except BaseException:
            store.discard(staging)
            raise
    return Loaded("ingested", entry.record, seconds)


def already_loaded(store: Store, source: str, files: list[Path]) -> Entry | None:
    """The loaded entry built from these very files (by SHA-256), if any.

    Hashing costs a pass over the files, so it is only done when every file
    has the size of a file already loaded."""
    loaded = {f.get("size") for e in store.entries(source) for f in e.record["files"]}
    files = sorted(set(files))
    if not files or any(f.stat().st_size not in loaded for f in files):
        return None
    return store.find_by_sha256(source, [archives.sha256_file(f) for f in files])


def _loaded_as(store: Store, source: str, release: str) -> Entry | None:
    return next((e for e in store.entries(source) if e.release == release), None)


def _refuse_other_sizes(store: Store, source: str, release: str, files: list[Path],
                        name_hint: str | None) -> None:
    """Refuse early when the name is taken by files that cannot be these (other sizes)."""
    existing = _loaded_as(store, source, release)
    if existing is None:
        return
    sizes = sorted(f.stat().st_size for f in set(files))
    if sizes != sorted(f.get("size") for f in existing.record["files"]):
        raise _conflict(existing, [f.name for f in sorted(set(files))], name_hint)


def _replaced(store: Store, record: dict, replace: bool, name_hint: str | None) -> dict | None:
    """What ``record`` replaces (same source and release), or :class:`ReleaseConflict`."""
    existing = _loaded_as(store, record["source"], record["release"])
    if existing is None:
        return None
    same = _digests(existing.record) == _digests(record)
    if not same and not replace:
        raise _conflict(existing, [f["name"] for f in record["files"]], name_hint)
    old = existing.record
    return {"release": old["release"], "same_files": same,
            "files": [{"name": f.get("name"), "sha256": f.get("sha256")} for f in old["files"]],
            "rows": old.get("rows"), "ingested_at": old.get("ingested_at")}


def _digests(record: dict) -> list[str]:
    return sorted(str(f.get("sha256")) for f in record["files"])


def _conflict(existing: Entry, names: list[str], name_hint: str | None) -> ReleaseConflict:
    old = existing.record
    loaded = ", ".join(f"{f.get('name')} (sha256 {str(f.get('sha256'))[:12]}...)"
                       for f in old["files"])
    stored = old.get("rows", {}).get("stored")
    rows = f", {stored:,} rows stored" if isinstance(stored, int) else ""
    return ReleaseConflict(
        f"{existing.source} release {existing.release} is already loaded from other files: "
        f"{loaded}{rows}, ingested {old.get('ingested_at')}; {', '.join(names)} "
        "would replace it",
        path=str(existing.store.root),
        hint="pass --replace (replace=True) to replace the loaded release with these files"
             + (f"; {name_hint}" if name_hint else ", or --release NAME to load them as "
                "another release"))
