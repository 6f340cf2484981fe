"""Checking a whole store (``crossings verify``) and repairing its manifest
(``crossings store repair``).

:func:`verify` checks every release against what its ingest recorded:
files present, no extra Parquet file, sizes, row counts from the Parquet
footers and, with ``deep``, every file's SHA-256. Releases ingested before
files were recorded are checked as far as possible and say what was not.

:func:`repair` rebuilds a missing or damaged ``manifest.json``: it takes the
newest earlier generation (``manifest.json.1`` ...) that is readable and
whose release folders all exist, then adds every committed release folder
the generation does not know, from the folder's own ``release.json`` (the
newer one wins for a release name). Staging and retired folders the journal
names are never taken. The damaged manifest is kept beside it; nothing is
deleted.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from crossings.errors import ManifestDamaged, NotAStore, StoreError, UnsafePath
from crossings.store import Store, contents, files
from crossings.store import manifest as mf


@dataclass
class VerifyReport:
    """One row per release (one per problem for a damaged release)."""

    rows: list[dict] = field(default_factory=list)
    problems: int = 0
    deep: bool = False


def verify(store: Store, *, deep: bool = False) -> VerifyReport:
    """Check every release of ``store`` against its record (``deep``: checksums too)."""
    report = VerifyReport(deep=deep)
    for entry in store.entries():
        where = {"source": entry.source, "release": entry.release}
        try:
            folder = entry.path
        except UnsafePath as exc:
            report.rows.append({**where, "status": "damaged", "file": entry.record["path"],
                                "detail": exc.message})
            report.problems += 1
            continue
        found, unchecked = contents.problems(folder, entry.record, deep=deep)
        for p in found:
            report.rows.append({**where, "status": "damaged", "file": str(p.path),
                                "detail": p.text})
        report.problems += len(found)
        if not found:
            recorded = entry.record.get("stored_files") or []
            what = "sizes, row counts and SHA-256" if deep else "sizes and row counts"
            detail = "; ".join(unchecked) or f"{len(recorded)} files: {what} as recorded"
            report.rows.append({**where, "status": "unchecked" if unchecked else "ok",
                                "file": str(folder), "detail": detail})
    journal = mf.read_journal(store.root) if (store.root / mf.JOURNAL).exists() else None
    for relative in (journal or {}).get("retired", []):
        report.rows.append({"source": Path(relative).parent.name, "release": "",
                            "status": "note", "file": relative,
                            "detail": "a replaced release, removed by the next ingest once "
                                      "no query holds it"})
    return report


@dataclass
class RepairReport:
    status: str  # "nothing to repair" or "repaired"
    actions: list[str] = field(default_factory=list)
    entries: list[dict] = field(default_factory=list)  # source, release, path, taken_from


def repair(store: Store) -> RepairReport:
    """Restore ``manifest.json`` from its generations and the releases' own records."""
    root = store.root
    if not root.is_dir():
        raise NotAStore("no such store folder", path=str(root))
    try:
        current = mf.read_file(store.manifest_path, root)
    except FileNotFoundError:
        current = None
    except ManifestDamaged as exc:
        current, damage = None, exc.message
    else:
        return RepairReport("nothing to repair",
                            [f"{mf.MANIFEST} is readable: nothing to repair"],
                            [_row(r, mf.MANIFEST) for r in current["entries"]])
    if current is None and not store.manifest_path.exists():
        damage = f"{mf.MANIFEST} is missing"
    records = _release_records(store)
    generations = [g for n in range(1, mf.GENERATIONS + 1)
                   if (g := mf.generation(root, n)).exists()]
    if not (records or generations or store.marker_path.exists()
            or store.manifest_path.exists()):
        raise NotAStore("is not a crossings store: no marker, manifest, earlier manifest or "
                        "release record to repair from", path=str(root))
    with store.locked():
        actions = [damage]
        base, base_name = _newest_usable_generation(store, actions)
        chosen = {(r["source"], r["release"]): (r, base_name) for r in base["entries"]}
        for record, where in records:
            key = (record["source"], record["release"])
            known = chosen.get(key)
            if known is None or (known[0]["path"] != record["path"] and str(
                    record.get("ingested_at")) > str(known[0].get("ingested_at"))):
                chosen[key] = (record, where)
                actions.append(f"took {record['source']} release {record['release']} "
                               f"from {where}")
        if not chosen and base_name is None:
            raise StoreError(
                "cannot repair: no readable earlier manifest and no release folder with its "
                "own record", path=str(root),
                hint="ingest the sources again into a new --store")
        entries = sorted((r for r, _ in chosen.values()),
                         key=lambda r: (r["source"], r["release"]))
        _set_aside(store, actions)
        files.write_json(store.manifest_path, {
            "format": mf.MANIFEST_FORMAT, "entries": entries, "updated_at": mf.now_iso(),
            "repaired_at": mf.now_iso()})
        if not store.marker_path.exists():
            store.claim()
        actions.append(f"wrote {mf.MANIFEST} with {len(entries)} release(s)")
    rows = [_row(r, where) for r, where in sorted(chosen.values(), key=lambda c: (
        c[0]["source"], c[0]["release"]))]
    return RepairReport("repaired", actions, rows)


def _row(record: dict, taken_from: str | None) -> dict:
    return {"source": record["source"], "release": record["release"],
            "path": record["path"], "taken_from": taken_from or ""}


def _newest_usable_generation(store: Store, actions: list[str]) -> tuple[dict, str | None]:
    """The newest generation that is readable and whose folders all exist."""
    for n in range(1, mf.GENERATIONS + 1):
        path = mf.generation(store.root, n)
        if not path.exists():
            continue
        try:
            candidate = mf.read_file(path, store.root)
            missing = [r["path"] for r in candidate["entries"]
                       if not store.release_folder(r["path"], r["source"]).is_dir()]
        except (ManifestDamaged, UnsafePath) as exc:
            actions.append(f"skipped {path.name}: {exc.message}")
            continue
        if missing:
            actions.append(f"skipped {path.name}: it names {len(missing)} release folder(s) "
                           f"no longer there ({', '.join(missing[:3])})")
            continue
        actions.append(f"restored {path.name} ({len(candidate['entries'])} release(s))")
        return candidate, path.name
    return mf.empty_manifest(), None


def _release_records(store: Store) -> list[tuple[dict, str]]:
    """``release.json`` of every committed release folder, oldest first; the journal's
    staging and retired folders left out."""
    journal = mf.read_journal(store.root)
    skip = {p for s in journal["staging"] for p in (s.get("path"), s.get("final"))}
    skip |= set(journal["retired"])
    found = []
    for path in sorted(store.root.glob(f"data/*/*/{contents.RELEASE_RECORD}")):
        relative = path.parent.relative_to(store.root).as_posix()
        if relative in skip:
            continue
        try:
            record = json.loads(path.read_bytes())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(record, dict) and record.get("path") == relative and not mf.shape_problem(
                {"format": mf.MANIFEST_FORMAT, "entries": [record]}):
            found.append((record, relative + "/" + contents.RELEASE_RECORD))
    return sorted(found, key=lambda f: str(f[0].get("ingested_at")))


def _set_aside(store: Store, actions: list[str]) -> None:
    """Keep a damaged manifest for a human, under a name nothing reads."""
    if store.manifest_path.exists():
        kept = store.root / f"{mf.MANIFEST}.damaged-{mf.now_iso().replace(':', '')}"
        os.replace(store.manifest_path, kept)
        actions.append(f"kept the damaged manifest as {kept.name}")
