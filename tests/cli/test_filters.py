"""Filters given with no value on the command line (issue 11, item 5): a usage
error, never "every district"."""

from __future__ import annotations

import pytest
from helpers.idb_rows import row, write
from helpers.tools import run_cli

from crossings.errors import InvalidRequest
from crossings.ingest import ingest
from crossings.measures import measure
from crossings.measures.query import filter_values

pytestmark = pytest.mark.adversarial


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("filters")
    rows = [row(CTFIL=1, DISTRICT="41", DOCKET="0000001"),
            row(CTFIL=1, CIRCUIT="09", DISTRICT="7-", DOCKET="0000002")]
    ingest(write(folder / "cr96on.txt", rows), folder / "store")
    return folder / "store"


@pytest.mark.parametrize("value", ["", ",,,", " , "])
@pytest.mark.parametrize("option", ["--district", "--charge"])
def test_empty_filter_is_a_usage_error(store, option, value):
    done = run_cli("stats", "filings", option, value, "--store", str(store))
    assert done.returncode == 2, done.stdout
    assert "names no value" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("value", ["", ",,,"])
def test_empty_district_in_reconcile_is_a_usage_error(store, value):
    done = run_cli("reconcile", "--district", value, "--store", str(store))
    assert done.returncode == 2 and "names no value" in done.stderr


def test_a_real_filter_still_counts(store):
    done = run_cli("stats", "filings", "--district", "41,", "--store", str(store),
                   "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == ["1"]


@pytest.mark.parametrize("value", ["", ",,,", [], [""]])
def test_library_refuses_a_present_filter_without_values(store, value):
    with pytest.raises(InvalidRequest, match="names no value"):
        measure("filings", where={"district": value}, store=store)


def test_filter_values_helper():
    assert filter_values("district", None) == []
    assert filter_values("district", "41, TXS,") == ["41", "TXS"]
    assert filter_values("district", ["41"]) == ["41"]
    with pytest.raises(InvalidRequest, match="district is given but names no value"):
        filter_values("district", " , ")
