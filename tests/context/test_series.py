"""The shipped series, read strictly: blanks are missing, every file is known, the COIF
rate rule and the border regions worked by hand from the README and the shipped rows."""

from __future__ import annotations

import pytest

from crossings.context import border, coif, regions, series
from crossings.errors import SourceError


def test_every_shipped_file_is_known_and_every_known_file_is_shipped():
    shipped = {p.name for p in series.data_path("facts.csv").parent.glob("*.csv")}
    assert shipped == set(series.COLUMNS)
    for name in series.COLUMNS:
        assert series.rows(name), name  # each reads, with its expected columns
        ref = series.file_ref(name)
        assert len(ref.sha256) == 64 and ref.size > 0


def test_a_blank_cell_is_missing_never_zero():
    years = border.apprehensions()
    assert years[2021]["swb_title8_apprehensions"] is None  # README: no exact FY2021 Title 8
    assert years[2021]["swb_title42_expulsions"] == 1040220
    assert years[1925]["southwest_border"] is None  # no Southwest split before FY1960
    assert years[1925]["nationwide"] == 22199


def test_every_row_names_its_series():
    names = {y: r["series"] for y, r in border.apprehensions().items()}
    assert names[2019] == "cbp_all_t8"
    assert {names[y] for y in (2020, 2021, 2022, 2023)} == {"cbp_t8+t42"}
    assert names[2024] == "cbp_t8"
    sectors = border.sector_apprehensions()
    assert sectors[(2019, "Tucson")]["series"] == "cbp_all_t8"
    assert sectors[(2020, "Tucson")]["series"] == "ohss_t8+t42"
    assert border.exact_sector_years()[-1] == 2019


def test_a_series_text_it_does_not_know_is_an_error():
    with pytest.raises(SourceError, match="does not know"):
        border.series_of("apprehensions, estimated", border.APPREHENSIONS)


@pytest.mark.adversarial
def test_a_damaged_file_is_an_error_naming_file_and_line(tmp_path, monkeypatch):
    bad = tmp_path / "incarceration-costs.csv"
    bad.write_text("fiscal_year,measure,dollars,unit,source\n"
                   "2009,bop_coif_federal_facility,25251,USD per year,x\n"
                   "2010,bop_coif_federal_facility,28k,USD per year,x\n", encoding="utf-8")
    monkeypatch.setattr(series, "data_path", lambda name: tmp_path / name)
    series.rows.cache_clear()
    try:
        with pytest.raises(SourceError, match="line 3: dollars '28k' is not a number") as err:
            series.rows("incarceration-costs.csv")
        assert "incarceration-costs.csv" in str(err.value)
        bad.write_text("fiscal_year,measure,dollars\n2009,x,1\n", encoding="utf-8")
        series.rows.cache_clear()
        with pytest.raises(SourceError, match="not the expected"):
            series.rows("incarceration-costs.csv")
    finally:
        series.rows.cache_clear()


# --- COIF: published FY2009, 2010, 2012-2017, 2019, 2020, 2023, 2024 (README) ---------------
@pytest.mark.parametrize(("year", "used"), [
    (2009, 2009), (2012, 2012),
    (2011, 2010),  # 2010 and 2012 both one year away: the earlier
    (2018, 2017),  # 2017 and 2019 both one year away: the earlier
    (2021, 2020),  # 2020 one away, 2023 two
    (2022, 2023),  # 2023 one away, 2020 two
    (2007, 2009), (2008, 2009),  # two years away: still used
    (2025, 2024), (2026, 2024),
])
def test_the_nearest_published_rate_within_two_years(year, used):
    choice = coif.rate_for(year)
    assert choice.rate.year == used and choice.reason is None


def test_no_rate_farther_than_two_years():
    for year in range(1996, 2007):  # FY1996-FY2006: the nearest, FY2009, is 3+ years away
        choice = coif.rate_for(year)
        assert choice.rate is None
        assert f"FY{year}" in choice.reason and "FY2009" in choice.reason
    assert coif.rate_for(2027).rate is None


def test_rates_are_the_annual_figures_as_printed():
    rates = coif.annual_rates()
    assert rates[2010].dollars == 28284
    assert rates[2012].dollars == pytest.approx(29027.46)
    assert rates[2019].dollars == 35347 and rates[2020].dollars == 39158
    assert "86 FR 49060" in rates[2019].source


def test_fy2019_and_fy2020_are_the_rates_inconsistent_as_printed():
    # 107.85 x 365 = 39,365.25 and x 366 = 39,473.10, neither 35,347; 120.59 x 365 =
    # 44,015.35, not 39,158. FY2012: 79.31 x 366 = 29,027.46 exactly, as printed.
    assert coif.inconsistent_years() == (2019, 2020)


# --- regions -----------------------------------------------------------------------------
def test_regions_allocate_whole_sectors_as_the_crosswalk_says():
    found = {r.name: (r.districts, r.sectors) for r in regions.regions()}
    assert found["New Mexico and West Texas"] == (("84", "42"),
                                                  ("El Paso", "Big Bend", "Del Rio"))
    assert found["South Texas"] == (("41",), ("Laredo", "Rio Grande Valley"))
    assert regions.region_of_district("42") == "New Mexico and West Texas"
    assert regions.region_of_district("73") is None  # inland: noted, not allocated
    left = {(r["sector"], r["district_code"]) for r in regions.not_allocated()}
    assert ("Yuma", "74") in left and ("San Diego", "73") in left


def test_facts_cite_the_readme():
    fact = series.fact("fy2021_title8_missing")
    assert "FY2021" in fact.statement and "README.md" in fact.source
    with pytest.raises(KeyError):
        series.fact("no such fact")
