"""The HTML is one self-contained file: no script, no stylesheet or image to fetch, no
URL but the publishers' pages cited as text in its sources line."""

from __future__ import annotations

import re

from helpers.sheet_html import parse

from crossings.report.sheet import SOURCE_URLS

#: SVG's namespace names are identifiers, never fetched.
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_no_url_but_the_cited_sources(sheets):
    for sheet in sheets.values():
        html = sheet.html.read_text(encoding="utf-8")
        parsed = parse(html)
        urls = {u.rstrip(".,;:") for u in re.findall(r"""(?:https?:)?//[^\s"'<>)]+""", html)}
        namespaces = {v for _, name, v in parsed.attributes if name.startswith("xmlns")}
        assert namespaces <= NAMESPACES
        assert urls - namespaces <= set(SOURCE_URLS.values()), urls
        # The sources are cited in the text (not as links to follow).
        for url in SOURCE_URLS.values():
            assert any(url in run for run in parsed.text)
        for tag, name, value in parsed.attributes:
            if name in ("src", "href", "xlink:href", "action", "srcset", "poster"):
                assert value.startswith(("#", "data:")), (tag, name, value)
        assert "<script" not in html and "<link" not in html and "<iframe" not in html
        assert "@import" not in parsed.style
        assert not re.search(r"url\((?!\s*['\"]?(data:|#))", html)


def test_charts_and_map_are_inline_svg(sheets):
    html = sheets["en"].html.read_text(encoding="utf-8")
    assert html.count("<svg") >= 2
    for chart in sheets["en"].charts:
        assert chart.svg.lstrip().startswith("<svg")
        assert chart.svg in html


def test_every_section_cites_commands_that_exist(sheets):
    parsed = parse(sheets["en"].html.read_text(encoding="utf-8"))
    cited = {int(n) for run in parsed.text for group in re.findall(r"\[([\d, ]+)\]", run)
             for n in group.split(",")}
    assert cited and cited <= set(parsed.commands)
    assert set(parsed.commands) <= cited | {f.command for f in parsed.figures}
