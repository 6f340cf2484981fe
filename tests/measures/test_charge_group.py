"""The ``charge_group`` dimension on hand-worked rows of both sources.

Court file, filings (CTFIL = 1), lead filing charge:

    FY2015: 3 re-entry, 1 entry (immigration 4), 2 drug/false statement
            (non_immigration 2), 1 with no charge at all (unreadable 1): 7
    FY2016: 1 smuggling (immigration 1), 3 non-immigration: 4

so immigration's share of all filings is 4/7 in 2015 and 1/4 in 2016.

Prosecutors' data (one defendant per case, each filed in district court in
FY2018): lead charges 8:01326 and 8:01325(a)(1) (immigration 2), 21:00841(a)(1)
(non_immigration 1), ``*`` (redacted: unreadable 1).
"""

from __future__ import annotations

from datetime import date

import pytest
from helpers.idb_rows import row, write
from helpers.lions_fixture import write_release
from helpers.lions_records import case, history, link, person
from helpers.tools import run_cli

from crossings.errors import InvalidRequest
from crossings.ingest import ingest
from crossings.measures import measure
from crossings.measures.vocabulary import vocabulary
from crossings.store import Store

IMMIGRATION = ("8:1326.F", "8720"), ("8:1325.M", "8710"), ("8:1324.F", "8730")
OTHER = ("21:841A.F", "6911"), ("18:1001.F", "4991")
NOTHING = ("-8", "-8")
COURT_FILE = {2015: [IMMIGRATION[0]] * 3 + [IMMIGRATION[1]] + list(OTHER) + [NOTHING],
              2016: [IMMIGRATION[2]] + [OTHER[0]] * 3}
LEADS = ["8:01326", "08:01325(a)(1)", "21:00841(a)(1)", "*"]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    folder = tmp_path_factory.mktemp("charge_group")
    rows, n = [], 0
    for year, charges in COURT_FILE.items():
        for title, d2 in charges:
            n += 1
            rows.append(row(FISCALYR=year, CTFIL=1, DOCKET=f"{n:07d}",
                            FILEDATE=f"01/15/{year}", FTITLE1=title, D2FOFFCD1=d2))
    s = Store(folder / "store")
    ingest(write(folder / "cr96on.txt", rows), s)
    records = {"GS_CASE": [], "GS_PARTICIPANT": [], "GS_COURT_HIST": [], "GS_PART_COURT": []}
    for i, lead in enumerate(LEADS, 1):
        caseid = f"2018R{i:05d}"
        records["GS_CASE"].append(case("TXS", caseid, lead))
        records["GS_PARTICIPANT"].append(person("TXS", caseid, i, "D"))
        records["GS_COURT_HIST"].append(history("TXS", caseid, 100 + i, "DC", date(2018, 1, 5)))
        records["GS_PART_COURT"].append(link("TXS", caseid, i, 100 + i))
    ingest(write_release(folder / "release", records, release="JUNFY2018"), s, source="lions")
    return s


def cells(result, column="defendants") -> dict:
    return {(r.get("fiscal_year"), r["charge_group"]): r[column] for r in result.to_pylist()}


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_court_file_groups_and_immigrations_share_of_all_filings(store, engine):
    result = measure("filings", by="fiscal_year,charge_group", store=store, share=True,
                     engine=engine)
    assert cells(result) == {(2015, "immigration"): 4, (2015, "non_immigration"): 2,
                             (2015, "unreadable"): 1, (2016, "immigration"): 1,
                             (2016, "non_immigration"): 3}
    share = cells(result, "share")
    assert share[(2015, "immigration")] == pytest.approx(4 / 7)
    assert share[(2016, "immigration")] == pytest.approx(1 / 4)
    for year in (2015, 2016):
        assert sum(v for (y, _), v in share.items() if y == year) == pytest.approx(1.0)


def test_court_file_group_with_a_charge_filter(store):
    result = measure("filings", by=["charge_group"], where={"charge": "illegal_reentry"},
                     store=store)
    assert cells(result) == {(None, "immigration"): 3}


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_prosecutors_groups(store, engine):
    result = measure("filings", by=["fiscal_year", "charge_group"], source="lions",
                     store=store, share=True, engine=engine)
    assert cells(result) == {(2018, "immigration"): 2, (2018, "non_immigration"): 1,
                             (2018, "unreadable"): 1}
    assert cells(result, "share")[(2018, "immigration")] == pytest.approx(2 / 4)


@pytest.mark.parametrize("source", ["idb", "lions"])
def test_any_charge_is_refused_with_charge_group(store, source):
    with pytest.raises(InvalidRequest, match="--any-charge"):
        measure("filings", by=["charge_group"], any_charge=True, source=source, store=store)


def test_cli_share_and_codebook(store):
    done = run_cli("stats", "filings", "--by", "fiscal_year,charge_group", "--share",
                   "--format", "csv", "--store", str(store.root))
    assert done.returncode == 0, done.stderr
    assert "2015,immigration,4," in done.stdout
    dims = {r["dimension"]: r["sources"] for r in vocabulary("dimensions")}
    assert dims["charge_group"] == "idb, lions"
