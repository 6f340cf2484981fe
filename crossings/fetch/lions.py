"""Fetching a LIONS release (DOJ's "National Caseload Data") and checking every disk.

DOJ's national caseload page links each month's release as "‹Month› ‹YYYY›
data files": a link to a page of the release's ``DISKnn.zip`` files (and,
some months, its readme/log beside them). A page may also link the disks
directly. Both shapes are read, and a "data files" link is followed one
level, no further.

A release is named as DOJ names its files: month plus fiscal year
(``JUNFY2025``; October 2024 is ``OCTFY2025``, the fiscal year running
October to September). The name is taken from the file names when they carry
it (``JUNFY2025_README_REPORTS_LOGS.txt``, also ``JAN FY2025_...`` with a
space), else from the link text ("June 2025 data files").

Every zip is trusted only after it has been read end to end: the central
directory opens and every member inflates to the promised size with the
promised CRC-32 (streamed, nothing extracted). A zip that fails is renamed to
``*.bad`` so no ingest picks it up. Each file's SHA-256 and size go into
``fetch.json`` in the release folder, written after every file, so a run
that stops part way keeps what it verified and the next run does not fetch
it again.

The shape of DOJ's page assumed here is ours, from DOJ's documentation and
notes on how releases have been published, not copied from DOJ. So the
reader is tolerant: link texts are matched loosely (month names or
abbreviations, any case, extra words), a disk is any link whose address or
text says "disk" and "zip", the local file name falls back from the address
to the link text, and a page that cannot be read is reported, not guessed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import urllib.parse
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from crossings import settings
from crossings.archives import FileDigest, ZipMemberStream, open_zip, sha256_file
from crossings.codebook import lions as codebook
from crossings.errors import CorruptArchive, FetchError, InvalidRequest
from crossings.fetch.http import HTTPStatusError, download, fetch_text
from crossings.fiscal import MONTH_ABBREVIATIONS, fiscal_year_of_month
from crossings.progress import ProgressCallback, ProgressUpdate, silent

#: The sidecar written into each release folder.
RECORD = "fetch.json"


#: "June 2025", "Jun. 2025", "Sept 2025", "June, 2025".
MONTH_YEAR = re.compile(r"(?i)\b(" + "|".join(MONTH_ABBREVIATIONS) + r")[a-z]*\.?,?\s+(\d{4})\b")

#: A link to a release's page says "data" ("June 2025 data files").
DATA_WORD = re.compile(r"(?i)\bdata\b")

DISK_WORD = re.compile(r"(?i)disk")
ZIP_WORD = re.compile(r"(?i)(?<![a-z])zip(?![a-z])")

#: The readme/log linked beside the disks: ``JUNFY2025_README_REPORTS_LOGS.txt``
#: (a PDF in 2018). A link that names neither a readme nor a log is not taken.
DOC_WORD = re.compile(r"(?i)readme|(?<![a-z])logs?(?![a-z])")
DOC_SUFFIX = re.compile(r"(?i)\.(txt|log|pdf)$")

#: A plain local file name: no folders, nothing hidden; DOJ's own names have spaces.
SAFE_NAME = re.compile(r"\w[\w .()-]*\.[A-Za-z0-9]+")
#: A file name inside link text ("Disk 1 (DISK01.zip, 2.1 GB)").
NAME_IN_TEXT = re.compile(r"\w[\w.()-]*\.(?:zip|txt|log|pdf)\b", re.IGNORECASE)

#: How much page text before a link is searched for the month it belongs to.
CONTEXT_CHARS = 300


# --- reading the page ------------------------------------------------------------------
def release_from_text(text: str) -> str | None:
    """The release a text names: ``"JAN FY2025_README..."`` or ``"June 2025"`` -> name.

    A month and a calendar year name the fiscal year the month falls in:
    October 2024 is ``OCTFY2025``.
    """
    named = codebook.normalise_release(text)
    if named:
        return named
    found = MONTH_YEAR.search(text)
    if not found:
        return None
    month = MONTH_ABBREVIATIONS.index(found.group(1).upper()) + 1
    fiscal_year = fiscal_year_of_month(int(found.group(2)), month)
    return f"{found.group(1).upper()}FY{fiscal_year}"


@dataclass
class _Anchor:
    url: str
    text: str
    context: str | None  # the release the page text last named before this link

    @property
    def url_name(self) -> str:
        return PurePosixPath(urllib.parse.unquote(urllib.parse.urlsplit(self.url).path)).name

    @property
    def haystack(self) -> str:
        return f"{self.url_name} {self.text}"


class _AnchorParser(HTMLParser):
    """Links with their text, and the month the text before each link named."""

    def __init__(self, base_url: str):
        super().__init__(convert_charrefs=True)
        self.base, self.seen_base = base_url, False
        self.anchors: list[_Anchor] = []
        self._open: tuple[str, list[str], str | None] | None = None
        # Recent text, not one text node: "June <b>2025</b>" is split in two.
        self._recent = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = (dict(attrs).get("href") or "").strip()
        if tag == "base" and href and not self.seen_base:
            self.base, self.seen_base = urllib.parse.urljoin(self.base, href), True
        elif tag == "a":
            self._close()  # an unclosed <a> ends where the next begins, as in a browser
            if href:
                self._open = (urllib.parse.urljoin(self.base, href), [],
                              _last_release(self._recent))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._close()

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[1].append(data)
        # A space between nodes: "June 2025</h2><a>Disk" must not read "2025Disk".
        self._recent = f"{self._recent} {data}"[-CONTEXT_CHARS:]

    def close(self) -> None:
        super().close()
        self._close()

    def _close(self) -> None:
        if self._open is None:
            return
        url, parts, context = self._open
        self._open = None
        url = urllib.parse.urldefrag(url).url
        if urllib.parse.urlsplit(url).scheme in ("http", "https"):
            self.anchors.append(_Anchor(url, " ".join("".join(parts).split()), context))


def _last_release(text: str) -> str | None:
    """The release named last in ``text`` ("June 2025" or ``JUNFY2025``)."""
    best: tuple[int, str | None] | None = None
    for regex in (MONTH_YEAR, codebook.RELEASE_NAME):
        for m in regex.finditer(text):
            if best is None or m.end() >= best[0]:
                best = (m.end(), release_from_text(m.group(0)))
    return best[1] if best else None


def _anchors(html: str, base_url: str) -> list[_Anchor]:
    parser = _AnchorParser(base_url)
    parser.feed(html)
    parser.close()
    return parser.anchors


def _is_disk(a: _Anchor) -> bool:
    return bool(DISK_WORD.search(a.haystack) and ZIP_WORD.search(a.haystack))


def _is_doc(a: _Anchor) -> bool:
    if _is_disk(a) or not DOC_WORD.search(a.haystack):
        return False
    return bool(DOC_SUFFIX.search(a.url_name) or NAME_IN_TEXT.search(a.text))


def _is_release_page(a: _Anchor) -> bool:
    return (not _is_disk(a) and not _is_doc(a) and bool(MONTH_YEAR.search(a.text))
            and bool(DATA_WORD.search(a.text)) and not a.url_name.lower().endswith(".zip"))


# --- what the page lists ---------------------------------------------------------------
@dataclass
class FileLink:
    """One file of a release as linked: its address and the local name it gets."""

    url: str
    name: str
    kind: str  # "zip" or "doc"
    text: str = ""


@dataclass
class ReleaseLink:
    """One release as the page lists it."""

    name: str | None  # None: the page does not say which release these files are
    label: str  # what the page calls it: the link text, or the text before the links
    page_url: str  # the release's own page, or the index page when linked directly
    named_from: str  # "file names", "link text" or "page text"
    zips: list[FileLink] = field(default_factory=list)
    docs: list[FileLink] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # why its page could not be read

    @property
    def month(self) -> tuple[int, int] | None:
        """Calendar (year, month), for ordering releases."""
        return codebook.release_month(self.name) if self.name else None


def _local_name(a: _Anchor, kind: str, index: int) -> str | None:
    """The URL's own file name when it is a plain name of the right kind, else the
    name the link text gives, else (disks only) ``DISKnn.zip`` from the text."""
    wanted = (lambda n: n.lower().endswith(".zip")) if kind == "zip" else DOC_SUFFIX.search
    if SAFE_NAME.fullmatch(a.url_name) and wanted(a.url_name):
        return a.url_name
    in_text = next((m.group(0) for m in NAME_IN_TEXT.finditer(a.text) if wanted(m.group(0))),
                   None)
    if in_text:
        return in_text
    if kind != "zip":
        return None
    number = re.search(r"(?i)disk\D{0,3}(\d+)", a.text)
    return f"DISK{int(number.group(1)) if number else index:02d}.zip"


def _file_links(anchors: list[_Anchor], warnings: list[str]) -> tuple[list, list]:
    """The disks and docs among ``anchors`` as (anchor, FileLink) pairs, names unique."""
    zips, docs, taken = [], [], set()
    for a in anchors:
        kind = "zip" if _is_disk(a) else "doc" if _is_doc(a) else None
        if kind is None or any(f.url == a.url for _, f in zips + docs):
            continue
        name = _local_name(a, kind, len(zips) + 1)
        if name is None:
            warnings.append(f"{a.url} ({a.text!r}) looks like a readme or log but has no "
                            "file name; not fetched")
            continue
        stem, suffix = os.path.splitext(name)
        k = 2
        while name.lower() in taken or name.lower() == RECORD:
            name, k = f"{stem}-{k}{suffix}", k + 1
        taken.add(name.lower())
        (zips if kind == "zip" else docs).append((a, FileLink(a.url, name, kind, a.text)))
    return zips, docs


def _name_from_files(pairs: list) -> str | None:
    """The release the file names carry: the readme/log's first, then a disk's."""
    ordered = [f for f in pairs if f[1].kind == "doc"] + [f for f in pairs if f[1].kind == "zip"]
    return next((n for a, f in ordered
                 if (n := codebook.normalise_release(f"{a.url_name} {f.name}"))), None)


def _follow(a: _Anchor, timeout: float) -> ReleaseLink:
    """Read the release page a "data files" link points to, one level only."""
    text_name = release_from_text(a.text)
    link = ReleaseLink(text_name, a.text, a.url, "link text")
    try:
        html = fetch_text(a.url, timeout=timeout)
    except FetchError as exc:
        link.error = exc.message
        return link
    zips, docs = _file_links(_anchors(html, a.url), link.warnings)
    link.zips, link.docs = [f for _, f in zips], [f for _, f in docs]
    from_files = _name_from_files(zips + docs)
    if from_files:
        if text_name and from_files != text_name:
            link.warnings.append(f"the link says {a.text!r} ({text_name}); its files are "
                                 f"named {from_files}: the file names are used")
        link.name, link.named_from = from_files, "file names"
    return link


def _direct(anchors: list[_Anchor], index_url: str, warnings: list[str]) -> list[ReleaseLink]:
    """Disks (and docs) linked on the index page itself, grouped by release."""
    zips, docs = _file_links(anchors, warnings)
    groups: dict[str | None, ReleaseLink] = {}
    for a, f in zips + docs:
        own = codebook.normalise_release(f"{a.url_name} {f.name} {a.text}")
        name = own or a.context
        link = groups.get(name)
        if link is None:
            how = "file names" if own else "page text" if name else "nothing"
            link = groups[name] = ReleaseLink(name, name or a.text, index_url, how)
        (link.zips if f.kind == "zip" else link.docs).append(f)
    return list(groups.values())


def list_releases(index_url: str = settings.LIONS_INDEX_URL, *,
                  timeout: float = 30) -> list[ReleaseLink]:
    """The releases the page lists, oldest first (a release it cannot name comes last).

    Each "‹Month› ‹YYYY› data files" link is followed to read its disks; disks
    linked on the page itself are grouped by the release their names (or the
    page text before them) give. A release page that cannot be read is listed
    with its ``error``; an index page that cannot be read raises ``FetchError``.
    """
    anchors = _anchors(fetch_text(index_url, timeout=timeout), index_url)
    by_name: dict[str | None, ReleaseLink] = {}
    followed: set[str] = set()
    for a in anchors:
        if _is_release_page(a) and a.url not in followed and a.url != index_url:
            followed.add(a.url)
            _keep(by_name, _follow(a, timeout))
    stray: list[str] = []
    for link in _direct([a for a in anchors if a.url not in followed], index_url, stray):
        _keep(by_name, link)
    for link in by_name.values():
        link.warnings += stray
    return sorted(by_name.values(), key=lambda r: (r.month is None, r.month or (0, 0)))


def _keep(by_name: dict[str | None, ReleaseLink], link: ReleaseLink) -> None:
    """Add ``link``; of two listings of one release, the one with disks wins."""
    seen = by_name.get(link.name)
    if seen is None or (link.zips and not seen.zips):
        by_name[link.name] = link


# --- choosing a release ------------------------------------------------------------------
def choose_release(releases: list[ReleaseLink], release: str | None,
                   index_url: str) -> tuple[ReleaseLink, str, str]:
    """The release to fetch, its name, and why it was chosen."""
    with_disks = [r for r in releases if r.zips]
    if not with_disks:
        raise _no_zips(releases, index_url)
    named = [r for r in with_disks if r.name]
    if release is None:
        if not named:
            raise FetchError(f"{index_url} links DISK zips but does not say which release "
                             "they are", hint="pass --release NAME, e.g. --release JUNFY2025")
        return named[-1], named[-1].name, f"the latest release listed on {index_url}"
    want = codebook.normalise_release(release) or release_from_text(release)
    if want is None:
        raise InvalidRequest(f"{release!r} is not a release name",
                             hint="a release is named like JUNFY2025 (month, FY, fiscal year)")
    for r in named:
        if r.name == want:
            return r, want, "asked for with --release"
    listed_empty = next((r for r in releases if r.name == want), None)
    if listed_empty is not None:
        raise _no_zips([listed_empty], index_url)
    if not named:
        # The page names nothing: the user's name is the only one there is.
        return with_disks[0], want, "named by --release (the page does not name its disks)"
    listed = ", ".join(r.name for r in releases if r.name)
    raise FetchError(f"release {want} is not on {index_url}; it lists {listed}",
                     hint=f"only the latest few months stay online: pass --release with one "
                          f"of those, or --index-url with a page that links {want}'s disks")


def _no_zips(releases: list[ReleaseLink], index_url: str) -> FetchError:
    pages = [r for r in releases if r.page_url != index_url]
    where = (f" or on the {len(pages)} release page{'s' if len(pages) > 1 else ''} it links"
             if pages else "")
    errors = "; ".join(f"{r.page_url}: {r.error}" for r in pages if r.error)
    return FetchError(f"no DISK zip links found on {index_url}{where}"
                      + (f" ({errors})" if errors else ""),
                      hint="the page may have changed: open it in a browser and pass "
                           "--index-url with the address of the page that links the DISK zips")


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
                progress: ProgressCallback | None = None, timeout: float = 30,
                retries: int = 3, backoff: float | None = None) -> LionsFetchResult:
    """Download a release's DISK zips (and its readme/log) into ``dest_dir/<RELEASE>/``.

    ``release`` defaults to the latest the page lists. Every zip is verified
    and recorded in ``fetch.json``; files an earlier run verified, unchanged
    since (same address, size and modification time), are not fetched again.
    Raises :class:`FetchError` when the release is not listed, no disks are
    linked, a download fails for good, or a zip fails verification (it is
    then renamed ``*.bad``; the verified ones stay).
    """
    progress = progress or silent
    releases = list_releases(index_url, timeout=timeout)
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
    options = {"timeout": timeout, "retries": retries, "backoff": backoff}
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
    _download(link, path, progress, options)
    try:
        sha256, size, members, member_bytes = verify_disk(path, progress=progress)
    except CorruptArchive as exc:
        raise _set_aside(path, exc) from exc
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
        except FetchError as exc:
            result.warnings.append(f"{link.name} could not be fetched ({exc.message}); the "
                                   "ingest looks for the log inside the disks too")
            return
        kept = FetchedFile(link.name, link.url, "doc", path.stat().st_size, sha256_file(path),
                           False, mtime_ns=path.stat().st_mtime_ns)
    result.files.append(kept)


def _download(link: FileLink, path: Path, progress: ProgressCallback, options: dict) -> None:
    try:
        download(link.url, path, progress=progress, **options)
    except HTTPStatusError as exc:
        raise HTTPStatusError(exc.url, exc.status, exc.reason,
                              hint="the page links a file that is not there: the page may "
                                   "have changed; try again later, or pass --index-url") from exc


def verify_disk(path: Path, *, progress: ProgressCallback | None = None
                ) -> tuple[str, int, int, int]:
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
    total, done, task = sum(i.file_size for i in infos), 0, f"verify {path.name}"
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


def _set_aside(path: Path, exc: CorruptArchive) -> CorruptArchive:
    """Move a bad download to ``*.bad`` so no ingest picks it up; say so in the error."""
    bad = path.with_name(path.name + ".bad")
    os.replace(path, bad)
    return CorruptArchive(f"{path.name}: {exc.message}; moved aside to {bad.name}",
                          path=str(bad), hint=exc.hint)


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
    tmp = result.record_path.with_name(result.record_path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, result.record_path)
