"""``crossings fetch idb`` against a real HTTP server on 127.0.0.1 (never the internet).

The server serves an FJC-shaped page and a small Deflate64 zip built with
7-Zip from ``fjc_rows`` rows, honours ``Range``, and can cut the connection
part way through a file (headers promise the full length, half the bytes
arrive, the socket closes) to exercise resuming.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from helpers import idb_rows
from helpers.http_site import Route, Site, cli
from helpers.tools import seven_zip

from crossings.errors import CorruptArchive, FetchError
from crossings.fetch.http import HTTPStatusError, download, find_links, part_path
from crossings.fetch.idb import fetch_idb, verify_zip
from crossings.progress import ProgressUpdate

ZIP_PATH = "/sites/default/files/idb/textfiles/cr96on_0.zip"
PAGE_PATH = "/research/idb/criminal-defendants-filed-terminated-and-pending-fy-1996-present"

PAGE = """<!DOCTYPE html>
<html><head><title>Criminal Defendants Filed, Terminated, and Pending (FY 1996 - present)
</title></head><body>
<div class="field-item"><p>Data for FY 1996 to present.</p>
<ul>
<li><a href="/sites/default/files/idb/codebooks/Criminal%20Code%20Book%201996%20Forward.pdf">
Codebook</a></li>
<li><a href="/sites/default/files/idb/datasets/cr08_0.sas7bdat">FY 2008 (SAS)</a></li>
<li><a href="{zip}" class="file">Text File (cr96on_0.zip) 253 MB</a></li>
</ul></div></body></html>
"""

PAGE_WITHOUT_LINK = "<html><body><p>The dataset is being updated.</p></body></html>"

pytestmark = pytest.mark.usefixtures("no_proxy")


@pytest.fixture(scope="module")
def zip_bytes(tmp_path_factory) -> bytes:
    """A real Deflate64 cr96on zip of a few hundred rows, made by 7-Zip as the FJC's is."""
    folder = tmp_path_factory.mktemp("zip")
    rows = [idb_rows.row(DOCKET=f"15{i:05d}", CTFIL="1", FTITLE1="8:1326.F",
                         FISCALYR=str(2010 + i % 6)) for i in range(400)]
    idb_rows.write(folder / "cr96on.txt", rows)
    subprocess.run([seven_zip(), "a", "-tzip", "-mm=Deflate64", "cr96on_0.zip", "cr96on.txt"],
                   cwd=folder, check=True, capture_output=True)
    return (folder / "cr96on_0.zip").read_bytes()


def _serve_idb(site: Site, zip_bytes: bytes, **route) -> None:
    site.routes[PAGE_PATH] = Route(PAGE.format(zip=ZIP_PATH).encode(), "text/html; charset=utf-8")
    site.routes[ZIP_PATH] = Route(zip_bytes, **route)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- find_links ----------------------------------------------------------
def test_find_links_absolute_in_page_order():
    html = PAGE.format(zip=ZIP_PATH) + '<a href="cr96on.zip#x">again</a><a href="cr96on.zip">'
    links = find_links(html, "https://www.fjc.gov" + PAGE_PATH, r"/cr96on[\w.-]*\.zip$")
    assert links == ["https://www.fjc.gov" + ZIP_PATH,
                     "https://www.fjc.gov/research/idb/cr96on.zip"]


def test_find_links_honours_base_and_skips_other_schemes():
    html = ('<base href="https://files.example.org/data/"><a href="a.ZIP">a</a>'
            '<a href="mailto:x@example.org?a.zip">m</a><a href="sub/b.zip">b</a>')
    assert find_links(html, "https://example.org/page", r"\.zip$") == [
        "https://files.example.org/data/a.ZIP", "https://files.example.org/data/sub/b.zip"]


# --- download ------------------------------------------------------------
def test_download_reports_progress_and_removes_part(site, zip_bytes, tmp_path):
    _serve_idb(site, zip_bytes)
    updates: list[ProgressUpdate] = []
    path = download(site.base + ZIP_PATH, tmp_path / "z.zip", progress=updates.append)
    assert path.read_bytes() == zip_bytes
    assert not part_path(path).exists()
    assert updates[-1].completed == updates[-1].total == len(zip_bytes)
    assert updates[-1].unit == "bytes"


def test_dropped_connection_resumes_with_range(site, zip_bytes, tmp_path):
    half = len(zip_bytes) // 2
    _serve_idb(site, zip_bytes, cut_at=half, cut_times=1)
    result = fetch_idb(tmp_path, url=site.base + ZIP_PATH, backoff=0)
    assert result.path.read_bytes() == zip_bytes
    assert result.sha256 == _sha(zip_bytes)
    ranges = [r for p, r in site.requests if p == ZIP_PATH]
    assert ranges == [None, f"bytes={half}-"]


def test_server_ignoring_range_starts_over(site, zip_bytes, tmp_path):
    _serve_idb(site, zip_bytes, cut_at=len(zip_bytes) // 3, cut_times=1, honour_range=False)
    path = download(site.base + ZIP_PATH, tmp_path / "z.zip", backoff=0)
    assert path.read_bytes() == zip_bytes  # not the first third twice


def test_file_replaced_between_runs_is_not_spliced(site, zip_bytes, tmp_path):
    _serve_idb(site, zip_bytes, cut_at=len(zip_bytes) // 2, cut_times=100)
    dest, url = tmp_path / "z.zip", site.base + ZIP_PATH
    with pytest.raises(FetchError):
        download(url, dest, retries=0, backoff=0)
    newer = zip_bytes[::-1]  # the publisher re-uploads under the same name
    site.routes[ZIP_PATH] = Route(newer, etag='"v2"')
    download(url, dest, backoff=0)
    assert dest.read_bytes() == newer
    assert site.requests[-1] == (ZIP_PATH, f"bytes={len(zip_bytes) // 2}-")


def test_complete_part_answered_416_is_kept(site, zip_bytes, tmp_path):
    _serve_idb(site, zip_bytes)
    dest = tmp_path / "z.zip"
    part_path(dest).write_bytes(zip_bytes)  # a run that died before the rename
    download(site.base + ZIP_PATH, dest, backoff=0)
    assert dest.read_bytes() == zip_bytes
    assert site.requests == [(ZIP_PATH, f"bytes={len(zip_bytes)}-")]


def test_retries_used_up_keep_the_part(site, zip_bytes, tmp_path):
    half = len(zip_bytes) // 2
    _serve_idb(site, zip_bytes, cut_at=half, cut_times=100)
    dest = tmp_path / "z.zip"
    url = site.base + ZIP_PATH
    with pytest.raises(FetchError) as info:
        download(url, dest, retries=2, backoff=0)
    text = info.value.describe()
    assert url in text and f"{half:,} of {len(zip_bytes):,} bytes" in text
    assert part_path(dest).stat().st_size == half and not dest.exists()
    # The next run resumes from the part file.
    site.routes[ZIP_PATH].cut_times = 0
    download(url, dest, backoff=0)
    assert dest.read_bytes() == zip_bytes
    assert site.requests[-1] == (ZIP_PATH, f"bytes={half}-")


def test_404_names_the_url_and_what_to_do(site, tmp_path):
    url = site.base + "/sites/default/files/idb/textfiles/cr96on_9.zip"
    with pytest.raises(HTTPStatusError) as info:
        fetch_idb(tmp_path, url=url)
    assert info.value.status == 404
    text = info.value.describe()
    assert url in text and "404" in text and "pass --url" in text
    assert not any(tmp_path.iterdir())


# --- fetch_idb -----------------------------------------------------------
def test_link_on_the_page_is_used_and_recorded(site, zip_bytes, tmp_path):
    _serve_idb(site, zip_bytes)
    result = fetch_idb(tmp_path, page_url=site.base + PAGE_PATH, fallback_urls=())
    assert result.url == site.base + ZIP_PATH and "linked from" in result.how
    assert result.path == tmp_path / "cr96on_0.zip" and result.verified
    assert (result.member, result.size) == ("cr96on.txt", len(zip_bytes))
    sha = _sha(zip_bytes)
    assert (tmp_path / "cr96on_0.zip.sha256").read_text() == f"{sha}  cr96on_0.zip\n"
    record = json.loads((tmp_path / "cr96on_0.zip.fetch.json").read_text())
    assert record["url"] == result.url and record["sha256"] == sha
    assert record["size"] == len(zip_bytes) and record["fetched_at"].endswith("+00:00")
    assert result.to_dict()["sha256"] == sha
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "cr96on_0.zip", "cr96on_0.zip.fetch.json", "cr96on_0.zip.sha256"]


def test_page_without_link_falls_back_to_known_names(site, zip_bytes, tmp_path):
    site.routes["/page"] = Route(PAGE_WITHOUT_LINK.encode(), "text/html")
    site.routes["/files/cr96on.zip"] = Route(zip_bytes)
    fallbacks = (site.base + "/files/cr96on_0.zip", site.base + "/files/cr96on.zip")
    result = fetch_idb(tmp_path, page_url=site.base + "/page", fallback_urls=fallbacks)
    assert result.url == fallbacks[1]
    assert "no link" in result.how
    assert result.tried == [{"url": fallbacks[0], "how": result.how, "failed": "HTTP 404"}]
    assert (tmp_path / "cr96on.zip").read_bytes() == zip_bytes


def test_unreadable_page_falls_back(site, zip_bytes, tmp_path):
    site.routes["/files/cr96on_0.zip"] = Route(zip_bytes)
    result = fetch_idb(tmp_path, page_url=site.base + "/gone",
                       fallback_urls=(site.base + "/files/cr96on_0.zip",))
    assert "reading the FJC page failed" in result.how and "404" in result.how


def test_no_address_works(site, tmp_path):
    fallbacks = (site.base + "/a/cr96on_0.zip", site.base + "/a/cr96on.zip")
    with pytest.raises(FetchError) as info:
        fetch_idb(tmp_path, page_url=site.base + "/gone", fallback_urls=fallbacks)
    assert all(u in info.value.message for u in fallbacks)


@pytest.mark.parametrize("damage", ["truncated", "flipped"])
def test_corrupt_zip_is_set_aside(site, zip_bytes, tmp_path, damage):
    if damage == "truncated":
        body = zip_bytes[: len(zip_bytes) * 2 // 3]  # served completely, just short
    else:
        body = bytearray(zip_bytes)
        body[len(body) // 3] ^= 0xFF  # inside the compressed member
        body = bytes(body)
    _serve_idb(site, body)
    with pytest.raises(CorruptArchive) as info:
        fetch_idb(tmp_path, url=site.base + ZIP_PATH)
    assert "cr96on_0.zip.bad" in info.value.describe()
    assert (tmp_path / "cr96on_0.zip.bad").read_bytes() == body
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cr96on_0.zip.bad"]


def test_zip_without_the_member_is_set_aside(site, tmp_path):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("readme.txt", "not the court file")
    _serve_idb(site, buffer.getvalue())
    with pytest.raises(FetchError, match="not cr96on.txt"):
        fetch_idb(tmp_path, url=site.base + ZIP_PATH)
    assert (tmp_path / "cr96on_0.zip.bad").exists()


def test_verify_zip_hashes_the_whole_archive(zip_bytes, tmp_path):
    path = tmp_path / "cr96on_0.zip"
    path.write_bytes(zip_bytes)
    info, sha, size = verify_zip(path)
    assert (info.filename, info.compress_type, sha, size) == (
        "cr96on.txt", 9, _sha(zip_bytes), len(zip_bytes))


# --- the command -----------------------------------------------------------
def test_cli_fetch_and_ingest(site, zip_bytes, tmp_path):
    _serve_idb(site, zip_bytes)
    store = tmp_path / "store"
    result = cli("fetch", "idb", "--page-url", site.base + PAGE_PATH, "--ingest",
                 "--store", str(store), "--quiet", "--format", "json", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    sha = _sha(zip_bytes)
    assert payload["sha256"] == sha and payload["url"] == site.base + ZIP_PATH
    assert Path(payload["path"]) == store / "downloads" / "cr96on_0.zip"
    assert payload["ingest"]["status"] == "ingested"
    assert payload["ingest"]["rows"]["read"] == 400
    manifest = json.loads((store / "manifest.json").read_text())
    assert sha in [f["sha256"] for e in manifest["entries"] for f in e["files"]]


def test_cli_table_summary(site, zip_bytes, tmp_path):
    _serve_idb(site, zip_bytes)
    result = cli("fetch", "idb", "--url", site.base + ZIP_PATH, "--dest", str(tmp_path / "d"),
                 "--format", "csv", home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert f"sha256,{_sha(zip_bytes)}" in result.stdout
    assert "fetched " + site.base + ZIP_PATH in result.stderr


def test_cli_404_exits_1_naming_the_url(site, tmp_path):
    url = site.base + "/sites/default/files/idb/textfiles/missing.zip"
    result = cli("fetch", "idb", "--url", url, "--dest", str(tmp_path / "d"), "--quiet",
                 home=tmp_path / "home")
    assert result.returncode == 1
    assert url in result.stderr and "404" in result.stderr and "--url" in result.stderr
    assert result.stdout == ""


@pytest.mark.adversarial
def test_cli_fetch_and_ingest_refuses_to_replace_a_release_unless_told(site, zip_bytes,
                                                                       tmp_path):
    _serve_idb(site, zip_bytes)
    store = tmp_path / "store"
    other = idb_rows.write(tmp_path / "other.txt", [idb_rows.row(CTFIL="1")])  # same LOADDATE
    assert cli("ingest", str(other), "--store", str(store), "-q",
               home=tmp_path / "home").returncode == 0
    args = ("fetch", "idb", "--page-url", site.base + PAGE_PATH, "--ingest", "--store",
            str(store), "--quiet")
    refused = cli(*args, home=tmp_path / "home")
    assert refused.returncode == 1
    assert "idb release 2026-06-30 is already loaded from other files: other.txt" in (
        refused.stderr)
    done = cli(*args, "--replace", "--format", "json", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    ingested = json.loads(done.stdout)["ingest"]
    assert ingested["rows"]["read"] == 400
    assert [f["name"] for f in ingested["replaced"]["files"]] == ["other.txt"]
