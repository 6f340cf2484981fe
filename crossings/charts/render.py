"""Charts as pictures, rendered in Python with vl-convert (no browser, no network):
the fact sheet inlines the SVG."""

from __future__ import annotations

import json

#: The Vega-Lite library vl-convert renders with: the newest 5.x it bundles, the
#: major version the specs are written for (the browser's is vendored in web/static).
VEGALITE_VERSION = "v5.21"


def _convert():
    import vl_convert

    return vl_convert


def _checked(spec: dict) -> dict:
    # The specs carry their data inline; a URL would make rendering reach outside.
    json.dumps(spec, allow_nan=False)
    return spec


def to_vega(spec: dict) -> dict:
    """The Vega spec Vega-Lite compiles ``spec`` to (raises on an invalid spec)."""
    return _convert().vegalite_to_vega(_checked(spec), vl_version=VEGALITE_VERSION)


def to_svg(spec: dict) -> str:
    """The chart as an SVG document (text), fonts as text, no external reference."""
    return _convert().vegalite_to_svg(_checked(spec), vl_version=VEGALITE_VERSION,
                                      allowed_base_urls=[])


def to_png(spec: dict, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes (``scale`` 2: sharp on paper and on high-density screens)."""
    return _convert().vegalite_to_png(_checked(spec), vl_version=VEGALITE_VERSION,
                                      scale=scale, allowed_base_urls=[])
