"""The sheet's charts: the charts package's specs, chosen, sized for paper and put in
the reader's language, then rendered to SVG (no chart is drawn here).

The specs come in English; :func:`localised` translates their words through
the sheet's catalogue (titles, axis and legend titles, the names inside label
expressions) and sets Vega's number locale, so a Spanish axis reads 1.000.
The sheet's caption carries each chart's title and partial-year note, so the
spec's own title is dropped.
"""

from __future__ import annotations

import copy
import re

from crossings import charts as chart_specs
from crossings.report.figure import Chart
from crossings.report.i18n import translations

#: Vega number locales (d3-format definitions) of the sheet's languages.
NUMBER_LOCALES = {
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
    "es": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", "\u00a0US$"]},
}
#: Width of the charts in CSS pixels (the sheet's column is 7.5 inches, 96 px each).
TREND_SIZE = {"letter": (640, 165), "a4": (620, 180)}
MAP_SIZE = {"letter": (330, 190), "a4": (320, 190)}
FONT = "Liberation Sans"
#: Keys whose string values are words a reader sees.
WORD_KEYS = ("title", "text", "subtitle")
#: Keys whose string values are Vega expressions holding quoted words.
EXPRESSION_KEYS = ("labelExpr", "calculate")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def specs(figures, paper: str = "letter") -> dict[str, tuple[dict, str]]:
    """The charts package's specs for the sheet (in English), sized for ``paper``, each
    with the command whose answer it draws."""
    trend = chart_specs.filings_by_charge(figures.trend, title="")
    width, height = TREND_SIZE[paper]
    trend.update(width=width, height=height)
    trend["encoding"]["color"]["legend"].update(orient="top", direction="horizontal",
                                                title=None)
    districts = chart_specs.district_map(figures.districts, title="", value="defendants")
    width, height = MAP_SIZE[paper]
    districts.update(width=width, height=height)
    return {"trend": (trend, figures.trend_command),
            "map": (districts, figures.districts_command)}


def english_specs(figures) -> list[dict]:
    """The specs whose words the catalogue must hold (catalog.py collects them)."""
    return [spec for spec, _ in specs(figures).values()]


def draw(figures, lang: str, paper: str) -> dict[str, Chart]:
    """The trend chart and the district map of ``figures``, as SVG in ``lang``."""
    _ = translations(lang).gettext
    first, last = figures.trend_years
    descriptions = {
        "trend": _("Stacked bars of immigration defendants filed per fiscal year by charge, "
                   "FY%(first)s to FY%(last)s.") % {"first": first, "last": last},
        "map": _("Map of the federal judicial districts shaded by the immigration defendants "
                 "filed in FY%(year)s.") % {"year": figures.year},
    }
    return {key: _chart(key, spec, command, lang, descriptions[key])
            for key, (spec, command) in specs(figures, paper).items()}


def _chart(key: str, spec: dict, command: str, lang: str, description: str) -> Chart:
    spec = localised(spec, lang)
    spec["description"] = description
    return Chart(key, spec, chart_specs.to_svg(spec), command, description)


def localised(spec: dict, lang: str) -> dict:
    """A copy of ``spec`` with its words in ``lang`` and Vega's number locale set; the
    data (``data.values``) untouched."""
    _ = translations(lang).gettext
    out = copy.deepcopy(spec)
    out.pop("title", None)
    data = out.pop("data", None)
    _translate(out, _)
    if data is not None:
        out["data"] = data
    config = out.setdefault("config", {})
    config["locale"] = {"number": NUMBER_LOCALES[lang]}
    # The sheet's own font, so the SVG is laid out with the metrics it is printed with.
    config["font"] = FONT
    return out


def _translate(node, _) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and key in WORD_KEYS:
                node[key] = _(value)
            elif isinstance(value, list) and key in WORD_KEYS:
                node[key] = [_(v) if isinstance(v, str) else v for v in value]
            elif isinstance(value, str) and key in EXPRESSION_KEYS:
                node[key] = _QUOTED.sub(lambda m: "'" + _quote(_(m[1])) + "'", value)
            else:
                _translate(value, _)
    elif isinstance(node, list):
        for item in node:
            _translate(item, _)


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")
