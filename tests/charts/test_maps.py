"""The district choropleth: every district drawn, the insets each fitted to their own
shape, combined rows on every part, round bins said in words, and links."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pyarrow as pa
import pytest
from helpers.charts import assert_valid, mark_groups

import crossings.charts
from crossings import charts
from crossings.charts import maps
from crossings.charts.base import PARTIAL
from crossings.codebook import districts
from crossings.errors import InvalidRequest
from crossings.measures import Result, measure
from crossings.measures.labels import district_label
from crossings.measures.result import is_fraction

INSET_IDS = ("PR", "VI", "GU", "NMI")


def shape_marks(spec: dict) -> dict[str, list[dict]]:
    """The drawn shapes of each panel (name -> items with fill and description)."""
    return {node["name"]: node["items"] for node in mark_groups(spec, "shape")}


def district_of(item: dict) -> str:
    return item["description"].split("District: ")[1].split(";")[0]


@pytest.fixture(scope="module")
def by_district(chart_store):
    return measure("filings", ["district"], store=chart_store)


def test_map_is_valid_and_its_rows_are_the_result(by_district, vega_lite_schema):
    spec = charts.district_map(by_district)
    assert_valid(spec, vega_lite_schema)
    shown = spec["datasets"]["result"]
    assert [{k: v for k, v in r.items() if k != PARTIAL} for r in shown] == \
        by_district.table.to_pylist()


def test_shapes_are_the_94_districts_of_the_codebook():
    assert sorted(maps.district_ids()) == sorted(d.map_key for d in districts.districts())
    assert len(maps.district_ids()) == 94


def test_every_district_is_drawn_and_the_insets_alone(by_district):
    marks = shape_marks(charts.district_map(by_district))
    main = marks["concat_0_layer_0_marks"]
    assert len(main) == 94
    assert {district_of(i) for i in main} == {d.name for d in districts.districts()}
    names = {d.map_key: d.name for d in districts.districts()}
    for n, feature in enumerate(INSET_IDS):
        (item,) = marks[f"concat_1_concat_{n}_layer_0_marks"]
        assert district_of(item) == names[feature]


def test_each_inset_has_its_own_projection(by_district):
    compiled = charts.to_vega(charts.district_map(by_district))
    projections = compiled["projections"]
    assert len(projections) == 1 + len(INSET_IDS)
    assert projections[0]["type"] == "albersUsa"
    # Each inset fitted to its own data, not one projection fitted to all four.
    assert all(len(p["fit"]["signal"].split("data(")) == 2 for p in projections[1:])


def hand_result(meta, rows: list[dict]) -> Result:
    """A by-district result with the label columns measure() adds."""
    table = [{"district": code,
              **{col: district_label(code, attr) for col, attr in
                 {"district_name": "name", "district_abbreviation": "abbreviation",
                  "district_short_name": "short", "district_map_key": "map_key"}.items()},
              "defendants": n} for code, n in rows]
    return Result(pa.Table.from_pylist(table), dataclasses.replace(meta, partial_years=[]),
                  keys=["district"])


def test_a_combined_row_colours_guam_and_the_northern_marianas(by_district):
    assert district_label("93+94", "map_key") == "GU+NMI"
    result = hand_result(by_district.meta, [("41", 1500), ("93+94", 40), ("00", 3)])
    spec = charts.district_map(result)
    scale = spec["vconcat"][0]["layer"][0]["encoding"]["color"]["scale"]
    # Worked by hand: 3 to 1,500 spans more than twenty-fold: powers of ten.
    assert scale["domain"] == ["under 10", "10 to 99", "100 to 999", "1,000 or more",
                               maps.NO_ROW]
    colour = dict(zip(scale["domain"], scale["range"], strict=True))
    marks = shape_marks(spec)
    fills = {district_of(i): i["fill"] for i in marks["concat_0_layer_0_marks"]}
    assert fills["Southern District of Texas"] == colour["1,000 or more"]
    assert fills["District of Maine"] == colour["under 10"]
    (guam,) = marks["concat_1_concat_2_layer_0_marks"]
    (marianas,) = marks["concat_1_concat_3_layer_0_marks"]
    assert guam["fill"] == marianas["fill"] == colour["10 to 99"]
    # Both shapes of the combined row carry its name (the tooltip's "District").
    combined = "District of Guam and District of the Northern Mariana Islands"
    assert fills[combined] == colour["10 to 99"]
    others = [f for name, f in fills.items() if name not in (
        "Southern District of Texas", "District of Maine", combined)]
    assert len(others) == 90 and set(others) == {colour[maps.NO_ROW]}
    assert "90 district(s) with no row" in spec["description"]  # 94 - TX, ME, GU, NMI


def test_links_keep_the_template_and_name_the_court_file_code(by_district):
    template = "/districts?district={district}&from_year=2016&charge=illegal_entry"
    spec = charts.district_map(by_district, link=template)
    marks = shape_marks(spec)
    texas = next(i for i in marks["concat_0_layer_0_marks"]
                 if district_of(i) == "Southern District of Texas")
    assert "/districts?district=41&from_year=2016&charge=illegal_entry" in \
        texas["description"]
    assert spec["vconcat"][0]["layer"][0]["encoding"]["href"]["field"] == "map_link"
    no_link = charts.district_map(by_district)
    assert "href" not in no_link["vconcat"][0]["layer"][0]["encoding"]


def test_the_web_loads_the_shapes_from_the_static_copy(by_district):
    spec = charts.district_map(by_district, geo_url=charts.GEO_STATIC_URL)
    assert "geo" not in spec["datasets"]
    assert spec["vconcat"][0]["data"]["url"] == "/static/geo/us-judicial-districts-10m.topo.json"
    package = Path(crossings.charts.__file__).parent
    static = package.parent / "web" / "static" / "geo" / maps.GEO_NAME
    assert static.read_bytes() == (package / "data" / maps.GEO_NAME).read_bytes()


@pytest.mark.parametrize(("values", "whole", "expected"), [
    ([0, 3, 7, 12, 40, 300, 2197], True, [1, 10, 100, 1000]),
    ([3, 50], True, [20, 30, 40, 50]),  # steps of 10 in (3, 50], the lowest merged
    ([60, 300, 3000], True, [100, 300, 1000, 3000]),  # powers of ten: 2 bins; 1-3-10
    ([1, 30, 321], True, [10, 30, 100, 300]),
    ([0, 1, 2], True, [1, 2]),  # whole counts: no bin "0.5 to 1"
    ([0.85, 0.9, 0.93, 1.0], False, [0.9, 0.95, 1.0]),
    ([0.5, 0.7, 1.0], False, [0.7, 0.8, 0.9, 1.0]),
    ([5, 5, 5], True, []),
])
def test_breaks_are_round(values, whole, expected):
    assert maps.nice_breaks(values, whole=whole) == expected


def test_bin_labels_in_words():
    assert maps.bin_labels([10.0, 100.0], ",d", [1, 500]) == [
        "under 10", "10 to 99", "100 or more"]
    assert maps.bin_labels([0.9, 0.95], ".1%", [0.8, 1.0]) == [
        "under 90%", "90% to under 95%", "95% or more"]
    assert maps.bin_labels([0.9, 1.0], ".1%", [0.8, 1.0]) == [
        "under 90%", "90% to under 100%", "100%"]


def test_rate_map_shows_percents(chart_store, vega_lite_schema):
    result = measure("convictions", ["district"], store=chart_store)
    spec = charts.district_map(result, value="conviction_rate", unit="conviction rate")
    assert_valid(spec, vega_lite_schema)
    assert is_fraction("conviction_rate")
    labels = spec["vconcat"][0]["layer"][0]["encoding"]["color"]["scale"]["domain"]
    assert all("%" in label for label in labels[:-1])
    assert "format(datum.map_value, '.1%')" in json.dumps(spec["vconcat"][0]["transform"])


def test_the_map_says_a_partial_year_is_summed(by_district):
    spec = charts.district_map(by_district)
    (year,) = by_district.meta.partial_years
    assert spec["title"]["subtitle"] == [f"FY{year} is partial: data through June 2025."]


def test_several_years_are_refused(chart_store):
    result = measure("filings", ["fiscal_year", "district"], store=chart_store)
    with pytest.raises(InvalidRequest, match="one fiscal year"):
        charts.district_map(result)


def test_map_svg_has_its_title(by_district):
    svg = charts.to_svg(charts.district_map(by_district, title="Filings by district"))
    assert "Filings by district" in svg and svg.count("<path") >= 94 + 4
