"""The engine against a deliberately naive second implementation, on several seeds.

``naive_idb`` reads the raw sample text in plain Python and shares no code
with ``crossings.measures``: if the two disagree, one of them is wrong.
The same cases also run on the second backend (Polars) to prove the measures
do not depend on DuckDB.
"""

from __future__ import annotations

import math

import pytest
from helpers.naive_idb import naive

from crossings.ingest import ingest
from crossings.measures import MEASURES, measure
from crossings.sample.idb.generator import write_idb_sample
from crossings.store import Store

SEEDS = (1, 2, 3)
ROWS = 12_000

CASES = [
    ("filings", ["fiscal_year", "charge"], {}, {}),
    ("filings", ["district", "charge"], {"from_year": 2010}, {"any_charge": True}),
    ("filings", ["border", "statute"], {}, {"transfers": "include"}),
    ("filings", ["month"], {"district": "41"}, {}),
    ("filings", ["offense_level", "circuit"], {"charge": "illegal_entry"}, {}),
    ("filings", ["fiscal_year"], {"charge": "illegal_reentry"}, {"any_charge": True}),
    ("terminations", ["fiscal_year", "charge"], {}, {}),
    ("terminations", ["charge"], {"border": "southwest"}, {"charge_basis": "filing"}),
    ("terminations", ["district"], {"to_year": 2015}, {"transfers": "include"}),
    ("convictions", ["fiscal_year", "charge"], {}, {}),
    ("convictions", ["month", "charge"], {"from_year": 2020}, {"any_charge": True}),
    ("pending", ["fiscal_year", "charge"], {}, {}),
    ("sentences", ["fiscal_year", "charge"], {}, {}),
    ("sentences", ["charge"], {"border": "other"}, {"any_charge": True}),
    ("prison_years", ["fiscal_year", "charge"], {}, {}),
    ("prison_years", ["district"], {"border": "southwest"}, {"charge_basis": "filing"}),
    ("dispositions", ["charge"], {}, {}),
    ("speed", ["fiscal_year", "charge"], {}, {}),
    ("speed", ["border"], {"charge": "illegal_entry"}, {}),
    ("plea_down", ["fiscal_year"], {}, {}),
    ("filings", ["fiscal_year", "charge_group"], {}, {}),
    ("sentences", ["sentence_bracket"], {}, {}),
    ("sentences", ["charge", "sentence_bracket"], {}, {"any_charge": True}),
    ("sentences", ["fiscal_year", "sentence_bracket"], {"charge": "illegal_reentry"}, {}),
    ("convictions", ["district"], {"from_year": 2010}, {"transfers": "include"}),
    ("counsel", ["charge"], {"border": "southwest"}, {}),
    ("offense_level", ["fiscal_year"], {"from_year": 2005}, {}),
]


@pytest.fixture(scope="module", params=SEEDS)
def sample(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"seed{request.param}")
    info = write_idb_sample(folder / "cr96on.txt", rows=ROWS, seed=request.param)
    store = Store(folder / "store")
    ingest(info.path, store)
    return info.path, store


def keyed(rows: list[dict], measure_name: str, by: list[str]) -> dict:
    keys = [*by, *MEASURES[measure_name].group]
    return {tuple(r[k] for k in keys): r for r in rows}


def same(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    for key in a:
        x, y = a[key], b[key]
        if isinstance(x, float) or isinstance(y, float):
            if x is None or y is None:
                if x is not y:
                    return False
            elif not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9):
                return False
        elif x != y:
            return False
    return True


def test_every_measure_is_covered():
    assert {c[0] for c in CASES} == set(MEASURES)


@pytest.mark.parametrize(("name", "by", "where", "options"), CASES,
                         ids=[f"{c[0]}-{'+'.join(c[1])}-{i}" for i, c in enumerate(CASES)])
def test_engine_agrees_with_the_naive_count(sample, name, by, where, options):
    path, store = sample
    expected = keyed(naive(path, name, by, where, **options), name, by)
    got = keyed(measure(name, by=by, where=where, store=store, **options).to_pylist(), name, by)
    assert expected, "the case should count something"
    assert got.keys() == expected.keys()
    wrong = [k for k in expected if not same(got[k], expected[k])]
    assert not wrong, [(k, got[k], expected[k]) for k in wrong[:3]]


@pytest.mark.parametrize(("name", "by", "where", "options"), CASES[::2],
                         ids=[f"{c[0]}-{'+'.join(c[1])}" for c in CASES[::2]])
def test_second_backend_gives_identical_results(sample, name, by, where, options):
    _, store = sample
    duck = measure(name, by=by, where=where, store=store, engine="duckdb", **options)
    polars = measure(name, by=by, where=where, store=store, engine="polars", **options)
    a, b = keyed(duck.to_pylist(), name, by), keyed(polars.to_pylist(), name, by)
    assert a.keys() == b.keys()
    assert all(same(a[k], b[k]) for k in a)
    assert duck.table.schema == polars.table.schema


def test_sentence_columns_add_up(sample):
    _, store = sample
    for row in measure("sentences", by=["district", "charge"], store=store).to_pylist():
        assert row["convicted"] == (row["known_term"] + row["no_sentence"] + row["sealed"]
                                    + row["missing"])
        assert row["prison"] <= row["known_term"]
