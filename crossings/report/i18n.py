"""The sheet's words in each language: gettext catalogues read from the ``.po`` files.

The catalogues live as text in ``crossings/report/locale/<lang>/LC_MESSAGES/
messages.po`` and are compiled in memory when first used (Babel reads the
``.po`` and writes the ``.mo`` into a buffer), so no build step or compiled
file is needed: what is in the repository is what is used.

Maintainers refresh them with ``python -m crossings.report.catalog``
(extract the template's and the library's messages, update each ``.po``).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from crossings.errors import InvalidRequest
from crossings.report.formats import LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def checked_language(lang: str) -> str:
    text = (lang or "").strip().lower()
    if text not in LANGUAGES:
        raise InvalidRequest(f"unknown language {lang!r}; the fact sheet is written in: "
                             f"{', '.join(LANGUAGES)}")
    return text


@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of ``lang`` (English is the source text: no catalogue)."""
    lang = checked_language(lang)
    if lang == "en":
        return NullTranslations()
    with po_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext(lang: str):
    """A ``_(message)`` for ``lang``."""
    return translations(lang).gettext


def ngettext(lang: str):
    return translations(lang).ngettext
