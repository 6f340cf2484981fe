"""Prison years imposed and their cost at the BOP COIF, worked by hand.

Convicted defendants (CTTR = 1, DISP1 = 4) in district 41, PRISTOT in months, charged
(filing and termination) with illegal re-entry unless said:

    FY    terms                      prison years     COIF rate used (README)
    2006  24                         2                none: FY2009 is 3 years away
    2011  12, 18                     30/12 = 2.5      FY2010 $28,284 (tie 2010/2012)
          entry: 60                  5
    2015  life (-4), -1, -2          470/12 (one      FY2015 $31,977.65
                                     term unknown)
    2018  6; filed re-entry but      0.5; entry 1     FY2017 $36,299.25 (tie 2017/2019)
          convicted of entry: 12
    2021  36                         3                FY2020 $39,158 (inconsistent)
    2022  10 (the latest: partial)   10/12            FY2023 $44,090

and one dismissed defendant (DISP1 = 1, 99 months) who counts nowhere.
"""

from __future__ import annotations

import pytest
from helpers.idb_rows import row, write

from crossings.errors import InvalidRequest
from crossings.ingest import ingest
from crossings.measures import measure
from crossings.store import Store

REENTRY, ENTRY = ("8:1326.F", "8720"), ("8:1325.M", "8710")
TERMS = [(2006, 24, REENTRY, REENTRY), (2011, 12, REENTRY, REENTRY),
         (2011, 18, REENTRY, REENTRY), (2011, 60, ENTRY, ENTRY),
         (2015, -4, REENTRY, REENTRY), (2015, -1, REENTRY, REENTRY),
         (2015, -2, REENTRY, REENTRY), (2018, 6, REENTRY, REENTRY),
         (2018, 12, REENTRY, ENTRY), (2021, 36, REENTRY, REENTRY),
         (2022, 10, REENTRY, REENTRY)]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("prison")
    rows = []
    for n, (year, term, filed, ended) in enumerate(TERMS, 1):
        rows.append(row(FISCALYR=year, CTTR=1, DISP1=4, PRISTOT=term, DOCKET=f"{n:07d}",
                        TERMDATE=f"03/01/{year}", FTITLE1=filed[0], D2FOFFCD1=filed[1],
                        TTITLE1=ended[0], D2TOFFCD1=ended[1]))
    rows.append(row(FISCALYR=2011, CTTR=1, DISP1=1, PRISTOT=99, DOCKET="0000099",
                    TERMDATE="03/01/2011", TTITLE1=REENTRY[0], D2TOFFCD1=REENTRY[1]))
    store = Store(folder / "store")
    ingest(write(folder / "cr96on.txt", rows), store)
    return store


def keyed(result):
    return {(r["fiscal_year"], r["charge"]): r for r in result.to_pylist()}


@pytest.mark.parametrize("engine", ["duckdb", "polars"])
def test_prison_years_sum_the_known_terms(store, engine):
    rows = keyed(measure("prison_years", by=["fiscal_year", "charge"], store=store,
                         engine=engine))
    assert rows[(2011, "illegal_reentry")]["prison_years"] == pytest.approx(2.5)
    assert rows[(2011, "illegal_reentry")]["convicted"] == 2  # not the dismissed one
    assert rows[(2011, "illegal_entry")]["prison_years"] == pytest.approx(5.0)
    life = rows[(2015, "illegal_reentry")]
    assert life["prison_years"] == pytest.approx(470 / 12)  # life 470 + under a month 0
    assert (life["convicted"], life["known_term"], life["unknown_term"],
            life["life_or_death"]) == (3, 2, 1, 1)
    assert rows[(2018, "illegal_entry")]["prison_years"] == pytest.approx(1.0)


def test_prison_years_by_the_charge_at_filing(store):
    rows = keyed(measure("prison_years", by=["fiscal_year", "charge"], store=store,
                         charge_basis="filing", where={"from_year": 2018, "to_year": 2018}))
    assert list(rows) == [(2018, "illegal_reentry")]
    assert rows[(2018, "illegal_reentry")]["prison_years"] == pytest.approx(1.5)


def test_prison_cost_at_the_years_rate(store):
    result = measure("prison_cost", by=["charge"], store=store)
    rows = keyed(result)
    none = rows[(2006, "illegal_reentry")]
    assert (none["prison_years"], none["coif_year"], none["cost_usd"]) == (2.0, None, None)
    assert "FY2006" in none["note"] and "FY2009" in none["note"]
    tie = rows[(2011, "illegal_reentry")]
    assert (tie["coif_year"], tie["coif_usd_per_year"]) == (2010, 28284)
    assert tie["cost_usd"] == pytest.approx(2.5 * 28284)  # 70,710
    assert rows[(2011, "illegal_entry")]["cost_usd"] == pytest.approx(5 * 28284)
    assert rows[(2015, "illegal_reentry")]["cost_usd"] == pytest.approx(470 / 12 * 31977.65)
    assert rows[(2018, "illegal_reentry")]["coif_year"] == 2017
    assert rows[(2018, "illegal_reentry")]["cost_usd"] == pytest.approx(0.5 * 36299.25)
    flagged = rows[(2021, "illegal_reentry")]
    assert (flagged["coif_year"], flagged["cost_usd"]) == (2020, pytest.approx(3 * 39158))
    assert "inconsistent" in flagged["note"]
    assert rows[(2022, "illegal_reentry")]["cost_usd"] == pytest.approx(10 / 12 * 44090)


def test_prison_cost_meta(store):
    meta = measure("prison_cost", store=store).meta
    assert meta.options["share_served"] == 1.0
    assert any("86 FR 49060" in w and "FY2019 and FY2020" in w for w in meta.warnings)
    assert any(w.startswith("No cost (null) for FY2006") for w in meta.warnings)
    # FY2017 (priced FY2018) and FY2023 (priced FY2022) are quoted by secondary pages.
    assert "The COIF rate of FY2017, FY2023 comes from a secondary page" in " ".join(
        meta.warnings)
    assert any("pretrial detention" in w and "not a marginal cost" in w
               for w in meta.warnings)
    # Each rate's citation, keyed by the years it priced.
    assert "incarceration-costs.csv FY2010" in meta.sources
    assert "2011-23689" in meta.sources["incarceration-costs.csv FY2010"].citation
    assert "incarceration-costs.csv FY2020" in meta.sources
    assert "Federal Judicial Center" in meta.citation and "BOP notice" in meta.citation


def test_share_served_scales_the_cost(store):
    result = measure("prison_cost", store=store, share_served=0.85,
                     where={"from_year": 2011, "to_year": 2011})
    [r] = result.to_pylist()  # 2.5 + 5 = 7.5 years imposed in FY2011, all charges
    assert r["prison_years"] == pytest.approx(7.5)
    assert r["prison_years_served"] == pytest.approx(7.5 * 0.85)
    assert r["cost_usd"] == pytest.approx(7.5 * 0.85 * 28284)  # 180,310.5
    assert result.meta.options["share_served"] == 0.85
    assert any("share_served 0.85" in n for n in result.meta.notes)


@pytest.mark.parametrize("share", [0, 1.2, -0.5])
def test_share_served_must_be_a_share(store, share):
    with pytest.raises(InvalidRequest, match="share-served"):
        measure("prison_cost", store=store, share_served=share)
