"""From the engine's grouped counts to the measure's table.

The engine returns counts per group (and, for sentences and speed, per value:
a histogram). Here the integer codes are turned back into text, the
``--any-charge`` category counts are unfolded into rows, and quantiles and
means are computed from the histogram. A quantile from a histogram is exactly
the quantile of the rows it counts: linear interpolation between the values
at ranks floor((n-1)q) and ceil((n-1)q), so the median of an even count is
the mean of the middle two.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crossings.codebook import fjc
from crossings.codebook.fjc import sentinel_meanings
from crossings.measures.facts import Codes
from crossings.measures.idb import CODED
from crossings.measures.query import Query

#: Prison-term sentinels (PRISTOT) as the rule names them; see prison-sentinels.csv.
UNDER_A_MONTH, NO_SENTENCE, SEALED, LIFE, DEATH = -1, -2, -3, -4, -5
CUSTODY_SENTINELS = (UNDER_A_MONTH, LIFE, DEATH)


def quantile(histogram: list[tuple[float, int]], q: float) -> float | None:
    """The q-quantile (linear interpolation) of a sorted (value, count) histogram."""
    values = np.array([v for v, _ in histogram], dtype=float)
    counts = np.array([c for _, c in histogram], dtype=np.int64)
    if counts.sum() == 0:
        return None
    return float(grouped_quantiles(np.zeros(len(values), np.int64), values, counts, q, 1)[0])


def grouped_quantiles(group: np.ndarray, values: np.ndarray, counts: np.ndarray, q: float,
                      n_groups: int) -> np.ndarray:
    """Per group, the q-quantile of a histogram (rows sorted by group, then value).

    Linear interpolation between the values at ranks floor((n-1)q) and
    ceil((n-1)q) of the group's n rows; NaN for an empty group.
    """
    out = np.full(n_groups, np.nan)
    used = counts > 0
    group, values, counts = group[used], values[used], counts[used]
    if not len(group):
        return out
    cumulative = np.cumsum(counts)
    totals = np.bincount(group, weights=counts, minlength=n_groups).astype(np.int64)
    starts = np.searchsorted(group, np.arange(n_groups))  # first row of each group
    before = np.where(starts < len(group), cumulative[np.minimum(starts, len(group) - 1)]
                      - counts[np.minimum(starts, len(group) - 1)], 0)
    present = totals > 0
    position = (totals - 1) * q
    low, high = np.floor(position).astype(np.int64), np.ceil(position).astype(np.int64)
    at_low = values[np.searchsorted(cumulative, before + low, side="right").clip(
        max=len(values) - 1)]
    at_high = values[np.searchsorted(cumulative, before + high, side="right").clip(
        max=len(values) - 1)]
    out[present] = (at_low + (at_high - at_low) * (position - low))[present]
    return out


@cache
def _labels(name: str) -> dict:
    if name == "disposition":
        return {code: row["label"] for code, row in fjc.dispositions().items()}
    if name == "counsel":
        return fjc.counsel_labels()
    if name == "offense_level":
        return fjc.offense_levels()
    return {}


def decode(name: str, value, codes: Codes):
    """A grouping value as the user sees it."""
    if name == "fiscal_year":
        return value
    if name in CODED:
        return codes.text(name, value)
    return _labels(name).get(value, "unknown")


def rows_from(q: Query, table: pa.Table, codes: Codes) -> list[dict]:
    """The measure's rows (unsorted) from the engine's grouped counts."""
    keys = [*q.by, *q.spec.group]
    if any(c.startswith("n_") for c in table.column_names):
        table = _unfold(table, codes)
    if table.num_rows == 0:
        return []
    group, uniques = _group_ids(table, keys)
    n_groups = len(uniques)
    counts = table["n"].to_numpy(zero_copy_only=False).astype(np.int64)
    if q.measure == "sentences":
        columns = sentence_columns(table, group, counts, n_groups)
    elif q.measure == "speed":
        columns = speed_columns(table, group, counts, n_groups)
    else:
        columns = {"defendants": np.bincount(group, weights=counts, minlength=n_groups)}
    out = []
    for i, key in enumerate(uniques):
        row = {name: decode(name, None if v == MISSING else int(v), codes)
               for name, v in zip(keys, key, strict=True)}
        for name, values in columns.items():
            row[name] = _plain(values[i])
        out.append(row)
    return out


MISSING = -(2**31)


def _unfold(table: pa.Table, codes: Codes) -> pa.Table:
    """One row per category from the per-bit counts of ``--any-charge``."""
    base = [c for c in table.column_names if not c.startswith("n_")]
    parts = []
    for i in range(len(codes.categories)):
        counts = table[f"n_{i}"]
        part = table.select(base).append_column("charge", pa.array(
            np.full(table.num_rows, i, np.int8))).append_column("n", counts.cast(pa.int64()))
        parts.append(part.filter(pc.greater(counts, 0)))
    return pa.concat_tables(parts)


def _group_ids(table: pa.Table, keys: list[str]) -> tuple[np.ndarray, list[tuple]]:
    """A group number per row and the groups' key values (in sorted order).

    The key columns are small integers, so they are packed into one int64
    (mixed radix) and grouped with a single 1-D unique: far faster than
    grouping rows of several columns.
    """
    if not keys:
        return np.zeros(table.num_rows, np.int64), [()]
    columns = [table[k].cast(pa.int64()).fill_null(MISSING).to_numpy(zero_copy_only=False)
               for k in keys]
    packed = np.zeros(table.num_rows, np.int64)
    lows, spans = [], []
    for col in columns:
        low = int(col.min())
        span = int(col.max()) - low + 1
        packed = packed * span + (col - low)
        lows.append(low)
        spans.append(span)
    uniques, inverse = np.unique(packed, return_inverse=True)
    groups = []
    for value in uniques.tolist():
        parts = []
        for low, span in zip(reversed(lows), reversed(spans), strict=True):
            value, digit = divmod(value, span)
            parts.append(digit + low)
        groups.append(tuple(reversed(parts)))
    return inverse.reshape(-1), groups


def _plain(value):
    if isinstance(value, float | np.floating):
        return None if np.isnan(value) else float(value)
    return int(value)


def _sorted(table: pa.Table, group: np.ndarray, value: str) -> tuple[np.ndarray, ...]:
    """(group, value, count) sorted by group then value, nulls dropped."""
    values = table[value].to_numpy(zero_copy_only=False)
    known = ~table[value].is_null().to_numpy(zero_copy_only=False)
    counts = table["n"].to_numpy(zero_copy_only=False).astype(np.int64)
    g, v, c = group[known], values[known].astype(float), counts[known]
    order = np.lexsort((v, g))
    return g[order], v[order], c[order]


def _sum(group, counts, mask, n_groups) -> np.ndarray:
    return np.bincount(group[mask], weights=counts[mask], minlength=n_groups).astype(np.int64)


def sentence_columns(table, group, counts, n_groups) -> dict:
    """Sentences from a histogram of PRISTOT (months for statistics by the codebook:
    a term >= 0 as is, -1 as 0, life and death as 470, the others unknown)."""
    term = table["pristot"].fill_null(-8).to_numpy(zero_copy_only=False).astype(np.int64)
    months = np.where(term >= 0, term, 0).astype(float)
    known = term >= 0
    for value, (_, counted) in sentinel_meanings().items():
        if counted is not None:
            months[term == value] = counted
            known |= term == value
    custody = known & ((term > 0) | np.isin(term, CUSTODY_SENTINELS))
    life = known & np.isin(term, (LIFE, DEATH))
    no_sentence = ~known & (term == NO_SENTENCE)
    sealed = ~known & (term == SEALED)
    order = np.lexsort((months[known], group[known]))
    g, v, c = group[known][order], months[known][order], counts[known][order]
    known_n = _sum(group, counts, known, n_groups)
    total = np.bincount(g, weights=v * c, minlength=n_groups)
    return {
        "convicted": np.bincount(group, weights=counts, minlength=n_groups).astype(np.int64),
        "known_term": known_n, "prison": _sum(group, counts, custody, n_groups),
        "median_prison_months": grouped_quantiles(g, v, c, 0.5, n_groups),
        "mean_prison_months": np.where(known_n > 0, total / np.maximum(known_n, 1), np.nan),
        "p25_prison_months": grouped_quantiles(g, v, c, 0.25, n_groups),
        "p75_prison_months": grouped_quantiles(g, v, c, 0.75, n_groups),
        "life_or_death": _sum(group, counts, life, n_groups),
        "no_sentence": _sum(group, counts, no_sentence, n_groups),
        "sealed": _sum(group, counts, sealed, n_groups),
        # Everything else: -8, blank, and negative values the codebook does not name.
        "missing": _sum(group, counts, ~known & ~no_sentence & ~sealed, n_groups),
    }


def speed_columns(table, group, counts, n_groups) -> dict:
    """Speed from a histogram of days from filing to disposition."""
    g, v, c = _sorted(table, group, "days")
    dated = np.bincount(g, weights=c, minlength=n_groups).astype(np.int64)
    within = {limit: np.bincount(g[v <= limit], weights=c[v <= limit], minlength=n_groups)
              for limit in (1, 7)}
    safe = np.maximum(dated, 1)
    return {
        "terminated": np.bincount(group, weights=counts, minlength=n_groups).astype(np.int64),
        "dated": dated,
        "median_days": grouped_quantiles(g, v, c, 0.5, n_groups),
        "p90_days": grouped_quantiles(g, v, c, 0.9, n_groups),
        "share_within_1_day": np.where(dated > 0, within[1] / safe, np.nan),
        "share_within_7_days": np.where(dated > 0, within[7] / safe, np.nan),
    }


def to_table(q: Query, rows: list[dict]) -> pa.Table:
    """Sorted by the dimensions, district names beside codes, columns in order."""
    keys = [*q.by, *q.spec.group]
    rows = sorted(rows, key=lambda r: tuple(_sort_key(r[k]) for k in keys))
    names = fjc.district_names()
    columns: dict[str, list] = {}
    for name in keys:
        columns[name] = pa.array([r[name] for r in rows],
                                 pa.int64() if name == "fiscal_year" else pa.string())
        if name == "district":
            columns["district_name"] = pa.array(
                [names.get(r[name], _combined(r[name])) for r in rows], pa.string())
    for name in q.spec.columns:
        columns[name] = pa.array([r[name] for r in rows], column_type(name))
    return pa.table(columns)


def column_type(name: str) -> pa.DataType:
    """Counts are integers; statistics and shares are decimals."""
    decimal = name.endswith(("_months", "_days")) or name.startswith("share_")
    return pa.float64() if decimal else pa.int64()


def _combined(code: str) -> str:
    """Names of combined districts (``93+94``), else ``unknown``."""
    names = fjc.district_names()
    parts = code.split("+")
    if len(parts) > 1 and all(p in names for p in parts):
        return " and ".join(names[p] for p in parts)
    return "unknown"


def _sort_key(value):
    return (value is None, value if value is not None else 0)
