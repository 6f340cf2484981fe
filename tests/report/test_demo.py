"""`crossings demo` end to end in a fresh folder: the store, the summary, and the fact
sheet in English and Spanish (HTML and PDF) in ./crossings-demo/, every page marked."""

from __future__ import annotations

import subprocess
import sys

from helpers.sheet_html import parse
from pypdf import PdfReader

from crossings.report.formats import LANGUAGES

MARK = {"en": "SYNTHETIC DATA", "es": "DATOS SINTÉTICOS"}


def test_the_demo_writes_the_fact_sheets(tmp_path):
    folder = tmp_path / "fresh"
    folder.mkdir()
    run = subprocess.run([sys.executable, "-m", "crossings", "demo", "--defendants", "1500",
                          "--store", str(tmp_path / "store")], cwd=folder,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    written = folder / "crossings-demo"
    for lang in LANGUAGES:
        stem = f"fact-sheet-national-fy2024-{lang}-letter"
        html, pdf = written / f"{stem}.html", written / f"{stem}.pdf"
        assert str(html) in run.stderr or f"crossings-demo/{stem}.html" in run.stderr
        assert f"{stem}.pdf" in run.stderr
        parsed = parse(html.read_text(encoding="utf-8"))
        assert MARK[lang] in parsed.text  # the banner in large type on screen
        for page in PdfReader(pdf).pages:
            assert MARK[lang] in page.extract_text()  # and atop every printed page
        # The demo's prosecutors' release covers FY2024 whole: its count is on the sheet.
        assert any(f.key == "lions.illegal_entry.defendants" for f in parsed.figures)
    assert "Fact sheet headline: defendants filed in FY2024 (SYNTHETIC DATA)" in run.stdout
    assert "illegal_entry_lions" in run.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["crossings-demo"]
