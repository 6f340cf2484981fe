"""The ``sentence_bracket`` dimension of the sentences measure, on hand-worked terms.

Court file: convicted terminations (CTTR = 1, DISP1 = 4) in FY2015 with these
PRISTOT values, and one acquittal (DISP1 = 2, PRISTOT 10) that is not counted:

    0 -> none; -1 -> <1; 1, 6, 6 -> 1-6; 7, 12 -> 7-12; 13, 24 -> 13-24;
    25, 60 -> 25-60; 61, 200 -> 61+; -4 life; -5 death; -2 no sentence;
    -3 sealed; -8 and -7 (a value the codebook does not name) -> missing

19 convicted in all. Prosecutors' data: see LIONS_TERMS (17 convicted).
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
from crossings.store import Store

ORDER = ["none", "<1", "1-6", "7-12", "13-24", "25-60", "61+", "life", "death",
         "no sentence", "sealed", "missing"]
PRISTOT = [0, -1, 1, 6, 6, 7, 12, 13, 24, 25, 60, 61, 200, -4, -5, -2, -3, -8, -7]
COURT_FILE = {"none": 1, "<1": 1, "1-6": 3, "7-12": 2, "13-24": 2, "25-60": 2, "61+": 2,
              "life": 1, "death": 1, "no sentence": 1, "sealed": 1, "missing": 2}

# (sentence fields or None for no sentence record, bracket by the rule)
LIONS_TERMS = [
    ({"INCAR_MONTHS": 0}, "none"),
    ({"PROB_MONTHS": 36}, "none"),  # probation only: 0 months
    ({"INCAR_TYPE": "TIM", "INCAR_DAYS": 45}, "none"),  # time served: 0 further months
    ({"INCAR_DAYS": 20}, "<1"),  # 0.66 months
    ({"INCAR_DAYS": 30}, "<1"),  # 30 / 30.4375 = 0.99 months
    ({"INCAR_MONTHS": 1}, "1-6"),
    ({"INCAR_MONTHS": 6, "INCAR_DAYS": 29}, "1-6"),  # 6.95: under 7
    ({"INCAR_MONTHS": 7}, "7-12"),
    ({"INCAR_YEARS": 1}, "7-12"),  # 12
    ({"INCAR_YEARS": 1, "INCAR_DAYS": 1}, "7-12"),  # 12.03: under 13
    ({"INCAR_YEARS": 2}, "13-24"),  # 24
    ({"INCAR_YEARS": 5}, "25-60"),  # 60
    ({"INCAR_YEARS": 5, "INCAR_MONTHS": 1}, "61+"),  # 61
    ({"INCAR_TYPE": "LIF"}, "life"),
    ({"INCAR_TYPE": "DET"}, "death"),
    ({"INCAR_TYPE": "DBS"}, "no sentence"),  # died before sentence
    (None, "missing"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    folder = tmp_path_factory.mktemp("brackets")
    rows = [row(FISCALYR=2015, CTTR=1, DISP1=4, PRISTOT=term, DOCKET=f"{n:07d}",
                TERMDATE="03/01/2015") for n, term in enumerate(PRISTOT, 1)]
    rows.append(row(FISCALYR=2015, CTTR=1, DISP1=2, PRISTOT=10, DOCKET="0000099",
                    TERMDATE="03/01/2015"))
    s = Store(folder / "store")
    ingest(write(folder / "cr96on.txt", rows), s)
    ingest(write_release(folder / "release", lions_records(), release="JUNFY2018"), s,
           source="lions")
    return s


def lions_records() -> dict:
    out = {"GS_CASE": [], "GS_PARTICIPANT": [], "GS_COURT_HIST": [], "GS_PART_COURT": [],
           "GS_SENTENCE": []}
    terms = [*LIONS_TERMS, ({"INCAR_YEARS": 3}, None)]  # the last is acquitted (NG)
    for pid, (sentence, bracket) in enumerate(terms, 1):
        caseid = f"2018R{pid:05d}"
        out["GS_CASE"].append(case("TXS", caseid, "8:01326"))
        out["GS_PARTICIPANT"].append(person("TXS", caseid, pid, "D"))
        out["GS_COURT_HIST"].append(history("TXS", caseid, 100 + pid, "DC", date(2017, 11, 1)))
        outcome = "GT" if bracket else "NG"
        out["GS_PART_COURT"].append(link("TXS", caseid, pid, 100 + pid, outcome,
                                         date(2018, 1, 10)))
        if sentence is not None:
            out["GS_SENTENCE"].append({"DISTRICT": "TXS", "CASEID": caseid, "PARTID": pid,
                                       "SENT_DATE": date(2018, 2, 1), **sentence})
    return out


def lions_expected() -> dict:
    out: dict[str, int] = {}
    for _, bracket in LIONS_TERMS:
        out[bracket] = out.get(bracket, 0) + 1
    return out


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_court_file_brackets_in_order_with_shares(store, engine):
    result = measure("sentences", by=["sentence_bracket"], store=store, share=True,
                     engine=engine)
    rows = result.to_pylist()
    assert [r["sentence_bracket"] for r in rows] == ORDER
    assert {r["sentence_bracket"]: r["convicted"] for r in rows} == COURT_FILE
    assert sum(r["share"] for r in rows) == pytest.approx(1.0)
    by = {r["sentence_bracket"]: r for r in rows}
    assert by["1-6"]["share"] == pytest.approx(3 / 19)
    assert by["1-6"]["median_prison_months"] == 6  # 1, 6, 6
    assert by["<1"]["median_prison_months"] == 0  # -1 counts as 0 months in statistics
    assert by["sealed"]["sealed"] == 1 and by["sealed"]["known_term"] == 0
    [total] = measure("sentences", store=store).to_pylist()
    assert total["convicted"] == 19 == sum(COURT_FILE.values())


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_prosecutors_brackets(store, engine):
    result = measure("sentences", by=["fiscal_year", "sentence_bracket"], source="lions",
                     store=store, engine=engine, share=True)
    rows = result.to_pylist()
    expected = lions_expected()
    assert [r["sentence_bracket"] for r in rows] == [b for b in ORDER if b in expected]
    assert {r["sentence_bracket"]: r["convicted"] for r in rows} == expected
    assert {r["fiscal_year"] for r in rows} == {2018}
    assert sum(r["share"] for r in rows) == pytest.approx(1.0)
    assert next(r for r in rows if r["sentence_bracket"] == "none")["share"] == \
        pytest.approx(3 / 17)


@pytest.mark.parametrize("name", ["filings", "convictions", "speed"])
def test_only_the_sentences_measure_has_brackets(store, name):
    with pytest.raises(InvalidRequest, match="sentences measure only"):
        measure(name, by=["sentence_bracket"], store=store)


def test_cli_csv_rows_in_bracket_order(store):
    done = run_cli("stats", "sentences", "--by", "sentence_bracket", "--format", "csv",
                   "--store", str(store.root))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ORDER


def test_wide_keeps_the_brackets_in_order(store):
    wide = measure("sentences", by=["fiscal_year", "sentence_bracket"], store=store).pivot(
        "sentence_bracket")
    assert wide.column_names == ["fiscal_year", *ORDER]
    assert wide.to_pylist()[0]["1-6"] == 3
