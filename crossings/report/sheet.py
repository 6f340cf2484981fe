"""``fact_sheet()``: the figures asked, the charts drawn, the page written."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crossings.measures.caveats import PARTIAL_YEARS, PROVISIONAL, SYNTHETIC
from crossings.measures.charges import IMMIGRATION
from crossings.measures.rules_version import RULES_VERSION
from crossings.report import charts, formats
from crossings.report.asks import Asked
from crossings.report.figure import Chart, Figure
from crossings.report.figures import Figures, all_figures, compute, resolve_scope
from crossings.report.i18n import checked_language
from crossings.report.render import PAPERS, render_html, write_pdf
from crossings.report.words import N_
from crossings.store import Store
from crossings.version import __version__


@dataclass
class FactSheet:
    """What ``fact_sheet()`` wrote and what the sheet says."""

    html: Path | None
    pdf: Path | None
    commands_file: Path | None
    lang: str
    paper: str
    figures: Figures
    #: Every figure printed, with its command (``Figure.command``).
    printed: list[Figure] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)  # in appendix order (1, 2, ...)
    synthetic: bool = False

    @property
    def year(self) -> int:
        return self.figures.year

    @property
    def paths(self) -> list[Path]:
        return [p for p in (self.html, self.pdf, self.commands_file) if p is not None]


@dataclass
class Rendered:
    html: str
    sheet: FactSheet


def render(store: Store | str | Path | None = None, *, district: str | None = None,
           border: str | None = None, charge=None, from_year: int | None = None,
           to_year: int | None = None, lang: str = "en", paper: str = "letter",
           engine: str = "duckdb", shown_store: str | Path | None = None) -> Rendered:
    """The sheet's HTML, in memory (the web route and :func:`fact_sheet` use it)."""
    lang = checked_language(lang)
    paper = _checked_paper(paper)
    scope = resolve_scope(district, border, charge, from_year, to_year)
    asked = Asked(store if isinstance(store, Store) else Store(store), engine,
                  shown_store=shown_store)
    figures = compute(asked, scope)
    drawn = charts.draw(figures, lang, paper)
    printed = all_figures(figures)
    commands = command_order(figures, printed, drawn)
    numbers = {c: i for i, c in enumerate(commands, 1)}
    sheet = FactSheet(None, None, None, lang, paper, figures, printed, list(drawn.values()),
                      commands, synthetic=bool(figures.meta.synthetic))
    context = {"f": figures, "charts": drawn, "commands": numbers,
               "command_list": commands, "synthetic": sheet.synthetic,
               "provenance": provenance(figures), "caveats": caveat_lines(figures, lang),
               "source_urls": SOURCE_URLS,
               "immigration": IMMIGRATION}
    return Rendered(render_html(context, lang, paper), sheet)


def fact_sheet(store: Store | str | Path | None = None, *, district: str | None = None,
               border: str | None = None, charge=None, from_year: int | None = None,
               to_year: int | None = None, lang: str = "en", paper: str = "letter",
               output: str | Path = ".", pdf: bool = False,
               engine: str = "duckdb") -> FactSheet:
    """Write the fact sheet (HTML, and with ``pdf`` its PDF) into the folder ``output``,
    with the commands behind its numbers in a text file beside it.

    >>> crossings.report.fact_sheet(district="S.D. Tex.", lang="es", pdf=True)
    """
    shown = None if store is None else (store.root if isinstance(store, Store) else store)
    rendered = render(store, district=district, border=border, charge=charge,
                      from_year=from_year, to_year=to_year, lang=lang, paper=paper,
                      engine=engine, shown_store=shown)
    sheet = rendered.sheet
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    stem = file_stem(sheet)
    sheet.html = folder / f"{stem}.html"
    sheet.html.write_text(rendered.html, encoding="utf-8")
    sheet.commands_file = folder / f"{stem}.commands.txt"
    sheet.commands_file.write_text(commands_text(sheet), encoding="utf-8")
    if pdf:
        sheet.pdf = folder / f"{stem}.pdf"
        write_pdf(rendered.html, sheet.pdf)
    return sheet


def command_order(figures: Figures, printed: list[Figure], drawn: dict[str, Chart]) -> list[str]:
    """Each command once, numbered in the order the sheet shows what it gives."""
    headline = [f.command for f in printed if f.key.startswith(("headline.", "immigration.",
                                                                 "lions."))]
    return list(dict.fromkeys([*headline, drawn["trend"].command, drawn["map"].command,
                               *(f.command for f in printed),
                               figures.outcomes.bracket_command]))


def file_stem(sheet: FactSheet) -> str:
    scope = sheet.figures.scope
    place = (f"district-{scope.district}" if scope.district
             else f"{scope.border}-border" if scope.border else "national")
    return f"fact-sheet-{place}-fy{sheet.year}-{sheet.lang}-{sheet.paper}"


def commands_text(sheet: FactSheet) -> str:
    """The commands file: each numbered command and the figures it gives."""
    lines = [f"# crossings {__version__}: the commands behind the fact sheet's numbers",
             "# (the [n] on the sheet; add -f json to read the exact values)", ""]
    for number, command in enumerate(sheet.commands, 1):
        keys = [f.key for f in sheet.printed if f.command == command]
        keys += [c.key for c in sheet.charts if c.command == command]
        lines += [f"# [{number}] {', '.join(keys)}", command, ""]
    return "\n".join(lines)


def provenance(figures: Figures) -> dict:
    """Source files and their SHA-256, data as of, rules and tool versions."""
    meta = figures.meta
    releases = [(name, p) for name, p in meta.sources.items()]
    if figures.lions.meta is not None:
        releases += list(figures.lions.meta.sources.items())
    return {"releases": [{"source": name, "release": p.release, "files": p.files,
                          "data_as_of": p.data_as_of, "synthetic": p.synthetic}
                         for name, p in dict(releases).items()],
            "rules_version": RULES_VERSION, "charge_rules": meta.charge_rules,
            "tool_version": __version__, "data_as_of": meta.data_as_of}


#: Where each source is published: cited in the footer as text (the only URLs in the sheet).
SOURCE_URLS = {"idb": "https://www.fjc.gov/research/idb",
               "lions": "https://www.justice.gov/usao/resources/foia-library/"
                        "national-caseload-data"}
@dataclass
class Caveat:
    """A sentence of the library (a constant, or a template of ``crossings.measures.caveats``)
    with its fields written for the reader: the page translates ``text``, then fills it."""

    text: str
    fields: dict = field(default_factory=dict)
    then: str = ""  # the sheet's own sentence after it (a catalogue message)


def caveat_lines(figures: Figures, lang: str) -> list[Caveat]:
    """What the numbers leave out, in the library's words: synthetic data, what the court
    file does not cover, its partial year, the prosecutors' provisional months."""
    meta = figures.meta
    lines = [Caveat(SYNTHETIC)] if meta.synthetic else []
    lines += [Caveat(line) for line in meta.coverage]
    if figures.partial_years:
        lines.append(Caveat(PARTIAL_YEARS,
                            {"years": ", ".join(map(str, figures.partial_years)),
                             "data_as_of": formats.date(meta.data_as_of, lang)},
                            then=N_("It is left out of the headline figures and drawn lighter "
                                    "in the chart.")))
    if figures.lions.filings is not None:
        lions = figures.lions.meta
        lines += [Caveat(lions.coverage[0])]
        if figures.lions.provisional:
            months = figures.lions.provisional
            lines.append(Caveat(PROVISIONAL,
                                {"release": figures.lions.release, "first": months[0],
                                 "last": months[-1]}))
    return lines


#: The library's caveat templates the sheet may print (the catalogue holds each).
LIBRARY_CAVEATS = (SYNTHETIC, PARTIAL_YEARS,
                   PROVISIONAL)


def _checked_paper(paper: str) -> str:
    from crossings.errors import InvalidRequest

    text = (paper or "").strip().lower()
    if text not in PAPERS:
        raise InvalidRequest(f"unknown paper size {paper!r}; expected one of: "
                             f"{', '.join(PAPERS)}")
    return text


def headline_rows(sheet: FactSheet) -> tuple[list[str], list[list]]:
    """The headline figures as a table (columns, rows), for a terminal or a log; the
    prosecutors' illegal-entry count (petty cases included) as ``illegal_entry_lions``."""
    f = sheet.figures
    columns = ["charge", "defendants", "change_1y", "change_1y_pct", "change_5y",
               "change_5y_pct"]
    rows = [[h.charge, h.filings.value, h.change_1y.value, h.change_1y_pct.value,
             h.change_5y.value, h.change_5y_pct.value] for h in [*f.headlines, f.total]]
    if f.lions.filings is not None:
        rows.append(["illegal_entry_lions", f.lions.filings.value, None, None, None, None])
    return columns, rows
