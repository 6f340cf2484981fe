"""The prosecutors' termination, sentence, partial-year and year-to-date rules on
hand-built histories; every expected number is worked out in the comments."""

from __future__ import annotations

from datetime import date

import pytest
from helpers.lions_fixture import write_release
from helpers.lions_records import case, history, link, person
from helpers.tools import run_cli

from crossings.errors import InvalidRequest
from crossings.ingest import ingest
from crossings.measures import measure
from crossings.store import Store

ENGINES = ("duckdb", "polars")
FILED = date(2017, 11, 1)  # FY2018

# (defendant, court filing date, [(disposition, date)], sentence fields or None)
HISTORIES = [
    # 1: guilty, then a post-disposition entry (PC): still a conviction of 2018-01-10.
    (1, FILED, [("GT", date(2018, 1, 10)), ("PC", date(2018, 3, 1))], {"PROB_MONTHS": 36}),
    # 2: guilty, then an administrative new filing (NW): still a conviction.
    (2, FILED, [("GT", date(2018, 1, 10)), ("NW", date(2018, 2, 1))], {"FINE": 500.0}),
    # 3: guilty and dismissed on the same day: the guilty outcome wins.
    (3, FILED, [("DM", date(2018, 2, 1)), ("GT", date(2018, 2, 1))],
     {"INCAR_TYPE": "TIM", "INCAR_DAYS": 45}),
    # 4: not guilty and transferred on the same day: the outcome beats the closing code.
    (4, FILED, [("TR", date(2018, 2, 2)), ("NG", date(2018, 2, 2))], None),
    # 5: dismissed, later found guilty: the latest dated ending disposition.
    (5, FILED, [("DM", date(2018, 1, 5)), ("GT", date(2018, 4, 1))], {"INCAR_DAYS": 61}),
    # 6: opened in error: counts nowhere, not even as a filing.
    (6, FILED, [("OE", date(2018, 1, 2))], None),
    # 7: a declination ends the proceeding without a conviction.
    (7, FILED, [("DE", date(2018, 5, 1))], None),
    # 8: only an administrative closing (CW): not ended.
    (8, FILED, [("CW", date(2018, 5, 2))], None),
    # 9: filed August 2016 (FY2016), guilty September 2016: outside --ytd's October-June.
    (9, date(2016, 8, 15), [("GT", date(2016, 9, 20))], None),
    # 10: filed February 2017 (FY2017), pending.
    (10, date(2017, 2, 1), [], None),
]


def records() -> dict:
    out = {"GS_CASE": [], "GS_PARTICIPANT": [], "GS_COURT_HIST": [], "GS_PART_COURT": [],
           "GS_SENTENCE": []}
    for pid, filed, dispositions, sentence in HISTORIES:
        caseid = f"2018R{pid:05d}"
        out["GS_CASE"].append(case("TXS", caseid, "8:01326"))
        out["GS_PARTICIPANT"].append(person("TXS", caseid, pid, "D"))
        out["GS_COURT_HIST"].append(history("TXS", caseid, 100 + pid, "DC", filed))
        out["GS_PART_COURT"] += [link("TXS", caseid, pid, 100 + pid, code, day)
                                 for code, day in dispositions] or [
            link("TXS", caseid, pid, 100 + pid)]
        if sentence is not None:
            out["GS_SENTENCE"].append({"DISTRICT": "TXS", "CASEID": caseid, "PARTID": pid,
                                       "SENT_DATE": date(2018, 5, 1), **sentence})
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    folder = tmp_path_factory.mktemp("lions_rules")
    s = Store(folder / "store")
    ingest(write_release(folder / "release", records(), release="JUNFY2018"), s,
           source="lions")
    return s


def counts(result, key="fiscal_year") -> dict:
    return {r[key]: r["defendants"] for r in result.to_pylist()}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_proceeding_ends_with_its_latest_outcome(store, engine):
    kw = {"source": "lions", "store": store, "engine": engine, "by": ["fiscal_year"]}
    # Filings: 1-5, 7, 8 in FY2018 (6 opened in error), 9 in FY2016, 10 in FY2017.
    assert counts(measure("filings", **kw)) == {2016: 1, 2017: 1, 2018: 7}
    # Ended: 1 GT, 2 GT, 3 GT, 4 NG, 5 GT, 7 DE in FY2018; 9 GT in FY2016; 8 (CW) not.
    assert counts(measure("terminations", **kw)) == {2016: 1, 2018: 6}
    assert counts(measure("convictions", **kw)) == {2016: 1, 2018: 4}
    quality = measure("terminations", **kw).meta["data_quality"]
    assert quality["proceedings_opened_in_error"] == 1
    assert quality["terminations_ending_in_declination_by_fiscal_year"] == {"2018": 1}
    # Defendant 6's only proceeding was opened in error: not even a non-filing.
    assert quality["defendants_without_a_dated_filing"] == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_probation_fine_time_served_and_days(store, engine):
    [r] = measure("sentences", where={"from_year": 2018}, source="lions", store=store,
                  engine=engine).to_pylist()
    # Convicted in FY2018: 1 (probation only: 0), 2 (fine only: 0), 3 (time served: 0
    # further months), 5 (61 days: 61 / 30.4375 months). Sorted 0, 0, 0, 2.004...
    months = 61 / 30.4375
    assert (r["convicted"], r["known_term"], r["prison"]) == (4, 4, 1)
    assert (r["time_served"], r["missing"], r["no_sentence"]) == (1, 0, 0)
    assert r["median_prison_months"] == pytest.approx(0)
    assert r["mean_prison_months"] == pytest.approx(months / 4)
    assert r["p75_prison_months"] == pytest.approx(0.25 * months)  # position 2.25


def test_partial_year_and_provisional_months(store):
    meta = measure("filings", source="lions", store=store).meta
    # Release JUNFY2018: data as of 2018-06-30, so FY2018 (to September 2018) is partial.
    assert meta["partial_years"] == [2018]
    assert meta["provisional_months"] == {"JUNFY2018": ["2018-03", "2018-04", "2018-05",
                                                         "2018-06"]}
    done = run_cli("stats", "filings", "--source", "lions", "--store", str(store.root))
    assert done.returncode == 0, done.stderr
    stderr = " ".join(done.stderr.split())  # the terminal may wrap lines
    assert "Fiscal year 2018 is partial" in stderr
    assert "Release JUNFY2018: 2018-03 to 2018-06 are provisional" in stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_ytd_cuts_every_year_to_october_through_june(store, engine):
    kw = {"source": "lions", "store": store, "engine": engine, "by": ["fiscal_year"]}
    # Data as of 2018-06-30: October through June. Defendant 9 (filed August 2016,
    # ended September 2016) falls outside; FY2017 and FY2018 dates are all inside.
    filings = measure("filings", ytd=True, **kw)
    assert counts(filings) == {2017: 1, 2018: 7}
    assert counts(measure("terminations", ytd=True, **kw)) == {2018: 6}
    assert filings.meta["ytd"]["JUNFY2018"]["months"] == "October through June"
    assert "October through June" in filings.meta["rule"]


def test_years_outside_the_data_warn(store):
    result = measure("filings", where={"from_year": 2010}, source="lions", store=store)
    # Filings cover FY2016 to FY2018: 2010 to 2015 count zero, and meta says so.
    [warning] = result.meta["warnings"]
    assert "2016 to 2018" in warning and "before 2016" in warning
    done = run_cli("stats", "filings", "--source", "lions", "--from-year", "2010", "--store",
                   str(store.root), "--format", "json")
    assert done.returncode == 0 and "2016 to 2018" in " ".join(done.stderr.split())
    assert measure("filings", where={"from_year": 2017}, source="lions",
                   store=store).meta["warnings"] == []


def test_rule_text_names_the_codes_the_code_uses(store):
    rule = measure("convictions", source="lions", store=store).meta["rule"]
    for code in ("GT, NC, GD", "OC, RE, TR", "PC, NW, CW", "OE", "DE, ID"):
        assert code in rule
    assert "convicted: the ending disposition is GT, NC" in rule
    with pytest.raises(InvalidRequest):
        measure("filings", where={"from_year": 2018, "to_year": 2016}, source="lions",
                store=store)
