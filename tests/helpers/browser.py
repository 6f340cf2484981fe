"""The browser test harness: a real ``crossings serve`` on a free port and Playwright
pages in Debian's headless chromium that record every console error and every
request that would leave the server.

Fixtures (made available to tests/web through its conftest):

- ``served``: a :class:`Served` server over the session's ``web_store`` (session-wide);
- ``browser``: one headless chromium for the session;
- ``browser_page``: a fresh :class:`BrowserPage` per test (its own context, so no
  cookie, cache or route leaks from one test to the next).

Chromium is Debian's ``/usr/bin/chromium`` (``make system-packages`` installs it):
Playwright's own ``playwright install`` downloads a browser build, which this
project never does.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers.serve import Served, start_server, stop_server

CHROMIUM = Path("/usr/bin/chromium")
#: What this machine needs: no sandbox as root, no GPU, and nothing that phones home
#: (updates, sync, field trials), so the only traffic is the page's own.
CHROMIUM_ARGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
#: How long a test waits for the page's charts to draw.
CHART_TIMEOUT_MS = 20_000
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: The path under the server's origin where tests route the vendored axe-core; the
#: server itself never serves it (routed in the browser, so the page's CSP
#: ``script-src 'self'`` stays in force while axe runs).
AXE_ROUTE = "/__tests__/axe.min.js"
#: Selector of a chart's container: the page's ``.chart`` or what vega-embed marks.
CHART_SELECTOR = ".chart, .vega-embed"
#: Marks every element a keyboard user should reach with Tab (visible, enabled, not
#: tabindex=-1) with its index, and returns their opening tags.
MARK_FOCUSABLE = """() => {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, '
        + 'summary, iframe, [contenteditable=""], [contenteditable=true], [tabindex]';
    // checkVisibility: false inside a closed <details> (content-visibility), display:none
    // or visibility:hidden.
    const visible = el => el.checkVisibility({visibilityProperty: true})
        && !el.closest('[inert]');
    return [...document.querySelectorAll(selector)]
        .filter(el => !el.disabled && el.tabIndex >= 0 && visible(el))
        .map((el, i) => { el.dataset.tabProbe = String(i);
                          return el.outerHTML.slice(0, 120); });
}"""


@dataclass
class BrowserPage:
    """A Playwright page bound to the served app, with what it recorded."""

    page: object  # playwright.sync_api.Page
    base_url: str
    served: Served
    console_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def goto(self, path: str, wait_for_charts: bool = True):
        """Open ``path`` on the server; fail on an HTTP error; wait for its charts."""
        response = self.page.goto(self.base_url + path, wait_until="load")
        assert response is not None and response.ok, (
            f"GET {path}: HTTP {response.status if response else 'no response'}\n"
            f"{self.served.stderr_tail()}")
        if wait_for_charts:
            self.wait_for_charts()
        return response

    def chart_states(self) -> list[dict]:
        """Every chart container on the page: its id or class and whether it drew."""
        return self.page.eval_on_selector_all(CHART_SELECTOR, """els => els
            .filter(el => !el.parentElement.closest('.chart, .vega-embed'))
            .map(el => ({name: el.id || el.className,
                         drawn: !!el.querySelector('svg, canvas')}))""")

    def wait_for_charts(self, timeout_ms: int = CHART_TIMEOUT_MS) -> None:
        """Wait until every chart container holds an svg or a canvas (bounded)."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        with contextlib.suppress(PlaywrightTimeout):
            self.page.wait_for_function(
                """sel => [...document.querySelectorAll(sel)]
                     .filter(el => !el.parentElement.closest(sel))
                     .every(el => el.querySelector('svg, canvas'))""",
                arg=CHART_SELECTOR, timeout=timeout_ms)

    def unreachable_by_tab(self) -> list[str]:
        """The controls that pressing Tab never focuses. Chromium adds stops of its own
        (scrollable boxes, its toolbar), so Tab is pressed until every control was
        reached or three times as often as there are controls, whichever comes first."""
        controls = self.page.evaluate(MARK_FOCUSABLE)
        reached: set[str] = set()
        for _ in range(3 * len(controls) + 10):
            if len(reached) == len(controls):
                break
            self.page.keyboard.press("Tab")
            probe = self.page.evaluate("() => document.activeElement?.dataset?.tabProbe")
            if probe is not None:
                reached.add(probe)
        return [html for index, html in enumerate(controls) if str(index) not in reached]

    def widths(self) -> dict:
        """The document's scroll width and its visible width, in CSS pixels."""
        return self.page.evaluate("() => { const s = document.scrollingElement; "
                                  "return {scroll: s.scrollWidth, client: s.clientWidth}; }")

    def assert_clean(self) -> None:
        """No console error, no uncaught exception, no request leaving the server."""
        assert not self.console_errors, "console errors:\n" + "\n".join(self.console_errors)
        assert not self.outside_requests, ("requests outside the server:\n"
                                           + "\n".join(self.outside_requests))

    def run_axe(self) -> list[dict]:
        """axe-core's violations on the current page (axe routed in from the vendored
        copy under the server's origin, so the page's CSP need not be relaxed)."""
        self.page.add_script_tag(url=self.base_url + AXE_ROUTE)
        return self.page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }""")


def record(page, base_url: str, served: Served) -> BrowserPage:
    """Wrap ``page``: console errors and uncaught exceptions recorded, every request
    whose URL is not on the server recorded and aborted (so none leaves)."""
    recorded = BrowserPage(page, base_url, served)

    def on_console(message) -> None:
        if message.type == "error":
            location = message.location or {}
            recorded.console_errors.append(f"{message.text} ({location.get('url', '')})")

    def on_request(route) -> None:
        url = route.request.url
        if url == base_url + AXE_ROUTE:
            route.fulfill(path=str(AXE), content_type="text/javascript")
        elif url == base_url or url.startswith(base_url + "/"):
            route.continue_()
        else:
            recorded.outside_requests.append(f"{route.request.method} {url}")
            route.abort("blockedbyclient")

    page.on("console", on_console)
    page.on("pageerror", lambda error: recorded.console_errors.append(f"uncaught: {error}"))
    page.route("**/*", on_request)
    return recorded


@pytest.fixture(scope="session")
def served(web_store, tmp_path_factory):
    """A real ``crossings serve`` over the session's demo store, on a free port."""
    server = start_server(web_store, tmp_path_factory.mktemp("serve"))
    yield server
    stop_server(server)


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, launched once for the session."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} not found: `make system-packages` installs Debian's "
                           "chromium (never `playwright install`)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=list(CHROMIUM_ARGS))
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser, served):
    """A fresh page (own context) on the served app, recording console errors and
    outside requests. Desktop-sized; a test may ``page.set_viewport_size`` first."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    try:
        yield record(context.new_page(), served.base_url, served)
    finally:
        context.close()
