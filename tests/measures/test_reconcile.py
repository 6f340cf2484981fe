"""Reconciliation: every itemised cause equals what the sample generator planted."""

from __future__ import annotations

import json

import pytest
from helpers.tools import run_cli

from crossings.errors import InvalidRequest
from crossings.ingest import ingest
from crossings.measures import measure
from crossings.measures.reconcile import COLUMNS, reconcile
from crossings.sample.lions.generator import write_lions_sample
from crossings.store import Store


@pytest.fixture(scope="module", params=(3, 8))
def world(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"world{request.param}")
    info = write_lions_sample(folder / "release", defendants=1500, seed=request.param,
                              court_file=folder / "court")
    store = Store(folder / "store")
    ingest(info.court_file, store)
    ingest(folder / "release", store, source="lions")
    truth = json.loads(info.truth.read_text())
    return store, truth


def test_each_cause_equals_what_was_planted(world):
    store, truth = world
    got = {(r["fiscal_year"], r["charge"]): r for r in reconcile(store=store).to_pylist()}
    planted = {(t["fiscal_year"], t["charge"]): t for t in truth["by_fiscal_year_charge"]}
    assert got.keys() == planted.keys()
    for key, expected in planted.items():
        assert {c: got[key][c] for c in COLUMNS} == {c: expected[c] for c in COLUMNS}, key
    for cause in ("transfers", "date_basis", "magistrate_only", "residual"):
        assert any(r[cause] for r in got.values()), f"no {cause} planted: the test is weak"


@pytest.mark.parametrize(("source", "column"), [("lions", "lions_all"), ("idb", "court_file")])
def test_each_source_counts_what_was_planted(world, source, column):
    # The generator's truth.json holds the categories it planted from its own tables.
    store, truth = world
    result = measure("filings", by=["fiscal_year", "charge"], source=source, store=store)
    got = {(r["fiscal_year"], r["charge"]): r["defendants"] for r in result.to_pylist()}
    planted = {(t["fiscal_year"], t["charge"]): t[column]
               for t in truth["by_fiscal_year_charge"] if t[column]}
    assert got == planted


def test_identities_hold_in_every_row(world):
    store, _ = world
    for r in reconcile(("fiscal_year", "charge", "district"), store=store).to_pylist():
        assert r["lions_district"] == (r["court_file"] + r["transfers"] + r["lead_charge"]
                                       + r["residual"])
        assert r["lions_all"] == r["lions_district"] + r["date_basis"] + r["magistrate_only"]


def test_one_district_by_either_code(world):
    store, truth = world
    by_code = reconcile(("fiscal_year",), district="41", store=store).to_pylist()
    by_name = reconcile(("fiscal_year",), district="TXS", store=store).to_pylist()
    assert by_code == by_name and by_code


def test_published_figures_come_with_their_definitions(world):
    store, _ = world
    result = reconcile(("fiscal_year", "charge"), store=store, published=True)
    figures = result.meta["published"]
    assert {f["source"] for f in figures} == {"US Courts", "TRAC"}
    for f in figures:  # every part of a citation given, or said to be missing
        for part in ("definition", "publisher", "title", "address", "published", "basis"):
            assert f[part], (f["version"], part)
    trac = [f for f in figures if f["source"] == "TRAC" and f["fiscal_year"] == "2013"]
    # TRAC revised its FY2013 figures: both versions ship, each with its own report.
    assert {(f["charge"], f["value"], f["version"]) for f in trac} == {
        ("immigration", 97384, "report 336 (2013)"), ("illegal_entry", 53789, "report 336 (2013)"),
        ("illegal_reentry", 37346, "report 336 (2013)"),
        ("immigration", 97384, "report 354 (2014)"), ("illegal_entry", 53822, "report 354 (2014)"),
        ("illegal_reentry", 37440, "report 354 (2014)")}


def test_bad_dimension_is_refused(world):
    store, _ = world
    with pytest.raises(InvalidRequest):
        reconcile(("agency",), store=store)


def test_cli_json_equals_python(world):
    store, _ = world
    python = reconcile(("fiscal_year",), store=store).to_dict()
    done = run_cli("reconcile", "--by", "fiscal_year", "--store", str(store.root), "-f", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(json.dumps(python, default=str))


def test_by_and_where_as_for_measure(world):
    # The planted truth per (fiscal year, charge): a charge filter keeps its rows.
    store, truth = world
    planted = {t["fiscal_year"]: t for t in truth["by_fiscal_year_charge"]
               if t["charge"] == "illegal_reentry"}
    got = {r["fiscal_year"]: r for r in reconcile(["fiscal_year"], {"charge": "illegal_reentry"},
                                                  store=store).to_pylist()}
    assert got.keys() == planted.keys()
    for year, expected in planted.items():
        assert {c: got[year][c] for c in COLUMNS} == {c: expected[c] for c in COLUMNS}, year
    first = min(planted) + 1
    by_where = reconcile("fiscal_year", where={"district": "S.D. Tex.", "from_year": first},
                         store=store)
    by_keywords = reconcile(("fiscal_year",), district="41", from_year=first, store=store)
    assert by_where.to_pylist() == by_keywords.to_pylist() and by_where.to_pylist()
    assert min(r["fiscal_year"] for r in by_where.to_pylist()) >= first
    assert by_where.meta["where"] == {"from_year": first, "district": ["41"]}


@pytest.mark.parametrize(("where", "named"), [
    ({"border": "southwest"}, "cannot filter by border"),
    ({"colour": "red"}, "cannot filter by colour"),
    ({"charge": "reentry"}, "unknown charge"),
    ({"from_year": 2016, "to_year": 2015}, "after --to-year"),
])
def test_a_filter_reconcile_cannot_apply_is_refused(world, where, named):
    store, _ = world
    with pytest.raises(InvalidRequest, match=named):
        reconcile(["fiscal_year"], where, store=store)


def test_a_filter_given_twice_is_refused(world):
    store, _ = world
    with pytest.raises(InvalidRequest, match="given twice"):
        reconcile(["fiscal_year"], {"district": "41"}, district="TXS", store=store)


def test_a_year_partial_in_either_source_is_partial_side_by_side(world):
    """The court file's latest fiscal year is partial (the rule in meta.partial_years), and
    a LIONS release not from September leaves its own fiscal year partial."""
    store, _ = world
    result = reconcile(["fiscal_year"], store=store)
    idb_latest = max(r["fiscal_year"] for r in measure("filings", by=["fiscal_year"],
                                                        store=store).to_pylist())
    release = store.entry("lions", None).release
    month = release[:3]
    year = int(release[-4:])
    lions_partial = [] if month == "SEP" else [year + (month in ("OCT", "NOV", "DEC"))]
    assert result.meta.partial_years == sorted({idb_latest, *lions_partial})
    assert result.meta.years_covered == sorted(r["fiscal_year"] for r in result.to_pylist())
