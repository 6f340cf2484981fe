"""A small resumable downloader and an HTML link finder, on the standard library.

``download(url, dest)`` writes to ``dest`` + ``.part`` and renames it to
``dest`` only once every byte the server promised has arrived, so ``dest``
is never a half file. A dropped connection is retried with a
``Range: bytes=N-`` request that continues where the part file ends; a run
that gives up leaves the part file in place and the next run resumes it.

What the server said about the file (its ETag or Last-Modified, its size) is
kept beside the part file (``.part.json``) and sent back as ``If-Range``: if
the file was replaced in between (the FJC re-uploads under the same name),
the server answers with the whole new file instead of splicing two versions.

``find_links(html, base_url, pattern)`` lists a page's links as absolute
URLs, for finding a file whose name the publisher changes now and then.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path

from crossings.errors import FetchError
from crossings.progress import ProgressCallback, ProgressUpdate, silent
from crossings.version import __version__

#: Bytes read from the socket at a time: small enough for a smooth progress
#: bar, large enough that the loop costs nothing next to the network.
CHUNK = 256 << 10

#: Seconds before the first retry; doubled for each further retry.
BACKOFF_SECONDS = 1.0

#: Web pages are small; a bigger answer is not the page we were after.
MAX_PAGE_BYTES = 8 << 20

#: Some sites turn away urllib's default agent; say who we are instead.
USER_AGENT = f"crossings/{__version__} (Python urllib)"

#: Statuses worth another try: the server is busy or a proxy hiccupped.
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

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


class _Retry(Exception):
    """An attempt ended early; whatever arrived is kept in the part file."""


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


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def download(url: str, dest: Path, *, progress: ProgressCallback | None = None,
             timeout: float = 30, retries: int = 3, backoff: float | None = None) -> Path:
    """Download ``url`` to ``dest``, resuming a part file left by an earlier run.

    ``retries`` counts consecutive attempts that brought no new bytes: a
    connection that keeps dropping but keeps making progress is followed to
    the end. Raises :class:`HTTPStatusError` for a 404 and the like, and
    :class:`FetchError` when the retries are used up (the part file stays).
    ``backoff`` is the wait before the first retry (default ``BACKOFF_SECONDS``).
    """
    backoff = BACKOFF_SECONDS if backoff is None else backoff
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    state = _PartState.load(part, url)
    report = progress or silent
    task = f"download {dest.name}"
    failures = 0
    while True:
        before = _size(part)
        try:
            _attempt(url, part, state, timeout, lambda done, total: report(
                ProgressUpdate(task, completed=done, total=total, unit="bytes")))
            break
        except _Retry as exc:
            last = str(exc)
        failures = 1 if _size(part) > before else failures + 1
        if failures > retries:
            raise _gave_up(url, part, state, failures, last)
        time.sleep(backoff * 2 ** (failures - 1))
    os.replace(part, dest)
    state.forget(part)
    return dest


def _gave_up(url: str, part: Path, state: _PartState, failures: int, last: str) -> FetchError:
    arrived = _size(part)
    of = f" of {state.total:,}" if state.total else ""
    return FetchError(
        f"downloading {url} failed {failures} times in a row ({last}); "
        f"{arrived:,}{of} bytes arrived",
        hint=f"run the same command again: it resumes from the bytes kept in {part}"
             if arrived else "check the network connection and the address, then try again")


def _attempt(url: str, part: Path, state: _PartState, timeout: float, report) -> None:
    """One request: append to the part file, or start it over; raise ``_Retry`` if cut."""
    offset = _size(part)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    if offset:
        request.add_header("Range", f"bytes={offset}-")
        if state.validator:
            request.add_header("If-Range", state.validator)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()  # the headers are parsed already; the error body is not needed
        if exc.code == 416 and offset:
            _unsatisfied_range(exc.headers, part, state, offset)
            return
        if exc.code in RETRY_STATUSES:
            raise _Retry(f"HTTP {exc.code} {exc.reason}") from exc
        raise HTTPStatusError(url, exc.code, str(exc.reason)) from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        raise _Retry(_reason(exc)) from exc
    with response:
        offset, total = _plan(response, part, state, offset)
        received = offset
        report(received, total)
        # Append after a 206, truncate after a 200: the server chose which.
        with open(part, "ab" if offset else "wb") as f:
            try:
                while chunk := response.read(CHUNK):
                    f.write(chunk)
                    received += len(chunk)
                    report(received, total)
            except (http.client.HTTPException, OSError) as exc:
                raise _Retry(_reason(exc)) from exc
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
    if response.status == 206 and offset:
        match = CONTENT_RANGE.search(headers.get("Content-Range", ""))
        if not match or int(match.group(1)) != offset:
            part.unlink()
            raise _Retry(f"the server answered a different range ({headers.get('Content-Range')}); "
                         "starting over")
        total = None if match.group(3) == "*" else int(match.group(3))
        if total is not None and state.total is not None and total != state.total:
            part.unlink()
            raise _Retry(f"the file changed size ({state.total:,} -> {total:,}); starting over")
        state.total = total if total is not None else state.total
        state.save(part)
        return offset, state.total
    # A 200: the whole file, whether the server ignores Range, the file changed
    # (If-Range), or this is the first request.
    length = headers.get("Content-Length")
    state.total = int(length) if length and length.isdigit() else None
    etag = headers.get("ETag")
    state.validator = (etag if etag and not etag.startswith("W/")
                       else headers.get("Last-Modified"))
    state.save(part)
    return 0, state.total


def fetch_text(url: str, *, timeout: float = 30) -> str:
    """A web page's text (for ``find_links``); :class:`FetchError` if it cannot be read."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read(MAX_PAGE_BYTES)
            charset = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as exc:
        exc.close()
        raise HTTPStatusError(url, exc.code, str(exc.reason)) from exc
    except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
        raise FetchError(f"{url} could not be read ({_reason(exc)})",
                         hint="check the network connection and the address") from exc
    try:
        return data.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return data.decode("utf-8", errors="replace")


class _LinkParser(HTMLParser):
    def __init__(self, base_url: str):
        super().__init__(convert_charrefs=True)
        self.base = base_url
        self.seen_base = False
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = (dict(attrs).get("href") or "").strip()
        if not href:
            return
        if tag == "base" and not self.seen_base:
            # Only the first <base> counts, as in a browser.
            self.base, self.seen_base = urllib.parse.urljoin(self.base, href), True
        elif tag in ("a", "area"):
            self.hrefs.append(urllib.parse.urljoin(self.base, href))


def find_links(html: str, base_url: str, pattern: str | re.Pattern) -> list[str]:
    """Absolute URLs of the page's links that ``pattern`` matches, in page order.

    ``pattern`` is a regular expression searched in the absolute URL (a string
    is searched case-insensitively); fragments are dropped and duplicates
    listed once.
    """
    regex = re.compile(pattern, re.IGNORECASE) if isinstance(pattern, str) else pattern
    parser = _LinkParser(base_url)
    parser.feed(html)
    parser.close()
    found: list[str] = []
    for href in parser.hrefs:
        url = urllib.parse.urldefrag(href).url
        if (urllib.parse.urlsplit(url).scheme in ("http", "https") and regex.search(url)
                and url not in found):
            found.append(url)
    return found
