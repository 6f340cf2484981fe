"""The app's frame: security headers on every response, and the OpenAPI document."""

from __future__ import annotations


def test_every_response_carries_the_security_headers(client):
    for path in ("/", "/api/v1/openapi.json", "/static/site.css"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split(
            "script-src")[1].split(";")[0]
        assert "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_the_openapi_document_is_served_under_the_api():
    from fastapi.testclient import TestClient

    from crossings.web import create_app

    spec = TestClient(create_app()).get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "crossings"
    assert "/api/v1/manifest" in spec["paths"]
