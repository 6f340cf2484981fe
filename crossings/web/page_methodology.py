"""The Methodology page: every counting rule, charge category, caveat and coverage gap
the library carries (:func:`crossings.measures.methodology.methodology`, the same
structure ``/api/v1/methodology`` serves), what is loaded with its checksums, and how
to cite it. The explanations are Markdown package data, rendered here with raw HTML
escaped (never passed through)."""

from __future__ import annotations

import re
from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup

from crossings.measures.methodology import methodology as library_methodology
from crossings.web import queries

#: The page's own headings: the sections' Markdown headings start below them.
SECTION_HEADING_LEVEL = 3
#: Caveat kinds in the order the page lists them, with their headings.
CAVEAT_KINDS = {"caveat": "Said beside every number", "warning": "Warnings",
                "coverage": "What a source does not cover", "note": "Notes",
                "fact": "Facts about the published series"}


@cache
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str, top_level: int = SECTION_HEADING_LEVEL) -> Markup:
    """Markdown as HTML, raw HTML escaped, its headings moved down so the shallowest
    is ``top_level``, and its tables in their own scrolling box."""
    md = _markdown()
    tokens = md.parse(text)
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = top_level - min(levels) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
    html = md.renderer.render(tokens, md.options, {})
    html = re.sub(r"<table>", '<div class="table-scroll"><table>', html)
    return Markup(html.replace("</table>", "</table></div>"))


def render_inline(text: str) -> Markup:
    return Markup(_markdown().renderInline(text))


def _without_title(markdown: str) -> str:
    """A section's text less its first heading (the page shows the title itself)."""
    return re.sub(r"\A\s*#+ [^\n]*\n", "", markdown, count=1)


def _options(options: dict) -> str:
    """``{"transfers": "include"}`` as the API and CLI spell it: ``transfers=include``."""
    if not options:
        return "default"
    return ", ".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}"
                     for k, v in options.items())


def methodology(state, filters, query):
    """The page's view (``pages.View``): the library's methodology with the served
    store's provenance, shaped for the template."""
    from crossings.web.page_views import View

    data = library_methodology(queries.queries_of(state).store)
    for source in data["sources"]:
        for m in source["measures"]:
            for rule in m.get("rules", []):
                rule["options_text"] = _options(rule.get("options") or {})
    caveats = {kind: [c for c in data["caveats"] if c["kind"] == kind] for kind in CAVEAT_KINDS}
    sections = [{"id": s["id"], "title": render_inline(s["title"].lstrip("# ")),
                 "html": render_markdown(_without_title(s["markdown"]))}
                for s in data["sections"]]
    # Keys starting with "_" are for the template only: the JSON twin is the library's data.
    return View("Methodology", "methodology.html", [],
                {"methodology": data, "_caveat_groups": caveats, "_caveat_kinds": CAVEAT_KINDS,
                 "_sections": sections})
