"""/api/v1: every route answers JSON and CSV with the library's numbers; every error in
the one shape."""

from __future__ import annotations

import csv
import io

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
