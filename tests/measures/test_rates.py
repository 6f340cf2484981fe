"""Rates as columns (conviction_rate, guilty_plea_share, appointed_counsel_share) on
hand-worked rows.

Court file, FY2015 terminations (CTTR = 1), by DISP1:

    district 41: 4 x3, 5 x1 (pleas), 9 x2 (jury verdicts), 1 x2 (dismissed), 2 x1
                 -> 9 terminations, 6 convictions, 4 by plea
    district 70: 8 x1 (court verdict), 1 x3 -> 4 terminations, 1 conviction, 0 pleas
    district 42: 1 x2 -> 2 terminations, no conviction (no convictions row)

so conviction_rate 6/9 and 1/4, guilty_plea_share 4/6 and 0/1; nationally 7/15
and 4/7. FY2015 filings (CTFIL = 1), by FCOUNSEL:

    district 41: 1 x2, 6 x3, 2 x4, 0 x5, -8 x1 -> 5 appointed of 9 reported
    district 70: 0 x2 -> none reported: null

Prosecutors' data, FY2018 terminations in TXS: GT x2, NG, DM; in AZ: GT.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from helpers.idb_rows import row, write
from helpers.lions_fixture import write_release
from helpers.lions_records import case, history, link, person
from helpers.tools import run_cli

from crossings.ingest import ingest
from crossings.measures import measure
from crossings.measures.rates import LIONS_PLEA_NOTE
from crossings.store import Store

ENDED = {"41": [4, 4, 4, 5, 9, 9, 1, 1, 2], "70": [8, 1, 1, 1], "42": [1, 1]}
COUNSEL = {"41": [1, 1, 6, 6, 6, 2, 2, 2, 2, 0, 0, 0, 0, 0, -8], "70": [0, 0]}
CIRCUITS = {"41": "05", "42": "05", "70": "09"}
LIONS_ENDED = [("TXS", "GT"), ("TXS", "GT"), ("TXS", "NG"), ("TXS", "DM"), ("AZ", "GT")]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    folder = tmp_path_factory.mktemp("rates")
    rows, n = [], 0
    for district, codes in ENDED.items():
        for code in codes:
            n += 1
            rows.append(row(FISCALYR=2015, CTTR=1, DISP1=code, DOCKET=f"{n:07d}",
                            DISTRICT=district, CIRCUIT=CIRCUITS[district],
                            TERMDATE="03/01/2015"))
    for district, codes in COUNSEL.items():
        for code in codes:
            n += 1
            rows.append(row(FISCALYR=2015, CTFIL=1, FCOUNSEL=code, DOCKET=f"{n:07d}",
                            DISTRICT=district, CIRCUIT=CIRCUITS[district],
                            FILEDATE="01/15/2015"))
    s = Store(folder / "store")
    ingest(write(folder / "cr96on.txt", rows), s)
    records = {"GS_CASE": [], "GS_PARTICIPANT": [], "GS_COURT_HIST": [], "GS_PART_COURT": []}
    for pid, (district, outcome) in enumerate(LIONS_ENDED, 1):
        caseid = f"2018R{pid:05d}"
        records["GS_CASE"].append(case(district, caseid, "8:01326"))
        records["GS_PARTICIPANT"].append(person(district, caseid, pid, "D"))
        records["GS_COURT_HIST"].append(history(district, caseid, 100 + pid, "DC",
                                                date(2017, 11, 1)))
        records["GS_PART_COURT"].append(link(district, caseid, pid, 100 + pid, outcome,
                                             date(2018, 1, 10)))
    ingest(write_release(folder / "release", records, release="JUNFY2018"), s,
           source="lions")
    return s


def by_district(result) -> dict:
    return {r["district"]: r for r in result.to_pylist()}


def test_conviction_rate_and_guilty_plea_share(store):
    got = by_district(measure("convictions", by=["district"], store=store))
    assert set(got) == {"41", "70"}  # 42 has terminations but no conviction: no row
    assert (got["41"]["defendants"], got["41"]["terminations"]) == (6, 9)
    assert got["41"]["conviction_rate"] == pytest.approx(6 / 9)
    assert got["41"]["guilty_plea_share"] == pytest.approx(4 / 6)
    assert (got["70"]["defendants"], got["70"]["terminations"]) == (1, 4)
    assert got["70"]["conviction_rate"] == pytest.approx(1 / 4)
    assert got["70"]["guilty_plea_share"] == 0.0
    [national] = measure("convictions", store=store).to_pylist()
    assert national["conviction_rate"] == pytest.approx(7 / 15)
    assert national["guilty_plea_share"] == pytest.approx(4 / 7)


def test_rates_follow_the_filters(store):
    [r] = measure("convictions", where={"district": "S.D. Tex."}, store=store).to_pylist()
    assert (r["defendants"], r["terminations"]) == (6, 9)
    assert r["conviction_rate"] == pytest.approx(6 / 9)


def test_appointed_counsel_share_repeated_on_each_row_of_a_group(store):
    rows = measure("counsel", by=["district"], store=store).to_pylist()
    share = {(r["district"], r["counsel"]): r["appointed_counsel_share"] for r in rows}
    in_41 = [s for (d, _), s in share.items() if d == "41"]
    assert len(in_41) == 5 and in_41 == [pytest.approx(5 / 9)] * 5  # codes 0, 1, 2, 6, -8
    assert [s for (d, _), s in share.items() if d == "70"] == [None]
    national = [r["appointed_counsel_share"] for r in measure("counsel", store=store)
                .to_pylist()]
    assert national == [pytest.approx(5 / 9)] * 5  # district 70 reports none


def test_prosecutors_conviction_rate_without_plea_share(store):
    result = measure("convictions", by=["district"], source="lions", store=store)
    got = by_district(result)
    assert (got["41"]["defendants"], got["41"]["terminations"]) == (2, 4)
    assert got["41"]["conviction_rate"] == pytest.approx(0.5)
    assert got["70"]["conviction_rate"] == 1.0
    assert {r["guilty_plea_share"] for r in got.values()} == {None}
    assert LIONS_PLEA_NOTE in result.meta.notes


def test_cli_json_csv_and_table_agree(store):
    common = ("stats", "convictions", "--by", "district", "--store", str(store.root))
    done = run_cli(*common, "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = {r["district"]: r for r in json.loads(done.stdout)["data"]}
    assert rows["41"]["conviction_rate"] == pytest.approx(6 / 9)  # a fraction
    csv = run_cli(*common, "--format", "csv").stdout.splitlines()
    header = csv[0].split(",")
    line = dict(zip(header, next(x for x in csv if x.startswith("41,")).split(","),
                    strict=False))
    assert float(line["guilty_plea_share"]) == pytest.approx(4 / 6)
    table = run_cli(*common).stdout
    assert "66.7%" in table  # 6/9 and 4/6, as percents
