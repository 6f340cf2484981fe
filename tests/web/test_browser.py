"""Every page in a real browser (Debian's chromium, headless) against a real
``crossings serve``: it loads with no console error and no request leaving the
server, its charts draw, Tab reaches every control, a phone-wide screen does not
scroll sideways, and axe-core finds no serious or critical violation. A screenshot
of each page is kept in the test's temporary folder.

Page-specific behaviour (filters, the map, downloads) is in the pages' own tests.
"""

from __future__ import annotations

import re

import pytest

from crossings.web.pages import PAGES as PATHS

#: A phone: the width of the commonest handsets in CSS pixels.
PHONE = {"width": 390, "height": 844}
#: What axe reports that a page must never have.
BLOCKING_IMPACTS = ("serious", "critical")


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "index"


@pytest.mark.parametrize("path", PATHS)
def test_the_page_loads_cleanly_and_every_chart_draws(browser_page, path, tmp_path):
    browser_page.goto(path)
    browser_page.page.screenshot(path=tmp_path / f"{slug(path)}.png", full_page=True)
    undrawn = [chart["name"] for chart in browser_page.chart_states() if not chart["drawn"]]
    assert not undrawn, (f"{path}: charts with no svg or canvas: {undrawn}; console: "
                         f"{browser_page.console_errors}")
    browser_page.assert_clean()


@pytest.mark.parametrize("path", PATHS)
def test_tab_reaches_every_control(browser_page, path):
    browser_page.goto(path)
    missed = browser_page.unreachable_by_tab()
    assert not missed, f"{path}: Tab never reaches:\n" + "\n".join(missed)
    browser_page.assert_clean()


@pytest.mark.parametrize("path", PATHS)
def test_a_phone_wide_screen_does_not_scroll_sideways(browser_page, path, tmp_path):
    browser_page.page.set_viewport_size(PHONE)
    browser_page.goto(path)
    browser_page.page.screenshot(path=tmp_path / f"{slug(path)}-phone.png", full_page=True)
    width = browser_page.widths()
    assert width["scroll"] <= width["client"], (
        f"{path} at {PHONE['width']} px scrolls sideways: {width}")
    browser_page.assert_clean()


@pytest.mark.parametrize("path", PATHS)
def test_axe_finds_no_serious_violation(browser_page, path):
    browser_page.goto(path)
    blocking = [v for v in browser_page.run_axe() if v["impact"] in BLOCKING_IMPACTS]
    assert not blocking, f"{path}: axe-core violations:\n" + "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in blocking)
    browser_page.assert_clean()
