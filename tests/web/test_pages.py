"""The pages over the demo store: each answers, says the data is synthetic, runs no
inline script, shows the library's numbers, and keeps its filters in its URL."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from crossings.measures import measure
from crossings.measures.charges import IMMIGRATION
from crossings.web.pages import PAGES

PROFILE = "/districts?district=41"


class Page(HTMLParser):
    """The parts of a page the tests read: every element's attributes, the text of
    elements marked with a class, and the script blocks."""

    def __init__(self, text: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[dict] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "script":
            self.scripts.append(attributes)

    def handle_data(self, data):
        self.text.append(data)

    def having(self, **attrs) -> list[dict]:
        """The attributes of each element whose attributes include ``attrs``
        (``class_`` matches one class among several)."""
        wanted = {k.rstrip("_"): v for k, v in attrs.items()}
        found = []
        for _, a in self.elements:
            classes = (a.get("class") or "").split()
            if all((v in classes) if k == "class" else a.get(k) == v
                   for k, v in wanted.items()):
                found.append(a)
        return found

    def selected(self, select_id: str) -> str | None:
        """The value of the selected option of the select ``select_id``."""
        inside, value = False, None
        for tag, a in self.elements:
            if tag == "select":
                inside = a.get("id") == select_id
            elif tag == "option" and inside and "selected" in a:
                value = a.get("value")
        return value


def get_page(client, path: str, status: int = 200) -> Page:
    response = client.get(path)
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return Page(response.text)


@pytest.mark.parametrize("path", [*PAGES, PROFILE])
def test_every_page_answers_with_the_synthetic_banner(client, path):
    page = get_page(client, path)
    banners = page.having(class_="synthetic-banner")
    assert len(banners) == 1
    assert "SYNTHETIC DATA" in "".join(page.text)


@pytest.mark.parametrize("path", [*PAGES, PROFILE, "/?from_year=nineteen"])
def test_no_page_runs_inline_script_or_inline_style(client, path):
    response = client.get(path)
    page = Page(response.text)
    assert page.scripts, "every page loads app.js"
    for script in page.scripts:
        assert script.get("src") or script.get("type") == "application/json", script
    for tag, attributes in page.elements:
        handlers = [name for name in attributes if name.startswith("on")]
        assert not handlers, f"<{tag}> has inline event handlers {handlers}"
        assert "style" not in attributes, f"<{tag}> has a style attribute"
        for name in ("href", "src", "action"):
            value = attributes.get(name) or ""
            assert not value.startswith(("http:", "https:", "//", "javascript:")), value


def test_the_paths_listed_are_the_pages_of_the_nav(client):
    page = get_page(client, "/")
    nav = [a["href"] for tag, a in page.elements if tag == "a" and "href" in a
           and a["href"] in PAGES]
    assert set(PAGES) <= set(nav)
    assert PAGES[0] == "/"


def latest_full_year_row(rows: list[dict], partial: list[int]) -> dict:
    return max((r for r in rows if r["fiscal_year"] not in partial),
               key=lambda r: r["fiscal_year"])


def test_headline_figures_are_measure_s(client, web_store):
    page = get_page(client, "/")
    figures = page.having(class_="figure")
    assert [f["data-label"] for f in figures] == [
        "All immigration charges", "Illegal entry (1325)", "Illegal re-entry (1326)",
        "Smuggling (1324)"]
    total = measure("filings", by=["fiscal_year"], where={"charge": list(IMMIGRATION)},
                    change=True, store=web_store)
    by_charge = measure("filings", by=["fiscal_year", "charge"],
                        where={"charge": list(IMMIGRATION)}, change=True, store=web_store)
    # The demo's data runs to 2025-06-30: FY2025 is partial, FY2024 the latest full year.
    assert total.meta.partial_years == [2025]
    latest = latest_full_year_row(total.to_pylist(), total.meta.partial_years)
    assert latest["fiscal_year"] == 2024
    expected = [latest] + [next(r for r in by_charge.to_pylist()
                                if r["fiscal_year"] == 2024 and r["charge"] == charge)
                           for charge in ("illegal_entry", "illegal_reentry",
                                          "alien_smuggling")]
    values = page.having(class_="figure-value")
    changes = page.having(class_="figure-change")
    partial = page.having(class_="figure-partial")
    assert [int(v["data-value"]) for v in values] == [r["defendants"] for r in expected]
    assert [int(c["data-change"]) for c in changes] == [
        r[f"change_{back}y"] for r in expected for back in (1, 5)]
    assert [c["data-years"] for c in changes] == ["1", "5"] * 4
    # The partial year is given apart, as so far, never compared.
    in_2025 = {r["fiscal_year"]: r["defendants"] for r in total.to_pylist()}[2025]
    assert partial[0]["data-partial-year"] == "2025"
    assert int(partial[0]["data-value"]) == in_2025
    assert "FY2024" in "".join(page.text) and "from FY2019" in "".join(page.text)


def test_headline_figures_read_as_numbers_with_signs(client, web_store):
    text = " ".join("".join(get_page(client, "/").text).split())
    total = measure("filings", by=["fiscal_year"], where={"charge": list(IMMIGRATION)},
                    change=True, store=web_store)
    latest = latest_full_year_row(total.to_pylist(), total.meta.partial_years)
    change = latest["change_1y"]
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    assert f"{sign}{abs(change):,} ({sign}{abs(latest['change_1y_pct']):.1%}) from FY2023" in text


FILTERED = {"from_year": "2018", "to_year": "2023", "district": "41",
            "charge": "illegal_reentry", "border": "southwest", "source": "lions"}


def test_filters_round_trip_through_the_query_string(client):
    query = "&".join(f"{k}={v}" for k, v in FILTERED.items())
    page = get_page(client, f"/?{query}")
    for name, value in FILTERED.items():
        assert page.selected(f"f-{name}") == value, name
    # The default source is the empty choice, so a permalink never names it.
    assert get_page(client, "/").selected("f-source") == ""
    twin = client.get(f"/?{query}&format=json").json()
    assert twin["filters"] == FILTERED
    assert parse_qs(urlsplit(twin["permalink"]).query) == {k: [v] for k, v in FILTERED.items()}
    for block in twin["blocks"]:
        params = parse_qs(urlsplit(block["api"]["json"]).query)
        assert params["from_year"] == ["2018"] and params["to_year"] == ["2023"]
        assert params["district"] == ["41"] and params["source"] == ["lions"]
        years = {r["fiscal_year"] for r in block["data"]}
        assert years and years <= set(range(2018, 2024)), block["id"]
    # The page's permalink is the same address.
    permalinks = [a["href"] for a in page.having(**{"data-kind": "permalink"})]
    assert permalinks and all(parse_qs(urlsplit(p).query) == {k: [v] for k, v in
                                                               FILTERED.items()}
                              for p in permalinks)


def test_a_district_in_any_form_is_kept_as_its_code(client):
    twin = client.get("/?district=S.D.+Tex.&format=json").json()
    assert twin["filters"] == {"district": "41"}
    assert twin["permalink"] == "/?district=41"


def test_empty_filters_count_as_absent(client):
    twin = client.get("/?from_year=&to_year=&district=&charge=&border=&format=json").json()
    assert twin["filters"] == {} and twin["permalink"] == "/"


@pytest.mark.parametrize(("query", "named"), [
    ("from_year=nineteen", "from_year"), ("charge=illegal_entri", "illegal_entry"),
    ("district=Atlantis", "Atlantis"), ("from_year=2020&to_year=2018", "2020"),
    ("border=north", "north")])
def test_a_bad_filter_is_a_400_naming_it(client, query, named):
    page = get_page(client, f"/?{query}", status=400)
    alert = " ".join("".join(page.text).split())
    assert named in alert
    error = client.get(f"/?{query}&format=json")
    assert error.status_code == 400 and named in error.json()["error"]["message"]


def test_the_district_profile(client, web_store):
    twin = client.get(f"{PROFILE}&format=json").json()
    assert twin["title"] == "Southern District of Texas"
    assert [b["id"] for b in twin["blocks"]] == ["trend", "outcomes", "sentences", "speed",
                                                 "share"]
    trend = {(r["fiscal_year"], r["charge"]): r["defendants"] for r in twin["blocks"][0]["data"]}
    expected = measure("filings", by=["fiscal_year", "charge"],
                       where={"district": "41", "charge": list(IMMIGRATION)}, store=web_store)
    assert trend == {(r["fiscal_year"], r["charge"]): r["defendants"]
                     for r in expected.to_pylist()}
    # Its share of the national total: this district's rows of the national breakdown.
    share = twin["blocks"][-1]["data"]
    assert share and {r["district"] for r in share} == {"41"}
    national = measure("filings", by=["fiscal_year", "district"],
                       where={"charge": list(IMMIGRATION)}, store=web_store).to_pylist()
    for row in share:
        year = [r for r in national if r["fiscal_year"] == row["fiscal_year"]]
        mine = next(r["defendants"] for r in year if r["district"] == "41")
        assert row["share"] == pytest.approx(mine / sum(r["defendants"] for r in year))
    page = get_page(client, PROFILE)
    assert page.selected("f-district") == "41"
    assert page.having(href="/districts?")  # the way back to every district


def test_every_block_links_its_csv_json_and_permalink(client):
    for path in (*PAGES, PROFILE):
        twin = client.get(path + ("&" if "?" in path else "?") + "format=json").json()
        page = get_page(client, path)
        csv = [a["href"] for a in page.having(**{"data-kind": "csv"})]
        assert csv == [b["api"]["csv"] for b in twin["blocks"]], path
        for block in twin["blocks"]:
            assert block["api"]["csv"].startswith("/api/v1/")
            assert "format=csv" in block["api"]["csv"]
            assert page.having(id=block["id"]), block["id"]
            assert block["description"]


def test_each_chart_spec_is_data_beside_its_chart(client):
    response = client.get("/")
    page = Page(response.text)
    charts = page.having(class_="chart")
    assert len(charts) == 3
    for chart in charts:
        holder = page.having(id=chart["data-spec"])
        assert holder and holder[0]["type"] == "application/json"
        start = response.text.index(f'id="{chart["data-spec"]}">') + len(chart["data-spec"]) + 6
        spec = json.loads(response.text[start:response.text.index("</script>", start)])
        assert spec["data"]["values"] and spec["description"]


@pytest.fixture(scope="module")
def court_only(tmp_path_factory):
    """An app over a store holding only a small real-looking court file (not synthetic)."""
    from fastapi.testclient import TestClient
    from helpers.stores import loaded_store

    from crossings.web import create_app

    store = loaded_store(tmp_path_factory.mktemp("court-only"))
    with TestClient(create_app(store.root)) as test_client:
        yield test_client


def test_two_sources_says_plainly_when_lions_is_not_loaded(court_only):
    page = get_page(court_only, "/sources")
    text = " ".join("".join(page.text).split())
    assert "The prosecutors' data is not loaded" in text
    assert "crossings ingest FILE --source lions" in text
    assert court_only.get("/sources?format=json").json()["lions_loaded"] is False


@pytest.mark.parametrize("path", PAGES)
def test_no_banner_when_the_data_is_real(court_only, path):
    page = get_page(court_only, path)
    assert not page.having(class_="synthetic-banner")
    assert "SYNTHETIC DATA" not in "".join(page.text)
    assert not page.having(id="f-source"), "one source loaded: nothing to choose"


def page_text(page: Page) -> str:
    return " ".join("".join(page.text).split())


def test_methodology_shows_every_rule_caveat_checksum_and_citation(client, web_store):
    from crossings.measures.methodology import methodology

    text = page_text(get_page(client, "/methodology"))
    library = methodology(web_store)
    for source in library["sources"]:
        for m in source["measures"]:
            for rule in m.get("rules", []):
                assert " ".join(rule["rule"].split()) in text, (source["source"], m["measure"])
        for gap in source["coverage_gaps"] or source["coverage"]:
            assert " ".join(gap.split()) in text
    for caveat in library["caveats"]:
        assert " ".join((caveat.get("text") or caveat["template"]).split()) in text, caveat["id"]
    for release in library["store"]["releases"]:
        assert release["citation"] in text
        for f in release["files"]:
            assert f["sha256"] in text
    twin = client.get("/methodology?format=json").json()
    assert twin["methodology"]["rules_version"] == library["rules_version"]


def test_methodology_markdown_never_passes_raw_html():
    from crossings.web.page_methodology import render_markdown

    html = str(render_markdown("# Title\n\nA <script>alert(1)</script> and `code`."))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<code>code</code>" in html and "<h3>Title</h3>" in html


def test_the_what_if_fields_round_trip_and_its_sentence_is_scenario_s(client, web_store):
    from crossings.measures.scenario import scenario

    query = "from_year=2023&to_year=2024&halt=illegal_entry&halt=alien_smuggling&share_served=0.85"
    page = get_page(client, f"/context?{query}")
    checked = {a["value"] for a in page.having(type="checkbox", name="halt") if "checked" in a}
    assert checked == {"illegal_entry", "alien_smuggling"}
    assert page.having(id="f-share_served")[0]["value"] == "0.85"
    twin = client.get(f"/context?{query}&format=json").json()
    what_if = next(b for b in twin["blocks"] if b["id"] == "scenario")
    params = parse_qs(urlsplit(what_if["api"]["json"]).query)
    assert params["halt"] == ["illegal_entry,alien_smuggling"]
    assert params["share_served"] == ["0.85"]
    halted = parse_qs(urlsplit(twin["permalink"]).query)["halt"]
    assert ",".join(halted).split(",") == ["illegal_entry", "alien_smuggling"]
    expected = scenario(["illegal_entry", "alien_smuggling"], from_year=2023, to_year=2024,
                        share_served=0.85, store=web_store).to_pylist()
    text = page_text(page)
    for row in (r for r in expected if r["district"] == "all"):
        assert (f"FY{row['fiscal_year']}: {row['halted_filings']:,} fewer defendants filed"
                in text)
        assert f"{row['prison_years_served']:,.1f} fewer prison years served" in text


def test_the_map_is_coloured_by_the_measure_chosen(client):
    page = get_page(client, "/districts?measure=prison_years&from_year=2020")
    assert page.selected("f-measure") == "prison_years"
    twin = client.get("/districts?measure=prison_years&from_year=2020&format=json").json()
    assert twin["blocks"][0]["api"]["json"].startswith("/api/v1/measures/prison_years?")
    assert "measure=prison_years" in twin["permalink"]
    # A click on the map keeps the filters and the measure, and adds the district.
    spec = json.loads(client.get("/districts?measure=prison_years&from_year=2020").text.split(
        'id="spec-map">', 1)[1].split("</script>", 1)[0])
    assert "/districts?from_year=2020&measure=prison_years&district=" in json.dumps(spec)


def test_a_page_follows_a_new_ingest_never_a_stale_answer(tmp_path):
    """Pages are kept in a cache keyed by the store's state: after an ingest replaces the
    court file, the same URL shows the new counts (hand-made files: 3 and 2, then 4 and 6
    unreadable-charge filings in FY2015 and FY2016)."""
    from fastapi.testclient import TestClient
    from helpers.stores import court_file, loaded_store

    from crossings.ingest import ingest
    from crossings.web import create_app

    store = loaded_store(tmp_path, {2015: 3, 2016: 2})
    url = "/?charge=unreadable&format=json"

    def counts(client) -> dict[int, int]:
        block = next(b for b in client.get(url).json()["blocks"] if b["id"] == "by-charge")
        return {r["fiscal_year"]: r["defendants"] for r in block["data"]}

    with TestClient(create_app(store.root)) as client:
        assert counts(client) == {2015: 3, 2016: 2}
        assert counts(client) == {2015: 3, 2016: 2}  # answered from the cache
        ingest(court_file(tmp_path / "second.txt", {2015: 4, 2016: 6}), store, replace=True)
        assert counts(client) == {2015: 4, 2016: 6}
