"""The Spanish catalogue translates every message the sheet shows, the library's
sentences and the chart words included; no translation is its English original but
for the few names listed; placeholders survive translation; the catalogues are current."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from crossings.report import catalog
from crossings.report.i18n import LOCALE_DIR, po_path, translations

#: Translations allowed to equal their English original: place names spelled alike.
SAME_IN_SPANISH = {"California", "Arizona", "Puerto Rico", "Guam"}
_PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def _po(path):
    with path.open("rb") as f:
        return read_po(f)


def test_every_message_has_a_spanish_translation():
    spanish = _po(po_path("es"))
    messages = [m for m in spanish if m.id]
    assert len(messages) >= 100
    for m in messages:
        assert m.string, f"untranslated: {m.id!r}"
        assert not m.fuzzy, f"fuzzy: {m.id!r}"
        if m.string == m.id:
            assert m.id in SAME_IN_SPANISH, f"translation equals the English: {m.id!r}"
        assert sorted(_PLACEHOLDER.findall(m.id)) == sorted(_PLACEHOLDER.findall(m.string)), \
            m.id


def test_the_catalogues_hold_every_message_the_sheet_uses(report_store):
    """The template, report code, library sentences and chart words, extracted now,
    are exactly the messages of messages.pot and of the Spanish catalogue."""
    extracted = {m.id for m in catalog.extracted(report_store) if m.id}
    assert extracted == {m.id for m in _po(LOCALE_DIR / "messages.pot") if m.id}
    assert extracted == {m.id for m in _po(po_path("es")) if m.id}
    for line in catalog.library_messages():
        assert line in extracted


def test_the_catalogue_is_read_from_the_po_file_at_runtime():
    _ = translations("es").gettext
    assert _("SYNTHETIC DATA") == "DATOS SINTÉTICOS"
    assert translations("en").gettext("SYNTHETIC DATA") == "SYNTHETIC DATA"
    assert not list(LOCALE_DIR.rglob("*.mo"))  # nothing compiled to keep in step


def test_chart_words_are_found_in_specs():
    spec = {"data": {"values": [{"charge": "Not a word to translate"}]},
            "encoding": {"x": {"title": "Fiscal year"},
                         "color": {"legend": {"labelExpr":
                                              "datum.value == 'illegal_entry' ? "
                                              "'Illegal entry (1325)' : datum.label"}}}}
    assert catalog.chart_messages([spec]) == ["Fiscal year", "Illegal entry (1325)"]
