"""Keeping the catalogues: extract every message the sheet shows and merge it into each
language's ``.po`` (as ``pybabel extract`` and ``pybabel update`` do).

    python -m crossings.report.catalog [--store DIR]

The messages are those of the template and of ``crossings/report/*.py``
(``_()`` and ``N_()``), the library's sentences the sheet prints (each
source's coverage), and the words in the charts package's specs (axis and
legend titles, charge names), collected by drawing the sheet's charts over
``--store`` (the demo store by default). New messages arrive untranslated;
``tests/report/test_catalog.py`` fails until each has its translation.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from crossings.report.i18n import DOMAIN, LOCALE_DIR, po_path
from crossings.sources import SOURCES
from crossings.version import __version__

PACKAGE = Path(__file__).parent
TRANSLATED = ("es",)
METHODS = [("templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def library_messages() -> list[str]:
    """The library's sentences the sheet may print: what each source leaves out, and the
    caveat templates of ``crossings.measures.caveats`` it uses."""
    from crossings.report.sheet import LIBRARY_CAVEATS

    return [*(line for source in SOURCES.values() for line in source.coverage),
            *LIBRARY_CAVEATS]


def chart_messages(specs: list[dict]) -> list[str]:
    """The words a reader sees in chart specs (not their data), as the sheet
    translates them (report/charts.py)."""
    from crossings.report.charts import EXPRESSION_KEYS, WORD_KEYS

    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("data", "$schema", "description"):
                    continue
                if key in WORD_KEYS and not isinstance(value, dict):
                    found.extend(v for v in (value if isinstance(value, list) else [value])
                                 if isinstance(v, str) and _is_words(v))
                elif key in EXPRESSION_KEYS and isinstance(value, str):
                    found.extend(m for m in _QUOTED.findall(value) if _is_words(m))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for spec in specs:
        walk(spec)
    return list(dict.fromkeys(found))


def _is_words(text: str) -> bool:
    """Words to translate, not a code (``illegal_entry``) or a number."""
    from crossings.report.charts import is_bin_label

    return (bool(re.search(r"[A-Za-z]", text)) and (" " in text.strip() or text[:1].isupper())
            and not is_bin_label(text))


def sheet_chart_specs(store) -> list[dict]:
    """The English specs of the sheet's charts over ``store`` (before translation)."""
    from crossings.report import charts
    from crossings.report.asks import Asked
    from crossings.report.figures import compute, resolve_scope
    from crossings.store import Store

    figures = compute(Asked(Store(store)), resolve_scope(None, None, None, None, None))
    return charts.english_specs(figures)


def extracted(store=None) -> Catalog:
    """The template catalogue (``messages.pot``)."""
    catalog = Catalog(project="crossings", version=__version__, domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
            PACKAGE, METHODS, OPTIONS, keywords=KEYWORDS):
        catalog.add(message, None, [(f"crossings/report/{filename}", lineno)],
                    auto_comments=comments, context=context)
    for line in library_messages():
        catalog.add(line, None, [("crossings/sources.py", 0)])
    for words in chart_messages(sheet_chart_specs(store)):
        catalog.add(words, None, [("crossings/charts", 0)])
    return catalog


def update(store=None) -> dict[str, int]:
    """Write ``messages.pot`` and merge it into each ``.po``; the untranslated count of each."""
    template = extracted(store)
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as f:
        write_po(f, template, width=100, omit_header=False)
    untranslated = {}
    for lang in TRANSLATED:
        path = po_path(lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=lang, domain=DOMAIN)
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="crossings")
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as f:
            write_po(f, catalog, width=100, ignore_obsolete=True)
        untranslated[lang] = sum(1 for m in catalog if m.id and not m.string)
    return untranslated


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crossings.report.catalog",
                                     description="Refresh the fact sheet's catalogues.")
    parser.add_argument("--store", help="store whose charts give the chart words "
                                        "(default: the demo store)")
    args = parser.parse_args(argv)
    if args.store is None:
        from crossings.settings import demo_store_dir

        args.store = demo_store_dir()
    counts = update(args.store)
    return 1 if any(counts.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
