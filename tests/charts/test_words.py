"""Charts in another language: every word through the given gettext, numbers and
months through the given formatters, axis numbers in the SVG by the locale."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from helpers.charts import hand_result

from crossings import charts
from crossings.charts import words
from crossings.measures import measure
from crossings.measures.charges import IMMIGRATION

SPANISH = {
    "Immigration filings by charge": "Causas de inmigración por delito",
    "Fiscal year": "Año fiscal",
    "defendants": "acusados",
    "Charge": "Delito",
    "Illegal re-entry (1326)": "Reingreso ilegal (1326)",
    "FY{year}": "AF{year}",
    "{year} is partial: data through {month}.": "{year} es parcial: datos hasta {month}.",
    "{year} (partial)": "{year} (parcial)",
}


def spanish_number(value, digits):
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


@pytest.fixture(scope="module")
def by_charge(chart_store):
    return measure("filings", ["fiscal_year", "charge"], {"charge": list(IMMIGRATION)},
                   store=chart_store)


def draw_in_spanish(result):
    with charts.language(lambda m: SPANISH.get(m, m), number=spanish_number,
                         month_year=lambda d: f"junio de {d.year}" if d.month == 6 else "?"):
        return charts.filings_by_charge(result)


def test_words_and_numbers_follow_the_language(by_charge):
    spec = draw_in_spanish(by_charge)
    (year,) = by_charge.meta.partial_years
    assert spec["title"]["text"] == "Causas de inmigración por delito"
    assert spec["title"]["subtitle"] == [f"AF{year} es parcial: datos hasta junio de 2025."]
    assert spec["encoding"]["x"]["axis"]["title"] == "Año fiscal"
    assert spec["encoding"]["y"]["axis"]["title"] == "Acusados"
    assert "'Reingreso ilegal (1326)'" in spec["encoding"]["color"]["legend"]["labelExpr"]
    total = sum(r["defendants"] for r in by_charge.table.to_pylist()
                if r["fiscal_year"] == year)
    assert f"{spanish_number(total, 0)} in AF{year} (parcial)" in spec["description"]


def test_the_language_ends_with_its_block(by_charge):
    draw_in_spanish(by_charge)
    assert charts.filings_by_charge(by_charge)["title"]["text"] == \
        "Immigration filings by charge"
    assert words.month_year(dt.date(2025, 6, 30)) == "June 2025"


def test_threads_keep_their_own_language(by_charge):
    titles = {}

    def english():
        titles["en"] = charts.filings_by_charge(by_charge)["title"]["text"]

    with charts.language(lambda m: SPANISH.get(m, m)):
        worker = threading.Thread(target=english)
        worker.start()
        worker.join()
        titles["es"] = charts.filings_by_charge(by_charge)["title"]["text"]
    assert titles == {"en": "Immigration filings by charge",
                      "es": "Causas de inmigración por delito"}


def test_quotes_in_a_translation_stay_inside_the_expression(by_charge, vega_lite_schema):
    with charts.language(lambda m: "l'entrée \"1325\"" if m == "Illegal entry (1325)" else m):
        spec = charts.filings_by_charge(by_charge)
    # Single-quoted, the quote escaped (the fact sheet reads words between single quotes).
    assert "'l\\'entrée \"1325\"'" in spec["encoding"]["color"]["legend"]["labelExpr"]
    svg = charts.to_svg(spec)  # still parses, and the legend says it
    assert '>l\'entrée "1325"<' in svg


def test_svg_numbers_follow_the_locale(by_charge):
    rows = [{"fiscal_year": 2024, "charge": "illegal_reentry", "defendants": 12_345}]
    spec = charts.filings_by_charge(hand_result(by_charge.meta, rows,
                                                ["fiscal_year", "charge"]))
    english, spanish = charts.to_svg(spec), charts.to_svg(spec, locale="es-ES")
    # The axis runs past 10,000: its ticks read 10,000 in English, 10.000 in Spanish.
    assert "10,000" in english and "10.000" not in english
    assert "10.000" in spanish and "10,000" not in spanish
