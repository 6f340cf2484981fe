"""``GET /api/v1/methodology``: the library's methodology, with what the served store holds."""

from __future__ import annotations

import json

from crossings.measures.methodology import methodology
from crossings.store import Store


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
