"""One typed meta for every result: measures of both sources and reconcile."""

from __future__ import annotations

import json

import pytest

from crossings.measures import Meta, caveats, measure
from crossings.measures.meta import SCHEMA_VERSION, json_schema
from crossings.measures.reconcile import reconcile

#: What every result's meta must say (the issue's list), by key.
REQUIRED = ("schema_version", "files", "data_as_of", "rules_version", "rule", "tool_version",
            "engine", "synthetic", "partial_years", "provisional_months", "coverage",
            "data_quality", "warnings", "citation", "sources")


@pytest.fixture
def store(both_sources):
    return both_sources


def _results(store):
    return {"idb": measure("filings", by=["fiscal_year"], store=store),
            "lions": measure("filings", by=["fiscal_year"], source="lions", store=store),
            "reconcile": reconcile(store=store)}


def test_every_result_has_the_one_shape(store):
    for name, result in _results(store).items():
        assert isinstance(result.meta, Meta), name
        doc = json.loads(json.dumps(result.to_dict()["meta"]))
        assert set(REQUIRED) <= set(doc), name
        assert doc["schema_version"] == SCHEMA_VERSION
        assert all(f["sha256"] and len(f["sha256"]) == 64 for f in doc["files"]), name
        assert doc["synthetic"] is True


def test_reconcile_cites_both_sources(store):
    meta = reconcile(store=store).meta
    assert set(meta["sources"]) == {"idb", "lions"}
    assert "Federal Judicial Center" in meta["citation"]
    assert "Executive Office for U.S. Attorneys" in meta["citation"]


def test_the_schema_lists_every_key_and_nests_the_provenance():
    schema = json_schema()
    assert set(REQUIRED) <= set(schema["properties"])
    assert "Provenance" in json.dumps(schema["$defs"])


def test_an_undocumented_key_cannot_be_set(store):
    meta = _results(store)["idb"].meta
    with pytest.raises(KeyError, match="add it to Meta"):
        meta["surprise"] = 1


def test_caveats_say_synthetic_partial_and_provisional(store):
    idb, lions = (_results(store)[k] for k in ("idb", "lions"))
    notes = caveats(idb.meta)
    assert notes[0].startswith("SYNTHETIC")
    assert any(n.startswith(f"Fiscal year {idb.meta['partial_years'][0]} is partial")
               for n in notes)
    assert any("provisional" in n for n in caveats(lions.meta))


def test_the_published_schema_is_current():
    from helpers.tools import REPO

    shipped = json.loads((REPO / "docs" / "meta.schema.json").read_text())
    assert shipped == json_schema(), "docs/meta.schema.json is stale: run `make docs`"
