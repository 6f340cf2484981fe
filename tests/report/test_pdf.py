"""The PDF opens, holds the sheet in two pages at most (the appendix of commands comes
after them and is not counted), carries its headline figures as text and SYNTHETIC DATA
on every page, and each page turns into a PNG (pdftoppm), kept in the test's folder."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from pypdf import PdfReader

from crossings.report import fact_sheet, formats

APPENDIX = {"en": "Appendix: the command behind each number",
            "es": "Apéndice: el comando detrás de cada cifra"}
MARK = {"en": "SYNTHETIC DATA", "es": "DATOS SINTÉTICOS"}
#: Page sizes in PDF points (1/72 inch): Letter 8.5 x 11 in, A4 210 x 297 mm.
SIZES = {"letter": (612, 792), "a4": (595, 842)}


def _pages(pdf) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def sheet_pages(texts: list[str], lang: str) -> int:
    """The pages before the appendix (the two-page sheet itself)."""
    starts = [i for i, t in enumerate(texts) if APPENDIX[lang] in " ".join(t.split())]
    assert len(starts) == 1, "the appendix heading is on exactly one page"
    return starts[0]


def to_png(pdf, folder, dpi: int = 40) -> list:
    tool = shutil.which("pdftoppm")
    assert tool, "pdftoppm not found: `make test` installs Debian's poppler-utils"
    subprocess.run([tool, "-r", str(dpi), "-png", str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_two_pages_then_the_appendix(sheets, lang, tmp_path):
    sheet = sheets[lang]
    texts = _pages(sheet.pdf)
    assert sheet_pages(texts, lang) <= 2
    assert sheet_pages(texts, lang) >= 1
    assert len(texts) - sheet_pages(texts, lang) <= 2  # the appendix: a page or two
    for text in texts:
        assert MARK[lang] in text  # in large type at the top of every page
    pngs = to_png(sheet.pdf, tmp_path)
    assert len(pngs) == len(texts)
    for png in pngs:
        assert png.stat().st_size > 5_000  # a drawn page, not a blank one
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_pdf_text_holds_the_headline_figures(sheets, lang):
    sheet = sheets[lang]
    first = _words(_pages(sheet.pdf)[0])
    figures = sheet.figures
    for headline in [*figures.headlines, figures.total]:
        assert _words(formats.figure(headline.filings, lang)) in first
        assert _words(formats.figure(headline.change_1y_pct, lang)) in first
    assert _words(formats.figure(figures.immigration_share, lang)) in first
    assert _words(formats.figure(figures.lions.filings, lang)) in first


def _words(text: str) -> str:
    """Spaces as one (the PDF's text has no non-breaking space)."""
    return " ".join(text.split())


def test_a4_paper(report_store, tmp_path):
    sheet = fact_sheet(report_store, paper="a4", lang="es", output=tmp_path, pdf=True,
                       district="S.D. Tex.")
    reader = PdfReader(sheet.pdf)
    for page in reader.pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == SIZES["a4"]
    assert sheet_pages([p.extract_text() for p in reader.pages], "es") <= 2
    assert len(to_png(sheet.pdf, tmp_path)) == len(reader.pages)


def test_letter_is_the_default(sheets):
    page = PdfReader(sheets["en"].pdf).pages[0]
    assert (round(page.mediabox.width), round(page.mediabox.height)) == SIZES["letter"]
