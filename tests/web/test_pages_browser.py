"""The pages in a real browser (Debian's chromium against a real ``crossings serve``):
a filter change redraws the chart and rewrites the URL, which restores the view when
opened again; a click on the map opens that district; the CSV a reader downloads is
the API's. The harness (fixtures ``browser_page``, ``served``) is tests/helpers/browser.py;
the checks every page passes (clean load, Tab, phone width, axe) are in test_browser.py."""

from __future__ import annotations

import json
import re

import httpx


def axis_labels(browser_page, block_id: str) -> list[str]:
    """The tick labels of the chart in block ``block_id``'s x axis, as drawn."""
    return browser_page.page.eval_on_selector_all(
        f"#{block_id} svg [aria-label^='X-axis'] text",
        "els => els.map(e => e.textContent.trim())")


def drawn_spec(browser_page, block_id: str) -> dict:
    return json.loads(browser_page.page.text_content(f"#spec-{block_id}"))


def test_a_filter_change_redraws_the_chart_and_the_url_restores_it(browser_page):
    page = browser_page.page
    browser_page.goto("/")
    assert "2016" in axis_labels(browser_page, "by-charge")
    with page.expect_navigation():
        page.select_option("#f-from_year", "2019")  # the form submits itself on change
    browser_page.wait_for_charts()
    # Only the chosen field is in the address: empty fields are left out.
    assert page.url == f"{browser_page.base_url}/?from_year=2019"
    labels = axis_labels(browser_page, "by-charge")
    assert labels[0] == "2019" and "2016" not in labels and "2018" not in labels
    assert min(r["fiscal_year"] for r in drawn_spec(browser_page, "by-charge")["data"][
        "values"]) == 2019

    # The address is the permalink: opened afresh, it shows the same view.
    with page.expect_navigation():
        page.select_option("#f-charge", "illegal_reentry")
    browser_page.wait_for_charts()
    assert page.url == f"{browser_page.base_url}/?from_year=2019&charge=illegal_reentry"
    page.goto("about:blank")
    browser_page.goto("/?from_year=2019&charge=illegal_reentry")
    assert page.input_value("#f-from_year") == "2019"
    assert page.input_value("#f-charge") == "illegal_reentry"
    charges = {r["charge"] for r in drawn_spec(browser_page, "by-charge")["data"]["values"]}
    assert charges == {"illegal_reentry"}
    assert axis_labels(browser_page, "by-charge")[0] == "2019"
    browser_page.assert_clean()


def test_clicking_a_district_on_the_map_opens_its_profile(browser_page):
    page = browser_page.page
    browser_page.goto("/districts?from_year=2020")
    texas = page.locator("#map svg path[aria-label*='Southern District of Texas'], "
                         "#map svg path[aria-label*='S.D. Tex.']").first
    with page.expect_navigation():
        texas.click()
    browser_page.wait_for_charts()
    assert re.search(r"[?&]district=41(&|$)", page.url), page.url
    assert "from_year=2020" in page.url, "the other filters are kept"
    assert page.text_content("h1").strip() == "Southern District of Texas"
    assert page.input_value("#f-district") == "41"
    browser_page.assert_clean()


def test_the_downloaded_csv_is_the_api_s(browser_page, tmp_path):
    page = browser_page.page
    browser_page.goto("/districts?district=41&from_year=2018")
    link = page.locator("#trend a[data-kind='csv']")
    href = link.get_attribute("href")
    assert href.startswith("/api/v1/measures/filings?") and "format=csv" in href
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "downloaded.csv"
    download.value.save_as(saved)
    api = httpx.get(browser_page.base_url + href, timeout=30)
    assert api.status_code == 200 and api.headers["content-type"].startswith("text/csv")
    assert saved.read_bytes() == api.content
    lines = saved.read_text().splitlines()
    assert lines[0].split(",")[:3] == ["fiscal_year", "charge", "defendants"]
    assert len(lines) > 1
    browser_page.assert_clean()


def test_a_district_profile_draws_cleanly_on_a_phone(browser_page, tmp_path):
    """The profile is not in PAGES (it is /districts with a district): the generic checks,
    here for it."""
    page = browser_page.page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_page.goto("/districts?district=41")
    page.screenshot(path=tmp_path / "district-41-phone.png", full_page=True)
    states = browser_page.chart_states()
    assert len(states) == 5 and all(s["drawn"] for s in states), states
    width = browser_page.widths()
    assert width["scroll"] <= width["client"], width
    serious = [v for v in browser_page.run_axe() if v["impact"] in ("serious", "critical")]
    assert not serious, serious
    browser_page.assert_clean()
