"""`GET /report`: the sheet of the query string, as HTML under a policy that allows its
inline style and nothing else, or as a PDF; errors in the API's one JSON shape."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from helpers.sheet_html import parse

from crossings.web import create_app


@pytest.fixture(scope="module")
def client(report_store):
    with TestClient(create_app(report_store)) as test_client:
        yield test_client


def test_the_sheet_as_html(client):
    response = client.get("/report", params={"district": "", "lang": "es", "from_year": ""})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src" not in policy and "unsafe" not in policy
    assert "default-src 'none'" in policy and "style-src 'sha256-" in policy
    parsed = parse(response.text)
    assert len(parsed.figures) >= 60
    assert "Procesamientos federales" in response.text
    # The web's commands name no store (the server's folder is not the reader's).
    assert not any("--store" in c for c in parsed.commands.values())


def test_the_style_hash_is_the_style_of_the_page(client):
    import base64
    import hashlib

    response = client.get("/report", params={"border": "southwest"})
    style = parse(response.text).style
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["content-security-policy"]


def test_the_sheet_as_pdf(client):
    response = client.get("/report", params={"format": "pdf", "paper": "a4"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "fact-sheet-national-fy2024-en-a4.pdf" in response.headers["content-disposition"]


@pytest.mark.parametrize("params", [{"lang": "fr"}, {"format": "docx"},
                                    {"from_year": "last year"}, {"district": "Atlantis"}])
def test_a_bad_parameter_is_a_4xx_in_the_error_shape(client, params):
    response = client.get("/report", params=params)
    assert 400 <= response.status_code < 500
    assert "message" in response.json()["error"]


def test_the_sheet_is_a_page_not_part_of_the_api_schema(client):
    # A page, as the other pages: schemathesis's fuzzing of the API leaves it out.
    assert "/report" not in client.get("/api/v1/openapi.json").json()["paths"]
