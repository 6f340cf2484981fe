"""The prosecutors' counting rules against hand-worked records.

Records are written from the reference README (roles, court types, the join
paths, charge notation), not from the sample generator; each expected number
is worked out in the comments.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from helpers.lions_fixture import write_release
from helpers.lions_records import case, charge, count, history, link, person
from helpers.tools import run_cli

from crossings.ingest import ingest
from crossings.measures import measure
from crossings.store import Store

ENGINES = ("duckdb", "polars")


RECORDS = {
    "GS_CASE": [
        case("TXS", "2017R00001", "8:01326"),  # re-entry, moved from MG to DC
        case("AZ", "2017R00001", "21:00841(a)(1)"),  # same case ID, another district
        case("TXW", "2018R00002", "08:01325(a)(1)"),  # petty 1325, magistrate only
        case("AZ", "2018R00003", "8:01324(a)(1)(A)(ii)"),  # smuggling, 2 defendants
        case("NM", "2018R00004", "8:01324a1"),  # ambiguous 1324a + more: unreadable
        case("NM", "2018R00005", "*"),  # redacted lead charge: unreadable
        case("TXS", "2018R00006", "8:01326"),  # only NC history: not a filing
        case("TXS", "2018V00007", "8:01326", cls="V"),  # civil: never counted
        case("GU", "2018R00008", "8:01324a"),  # section 1324a; Guam with NMI
    ],
    "GS_PARTICIPANT": [
        person("TXS", "2017R00001", 1, "D", COUNTRY="MX"),
        person("TXS", "2017R00001", 2, "IN", AGENCY="HSCB"),
        person("AZ", "2017R00001", 1, "D*"),  # redacted defendant role: still a defendant
        person("AZ", "2017R00001", 2, "IN", AGENCY="HSCB"),
        person("AZ", "2017R00001", 3, "IN", AGENCY="HSCE"),  # two agencies: multiple
        person("TXW", "2018R00002", 4, "D", COUNTRY="GL"),
        person("TXW", "2018R00002", 5, "IN", AGENCY="HSCB"),
        person("AZ", "2018R00003", 6, "D", COUNTRY="MX"),
        person("AZ", "2018R00003", 7, "DG", COUNTRY="HO"),  # own counts: 1326 only
        person("NM", "2018R00004", 8, "D"),
        person("NM", "2018R00005", 9, "D"),
        person("TXS", "2018R00006", 10, "D"),
        person("TXS", "2018V00007", 11, "D"),
        person("GU", "2018R00008", 12, "D"),
    ],
    "GS_COURT_HIST": [
        history("TXS", "2017R00001", 20, "MG", date(2017, 9, 15)),  # FY2017
        history("TXS", "2017R00001", 21, "DC", date(2017, 10, 2)),  # FY2018
        history("AZ", "2017R00001", 20, "MG", date(2017, 8, 1)),  # FY2017
        history("TXW", "2018R00002", 22, "MG", date(2017, 11, 10)),  # FY2018
        history("AZ", "2018R00003", 23, "DC", date(2018, 3, 5)),  # FY2018
        history("NM", "2018R00004", 24, "DC", date(2018, 4, 1)),
        history("NM", "2018R00005", 25, "DC", date(2018, 4, 2)),
        history("TXS", "2018R00006", 26, "NC", date(2018, 1, 1)),  # NC dates do not count
        history("TXS", "2018V00007", 27, "DC", date(2018, 1, 1)),
        history("GU", "2018R00008", 28, "DC", date(2018, 6, 1)),
    ],
    "GS_PART_COURT": [
        link("TXS", "2017R00001", 1, 20),
        link("TXS", "2017R00001", 1, 21, "GT", date(2017, 12, 1)),  # convicted FY2018
        link("AZ", "2017R00001", 1, 20, "DM", date(2017, 8, 20)),  # dismissed
        link("TXW", "2018R00002", 4, 22, "GT", date(2017, 11, 10)),  # same-day plea
        link("AZ", "2018R00003", 6, 23, "GT", date(2018, 6, 1)),
        link("AZ", "2018R00003", 7, 23, "TR", date(2018, 6, 1)),  # transfer: no termination
        link("NM", "2018R00004", 8, 24),
        link("NM", "2018R00005", 9, 25),
        link("TXS", "2018R00006", 10, 26),
        link("TXS", "2018V00007", 11, 27),
        link("GU", "2018R00008", 12, 28),
    ],
    "GS_COUNT": [
        count("TXS", "2017R00001", 21, 1, "8:01326(a)"),
        # Count ID 7 is also participant 7's ID: a join of counts to participants on
        # the wrong column would give participant 7 a smuggling charge.
        count("AZ", "2018R00003", 23, 7, "8:01324(a)(1)(A)(ii)"),
        count("AZ", "2018R00003", 23, 3, "8:01326"),
    ],
    "GS_PART_COUNT": [
        charge("TXS", "2017R00001", 1, 21, 1, "8:01326(a)"),
        charge("AZ", "2017R00001", 1, 20, 9, "21:00841(a)(1)"),
        charge("TXW", "2018R00002", 4, 22, 2, "8:01325a1", "P"),
        charge("AZ", "2018R00003", 6, 23, 7, "8:01324(a)(1)(A)(ii)"),
        charge("AZ", "2018R00003", 7, 23, 3, "8:01326"),
        charge("NM", "2018R00004", 8, 24, 4, "8:01324a1"),
        charge("NM", "2018R00005", 9, 25, 5, "*"),
        charge("GU", "2018R00008", 12, 28, 6, "8:01324a", "M"),
    ],
    "GS_CASE_PROG_CAT": [
        {"DISTRICT": "TXS", "CASEID": "2017R00001", "PROG_CAT": "055", "ID": 1},
        {"DISTRICT": "TXS", "CASEID": "2017R00001", "PROG_CAT": "011", "ID": 2},
        {"DISTRICT": "TXW", "CASEID": "2018R00002", "PROG_CAT": "055", "ID": 3},
    ],
    "GS_SENTENCE": [
        {"DISTRICT": "TXS", "CASEID": "2017R00001", "PARTID": 1, "SENT_DATE": date(2018, 2, 1),
         "INCAR_MONTHS": 18},
        {"DISTRICT": "TXW", "CASEID": "2018R00002", "PARTID": 4,
         "SENT_DATE": date(2017, 11, 10), "INCAR_DAYS": 30},
        {"DISTRICT": "AZ", "CASEID": "2018R00003", "PARTID": 6, "SENT_DATE": date(2018, 7, 1),
         "INCAR_TYPE": "LIF"},
    ],
}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    folder = tmp_path_factory.mktemp("lions")
    root = write_release(folder / "release", RECORDS, release="JUNFY2018")
    s = Store(folder / "store")
    ingest(root, s, source="lions")
    return s


def rows(result, *keys):
    return {tuple(r[k] for k in keys): r["defendants"] for r in result.to_pylist()}


@pytest.mark.parametrize("engine", ENGINES)
def test_filings_by_year_charge_and_court(store, engine):
    # TXS #1: earliest filing MG 2017-09-15 -> FY2017, district court (it has a DC filing).
    # AZ (same case ID) D*: MG only, FY2017, non-immigration. TXW petty: MG FY2018.
    # AZ smuggling: two defendants, case lead 1324 -> both alien_smuggling, FY2018.
    # NM two unreadable leads; GU 1324a other_immigration. NC-only and civil: not counted.
    got = rows(measure("filings", by=["fiscal_year", "charge", "court"], source="lions",
                       store=store, engine=engine), "fiscal_year", "charge", "court")
    assert got == {
        (2017, "illegal_reentry", "district"): 1,
        (2017, "non_immigration", "magistrate_only"): 1,
        (2018, "illegal_entry", "magistrate_only"): 1,
        (2018, "alien_smuggling", "district"): 2,
        (2018, "unreadable", "district"): 2,
        (2018, "other_immigration", "district"): 1,
    }


@pytest.mark.parametrize("engine", ENGINES)
def test_any_charge_reaches_counts_through_part_count(store, engine):
    # Participant 7's own count is 1326 (count ID 3); count ID 7 is a 1324 count of
    # participant 6. By their own counts: 6 smuggling, 7 re-entry.
    got = rows(measure("filings", by=["charge"], where={"district": "AZ"}, any_charge=True,
                       source="lions", store=store, engine=engine), "charge")
    assert got == {("alien_smuggling",): 1, ("illegal_reentry",): 1, ("non_immigration",): 1}


@pytest.mark.parametrize("engine", ENGINES)
def test_agency_program_country_and_districts(store, engine):
    kw = {"source": "lions", "store": store, "engine": engine}
    assert rows(measure("filings", by=["agency"], **kw), "agency") == {
        ("HSCB",): 2, ("multiple",): 1, ("none",): 5}
    assert rows(measure("filings", by=["program"], **kw), "program") == {
        ("immigration",): 2, ("other",): 6}
    assert rows(measure("filings", by=["country"], **kw), "country") == {
        ("MX",): 2, ("GL",): 1, ("HO",): 1, ("unknown",): 4}
    by_district = measure("filings", by=["district"], **kw).to_pylist()
    codes = {r["district"]: (r["district_name"], r["defendants"]) for r in by_district}
    assert codes["41"] == ("Southern District of Texas", 1)  # TXS via the crosswalk
    assert codes["93+94"][1] == 1 and "Guam" in codes["93+94"][0]
    assert rows(measure("filings", by=["offense_level"], where={"district": "42"}, **kw),
                "offense_level") == {("Petty Offense",): 1}


@pytest.mark.parametrize("engine", ENGINES)
def test_terminations_convictions_and_sentences(store, engine):
    kw = {"source": "lions", "store": store, "engine": engine}
    # Ended: TXS #1 GT (DC, FY2018), AZ D* DM (FY2017), TXW GT (FY2018), AZ #6 GT;
    # AZ #7 was transferred (TR): not a termination.
    assert rows(measure("terminations", by=["fiscal_year"], **kw), "fiscal_year") == {
        (2017,): 1, (2018,): 3}
    assert rows(measure("convictions", by=["charge"], **kw), "charge") == {
        ("illegal_reentry",): 1, ("illegal_entry",): 1, ("alien_smuggling",): 1}
    [r] = measure("sentences", **kw).to_pylist()
    # Terms: 18 months, 30 days (30 / 30.4375 months), life (470): median 18.
    assert (r["convicted"], r["known_term"], r["life_or_death"]) == (3, 3, 1)
    assert r["median_prison_months"] == pytest.approx(18)
    assert r["mean_prison_months"] == pytest.approx((18 + 30 / 30.4375 + 470) / 3)
    assert r["convicted"] == r["known_term"] + r["no_sentence"] + r["sealed"] + r["missing"]


def test_meta_counts_defendants_without_a_dated_filing(store):
    result = measure("filings", source="lions", store=store)
    assert result.meta["data_quality"]["defendants_without_a_dated_filing"] == 1
    assert result.meta["release"] == "JUNFY2018"
    assert result.meta["provisional_months"]["JUNFY2018"] == [
        "2018-03", "2018-04", "2018-05", "2018-06"]
    assert result.meta["synthetic"] is True


def test_personal_fields_never_reach_the_store(store):
    for path in store.root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in (b"ZEBULONQUIXOTE", b"123-45-6789", b"1 SECRET LANE", b"CASE NAME"):
                assert secret not in data, (path, secret)


def test_releases_side_by_side(tmp_path):
    first = write_release(tmp_path / "may", RECORDS, release="MAYFY2018")
    later = dict(RECORDS)
    later["GS_PARTICIPANT"] = RECORDS["GS_PARTICIPANT"] + [
        person("TXW", "2018R00002", 13, "D")]
    later["GS_PART_COURT"] = RECORDS["GS_PART_COURT"] + [link("TXW", "2018R00002", 13, 22)]
    second = write_release(tmp_path / "jun", later, release="JUNFY2018")
    s = Store(tmp_path / "store")
    ingest(first, s, source="lions")
    ingest(second, s, source="lions")
    by_release = measure("filings", by=["release"], source="lions", store=s)
    assert rows(by_release, "release") == {("MAYFY2018",): 8, ("JUNFY2018",): 9}
    assert measure("filings", source="lions", store=s).to_pylist() == [{"defendants": 9}]
    older = measure("filings", source="lions", store=s, release="MAYFY2018")
    assert older.to_pylist() == [{"defendants": 8}]


def test_cli_json_equals_python(store):
    python = measure("filings", by=["fiscal_year", "court"], source="lions", store=store)
    cli = run_cli("stats", "filings", "--source", "lions", "--by", "fiscal_year,court",
                  "--store", str(store.root), "--format", "json")
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout) == json.loads(json.dumps(python.to_dict(), default=str))


# --- prison years, filings per apprehension and the scenario from the prosecutors' data ---
@pytest.mark.parametrize("engine", ENGINES)
def test_prison_years_from_lions(store, engine):
    # FY2018 convictions: TXS re-entry 18 months, TXW entry 30 days, AZ smuggling life.
    got = {r["charge"]: r for r in measure("prison_years", by=["charge"], source="lions",
                                           store=store, engine=engine).to_pylist()}
    assert got["illegal_reentry"]["prison_years"] == pytest.approx(18 / 12)
    assert got["illegal_entry"]["prison_years"] == pytest.approx(30 / 30.4375 / 12)
    assert got["alien_smuggling"]["prison_years"] == pytest.approx(470 / 12)
    assert got["alien_smuggling"]["life_or_death"] == 1


def test_per_apprehension_from_lions_with_the_petty_cases(store):
    # Immigration filings in the border districts: FY2017 TXS re-entry (1); FY2018 the
    # TXW petty 1325 and the two AZ smuggling defendants (3). NM's unreadable leads and
    # Guam are not counted. Southwest border FY2017 303,916 and FY2018 396,579.
    got = {r["fiscal_year"]: r for r in measure("per_apprehension", by=["fiscal_year"],
                                                source="lions", store=store).to_pylist()}
    assert (got[2017]["filings"], got[2018]["filings"]) == (1, 3)
    assert got[2017]["filings_per_1000"] == pytest.approx(1000 / 303916)
    assert got[2018]["filings_per_1000"] == pytest.approx(3000 / 396579)


def test_scenario_from_lions(store):
    import crossings

    # The JUNFY2018 release: FY2018 is partial, so the default year is FY2017: the TXS
    # re-entry filing of 2 filings (the other is AZ's drug case); no conviction in FY2017.
    [national] = [r for r in crossings.scenario("illegal_entry,illegal_reentry",
                                                source="lions", store=store).to_pylist()
                  if r["district"] == "all"]
    assert (national["fiscal_year"], national["halted_filings"], national["all_filings"],
            national["convictions"]) == (2017, 1, 2, 0)
    # FY2018: the TXW petty entry filing of 6; convicted by the case's lead charge: TXS
    # re-entry (18 months) and TXW entry (30 days); AZ's smuggling life term is not halted.
    rows = {r["district"]: r for r in crossings.scenario(
        ["illegal_entry", "illegal_reentry"], source="lions", store=store, from_year=2018,
        to_year=2018).to_pylist()}
    assert (rows["all"]["halted_filings"], rows["all"]["all_filings"]) == (1, 6)
    assert rows["all"]["convictions"] == 2
    years = 18 / 12 + 30 / 30.4375 / 12
    assert rows["all"]["prison_years"] == pytest.approx(years)
    assert rows["all"]["cost_usd"] == pytest.approx(years * 36299.25)  # FY2017's rate
    assert (rows["41"]["halted_filings"], rows["41"]["convictions"]) == (0, 1)
    assert (rows["42"]["halted_filings"], rows["42"]["all_filings"]) == (1, 1)
