"""The sheet as one self-contained HTML page (Jinja2, CSS and SVG inlined), and its PDF.

Every figure is written as ``<data value="..." data-key data-row data-column
data-cmd>`` so a reader's tool (and the tests) can check it against the
``crossings stats`` command numbered ``data-cmd`` in the appendix.
"""

from __future__ import annotations

import datetime
import json
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from crossings.report import formats, words
from crossings.report.figure import Figure
from crossings.report.i18n import translations

TEMPLATES = Path(__file__).parent / "templates"
PAPERS = {"letter": "Letter", "a4": "A4"}


@cache
def _environment(lang: str) -> jinja2.Environment:
    """One environment per language, its catalogue installed once (threads share it)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(("html",)),
                             extensions=["jinja2.ext.i18n"], undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(lang), newstyle=True)
    return env


def css(paper: str, mark: str = "") -> str:
    """The sheet's style for ``paper``; ``mark`` (SYNTHETIC DATA) heads every printed page."""
    text = (TEMPLATES / "sheet.css").read_text(encoding="utf-8")
    return text.replace("__PAPER__", PAPERS[paper]).replace("__MARK__", mark.replace('"', ""))


class Writer:
    """What the template calls to write figures, labels and dates in one language."""

    def __init__(self, lang: str, commands: dict[str, int]):
        self.lang = lang
        self.commands = commands  # command -> its number in the appendix
        self._ = translations(lang).gettext

    def fig(self, figure: Figure | None, css_class: str = "") -> Markup:
        if figure is None:
            return Markup(escape(self._("n/a")))
        text = formats.figure(figure, self.lang, self._("n/a"))
        value = "" if figure.value is None else repr(figure.value)
        attrs = {"value": value, "data-key": figure.key,
                 "data-row": json.dumps(figure.row, sort_keys=True),
                 "data-column": figure.column, "data-cmd": str(self.commands[figure.command])}
        if figure.absent:
            attrs["data-absent"] = "true"
        if css_class:
            attrs["class"] = css_class
        inner = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items())
        return Markup(f"<data {inner}>{escape(text)}</data>")

    def charge(self, code: str, short: bool = False) -> str:
        return words.charge(code, self._, short)

    def bracket(self, code: str) -> str:
        return self._(words.BRACKETS.get(code, code))

    def district(self, code: str) -> str:
        return words.district_name(code, self._)

    def region(self, name: str) -> str:
        return self._(words.REGIONS.get(name, name))

    def date(self, value) -> str:
        return formats.date(value, self.lang)

    @staticmethod
    def fiscal_start(year: int) -> datetime.date:
        return datetime.date(year - 1, 10, 1)

    @staticmethod
    def fiscal_end(year: int) -> datetime.date:
        return datetime.date(year, 9, 30)

    def count(self, value) -> str:
        return formats.count(value, self.lang)


def render_html(context: dict, lang: str, paper: str) -> str:
    template = _environment(lang).get_template("sheet.html")
    mark = translations(lang).gettext("SYNTHETIC DATA") if context["synthetic"] else ""
    return template.render(**context, css=Markup(css(paper, mark)), lang=lang,
                           w=Writer(lang, context["commands"]))


def write_pdf(html: str, path: Path | None = None) -> bytes:
    """The PDF of ``html`` (WeasyPrint; no network: the page has nothing to fetch)."""
    import weasyprint

    data = weasyprint.HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    if path is not None:
        path.write_bytes(data)
    return data


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the fact sheet fetches nothing (asked for {url})")
