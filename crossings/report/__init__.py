"""Fact sheets: two printable, cited pages (HTML and PDF), in English and Spanish.

>>> from crossings.report import fact_sheet
>>> sheet = fact_sheet(district="S.D. Tex.", lang="es", pdf=True, output="out")
>>> sheet.html, sheet.pdf, sheet.figures.year

Every number comes from ``crossings.measures.measure()``; the sheet prints,
beside it, the ``crossings stats`` command that gives the same number.
"""

from crossings.report.sheet import FactSheet, fact_sheet, render

__all__ = ["FactSheet", "fact_sheet", "render"]
