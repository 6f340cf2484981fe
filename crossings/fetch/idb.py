"""Fetching the FJC's criminal defendants file (``cr96on_0.zip``) and checking it.

The FJC links the zip from its dataset page and has renamed it before
(``cr96on.zip`` -> ``cr96on_0.zip``), so the link is read from the page and
the known names in ``settings.FJC_ZIP_URLS`` are the fallback. A download is
only trusted after the whole archive has been read: the central directory
opens, ``cr96on.txt`` is in it and inflates to the promised size with the
promised CRC-32. The same pass computes the archive's SHA-256, which is
written beside it (``*.sha256`` in ``sha256sum`` format, and a small JSON
record of where and when it was fetched) so a journalist can cite exactly
which file a count came from.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import urllib.parse
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from crossings import settings
from crossings.archives import FileDigest, ZipMemberStream, open_zip
from crossings.errors import CorruptArchive, FetchError
from crossings.fetch.http import HTTPStatusError, download, fetch_text, find_links
from crossings.progress import ProgressCallback, ProgressUpdate, silent

#: The one member of the FJC's zip.
MEMBER = "cr96on.txt"

#: A link to the zip on the dataset page: ``.../cr96on.zip``, ``.../cr96on_0.zip``.
ZIP_LINK = re.compile(r"/cr96on[\w.-]*\.zip(?:\?[^/]*)?$", re.IGNORECASE)

#: File name used when the URL's own name is not a plain ``*.zip`` name.
DEFAULT_NAME = "cr96on.zip"

SAFE_NAME = re.compile(r"[\w.-]+\.zip", re.IGNORECASE)


def _rename_hint(page_url: str) -> str:
    return (f"the FJC may have renamed the file; pass --url with the address of the zip "
            f"linked on {page_url}")


@dataclass
class FetchResult:
    """What was downloaded, from where and why that address, and its checksum."""

    url: str
    path: Path
    size: int
    sha256: str
    verified: bool
    member: str
    member_size: int
    how: str  # why this address was used
    fetched_at: str
    sha256_path: Path
    record_path: Path
    #: Addresses tried before ``url``, each with why it was passed over.
    tried: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "url": self.url, "how": self.how, "path": str(self.path), "size": self.size,
            "sha256": self.sha256, "verified": self.verified, "member": self.member,
            "member_size": self.member_size, "fetched_at": self.fetched_at,
            "sha256_path": str(self.sha256_path), "record_path": str(self.record_path),
            "tried": self.tried,
        }


def fetch_idb(dest_dir: Path, *, url: str | None = None, page_url: str = settings.FJC_PAGE_URL,
              fallback_urls: Sequence[str] = settings.FJC_ZIP_URLS,
              progress: ProgressCallback | None = None, timeout: float = 30,
              retries: int = 3, backoff: float | None = None) -> FetchResult:
    """Download the FJC zip into ``dest_dir``, verify it, and record its SHA-256.

    Without ``url`` the link is read from ``page_url``, falling back to
    ``fallback_urls`` in order when the page cannot be read, has no link, or
    the linked file is gone. Raises :class:`FetchError` when no address
    works and :class:`CorruptArchive` when the download is not a sound zip
    (the file is then renamed to ``*.bad``).
    """
    dest_dir = Path(dest_dir)
    progress = progress or silent
    options = {"timeout": timeout, "retries": retries, "backoff": backoff}
    candidates = [(url, "given with --url")] if url else _candidates(
        page_url, fallback_urls, timeout)
    tried: list[dict] = []
    for i, (candidate, how) in enumerate(candidates):
        dest = dest_dir / _file_name(candidate)
        try:
            download(candidate, dest, progress=progress, **options)
        except HTTPStatusError as exc:
            tried.append({"url": candidate, "how": how, "failed": f"HTTP {exc.status}"})
            if i + 1 < len(candidates):
                continue
            raise _no_address(tried, page_url, exc) from exc
        except FetchError as exc:
            # A network failure: the next known name would fail the same way.
            raise FetchError(f"{exc.message} (address chosen because: {how})",
                             hint=exc.hint) from exc
        fetched_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        return _verify_and_record(dest, candidate, how, fetched_at, tried, progress)
    raise FetchError("no address to download the FJC file from",  # fallback list was empty
                     hint=_rename_hint(page_url))


def _no_address(tried: list[dict], page_url: str, last: HTTPStatusError) -> FetchError:
    if len(tried) == 1:
        return HTTPStatusError(last.url, last.status, last.reason, hint=_rename_hint(page_url))
    listed = "; ".join(f"{t['url']} ({t['failed']})" for t in tried)
    return FetchError(f"none of the FJC file's addresses worked: {listed}",
                      hint=_rename_hint(page_url))


def _candidates(page_url: str, fallback_urls: Sequence[str],
                timeout: float) -> list[tuple[str, str]]:
    """Addresses to try in order, each with why it is on the list."""
    try:
        links = find_links(fetch_text(page_url, timeout=timeout), page_url, ZIP_LINK)
    except FetchError as exc:
        reason = f"reading the FJC page failed: {exc.message}"
    else:
        if links:
            rest = [(u, "known name, tried after the page's link failed")
                    for u in fallback_urls if u != links[0]]
            return [(links[0], f"linked from {page_url}")] + rest
        reason = f"the FJC page {page_url} has no link to a cr96on zip"
    return [(u, f"known name: {reason}") for u in fallback_urls]


def _file_name(url: str) -> str:
    """The local name: the URL's own file name when it is a plain ``*.zip`` name."""
    name = PurePosixPath(urllib.parse.unquote(urllib.parse.urlsplit(url).path)).name
    return name if SAFE_NAME.fullmatch(name) else DEFAULT_NAME


def sidecar_paths(path: Path) -> tuple[Path, Path]:
    """``cr96on_0.zip.sha256`` and ``cr96on_0.zip.fetch.json`` beside ``path``."""
    return path.with_name(path.name + ".sha256"), path.with_name(path.name + ".fetch.json")


def _verify_and_record(dest: Path, url: str, how: str, fetched_at: str, tried: list[dict],
                       progress: ProgressCallback) -> FetchResult:
    sha_path, record_path = sidecar_paths(dest)
    try:
        member, sha256, size = verify_zip(dest, progress=progress)
    except (CorruptArchive, FetchError) as exc:
        raise _set_aside(dest, exc) from exc
    result = FetchResult(url=url, path=dest, size=size, sha256=sha256, verified=True,
                         member=member.filename, member_size=member.file_size, how=how,
                         fetched_at=fetched_at, sha256_path=sha_path,
                         record_path=record_path, tried=tried)
    _write_atomic(sha_path, f"{sha256}  {dest.name}\n")
    record = {"url": url, "fetched_at": fetched_at, "size": size, "sha256": sha256,
              "file": dest.name, "member": member.filename, "member_size": member.file_size,
              "member_crc32": f"{member.CRC:08x}", "how": how}
    _write_atomic(record_path, json.dumps(record, indent=2) + "\n")
    return result


def verify_zip(path: Path, *, progress: ProgressCallback | None = None
               ) -> tuple[zipfile.ZipInfo, str, int]:
    """Inflate ``cr96on.txt`` end to end; return its entry, the zip's SHA-256 and size.

    Streams the member (nothing is extracted to disk); the CRC-32 and size
    check is ``ZipMemberStream``'s, and the same read hashes the whole archive.
    """
    progress = progress or silent
    with open_zip(path) as archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
    info = next((i for i in members
                 if PurePosixPath(i.filename).name.lower() == MEMBER), None)
    if info is None:
        names = ", ".join(i.filename for i in members[:5]) or "no members"
        raise FetchError(f"the zip holds {names}, not {MEMBER}", path=str(path),
                         hint="this is not the FJC criminal defendants file: check the address")
    digest = FileDigest(path)
    stream = ZipMemberStream(path, info, digest)
    task = f"verify {path.name}"
    for _ in stream.chunks():
        progress(ProgressUpdate(task, completed=stream.position, total=stream.total))
    digest.finish()
    return info, digest.sha256, digest.size


def _set_aside(dest: Path, exc: CorruptArchive | FetchError) -> CorruptArchive | FetchError:
    """Move a bad download to ``*.bad`` so no later ingest picks it up; say so in the error."""
    bad = dest.with_name(dest.name + ".bad")
    os.replace(dest, bad)
    # The sidecars of an earlier good download describe a file no longer here.
    for stale in sidecar_paths(dest):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    kind = type(exc)
    return kind(f"{exc.message}; the download was moved aside to {bad.name}", path=str(bad),
                hint="run the command again to download it afresh; if the new copy fails "
                     "too, the file on the FJC's site may itself be damaged")


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
