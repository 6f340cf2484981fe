"""Reading DOJ's national caseload page: which releases it lists, and their files.

See :mod:`crossings.fetch.lions` for the page's shape as assumed here.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath

from crossings import settings
from crossings.codebook import lions as codebook
from crossings.errors import FetchError, InvalidRequest
from crossings.fetch.http import Deadline, DeadlinePassed, check_url, fetch_text, page_links
from crossings.fiscal import MONTH_ABBREVIATIONS, fiscal_year_of_month

#: The sidecar written into each release folder (no file of the release takes its name).
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

#: Release pages followed from the index at most (DOJ keeps a few months online).
MAX_RELEASE_PAGES = 36


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

    @cached_property
    def url_name(self) -> str:
        return PurePosixPath(urllib.parse.unquote(urllib.parse.urlsplit(self.url).path)).name

    @cached_property
    def haystack(self) -> str:
        return f"{self.url_name} {self.text}"


def _anchors(html: str, base_url: str) -> list[_Anchor]:
    """The page's links, each with the release the text before it last named."""
    anchors, context = [], _Context()
    for link in page_links(html, base_url):
        context.read(link.before)
        anchors.append(_Anchor(link.url, link.text, context.release))
        context.read(link.text)
    return anchors


class _Context:
    """The release the page's text last named ("June 2025", ``JUNFY2025``), if within
    ``CONTEXT_CHARS`` of text. Each piece of text is searched once (with a short
    tail of the one before, for a name split between two), so a page of many
    links costs no more than its length."""

    TAIL = 40

    def __init__(self):
        self.tail, self.name, self.age = "", None, 0

    def read(self, text: str) -> None:
        window = f"{self.tail} {text}"
        end, name = _last_release(window)
        if name and end > len(self.tail):  # a name that ends in the tail was read before
            self.name, self.age = name, len(window) - end
        else:
            self.age += len(text) + 1
        self.tail = window[-self.TAIL:]

    @property
    def release(self) -> str | None:
        return self.name if self.age <= CONTEXT_CHARS else None


def _named_last(regex: re.Pattern) -> re.Pattern:
    """``regex``'s last match in a text, found in one call: a greedy ``.*`` runs to
    the end and gives back one character at a time until the name matches."""
    return re.compile(r"(?is).*(?P<name>" + regex.pattern.removeprefix("(?i)") + ")")


_LAST_NAMES = (_named_last(MONTH_YEAR), _named_last(codebook.RELEASE_NAME))


def _last_release(text: str) -> tuple[int, str | None]:
    """Where the release named last in ``text`` ends, and its name ((0, None) if none)."""
    found = [m for m in (regex.match(text) for regex in _LAST_NAMES) if m]
    if not found:
        return 0, None
    best = max(found, key=lambda m: m.end("name"))
    return best.end("name"), release_from_text(best.group("name"))


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
    zips, docs, taken, urls, suffixes = [], [], set(), set(), {}
    for a in anchors:
        kind = "zip" if _is_disk(a) else "doc" if _is_doc(a) else None
        if kind is None or a.url in urls:
            continue
        urls.add(a.url)
        name = _local_name(a, kind, len(zips) + 1)
        if name is None:
            warnings.append(f"{a.url} ({a.text!r}) looks like a readme or log but has no "
                            "file name; not fetched")
            continue
        stem, suffix = os.path.splitext(name)
        first = name.lower()
        k = suffixes.get(first, 2)  # where the last twin of this name stopped
        while name.lower() in taken or name.lower() == RECORD:
            name, k = f"{stem}-{k}{suffix}", k + 1
        suffixes[first] = k
        taken.add(name.lower())
        (zips if kind == "zip" else docs).append((a, FileLink(a.url, name, kind, a.text)))
    return zips, docs


def _name_from_files(pairs: list) -> str | None:
    """The release the file names carry: the readme/log's first, then a disk's."""
    ordered = [f for f in pairs if f[1].kind == "doc"] + [f for f in pairs if f[1].kind == "zip"]
    return next((n for a, f in ordered
                 if (n := codebook.normalise_release(f"{a.url_name} {f.name}"))), None)


def _follow(a: _Anchor, options: dict) -> ReleaseLink:
    """Read the release page a "data files" link points to, one level only."""
    text_name = release_from_text(a.text)
    link = ReleaseLink(text_name, a.text, a.url, "link text")
    try:
        html = fetch_text(a.url, **options)
    except DeadlinePassed:
        raise
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
                  stall_timeout: float | None = None,
                  deadline: Deadline | float | None = None) -> list[ReleaseLink]:
    """The releases the page lists, oldest first (a release it cannot name comes last).

    Each "‹Month› ‹YYYY› data files" link is followed to read its disks; disks
    linked on the page itself are grouped by the release their names (or the
    page text before them) give. A release page that cannot be read is listed
    with its ``error``; an index page that cannot be read raises ``FetchError``.
    At most ``MAX_RELEASE_PAGES`` release pages are read, the first the page lists.
    """
    check_url(index_url, "--index-url")
    options = {"stall_timeout": stall_timeout, "deadline": Deadline.of(deadline)}
    anchors = _anchors(fetch_text(index_url, **options), index_url)
    by_name: dict[str | None, ReleaseLink] = {}
    followed: set[str] = set()
    stray: list[str] = []
    for a in anchors:
        if _is_release_page(a) and a.url not in followed and a.url != index_url:
            if len(followed) == MAX_RELEASE_PAGES:
                stray.append(f"{index_url} links more than {MAX_RELEASE_PAGES} release pages; "
                             f"only the first {MAX_RELEASE_PAGES} were read")
                break
            followed.add(a.url)
            _keep(by_name, _follow(a, options))
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
