"""A district's sheet, a border region's, and the prosecutors' count only where its
release covers the headline year completely (hand-reasoned from the release dates)."""

from __future__ import annotations

import pytest
from helpers.sheet_html import parse

from crossings.errors import InvalidRequest
from crossings.ingest import ingest
from crossings.report import fact_sheet, render
from crossings.report.figures import resolve_scope
from crossings.sample.lions.generator import write_lions_sample


def test_a_border_district_gets_its_region_through_fy2019(report_store):
    # S.D. Tex. (41) is the South Texas region (Laredo and Rio Grande Valley sectors);
    # sector counts are all Title 8 only through FY2019, so its figure is FY2019's.
    sheet = render(report_store, district="S.D. Tex.").sheet
    context = sheet.figures.context
    assert context.per_apprehension_region == "South Texas"
    assert context.per_apprehension_year == 2019
    assert "--by fiscal_year,region" in context.per_apprehension.command
    assert sheet.figures.district_share.row == {"district": "41"}


def test_a_district_away_from_the_border_says_it_has_no_figure(report_store):
    rendered = render(report_store, district="S.D.N.Y.")
    assert rendered.sheet.figures.context.per_apprehension is None
    assert rendered.sheet.figures.context.per_apprehension_note == "no region"
    assert "borders no Border Patrol sector" in rendered.html


def test_the_other_border_has_no_per_apprehension_figure(report_store):
    rendered = render(report_store, border="other", lang="es")
    assert rendered.sheet.figures.context.per_apprehension is None
    assert "solo se miden en los distritos de la frontera suroeste" in rendered.html


def test_the_national_figure_is_for_the_latest_year_both_series_cover(report_store):
    # The shipped apprehension series ends with FY2024, the headline year.
    context = render(report_store).sheet.figures.context
    assert context.per_apprehension_year == 2024
    assert context.per_apprehension_region is None


def test_charges_narrow_the_sheet(report_store):
    sheet = render(report_store, charge="illegal_reentry").sheet
    assert [h.charge for h in sheet.figures.headlines] == ["illegal_reentry"]
    assert sheet.figures.lions.reason == "not asked"  # its count is of illegal entry


def test_to_year_moves_the_headline_year(report_store):
    sheet = render(report_store, to_year=2022).sheet
    assert sheet.year == 2022
    assert sheet.figures.trend_years == (2016, 2022)


@pytest.mark.adversarial
@pytest.mark.parametrize("kwargs", [{"district": "41", "border": "southwest"},
                                    {"charge": "non_immigration"}, {"to_year": 2010},
                                    {"from_year": 2025}])
def test_requests_the_sheet_cannot_answer(report_store, kwargs):
    with pytest.raises(InvalidRequest):
        render(report_store, **kwargs)


def test_resolve_scope_reads_district_names():
    assert resolve_scope("S.D. Tex.", None, None, None, None).district == "41"


@pytest.fixture(scope="module")
def partial_lions_store(tmp_path_factory):
    """The court file to June 2025 (headline FY2024) beside a prosecutors' release of
    March 2024 (MARFY2024): it holds FY2024 only from October 2023 to March 2024."""
    folder = tmp_path_factory.mktemp("partial")
    court = write_lions_sample(folder / "court-world", defendants=600, seed=3,
                               release="JUNFY2025", court_file=folder / "court")
    lions = write_lions_sample(folder / "lions", defendants=600, seed=4, release="MARFY2024")
    store = folder / "store"
    ingest(court.court_file, store, force=True)
    ingest(lions.out, store, source="lions", force=True)
    return store


def test_a_release_covering_the_year_in_part_is_not_used(partial_lions_store, tmp_path):
    sheet = fact_sheet(partial_lions_store, output=tmp_path)
    assert sheet.year == 2024
    assert sheet.figures.lions.release == "MARFY2024"
    assert sheet.figures.lions.filings is None and sheet.figures.lions.reason == "partial"
    html = sheet.html.read_text(encoding="utf-8")
    assert "covers FY2024 only in part, so its count is not shown" in html
    assert not any(f.key.startswith("lions.") for f in parse(html).figures)


def test_no_release_loaded_says_so(tmp_path):
    court = write_lions_sample(tmp_path / "world", defendants=400, seed=5,
                               release="JUNFY2025", court_file=tmp_path / "court")
    ingest(court.court_file, tmp_path / "store", force=True)
    rendered = render(tmp_path / "store")
    assert rendered.sheet.figures.lions.reason == "none loaded"
    assert "No prosecutors' (LIONS) release is loaded" in rendered.html
    assert rendered.sheet.figures.lions.meta is None
