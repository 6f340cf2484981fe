"""The Spanish sheet says everything in Spanish: none of the English sheet's sentences,
chart words and library caveats included; its numbers and dates written the Spanish way."""

from __future__ import annotations

import re

from helpers.sheet_html import parse, sentences

from crossings.report import formats
from crossings.sources import SOURCES


def test_the_spanish_sheet_has_none_of_the_english_sentences(sheets):
    english = parse(sheets["en"].html.read_text(encoding="utf-8"))
    spanish = parse(sheets["es"].html.read_text(encoding="utf-8"))
    spanish_text = " ".join(spanish.text)
    english_sentences = sentences(english.text)
    assert len(english_sentences) >= 25
    found = sorted(s for s in english_sentences if s in spanish_text)
    assert found == []


def test_the_library_caveats_are_translated(sheets):
    english = " ".join(parse(sheets["en"].html.read_text(encoding="utf-8")).text)
    spanish = " ".join(parse(sheets["es"].html.read_text(encoding="utf-8")).text)
    for line in SOURCES["idb"].coverage:
        assert line in english
        assert line not in spanish
    assert "no se cuentan aquí" not in spanish  # a LIONS release is loaded: no such note
    assert "archivo judicial" in spanish


def test_chart_words_are_spanish(sheets):
    for chart in sheets["es"].charts:
        words = set(re.findall(r">([^<>]*[A-Za-z][^<>]*)<", chart.svg))
        assert "Fiscal year" not in words and "Año fiscal" in words or chart.key == "map"
        assert not words & {"Defendants", "Charge", "Fiscal year"}
        assert chart.spec["config"]["locale"]["number"]["thousands"] == "."


def test_spanish_numbers_dates_and_percents():
    # Hand-written: Spanish groups thousands with a point, writes decimals with a comma
    # and a space (no-break) before the percent sign.
    assert formats.count(1234, "es") == "1.234"
    assert formats.count(1234567, "es") == "1.234.567"
    assert formats.percent(0.125, "es") == "12,5\u00a0%"
    assert formats.signed(formats.percent(0.034, "es"), 0.034) == "+3,4\u00a0%"
    assert formats.percent(-0.2, "es") == "-20,0\u00a0%"
    assert formats.date("2025-06-30", "es") == "30 de junio de 2025"
    assert formats.dollars(5026683.17, "es") == "5.026.683\u00a0US$"
    assert formats.decimal(16.5, "es") == "16,5"
    assert formats.count(1234, "en") == "1,234"
    assert formats.percent(0.125, "en") == "12.5%"
    assert formats.date("2025-06-30", "en") == "June 30, 2025"
    assert formats.dollars(5026683.17, "en") == "$5,026,683"
    assert formats.compact_dollars(41313912.3, "en") == "$41.3M"
    assert formats.compact_dollars(41313912.3, "es") == "41,3\u00a0M\u00a0US$"


def test_the_spanish_sheet_writes_its_own_numbers(sheets):
    spanish = parse(sheets["es"].html.read_text(encoding="utf-8"))
    text = " ".join(spanish.text)
    assert "30 de junio de 2025" in text
    shares = [p.text for p in spanish.figures if p.key == "immigration.share"]
    assert re.fullmatch(r"\d{1,3},\d\u00a0%", shares[0])


def test_the_box_says_the_library_caveats_in_each_language(sheets):
    # The library's templates (crossings.measures.caveats), filled for the reader.
    english = " ".join(parse(sheets["en"].html.read_text(encoding="utf-8")).text)
    spanish = " ".join(parse(sheets["es"].html.read_text(encoding="utf-8")).text)
    assert "SYNTHETIC SAMPLE DATA: these are not real cases." in english
    assert "Fiscal year 2025 is partial (data as of June 30, 2025)." in english
    assert "DATOS DE MUESTRA SINTÉTICOS: no son causas reales." in spanish
    assert "El año fiscal 2025 es parcial (datos al 30 de junio de 2025)." in spanish
