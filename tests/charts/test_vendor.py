"""The vendored JavaScript is the published npm builds named in its README, with their
licences, served at /static with the district shapes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import crossings.web
from crossings.charts.maps import GEO_STATIC_URL
from crossings.web import create_app

VENDOR = Path(crossings.web.__file__).parent / "static" / "vendor"
#: | package | version | `file` ... | shasum | sha256 | licence, `LICENSE.x` |
ROW = re.compile(r"^\| (?P<package>[a-z-]+) \| (?P<version>[0-9.]+) \| `(?P<file>[^`]+)`.*?"
                 r"\| [0-9a-f]{40} \| (?P<sha256>[0-9a-f]{64}) \| BSD-3-Clause, "
                 r"`(?P<licence>[^`]+)` \|$", re.M)


def listed() -> list[dict]:
    return [m.groupdict() for m in ROW.finditer((VENDOR / "README.md").read_text("utf-8"))]


def test_the_readme_lists_the_four_packages():
    assert [r["package"] for r in listed()] == ["vega", "vega-lite", "vega-embed",
                                                "vega-interpreter"]


@pytest.mark.parametrize("row", listed(), ids=lambda r: r["package"])
def test_each_file_is_the_one_listed_with_its_licence(row):
    data = (VENDOR / row["file"]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == row["sha256"]
    if row["package"] != "vega-interpreter":  # the interpreter's build names no version
        assert f'"{row["version"]}"'.encode() in data
    licence = (VENDOR / row["licence"]).read_text("utf-8")
    assert "Redistribution and use in source and binary forms" in licence


def test_vendored_files_and_shapes_are_served(chart_store):
    with TestClient(create_app(chart_store)) as client:
        for row in listed():
            response = client.get(f"/static/vendor/{row['file']}")
            assert response.status_code == 200
            assert "javascript" in response.headers["content-type"]
        shapes = client.get(GEO_STATIC_URL)
        assert shapes.status_code == 200
        assert shapes.json()["objects"]["districts"]["type"] == "GeometryCollection"
