"""A small resumable downloader and an HTML link finder, on the standard library.

``download(url, dest)`` writes to ``dest`` + ``.part`` and renames it to
``dest`` only once every byte the server promised has arrived and the
caller's ``verify`` accepted them, so ``dest`` is never a half or unverified
file, and an older good ``dest`` stays until a new one has passed. A dropped
connection is retried with a ``Range: bytes=N-`` request that continues
where the part file ends; a run that gives up leaves the part file in place
and the next run resumes it.

What the server said about the file (its ETag or Last-Modified, its size) is
kept beside the part file (``.part.json``) and sent back as ``If-Range``: if
the file was replaced in between (the FJC re-uploads under the same name),
the server answers with the whole new file instead of splicing two versions.

Nothing waits for ever (``settings.FETCH_*``, the CLI's options): attempts in
a row that bring no new bytes are capped (``retries``), an attempt that
brings less than ``FETCH_STALL_BYTES`` in ``stall_timeout`` seconds is cut
and counts as one, and a :class:`Deadline` bounds the whole fetch. Redirects
are followed to http(s) addresses only.

``page_links(html, base_url)`` lists a page's links (address, text, and the
text before each); ``find_links`` keeps those a pattern matches. It is a
linear scan, not a full HTML parser: an 8 MB page takes a fraction of a second.
"""

from __future__ import annotations

import contextlib
import html as html_lib
import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from crossings import settings
from crossings.errors import CrossingsError, FetchError, InvalidRequest
from crossings.progress import ProgressCallback, ProgressUpdate, silent
from crossings.version import __version__

#: Bytes read from the socket at a time: small enough for a smooth progress
#: bar, large enough that the loop costs nothing next to the network.
CHUNK = 256 << 10

#: Seconds before the first retry; doubled for each further retry.
BACKOFF_SECONDS = 1.0

#: Every attempt of one download, progressing or not: a server that cuts each
#: connection after a few new bytes is not followed for ever (the deadline aside).
MAX_ATTEMPTS = 100

#: Web pages are small; a bigger answer is not the page we were after.
MAX_PAGE_BYTES = 8 << 20

#: Some sites turn away urllib's default agent; say who we are instead.
USER_AGENT = f"crossings/{__version__} (Python urllib)"

#: Statuses worth another try: the server is busy or a proxy hiccupped.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

#: The only schemes fetched, redirects included.
SCHEMES = ("http", "https")

#: ``Content-Range: bytes 100-199/2000`` (the total may be ``*``).
CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)
UNSATISFIED_RANGE = re.compile(r"bytes\s+\*/(\d+)", re.IGNORECASE)


class HTTPStatusError(FetchError):
    """The server answered with an error status (404, 403, ...)."""

    def __init__(self, url: str, status: int, reason: str = "", *, hint: str | None = None):
        self.url, self.status, self.reason = url, status, reason
        super().__init__(f"{url} answered HTTP {status} {reason}".rstrip(),
                         hint=hint or _status_hint(status))


def _status_hint(status: int) -> str:
    if status in (404, 410):
        return "the file may have been renamed or removed: check the address"
    if status in (401, 403):
        return "the server refused the request: open the address in a browser to check it"
    return "try again later"


def check_url(url: str, option: str = "--url") -> str:
    """``url`` if it is an http(s) address with a host, else :class:`InvalidRequest`."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        host = parts.hostname
    except ValueError:  # "http://[::1" and the like
        host = None
    if parts.scheme.lower() not in SCHEMES or not host:
        raise InvalidRequest(f"{url!r} is not a web address",
                             hint=f"pass {option} an http:// or https:// address, e.g. "
                                  "https://www.fjc.gov/...")
    return url.strip()


# --- how long to wait ----------------------------------------------------------------
class Deadline:
    """When a whole fetch must stop: one clock shared by its pages and files."""

    def __init__(self, seconds: float | None = None):
        self.seconds = settings.FETCH_DEADLINE_SECONDS if seconds is None else float(seconds)
        self._end = time.monotonic() + self.seconds

    @classmethod
    def of(cls, value: Deadline | float | None) -> Deadline:
        return value if isinstance(value, Deadline) else cls(value)

    def remaining(self) -> float:
        return self._end - time.monotonic()


@dataclass(frozen=True)
class Limits:
    """The retry cap, the stall timeout and the deadline of one fetch."""

    retries: int
    stall: float
    deadline: Deadline
    backoff: float

    @classmethod
    def of(cls, retries: int | None = None, stall_timeout: float | None = None,
           deadline: Deadline | float | None = None, backoff: float | None = None) -> Limits:
        """Defaults from ``settings`` (and ``BACKOFF_SECONDS``) for what is not given."""
        return cls(settings.FETCH_RETRIES if retries is None else retries,
                   settings.FETCH_STALL_SECONDS if stall_timeout is None else stall_timeout,
                   Deadline.of(deadline), BACKOFF_SECONDS if backoff is None else backoff)

    def socket_timeout(self, url: str, part: Path | None = None) -> float:
        """Seconds a socket may wait: the stall timeout, cut to what the deadline leaves."""
        left = self.deadline.remaining()
        if left <= 0:
            raise _out_of_time(self, url, part)
        return max(min(self.stall, left), 0.01)


class DeadlinePassed(FetchError):
    """The fetch ran out of its time (``--deadline``)."""


def _out_of_time(limits: Limits, url: str, part: Path | None) -> FetchError:
    arrived = _size(part) if part else 0
    kept = f"; {arrived:,} bytes are kept in {part}" if arrived else ""
    return DeadlinePassed(f"fetching {url} stopped at the deadline of {limits.deadline.seconds:g} "
                      f"seconds{kept}",
                      hint="run the same command again (it resumes), or allow more time with "
                           "--deadline SECONDS")


class _Retry(Exception):
    """An attempt ended early; whatever arrived is kept in the part file."""


class RefusedRedirect(FetchError):
    """The server redirected to an address that is not http(s)."""


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urllib.parse.urlsplit(newurl).scheme.lower() not in SCHEMES:
            raise _refused(req.full_url, newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _refused(url: str, target: str | None) -> RefusedRedirect:
    return RefusedRedirect(f"{url} redirects to {target or 'an unusable address'}; only http "
                           "and https addresses are followed",
                           hint="check the address; the publisher's site may have moved")


_OPENER = urllib.request.build_opener(_HttpOnlyRedirects)


def _open(url: str, headers: dict[str, str], limits: Limits, part: Path | None = None):
    """The response to a GET, or ``HTTPError`` to look at; network trouble is ``_Retry``."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, **headers})
    try:
        return _OPENER.open(request, timeout=limits.socket_timeout(url, part))
    except urllib.error.HTTPError as exc:
        exc.close()  # the headers are parsed already; the error body is not needed
        if exc.code in REDIRECT_STATUSES:  # urllib refused it (file:, data:, ...)
            raise _refused(url, exc.headers.get("Location") if exc.headers else None) from exc
        raise
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        raise _Retry(_reason(exc)) from exc


def _read_body(response, write: Callable[[bytes], None], limits: Limits, url: str,
               part: Path | None, limit: int | None = None) -> int:
    """Pass the body to ``write`` as it arrives; ``_Retry`` on a stall or a cut."""
    received, window_start, window_bytes = 0, time.monotonic(), 0
    try:
        # read1: what one socket read brings, so a trickle is seen as it trickles.
        while chunk := response.read1(CHUNK if limit is None else min(CHUNK, limit - received)):
            write(chunk)
            received += len(chunk)
            window_bytes += len(chunk)
            now = time.monotonic()
            if limits.deadline.remaining() <= 0:
                raise _out_of_time(limits, url, part)
            if now - window_start >= limits.stall:
                if window_bytes < settings.FETCH_STALL_BYTES:
                    raise _Retry(f"stalled: {window_bytes:,} bytes in {now - window_start:.1f} "
                                 f"seconds (--stall-timeout {limits.stall:g})")
                window_start, window_bytes = now, 0
            if limit is not None and received >= limit:
                break
    except (http.client.HTTPException, OSError) as exc:
        raise _Retry(_reason(exc)) from exc
    return received


# --- download ----------------------------------------------------------------------------
@dataclass
class _PartState:
    """What the server said about the file whose bytes the part file holds."""

    url: str
    validator: str | None = None  # strong ETag or Last-Modified, for If-Range
    total: int | None = None

    @staticmethod
    def path(part: Path) -> Path:
        return part.with_name(part.name + ".json")

    @classmethod
    def load(cls, part: Path, url: str) -> _PartState:
        try:
            data = json.loads(cls.path(part).read_text(encoding="utf-8"))
            state = cls(**data)
        except (OSError, ValueError, TypeError):
            return cls(url)
        if state.url != url:
            # Bytes of another address: resuming them would splice two files.
            with contextlib.suppress(FileNotFoundError):
                part.unlink()
            return cls(url)
        return state

    def save(self, part: Path) -> None:
        self.path(part).write_text(json.dumps(asdict(self)), encoding="utf-8")

    def forget(self, part: Path) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(part).unlink()


def part_path(dest: Path) -> Path:
    """Where ``download`` keeps the bytes of ``dest`` until it is complete."""
    return dest.with_suffix(dest.suffix + ".part")


def bad_path(dest: Path) -> Path:
    """Where a download that failed ``verify`` is moved, so no ingest picks it up."""
    return dest.with_name(dest.name + ".bad")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def download(url: str, dest: Path, *, progress: ProgressCallback | None = None,
             verify: Callable[[Path], object] | None = None, retries: int | None = None,
             stall_timeout: float | None = None, deadline: Deadline | float | None = None,
             backoff: float | None = None) -> Path:
    """Download ``url`` to ``dest``, resuming a part file left by an earlier run.

    ``verify(part)`` is called on the complete download before it replaces
    ``dest``; if it raises a crossings error the download is moved to
    ``dest.bad`` (an earlier ``dest`` stays) and the error, saying so, is raised.
    ``retries`` counts consecutive attempts that brought no new bytes (fewer
    than ``settings.FETCH_STALL_BYTES`` beyond the most the part file held: a
    server that restarts from byte 0 brings none until it passes them): a
    connection that keeps dropping but keeps making progress is followed to
    the end, within ``MAX_ATTEMPTS`` and the ``deadline``.
    Raises :class:`HTTPStatusError` for a 404 and the like, and
    :class:`FetchError` when the retries or the time are used up (the part
    file stays). Unset limits come from ``settings``.
    """
    check_url(url)
    limits = Limits.of(retries, stall_timeout, deadline, backoff)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    _fetch_part(url, part, _PartState.load(part, url), limits, progress or silent,
                f"download {dest.name}")
    if verify is not None:
        _verify_part(part, dest, verify)
    os.replace(part, dest)
    _PartState(url).forget(part)
    return dest


def _fetch_part(url: str, part: Path, state: _PartState, limits: Limits,
                report: ProgressCallback, task: str) -> None:
    failures, attempts, high = 0, 0, _size(part)
    while True:
        total_before, attempts = state.total, attempts + 1
        try:
            _attempt(url, part, state, limits, lambda done, total: report(
                ProgressUpdate(task, completed=done, total=total, unit="bytes")))
            return
        except _Retry as exc:
            last = str(exc)
        if state.total != total_before:
            high = 0  # another file (another size): its bytes start from nothing
        size = _size(part)
        # Progress is FETCH_STALL_BYTES beyond what any attempt held before: not
        # the same bytes again from a server that answers every Range from byte 0,
        # nor the few bytes a trickle brings before it stalls.
        failures = 1 if size >= high + settings.FETCH_STALL_BYTES else failures + 1
        high = max(high, size)
        if failures > limits.retries or attempts >= MAX_ATTEMPTS:
            raise _gave_up(url, part, state, attempts, failures, last)
        wait = limits.backoff * 2 ** (failures - 1)
        if wait >= limits.deadline.remaining():
            raise _out_of_time(limits, url, part)
        time.sleep(wait)


def _verify_part(part: Path, dest: Path, verify: Callable[[Path], object]) -> None:
    try:
        verify(part)
    except CrossingsError as exc:
        bad = bad_path(dest)
        os.replace(part, bad)
        _PartState("").forget(part)
        kept = f"; the earlier {dest.name} is kept" if dest.exists() else ""
        raise type(exc)(f"{exc.message}; the download was moved aside to {bad.name}{kept}",
                        path=str(bad), hint=exc.hint) from exc


def _gave_up(url: str, part: Path, state: _PartState, attempts: int, failures: int,
             last: str) -> FetchError:
    arrived = _size(part)
    of = f" of {state.total:,}" if state.total else ""
    how = (f"failed {failures} times in a row" if attempts < MAX_ATTEMPTS
           else f"was cut {attempts} times")
    return FetchError(
        f"downloading {url} {how} ({last}); {arrived:,}{of} bytes arrived",
        hint=f"run the same command again: it resumes from the bytes kept in {part}"
             if arrived else "check the network connection and the address, then try again "
                             "(--retries and --stall-timeout allow a slow server more)")


def _attempt(url: str, part: Path, state: _PartState, limits: Limits, report) -> None:
    """One request: append to the part file, or start it over; raise ``_Retry`` if cut."""
    offset = _size(part)
    headers = {}
    if offset:
        headers["Range"] = f"bytes={offset}-"
        if state.validator:
            headers["If-Range"] = state.validator
    try:
        response = _open(url, headers, limits, part)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:
            _unsatisfied_range(exc.headers, part, state, offset)
            return
        if exc.code in RETRY_STATUSES:
            raise _Retry(f"HTTP {exc.code} {exc.reason}") from exc
        raise HTTPStatusError(url, exc.code, str(exc.reason)) from exc
    with response:
        offset, total = _plan(response, part, state, offset)
        received = offset
        report(received, total)

        def write(chunk: bytes) -> None:
            nonlocal received
            f.write(chunk)
            received += len(chunk)
            report(received, total)

        # Append after a 206, truncate after a 200: the server chose which.
        with open(part, "ab" if offset else "wb") as f:
            _read_body(response, write, limits, url, part)
    if total is not None and received != total:
        raise _Retry(f"the connection closed after {received:,} of {total:,} bytes")


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__


def _unsatisfied_range(headers, part: Path, state: _PartState, offset: int) -> None:
    """A 416: the part is already complete, or it is longer than the file."""
    match = UNSATISFIED_RANGE.search(headers.get("Content-Range", "") if headers else "")
    total = int(match.group(1)) if match else state.total
    if total == offset:
        return
    # Not the file the part belongs to (or no way to tell): start it over.
    part.unlink()
    state.total = None
    raise _Retry(f"the server refused to resume at byte {offset:,}; starting over")


def _plan(response, part: Path, state: _PartState, offset: int) -> tuple[int, int | None]:
    """Where the body starts in the file and the file's full size, from the headers."""
    headers = response.headers
    if response.status == 206:
        match = CONTENT_RANGE.search(headers.get("Content-Range", ""))
        start = int(match.group(1)) if match else -1
        if start == 0:
            # The whole file as a "range" (some servers answer every Range so):
            # start over cleanly, as after a 200.
            total = None if match.group(3) == "*" else int(match.group(3))
            return 0, _whole_file(headers, part, state, total)
        if start != offset:
            part.unlink(missing_ok=True)
            raise _Retry(f"the server answered a different range ({headers.get('Content-Range')}); "
                         "starting over")
        total = None if match.group(3) == "*" else int(match.group(3))
        if total is not None and state.total is not None and total != state.total:
            part.unlink(missing_ok=True)
            old, state.total = state.total, total
            raise _Retry(f"the file changed size ({old:,} -> {total:,}); starting over")
        state.total = total if total is not None else state.total
        state.save(part)
        return offset, state.total
    # A 200: the whole file, whether the server ignores Range, the file changed
    # (If-Range), or this is the first request.
    length = headers.get("Content-Length")
    return 0, _whole_file(headers, part, state, int(length) if length and length.isdigit()
                          else None)


def _whole_file(headers, part: Path, state: _PartState, total: int | None) -> int | None:
    state.total = total
    etag = headers.get("ETag")
    state.validator = (etag if etag and not etag.startswith("W/")
                       else headers.get("Last-Modified"))
    state.save(part)
    return total


def fetch_text(url: str, *, stall_timeout: float | None = None,
               deadline: Deadline | float | None = None) -> str:
    """A web page's text (for ``page_links``); :class:`FetchError` if it cannot be read.

    At most ``MAX_PAGE_BYTES`` are read, under the same stall timeout and deadline
    as a download.
    """
    check_url(url)
    limits = Limits.of(None, stall_timeout, deadline)
    parts: list[bytes] = []
    try:
        response = _open(url, {}, limits)
        with response:
            _read_body(response, parts.append, limits, url, None, MAX_PAGE_BYTES)
            charset = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as exc:
        raise HTTPStatusError(url, exc.code, str(exc.reason)) from exc
    except _Retry as exc:
        raise FetchError(f"{url} could not be read ({exc})",
                         hint="check the network connection and the address") from exc
    data = b"".join(parts)
    try:
        return data.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return data.decode("utf-8", errors="replace")


# --- links ---------------------------------------------------------------------------------
@dataclass
class Link:
    """One ``<a>`` (or ``<area>``) of a page: absolute address, text, text before it."""

    url: str
    text: str  # the link's own text, whitespace collapsed
    #: The page's text between the previous link and this one (from at most
    #: the last ``TEXT_CHARS`` of page source).
    before: str


#: Page source read for a link's text, and before a link for the text before
#: it: a link's words are short, and only the text just before a link says
#: which month it belongs to. Bounds the work a hostile page can ask for.
TEXT_CHARS = 1024

#: Links read from one page at most: a publisher's data page links a few
#: hundred; a page with more is not the page we were after, and each link
#: costs some work.
MAX_PAGE_LINKS = 5_000

#: The parts of a page that matter for its links. Every alternative stops at
#: the next "<" (or runs to a fixed end marker), so the scan is linear in the
#: page's size whatever it holds: no nested quantifier can backtrack far.
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # a comment: links in it are not links
    r"|<(?P<raw>script|style)\b.*?(?:</(?P=raw)\s*>|\Z)"  # no links in scripts
    r"|<(?P<close>/)?(?P<tag>a|area|base)(?=[\s/>])(?P<attrs>(?:\"[^\"<]*\"|'[^'<]*'|[^'\"<>])*)>",
    re.IGNORECASE | re.DOTALL)
_HREF = re.compile(r"""(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_TAGS = re.compile(r"<[^<>]*>|<!--.*?(?:-->|\Z)", re.DOTALL)


def _visible(fragment: str, joiner: str) -> str:
    """The text of an HTML fragment: tags dropped (``joiner`` in their place), entities
    decoded, whitespace collapsed."""
    return " ".join(html_lib.unescape(_TAGS.sub(joiner, fragment)).split())


def _href(attrs: str) -> str:
    found = _HREF.search(attrs)
    return html_lib.unescape(next(g for g in found.groups() if g is not None)).strip() \
        if found else ""


def page_links(html: str, base_url: str) -> list[Link]:
    """The page's http(s) links in page order, as browsers resolve them.

    The first ``<base href>`` sets the base; an unclosed ``<a>`` ends where
    the next begins; fragments are dropped. A page of more than
    ``MAX_PAGE_LINKS`` links is :class:`FetchError`.
    """
    links: list[Link] = []
    base, seen_base = base_url, False
    pending: tuple[str, int, str] | None = None  # an open <a>: url, where its text starts, before
    last_end = 0

    def close(end: int) -> None:
        nonlocal pending, last_end
        if pending is not None:
            url, start, before = pending
            links.append(Link(url, _visible(html[start:min(end, start + TEXT_CHARS)], ""),
                              before))
            last_end, pending = end, None

    for token in _TOKEN.finditer(html):
        tag = (token.group("tag") or "").lower()
        if not tag:
            continue
        if token.group("close"):
            if tag == "a":
                close(token.start())
            continue
        href = _href(token.group("attrs"))
        if tag == "base":
            if href and not seen_base:  # only the first <base> counts, as in a browser
                base, seen_base = urllib.parse.urljoin(base, href), True
            continue
        close(token.start())
        if len(links) >= MAX_PAGE_LINKS:
            raise FetchError(f"the page at {base_url} has more than {MAX_PAGE_LINKS:,} links; "
                             "a data page links a few hundred",
                             hint="check the address: pass the page that links the files")
        # A space between text nodes: "June 2025</h2><a>Disk" must not read "2025Disk".
        before = _visible(html[max(last_end, token.start() - TEXT_CHARS):token.start()], " ")
        last_end = token.end()
        url = _absolute(base, href) if href else None
        if url is None:
            continue
        if tag == "area":
            links.append(Link(url, "", before))
        else:
            pending = (url, token.end(), before)
    close(len(html))
    return links


def _absolute(base: str, href: str) -> str | None:
    try:
        url = urllib.parse.urldefrag(urllib.parse.urljoin(base, href)).url
    except ValueError:  # a malformed address ("http://[x") is not a link to follow
        return None
    return url if urllib.parse.urlsplit(url).scheme in SCHEMES else None


def find_links(html: str, base_url: str, pattern: str | re.Pattern) -> list[str]:
    """Absolute URLs of the page's links that ``pattern`` matches, in page order.

    ``pattern`` is a regular expression searched in the absolute URL (a string
    is searched case-insensitively); duplicates are listed once.
    """
    regex = re.compile(pattern, re.IGNORECASE) if isinstance(pattern, str) else pattern
    found = [link.url for link in page_links(html, base_url) if regex.search(link.url)]
    return list(dict.fromkeys(found))
