"""Fetching the FJC's criminal defendants file (``cr96on_0.zip``) and checking it.

The FJC links the zip from its dataset page and has renamed it before
(``cr96on.zip`` -> ``cr96on_0.zip``), so the link is read from the page and
the known names in ``settings.FJC_ZIP_URLS`` are the fallback. A download is
only trusted after the whole archive has been read: the central directory
opens, it holds ``cr96on.txt`` and nothing the ingest would refuse, and the
member inflates to the promised size with the promised CRC-32. Until then
it is a part file: an earlier good download is replaced only by a verified one. The same pass computes the archive's SHA-256, which is
written beside it (``*.sha256`` in ``sha256sum`` format, and a small JSON
record of where and when it was fetched) so a journalist can cite exactly
which file a count came from.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath

from crossings import atomic, settings
from crossings.archives import FileDigest, ZipMemberStream, text_or_sas_members
from crossings.errors import FetchError, SourceError
from crossings.fetch.http import (
    Deadline,
    HTTPStatusError,
    check_url,
    download,
    fetch_text,
    find_links,
)
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
              progress: ProgressCallback | None = None, retries: int | None = None,
              stall_timeout: float | None = None, deadline: float | None = None,
              backoff: float | None = None) -> FetchResult:
    """Download the FJC zip into ``dest_dir``, verify it, and record its SHA-256.

    Without ``url`` the link is read from ``page_url``, falling back to
    ``fallback_urls`` in order when the page cannot be read, has no link, or
    the linked file is gone. Raises :class:`FetchError` when no address
    works and :class:`CorruptArchive` (or another source error) when the
    download is not the zip the ingest reads: it is then renamed ``*.bad``
    and an earlier good download stays in place. ``retries``,
    ``stall_timeout`` and ``deadline`` (for the whole fetch) default to
    ``settings.FETCH_*``.
    """
    dest_dir = Path(dest_dir)
    progress = progress or silent
    if url:
        check_url(url)
    else:
        check_url(page_url, "--page-url")
    clock = Deadline(deadline)
    options = {"retries": retries, "stall_timeout": stall_timeout, "deadline": clock,
               "backoff": backoff}
    candidates = [(url, "given with --url")] if url else _candidates(
        page_url, fallback_urls, stall_timeout, clock)
    tried: list[dict] = []
    verified: list[tuple[zipfile.ZipInfo, str, int]] = []  # what verify_zip found
    for i, (candidate, how) in enumerate(candidates):
        dest = dest_dir / _file_name(candidate)
        try:
            download(candidate, dest, progress=progress, **options,
                     verify=partial(_verify_into, verified, progress, dest.name))
        except HTTPStatusError as exc:
            tried.append({"url": candidate, "how": how, "failed": f"HTTP {exc.status}"})
            if i + 1 < len(candidates):
                continue
            raise _no_address(tried, page_url, exc) from exc
        except SourceError:
            raise  # verification failed: the error says where the download went
        except FetchError as exc:
            # A network failure: the next known name would fail the same way.
            raise type(exc)(f"{exc.message} (address chosen because: {how})",
                            hint=exc.hint) from exc
        fetched_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        return _record(dest, candidate, how, fetched_at, tried, *verified[-1])
    raise FetchError("no address to download the FJC file from",  # fallback list was empty
                     hint=_rename_hint(page_url))


def _no_address(tried: list[dict], page_url: str, last: HTTPStatusError) -> FetchError:
    if len(tried) == 1:
        return HTTPStatusError(last.url, last.status, last.reason, hint=_rename_hint(page_url))
    listed = "; ".join(f"{t['url']} ({t['failed']})" for t in tried)
    return FetchError(f"none of the FJC file's addresses worked: {listed}",
                      hint=_rename_hint(page_url))


def _candidates(page_url: str, fallback_urls: Sequence[str], stall_timeout: float | None,
                deadline: Deadline) -> list[tuple[str, str]]:
    """Addresses to try in order, each with why it is on the list."""
    try:
        page = fetch_text(page_url, stall_timeout=stall_timeout, deadline=deadline)
        links = find_links(page, page_url, ZIP_LINK)
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


def _record(dest: Path, url: str, how: str, fetched_at: str, tried: list[dict],
            member: zipfile.ZipInfo, sha256: str, size: int) -> FetchResult:
    """Write the checksum and the fetch record beside a verified download."""
    sha_path, record_path = sidecar_paths(dest)
    result = FetchResult(url=url, path=dest, size=size, sha256=sha256, verified=True,
                         member=member.filename, member_size=member.file_size, how=how,
                         fetched_at=fetched_at, sha256_path=sha_path,
                         record_path=record_path, tried=tried)
    atomic.write_text(sha_path, f"{sha256}  {dest.name}\n")
    record = {"url": url, "fetched_at": fetched_at, "size": size, "sha256": sha256,
              "file": dest.name, "member": member.filename, "member_size": member.file_size,
              "member_crc32": f"{member.CRC:08x}", "how": how}
    atomic.write_text(record_path, json.dumps(record, indent=2) + "\n")
    return result


def _verify_into(found: list, progress: ProgressCallback, name: str, part: Path) -> None:
    found.append(verify_zip(part, progress=progress, name=name))


def verify_zip(path: Path, *, progress: ProgressCallback | None = None,
               name: str | None = None) -> tuple[zipfile.ZipInfo, str, int]:
    """Check a zip as the ingest will read it; return its member, SHA-256 and size.

    The members are judged as the ingest judges them (one text member, named
    ``cr96on.txt`` here: anything more is refused), and the member is
    inflated end to end, streamed, never beyond the size the archive promises;
    the CRC-32 and size check is ``ZipMemberStream``'s, and the same read
    hashes the whole archive.
    """
    progress = progress or silent
    kind, members, _ = text_or_sas_members(path)
    info = members[0]
    if kind != "text" or PurePosixPath(info.filename).name.lower() != MEMBER:
        names = ", ".join(i.filename for i in members[:5])
        raise FetchError(f"the zip holds {names}, not {MEMBER}", path=str(path),
                         hint="this is not the FJC criminal defendants file: check the address")
    digest = FileDigest(path)
    stream = ZipMemberStream(path, info, digest)
    task = f"verify {name or path.name}"
    for _ in stream.chunks():
        progress(ProgressUpdate(task, completed=stream.position, total=stream.total))
    digest.finish()
    return info, digest.sha256, digest.size

