"""The district choropleth: all 94 federal judicial districts coloured by a measure.

The shapes are the shipped TopoJSON (``data/us-judicial-districts-10m.topo.json``,
see ``data/SOURCE.md``): feature ids are the LIONS codes (``TXS``), and each
result row carries ``district_map_key``, the id of its shape. The lower 48,
Alaska and Hawaii are drawn with the Albers USA projection (which insets the
two); Puerto Rico, the Virgin Islands, Guam and the Northern Mariana Islands,
which that projection has no place for, as small panels below, each fitted to
its own shape. A row for a combined district (LIONS's one office for Guam and
the Northern Mariana Islands, ``93+94``, map key ``GU+NMI``) colours every
part. The colour bins are thresholds at round numbers (1, 2, 5 x 10^n) near the
values' quantiles, so the legend reads as plain ranges.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib import resources

from crossings.charts import base
from crossings.charts.base import t
from crossings.charts.trends import require, value_column
from crossings.charts.words import N_
from crossings.errors import InvalidRequest
from crossings.measures import Result
from crossings.measures.result import is_fraction

GEO_NAME = "us-judicial-districts-10m.topo.json"
#: Where the web app serves the same file (crossings/web/static/geo/).
GEO_STATIC_URL = f"/static/geo/{GEO_NAME}"
KEY = "district_map_key"
#: The panels below the main map: (feature id, title, central meridian). Each is a
#: Mercator map turned to its own meridian (so that Vega-Lite gives each panel its
#: own projection, fitted to its shape, instead of one shared by all four).
INSETS = (("PR", N_("Puerto Rico"), -66.5), ("VI", N_("Virgin Islands"), -64.8),
          ("GU", N_("Guam"), 144.8), ("NMI", N_("Northern Mariana Is."), 145.7))
#: ColorBrewer YlGnBu, light to dark: readable in grey and with colour blindness.
COLOURS = ("#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84")
NO_ROW_COLOUR = "#d9d9d9"
#: The legend's words for a district without a row in the result.
NO_ROW = N_("no row (none recorded)")
MAIN_SIZE = (640, 400)
INSET_SIZE = (130, 90)


@cache
def _topology_text() -> str:
    return (resources.files("crossings.charts") / "data" / GEO_NAME).read_text("utf-8")


def topology() -> dict:
    """The district TopoJSON (a fresh copy: specs embedding it may be changed)."""
    return json.loads(_topology_text())


def district_ids() -> list[str]:
    """The 94 feature ids (LIONS codes), in the file's order."""
    return [g["id"] for g in topology()["objects"]["districts"]["geometries"]]


def _step_125(value: float) -> float:
    """The smallest of 1, 2, 5 x 10^n at least ``value`` (a round step)."""
    exponent = math.floor(math.log10(value))
    mantissa = next(m for m in (1, 2, 5, 10) if m * 10 ** exponent >= value * (1 - 1e-12))
    return float(f"{mantissa * 10 ** exponent:.12g}")


def nice_breaks(values: list[float], classes: int = 5, *, whole: bool = False) -> list[float]:
    """Thresholds between at most ``classes`` bins, at round numbers, each strictly
    above the lowest value and at most the highest. Counts spread over more than
    twenty-fold get powers of ten (1, 10, 100...: the border districts' thousands and
    the rest's tens both stay readable; 1-3-10 or 1-2-5 steps when powers of ten
    make fewer than three bins); other values equal steps of 1, 2 or 5 x 10^n."""
    values = [v for v in values if v is not None]
    if not values or min(values) == max(values):
        return []
    low, high = min(values), max(values)
    if low >= 0 and high >= 20 * max(low, 1):
        powers = [10.0 ** e for e in range(math.floor(math.log10(high)) + 1)]
        # Powers of ten if they make three bins or more, else 1-3-10, else 1-2-5.
        for steps in ((1.0,), (1.0, 3.0), (1.0, 2.0, 5.0)):
            ladder = sorted(m * p for p in powers for m in steps)
            if sum(low < b <= high for b in ladder) >= 3:
                break
    else:
        step = _step_125((high - low) / classes)
        step = max(step, 1.0) if whole else step  # whole counts: no bin "1.5 to 2"
        first = math.floor(low / step) + 1
        ladder = [float(f"{k * step:.12g}") for k in range(first, first + classes + 1)]
    breaks = [b for b in ladder if low < b <= high]
    # Too many: merge the lowest bins (the narrowest, holding the fewest shades).
    return breaks[max(0, len(breaks) - (classes - 1)):]


def _format(result: Result, value: str) -> str:
    if is_fraction(value):
        return ".1%"
    kind = str(result.table.schema.field(value).type)
    return ",d" if kind.startswith(("int", "uint")) else ",.1f"


def _shown(number, fmt: str) -> str:
    if fmt == ".1%":
        return base.percent(number)
    return base.number(number, 0 if fmt == ",d" else 1)


def _map_key_expression(values: list[dict]) -> str:
    """The row key of each shape: its own id, or a combined row's key for its parts."""
    cases = []
    for key in sorted({r[KEY] for r in values if r.get(KEY) and "+" in r[KEY]}):
        test = " || ".join(f"datum.id == '{part}'" for part in key.split("+"))
        cases.append(f"({test}) ? '{key}'")
    return " : ".join([*cases, "datum.id"])


def _geo_data(geo_url: str | None) -> dict:
    fmt = {"type": "topojson", "feature": "districts"}
    return {"url": geo_url, "format": fmt} if geo_url else {"name": "geo", "format": fmt}


def _panel(geo: dict, transforms: list[dict], colour: dict, encoding: dict, *,
           size: tuple[int, int], projection: dict, only: str | None = None,
           title: str | None = None) -> dict:
    """One map of the districts (or of the one district ``only``), coloured by bin."""
    # Inset islands are a pixel or two wide: a dark outline keeps them visible.
    shape = {"type": "geoshape", "stroke": "#ffffff" if only is None else "#555555",
             "strokeWidth": 0.5}
    if "href" in encoding:
        shape["cursor"] = "pointer"
    pick = [{"filter": f"datum.id == '{only}'"}] if only else []
    panel = {"width": size[0], "height": size[1], "projection": projection, "data": geo,
             "transform": pick + transforms,
             "layer": [{"mark": shape, "encoding": {**encoding, "color": colour}}]}
    if title:
        panel["title"] = {"text": title, "fontSize": 11, "fontWeight": "normal",
                          "anchor": "middle"}
    return panel


def _state_borders(geo_url: str | None) -> dict:
    # A dataset named once per format: the borders read their own copy of the shapes.
    data = ({"url": geo_url} if geo_url else {"name": "geo_states"})
    return {"data": {**data, "format": {"type": "topojson", "mesh": "states"}},
            "mark": {"type": "geoshape", "filled": False, "stroke": "#555555",
                     "strokeWidth": 0.9, "aria": False}}  # outlines: nothing to read out


def _bound(number: float, fmt: str) -> str:
    if fmt == ".1%":
        points = round(number * 100, 9)
        return t("{value}%", value=base.number(points, 0 if points.is_integer() else 1))
    return base.number(number, 0 if float(number).is_integer() else 1)


def bin_labels(breaks: list[float], fmt: str, values: list[float]) -> list[str]:
    """The legend's words for the bins between ``breaks``: "under 10", "10 to 99",
    "1,000 or more" (whole counts), "85% to under 95%" (anything else)."""
    if not breaks:
        return [_bound(values[0], fmt) if values else t("no value")]
    whole = fmt == ",d" and all(float(b).is_integer() for b in breaks)
    labels = [t("under {high}", high=_bound(breaks[0], fmt))]
    for low, high in zip(breaks, breaks[1:], strict=False):
        if whole:
            labels.append(t("{low} to {high}", low=_bound(low, fmt),
                            high=_bound(high - 1, fmt)))
        else:
            labels.append(t("{low} to under {high}", low=_bound(low, fmt),
                            high=_bound(high, fmt)))
    # A top bin holding only the highest value is named by it ("100%", not "or more").
    top = _bound(breaks[-1], fmt)
    labels.append(top if breaks[-1] == max(values) else t("{low} or more", low=top))
    return labels


def _colour(breaks: list[float], labels: list[str], unit: str,
            any_missing: bool) -> tuple[dict, dict]:
    """The bin of each shape (a calculate) and the colour encoding of the bins."""
    colours = [COLOURS[round(i * (len(COLOURS) - 1) / max(1, len(labels) - 1))]
               for i in range(len(labels))]
    cases = "".join(f"datum.map_value < {b} ? {base.literal(label)} : "
                    for b, label in zip(breaks, labels, strict=False))
    calculate = {"calculate": f"!isValid(datum.map_value) ? {base.literal(t(NO_ROW))} : "
                              f"{cases}{base.literal(labels[-1])}", "as": "map_bin"}
    colour = {"field": "map_bin", "type": "ordinal", "title": unit.capitalize(),
              "scale": ({"domain": [*labels, t(NO_ROW)], "range": [*colours, NO_ROW_COLOUR]}
                        if any_missing else {"domain": labels, "range": colours}),
              "legend": {"orient": "right", "symbolType": "square", "symbolSize": 180,
                         "symbolStrokeColor": "#888888", "symbolStrokeWidth": 0.5}}
    return calculate, colour


def _transforms(values: list[dict], value: str, fmt: str, link: str | None) -> list[dict]:
    """Each shape's row (by its map key), value, name, words for the tooltip and link."""
    out = [
        {"calculate": _map_key_expression(values), "as": "map_key"},
        {"lookup": "map_key", "from": {"data": {"name": "result"}, "key": KEY,
                                       "fields": [value, "district_name"]}},
        {"calculate": f"datum['{value}']", "as": "map_value"},
        {"calculate": "isValid(datum.district_name) ? datum.district_name : "
                      "datum.properties.name", "as": "map_name"},
        {"calculate": f"isValid(datum.map_value) ? format(datum.map_value, '{fmt}') : "
                      f"{base.literal(t(NO_ROW))}", "as": "map_shown"},
    ]
    if link:
        out.append({"calculate": f"replace({json.dumps(link)}, '{{district}}', "
                                 "datum.properties.fjc_district)", "as": "map_link"})
    return out


def district_map(result: Result, *, value: str | None = None, title: str | None = None,
                 unit: str | None = None, link: str | None = None,
                 geo_url: str | None = None) -> dict:
    """All 94 districts coloured by ``value`` (a result ``--by district``, at most one
    fiscal year). ``link``: a URL template with ``{district}`` (the court-file code),
    e.g. ``/districts?district={district}&from_year=2016``: a click on a district
    opens it (leave it out for print). ``geo_url``: load the shapes from this URL
    (the web: ``GEO_STATIC_URL``) instead of embedding them (the fact sheet)."""
    value = value_column(result, value)
    require(result, "district", KEY, value, chart="district map")
    if len({r.get(base.YEAR) for r in result.table.to_pylist()}) > 1:
        raise InvalidRequest("the district map shows one fiscal year or a span summed: "
                             "group by district only, or filter one year")
    unit = unit or (t("defendants") if value == "defendants" else value.replace("_", " "))
    values = base.rows(result)
    fmt = _format(result, value)
    numbers = [r[value] for r in values if r.get(value) is not None]
    breaks = nice_breaks(numbers, whole=fmt == ",d")
    labels = bin_labels(breaks, fmt, numbers)
    bin_field, colour = _colour(breaks, labels, unit, bool(_missing(values)))
    transforms = [*_transforms(values, value, fmt, link), bin_field]
    encoding = {"tooltip": [{"field": "map_name", "type": "nominal", "title": t("District")},
                            {"field": "map_shown", "type": "nominal",
                             "title": unit.capitalize()}]}
    if link:
        encoding["href"] = {"field": "map_link", "type": "nominal"}
    geo = _geo_data(geo_url)
    main = _panel(geo, transforms, colour, encoding, size=MAIN_SIZE,
                  projection={"type": "albersUsa"})
    main["layer"].append(_state_borders(geo_url))
    insets = [_panel(geo, transforms, colour, encoding, size=INSET_SIZE,
                     projection={"type": "mercator", "rotate": [-meridian, 0, 0]},
                     only=feature, title=t(name))
              for feature, name, meridian in INSETS]
    spec = base.frame(base.titled(title, t("{unit} by district", unit=unit.capitalize())),
                      _describe(result, values, value, fmt, labels, unit), values,
                      base.subtitle(base.scope_note(result)),
                      vconcat=[main, {"hconcat": insets, "spacing": 12}],
                      resolve={"scale": {"color": "shared"}})
    spec["datasets"] = {"result": spec.pop("data")["values"]}
    if not geo_url:
        spec["datasets"]["geo"] = spec["datasets"]["geo_states"] = topology()
    return spec


def _missing(values: list[dict]) -> set[str]:
    """The shapes no row of the result colours."""
    drawn = {part for r in values for part in (r.get(KEY) or "").split("+")}
    return set(district_ids()) - drawn


def _describe(result: Result, values: list[dict], value: str, fmt: str,
              labels: list[str], unit: str) -> str:
    ranked = sorted((r for r in values if r.get(value) is not None),
                    key=lambda r: r[value], reverse=True)
    top = ", ".join(f"{r.get('district_short_name') or r['district']} "
                    f"({_shown(r[value], fmt)})" for r in ranked[:3])
    missing = len(_missing(values))
    return t("A map of the 94 federal judicial districts coloured by {unit} in bins "
             "({bins}): highest {top}; {missing} district(s) with no row.", unit=unit,
             bins="; ".join(labels), top=top, missing=missing)
