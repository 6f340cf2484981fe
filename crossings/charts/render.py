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
    # NaN has no JSON form: a spec holding one is a bug upstream, not a chart.
    json.dumps(spec, allow_nan=False)
    return spec


def _locale(locale: str | None) -> dict:
    """vl-convert's number and date locale (d3 names: ``es-ES``, ``en-US``...), so that
    axis labels read as the sheet's language does: 1.234,5 in Spanish."""
    if locale is None:
        return {}
    return {"format_locale": locale, "time_format_locale": locale}


def to_vega(spec: dict) -> dict:
    """The Vega spec Vega-Lite compiles ``spec`` to (raises on an invalid spec)."""
    return _convert().vegalite_to_vega(_checked(spec), vl_version=VEGALITE_VERSION)


def to_svg(spec: dict, locale: str | None = None) -> str:
    """The chart as an SVG document (text; no external reference: data must be inline,
    ``allowed_base_urls`` is empty). ``locale``: a d3 locale name such as ``es-ES``."""
    return _convert().vegalite_to_svg(_checked(spec), vl_version=VEGALITE_VERSION,
                                      allowed_base_urls=[], **_locale(locale))


def to_png(spec: dict, scale: float = 2.0, locale: str | None = None) -> bytes:
    """The chart as PNG bytes (``scale`` 2: sharp on paper and on high-density screens)."""
    return _convert().vegalite_to_png(_checked(spec), vl_version=VEGALITE_VERSION,
                                      scale=scale, allowed_base_urls=[], **_locale(locale))
