"""`crossings report`: a thin command over fact_sheet(), run as users run it."""

from __future__ import annotations

import json
import sys

import pytest
from helpers.tools import run_cli
from pypdf import PdfReader

from crossings.cli.main import run


def test_report_writes_the_sheet_and_prints_the_headline(report_store, tmp_path):
    out = tmp_path / "out"
    run = run_cli("report", "--store", str(report_store), "--district", "S.D. Tex.",
                  "--lang", "es", "--paper", "a4", "-o", str(out), "--pdf")
    assert run.returncode == 0, run.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == ["fact-sheet-district-41-fy2024-es-a4.commands.txt",
                     "fact-sheet-district-41-fy2024-es-a4.html",
                     "fact-sheet-district-41-fy2024-es-a4.pdf"]
    assert "Defendants filed in FY2024" in run.stdout
    assert "illegal_reentry" in run.stdout
    assert f"wrote {out}" in run.stderr
    assert PdfReader(out / names[2]).pages  # opens
    commands = (out / names[0]).read_text(encoding="utf-8")
    assert "crossings stats filings --by fiscal_year,charge" in commands
    assert "--district 41" in commands and f"--store {report_store}" in commands


def test_report_json_names_the_files_and_figures(report_store, tmp_path):
    run = run_cli("report", "--store", str(report_store), "--border", "southwest",
                  "-o", str(tmp_path), "-f", "json")
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    assert answer["fiscal_year"] == 2024
    assert [r["charge"] for r in answer["headline"]][:5] == [
        "illegal_entry", "illegal_reentry", "alien_smuggling", "other_immigration",
        "immigration"]
    assert all(path.startswith(str(tmp_path)) for path in answer["files"])
    assert not any(path.endswith(".pdf") for path in answer["files"])  # no --pdf


def _in_process(args: list[str], capsys) -> tuple[int, str]:
    """``crossings ARGS`` through the CLI's own entry point, in this process: the exit
    code and stderr (as a subprocess would give them, faster)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "argv", ["crossings", *args])
        with pytest.raises(SystemExit) as stopped:
            run()
    return stopped.value.code, capsys.readouterr().err


def test_misuse_is_exit_2_with_a_message(report_store, tmp_path, capsys):
    for args, words in ((["--lang", "fr"], "unknown language 'fr'"),
                        (["--paper", "legal"], "unknown paper size 'legal'"),
                        (["--district", "41", "--border", "southwest"], "not both"),
                        (["--charge", "non_immigration"], "immigration charges"),
                        (["--district", "Atlantis"], "unknown district")):
        code, err = _in_process(["report", "--store", str(report_store), "-o",
                                 str(tmp_path), *args], capsys)
        assert code == 2, (args, err)
        assert words in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing written on a refused request
    run_ = run_cli("report", "--store", str(report_store), "--lang", "fr")  # and for real
    assert run_.returncode == 2 and "unknown language 'fr'" in run_.stderr


def test_no_store_is_exit_1(tmp_path):
    run = run_cli("report", "--store", str(tmp_path / "none"), "-o", str(tmp_path / "out"))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
