"""``GET /api/v1/methodology``: the library's methodology, with what the served store holds."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from crossings.measures.methodology import methodology
from crossings.store import Store
from crossings.web import create_app


def test_the_api_returns_the_librarys_methodology(client, web_store):
    response = client.get("/api/v1/methodology")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == json.loads(json.dumps(methodology(Store(web_store))))


def test_it_says_what_the_served_store_holds(client, web_store):
    store = client.get("/api/v1/methodology").json()["store"]
    assert {r["source"] for r in store["releases"]} == {"idb", "lions"}
    manifest = {(e.source, e.release): e.record for e in Store(web_store).entries()}
    for release in store["releases"]:
        record = manifest[(release["source"], release["release"])]
        assert [f["sha256"] for f in release["files"]] == [f["sha256"] for f in record["files"]]
        assert release["data_as_of"] == record["data_as_of"]
        assert release["synthetic"] is True  # the demo's sample
    assert store["synthetic"] is True


def test_it_carries_the_rules_caveats_and_sections_the_page_renders(client):
    data = client.get("/api/v1/methodology").json()
    assert [s["source"] for s in data["sources"]] == ["idb", "lions", "context"]
    ids = {c["id"] for c in data["caveats"]}
    assert {"caveat.synthetic", "caveat.partial_years", "coverage.idb.1"} <= ids
    assert [s["id"] for s in data["sections"]] == ["introduction", "idb", "lions",
                                                   "reconcile", "context"]
    categories = {c["category"]: c for c in data["charge_categories"]}
    assert any(r["match"] == "8:1326" for r in categories["illegal_reentry"]["rules"])


def test_it_is_in_the_openapi_document(client):
    assert "/api/v1/methodology" in client.get("/api/v1/openapi.json").json()["paths"]


@pytest.mark.adversarial
def test_a_damaged_manifest_is_the_json_error_not_a_traceback(tmp_path):
    store = tmp_path / "store"
    store.mkdir()
    (store / "crossings-store.json").write_text('{"format": 1}', encoding="utf-8")
    (store / "manifest.json").write_text('{"format": 1, "entr', encoding="utf-8")
    with TestClient(create_app(store), raise_server_exceptions=False) as client:
        response = client.get("/api/v1/methodology")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["error"] == "ManifestDamaged"
    assert "store repair" in error["hint"]
    assert (store / "manifest.json").read_text(encoding="utf-8") == '{"format": 1, "entr'


def test_an_empty_store_has_the_rules_and_no_releases(tmp_path):
    with TestClient(create_app(tmp_path / "empty")) as client:
        data = client.get("/api/v1/methodology").json()
    assert data["store"]["releases"] == []
    assert data["sources"][0]["measures"][0]["rules"][0]["rule"].startswith("Filings in")
