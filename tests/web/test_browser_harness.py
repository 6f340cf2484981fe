"""The browser harness catches what it is there to catch: a console error, an
uncaught exception, a request leaving the server (aborted, so it never goes), an
undrawn chart, an axe violation, a keyboard trap and a page wider than the screen; and the server it starts is a real process."""

from __future__ import annotations

import httpx


def test_the_server_is_a_real_crossings_serve_on_loopback(served):
    assert served.base_url.startswith("http://127.0.0.1:")
    assert served.process.poll() is None
    answer = httpx.get(served.base_url + "/api/v1/openapi.json", timeout=10)
    assert answer.status_code == 200 and answer.json()["info"]["title"] == "crossings"


def test_console_errors_and_uncaught_exceptions_are_recorded(browser_page):
    browser_page.goto("/")
    browser_page.page.evaluate("""() => {
        console.error('harness probe');
        setTimeout(() => { throw new Error('harness uncaught'); }, 0);
    }""")
    browser_page.page.wait_for_timeout(300)
    assert any("harness probe" in line for line in browser_page.console_errors)
    assert any("harness uncaught" in line for line in browser_page.console_errors)


def test_a_request_outside_the_server_is_recorded_and_aborted(browser_page):
    # On the app's pages the CSP already refuses it (a console error); a page without
    # a policy shows that the route catches what a policy would let through.
    browser_page.page.set_content('<img src="http://outside.invalid/pixel.png" alt="">')
    assert browser_page.outside_requests == ["GET http://outside.invalid/pixel.png"]


def test_the_pages_policy_refusing_an_outside_image_is_a_console_error(browser_page):
    browser_page.goto("/")
    browser_page.page.evaluate("""() => { const img = document.createElement('img');
        img.src = 'http://outside.invalid/pixel.png'; document.body.append(img); }""")
    browser_page.page.wait_for_timeout(300)
    assert any("Content Security Policy" in line for line in browser_page.console_errors)


def test_an_undrawn_chart_and_an_axe_violation_are_seen(browser_page):
    browser_page.goto("/")
    page = browser_page.page
    page.evaluate("""() => {
        const empty = document.createElement('div');
        empty.className = 'chart';
        empty.id = 'probe-chart';
        const unlabelled = document.createElement('input');
        unlabelled.type = 'text';
        const image = document.createElement('img');
        image.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
        document.body.append(empty, unlabelled, image);
    }""")
    states = {chart["name"]: chart["drawn"] for chart in browser_page.chart_states()}
    assert states["probe-chart"] is False
    violations = {v["id"]: v["impact"] for v in browser_page.run_axe()}
    assert violations.get("image-alt") == "critical"
    assert violations.get("label") == "critical"


def test_a_keyboard_trap_leaves_controls_unreachable_by_tab(browser_page):
    browser_page.page.set_content("""<button>one</button>
        <input aria-label="trap" onkeydown="if (event.key === 'Tab') event.preventDefault()">
        <a href="#x">three</a>""")
    missed = browser_page.unreachable_by_tab()
    assert len(missed) == 1 and missed[0].startswith("<a ")


def test_a_page_wider_than_the_screen_is_seen(browser_page):
    browser_page.page.set_viewport_size({"width": 390, "height": 844})
    browser_page.page.set_content('<div style="width: 600px">wide</div>')
    width = browser_page.widths()
    assert width["client"] == 390 and width["scroll"] == 600 + 8


def test_controls_inside_a_closed_details_are_not_asked_of_tab(browser_page):
    browser_page.page.set_content("""<details><summary>more</summary>
        <button>inside</button></details><button>outside</button>""")
    assert browser_page.unreachable_by_tab() == []
    assert browser_page.page.evaluate(
        "() => [...document.querySelectorAll('[data-tab-probe]')].map(e => e.textContent)"
    ) == ["more", "outside"]
