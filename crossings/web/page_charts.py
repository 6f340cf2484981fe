"""PLACEHOLDER until crossings.charts lands: minimal Vega-Lite specs per block kind."""

from __future__ import annotations

from crossings.measures import Result


def _values(result: Result) -> list[dict]:
    return result.to_pylist()


def bars(result: Result, y: str, color: str | None = None, x: str = "fiscal_year",
         title: str = "") -> dict:
    enc = {"x": {"field": x, "type": "ordinal", "title": x.replace("_", " ")},
           "y": {"field": y, "type": "quantitative", "title": y.replace("_", " "),
                 "scale": {"zero": True}}}
    if color:
        enc["color"] = {"field": color, "type": "nominal"}
    partial = result.meta.partial_years
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "title": title,
            "description": f"{title}: {y.replace('_', ' ')} by {x.replace('_', ' ')}"
                           + (f"; fiscal year {partial[0]} is partial" if partial else ""),
            "data": {"values": _values(result)}, "mark": "bar", "encoding": enc,
            "height": 260}


def lines(result: Result, y: str, color: str | None = None, title: str = "") -> dict:
    spec = bars(result, y, color, title=title)
    spec["mark"] = {"type": "line", "point": True}
    return spec
