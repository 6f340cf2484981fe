"""``manifest.json``, its earlier generations, the store's marker and its staging journal.

* The **marker** ``crossings-store.json`` says a folder is a crossings store,
  and in which format. A folder without it is only ever written to when it
  is empty (a new store) or holds a valid ``manifest.json`` of today's format
  (a store written before markers existed: it gets one).
* ``manifest.json`` is checked for shape whenever it is read: a missing,
  empty, truncated or odd manifest is a :class:`ManifestDamaged` naming the
  file and the fix, never a reason to delete anything.
* Each time the manifest is replaced, the one it replaces is kept as
  ``manifest.json.1`` (the older ones move up to ``.GENERATIONS``), so
  ``crossings store repair`` can restore the newest readable one.
* The **journal** ``journal.json`` names every staging folder the store made
  (written before the folder is created and filled), and every release folder
  retired by a replace. Clean-up removes only folders it names.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
from pathlib import Path

from crossings.errors import ManifestDamaged, NotAStore
from crossings.store.files import is_temp_of, write_failed, write_json

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
MARKER = "crossings-store.json"
STORE_FORMAT = 1
JOURNAL = "journal.json"
#: Earlier manifests kept: manifest.json.1 (the newest) .. manifest.json.5.
GENERATIONS = 5
#: What a folder may hold and still become a new store: the lock file, the
#: downloads folder ``crossings fetch`` makes in the store by default, and the
#: demo's own store (``settings.demo_store_dir``), which lives inside the default one.
NEW_STORE_MAY_HOLD = frozenset({".lock", "downloads", "demo"})


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def empty_manifest() -> dict:
    return {"format": MANIFEST_FORMAT, "entries": []}


def repair_hint(root: Path) -> str:
    return (f"run `crossings store repair --store {root}`: it restores the newest readable "
            f"earlier manifest ({MANIFEST}.1 ...) or rebuilds it from the release folders' own "
            "records, and deletes nothing")


def shape_problem(manifest) -> str | None:
    """What is wrong with a parsed manifest's shape, or None."""
    if not isinstance(manifest, dict):
        return f"holds a JSON {type(manifest).__name__}, not an object"
    fmt = manifest.get("format")
    if not isinstance(fmt, int) or isinstance(fmt, bool):
        return "has no format number"
    if fmt > MANIFEST_FORMAT:
        return f"is of format {fmt}, written by a newer crossings (this one reads {MANIFEST_FORMAT})"
    entries = manifest.get("entries")
    if not isinstance(entries, list):
        return "has no list of entries"
    seen = set()
    for n, e in enumerate(entries, 1):
        if not isinstance(e, dict):
            return f"entry {n} is not an object"
        for key, kind in (("source", str), ("release", str), ("path", str), ("files", list)):
            if not isinstance(e.get(key), kind):
                return f"entry {n} has no {key} ({kind.__name__})"
        if (e["source"], e["release"]) in seen:
            return f"entry {n} repeats {e['source']} release {e['release']}"
        seen.add((e["source"], e["release"]))
    return None


def parse(text: bytes, path: Path, root: Path) -> dict:
    """The manifest in ``text`` (read from ``path``), or :class:`ManifestDamaged`."""
    problem = None
    if not text.strip():
        problem = "is empty"
    else:
        try:
            manifest = json.loads(text)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problem = f"is not readable JSON (truncated?): {exc}"
        else:
            problem = shape_problem(manifest)
    if problem:
        raise ManifestDamaged(f"{path.name} {problem}", path=str(path), hint=repair_hint(root))
    return manifest


def read_file(path: Path, root: Path) -> dict:
    """Read and check the manifest at ``path`` (it must exist)."""
    try:
        return parse(path.read_bytes(), path, root)
    except IsADirectoryError:
        raise ManifestDamaged(f"{path.name} is a folder", path=str(path),
                              hint=repair_hint(root)) from None


def is_temp_json(name: str) -> bool:
    """A temporary file of the store's own JSON files (left by a killed write)."""
    return any(is_temp_of(name, target) for target in (MANIFEST, JOURNAL, MARKER))


def generation(root: Path, n: int) -> Path:
    return root / f"{MANIFEST}.{n}"


def keep_generation(root: Path) -> None:
    """Move the generations up one and keep the current manifest as ``manifest.json.1``.

    Renames and a hard link: nothing here needs free space."""
    current = root / MANIFEST
    for n in range(GENERATIONS - 1, 0, -1):
        if generation(root, n).exists():
            os.replace(generation(root, n), generation(root, n + 1))
    if current.exists():
        try:
            os.link(current, generation(root, 1))
        except OSError:  # a file system without hard links
            shutil.copyfile(current, generation(root, 1))


# --- the marker -------------------------------------------------------------------------
def read_marker(path: Path, root: Path) -> dict:
    try:
        marker = json.loads(path.read_bytes())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotAStore(f"{path.name} is unreadable: {exc}", path=str(path),
                        hint=f"it marks the folder as a crossings store; write "
                             f'{{"crossings_store": {STORE_FORMAT}}} into it') from exc
    fmt = marker.get("crossings_store") if isinstance(marker, dict) else None
    if not isinstance(fmt, int) or isinstance(fmt, bool):
        raise NotAStore(f"{path.name} does not say it marks a crossings store", path=str(path))
    if fmt > STORE_FORMAT:
        raise NotAStore(f"the store is of format {fmt}, written by a newer crossings "
                        f"(this one knows format {STORE_FORMAT})", path=str(root),
                        hint="upgrade crossings")
    return marker


def claim(root: Path) -> None:
    """Make sure ``root`` is a crossings store we may write to, marking it if needed.

    A new or empty folder becomes a store (an empty manifest, then the marker);
    a folder with a valid manifest of today's format gets the marker; anything
    else is refused, and nothing in it is touched."""
    marker = root / MARKER
    if root.exists() and not root.is_dir():
        raise NotAStore("is a file, not a folder", path=str(root),
                        hint="--store names the folder of a store (it is made if missing)")
    if marker.is_file():
        read_marker(marker, root)
        return
    manifest = root / MANIFEST
    if root.is_dir() and manifest.exists():
        read_file(manifest, root)  # a damaged manifest: repair, never adopt blindly
    elif root.is_dir():
        others = sorted(p.name for p in root.iterdir()
                        if p.name not in NEW_STORE_MAY_HOLD and not is_temp_json(p.name))
        if others:
            shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
            lost = (" If it was a store whose manifest.json was lost, run `crossings store "
                    "repair` on it." if "data" in others else "")
            raise NotAStore(f"is not a crossings store and is not empty (it holds {shown})",
                            path=str(root),
                            hint="give --store a new or empty folder, or the folder of a store "
                                 "crossings made; nothing was changed here." + lost)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failed(exc, root) from exc
    if not manifest.exists():
        write_json(manifest, {**empty_manifest(), "updated_at": now_iso()})
    write_json(marker, {"crossings_store": STORE_FORMAT, "created_at": now_iso(),
                        "about": "this folder is a crossings store; see docs/ingest.md"})


# --- the staging journal -------------------------------------------------------------------
def read_journal(root: Path) -> dict:
    """The journal; a damaged one is set aside (nothing is deleted because of it)."""
    path = root / JOURNAL
    try:
        journal = json.loads(path.read_bytes())
    except FileNotFoundError:
        return {"staging": [], "retired": []}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        journal = None
    ok = (isinstance(journal, dict) and isinstance(journal.get("staging"), list)
          and isinstance(journal.get("retired"), list))
    if not ok:  # keep it for a human, forget what it listed: leftovers stay, nothing is lost
        with contextlib.suppress(OSError):
            os.replace(path, root / f"{JOURNAL}.damaged")
        return {"staging": [], "retired": []}
    return journal


def write_journal(root: Path, journal: dict) -> None:
    write_json(root / JOURNAL, {"format": 1, "staging": journal["staging"],
                                "retired": journal["retired"]})
