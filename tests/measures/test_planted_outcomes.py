"""How court-file cases end: the guilty-plea share, the share disposed within a day
and ``plea_down`` equal what the sample generator planted (``truth.json``'s
``outcomes``, counted from the generator's own model, never from the engine)."""

from __future__ import annotations

import json

import pytest
from helpers.tools import run_cli

from crossings.ingest import ingest
from crossings.measures import measure
from crossings.sample.lions.generator import write_lions_sample
from crossings.store import Store


@pytest.fixture(scope="module", params=(2, 9))
def world(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"outcomes{request.param}")
    info = write_lions_sample(folder / "release", defendants=2500, seed=request.param,
                              court_file=folder / "court")
    store = Store(folder / "store")
    ingest(info.court_file, store)
    return store, json.loads(info.truth.read_text())["outcomes"]


def _planted(outcomes: dict) -> dict[tuple[int, str], dict]:
    return {(r["fiscal_year"], r["charge"]): r for r in outcomes["by_fiscal_year_charge"]}


def _rows(result, *keys: str) -> dict[tuple, dict]:
    return {tuple(r[k] for k in keys): r for r in result.table.to_pylist()}


def test_something_of_each_was_planted(world):
    _, outcomes = world
    rows = outcomes["by_fiscal_year_charge"]
    assert sum(r["convictions_trial"] for r in rows) >= 3
    assert sum(r["within_1_day"] for r in rows) >= 3
    assert sum(r["ended_as_entry"] for r in outcomes["plea_down"]) >= 3
    assert all(r["convictions"] == r["convictions_plea"] + r["convictions_trial"] for r in rows)


def test_guilty_plea_share_equals_the_planted_pleas(world):
    store, outcomes = world
    got = _rows(measure("convictions", by=["fiscal_year", "charge"], store=store),
                "fiscal_year", "charge")
    planted = {k: r for k, r in _planted(outcomes).items() if r["convictions"]}
    assert got.keys() == planted.keys()
    for key, r in planted.items():
        assert got[key]["defendants"] == r["convictions"], key
        assert got[key]["terminations"] == r["terminated"], key
        assert got[key]["guilty_plea_share"] == r["convictions_plea"] / r["convictions"], key
    assert any(g["guilty_plea_share"] < 1 for g in got.values())


def test_share_within_a_day_equals_the_planted_same_day_cases(world):
    store, outcomes = world
    got = _rows(measure("speed", by=["fiscal_year", "charge"], store=store),
                "fiscal_year", "charge")
    planted = _planted(outcomes)
    assert got.keys() == planted.keys()
    for key, r in planted.items():
        assert got[key]["terminated"] == got[key]["dated"] == r["terminated"], key
        assert got[key]["share_within_1_day"] == r["within_1_day"] / r["terminated"], key
    # Only illegal-entry misdemeanours are planted on the day of filing.
    assert {c for (_, c), r in planted.items() if r["within_1_day"]} == {"illegal_entry"}


def test_plea_down_equals_the_planted_plea_downs(world):
    store, outcomes = world
    got = _rows(measure("plea_down", by=["fiscal_year"], where={"charge": "illegal_reentry"},
                        share=True, store=store),
                "fiscal_year", "filing_charge", "termination_charge")
    for r in outcomes["plea_down"]:
        fy = r["fiscal_year"]
        ended = {t: g["defendants"] for (y, _, t), g in got.items() if y == fy}
        assert sum(ended.values()) == r["reentry_terminated"], fy
        assert ended.get("illegal_entry", 0) == r["ended_as_entry"], fy
        if r["ended_as_entry"]:
            share = got[(fy, "illegal_reentry", "illegal_entry")]["share"]
            assert share == pytest.approx(r["ended_as_entry"] / r["reentry_terminated"]), fy
    assert {f for _, f, _ in got} == {"illegal_reentry"}


def test_cli_json_gives_the_planted_plea_share(world):
    store, outcomes = world
    done = run_cli("stats", "convictions", "--by", "fiscal_year", "-f", "json",
                   "--store", str(store.root))
    assert done.returncode == 0, done.stderr
    got = {r["fiscal_year"]: r for r in json.loads(done.stdout)["data"]}
    years = {r["fiscal_year"] for r in outcomes["by_fiscal_year_charge"] if r["convictions"]}
    assert got.keys() == years
    for fy in years:
        rows = [r for r in outcomes["by_fiscal_year_charge"] if r["fiscal_year"] == fy]
        pleas, convictions = (sum(r[q] for r in rows)
                              for q in ("convictions_plea", "convictions"))
        assert got[fy]["defendants"] == convictions, fy
        assert got[fy]["guilty_plea_share"] == pytest.approx(pleas / convictions), fy
