"""``crossings scenario --halt``: recorded filings, convictions, prison years and cost of
the halted charges, worked by hand, and equal to the measures they come from.

Filings (CTFIL = 1):

    FY    district     re-entry  entry  smuggling  non-immigration
    2020  41           2         -      -          2
    2021  41           4         1      -          5
    2021  70           -         2      -          1
    2021  74           -         -      1          -
    2021  00 Maine     1         -      -          6
    2022  41           1         -      -          -      (the latest year: partial)

Convictions in FY2021 (CTTR = 1, DISP1 = 4), charge at filing -> at termination:

    41  re-entry -> re-entry, 24 months            counted
    41  re-entry -> non-immigration, 12 months     counted (its charge at filing is halted)
    41  smuggling -> entry, 6 months               not counted (filed as smuggling)
    70  entry -> entry, under a month (-1 = 0)     counted
    00  re-entry -> re-entry, life (470 months)    counted (nationally)

Halting illegal_entry and illegal_reentry in FY2021 (the last full year):
national: halted filings 4 + 1 + 2 + 1 = 8 of 21; convictions 4; prison years
(24 + 12 + 0 + 470) / 12 = 506 / 12; district 41: 5 of 10, 2 convictions, 36 / 12 = 3
years; 70: 2 of 3, 1 conviction, 0 years; 74: 0 of 1; 42 and 84: nothing. The FY2021
rate is FY2020's COIF, $39,158 (FY2021 has none; FY2020 is the nearest).
"""

from __future__ import annotations

import json

import pytest
from helpers.idb_rows import row, write
from helpers.tools import run_cli

import crossings
from crossings.errors import InvalidRequest
from crossings.ingest import ingest
from crossings.measures import measure
from crossings.store import Store

CHARGES = {"reentry": ("8:1326.F", "8720"), "entry": ("8:1325.M", "8710"),
           "smuggling": ("8:1324.F", "8730"), "other": ("18:1001.F", "4991")}
FILINGS = [(2020, "41", "reentry", 2), (2020, "41", "other", 2), (2021, "41", "reentry", 4),
           (2021, "41", "entry", 1), (2021, "41", "other", 5), (2021, "70", "entry", 2),
           (2021, "70", "other", 1), (2021, "74", "smuggling", 1), (2021, "00", "reentry", 1),
           (2021, "00", "other", 6), (2022, "41", "reentry", 1)]
CONVICTIONS = [("41", "reentry", "reentry", 24), ("41", "reentry", "other", 12),
               ("41", "smuggling", "entry", 6), ("70", "entry", "entry", -1),
               ("00", "reentry", "reentry", -4)]
CIRCUITS = {"41": "05", "70": "09", "74": "09", "00": "01"}
HALT = "illegal_entry,illegal_reentry"
RATE_2020 = 39158


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenario")
    rows, n = [], 0
    for year, district, charge, count in FILINGS:
        for _ in range(count):
            n += 1
            rows.append(row(FISCALYR=year, CTFIL=1, DOCKET=f"{n:07d}", DISTRICT=district,
                            CIRCUIT=CIRCUITS[district], FILEDATE=f"01/15/{year}",
                            FTITLE1=CHARGES[charge][0], D2FOFFCD1=CHARGES[charge][1]))
    for district, filed, ended, term in CONVICTIONS:
        n += 1
        rows.append(row(FISCALYR=2021, CTTR=1, DISP1=4, PRISTOT=term, DOCKET=f"{n:07d}",
                        DISTRICT=district, CIRCUIT=CIRCUITS[district],
                        TERMDATE="04/01/2021", FTITLE1=CHARGES[filed][0],
                        D2FOFFCD1=CHARGES[filed][1], TTITLE1=CHARGES[ended][0],
                        D2TOFFCD1=CHARGES[ended][1]))
    store = Store(folder / "store")
    ingest(write(folder / "cr96on.txt", rows), store)
    return store


def by_area(result):
    return {(r["fiscal_year"], r["district"]): r for r in result.to_pylist()}


def test_the_last_full_year_by_default(store):
    result = crossings.scenario(HALT, store=store)
    rows = by_area(result)
    assert list(rows) == [(2021, "all"), (2021, "41"), (2021, "42"), (2021, "70"),
                          (2021, "74"), (2021, "84")]
    national = rows[(2021, "all")]
    assert (national["halted_filings"], national["all_filings"]) == (8, 21)
    assert national["share_of_filings"] == pytest.approx(8 / 21)
    assert national["convictions"] == 4
    assert national["prison_years"] == pytest.approx(506 / 12)
    assert (national["coif_year"], national["cost_usd"]) == (2020, pytest.approx(
        506 / 12 * RATE_2020))
    texas = rows[(2021, "41")]
    assert (texas["halted_filings"], texas["all_filings"], texas["convictions"]) == (5, 10, 2)
    assert texas["share_of_filings"] == pytest.approx(0.5)
    assert texas["prison_years"] == pytest.approx(3.0)
    assert texas["cost_usd"] == pytest.approx(3 * RATE_2020)  # 117,474
    arizona = rows[(2021, "70")]
    assert (arizona["halted_filings"], arizona["all_filings"], arizona["convictions"],
            arizona["prison_years"]) == (2, 3, 1, 0.0)
    assert (rows[(2021, "74")]["halted_filings"], rows[(2021, "74")]["share_of_filings"]) == (
        0, 0.0)
    assert rows[(2021, "42")]["all_filings"] == 0 and rows[(2021, "42")]["share_of_filings"] is None


def test_scenario_totals_equal_the_measures(store):
    years = {"from_year": 2020, "to_year": 2021}
    result = crossings.scenario(["illegal_entry", "illegal_reentry"], store=store, **years)
    national = {r["fiscal_year"]: r for r in result.to_pylist() if r["district"] == "all"}
    halted = {"charge": ["illegal_entry", "illegal_reentry"]}

    def per_year(name, column="defendants", where=None, **kw):
        rows = measure(name, by=["fiscal_year"], store=store,
                       where={**years, **(where or {})}, **kw).to_pylist()
        return {r["fiscal_year"]: r[column] for r in rows}

    filings, every = per_year("filings", where=halted), per_year("filings")
    convicted = per_year("convictions", where=halted, charge_basis="filing")
    imposed = per_year("prison_years", "prison_years", where=halted, charge_basis="filing")
    cost = {r["fiscal_year"]: r["cost_usd"] for r in measure(
        "prison_cost", store=store, where={**years, **halted},
        charge_basis="filing").to_pylist()}
    for year in (2020, 2021):
        assert national[year]["halted_filings"] == filings.get(year, 0)
        assert national[year]["all_filings"] == every.get(year, 0)
        assert national[year]["convictions"] == convicted.get(year, 0)
        assert national[year]["prison_years"] == pytest.approx(imposed.get(year, 0.0))
    assert national[2020]["halted_filings"] == 2 and national[2020]["all_filings"] == 4
    assert national[2021]["cost_usd"] == pytest.approx(cost[2021])
    # The districts' rows are those measures for each district.
    by_district = {(r["fiscal_year"], r["district"]): r["defendants"] for r in measure(
        "convictions", by=["fiscal_year", "district"], store=store, charge_basis="filing",
        where={**years, **halted}).to_pylist()}
    for r in result.to_pylist():
        if r["district"] != "all":
            assert r["convictions"] == by_district.get((r["fiscal_year"], r["district"]), 0)


def test_share_served_and_what_it_says(store):
    result = crossings.scenario(HALT, store=store, share_served=0.85)
    national = by_area(result)[(2021, "all")]
    assert national["cost_usd"] == pytest.approx(506 / 12 * 0.85 * RATE_2020)
    meta = result.meta
    assert meta.options == {"halt": ["illegal_entry", "illegal_reentry"],
                            "charge_basis": "filing", "share_served": 0.85}
    assert any("recorded cases only" in w and "no change in behaviour" in w
               for w in meta.warnings)
    assert any("86 FR 49060" in w for w in meta.warnings)  # the FY2020 rate, flagged
    assert "Federal Judicial Center" in meta.citation and "BOP notice" in meta.citation
    assert meta.where == {"from_year": 2021, "to_year": 2021}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"halt": ""}, "at least one charge"),
    ({"halt": "illegal_entri"}, "did you mean 'illegal_entry'"),
    ({"halt": HALT, "share_served": 2}, "share-served"),
    ({"halt": HALT, "from_year": 2021, "to_year": 2020}, "after"),
])
def test_bad_requests(store, kwargs, message):
    with pytest.raises(InvalidRequest, match=message):
        crossings.scenario(store=store, **kwargs)


def test_cli_scenario(store):
    done = run_cli("scenario", "--halt", HALT, "--store", str(store.root), "-f", "json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["data"][0]["district"] == "all" and payload["data"][0]["halted_filings"] == 8
    assert payload["meta"]["measure"] == "scenario"
    table = run_cli("scenario", "--halt", HALT, "--store", str(store.root))
    assert table.returncode == 0 and "recorded cases only" in table.stderr.replace("\n", " ")
    missing = run_cli("scenario", "--store", str(store.root))
    assert missing.returncode == 2
