"""The court file's figures a reporter copies, on hand-worked rows: --ytd, the older
offense code, plea_down's charge, years outside the data, the DISP1 conviction
codes and the rule text. Every expected number is worked out in the comments."""

from __future__ import annotations

import json

import pytest
from helpers.idb_rows import row
from helpers.tools import run_cli

from crossings.codebook import idb as idb_codes
from crossings.errors import InvalidRequest
from crossings.measures import measure

ENGINES = ("duckdb", "polars")


def counts(result, key) -> dict:
    return {r[key]: r["defendants"] for r in result.to_pylist()}


def numbered(rows: list[dict]) -> list[dict]:
    """Give each row its own docket (its own defendant)."""
    for i, r in enumerate(rows):
        r["DOCKET"] = f"{i:07d}"
        r["DEFLGKY"] = r["CIRCUIT"] + r["DISTRICT"] + r["OFFICE"] + r["DOCKET"] + "CR0010"
    return rows


# --- --ytd --------------------------------------------------------------------------
def test_the_cut_month_is_the_last_complete_month():
    from crossings.measures.ytd import cut_month

    assert cut_month("2026-06-30") == 6  # the month's last day: June is complete
    assert cut_month("2026-06-15") == 5
    assert cut_month("2026-01-10") == 12
    with pytest.raises(InvalidRequest):
        cut_month(None)


YTD_ROWS = [
    row(FISCALYR=2015, CTFIL=1, FILEDATE="03/01/2015"),  # March: kept
    row(FISCALYR=2015, CTFIL=1, FILEDATE="08/01/2015"),  # August: after June, cut
    row(FISCALYR=2015, CTFIL=1, FILEDATE="01/01/1900"),  # no date: left out, counted
    row(FISCALYR=2016, CTFIL=1, FILEDATE="09/29/2015"),  # dated in FY2015: left out, counted
    row(FISCALYR=2016, CTFIL=1, FILEDATE="10/01/2015"),  # October 1: kept
    row(FISCALYR=2026, CTFIL=1, FILEDATE="06/30/2026"),  # June 30: kept
    row(FISCALYR=2016, CTTR=1, DISP1=4, FILEDATE="10/05/2015", TERMDATE="07/01/2016"),  # cut
    row(FISCALYR=2016, CTTR=1, DISP1=4, FILEDATE="08/05/2015", TERMDATE="06/30/2016"),  # kept
]


@pytest.mark.parametrize("engine", ENGINES)
def test_ytd_cuts_every_year_to_october_through_the_cut_month(load, engine):
    # Every row loaded 06/30/2026 (helpers.idb_rows): data as of 2026-06-30, so the
    # cut is October through June.
    store = load(numbered(YTD_ROWS))
    kw = {"by": ["fiscal_year"], "store": store, "engine": engine}
    assert counts(measure("filings", **kw), "fiscal_year") == {2015: 3, 2016: 2, 2026: 1}
    ytd = measure("filings", ytd=True, **kw)
    assert counts(ytd, "fiscal_year") == {2015: 1, 2016: 1, 2026: 1}
    assert ytd.meta["ytd"]["months"] == "October through June"
    assert ytd.meta["data_quality"]["ytd_left_out_date_missing"] == 1
    assert ytd.meta["data_quality"]["ytd_left_out_date_in_another_fiscal_year"] == 1
    # Terminations by TERMDATE (not FILEDATE): July 2016 cut, June 2016 kept.
    assert counts(measure("terminations", ytd=True, **kw), "fiscal_year") == {2016: 1}
    assert counts(measure("convictions", ytd=True, **kw), "fiscal_year") == {2016: 1}


def test_ytd_with_pending_is_a_usage_error(load):
    store = load(numbered([row(CTPN=1)]))
    with pytest.raises(InvalidRequest):
        measure("pending", ytd=True, store=store)
    done = run_cli("stats", "pending", "--ytd", "--store", str(store.root))
    assert done.returncode == 2 and "year-end snapshot" in done.stderr
    done = run_cli("stats", "filings", "--ytd", "--store", str(store.root))
    assert done.returncode == 0 and "October through June" in " ".join(done.stderr.split())


# --- the older offense code -------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_older_offense_codes_by_their_own_table_and_counted(load, engine):
    rows = numbered([
        row(FISCALYR=2003, CTFIL=1, FTITLE1="-8", FOFFCD1="8740"),  # illegal entry (label)
        row(FISCALYR=2003, CTFIL=1, FTITLE1="-8", FOFFCD1="8730"),  # "Other": other immigration
        row(FISCALYR=2004, CTFIL=1, FTITLE1="-8", FOFFCD1="6200"),  # two offences: unreadable
        row(FISCALYR=2004, CTFIL=1, FTITLE1="8:1326.F", FOFFCD1="8710"),  # citation decides
        row(FISCALYR=2004, CTFIL=0, FTITLE1="-8", FOFFCD1="8720"),  # not a filing
    ])
    result = measure("filings", by=["fiscal_year", "charge"], store=load(rows), engine=engine)
    assert {(r["fiscal_year"], r["charge"]): r["defendants"] for r in result.to_pylist()} == {
        (2003, "illegal_entry"): 1, (2003, "other_immigration"): 1, (2004, "unreadable"): 1,
        (2004, "illegal_reentry"): 1}
    quality = result.meta["data_quality"]
    assert quality["defendants_classified_by_older_offense_code_by_fiscal_year"] == {
        "2003": 2, "2004": 1}


# --- plea_down ---------------------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_plea_down_filters_on_the_filing_charge(load, engine):
    rows = numbered([
        # Filed 1326, pled to 1325: the plea-down the filter must keep.
        row(CTTR=1, DISP1=4, FTITLE1="8:1326.F", TTITLE1="8:1325A1.P"),
        row(CTTR=1, DISP1=4, FTITLE1="8:1326.F", TTITLE1="8:1326.F"),
        # Filed 1325, ended 1326 (rare): not a 1326 filing.
        row(CTTR=1, DISP1=4, FTITLE1="8:1325A1.P", TTITLE1="8:1326.F"),
    ])
    result = measure("plea_down", where={"charge": "illegal_reentry"}, store=load(rows),
                     engine=engine)
    assert {(r["filing_charge"], r["termination_charge"]): r["defendants"]
            for r in result.to_pylist()} == {("illegal_reentry", "illegal_entry"): 1,
                                             ("illegal_reentry", "illegal_reentry"): 1}
    assert result.meta["options"]["charge_basis"] == "filing"
    assert "--charge filters on the filing charge" in result.meta["rule"]


# --- years outside the data -----------------------------------------------------------------
def test_years_outside_the_data_warn_and_reversed_years_are_refused(load):
    store = load(numbered([row(FISCALYR=2015, CTFIL=1), row(FISCALYR=2016, CTFIL=1)]))
    result = measure("filings", where={"from_year": 1997}, store=store)
    [warning] = result.meta["warnings"]
    assert "covers fiscal years 2015 to 2016" in warning and "before 2015" in warning
    assert measure("filings", where={"from_year": 2015}, store=store).meta["warnings"] == []
    done = run_cli("stats", "filings", "--from-year", "1997", "--store", str(store.root),
                   "--format", "json")
    assert done.returncode == 0 and "2015 to 2016" in " ".join(done.stderr.split())
    assert json.loads(done.stdout)["meta"]["warnings"] == [warning]
    done = run_cli("stats", "filings", "--from-year", "2016", "--to-year", "2015", "--store",
                   str(store.root))
    assert done.returncode == 2 and "after --to-year" in done.stderr


# --- DISP1 and the rule text -------------------------------------------------------------------
@pytest.mark.parametrize("engine", ENGINES)
def test_every_disp1_conviction_code(load, engine):
    # One terminated defendant per DISP1 code, each in its own district. Convicted by
    # the codebook: 4 guilty plea, 5 nolo contendere, 8 by the court, 9 by a jury,
    # 17 and 19 guilty but insane. Not: 1, 2, 3, 16 and 18 (not guilty by insanity), 20.
    places = sorted(k for k in idb_codes.districts() if k != idb_codes.TEST_DISTRICT)[:12]
    codes = dict(zip((4, 5, 8, 9, 17, 19, 1, 2, 3, 16, 18, 20), places, strict=True))
    store = load(numbered([row(CTTR=1, DISP1=c, CIRCUIT=circuit, DISTRICT=district,
                               PRISTOT=12) for c, (circuit, district) in codes.items()]))
    codes = {c: district for c, (_, district) in codes.items()}
    got = counts(measure("convictions", by=["district"], store=store, engine=engine),
                 "district")
    assert got == {codes[c]: 1 for c in (4, 5, 8, 9, 17, 19)}
    [s] = measure("sentences", store=store, engine=engine).to_pylist()
    assert (s["convicted"], s["known_term"], s["time_served"]) == (6, 6, None)


def test_rule_text_says_what_the_code_counts(load):
    store = load(numbered([row(CTFIL=1), row(CTTR=1, DISP1=4)]))
    filings = measure("filings", store=store).meta["rule"]
    assert "each flagged record" in filings and "CTFIL = 1" in filings
    assert "each person once" not in filings
    convictions = measure("convictions", store=store).meta["rule"]
    assert "CTTR = 1" in convictions
    for code in (4, 5, 8, 9, 17, 19):
        assert f"{code} " in convictions.split("DISP1 in {")[1]
    assert "16 " not in convictions.split("DISP1 in {")[1]
    sentences = measure("sentences", store=store).meta["rule"]
    assert "DISP1 in {" in sentences and "PRISTOT" in sentences


def test_the_older_code_table_ships_with_the_rules_and_is_checked(tmp_path):
    from crossings.errors import ChargeRulesError
    from crossings.measures.charges import RULES_FILE, load_rules

    shipped = RULES_FILE.read_text(encoding="utf-8")
    mine = load_rules(RULES_FILE)
    assert (mine.by_offense_code("8740"), mine.by_offense_code("6200"),
            mine.by_offense_code("4991"), mine.by_offense_code("-8")) == (
        "illegal_entry", "unreadable", "non_immigration", None)
    without = tmp_path / "without.csv"  # an older rules file: no offense rows
    without.write_text("".join(line for line in shipped.splitlines(keepends=True)
                               if not line.startswith("offense,")), encoding="utf-8")
    with pytest.raises(ChargeRulesError, match="no default offense row"):
        load_rules(without)
    twice = tmp_path / "twice.csv"
    twice.write_text(shipped + "offense,8740,,other_immigration,again\n", encoding="utf-8")
    with pytest.raises(ChargeRulesError, match="code 8740 again"):
        load_rules(twice)
