"""/api/v1: every route answers JSON and CSV with the library's numbers; every error in
the one shape."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from crossings.measures import measure
from crossings.measures.reconcile import reconcile
from crossings.measures.scenario import scenario
from crossings.measures.vocabulary import KINDS, vocabulary

SHAPE = {"error", "message", "parameter", "value", "allowed", "suggestions", "hint"}


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == SHAPE
    return body["error"]


def csv_rows(response) -> list[dict]:
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


def test_a_measure_is_the_library_measure(client, web_store):
    body = client.get("/api/v1/measures/filings", params={
        "by": "fiscal_year,charge", "from_year": 2019, "district": "41"}).json()
    expected = measure("filings", by=["fiscal_year", "charge"],
                       where={"from_year": 2019, "district": "41"}, store=web_store)
    assert body["data"] == expected.to_pylist()
    assert body["meta"]["where"] == {"from_year": 2019, "district": ["41"]}
    assert body["meta"]["citation"] == expected.meta.citation


def test_csv_by_format_or_accept_has_the_columns_and_the_citation(client):
    url = "/api/v1/measures/convictions?by=fiscal_year&share=false"
    as_json = client.get(url).json()
    for response in (client.get(url + "&format=csv"),
                     client.get(url, headers={"Accept": "text/csv"})):
        rows = csv_rows(response)
        assert list(rows[0]) == list(as_json["data"][0])
        assert [int(r["defendants"]) for r in rows] == [r["defendants"]
                                                        for r in as_json["data"]]
        assert response.headers["x-crossings-citation"] == as_json["meta"]["citation"]
        assert "format=json" in response.headers["link"]
    # An explicit format wins over Accept.
    assert client.get(url + "&format=json", headers={"Accept": "text/csv"}).json() == as_json


def test_an_empty_parameter_counts_as_absent(client):
    plain = client.get("/api/v1/measures/filings?by=fiscal_year").json()
    empty = client.get("/api/v1/measures/filings?by=fiscal_year&district=&charge=&border="
                       "&source=&release=&top=&sort=&from_year=&share=&format=").json()
    assert empty == plain


@pytest.mark.parametrize(("url", "parameter", "value", "suggestion"), [
    ("/api/v1/measures/filings?by=fiscal_yer", "by", "fiscal_yer", "fiscal_year"),
    ("/api/v1/measures/filings?charge=ilegal_entry", "charge", "ilegal_entry",
     "illegal_entry"),
    ("/api/v1/measures/filings?source=IDB", "source", "IDB", "idb"),
    ("/api/v1/measures/filings?transfers=includ", "transfers", "includ", "include"),
    ("/api/v1/measures/removals?series=dsh", "series", "dsh", "dhs"),
    ("/api/v1/measures/filings?distrct=41", "distrct", None, "district"),
    ("/api/v1/scenario?halt=ilegal_entry", "halt", "ilegal_entry", "illegal_entry"),
    ("/api/v1/reconcile?by=fiscal_yr", "by", "fiscal_yr", "fiscal_year"),
])
def test_a_bad_value_names_its_parameter_the_allowed_values_and_the_closest(
        client, url, parameter, value, suggestion):
    error = error_of(client.get(url), 400)
    assert error["parameter"] == parameter
    assert error["value"] == value
    assert suggestion in error["suggestions"]
    assert suggestion in error["allowed"]


def test_unknown_routes_measures_and_releases_are_404(client):
    assert error_of(client.get("/api/v1/nothing"), 404)["error"] == "NotFound"
    unknown = error_of(client.get("/api/v1/measures/filingz"), 404)
    assert unknown["parameter"] == "measure" and unknown["suggestions"] == ["filings"]
    release = error_of(client.get("/api/v1/measures/filings?release=1999-01-01"), 404)
    assert release["error"] == "ReleaseNotFound" and "/api/v1/manifest" in release["hint"]


def test_reconcile_and_scenario_are_the_library_ones(client, web_store):
    body = client.get("/api/v1/reconcile?by=fiscal_year&from_year=2020").json()
    assert body["data"] == reconcile(["fiscal_year"], {"from_year": 2020},
                                     store=web_store).to_pylist()
    body = client.get("/api/v1/scenario?halt=illegal_entry,illegal_reentry"
                      "&from_year=2022&to_year=2023").json()
    assert body["data"] == scenario("illegal_entry,illegal_reentry", from_year=2022,
                                    to_year=2023, store=web_store).to_pylist()


@pytest.mark.parametrize("kind", KINDS)
def test_every_vocabulary_is_served(client, kind):
    assert client.get(f"/api/v1/codebook/{kind}").json()["data"] == vocabulary(kind)


def test_reconcile_and_scenario_answer_csv_too(client):
    rows = csv_rows(client.get("/api/v1/reconcile?by=fiscal_year&format=csv"))
    assert list(rows[0])[:3] == ["fiscal_year", "court_file", "lions_district"]
    for r in rows:  # the identity the reconciliation itemises, as written
        assert int(r["lions_district"]) == (int(r["court_file"]) + int(r["transfers"])
                                            + int(r["lead_charge"]) + int(r["residual"]))
    rows = csv_rows(client.get("/api/v1/scenario?halt=illegal_entry&format=csv"))
    assert rows[0]["district"] == "all"


def test_the_manifest_says_what_is_loaded(client, web_store):
    body = client.get("/api/v1/manifest").json()
    record = json.loads((web_store / "manifest.json").read_text())
    assert [(r["source"], r["release"]) for r in body["data"]] == [
        (e["source"], e["release"]) for e in record["entries"]]
    for row, entry in zip(body["data"], record["entries"], strict=True):
        assert [f["sha256"] for f in row["files"]] == [f["sha256"] for f in entry["files"]]
        assert row["synthetic"] is True and row["status"] == "ok"
        assert row["data_as_of"] == entry["data_as_of"]
    assert body["meta"]["synthetic"] is True
    rows = csv_rows(client.get("/api/v1/manifest?format=csv"))
    assert rows[0]["files"].startswith("name=")


def test_the_codebook_lists_its_kinds_and_answers_csv(client):
    kinds = client.get("/api/v1/codebook").json()["data"]
    assert [k["kind"] for k in kinds] == list(KINDS)
    rows = csv_rows(client.get("/api/v1/codebook/charges?format=csv"))
    assert [r["charge"] for r in rows] == [c["charge"] for c in vocabulary("charges")]
    error = error_of(client.get("/api/v1/codebook/charge"), 404)
    assert error["suggestions"] == ["charges"]


# --- caching ------------------------------------------------------------------------------
def test_an_etag_gives_304_and_a_new_ingest_a_new_etag(client, web_store):
    url = "/api/v1/measures/filings?by=fiscal_year&district=41"
    first = client.get(url)
    tag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    # Another format or another request: another tag.
    assert client.get(url + "&format=csv").headers["etag"] != tag
    assert client.get(url + "&district=42").headers["etag"] != tag
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    # The same request in another spelling is the same answer.
    assert client.get("/api/v1/measures/filings?district=TXS&by=FISCAL_YEAR"
                      ).headers["etag"] == tag


def test_a_changed_manifest_changes_the_tag(client, web_store):
    url = "/api/v1/measures/filings?by=fiscal_year"
    tag = client.get(url).headers["etag"]
    manifest = web_store / "manifest.json"
    stat = manifest.stat()
    os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    try:
        response = client.get(url, headers={"If-None-Match": tag})
        assert response.status_code == 200 and response.headers["etag"] != tag
    finally:
        os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_cached_answer_is_the_computed_one(client):
    from crossings.web.queries import queries_of

    q = queries_of(client.app.state)
    url = "/api/v1/measures/speed?by=fiscal_year,border&from_year=2019"
    misses = q.results.misses
    first = client.get(url)
    assert q.results.misses == misses + 1
    hits = q.bodies.hits
    second = client.get(url)
    assert q.bodies.hits == hits + 1 and q.results.misses == misses + 1
    assert second.content == first.content
    # Another order of the same computation: the cached result, sorted.
    results_hits = q.results.hits
    top = client.get(url + "&sort=-median_days&top=2").json()["data"]
    assert q.results.hits == results_hits + 1
    assert top == sorted(first.json()["data"], key=lambda r: -r["median_days"])[:2]


def test_the_cache_is_bounded_in_entries_and_bytes():
    from crossings.web.queries import BoundedCache

    cache = BoundedCache(entries=3, max_bytes=100)
    for n in range(5):
        cache.put(str(n), n, 10)
    assert len(cache) == 3 and cache.get("0") is None and cache.get("4") == 4
    cache.put("big", "x", 95)
    assert cache.size <= 100 and cache.get("big") == "x"
    cache.put("huge", "y", 101)  # larger than the whole cache: never kept
    assert cache.get("huge") is None and cache.get("big") == "x"


def test_concurrent_misses_of_one_key_compute_it_once():
    from crossings.web.queries import BoundedCache

    cache, calls, gate = BoundedCache(), [], threading.Event()

    def compute():
        calls.append(1)
        gate.wait(5)
        return "answer", 10

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(cache.get_or_compute, "k", compute) for _ in range(8)]
        time.sleep(0.2)
        gate.set()
        assert [f.result() for f in futures] == ["answer"] * 8
    assert len(calls) == 1


# --- limits -------------------------------------------------------------------------------
def test_more_rows_than_a_response_carries_is_a_400_asking_to_narrow(client):
    url = "/api/v1/measures/filings?by=fiscal_year,district"
    rows = len(client.get(url).json()["data"])
    limit = client.app.state.max_rows
    client.app.state.max_rows = rows - 1
    try:
        for fmt in ("json", "csv"):
            error = error_of(client.get(f"{url}&format={fmt}"), 400)
            assert error["error"] == "TooManyRows" and "narrow" in error["hint"]
        assert len(client.get(url + f"&top={rows - 1}").json()["data"]) == rows - 1
    finally:
        client.app.state.max_rows = limit


def test_the_default_row_limit_is_fifty_thousand(client):
    from crossings.web.params import MAX_ROWS

    assert client.app.state.max_rows == MAX_ROWS == 50_000
    spec = client.get("/api/v1/openapi.json").json()
    top = next(p for p in spec["paths"]["/api/v1/measures/{measure}"]["get"]["parameters"]
               if p["name"] == "top")
    assert top["schema"]["anyOf"][0]["maximum"] == 50_000


def test_a_request_out_of_bounds_is_refused_before_anything_runs(client):
    error = error_of(client.get("/api/v1/measures/filings?by=" + "x" * 5000), 414)
    assert "query string" in error["message"]
    many = "&".join(f"district={n}" for n in range(1, 102))
    error = error_of(client.get(f"/api/v1/measures/filings?{many}"), 400)
    assert error["parameter"] == "district" and "at most 100" in error["message"]
    error = error_of(client.get("/api/v1/measures/filings?top=5&top=6"), 400)
    assert error["parameter"] == "top" and "more than once" in error["message"]
    error = error_of(client.get("/api/v1/measures/filings?release=" + "r" * 65), 400)
    assert error["parameter"] == "release"


def test_a_list_parameter_may_be_repeated(client):
    repeated = client.get("/api/v1/measures/filings?by=fiscal_year&district=41&district=42")
    assert repeated.json() == client.get(
        "/api/v1/measures/filings?by=fiscal_year&district=41,42").json()


@pytest.mark.parametrize(("url", "parameter"), [
    ("/api/v1/measures/filings?from_year=1850", "from_year"),
    ("/api/v1/measures/filings?from_year=2020&to_year=2019", "from_year"),
    ("/api/v1/measures/filings?top=abc", "top"),
    ("/api/v1/measures/filings?share=maybe", "share"),
    ("/api/v1/measures/prison_cost?share_served=1.5", "share_served"),
    ("/api/v1/measures/filings?share_served=0.5", "share_served"),
    ("/api/v1/measures/filings?change=true", "change"),
    ("/api/v1/measures/apprehensions?district=41", None),
    ("/api/v1/measures/filings?sort=defendants;drop", "sort"),
    ("/api/v1/measures/filings?district=Nowhere", "district"),
    ("/api/v1/scenario", "halt"),
])
def test_each_bad_request_is_a_400_in_the_shape(client, url, parameter):
    error = error_of(client.get(url), 400)
    assert error["error"] == "InvalidRequest"
    if parameter:
        assert error["parameter"] == parameter


def test_an_unknown_sort_column_names_the_columns(client):
    error = error_of(client.get("/api/v1/measures/filings?sort=nothing"), 400)
    assert "defendants" in error["message"]


def test_no_route_writes(client):
    error = error_of(client.post("/api/v1/measures/filings"), 405)
    assert error["error"] == "MethodNotAllowed"


def test_a_missing_store_is_a_503_with_the_fix(tmp_path):
    from fastapi.testclient import TestClient

    from crossings.web import create_app

    with TestClient(create_app(tmp_path / "nothing")) as missing:
        for url in ("/api/v1/measures/filings", "/api/v1/manifest",
                    "/api/v1/reconcile", "/api/v1/scenario?halt=illegal_entry"):
            error = error_of(missing.get(url), 503)
            assert error["error"] == "StoreNotFound" and "crossings" in error["hint"]
        # The published series need no store.
        assert missing.get("/api/v1/measures/apprehensions").status_code == 200


def test_a_damaged_manifest_is_a_503_naming_the_repair(tmp_path, web_store):
    from fastapi.testclient import TestClient

    from crossings.web import create_app

    (tmp_path / "crossings-store.json").write_text(
        (web_store / "crossings-store.json").read_text())
    (tmp_path / "manifest.json").write_text("{not json")
    with TestClient(create_app(tmp_path)) as damaged:
        error = error_of(damaged.get("/api/v1/measures/filings"), 503)
        assert error["error"] == "ManifestDamaged" and "store repair" in error["hint"]
        # The pages answer the same error with the same status, and the fix in words.
        page = damaged.get("/districts")
        assert page.status_code == 503 and "store repair" in page.text


# --- the documents ------------------------------------------------------------------------
def test_the_openapi_document_declares_the_vocabularies(client):
    spec = client.get("/api/v1/openapi.json").json()
    operation = spec["paths"]["/api/v1/measures/{measure}"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"measure", "by", "from_year", "to_year", "district", "charge",
                           "border", "source", "release", "transfers", "charge_basis",
                           "any_charge", "share", "change", "sort", "top", "ytd", "series",
                           "share_served", "format"}
    schemas = spec["components"]["schemas"]

    def enum(name):
        schema = params[name]["schema"]
        ref = next(s for s in schema.get("anyOf", [schema]) if "$ref" in s)["$ref"]
        return schemas[ref.rsplit("/", 1)[-1]]["enum"]

    assert "filings" in enum("measure") and "prison_cost" in enum("measure")
    assert enum("source") == ["idb", "lions"]
    assert params["from_year"]["schema"]["anyOf"][0]["minimum"] == 1990
    assert "4XX" in operation["responses"] and "422" not in operation["responses"]
    assert "fiscal_year" in params["by"]["description"]


def test_the_docs_page_is_served_from_the_package_with_no_inline_script(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip()
                           for attrs, body in scripts)
    assert "http" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', page.text))
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "init.js", "LICENSE.txt"):
        assert client.get(f"/static/apidocs/{asset}").status_code == 200
    assert "unsafe-inline" not in page.headers["content-security-policy"]


def test_measure_result_gives_each_caller_its_own_copy(client, web_store):
    from crossings.web.queries import measure_result

    params = {"by": ["fiscal_year"], "district": "", "charge": ["illegal_reentry"],
              "share": "false", "top": "3", "sort": "-defendants"}
    first = measure_result(client.app.state, "filings", params)
    first.meta.warnings.append("a page's own note")
    again = measure_result(client.app.state, "filings", params)
    assert "a page's own note" not in again.meta.warnings
    expected = measure("filings", by=["fiscal_year"], where={"charge": "illegal_reentry"},
                       sort="-defendants", top=3, store=web_store)
    assert again.to_pylist() == expected.to_pylist() and again.keys == expected.keys


#: Values a hostile or careless client sends.
ODD_VALUES = ["nan", "inf", "-1", "0", "1e309", "é", "%00", "a,b,,c", ",", " ", "x" * 80,
              "fiscal_year,fiscal_year", "TXS,41", "93+94", "'; drop table x;--", "release"]


@pytest.mark.adversarial
@pytest.mark.parametrize("name", ["filings", "sentences", "plea_down", "per_apprehension",
                                  "prison_cost", "removals"])
def test_odd_values_in_every_parameter_get_an_answer_or_the_error_shape(client, name):
    from crossings.web.params import MEASURE_PARAMETERS

    for parameter in (*MEASURE_PARAMETERS, "format"):
        for value in ODD_VALUES:
            response = client.get(f"/api/v1/measures/{name}", params={parameter: value})
            assert response.status_code < 500, (parameter, value, response.text)
            if response.status_code >= 400:
                error_of(response, response.status_code)


def test_requests_from_many_threads_get_the_serial_answers(client):
    urls = [f"/api/v1/measures/{m}?by=fiscal_year&district={d}&from_year=2018"
            for m in ("filings", "terminations", "convictions", "speed")
            for d in ("41", "74", "84")]
    with ThreadPoolExecutor(8) as pool:
        parallel = list(pool.map(lambda u: client.get(u).json(), urls * 2))
    serial = [client.get(u).json() for u in urls]
    assert parallel == serial * 2
    assert client.get(urls[0], headers={"If-None-Match": "*"}).status_code == 304


def test_the_library_side_refuses_unknown_parameters_too(client):
    from crossings.errors import InvalidRequest
    from crossings.web.queries import measure_result, reconcile_result, scenario_result

    for call, close in (
            (lambda: measure_result(client.app.state, "filings", {"distrct": "41"}),
             ["district"]),
            (lambda: reconcile_result(client.app.state, {"distrct": "41"}), ["district"]),
            (lambda: scenario_result(client.app.state, {"halt": "illegal_entry",
                                                        "relase": "x"}), ["release"])):
        with pytest.raises(InvalidRequest) as caught:
            call()
        assert caught.value.parameter in ("distrct", "relase")
        assert caught.value.suggestions == close
