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


def test_an_unexpected_error_still_carries_the_security_headers(web_store):
    """A 500 is answered outside the middleware that adds the headers to the rest."""
    from fastapi.testclient import TestClient

    from crossings.web import create_app

    app = create_app(web_store)

    @app.get("/broken")
    def broken():
        raise RuntimeError("a bug")

    response = TestClient(app, raise_server_exceptions=False).get("/broken")
    assert response.status_code == 500
    assert response.json()["error"]["error"] == "InternalError"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
