"""Vega-Lite v5 chart specs built in Python, shared by the web pages and the fact sheet.

Each chart function takes a :class:`crossings.measures.Result` and returns the
spec as a plain dict: data inline (``data.values``: the result's rows, each
with ``partial_year`` added), a title, a subtitle with the partial-year note,
labelled axes (counts from zero) and ``description``, the text alternative.
``to_svg(spec)`` renders one in Python (vl-convert) for the fact sheet.
Synthetic data is marked by the page or sheet around the chart: ``is_synthetic``.
"""

from crossings.charts.base import data_through, is_synthetic, partial_note, responsive
from crossings.charts.cases import (
    conviction_rates,
    disposed_within_a_day,
    outcomes,
    plea_down,
    sentence_brackets,
    speed_days,
)
from crossings.charts.comparisons import (
    per_apprehension,
    prison_cost,
    prison_years,
    reconcile_causes,
    top_districts,
    two_sources,
)
from crossings.charts.maps import GEO_STATIC_URL, district_map
from crossings.charts.render import to_png, to_svg, to_vega
from crossings.charts.trends import (
    border_vs_rest,
    filings_by_charge,
    immigration_share,
    single_trend,
)
from crossings.charts.words import Language, language

__all__ = [
    "GEO_STATIC_URL", "Language", "border_vs_rest", "conviction_rates", "data_through",
    "disposed_within_a_day", "district_map", "filings_by_charge", "immigration_share",
    "is_synthetic", "language", "outcomes", "partial_note", "per_apprehension", "plea_down",
    "prison_cost", "prison_years", "reconcile_causes", "responsive", "sentence_brackets",
    "single_trend", "speed_days", "to_png", "to_svg", "to_vega", "top_districts",
    "two_sources",
]
