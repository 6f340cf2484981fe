"""Downloading a LIONS release's files into its folder, checking every disk, and
recording each file's SHA-256 in ``fetch.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from crossings import atomic, settings
from crossings.archives import FileDigest, ZipMemberStream, open_zip, sha256_file
from crossings.errors import CorruptArchive, FetchError
from crossings.fetch.http import Deadline, DeadlinePassed, HTTPStatusError, download
from crossings.fetch.lions.pages import RECORD, FileLink, ReleaseLink, choose_release, list_releases
from crossings.progress import ProgressCallback, ProgressUpdate, silent


# --- fetching and checking ---------------------------------------------------------------
@dataclass
class FetchedFile:
    """One file of the release as it sits in the folder, with its checksum."""

    name: str
    url: str
    kind: str  # "zip" or "doc"
    size: int
    sha256: str
    verified: bool  # a zip read end to end; a readme/log has nothing to check
    members: int = 0
    member_bytes: int = 0  # the members' inflated size
    reused: bool = False  # verified by an earlier run and untouched since
    mtime_ns: int = 0


@dataclass
class LionsFetchResult:
    """The release folder, what is in it, and where it came from."""

    release: str
    folder: Path
    index_url: str
    page_url: str
    how: str  # why this release
    named_from: str  # where its name was read
    fetched_at: str
    record_path: Path
    files: list[FetchedFile]
    available: list[str]  # the releases the page lists
    warnings: list[str] = field(default_factory=list)

    @property
    def zips(self) -> list[FetchedFile]:
        return [f for f in self.files if f.kind == "zip"]

    def to_dict(self) -> dict:
        return {
            "release": self.release, "folder": str(self.folder), "index_url": self.index_url,
            "page_url": self.page_url, "how": self.how, "named_from": self.named_from,
            "fetched_at": self.fetched_at, "record_path": str(self.record_path),
            "available": self.available, "warnings": self.warnings,
            "files": [{k: v for k, v in asdict(f).items() if k != "mtime_ns"}
                      for f in self.files],
        }


def fetch_lions(dest_dir: Path, *, release: str | None = None,
                index_url: str = settings.LIONS_INDEX_URL,
                progress: ProgressCallback | None = None, retries: int | None = None,
                stall_timeout: float | None = None, deadline: float | None = None,
                backoff: float | None = None) -> LionsFetchResult:
    """Download a release's DISK zips (and its readme/log) into ``dest_dir/<RELEASE>/``.

    ``release`` defaults to the latest the page lists. Every zip is verified
    and recorded in ``fetch.json``; files an earlier run verified, unchanged
    since (same address, size and modification time), are not fetched again.
    Raises :class:`FetchError` when the release is not listed, no disks are
    linked, a download fails for good, or a zip fails verification (it is
    then renamed ``*.bad``; the verified ones, and an earlier verified copy of
    the same disk, stay). ``retries``, ``stall_timeout`` and ``deadline`` (for
    the whole fetch) default to ``settings.FETCH_*``.
    """
    progress = progress or silent
    clock = Deadline(deadline)
    releases = list_releases(index_url, stall_timeout=stall_timeout, deadline=clock)
    chosen, name, how = choose_release(releases, release, index_url)
    folder = Path(dest_dir) / name
    folder.mkdir(parents=True, exist_ok=True)
    fetched_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    result = LionsFetchResult(
        release=name, folder=folder, index_url=index_url, page_url=chosen.page_url, how=how,
        named_from=chosen.named_from, fetched_at=fetched_at, record_path=folder / RECORD,
        files=[], available=[r.name for r in releases if r.name],
        warnings=[*chosen.warnings, *_newer_without_disks(releases, chosen)])
    previous = _previous_files(result.record_path)
    result.warnings += _set_aside_stale(folder, chosen)
    options = {"retries": retries, "stall_timeout": stall_timeout, "deadline": clock,
               "backoff": backoff}
    bad: list[CorruptArchive] = []
    for link in chosen.zips:
        try:
            result.files.append(_fetch_zip(link, folder, previous, progress, options))
        except CorruptArchive as exc:
            bad.append(exc)
        _write_record(result, complete=False)
    for link in chosen.docs:
        _fetch_doc(link, result, previous, progress, options)
    _write_record(result, complete=not bad)
    if bad:
        raise _failed_verification(bad, result)
    return result


def _newer_without_disks(releases: list[ReleaseLink], chosen: ReleaseLink) -> list[str]:
    if chosen.month is None:
        return []
    return [f"{r.name} is listed but no DISK zips could be read for it"
            + (f" ({r.error})" if r.error else "")
            for r in releases if r.month and r.month > chosen.month and not r.zips]


def _fetch_zip(link: FileLink, folder: Path, previous: dict[str, dict],
               progress: ProgressCallback, options: dict) -> FetchedFile:
    path = folder / link.name
    kept = _reusable(path, link, previous)
    if kept is not None:
        return kept
    verified = []

    def verify(part: Path) -> None:
        try:
            verified.append(verify_disk(part, progress=progress, name=link.name))
        except CorruptArchive as exc:
            raise CorruptArchive(f"{link.name}: {exc.message}", hint=exc.hint) from exc

    _download(link, path, progress, options, verify)
    sha256, size, members, member_bytes = verified[0]
    return FetchedFile(link.name, link.url, "zip", size, sha256, True, members, member_bytes,
                       mtime_ns=path.stat().st_mtime_ns)


def _fetch_doc(link: FileLink, result: LionsFetchResult, previous: dict[str, dict],
               progress: ProgressCallback, options: dict) -> None:
    """The readme/log beside the disks: useful, not essential, so a 404 is a warning."""
    path = result.folder / link.name
    kept = _reusable(path, link, previous)
    if kept is None:
        try:
            _download(link, path, progress, options)
        except DeadlinePassed:
            raise
        except FetchError as exc:
            result.warnings.append(f"{link.name} could not be fetched ({exc.message}); the "
                                   "ingest looks for the log inside the disks too")
            return
        kept = FetchedFile(link.name, link.url, "doc", path.stat().st_size, sha256_file(path),
                           False, mtime_ns=path.stat().st_mtime_ns)
    result.files.append(kept)


def _download(link: FileLink, path: Path, progress: ProgressCallback, options: dict,
              verify=None) -> None:
    try:
        download(link.url, path, progress=progress, verify=verify, **options)
    except HTTPStatusError as exc:
        raise HTTPStatusError(exc.url, exc.status, exc.reason,
                              hint="the page links a file that is not there: the page may "
                                   "have changed; try again later, or pass --index-url") from exc


def verify_disk(path: Path, *, progress: ProgressCallback | None = None,
                name: str | None = None) -> tuple[str, int, int, int]:
    """Inflate every member of a zip; return its SHA-256, size, members and their bytes.

    Streams each member (nothing is extracted); the CRC-32 and size checks are
    ``ZipMemberStream``'s. Raises :class:`CorruptArchive`.
    """
    progress = progress or silent
    with open_zip(path) as archive:
        infos = sorted((i for i in archive.infolist() if not i.is_dir()),
                       key=lambda i: i.header_offset)
    if not infos:
        raise CorruptArchive("the zip holds no files; a DISK zip holds tables and a README",
                             path=str(path), hint="download it again")
    total, done, task = sum(i.file_size for i in infos), 0, f"verify {name or path.name}"
    digest = FileDigest(path)
    for info in infos:
        # The first member hashes the whole archive in the same pass (what lies
        # before it is only its local header; the rest is read in chunks).
        stream = ZipMemberStream(path, info, digest if info is infos[0] else None)
        for _ in stream.chunks():
            progress(ProgressUpdate(task, completed=done + stream.position, total=total))
        done += info.file_size
    digest.finish()
    return digest.sha256, digest.size, len(infos), total


# --- the folder and its record -----------------------------------------------------------
def _previous_files(record_path: Path) -> dict[str, dict]:
    """The files an earlier run recorded, by name ({} when there is no usable record)."""
    try:
        doc = json.loads(record_path.read_text(encoding="utf-8"))
        return {f["name"]: f for f in doc["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _reusable(path: Path, link: FileLink, previous: dict[str, dict]) -> FetchedFile | None:
    """An earlier run's file, if it is still exactly what that run checked."""
    old = previous.get(link.name)
    if not old or old.get("url") != link.url or (link.kind == "zip" and not old.get("verified")):
        return None
    try:
        stat = path.stat()
        kept = FetchedFile(**{**old, "reused": True})
    except (OSError, TypeError):
        return None
    # Size and modification time to the nanosecond: a file rewritten or
    # truncated since keeps neither, and re-reading 20 GB to prove it is costly.
    if (stat.st_size, stat.st_mtime_ns) != (kept.size, kept.mtime_ns):
        return None
    return kept


def _set_aside_stale(folder: Path, chosen: ReleaseLink) -> list[str]:
    """Zips in the folder the page no longer links (disks are renumbered between
    postings) would be ingested with the new ones: rename them ``*.stale``."""
    linked = {f.name.lower() for f in chosen.zips}
    moved = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() == ".zip" and path.name.lower() not in linked:
            os.replace(path, path.with_name(path.name + ".stale"))
            moved.append(f"{path.name} is not linked for {folder.name} any more: renamed "
                         f"{path.name}.stale")
    return moved


def _failed_verification(bad: list[CorruptArchive], result: LionsFetchResult) -> FetchError:
    listed = "; ".join(e.message for e in bad)
    total = len(bad) + len(result.zips)
    return FetchError(f"{len(bad)} of {total} DISK zips of {result.release} failed "
                      f"verification: {listed}", path=str(result.folder),
                      hint="run the command again to download them afresh (the verified "
                           "disks are kept); if a new copy fails too, the file on DOJ's site "
                           "may itself be damaged")


def _write_record(result: LionsFetchResult, *, complete: bool) -> None:
    doc = {
        "release": result.release, "complete": complete, "index_url": result.index_url,
        "page_url": result.page_url, "how": result.how, "named_from": result.named_from,
        "fetched_at": result.fetched_at, "warnings": result.warnings,
        "files": [asdict(f) for f in result.files],
    }
    atomic.write_text(result.record_path, json.dumps(doc, indent=2) + "\n")
