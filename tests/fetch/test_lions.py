"""``crossings fetch lions`` against a real HTTP server on 127.0.0.1 (never the internet).

The server serves an index page shaped like DOJ's national caseload page
(each month linked as "‹Month› ‹YYYY› data files", a page of DISK zips and
the release's log), or a page linking the disks directly, and the zips of
small synthetic releases made by ``write_lions_sample``. These pages are
shaped by us from documentation, not copied from DOJ. The server honours
``Range`` and can cut a connection part way through a file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from helpers.http_site import Route, Site, cli

from crossings.errors import FetchError, InvalidRequest
from crossings.fetch.lions import fetch_lions, list_releases, release_from_text
from crossings.sample.lions.generator import write_lions_sample

INDEX = "/usao/resources/foia-library/national-caseload-data"
MONTHS = {"JUNFY2025": ("June 2025", "jun"), "MAYFY2025": ("May 2025", "may")}
# May's log carries a space in its name, as one of DOJ's 2025 files does.
LOGS = {"JUNFY2025": "JUNFY2025_README_REPORTS_LOGS.txt",
        "MAYFY2025": "MAY FY2025_README_REPORTS_LOGS.txt"}
DISKS = ("DISK01.zip", "DISK02.zip", "DISK03.zip")

# June is listed first and May second: the latest is chosen by month, not by place.
INDEX_PAGE = """<!DOCTYPE html><html><head><title>National Caseload Data</title></head>
<body><main><h1>National Caseload Data</h1>
<p>The data are released monthly, about 60 days after the month ends.</p>
<ul>
<li><a href="{index}/faq">Frequently Asked Questions</a></li>
<li><a href="/usao/national-caseload-data/june-2025">June 2025 data files</a></li>
<li><a href="/usao/national-caseload-data/may-2025">May 2025 data files</a></li>
<li><a href="{index}/2017">FY 2017</a></li>
</ul></main></body></html>
"""

RELEASE_PAGE = """<!DOCTYPE html><html><body><main><h1>{label} data files</h1>
<ul>{disks}
<li><a href="/usao/media/{slug}/{log}">Readme, reports and logs</a> (TXT)</li>
<li><a href="{index}">Back to National Caseload Data</a></li>
</ul></main></body></html>
"""

DIRECT_PAGE = """<html><body><h1>National Caseload Data</h1>
<h2>June <strong>2025</strong></h2><p>{jun}</p>
<h2>May 2025</h2><p>{may}</p></body></html>
"""


pytestmark = pytest.mark.usefixtures("no_proxy")


@pytest.fixture(scope="module")
def releases(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """Two small synthetic releases: file name -> bytes, per release."""
    out = {}
    for name, defendants in (("JUNFY2025", 300), ("MAYFY2025", 80)):
        folder = tmp_path_factory.mktemp(name)
        info = write_lions_sample(folder, defendants=defendants, release=name, log="beside")
        files = {z.name: z.read_bytes() for z in info.zips}
        assert tuple(files) == DISKS
        files[LOGS[name]] = info.log.read_bytes()
        out[name] = files
    return out


def _media(slug: str, name: str) -> str:
    return f"/usao/media/{slug}/{name.replace(' ', '%20')}"


def _serve_doj(site: Site, releases: dict[str, dict[str, bytes]]) -> str:
    """DOJ's shape: an index of "data files" links, one page of disks per month."""
    site.routes[INDEX] = Route(INDEX_PAGE.format(index=INDEX).encode(), "text/html")
    for name, (label, slug) in MONTHS.items():
        disks = "".join(f'\n<li><a href="{_media(slug, d)}">{d}</a> (30 KB)</li>'
                        for d in DISKS)
        page = RELEASE_PAGE.format(label=label, disks=disks, slug=slug, index=INDEX,
                                   log=LOGS[name].replace(" ", "%20"))
        page_path = "/usao/national-caseload-data/" + label.lower().replace(" ", "-")
        site.routes[page_path] = Route(page.encode(), "text/html")
        for file, body in releases[name].items():
            site.routes[_media(slug, file)] = Route(body)
    return site.base + INDEX


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- names -----------------------------------------------------------------------
@pytest.mark.parametrize(("text", "name"), [
    ("June 2025 data files", "JUNFY2025"),
    ("October 2024 data files", "OCTFY2025"),  # the fiscal year starts in October
    ("Sept. 2025", "SEPFY2025"),
    ("JAN FY2025_README_REPORTS_LOGS.txt", "JANFY2025"),
    ("Frequently Asked Questions", None),
])
def test_release_names_from_text(text, name):
    assert release_from_text(text) == name


# --- the DOJ-shaped page -----------------------------------------------------------
def test_latest_release_is_fetched_verified_and_recorded(site, releases, tmp_path):
    index = _serve_doj(site, releases)
    updates = []
    result = fetch_lions(tmp_path, index_url=index, progress=updates.append)
    assert (result.release, result.folder) == ("JUNFY2025", tmp_path / "JUNFY2025")
    assert result.available == ["MAYFY2025", "JUNFY2025"]
    assert result.named_from == "file names" and "latest" in result.how
    served = releases["JUNFY2025"]
    assert sorted(p.name for p in result.folder.iterdir()) == sorted([*served, "fetch.json"])
    for name, body in served.items():
        assert (result.folder / name).read_bytes() == body
    record = json.loads(result.record_path.read_text())
    assert record["complete"] and record["release"] == "JUNFY2025"
    assert {f["name"]: (f["size"], f["sha256"]) for f in record["files"]} == {
        n: (len(b), _sha(b)) for n, b in served.items()}
    assert all(f.verified and f.members >= 2 for f in result.zips)
    tasks = {u.task for u in updates}
    assert {"download DISK01.zip", "verify DISK03.zip"} <= tasks
    assert not result.warnings


def test_named_release_and_a_log_name_with_a_space(site, releases, tmp_path):
    index = _serve_doj(site, releases)
    result = fetch_lions(tmp_path, index_url=index, release="may fy2025")
    assert result.release == "MAYFY2025"
    log = result.folder / "MAY FY2025_README_REPORTS_LOGS.txt"
    assert log.read_bytes() == releases["MAYFY2025"][LOGS["MAYFY2025"]]
    assert (result.folder / "DISK02.zip").read_bytes() == releases["MAYFY2025"]["DISK02.zip"]
    assert not (tmp_path / "JUNFY2025").exists()


def test_unknown_release_lists_the_known_ones(site, releases, tmp_path):
    index = _serve_doj(site, releases)
    with pytest.raises(FetchError) as info:
        fetch_lions(tmp_path, index_url=index, release="APRFY2025")
    text = info.value.describe()
    assert "APRFY2025" in text and "MAYFY2025, JUNFY2025" in text and "--index-url" in text
    with pytest.raises(InvalidRequest):
        fetch_lions(tmp_path, index_url=index, release="last month")


def test_dropped_connection_resumes_mid_zip(site, releases, tmp_path):
    index = _serve_doj(site, releases)
    body = releases["JUNFY2025"]["DISK02.zip"]
    half = len(body) // 2
    route = site.routes[_media("jun", "DISK02.zip")]
    route.cut_at, route.cut_times = half, 1
    result = fetch_lions(tmp_path, index_url=index, backoff=0)
    assert (result.folder / "DISK02.zip").read_bytes() == body
    assert site.paths("/jun/DISK02.zip") == [None, f"bytes={half}-"]
    assert not list(result.folder.glob("*.part*"))


def test_corrupt_zip_is_set_aside_and_the_rest_kept(site, releases, tmp_path):
    index = _serve_doj(site, releases)
    good = releases["JUNFY2025"]["DISK02.zip"]
    damaged = bytearray(good)
    damaged[len(damaged) // 3] ^= 0xFF  # inside a compressed member
    site.routes[_media("jun", "DISK02.zip")].body = bytes(damaged)
    with pytest.raises(FetchError) as info:
        fetch_lions(tmp_path, index_url=index)
    assert "DISK02.zip" in info.value.message and "DISK02.zip.bad" in info.value.message
    folder = tmp_path / "JUNFY2025"
    assert (folder / "DISK02.zip.bad").read_bytes() == bytes(damaged)
    assert not (folder / "DISK02.zip").exists()
    record = json.loads((folder / "fetch.json").read_text())
    assert not record["complete"]
    assert sorted(f["name"] for f in record["files"]) == ["DISK01.zip", "DISK03.zip",
                                                          LOGS["JUNFY2025"]]
    # Fixed on the server: the next run fetches only the bad disk again.
    site.routes[_media("jun", "DISK02.zip")].body = good
    site.requests.clear()
    result = fetch_lions(tmp_path, index_url=index)
    assert (folder / "DISK02.zip").read_bytes() == good
    assert [p for p, _ in site.requests if "/media/" in p] == [_media("jun", "DISK02.zip")]
    assert sorted(f.name for f in result.files if f.reused) == [
        "DISK01.zip", "DISK03.zip", LOGS["JUNFY2025"]]


def test_a_zip_the_page_no_longer_links_is_renamed_stale(site, releases, tmp_path):
    index = _serve_doj(site, releases)
    folder = tmp_path / "JUNFY2025"
    folder.mkdir()
    (folder / "DISK04.zip").write_bytes(releases["JUNFY2025"]["DISK01.zip"])
    result = fetch_lions(tmp_path, index_url=index)
    assert (folder / "DISK04.zip.stale").exists() and not (folder / "DISK04.zip").exists()
    assert any("DISK04.zip" in w for w in result.warnings)


# --- other page shapes ---------------------------------------------------------------
def test_disks_linked_directly_on_the_page(site, releases, tmp_path):
    links = {}
    for name, (_, slug) in MONTHS.items():
        links[slug] = " ".join(f'<a href="/files/{slug}/{d}">Disk {k} (ZIP)</a>'
                               for k, d in enumerate(DISKS, 1))
        for d in DISKS:
            site.routes[f"/files/{slug}/{d}"] = Route(releases[name][d])
    site.routes["/data"] = Route(DIRECT_PAGE.format(**links).encode(), "text/html")
    listed = list_releases(site.base + "/data")
    assert [(r.name, r.named_from, len(r.zips), len(r.docs)) for r in listed] == [
        ("MAYFY2025", "page text", 3, 0), ("JUNFY2025", "page text", 3, 0)]
    result = fetch_lions(tmp_path, index_url=site.base + "/data")
    assert result.release == "JUNFY2025"
    assert [f.name for f in result.files] == list(DISKS)
    assert (result.folder / "DISK03.zip").read_bytes() == releases["JUNFY2025"]["DISK03.zip"]


def test_disks_of_no_named_month_need_release(site, releases, tmp_path):
    site.routes["/bare"] = Route(b'<p>Current release:</p><a href="/f/DISK01.zip">DISK01.zip</a>',
                                 "text/html")
    site.routes["/f/DISK01.zip"] = Route(releases["JUNFY2025"]["DISK01.zip"])
    with pytest.raises(FetchError, match="does not say which release"):
        fetch_lions(tmp_path, index_url=site.base + "/bare")
    result = fetch_lions(tmp_path, index_url=site.base + "/bare", release="JUNFY2025")
    assert result.release == "JUNFY2025" and "named by --release" in result.how
    assert [f.name for f in result.files] == ["DISK01.zip"]


def test_unreadable_release_page_is_reported_not_guessed(site, releases, tmp_path):
    index = _serve_doj(site, releases)
    del site.routes["/usao/national-caseload-data/june-2025"]
    listed = {r.name: r for r in list_releases(index)}
    assert "404" in listed["JUNFY2025"].error and not listed["JUNFY2025"].zips
    result = fetch_lions(tmp_path, index_url=index)
    assert result.release == "MAYFY2025"
    assert any("JUNFY2025" in w and "404" in w for w in result.warnings)
    with pytest.raises(FetchError, match="no DISK zip links"):
        fetch_lions(tmp_path, index_url=index, release="JUNFY2025")


def test_page_without_zip_links_says_what_to_do(site, tmp_path):
    site.routes["/empty"] = Route(b"<html><body><p>Moved.</p></body></html>", "text/html")
    with pytest.raises(FetchError) as info:
        fetch_lions(tmp_path, index_url=site.base + "/empty")
    text = info.value.describe()
    assert "no DISK zip links" in text and "--index-url" in text


# --- the command -------------------------------------------------------------------------
def test_cli_fetch_and_ingest(site, releases, tmp_path):
    index = _serve_doj(site, releases)
    store = tmp_path / "store"
    result = cli("fetch", "lions", "--index-url", index, "--ingest", "--store", str(store),
                 "--quiet", "--format", "json", home=tmp_path / "home", timeout=120)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["release"] == "JUNFY2025"
    assert Path(payload["folder"]) == store / "downloads" / "lions" / "JUNFY2025"
    assert payload["ingest"]["status"] == "ingested"
    manifest = json.loads((store / "manifest.json").read_text())
    entries = [(e["source"], e["release"]) for e in manifest["entries"]]
    assert ("lions", "JUNFY2025") in entries


def test_cli_table_summary_and_unknown_release(site, releases, tmp_path):
    index = _serve_doj(site, releases)
    dest = tmp_path / "d"
    ok = cli("fetch", "lions", "--index-url", index, "--release", "MAYFY2025", "--dest",
             str(dest), "--format", "csv", home=tmp_path / "home", timeout=120)
    assert ok.returncode == 0, ok.stderr
    sha = _sha(releases["MAYFY2025"]["DISK01.zip"])
    assert f"sha256 {sha}" in ok.stdout and "release,MAYFY2025" in ok.stdout
    assert "fetched MAYFY2025" in ok.stderr
    bad = cli("fetch", "lions", "--index-url", index, "--release", "APRFY2025", "--dest",
              str(dest), "--quiet", home=tmp_path / "home", timeout=120)
    assert bad.returncode == 1 and "MAYFY2025, JUNFY2025" in bad.stderr
    assert bad.stdout == ""
