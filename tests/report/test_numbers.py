"""Every number on the sheet is the answer of the `crossings stats` command it cites.

The sheet's HTML is read as a reader's tool would read it: each figure is a
``<data>`` element naming its command (numbered in the appendix), the row and
the column of that command's answer; the commands are run as printed (in this
process through the CLI, and a few as real subprocesses) and compared.
"""

from __future__ import annotations

import json
import shlex

import pytest
from helpers.sheet_html import parse
from helpers.tools import run_cli
from typer.testing import CliRunner

from crossings.cli.main import app
from crossings.report import formats
from crossings.report.figure import Figure


def _answer(command: str) -> list[dict]:
    """The rows of ``command`` (as printed on the sheet) run by the CLI, with -f json."""
    words = shlex.split(command)
    assert words[:2] == ["crossings", "stats"], command
    result = CliRunner().invoke(app, [*words[1:], "-f", "json", "-q"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["data"]


def _matches(printed, rows: list[dict]) -> None:
    found = [r for r in rows if all(r.get(k) == v for k, v in printed.row.items())]
    assert len(found) <= 1, f"{printed.key}: the row {printed.row} is not one row"
    if printed.absent:
        assert not found, f"{printed.key} says its row is absent, but the command has it"
        assert printed.value in ("0", ""), printed
        return
    assert found, f"{printed.key}: no row {printed.row} in the command's answer"
    expected = found[0][printed.column]
    if expected is None:
        assert printed.value == "", printed
    elif isinstance(expected, float):
        assert float(printed.value) == expected, printed
    else:
        assert int(printed.value) == expected, printed


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_figure_equals_the_answer_of_its_command(sheets, lang):
    sheet = sheets[lang]
    parsed = parse(sheet.html.read_text(encoding="utf-8"))
    assert len(parsed.figures) >= 60  # the sheet is full, not an empty page passing
    assert set(parsed.commands) == set(range(1, len(sheet.commands) + 1))
    answers: dict[int, list[dict]] = {}
    for printed in parsed.figures:
        if printed.command not in answers:
            answers[printed.command] = _answer(parsed.commands[printed.command])
        _matches(printed, answers[printed.command])
    # Every figure the library says it printed is on the page, once.
    assert sorted(p.key for p in parsed.figures) == sorted(f.key for f in sheet.printed)


def test_the_printed_text_of_each_figure_is_its_value_formatted(sheets):
    for lang, sheet in sheets.items():
        by_key = {f.key: f for f in sheet.printed}
        for printed in parse(sheet.html.read_text(encoding="utf-8")).figures:
            figure = by_key[printed.key]
            assert printed.text == formats.figure(figure, lang, "n/a" if lang == "en"
                                                  else "n. d."), printed


def test_the_charts_draw_the_answers_of_their_commands(sheets):
    sheet = sheets["en"]
    parsed = parse(sheet.html.read_text(encoding="utf-8"))
    numbers = {command: n for n, command in parsed.commands.items()}
    for chart in sheet.charts:
        rows = _answer(chart.command)
        values = (chart.spec["data"]["values"] if "data" in chart.spec
                  else chart.spec["datasets"]["result"])  # the map names its data
        drawn = [{k: v for k, v in r.items() if k != "partial_year"} for r in values]
        assert drawn == rows, chart.key
        assert chart.command in numbers  # cited in the appendix


def test_a_few_commands_run_as_real_subprocesses(sheets):
    sheet = sheets["en"]
    printed = {f.key: f for f in sheet.printed}
    for key in ("headline.illegal_reentry.defendants", "lions.illegal_entry.defendants"):
        figure: Figure = printed[key]
        run = run_cli(*shlex.split(figure.command)[1:], "-f", "json", "-q")
        assert run.returncode == 0, run.stderr
        rows = json.loads(run.stdout)["data"]
        row = next(r for r in rows if all(r[k] == v for k, v in figure.row.items()))
        assert row[figure.column] == figure.value


def test_the_headline_year_is_the_latest_full_fiscal_year(sheets):
    # The demo's court file runs to June 30, 2025 (release JUNFY2025): FY2025 is partial,
    # so the headline year is FY2024, and the changes compare with FY2023 and FY2019.
    sheet = sheets["en"]
    assert sheet.year == 2024
    assert sheet.figures.partial_years == [2025]
    text = " ".join(parse(sheet.html.read_text(encoding="utf-8")).text)
    assert "from FY2023" in text and "from FY2019" in text
    assert "fiscal year 2024" in text


def test_the_prosecutors_count_stands_beside_illegal_entry(sheets):
    # JUNFY2025 holds every month of FY2024 (October 2023 to September 2024): used.
    lions = sheets["en"].figures.lions
    assert lions.release == "JUNFY2025" and lions.filings is not None
    assert "--source lions" in lions.filings.command
    assert lions.provisional == []  # its provisional months (March-June 2025) are FY2025
