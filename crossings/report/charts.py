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
from crossings.report import formats
from crossings.report.figure import Chart
from crossings.report.i18n import translations
from crossings.report.words import N_

#: Vega number locales (d3-format definitions) of the sheet's languages.
NUMBER_LOCALES = {
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["$", ""]},
    "es": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", "\u00a0US$"]},
}
#: Width of the charts in CSS pixels (the sheet's column is 7.5 inches, 96 px each).
TREND_SIZE = {"letter": (640, 160), "a4": (620, 180)}
MAP_SIZE = {"letter": (430, 230), "a4": (420, 250)}
INSET_SIZE = (96, 42)
FONT = "Liberation Sans"
#: Keys whose string values are words a reader sees.
WORD_KEYS = ("title", "text", "subtitle")
#: Keys whose string values are Vega expressions holding quoted words.
EXPRESSION_KEYS = ("labelExpr", "calculate")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")
_NUMBER = r"(?P<{}>[0-9][0-9,]*(?:\.[0-9]+)?%?)"
#: The map's bin labels, made with numbers in them: matched, and said again in ``lang``.
BIN_LABELS = (
    (re.compile(f"^under {_NUMBER.format('a')}$"), N_("under {a}")),
    (re.compile(f"^{_NUMBER.format('a')} to under {_NUMBER.format('b')}$"),
     N_("{a} to under {b}")),
    (re.compile(f"^{_NUMBER.format('a')} to {_NUMBER.format('b')}$"), N_("{a} to {b}")),
    (re.compile(f"^{_NUMBER.format('a')} or more$"), N_("{a} or more")),
)


def specs(figures, paper: str = "letter") -> dict[str, tuple[dict, str]]:
    """The charts package's specs for the sheet (in English), sized for ``paper``, each
    with the command whose answer it draws."""
    trend = chart_specs.filings_by_charge(figures.trend, title="")
    width, height = TREND_SIZE[paper]
    trend.update(width=width, height=height)
    trend["encoding"]["color"]["legend"].update(orient="top", direction="horizontal",
                                                title=None)
    districts = chart_specs.district_map(figures.districts, title="", value="defendants")
    main, insets = districts["vconcat"]
    main["width"], main["height"] = MAP_SIZE[paper]
    for inset in insets["hconcat"]:
        inset["width"], inset["height"] = INSET_SIZE
    _legend_below(districts)
    return {"trend": (trend, figures.trend_command),
            "map": (districts, figures.districts_command)}


def _legend_below(spec: dict) -> None:
    """The map's colour legend in a row under the panels (the sheet's column is narrow)."""
    for panel in [spec["vconcat"][0], *spec["vconcat"][1]["hconcat"]]:
        for layer in panel["layer"]:
            legend = layer.get("encoding", {}).get("color", {}).get("legend")
            if legend is not None:
                legend.update(orient="bottom", direction="horizontal", columns=5, title=None)


def english_specs(figures) -> list[dict]:
    """The specs whose words the catalogue must hold (catalog.py collects them)."""
    return [{k: v for k, v in spec.items() if k != "title"}  # the sheet drops the title
            for spec, _ in specs(figures).values()]


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
    data = {k: spec[k] for k in ("data", "datasets") if k in spec}  # shared, not copied
    out = copy.deepcopy({k: v for k, v in spec.items() if k not in data and k != "title"})
    _translate(out, word_in(lang))
    out.update(data)
    config = out.setdefault("config", {})
    config["locale"] = {"number": NUMBER_LOCALES[lang]}
    # The sheet's own font, so the SVG is laid out with the metrics it is printed with.
    config["font"] = FONT
    return out


def _translate(node, word) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and key in WORD_KEYS:
                node[key] = word(value)
            elif isinstance(value, list) and key in (*WORD_KEYS, "domain"):
                node[key] = [word(v) if isinstance(v, str) else v for v in value]
            elif isinstance(value, str) and key in EXPRESSION_KEYS:
                node[key] = _QUOTED.sub(lambda m: "'" + _quote(word(m[1])) + "'", value)
            else:
                _translate(value, word)
    elif isinstance(node, list):
        for item in node:
            _translate(item, word)


def is_bin_label(text: str) -> bool:
    return any(pattern.match(text) for pattern, _ in BIN_LABELS)


def word_in(lang: str):
    """``text`` in ``lang``: from the catalogue, or a bin label rebuilt with its numbers
    written for the locale ("1,000 or more" -> "1.000 o más"); else as it is (a code)."""
    _ = translations(lang).gettext

    def word(text: str) -> str:
        translated = _(text)
        if translated != text:
            return translated
        for pattern, message in BIN_LABELS:
            match = pattern.match(text)
            if match:
                return _(message).format(**{k: _number(v, lang)
                                            for k, v in match.groupdict().items()})
        return text
    return word


def _number(text: str, lang: str) -> str:
    """An English-written number of a label ("1,000", "12.5%") written for ``lang``."""
    value = float(text.rstrip("%").replace(",", ""))
    if text.endswith("%"):
        digits = len(text.rstrip("%").partition(".")[2])
        return formats.percent(value / 100, lang, digits)
    return formats.count(value, lang) if value.is_integer() else formats.decimal(value, lang)


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")
