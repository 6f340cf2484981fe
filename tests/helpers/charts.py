"""What every chart spec must be: valid Vega-Lite 5, compiled by vl-convert, its data
the result's own rows; and small hand-made results to draw."""

from __future__ import annotations

import dataclasses

import pyarrow as pa
from vl_convert import vegalite_to_scenegraph

from crossings.charts import to_vega
from crossings.charts.base import PARTIAL
from crossings.charts.render import VEGALITE_VERSION
from crossings.measures import Result


def assert_valid(spec: dict, validator) -> None:
    errors = sorted(validator.iter_errors(spec), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]]
    compiled = to_vega(spec)
    assert compiled["$schema"].startswith("https://vega.github.io/schema/vega/v5")
    assert spec["title"]["text"] and spec["description"]


def assert_rows_are_result(spec: dict, result) -> None:
    """data.values are the result's rows: same values, same order, plus ``partial_year``."""
    values = spec["data"]["values"]
    expected = result.table.to_pylist()
    assert len(values) == len(expected)
    for shown, row in zip(values, expected, strict=True):
        assert {k: v for k, v in shown.items() if k != PARTIAL} == row
        assert shown[PARTIAL] == (row.get("fiscal_year") in result.meta.partial_years)


def hand_result(meta, rows: list[dict], keys: list[str], partial_years=()) -> Result:
    """A result with these rows and a real result's meta (partial years as given)."""
    return Result(pa.Table.from_pylist(rows),
                  dataclasses.replace(meta, partial_years=list(partial_years)), keys=keys)


def mark_groups(spec: dict, marktype: str) -> list[dict]:
    """Every mark node of ``marktype`` (rect, text, shape...) in the rendered scene, each
    with its ``name`` and drawn ``items``."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("marktype") == marktype:
                found.append(node)
                return
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(vegalite_to_scenegraph(spec, vl_version=VEGALITE_VERSION))
    return found


def marks(spec: dict, marktype: str) -> list[dict]:
    """Every drawn item of ``marktype`` in the rendered scene."""
    return [item for node in mark_groups(spec, marktype) for item in node.get("items", [])]
