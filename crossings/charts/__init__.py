"""Vega-Lite v5 chart specs built in Python, shared by the web pages and the fact sheet.

Each chart function takes a :class:`crossings.measures.Result` and returns the
spec as a plain dict: data inline (``data.values``: the result's rows, each
with ``partial_year`` added), a title, a subtitle with the partial-year note,
labelled axes (counts from zero) and ``description``, the text alternative.
``to_svg(spec)`` renders one in Python (vl-convert) for the fact sheet.
Synthetic data is marked by the page or sheet around the chart: ``is_synthetic``.
"""

from crossings.charts.base import data_through, is_synthetic, partial_note
from crossings.charts.maps import GEO_STATIC_URL, district_map
from crossings.charts.render import to_png, to_svg, to_vega
from crossings.charts.trends import (
    border_vs_rest,
    filings_by_charge,
    immigration_share,
    single_trend,
)

__all__ = [
    "GEO_STATIC_URL", "border_vs_rest", "district_map", "data_through", "filings_by_charge", "immigration_share",
    "is_synthetic", "partial_note", "single_trend", "to_png", "to_svg", "to_vega",
]
