"""Shares, changes, sorting, wide tables, labels: on rows whose answers are worked by hand.

The court file below holds, per fiscal year, this many filings (CTFIL = 1):

    year   re-entry (8:1326)   entry (8:1325)
    2012          2                  0
    2013          4                  1
    2014          3                  1
    2015          5                  0
    2016          6                  2
    2017          8                  2      <- the latest year, so partial

all in district 41 (S.D. Tex.), except the 2016 entry filings, in 70 (D. Ariz.).
"""

from __future__ import annotations

import json

import pytest
from helpers.idb_rows import row, write
from helpers.tools import run_cli

from crossings.errors import InvalidRequest
from crossings.ingest import ingest
from crossings.measures import measure
from crossings.store import Store

REENTRY = {2012: 2, 2013: 4, 2014: 3, 2015: 5, 2016: 6, 2017: 8}
ENTRY = {2013: 1, 2014: 1, 2016: 2, 2017: 2}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("answers")
    rows, n = [], 0
    for charges, title, d2 in ((REENTRY, "8:1326.F", "8720"), (ENTRY, "8:1325.M", "8710")):
        for year, count in charges.items():
            for _ in range(count):
                n += 1
                district = "70" if (d2 == "8710" and year == 2016) else "41"
                circuit = "09" if district == "70" else "05"
                rows.append(row(FISCALYR=year, CTFIL=1, DOCKET=f"{n:07d}", CIRCUIT=circuit,
                                DISTRICT=district, FILEDATE=f"01/15/{year}", FTITLE1=title,
                                D2FOFFCD1=d2))
    store = Store(folder / "store")
    ingest(write(folder / "cr96on.txt", rows), store)
    return store


def by_year(result, column):
    return {r["fiscal_year"]: r[column] for r in result.to_pylist()}


def test_shares_sum_to_one_within_each_year(store):
    result = measure("filings", by=["fiscal_year", "charge"], store=store, share=True)
    rows = result.to_pylist()
    share = {(r["fiscal_year"], r["charge"]): r["share"] for r in rows}
    assert share[(2013, "illegal_reentry")] == pytest.approx(4 / 5)
    assert share[(2013, "illegal_entry")] == pytest.approx(1 / 5)
    assert share[(2012, "illegal_reentry")] == 1.0
    for year in REENTRY:
        assert sum(s for (y, _), s in share.items() if y == year) == pytest.approx(1.0)


def test_a_districts_share_of_one_charge(store):
    result = measure("filings", by=["district"], where={"charge": "illegal_entry"},
                     store=store, share=True)
    share = {r["district"]: r["share"] for r in result.to_pylist()}
    assert share == {"41": pytest.approx(4 / 6), "70": pytest.approx(2 / 6)}


def test_changes_from_one_and_five_years_before(store):
    result = measure("filings", by=["fiscal_year"], where={"charge": "illegal_reentry"},
                     store=store, change=True)
    one, one_pct = by_year(result, "change_1y"), by_year(result, "change_1y_pct")
    five = by_year(result, "change_5y")
    assert one[2013] == 2 and one_pct[2013] == pytest.approx(1.0)  # 4 against 2
    assert one[2014] == -1 and one_pct[2014] == pytest.approx(-0.25)  # 3 against 4
    assert one[2012] is None  # 2011 is not in the data
    assert five[2016] is None  # 2011 again
    assert one[2017] is None and five[2017] is None  # 2017 is partial
    assert any("2017 is partial" in w for w in result.meta["warnings"])


def test_the_base_year_comes_from_the_data_when_from_year_hides_it(store):
    result = measure("filings", by=["fiscal_year"], where={"charge": "illegal_reentry",
                                                           "from_year": 2016},
                     store=store, change=True)
    assert sorted(by_year(result, "defendants")) == [2016, 2017]
    assert by_year(result, "change_1y")[2016] == 1  # 6 against 2015's 5
    assert by_year(result, "change_1y_pct")[2016] == pytest.approx(0.2)
    assert result.meta["where"]["from_year"] == 2016


def test_a_base_year_with_no_filings_is_zero_and_has_no_percent(store):
    result = measure("filings", by=["fiscal_year"], where={"charge": "illegal_entry"},
                     store=store, change=True)
    assert by_year(result, "change_1y")[2016] == 2  # 2 against 2015's none
    assert by_year(result, "change_1y_pct")[2016] is None


def test_change_needs_fiscal_year_and_share_needs_a_breakdown(store):
    with pytest.raises(InvalidRequest, match="fiscal_year"):
        measure("filings", by=["district"], store=store, change=True)
    with pytest.raises(InvalidRequest, match="--by"):
        measure("filings", store=store, share=True)


def test_sort_descending_and_top(store):
    result = measure("filings", by=["fiscal_year"], store=store, sort="-defendants", top=2)
    assert [(r["fiscal_year"], r["defendants"]) for r in result.to_pylist()] == [
        (2017, 10), (2016, 8)]
    with pytest.raises(InvalidRequest, match="cannot sort by 'nope'"):
        measure("filings", by=["fiscal_year"], store=store, sort="nope")


def test_pivot_spreads_years_into_zero_filled_columns(store):
    wide = measure("filings", by=["fiscal_year", "charge"], store=store).pivot()
    rows = {r["charge"]: r for r in wide.to_pylist()}
    assert rows["illegal_entry"]["2012"] == 0 and rows["illegal_entry"]["2016"] == 2
    assert rows["illegal_reentry"]["2017"] == 8


def test_every_district_form_gives_the_same_numbers_and_labels(store):
    results = [measure("filings", by=["district"], where={"district": d}, store=store)
               .to_pylist() for d in ("41", "txs", "Southern District of Texas", "S.D. Tex.")]
    assert all(r == results[0] for r in results)
    assert results[0] == [{"district": "41", "district_name": "Southern District of Texas",
                           "district_abbreviation": "TXS", "district_short_name": "S.D. Tex.",
                           "district_map_key": "TXS", "defendants": 28 + 4}]


def test_names_are_case_insensitive_with_did_you_mean(store):
    assert measure("FILINGS", by=["Fiscal_Year"], where={"charge": "Illegal_Entry"},
                   store=store).to_pylist() == measure(
        "filings", by=["fiscal_year"], where={"charge": "illegal_entry"},
        store=store).to_pylist()
    with pytest.raises(InvalidRequest, match="did you mean 'illegal_reentry'"):
        measure("filings", where={"charge": "ilegal_reentry"}, store=store)


def test_repr_html_holds_the_table_and_citation(store):
    html = measure("filings", by=["fiscal_year"], store=store, share=False)._repr_html_()
    assert "<table>" in html and "Federal Judicial Center" in html and "2017 is partial" in html


def test_cli_csv_json_and_python_agree_and_output_writes_meta(store, tmp_path):
    args = ["stats", "filings", "--by", "fiscal_year,charge", "--share", "--change",
            "--store", str(store.root)]
    as_json = json.loads(run_cli(*args, "-f", "json").stdout)["data"]
    python = measure("filings", by=["fiscal_year", "charge"], store=store, share=True,
                     change=True).to_pylist()
    assert as_json == python
    out = tmp_path / "filings.csv"
    done = run_cli(*args, "-f", "csv", "-o", str(out))
    assert done.returncode == 0 and done.stdout == ""
    lines = out.read_text().splitlines()
    assert lines[0].split(",")[:3] == ["fiscal_year", "charge", "defendants"]
    assert len(lines) == 1 + len(python)
    meta = json.loads((tmp_path / "filings.csv.meta.json").read_text())
    assert "Federal Judicial Center" in meta["citation"] and meta["partial_years"] == [2017]
    assert any("partial" in c for c in meta["caveats"])


@pytest.mark.parametrize("extra", [[], ["--share", "--change"], ["--wide"],
                                   ["--by", "fiscal_year,district,charge"]])
def test_a_table_fits_80_columns(store, extra):
    args = ["stats", "filings", "--by", "fiscal_year,charge", "--store", str(store.root), *extra]
    done = run_cli(*args, env={"COLUMNS": "80"})
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    assert "illegal_reentry" in done.stdout  # the data is there, not only a hint


def test_table_shows_percents_and_separators_but_not_on_years(store):
    done = run_cli("stats", "filings", "--by", "fiscal_year,charge", "--share",
                   "--store", str(store.root), env={"COLUMNS": "120"})
    assert "80.0%" in done.stdout and "2013" in done.stdout and "2,013" not in done.stdout


def test_codebook_lists_vocabularies_with_labels():
    done = run_cli("codebook", "countries", "-f", "csv")
    assert "CH,Chile" in done.stdout.splitlines()
    assert run_cli("codebook", "planets").returncode == 2
    districts = json.loads(run_cli("codebook", "districts", "-f", "json").stdout)
    assert len(districts) == 94
