"""What every chart spec must be: valid Vega-Lite 5, compiled by vl-convert, its data
the result's own rows."""

from __future__ import annotations

from crossings.charts import to_vega
from crossings.charts.base import PARTIAL


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
