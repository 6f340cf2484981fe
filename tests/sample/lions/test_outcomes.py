"""How the sample's cases end: trials, same-day dispositions and plea-downs are in
the court file's bytes at the rates of ``outcomes.OUTCOME_RATES``, the LIONS side
agrees, and ``truth.json``'s ``outcomes`` is what the bytes say."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from crossings.codebook import idb as idb_codes
from crossings.sample.lions.builder import Builder
from crossings.sample.lions.generator import write_lions_sample
from crossings.sample.lions.outcomes import OUTCOME_RATES
from crossings.sample.lions.world import CHARGES, own_lead

# The category of every citation the generator writes, from its own table.
PLANTED_FJC = {**{c.fjc: c.cat for c in CHARGES.values() if c.fjc != "-8"}, "-8": "unreadable"}
COL = {n: i for i, n in enumerate(idb_codes.column_names())}
PLEAS, TRIALS = ("4", "5"), ("8", "9")


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    base = tmp_path_factory.mktemp("outcomes")
    info = write_lions_sample(base / "release", defendants=2500, seed=4,
                              court_file=base / "court")
    lines = info.court_file.read_bytes().decode("latin-1").split("\r\n")[1:-1]
    ended = [r for r in (line.split("\t") for line in lines) if r[COL["STATUSCD"]] == "J"]
    return ended, json.loads(info.truth.read_text())["outcomes"]


def field(row: list[str], name: str) -> str:
    return row[COL[name]]


def plea_down(row: list[str]) -> bool:
    return (PLANTED_FJC[field(row, "FTITLE1")] == "illegal_reentry"
            and PLANTED_FJC[field(row, "TTITLE1")] == "illegal_entry")


def same_day(row: list[str]) -> bool:
    return field(row, "DISPDATE") == field(row, "FILEDATE")


def test_truth_is_what_the_court_file_says(sample):
    ended, outcomes = sample
    got: dict[tuple[int, str], Counter] = {}
    reentry: dict[int, Counter] = {}
    for r in ended:
        fy = int(field(r, "FISCALYR"))
        c = got.setdefault((fy, PLANTED_FJC[field(r, "TTITLE1")]), Counter())
        disp = field(r, "DISP1")
        c.update(terminated=1, within_1_day=same_day(r), convictions=disp in PLEAS + TRIALS,
                 convictions_plea=disp in PLEAS, convictions_trial=disp in TRIALS)
        if PLANTED_FJC[field(r, "FTITLE1")] == "illegal_reentry":
            reentry.setdefault(fy, Counter()).update(reentry_terminated=1,
                                                     ended_as_entry=plea_down(r))
    planted = {(r["fiscal_year"], r["charge"]): r for r in outcomes["by_fiscal_year_charge"]}
    assert planted.keys() == got.keys()
    for key, r in planted.items():
        assert {q: got[key][q] for q in r if q not in ("fiscal_year", "charge")} == \
            {q: v for q, v in r.items() if q not in ("fiscal_year", "charge")}, key
    assert {r["fiscal_year"]: (r["reentry_terminated"], r["ended_as_entry"])
            for r in outcomes["plea_down"]} == \
        {fy: (c["reentry_terminated"], c["ended_as_entry"]) for fy, c in reentry.items()}
    assert outcomes["rates"] == OUTCOME_RATES


def test_plea_downs_at_their_rate_with_the_1325_felony_as_termination_charge(sample):
    ended, _ = sample
    eligible = [r for r in ended if PLANTED_FJC[field(r, "FTITLE1")] == "illegal_reentry"
                and field(r, "DISP1") in PLEAS + TRIALS]
    downs = [r for r in eligible if plea_down(r)]
    assert abs(len(downs) - OUTCOME_RATES["plea_down"] * len(eligible)) <= 1
    # 8:1325A.F, "improper entry by alien", felony (level code 4), D2 offense 8710: the
    # FJC citation table's row; a plea-down is a plea, never a trial.
    assert {(field(r, "TTITLE1"), field(r, "TOFFLVL1"), field(r, "TOFFCD1"),
             field(r, "D2TOFFCD1"), field(r, "DISP1") in PLEAS) for r in downs} == \
        {("8:1325A.F", "4", "8710", "8710", True)}
    # every other defendant ends on the charge it was filed with
    assert all(field(r, "TTITLE1") == field(r, "FTITLE1") for r in ended if not plea_down(r))


def test_trials_at_their_rate_and_mostly_by_jury(sample):
    ended, _ = sample
    eligible = [r for r in ended if field(r, "DISP1") in ("4", *TRIALS)
                and not plea_down(r) and not same_day(r)]
    trials = [field(r, "DISP1") for r in eligible if field(r, "DISP1") in TRIALS]
    assert abs(len(trials) - OUTCOME_RATES["trial"] * len(eligible)) <= 1
    assert abs(trials.count("8") - OUTCOME_RATES["bench_trial"] * len(trials)) <= 1
    assert trials.count("9") > trials.count("8") > 0


def test_same_day_only_for_district_court_misdemeanour_illegal_entry(sample):
    ended, _ = sample
    days = [r for r in ended if same_day(r)]
    assert days
    assert {(PLANTED_FJC[field(r, "FTITLE1")], field(r, "FOFFLVL1"), field(r, "DISP1"),
             field(r, "TERMDATE") == field(r, "FILEDATE")) for r in days} <= {
        ("illegal_entry", lvl, disp, True) for lvl in ("1", "3") for disp in PLEAS}


def test_lions_disposes_the_same_day_cases_on_the_filing_day_at_their_rate():
    # The world model the LIONS files are written from: the district-court
    # disposition (and a sentence) on the day the district-court case was filed.
    builder = Builder(4, date(2025, 6, 30), 2016)
    eligible = planted = 0
    for case in builder.cases(2500):
        for p in case.defendants:
            final = p.links[-1] if p.links else None
            own = own_lead([(c, ch) for c, _, ch in p.counts])
            if final is None or final.hist.court != "DC" or final.hist.day is None \
                    or final.disp not in ("GT", "NC") or own is None:
                continue
            if own.cat == "illegal_entry" and own.level in ("M", "P"):
                eligible += 1
                planted += final.day == final.hist.day
                if final.day == final.hist.day and p.sentence:
                    assert p.sentence[0] == final.day
            else:
                assert final.day != final.hist.day
    assert planted and abs(planted - OUTCOME_RATES["same_day_entry"] * eligible) <= 1
