"""Every counting rule against hand-worked rows written from the reference README.

Each test writes a few rows whose right answer is worked out by hand in the
comments, ingests them, and checks the measure (on DuckDB and on Polars).
"""

from __future__ import annotations

import json

import pytest
from helpers.idb_rows import row
from helpers.tools import run_cli

from crossings.errors import InvalidRequest
from crossings.measures import measure
from crossings.measures.charges import classify_idb, load_rules

ENGINES = ("duckdb", "polars")


def counts(result, *keys) -> dict:
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r["defendants"]
            for r in result.to_pylist()}


# --- snapshots, flags, transfers ---------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_a_defendant_pending_across_five_snapshots_counts_once(load, engine):
    # Filed FY2011, pending at the end of 2011-2014, terminated FY2015: five rows.
    key = "054111100001CR0010"
    rows = [row(FISCALYR=2011, DEFLGKY=key, CTFIL=1, CTFILTRN=1, CTFILWOR=1, CTPN=1,
                FILEDATE="11/15/2010", FTITLE1="8:1326.F", D2FOFFCD1="8720")]
    rows += [row(FISCALYR=y, DEFLGKY=key, CTPN=1, FILEDATE="11/15/2010", FTITLE1="8:1326.F",
                 D2FOFFCD1="8720") for y in (2012, 2013, 2014)]
    rows += [row(FISCALYR=2015, DEFLGKY=key, CTTR=1, CTTRTRN=1, FILEDATE="11/15/2010",
                 TERMDATE="01/20/2015", DISP1=4, TTITLE1="8:1326.F", D2TOFFCD1="8720",
                 FTITLE1="8:1326.F", D2FOFFCD1="8720", STATUSCD="J")]
    store = load(rows)
    assert counts(measure("filings", store=store, engine=engine), "defendants") == {1: 1}
    assert counts(measure("terminations", by=["fiscal_year"], store=store, engine=engine),
                  "fiscal_year") == {2015: 1}
    assert counts(measure("pending", by=["fiscal_year"], store=store, engine=engine),
                  "fiscal_year") == {2011: 1, 2012: 1, 2013: 1, 2014: 1}
    assert counts(measure("convictions", store=store, engine=engine), "defendants") == {1: 1}


@pytest.mark.parametrize("engine", ENGINES)
def test_transfers_count_in_both_districts_only_when_asked(load, engine):
    # Terminated in S.D. Texas (41) by a Rule 20 transfer, filed again in Arizona (70).
    rows = [row(DISTRICT="41", CIRCUIT="05", CTTRTRN=1, CTTR=0, DISP1=0,
                TERMDATE="02/01/2015"),
            row(DISTRICT="70", CIRCUIT="09", CTFILTRN=1, CTFIL=0, TYPETRN="CR",
                TRANDIST="0541", FILEDATE="02/15/2015"),
            row(DISTRICT="41", CIRCUIT="05", CTFIL=1, CTFILTRN=1, FILEDATE="03/01/2015")]
    store = load(rows)
    by_d = {"by": ["district"], "store": store, "engine": engine}
    assert counts(measure("filings", **by_d), "district") == {"41": 1}
    assert counts(measure("filings", transfers="include", **by_d), "district") == {
        "41": 1, "70": 1}
    assert counts(measure("terminations", **by_d), "district") == {}
    assert counts(measure("terminations", transfers="include", **by_d), "district") == {"41": 1}


@pytest.mark.parametrize("engine", ENGINES)
def test_minus_8_flag_counts_as_not_flagged(load, engine):
    store = load([row(CTFIL=1), row(CTFIL="-8"), row(CTFIL=0)])
    assert measure("filings", store=store, engine=engine).to_pylist() == [{"defendants": 1}]


def test_flagged_rows_sharing_a_key_are_reported(load):
    # A record sent twice (VER 1 and 2) with CTFIL = 1 both times: counted twice, reported.
    rows = [row(DEFLGKY="054111500007CR0010", CTFIL=1, VER=1),
            row(DEFLGKY="054111500007CR0010", CTFIL=1, VER=2),
            row(DEFLGKY="054111500008CR0010", CTFIL=1)]
    result = measure("filings", store=load(rows))
    assert result.to_pylist() == [{"defendants": 3}]
    assert result.meta["data_quality"]["flagged_rows_sharing_deflgky_and_fiscalyr"] == 2


# --- charge categories ---------------------------------------------------------------
CHARGE_CASES = [
    # (citation, D2, FOFFCD) -> category, rule that decides
    (("8:1326.F", "8710", "-8"), ("illegal_entry", 1)),  # the D2 code wins over the citation
    (("-8", "8720", "-8"), ("illegal_reentry", 1)),  # missing citation, D2 present
    (("8:1324A.P", "-8", "-8"), ("other_immigration", 2)),  # 1324a, not 1324(a)
    (("8:1324.F", "-8", "-8"), ("alien_smuggling", 2)),
    (("18:13-8720.F", "-8", "-8"), ("illegal_reentry", 2)),  # ACA in the table
    (("18:13-8730.F", "-8", "-8"), ("other_immigration", 2)),  # table says 8740
    (("18:13-8710.F", "-8", "-8"), ("illegal_entry", 3)),  # ACA not in table: embedded code
    (("8:1326C.F", "-8", "-8"), ("illegal_reentry", 3)),  # only by parsing
    (("8:1325D.F", "-8", "-8"), ("other_immigration", 3)),
    (("8:1325B.P", "-8", "-8"), ("illegal_entry", 3)),
    (("8:1324C.F", "-8", "-8"), ("other_immigration", 3)),  # section 1324c
    (("8:1999.F", "-8", "-8"), ("other_immigration", 3)),
    (("18:1546B.F", "-8", "-8"), ("other_immigration", 3)),
    (("21:9999A=XX.F", "-8", "-8"), ("non_immigration", 3)),
    (("garbage", "-8", "8720"), ("illegal_reentry", 4)),  # unreadable citation, FOFFCD
    # The older offense code through its own table (the FJC list's labels), never
    # read as a D2 code: as a D2 code 8730 would be alien_smuggling and 8740 other.
    (("-8", "-8", "8730"), ("other_immigration", 4)),  # "Immigration Laws, Other"
    (("-8", "-8", "8740"), ("illegal_entry", 4)),  # "Immigration Laws, Illegal Entry"
    (("-8", "-8", "8710"), ("illegal_entry", 4)),
    (("-8", "-8", "8731"), ("other_immigration", 4)),
    (("-8", "-8", "8750"), ("other_immigration", 4)),
    (("-8", "-8", "6200"), ("unreadable", 4)),  # "White Slave & Importing Aliens": two in one
    (("-8", "-8", "4991"), ("non_immigration", 4)),
    (("-8", "-8", "-8"), ("unreadable", 5)),  # nothing usable
    (("-8", "4991", "-8"), ("non_immigration", 1)),
]


@pytest.mark.parametrize(("fields", "expected"), CHARGE_CASES, ids=["|".join(c[0])
                                                                    for c in CHARGE_CASES])
def test_charge_category_rules(fields, expected):
    assert classify_idb(*fields, load_rules()) == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_charge_categories_through_the_store(load, engine):
    rows = [row(CTFIL=1, DOCKET=f"{i:07d}", FTITLE1=c, D2FOFFCD1=d2, FOFFCD1=off)
            for i, ((c, d2, off), _) in enumerate(CHARGE_CASES)]
    result = measure("filings", by=["charge"], store=load(rows), engine=engine)
    expected: dict = {}
    for _, (cat, _) in CHARGE_CASES:
        expected[cat] = expected.get(cat, 0) + 1
    assert counts(result, "charge") == expected


@pytest.mark.parametrize("engine", ENGINES)
def test_statute_dimension_keeps_section_letters_and_drops_subsections(load, engine):
    rows = [row(CTFIL=1, FTITLE1="8:1326B1.F"), row(CTFIL=1, FTITLE1="8:1324A.P"),
            row(CTFIL=1, FTITLE1="8:1324.F"), row(CTFIL=1, FTITLE1="-8", D2FOFFCD1="8720")]
    result = measure("filings", by=["statute"], store=load(rows), engine=engine)
    assert counts(result, "statute") == {"8:1326": 1, "8:1324a": 1, "8:1324": 1, "unknown": 1}


@pytest.mark.parametrize("engine", ENGINES)
def test_any_charge_counts_a_defendant_once_per_category(load, engine):
    rows = [row(CTFIL=1, FTITLE1="8:1324.F", FTITLE2="8:1326.F", FTITLE3="8:1324.M"),
            row(CTFIL=1, FTITLE1="8:1326.F", FTITLE2="8:1326B1.F"),
            row(CTFIL=1, FTITLE1="-8")]  # slot 1 unusable: counted as unreadable
    store = load(rows)
    lead = measure("filings", by=["charge"], store=store, engine=engine)
    assert counts(lead, "charge") == {"alien_smuggling": 1, "illegal_reentry": 1,
                                      "unreadable": 1}
    anyc = measure("filings", by=["charge"], any_charge=True, store=store, engine=engine)
    assert counts(anyc, "charge") == {"alien_smuggling": 1, "illegal_reentry": 2,
                                      "unreadable": 1}
    filtered = measure("filings", where={"charge": "illegal_reentry"}, any_charge=True,
                       store=store, engine=engine)
    assert filtered.to_pylist() == [{"defendants": 2}]


@pytest.mark.parametrize("engine", ENGINES)
def test_plea_down_and_charge_basis(load, engine):
    # Filed as re-entry (1326), pled to illegal entry (1325): a plea-down.
    rows = [row(CTTR=1, DISP1=4, FTITLE1="8:1326.F", D2FOFFCD1="8720",
                TTITLE1="8:1325A1.P", D2TOFFCD1="8710", TERMDATE="04/01/2015"),
            row(CTTR=1, DISP1=4, FTITLE1="8:1326.F", D2FOFFCD1="8720",
                TTITLE1="8:1326.F", D2TOFFCD1="8720", TERMDATE="04/01/2015")]
    store = load(rows)
    by_term = measure("convictions", by=["charge"], store=store, engine=engine)
    assert counts(by_term, "charge") == {"illegal_entry": 1, "illegal_reentry": 1}
    by_filing = measure("convictions", by=["charge"], charge_basis="filing", store=store,
                        engine=engine)
    assert counts(by_filing, "charge") == {"illegal_reentry": 2}
    plea = measure("plea_down", store=store, engine=engine)
    assert counts(plea, "filing_charge", "termination_charge") == {
        ("illegal_reentry", "illegal_entry"): 1, ("illegal_reentry", "illegal_reentry"): 1}


# --- sentences ---------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_sentences_with_every_sentinel(load, engine):
    # Known terms: 0 (probation), 10, 20, -1 (=0), -4 (=470), -5 (=470) -> sorted
    # 0, 0, 10, 20, 470, 470: median (10+20)/2 = 15, mean 970/6, p25 at position
    # 1.25 -> 0 + 0.25*(10-0) = 2.5, p75 at 3.75 -> 20 + 0.75*450 = 357.5.
    terms = [0, 10, 20, -1, -4, -5, -2, -3, -8, -7]
    rows = [row(CTTR=1, DISP1=4, PRISTOT=t, DOCKET=f"{i:07d}") for i, t in enumerate(terms)]
    rows.append(row(CTTR=1, DISP1=1, PRISTOT=99))  # dismissed: not convicted
    store = load(rows)
    [r] = measure("sentences", store=store, engine=engine).to_pylist()
    assert r["convicted"] == 10 and r["known_term"] == 6
    assert r["prison"] == 5  # 10, 20, -1, -4, -5 (0 is probation only)
    assert r["median_prison_months"] == pytest.approx(15)
    assert r["mean_prison_months"] == pytest.approx(970 / 6)
    assert r["p25_prison_months"] == pytest.approx(2.5)
    assert r["p75_prison_months"] == pytest.approx(357.5)
    assert (r["life_or_death"], r["no_sentence"], r["sealed"], r["missing"]) == (2, 1, 1, 2)
    assert r["convicted"] == r["known_term"] + r["no_sentence"] + r["sealed"] + r["missing"]


# --- fiscal years and months ---------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_fiscal_year_is_the_rows_and_boundaries(load, engine):
    rows = [row(FISCALYR=2015, CTFIL=1, FILEDATE="09/30/2015"),
            row(FISCALYR=2016, CTFIL=1, FILEDATE="10/01/2015"),
            # Reported late: filed in FY2015 but carried in the FY2016 snapshot.
            row(FISCALYR=2016, CTFIL=1, FILEDATE="09/29/2015"),
            row(FISCALYR=2016, CTFIL=1, FILEDATE="01/01/1900")]
    result = measure("filings", by=["fiscal_year", "month"], store=load(rows), engine=engine)
    assert counts(result, "fiscal_year", "month") == {
        (2015, "2015-09"): 1, (2016, "2015-10"): 1, (2016, "2015-09"): 1,
        (2016, "unknown"): 1}
    quality = result.meta["data_quality"]
    assert quality["flagged_rows_with_filedate_in_another_fiscal_year"] == 1
    assert result.meta["partial_years"] == [2016]


@pytest.mark.parametrize("engine", ENGINES)
def test_speed_measure(load, engine):
    # Days 0, 1, 5, 30 (and one undated): median 3, p90 at 2.7 -> 5 + 0.7*25 = 22.5.
    spans = [("03/02/2015", "03/02/2015"), ("03/02/2015", "03/03/2015"),
             ("03/02/2015", "03/07/2015"), ("03/02/2015", "04/01/2015"),
             ("01/01/1900", "04/01/2015")]
    rows = [row(CTTR=1, DISP1=4, FILEDATE=a, DISPDATE=b, DOCKET=f"{i:07d}")
            for i, (a, b) in enumerate(spans)]
    [r] = measure("speed", store=load(rows), engine=engine).to_pylist()
    assert (r["terminated"], r["dated"]) == (5, 4)
    assert r["median_days"] == pytest.approx(3)
    assert r["p90_days"] == pytest.approx(22.5)
    assert r["share_within_1_day"] == pytest.approx(0.5)
    assert r["share_within_7_days"] == pytest.approx(0.75)


@pytest.mark.parametrize("engine", ENGINES)
def test_labels_border_and_filters(load, engine):
    rows = [row(CTFIL=1, DISTRICT="70", CIRCUIT="09", FCOUNSEL=6, FOFFLVL1=1),
            row(CTFIL=1, DISTRICT="41", CIRCUIT="05", FCOUNSEL=1, FOFFLVL1=4),
            row(CTFIL=1, DISTRICT="08", CIRCUIT="02", FCOUNSEL=2, FOFFLVL1=4,
                FISCALYR=2012)]
    store = load(rows)
    assert counts(measure("counsel", store=store, engine=engine), "counsel") == {
        "Public or community defender": 1, "Criminal Justice Act appointment": 1,
        "Private counsel": 1}
    assert counts(measure("offense_level", store=store, engine=engine), "offense_level") == {
        "Petty offense": 1, "Felony": 2}
    assert counts(measure("filings", by=["border"], store=store, engine=engine), "border") == {
        "southwest": 2, "other": 1}
    assert measure("filings", where={"district": "TXS"}, store=store,
                   engine=engine).to_pylist() == [{"defendants": 1}]
    assert measure("filings", where={"from_year": 2013}, store=store,
                   engine=engine).to_pylist() == [{"defendants": 2}]
    named = measure("filings", by=["district"], store=store, engine=engine).to_pylist()
    assert named[0] == {"district": "08", "district_name": "Southern District of New York",
                        "district_abbreviation": "NYS", "district_short_name": "S.D.N.Y.",
                        "district_map_key": "NYS", "defendants": 1}


def test_bad_requests_are_refused(load):
    store = load([row(CTFIL=1)])
    for kwargs in ({"name": "arrests"}, {"name": "filings", "by": ["judge"]},
                   {"name": "filings", "where": {"district": "ZZ"}},
                   {"name": "filings", "where": {"charge": "murder"}},
                   {"name": "filings", "charge_basis": "filing"},
                   {"name": "plea_down", "any_charge": True}):
        with pytest.raises(InvalidRequest):
            measure(store=store, **kwargs)


def test_cli_json_equals_the_python_result(load, tmp_path):
    rows = [row(CTFIL=1, FTITLE1="8:1326.F", FISCALYR=y, DOCKET=f"{y}{i:03d}")
            for y in (2014, 2015) for i in range(3)]
    store = load(rows)
    python = measure("filings", by=["fiscal_year", "charge"], store=store).to_dict()
    cli = run_cli("stats", "filings", "--by", "fiscal_year,charge", "--store",
                  str(store.root), "--format", "json")
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout) == json.loads(json.dumps(python, default=str))


def test_a_users_charge_rules_file_is_used_and_cited(load, tmp_path):
    from crossings.measures.charges import RULES_FILE

    store = load([row(CTFIL=1, FTITLE1="8:1326.F", D2FOFFCD1="8720", DOCKET="0000001"),
                  row(CTFIL=1, FTITLE1="8:1325A1.P", D2FOFFCD1="8710", DOCKET="0000002")])
    shipped = measure("filings", by=["charge"], store=store)
    assert counts(shipped, "charge") == {"illegal_reentry": 1, "illegal_entry": 1}
    # A reader who counts re-entry together with entry, citing the file they used.
    text = RULES_FILE.read_text().replace("d2,8720,,illegal_reentry", "d2,8720,,illegal_entry")
    mine = tmp_path / "my-rules.csv"
    mine.write_text(text)
    custom = measure("filings", by=["charge"], store=store, charges_file=str(mine))
    assert counts(custom, "charge") == {"illegal_entry": 2}
    assert custom.meta["charge_rules"]["file"] == "my-rules.csv"
    assert custom.meta["charge_rules"]["sha256"] != shipped.meta["charge_rules"]["sha256"]
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace("illegal_entry", "trespass", 1))
    done = run_cli("stats", "filings", "--charges", str(bad), "--store", str(store.root))
    assert done.returncode == 1 and "is not one of" in done.stderr and "bad.csv" in done.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_any_charge_by_statute_counts_a_defendant_once_under_each_statute(load, engine):
    # One defendant filed on 8:1326 (slot 1) and 8:1325 (slot 2), another on 8:1326
    # twice (slots 1 and 2): by statute with --any-charge, 1326 has 2 defendants
    # (the second counted once, however many slots) and 1325 has 1.
    store = load([
        row(CTFIL=1, DOCKET="0000001", FTITLE1="8:1326.F", D2FOFFCD1="8720",
            FTITLE2="8:1325.M", D2FOFFCD2="8710"),
        row(CTFIL=1, DOCKET="0000002", FTITLE1="8:1326.F", D2FOFFCD1="8720",
            FTITLE2="8:1326.F", D2FOFFCD2="8720")])
    result = measure("filings", by=["statute"], any_charge=True, store=store, engine=engine)
    got = counts(result, "statute")
    assert got["8:1326"] == 2 and got["8:1325"] == 1
