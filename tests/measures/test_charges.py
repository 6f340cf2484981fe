"""A user's ``--charges`` file under attack (issue 11, item 4 and 6): refused with
the rows named, never read so that the last row silently wins."""

from __future__ import annotations

import pytest
from helpers.idb_rows import row, write
from helpers.tools import run_cli

from crossings.errors import ChargeRulesError
from crossings.ingest import ingest
from crossings.measures.charges import RULES_FILE, load_rules

pytestmark = pytest.mark.adversarial

SHIPPED = RULES_FILE.read_text(encoding="utf-8")


def rules_file(tmp_path, text: str | bytes, name: str = "mine.csv"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def shipped_line(prefix: str) -> int:
    return next(i for i, line in enumerate(SHIPPED.splitlines(), start=1)
                if line.startswith(prefix))


def test_duplicate_d2_code_is_refused_naming_both_rows(tmp_path):
    first = shipped_line("d2,8720,")
    text = SHIPPED + "d2,8720,,illegal_entry,second row for 8720\n"
    last = len(text.splitlines())
    with pytest.raises(ChargeRulesError) as err:
        load_rules(rules_file(tmp_path, text))
    assert f"lines {first} and {last}: code 8720 again" in err.value.message


def test_second_default_is_refused_naming_both_rows(tmp_path):
    first = shipped_line("d2,*,")
    text = SHIPPED + "d2,*,,illegal_entry,a second default\n"
    with pytest.raises(ChargeRulesError,
                       match=f"lines {first} and {len(text.splitlines())}: a second default"):
        load_rules(rules_file(tmp_path, text))


def test_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    text = SHIPPED.encode() + "d2,8799,,non_immigration,Pe\xf1a\n".encode("latin-1")
    with pytest.raises(ChargeRulesError,
                       match=rf"line {len(SHIPPED.splitlines()) + 1}: not UTF-8 text \(byte 0xf1\)"):
        load_rules(rules_file(tmp_path, text))


@pytest.mark.parametrize(("extra", "count"), [("d2,8799\n", 2), ("d2\n", 1),
                                                ("d2,8799,,illegal_entry,note,more\n", 6)])
def test_row_with_the_wrong_number_of_fields_is_a_clear_error(tmp_path, extra, count):
    text = SHIPPED + extra
    with pytest.raises(ChargeRulesError,
                       match=f"line {len(text.splitlines())}: {count} fields, expected 5"):
        load_rules(rules_file(tmp_path, text))


@pytest.mark.parametrize("damage", ["duplicate", "second default", "latin-1", "short row"])
def test_bad_charges_file_on_the_command_line_is_one_line_and_exit_1(tmp_path, damage):
    store = tmp_path / "store"
    ingest(write(tmp_path / "cr96on.txt", [row(CTFIL=1)]), store)
    text = {"duplicate": SHIPPED + "d2,8720,,illegal_entry,x\n",
            "second default": SHIPPED + "d2,*,,illegal_entry,x\n",
            "latin-1": (SHIPPED + "d2,8799,,non_immigration,\xf1\n").encode("latin-1"),
            "short row": SHIPPED + "statute,8:1326\n"}[damage]
    path = rules_file(tmp_path, text, "bad.csv")
    done = run_cli("stats", "filings", "--charges", str(path), "--store", str(store))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "bad.csv" in done.stderr
