"""Published series as measures, and filings per 1,000 apprehensions, worked by hand.

The court file below holds these filings (CTFIL = 1), by filing charge:

    FY    district         charge             defendants
    2019  41 S.D. Tex.     illegal_reentry    3
    2019  42 W.D. Tex.     illegal_reentry    2
    2019  84 New Mexico    illegal_reentry    1
    2019  70 Arizona       illegal_entry      1
    2019  74 S.D. Cal.     alien_smuggling    2
    2019  41               non_immigration    1   (not immigration: left out)
    2019  00 Maine         illegal_reentry    2   (not a border district: left out)
    2021  41               illegal_reentry    2
    2022  41               illegal_reentry    1
    2023  70               illegal_entry      1   (the latest year: partial)

The shipped apprehension rows used (usbp-apprehensions-by-fy.csv): FY2019 Southwest
border 851,508 (all Title 8); FY2021 no Title 8 figure, Title 42 1,040,220; FY2022 Title 8
1,152,352, Title 42 1,054,084; FY2023 Title 8 1,496,067, Title 42 549,771. Sectors FY2019
(usbp-apprehensions-by-sector-fy.csv): San Diego 58,049, El Centro 35,138, Yuma 68,269,
Tucson 63,490, El Paso 182,143, Big Bend 9,637, Del Rio 57,269, Laredo 38,378, Rio Grande
Valley 339,135.
"""

from __future__ import annotations

import json

import pytest
from helpers.idb_rows import row, write
from helpers.tools import run_cli

from crossings.errors import InvalidRequest
from crossings.ingest import ingest
from crossings.measures import measure
from crossings.store import Store

CHARGES = {"illegal_reentry": ("8:1326.F", "8720"), "illegal_entry": ("8:1325.M", "8710"),
           "alien_smuggling": ("8:1324.F", "8730"), "non_immigration": ("21:841A.F", "6701")}
FILINGS = [(2019, "41", "illegal_reentry", 3), (2019, "42", "illegal_reentry", 2),
           (2019, "84", "illegal_reentry", 1), (2019, "70", "illegal_entry", 1),
           (2019, "74", "alien_smuggling", 2), (2019, "41", "non_immigration", 1),
           (2019, "00", "illegal_reentry", 2), (2021, "41", "illegal_reentry", 2),
           (2022, "41", "illegal_reentry", 1), (2023, "70", "illegal_entry", 1)]
CIRCUITS = {"41": "05", "42": "05", "84": "10", "70": "09", "74": "09", "00": "01"}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("beside")
    rows, n = [], 0
    for year, district, charge, count in FILINGS:
        title, d2 = CHARGES[charge]
        for _ in range(count):
            n += 1
            rows.append(row(FISCALYR=year, CTFIL=1, DOCKET=f"{n:07d}", DISTRICT=district,
                            CIRCUIT=CIRCUITS[district], FILEDATE=f"01/15/{year}",
                            FTITLE1=title, D2FOFFCD1=d2))
    store = Store(folder / "store")
    ingest(write(folder / "cr96on.txt", rows), store)
    return store


def keyed(result, *keys):
    return {tuple(r[k] for k in keys): r for r in result.to_pylist()}


# --- the series ---------------------------------------------------------------------------
def test_apprehensions_name_their_series_and_mark_each_break():
    result = measure("apprehensions", where={"from_year": 2018})
    rows = keyed(result, "fiscal_year")
    assert rows[(2019,)]["southwest_border"] == 851508
    assert rows[(2021,)]["swb_title8_apprehensions"] is None
    assert [y for (y,), r in rows.items() if r["series_break"]] == [2020, 2024]
    assert {r["series"] for r in rows.values()} == {
        "cbp_all_t8", "cbp_t8+t42", "cbp_t8"}
    assert any("FY2020, FY2024" in w for w in result.meta.warnings)


def test_every_figure_is_cited_in_meta():
    for name, by in (("apprehensions", []), ("apprehensions", ["sector"]),
                     ("apprehensions", ["region"]), ("encounters", []),
                     ("encounters", ["sector"]), ("removals", [])):
        result = measure(name, by=by, where={"from_year": 2015, "to_year": 2019})
        cited_years = set()
        for key, provenance in result.meta.sources.items():
            assert provenance.citation and provenance.files[0].sha256, (name, key)
            file, years = key.split(" ", 1)
            assert provenance.files[0].name.endswith(file)
            for part in years.split(", "):
                first, _, last = part.partition("-")
                cited_years |= set(range(int(first[2:]), int((last or first)[2:]) + 1))
        shown = {r["fiscal_year"] for r in result.to_pylist()
                 if any(isinstance(v, int) and k != "fiscal_year" for k, v in r.items())}
        assert shown <= cited_years, (name, by)
        assert result.meta.citation.startswith("published series shipped with crossings")


def test_a_region_of_two_districts_sums_its_whole_sectors():
    rows = keyed(measure("apprehensions", by=["region"], where={"from_year": 2019,
                                                                "to_year": 2020}),
                 "fiscal_year", "region")
    region = rows[(2019, "New Mexico and West Texas")]
    assert region["districts"] == "84+42"
    assert region["apprehensions"] == 182143 + 9637 + 57269
    assert rows[(2019, "California")]["apprehensions"] == 58049 + 35138
    later = rows[(2020, "South Texas")]
    assert later["apprehensions"] is None and "Title 42" in later["note"]


def test_removals_yearbook_then_ohss_with_a_break_and_fy2024_missing():
    result = measure("removals", where={"from_year": 2019})
    rows = keyed(result, "fiscal_year")
    assert (rows[(2019,)]["series"], rows[(2019,)]["removals"]) == (
        "dhs_yearbook_2019_table39", 359885)
    assert (rows[(2020,)]["series"], rows[(2020,)]["removals"]) == (
        "ohss_monthly_tables_2024_08", 234370)
    assert rows[(2020,)]["series_break"] and not rows[(2021,)]["series_break"]
    assert rows[(2024,)]["series"] is None and rows[(2024,)]["removals"] is None
    assert "FY2024" in rows[(2024,)]["note"]
    assert any(w.startswith("FY2024") for w in result.meta.warnings)


def test_ice_removals_only_as_their_own_series():
    rows = keyed(measure("removals", where={"from_year": 2023}, series="ice"), "fiscal_year")
    assert {k: (r["series"], r["removals"]) for k, r in rows.items()} == {
        (2023,): ("ice_ero_removals", 142580), (2024,): ("ice_ero_removals", 271484)}


def test_encounters_are_their_own_series():
    [r] = measure("encounters", where={"from_year": 2000, "to_year": 2000}).to_pylist()
    assert (r["series"], r["southwest_land_border"]) == ("ohss_khsm", 1566420)


@pytest.mark.parametrize(("name", "kwargs", "message"), [
    ("apprehensions", {"where": {"district": "41"}}, "takes no filter district"),
    ("apprehensions", {"by": ["charge"]}, "unknown dimension"),
    ("apprehensions", {"series": "ice"}, "--series applies to removals"),
    ("apprehensions", {"source": "lions"}, "does not apply"),
    ("apprehensions", {"change": True}, "do not apply"),
    ("removals", {"series": "dhs_sum"}, "unknown removal series"),
    ("removals", {"share_served": 0.5}, "--share-served applies"),
    ("filings", {"series": "ice"}, "--series applies"),
    ("apprehensoins", {}, "did you mean 'apprehensions'"),
])
def test_requests_that_do_not_fit_are_refused(name, kwargs, message):
    with pytest.raises(InvalidRequest, match=message):
        measure(name, **kwargs)


# --- per_apprehension ---------------------------------------------------------------------
def test_filings_per_1000_title8_apprehensions(store):
    result = measure("per_apprehension", store=store)
    rows = keyed(result, "fiscal_year", "charge")
    assert set(rows) == {(2019, "illegal_reentry"), (2019, "illegal_entry"),
                         (2019, "alien_smuggling"), (2021, "illegal_reentry"),
                         (2022, "illegal_reentry"), (2023, "illegal_entry")}
    reentry = rows[(2019, "illegal_reentry")]  # 3 + 2 + 1 in the border districts, not Maine
    assert (reentry["filings"], reentry["title8_apprehensions"]) == (6, 851508)
    assert reentry["filings_per_1000"] == pytest.approx(6 / 851508 * 1000)
    assert reentry["title42_expulsions"] is None
    assert rows[(2019, "alien_smuggling")]["filings_per_1000"] == pytest.approx(2000 / 851508)
    later = rows[(2022, "illegal_reentry")]
    assert later["filings_per_1000"] == pytest.approx(1000 / 1152352)
    assert later["title42_expulsions"] == 1054084  # beside, not added
    assert rows[(2023, "illegal_entry")]["title8_apprehensions"] == 1496067


def test_fy2021_has_no_title8_denominator_and_says_why(store):
    result = measure("per_apprehension", store=store, where={"from_year": 2021,
                                                             "to_year": 2021})
    [r] = result.to_pylist()
    assert (r["filings"], r["title8_apprehensions"], r["filings_per_1000"]) == (2, None, None)
    assert r["title42_expulsions"] == 1040220
    assert "FY2021" in r["note"]
    assert any(w.startswith("FY2021: no Title 8 denominator") for w in result.meta.warnings)


def test_per_apprehension_by_region(store):
    result = measure("per_apprehension", by=["region"], store=store)
    rows = keyed(result, "fiscal_year", "region")
    two = rows[(2019, "New Mexico and West Texas")]  # districts 42 (2) and 84 (1)
    assert two["filings"] == 3 and two["title8_apprehensions"] == 182143 + 9637 + 57269
    assert two["filings_per_1000"] == pytest.approx(3000 / 249049)
    assert rows[(2019, "South Texas")]["filings_per_1000"] == pytest.approx(
        3000 / (38378 + 339135))
    assert rows[(2019, "Arizona")]["title8_apprehensions"] == 68269 + 63490
    assert rows[(2019, "California")]["filings"] == 2
    assert rows[(2021, "South Texas")]["title8_apprehensions"] is None
    assert any("through FY2019 only" in w for w in result.meta.warnings)
    assert any("not allocated" in n for n in result.meta.notes)


def test_per_apprehension_cites_both_the_court_file_and_the_series(store):
    meta = measure("per_apprehension", by=["fiscal_year"], store=store).meta
    assert "Federal Judicial Center" in meta.citation
    assert "usbp-apprehensions-by-fy.csv FY2019" in meta.citation
    assert {"idb", "usbp-apprehensions-by-fy.csv FY2019"} <= set(meta.sources)
    assert meta.measure == "per_apprehension" and meta.by == ["fiscal_year"]


def test_per_apprehension_counts_immigration_charges_only(store):
    rows = keyed(measure("per_apprehension", by=["fiscal_year"], store=store), "fiscal_year")
    assert rows[(2019,)]["filings"] == 6 + 1 + 2
    with pytest.raises(InvalidRequest, match="unknown charge"):
        measure("per_apprehension", where={"charge": "non_immigration"}, store=store)


def test_cli_stats_per_apprehension_json(store):
    done = run_cli("stats", "per_apprehension", "--by", "fiscal_year", "--from-year", "2022",
                   "--store", str(store.root), "-f", "json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert [(r["fiscal_year"], r["filings"], r["title8_apprehensions"])
            for r in payload["data"]] == [(2022, 1, 1152352), (2023, 1, 1496067)]
    assert payload["meta"]["measure"] == "per_apprehension"


def test_cli_series_without_a_store():
    done = run_cli("stats", "removals", "--series", "ice", "--from-year", "2024", "-f", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].startswith("2024,ice_ero_removals,271484,")
    bad = run_cli("stats", "apprehensions", "--district", "41")
    assert bad.returncode == 2 and "takes no filter district" in bad.stderr


def test_an_empty_charge_filter_is_refused_not_ignored(store):
    with pytest.raises(InvalidRequest, match="names no value"):
        measure("per_apprehension", where={"charge": ""}, store=store)
