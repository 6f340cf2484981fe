"""``reconcile --published`` on hand-built records: each published figure is set
beside the one national cell of its own fiscal year, charge and basis, whatever
``--by`` and the year filter say; never beside one district."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.idb_rows import row, write
from helpers.lions_fixture import write_release
from helpers.lions_records import case, history, link, person
from helpers.tools import run_cli

from crossings.ingest import ingest
from crossings.measures.reconcile import reconcile
from crossings.store import Store

REENTRY = {"FTITLE1": "8:1326.F", "D2FOFFCD1": "8720"}
ENTRY = {"FTITLE1": "8:1325A1.P", "D2FOFFCD1": "8710"}
DRUGS = {"FTITLE1": "21:841A=CD.F", "D2FOFFCD1": "6501"}

# The court file: FY2012 2 re-entry + 1 entry + 1 drug filing (CTFIL); FY2013 1
# re-entry; FY2019 1 re-entry and 1 drug filing, plus 1 re-entry transfer-in
# (CTFILTRN = 1, CTFIL = 0).
COURT = ([(2012, REENTRY, 1), (2012, REENTRY, 1), (2012, ENTRY, 1), (2012, DRUGS, 1),
          (2013, REENTRY, 1), (2019, REENTRY, 1), (2019, DRUGS, 1), (2019, REENTRY, 0)])

# The prosecutors' data: FY2013 one 1325 defendant (magistrate, 2012-11-01), one 1326
# (district, 2013-03-01), one drug defendant (district, 2013-04-01); FY2008 one 1325
# defendant (magistrate, 2008-01-15).
LIONS_CASES = [("2013R00001", "08:01325(a)(1)", "MG", date(2012, 11, 1)),
               ("2013R00002", "8:01326", "DC", date(2013, 3, 1)),
               ("2013R00003", "21:00841(a)(1)", "DC", date(2013, 4, 1)),
               ("2008R00004", "08:01325(a)(1)", "MG", date(2008, 1, 15))]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    folder = tmp_path_factory.mktemp("published")
    rows = [row(FISCALYR=fy, DOCKET=f"{i:07d}", CTFIL=ctfil, CTFILTRN=1,
                TYPETRN="-8" if ctfil else "CR", FILEDATE=f"03/01/{fy}", **charge)
            for i, (fy, charge, ctfil) in enumerate(COURT)]
    s = Store(folder / "store")
    ingest(write(folder / "cr96on.txt", rows), s)
    records = {"GS_CASE": [], "GS_PARTICIPANT": [], "GS_COURT_HIST": [], "GS_PART_COURT": []}
    for i, (caseid, lead, court, filed) in enumerate(LIONS_CASES, start=1):
        records["GS_CASE"].append(case("TXS", caseid, lead))
        records["GS_PARTICIPANT"].append(person("TXS", caseid, i, "D"))
        records["GS_COURT_HIST"].append(history("TXS", caseid, 100 + i, court, filed))
        records["GS_PART_COURT"].append(link("TXS", caseid, i, 100 + i))
    ingest(write_release(folder / "release", records, release="SEPFY2019"), s, source="lions")
    return s


def published(result) -> dict:
    return {(f["version"], f["fiscal_year"], f["charge"]): f for f in result.meta["published"]}


# Worked by hand from the records above: (version, year, charge) -> crossings' count.
EXPECTED = {
    ("uscourts.gov news 2013-05-08", "2012", "immigration"): 3,  # CTFIL, 2 re-entry + 1 entry
    ("Judicial Business 2019", "2019", "all"): 3,  # with transfers: 2 CTFIL + 1 transfer-in
    ("Judicial Business 2019 (as quoted)", "2019", "immigration"): 1,
    ("report 336 (2013)", "2013", "immigration"): 2,  # lions_all: the 1325 and the 1326
    ("report 336 (2013)", "2013", "illegal_entry"): 1,
    ("report 354 (2014)", "2013", "illegal_reentry"): 1,
    ("report 354 (2014)", "2008", "immigration"): 1,
    ("report 354 (2014)", "2008", "illegal_reentry"): 0,
}


@pytest.mark.parametrize("by", [("fiscal_year",), ("charge",), ("fiscal_year", "charge"), ()])
def test_each_figure_meets_its_own_cell_whatever_by_says(store, by):
    figures = published(reconcile(by, store=store, published=True))
    for key, computed in EXPECTED.items():
        assert figures[key]["computed"] == computed, (by, key)
        assert figures[key]["difference"] == computed - figures[key]["value"]
    # FY2018 is not in the data: not compared, and the row says why.
    missing = figures[("Judicial Business 2018", "2018", "immigration")]
    assert missing["computed"] is None and "2018 is not in the data" in missing["status"]
    assert "basis unverified" in figures[("report 336 (2013)", "2013", "immigration")]["status"]


def test_the_year_filter_does_not_move_the_published_cells(store):
    figures = published(reconcile(("fiscal_year",), from_year=2019, to_year=2019, store=store,
                                  published=True))
    assert figures[("uscourts.gov news 2013-05-08", "2012", "immigration")]["computed"] == 3
    assert figures[("report 354 (2014)", "2008", "immigration")]["computed"] == 1


def test_a_district_is_never_compared_with_national_figures(store):
    result = reconcile(("fiscal_year",), district="TXS", store=store, published=True)
    assert all(f["computed"] is None and f["status"].startswith("not compared")
               for f in result.meta["published"])
    assert any("national totals" in note for note in result.meta["notes"])
    done = run_cli("reconcile", "--by", "fiscal_year", "--district", "41", "--published",
                   "--store", str(store.root))
    assert done.returncode == 0, done.stderr
    assert "national" in done.stderr and "not compared" in done.stdout


def test_from_year_after_to_year_is_a_usage_error(store):
    done = run_cli("reconcile", "--from-year", "2019", "--to-year", "2012", "--store",
                   str(store.root))
    assert done.returncode == 2 and "after --to-year" in done.stderr
