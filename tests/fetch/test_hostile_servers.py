"""``crossings fetch`` against servers that misbehave, on 127.0.0.1 (the reliability cases).

Each server here is one the review found fetch looping on, hanging on, or
trusting: a 206 from byte 0 to every Range request, a trickle of one byte
every half second, a redirect to ``ftp://``, a zip with an extra member, a
zip bomb, a damaged new copy of a file already downloaded, an 8 MB index
page. Limits are set small (``retries``, ``stall_timeout``, ``deadline``) and
every test bounds its own requests and time.
"""

from __future__ import annotations

import time
import tracemalloc
import zipfile

import pytest
from helpers import idb_rows
from helpers.bombs import RawMember, deflated, write_zip, zeros_deflate
from helpers.http_site import Route, Site, cli

from crossings.errors import CorruptArchive, FetchError, UnsupportedSource
from crossings.fetch.http import (
    MAX_PAGE_LINKS,
    DeadlinePassed,
    RefusedRedirect,
    download,
    find_links,
    part_path,
)
from crossings.fetch.idb import fetch_idb
from crossings.fetch.lions import fetch_lions, list_releases
from crossings.fetch.lions.pages import MAX_RELEASE_PAGES

pytestmark = [pytest.mark.usefixtures("no_proxy"), pytest.mark.adversarial]

ZIP_PATH = "/files/cr96on_0.zip"


@pytest.fixture(scope="module")
def idb_zip(tmp_path_factory) -> bytes:
    """A small cr96on zip (deflate; the member is all fetch checks)."""
    folder = tmp_path_factory.mktemp("fjc")
    rows = [idb_rows.row(DOCKET=f"15{i:05d}") for i in range(300)]
    text = idb_rows.write(folder / "cr96on.txt", rows).read_bytes()
    return write_zip(folder / "z.zip", [deflated("cr96on.txt", text)]).read_bytes()


def _requests(site: Site) -> int:
    return len(site.paths(ZIP_PATH))


# --- a 206 from byte 0 -----------------------------------------------------------------
def test_a_206_from_byte_0_restarts_cleanly(site, idb_zip, tmp_path):
    half = len(idb_zip) // 2
    site.routes[ZIP_PATH] = Route(idb_zip, range_from_zero=True, cut_at=half, cut_times=1)
    path = download(site.base + ZIP_PATH, tmp_path / "z.zip", retries=2)
    assert path.read_bytes() == idb_zip  # the first half once, not twice
    assert site.paths(ZIP_PATH) == [None, f"bytes={half}-"]


def test_a_206_from_byte_0_that_never_ends_is_not_followed_for_ever(site, idb_zip, tmp_path):
    # Every answer starts over at byte 0 and is cut at the same place: no attempt
    # after the first brings a byte the part file did not hold already.
    site.routes[ZIP_PATH] = Route(idb_zip, range_from_zero=True, cut_at=len(idb_zip) // 2,
                                  cut_times=100)
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        download(site.base + ZIP_PATH, tmp_path / "z.zip", retries=2, deadline=20)
    assert _requests(site) == 3  # the first, then two retries that brought nothing new
    assert time.monotonic() - started < 10
    assert "failed 3 times in a row" in info.value.message
    assert part_path(tmp_path / "z.zip").stat().st_size == len(idb_zip) // 2


# --- a trickle -----------------------------------------------------------------------
def test_a_trickle_is_a_stall_and_the_bytes_are_kept(site, idb_zip, tmp_path):
    site.routes[ZIP_PATH] = Route(idb_zip, trickle=0.5, trickle_bytes=20)
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        download(site.base + ZIP_PATH, tmp_path / "z.zip", retries=1, stall_timeout=1,
                 deadline=20)
    assert time.monotonic() - started < 8
    assert "stalled" in info.value.message and "--stall-timeout 1" in info.value.message
    assert _requests(site) == 2
    assert part_path(tmp_path / "z.zip").stat().st_size >= 2  # what trickled in is kept


def test_the_deadline_stops_a_slow_fetch(site, idb_zip, tmp_path):
    site.routes[ZIP_PATH] = Route(idb_zip, trickle=0.2, trickle_bytes=100)
    started = time.monotonic()
    with pytest.raises(DeadlinePassed) as info:
        fetch_idb(tmp_path, url=site.base + ZIP_PATH, stall_timeout=30, deadline=1.5)
    assert time.monotonic() - started < 5
    text = info.value.describe()
    assert "deadline of 1.5 seconds" in text and "--deadline" in text
    assert part_path(tmp_path / "cr96on_0.zip").exists()  # kept for the next run


def test_cli_limits_are_options(site, idb_zip, tmp_path):
    site.routes[ZIP_PATH] = Route(idb_zip, trickle=0.5, trickle_bytes=20)
    result = cli("fetch", "idb", "--url", site.base + ZIP_PATH, "--dest", str(tmp_path),
                 "--retries", "0", "--stall-timeout", "1", "--deadline", "10", "--quiet",
                 home=tmp_path / "home", timeout=30)
    assert result.returncode == 1
    assert "stalled" in result.stderr and "Traceback" not in result.stderr


# --- addresses and redirects ---------------------------------------------------------------
@pytest.mark.parametrize("target", ["ftp://127.0.0.1/cr96on_0.zip", "file:///etc/passwd"])
def test_redirects_go_to_http_only(site, tmp_path, target):
    site.routes[ZIP_PATH] = Route(b"", redirect=target)
    with pytest.raises(RefusedRedirect) as info:
        fetch_idb(tmp_path, url=site.base + ZIP_PATH)
    assert target in info.value.message and "only http and https" in info.value.message
    assert _requests(site) == 1
    assert not any(tmp_path.iterdir())


def test_a_redirect_to_http_is_followed(site, idb_zip, tmp_path):
    site.routes["/old.zip"] = Route(b"", redirect=site.base + ZIP_PATH)
    site.routes[ZIP_PATH] = Route(idb_zip)
    assert download(site.base + "/old.zip", tmp_path / "z.zip").read_bytes() == idb_zip


@pytest.mark.parametrize(("args", "option"), [
    (("idb", "--url", "not a url"), "--url"),
    (("idb", "--page-url", "www.fjc.gov/page"), "--page-url"),
    (("lions", "--index-url", "ftp://example.org/x"), "--index-url"),
])
def test_cli_an_address_that_is_not_one_is_a_usage_error(tmp_path, args, option):
    result = cli("fetch", *args, "--dest", str(tmp_path / "d"), "--quiet",
                 home=tmp_path / "home", timeout=30)
    assert result.returncode == 2
    assert "is not a web address" in result.stderr and option in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "d").exists()


# --- what arrives ------------------------------------------------------------------------
def test_a_zip_with_an_extra_member_fails_at_fetch(site, tmp_path):
    members = [deflated("cr96on.txt", b"x"), deflated("extra.txt", b"y")]
    body = write_zip(tmp_path / "two.zip", members).read_bytes()
    site.routes[ZIP_PATH] = Route(body)
    dest = tmp_path / "d"
    with pytest.raises(UnsupportedSource) as info:
        fetch_idb(dest, url=site.base + ZIP_PATH)
    # The ingest's own words: the same check, not a second copy of it.
    assert "holds 2 members (cr96on.txt, extra.txt)" in info.value.message
    assert sorted(p.name for p in dest.iterdir()) == ["cr96on_0.zip.bad"]


def test_a_zip_bomb_stops_at_its_promised_size(site, tmp_path):
    bomb = RawMember("cr96on.txt", zeros_deflate(1 << 30), zipfile.ZIP_DEFLATED, 9_675)
    site.routes[ZIP_PATH] = Route(write_zip(tmp_path / "bomb.zip", [bomb]).read_bytes())
    tracemalloc.start()
    try:
        with pytest.raises(CorruptArchive) as info:
            fetch_idb(tmp_path / "d", url=site.base + ZIP_PATH)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "more than the 9,675 bytes the archive promises" in info.value.message
    assert peak < 64 << 20
    assert (tmp_path / "d" / "cr96on_0.zip.bad").exists()


def test_a_good_download_is_replaced_only_by_a_verified_one(site, idb_zip, tmp_path):
    site.routes[ZIP_PATH] = Route(idb_zip)
    first = fetch_idb(tmp_path, url=site.base + ZIP_PATH)
    sidecars = {p.name: p.read_bytes() for p in (first.sha256_path, first.record_path)}
    damaged = bytearray(idb_zip)
    damaged[len(damaged) // 3] ^= 0xFF
    site.routes[ZIP_PATH] = Route(bytes(damaged), etag='"v2"')
    with pytest.raises(CorruptArchive) as info:
        fetch_idb(tmp_path, url=site.base + ZIP_PATH)
    assert "the earlier cr96on_0.zip is kept" in info.value.message
    assert first.path.read_bytes() == idb_zip  # the good copy, untouched
    assert {p.name: p.read_bytes() for p in (first.sha256_path, first.record_path)} == sidecars
    assert (tmp_path / "cr96on_0.zip.bad").read_bytes() == bytes(damaged)
    assert not part_path(first.path).exists()


# --- pages -----------------------------------------------------------------------------
INDEX = "/usao/resources/foia-library/national-caseload-data"
RELEASE_PAGE = ('<html><body><h1>June 2025 data files</h1><ul>'
                '<li><a href="/media/jun/DISK01.zip">DISK01.zip</a></li>'
                '<li><a href="/media/jun/JUNFY2025_README_REPORTS_LOGS.txt">Readme and logs</a>'
                '</li></ul></body></html>')


def _big_index(links: int) -> str:
    """An 8 MB page shaped like DOJ's: thousands of news links, long paragraphs with
    months in them, tags inside tags, and the one "data files" link near the end."""
    news = "".join(f'<li class="item"><a href="/usao/news/{i}" title="a &amp; b">News '
                   f'<strong>{i}</strong>, June 2025 &ndash; May FY2025</a></li>'
                   for i in range(links))
    paragraph = "<p>Prosecutions filed in June 2025 &amp; May 2025, by district. " * 40
    body = f"<html><body><ul>{news}</ul>"
    tail = ('<ul><li><a href="/usao/ncd/june-2025">June 2025 data files</a></li></ul>'
            "</body></html>")
    filler = (paragraph + "</p>") * ((8 << 20) // len(paragraph))
    return (body + filler)[:(8 << 20) - len(tail)] + tail


def test_an_8_mb_index_page_parses_in_under_a_second(site, tmp_path):
    page = _big_index(MAX_PAGE_LINKS - 10)
    assert len(page.encode()) == 8 << 20
    site.routes[INDEX] = Route(page.encode(), "text/html")
    site.routes["/usao/ncd/june-2025"] = Route(RELEASE_PAGE.encode(), "text/html")
    started = time.process_time()
    releases = list_releases(site.base + INDEX)
    used = time.process_time() - started
    assert [(r.name, [f.name for f in r.zips]) for r in releases] == [
        ("JUNFY2025", ["DISK01.zip"])]
    assert used < 1.0, f"{used:.2f} s of CPU"


def test_an_8_mb_page_of_disk_links_is_refused_in_under_a_second(site):
    # What the review served: 52 s to parse (each link compared with every other).
    links = "".join(f'<li><a href="/m/DISK{i:06d}.zip">Disk {i} (ZIP)</a></li>'
                    for i in range(200_000))
    site.routes[INDEX] = Route(links.encode()[:8 << 20], "text/html")
    started = time.process_time()
    with pytest.raises(FetchError) as info:
        list_releases(site.base + INDEX)
    assert time.process_time() - started < 1.0
    assert f"more than {MAX_PAGE_LINKS:,} links" in info.value.message
    assert "pass the page that links the files" in info.value.describe()


def test_a_page_of_too_many_links_is_refused_quickly():
    html = '<a href="/x/DISK{}.zip">d</a>' * (MAX_PAGE_LINKS + 1)
    started = time.process_time()
    with pytest.raises(FetchError, match=f"more than {MAX_PAGE_LINKS:,} links"):
        find_links(html, "https://example.org/", r"\.zip$")
    assert time.process_time() - started < 1.0


def test_links_in_comments_and_scripts_are_not_links():
    html = ('<!-- <a href="/old.zip">old</a> --><script>x = "<a href=/s.zip>"</script>'
            '<A HREF=\'/new.zip\' class=x>new</A><a href="/unclosed.zip">u<a href=/b.zip>b')
    assert find_links(html, "https://example.org/d/", r"\.zip$") == [
        "https://example.org/new.zip", "https://example.org/unclosed.zip",
        "https://example.org/b.zip"]


# --- LIONS disks ---------------------------------------------------------------------------
BARE = '<p>Current release:</p><a href="/f/DISK01.zip">DISK01.zip</a>'


def _disk(tmp_path, readme: RawMember | None = None) -> bytes:
    readme = readme or deflated("README.TXT", b"README.TXT FILES JUNFY2025\r\n")
    members = [deflated("gs_case.txt", b"1|2|3\r\n" * 50), readme]
    return write_zip(tmp_path / "disk.zip", members).read_bytes()


def test_a_disk_whose_readme_is_a_bomb_fails_verification(site, tmp_path):
    bomb = RawMember("README.TXT", zeros_deflate(1 << 30), zipfile.ZIP_DEFLATED, 9_675)
    site.routes["/bare"] = Route(BARE.encode(), "text/html")
    site.routes["/f/DISK01.zip"] = Route(_disk(tmp_path, bomb))
    tracemalloc.start()
    try:
        with pytest.raises(FetchError) as info:
            fetch_lions(tmp_path / "d", index_url=site.base + "/bare", release="JUNFY2025")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "DISK01.zip: member README.TXT inflates to more than the 9,675 bytes" in \
        info.value.message
    assert peak < 64 << 20
    assert (tmp_path / "d" / "JUNFY2025" / "DISK01.zip.bad").exists()


def test_a_verified_disk_is_replaced_only_by_a_verified_copy(site, tmp_path):
    good = _disk(tmp_path)
    site.routes["/bare"] = Route(BARE.encode(), "text/html")
    site.routes["/f/DISK01.zip"] = Route(good)
    index = site.base + "/bare"
    first = fetch_lions(tmp_path, index_url=index, release="JUNFY2025")
    disk = first.folder / "DISK01.zip"
    # The page now links the disk at a new address, and the copy there is damaged.
    site.routes["/bare"] = Route(BARE.replace("/f/", "/g/").encode(), "text/html")
    damaged = bytearray(good)
    damaged[44] ^= 0xFF  # inside gs_case.txt's compressed bytes (its header ends at 41)
    site.routes["/g/DISK01.zip"] = Route(bytes(damaged))
    with pytest.raises(FetchError) as info:
        fetch_lions(tmp_path, index_url=index, release="JUNFY2025")
    assert "the earlier DISK01.zip is kept" in info.value.message
    assert disk.read_bytes() == good
    assert (first.folder / "DISK01.zip.bad").read_bytes() == bytes(damaged)


def test_at_most_36_release_pages_are_followed(site):
    links = "".join(f'<a href="/r/{i}">June {2000 + i} data files</a>' for i in range(40))
    site.routes[INDEX] = Route(f"<html><body>{links}</body></html>".encode(), "text/html")
    releases = list_releases(site.base + INDEX)
    followed = [p for p, _ in site.requests if p.startswith("/r/")]
    assert followed == [f"/r/{i}" for i in range(MAX_RELEASE_PAGES)]
    assert all("404" in r.error for r in releases)
    assert any("more than 36 release pages" in w for r in releases for w in r.warnings)
