"""The methodology as data: its rules are the ones results carry, its caveat list holds
every sentence the library writes, and docs/methodology.md is written from it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from crossings.measures import caveats, measure
from crossings.measures.methodology import (
    caveat_catalogue,
    caveat_of,
    measure_rules,
    methodology,
    store_provenance,
)
from crossings.measures.methodology_docs import render_markdown
from crossings.measures.query import build_query
from crossings.measures.reconcile import reconcile
from crossings.measures.rule_text import rule_text
from crossings.measures.rules_version import RULES_VERSION
from crossings.measures.scenario import scenario
from crossings.measures.ytd import cut_month
from crossings.store import Store
from crossings.version import __version__

DOCS = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"
DATA = Path(__file__).resolve().parents[2] / "crossings" / "measures" / "data" / "methodology"


def _variant(source: str, name: str, options: dict, cut: int = 6) -> str:
    (m,) = [m for m in measure_rules(source, cut) if m["measure"] == name]
    (rule,) = [r["rule"] for r in m["rules"] if r["options"] == options]
    return rule


# --- the rules ---------------------------------------------------------------------------
def test_each_source_lists_the_measures_it_can_count():
    got = {s["source"]: [m["measure"] for m in s["measures"]] for s in methodology()["sources"]}
    assert got["idb"] == ["filings", "terminations", "convictions", "pending", "sentences",
                          "prison_years", "dispositions", "speed", "plea_down", "counsel",
                          "offense_level"]
    assert got["lions"] == ["filings", "terminations", "convictions", "sentences",
                            "prison_years"]
    assert got["context"] == ["apprehensions", "encounters", "removals", "per_apprehension",
                              "prison_cost"]


def test_rule_texts_are_rule_text_of_the_same_query():
    for source in ("idb", "lions"):
        for m in measure_rules(source, cut=9):
            for r in m["rules"]:
                q = build_query(m["measure"], source=source, **r["options"])
                assert r["rule"] == rule_text(q, 9 if q.ytd else None)


def test_the_rules_say_the_flags_and_codes_of_the_fjc_codebook():
    # Hand-read from the FJC codebook: CTFIL / CTFILTRN count filings without / with
    # transfers; DISP1 4, 5, 8, 9, 17 and 19 are the convictions.
    assert "CTFIL = 1" in _variant("idb", "filings", {})
    assert "CTFILTRN = 1" in _variant("idb", "filings", {"transfers": "include"})
    convictions = _variant("idb", "convictions", {})
    codes = convictions.split("DISP1 in {")[1].split("}")[0]
    assert [part.split()[0] for part in codes.split("; ")] == ["4", "5", "8", "9", "17", "19"]
    assert "October through March" in _variant("idb", "filings", {"ytd": True}, cut=3)
    assert "GT, NC" in _variant("lions", "convictions", {})


def test_an_option_that_changes_no_word_is_not_listed_twice():
    (pending,) = [m for m in measure_rules("idb") if m["measure"] == "pending"]
    rules = [r["rule"] for r in pending["rules"]]
    assert len(rules) == len(set(rules))
    assert {"transfers": "include"} not in [r["options"] for r in pending["rules"]]


@pytest.mark.parametrize(("source", "name", "options"), [
    ("idb", "filings", {}), ("idb", "filings", {"transfers": "include"}),
    ("idb", "convictions", {"charge_basis": "filing"}), ("idb", "sentences", {}),
    ("idb", "counsel", {"any_charge": True}), ("lions", "terminations", {}),
    ("lions", "sentences", {"any_charge": True}),
])
def test_results_carry_the_rule_the_methodology_shows(both_sources, source, name, options):
    result = measure(name, by=["fiscal_year"], source=source, store=both_sources, **options)
    assert result.meta.rule == _variant(source, name, options)


def test_year_to_date_rules_with_the_stores_own_cut(both_sources):
    result = measure("filings", by=["fiscal_year"], store=both_sources, ytd=True)
    cut = cut_month(result.meta.data_as_of)
    assert result.meta.rule == _variant("idb", "filings", {"ytd": True}, cut=cut)
    (idb,) = [r for r in store_provenance(both_sources)["releases"] if r["source"] == "idb"]
    assert idb["ytd_months"] == result.meta.ytd["months"]


# --- the caveats -------------------------------------------------------------------------
def _sentences(result) -> list[str]:
    meta = result.meta
    out = list(caveats(meta)) + list(meta.coverage) + list(meta.notes) + list(meta.warnings)
    return [s for s in out if not s.startswith(("Source: ", "Rule: "))]


@pytest.fixture(scope="module")
def battery(both_sources) -> list:
    """Results that between them write every kind of sentence."""
    store = both_sources
    kw = {"store": store}
    return [
        measure("filings", by=["fiscal_year"], change=True, **kw),
        measure("filings", by=["fiscal_year"], where={"from_year": 1990}, **kw),
        measure("filings", by=["fiscal_year"], ytd=True, **kw),
        measure("filings", by=["fiscal_year"], source="lions", **kw),
        measure("convictions", by=["fiscal_year"], source="lions", **kw),
        measure("apprehensions"), measure("apprehensions", by=["sector"]),
        measure("apprehensions", by=["region"]), measure("encounters"),
        measure("encounters", by=["sector"]), measure("removals"),
        measure("removals", series="ice"),
        measure("per_apprehension", **kw), measure("per_apprehension", by=["region"], **kw),
        measure("prison_cost", share_served=0.85, **kw),
        scenario("illegal_entry", **kw),
        reconcile(store=store, published=True),
        reconcile(store=store, published=True, district="41"),
    ]


def test_every_sentence_the_library_writes_is_in_the_catalogue(battery):
    seen = set()
    for result in battery:
        for sentence in _sentences(result):
            entry = caveat_of(sentence)
            assert entry is not None, f"not in the methodology's caveats: {sentence!r}"
            seen.add(entry["id"])
            if entry["id"] == "caveat.warning":  # the warning itself is listed too
                inner = caveat_of(sentence.removeprefix("Warning: "))
                assert inner is not None and inner["kind"] in ("warning", "fact"), sentence
    # the battery reaches these, so each template was matched against a real sentence
    assert {"caveat.synthetic", "caveat.partial_years", "caveat.provisional_months",
            "caveat.ytd", "caveat.warning", "coverage.idb.1", "coverage.lions.2",
            "coverage.apprehensions.1", "coverage.removals.1", "warning.years_outside_data",
            "warning.partial_year_no_change", "warning.prison_cost_left_out",
            "warning.scenario_assumptions", "warning.region_fy2019", "warning.series_break",
            "warning.no_title8_figure", "warning.no_title8_denominator",
            "note.lions_guilty_plea", "note.share_served", "note.published_district",
            "note.published_national", "note.guam_nmi", "note.series", "note.regions",
            "note.encounters_own_measure", "note.published_as_printed",
            "fact.title42_not_added", "fact.coif_definition"} <= seen


def test_every_rule_a_result_carries_is_listed(battery):
    results = battery
    cut = cut_month(results[0].meta.data_as_of)
    data = methodology()
    listed = {r["rule"] for s in data["sources"] for m in s["measures"] for r in m["rules"]}
    listed |= {r["rule"] for source in ("idb", "lions") for m in measure_rules(source, cut)
               for r in m["rules"]}
    listed |= {data["reconcile"]["rule"], data["scenario"]["rule"]}
    for result in results:
        assert result.meta.rule in listed, result.meta.measure


def test_a_sentence_the_catalogue_does_not_hold_is_found_as_none():
    assert caveat_of("Warning: something new") is not None  # the frame is listed
    assert caveat_of("something new") is None
    assert caveat_of("Fiscal year 2025 is partial (data as of 2025-06-30).")["id"] == \
        "caveat.partial_years"


def test_the_caveat_templates_are_the_ones_caveats_writes():
    by_id = {e["id"]: e for e in caveat_catalogue()}
    meta = {"synthetic": True, "partial_years": [2025], "data_as_of": "2025-06-30",
            "provisional_months": {"JUNFY2025": ["2025-03", "2025-06"]},
            "warnings": ["w"], "citation": "c", "rule": "r"}
    written = caveats(meta)
    assert written == ["SYNTHETIC SAMPLE DATA: these are not real cases.",
                       "Fiscal year 2025 is partial (data as of 2025-06-30).",
                       "Release JUNFY2025: 2025-03 to 2025-06 are provisional (later releases "
                       "revise them).", "Warning: w", "Source: c.", "Rule: r"]
    assert [caveat_of(s)["id"] for s in written] == [
        "caveat.synthetic", "caveat.partial_years", "caveat.provisional_months",
        "caveat.warning", "caveat.source", "caveat.rule"]
    assert by_id["caveat.partial_years"]["fields"] == ["years", "data_as_of"]


def test_every_caveat_is_explained_and_every_explanation_names_a_caveat():
    with open(DATA / "caveats.csv", newline="", encoding="utf-8") as f:
        explained = [row["id"] for row in csv.DictReader(f)]
    ids = [e["id"] for e in caveat_catalogue()]
    assert len(ids) == len(set(ids))
    assert sorted(explained) == sorted(ids)
    assert all(e["explanation"] for e in caveat_catalogue())


# --- the store ---------------------------------------------------------------------------
def test_store_provenance_names_each_release_with_its_checksums(both_sources):
    got = store_provenance(both_sources)
    assert (got["rules_version"], got["tool_version"]) == (RULES_VERSION, __version__)
    by_source = {r["source"]: r for r in got["releases"]}
    assert set(by_source) == {"idb", "lions"}
    lions = by_source["lions"]
    assert lions["release"] == "JUNFY2025"
    assert lions["partial_years"] == [2025]  # a June release: its fiscal year is partial
    assert lions["provisional_months"] == ["2025-03", "2025-04", "2025-05", "2025-06"]
    assert lions["ytd_months"] == "October through June"  # data as of June 30
    for entry in both_sources.entries():
        release = by_source[entry.source]
        assert [f["sha256"] for f in release["files"]] == \
            [f["sha256"] for f in entry.record["files"]]
        assert all(len(f["sha256"]) == 64 for f in release["files"])
        assert release["citation"] == measure(
            "filings", source=entry.source, store=both_sources).meta.citation
    assert got["synthetic"] is True


def test_an_empty_store_has_no_releases(tmp_path):
    got = methodology(Store(tmp_path / "none"))
    assert got["store"]["releases"] == [] and got["store"]["synthetic"] is False


def test_without_a_store_there_is_no_store_part_and_each_call_is_a_new_dict():
    first = methodology()
    assert first["store"] is None
    first["sources"].clear()
    assert methodology()["sources"]


def test_it_is_json(both_sources):
    data = methodology(both_sources)
    assert json.loads(json.dumps(data)) == data


# --- the docs ----------------------------------------------------------------------------
def test_docs_methodology_is_current():
    assert DOCS.read_text(encoding="utf-8") == render_markdown(), \
        "docs/methodology.md is stale: run `make docs`"


def test_the_docs_hold_every_rule_caveat_gap_and_explanation():
    docs = DOCS.read_text(encoding="utf-8")
    data = methodology()
    for section in data["sections"]:
        assert section["markdown"] in docs
    for source in data["sources"]:
        for m in source["measures"]:
            for rule in m["rules"]:
                assert rule["rule"] in docs
        for text in (*source["coverage"], *source["coverage_gaps"], source["cite_this"],
                     source["partial_year"]):
            assert text in docs
    for entry in caveat_catalogue():
        assert (entry.get("text") or entry["template"]).replace("|", "\\|") in docs
