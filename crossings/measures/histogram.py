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

from crossings.codebook import idb as idb_codes
from crossings.codebook.idb import sentinel_meanings
from crossings.measures import brackets, labels
from crossings.measures.idb.counting import CODED
from crossings.measures.idb.facts import Codes
from crossings.measures.query import Query

#: Prison-term sentinels (PRISTOT) as the rule names them; see prison-sentinels.csv.
UNDER_A_MONTH, NO_SENTENCE, SEALED, LIFE, DEATH = -1, -2, -3, -4, -5
CUSTODY_SENTINELS = (UNDER_A_MONTH, LIFE, DEATH)
#: Measures computed from the histogram of prison terms.
SENTENCE_MEASURES = ("sentences", "prison_years")


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
        return {code: row["label"] for code, row in idb_codes.dispositions().items()}
    if name == "counsel":
        return idb_codes.counsel_labels()
    if name == "offense_level":
        return idb_codes.offense_levels()
    return {}


def decode(name: str, value, codes: Codes):
    """A grouping value as the user sees it."""
    if name == "fiscal_year":
        return value
    if name in CODED:
        return codes.text(name, value)
    return _labels(name).get(value, "unknown")


def rows_from(q: Query, table: pa.Table, codes: Codes) -> pa.Table:
    """The measure's rows (unsorted, keys decoded) from the engine's grouped counts."""
    keys = [*q.by, *q.spec.group]
    if "mask" in table.column_names:
        table = _unfold(table, codes)
    if brackets.DIMENSION in keys:
        table = table.append_column(brackets.DIMENSION, pa.array(
            bracket_codes(table["pristot"]), pa.int8()))
    if table.num_rows == 0:
        return pa.table({**{k: pa.array([], _key_type(k)) for k in keys},
                         **{c: pa.array([], column_type(c)) for c in q.spec.columns}})
    group, uniques = _group_ids(table, keys)
    n_groups = len(uniques)
    counts = table["n"].to_numpy(zero_copy_only=False).astype(np.int64)
    if q.measure in SENTENCE_MEASURES:
        columns = sentence_columns(table, group, counts, n_groups)
    elif q.measure == "speed":
        columns = speed_columns(table, group, counts, n_groups)
    else:
        columns = {"defendants": np.bincount(group, weights=counts, minlength=n_groups)}
    out = {}
    for i, name in enumerate(keys):
        values = uniques[:, i] if len(keys) else np.zeros(0, np.int64)
        decoded = {v: decode(name, None if v == MISSING else v, codes)
                   for v in np.unique(values).tolist()}
        out[name] = pa.array([decoded[v] for v in values.tolist()], _key_type(name))
    for name, values in columns.items():
        out[name] = _column(name, values)
    return pa.table(out)


MISSING = -(2**31)


def _key_type(name: str) -> pa.DataType:
    return pa.int64() if name == "fiscal_year" else pa.string()


def _column(name: str, values: np.ndarray) -> pa.Array:
    values = np.asarray(values)
    missing = np.isnan(values) if values.dtype.kind == "f" else np.zeros(len(values), bool)
    if column_type(name) == pa.int64():
        return pa.array(np.where(missing, 0, values).astype(np.int64), pa.int64(), mask=missing)
    return pa.array(values.astype(float), pa.float64(), mask=missing)


def _unfold(table: pa.Table, codes: Codes) -> pa.Table:
    """``--any-charge``: a row counted under each category bit of its mask."""
    masks = table["mask"].to_numpy(zero_copy_only=False).astype(np.int64)
    base = table.drop_columns(["mask"])
    parts = []
    for i in range(len(codes.categories)):
        hit = (masks & (1 << i)) != 0
        if hit.any():
            part = base.filter(pa.array(hit))
            parts.append(part.append_column("charge", pa.array(
                np.full(part.num_rows, i, np.int8))))
    if not parts:
        return base.append_column("charge", pa.array([], pa.int8()))
    return pa.concat_tables(parts)


def _group_ids(table: pa.Table, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """A group number per row and the groups' key codes (one row per group).

    The key columns are small integers, so they are packed into one int64
    (mixed radix) and grouped with a single 1-D unique: far faster than
    grouping rows of several columns.
    """
    if not keys:
        return np.zeros(table.num_rows, np.int64), np.zeros((1, 0), np.int64)
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
    if len(packed) and np.all(packed[1:] >= packed[:-1]):  # already in order
        starts = np.flatnonzero(np.r_[True, packed[1:] != packed[:-1]])
        uniques, inverse = packed[starts], np.cumsum(np.r_[0, packed[1:] != packed[:-1]])
    else:
        uniques, inverse = np.unique(packed, return_inverse=True)
    digits = np.zeros((len(uniques), len(keys)), np.int64)
    rest = uniques.copy()
    for i in range(len(keys) - 1, -1, -1):
        rest, digit = np.divmod(rest, spans[i])
        digits[:, i] = digit + lows[i]
    return inverse.reshape(-1), digits


def _sorted(table: pa.Table, group: np.ndarray, value: str) -> tuple[np.ndarray, ...]:
    """(group, value, count) sorted by group then value, nulls dropped."""
    column = table[value]
    known = ~column.is_null().to_numpy(zero_copy_only=False)
    values = column.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False)
    counts = table["n"].to_numpy(zero_copy_only=False).astype(np.int64)
    g, v, c = group[known], values[known], counts[known]
    order = _order(g, v)
    return g[order], v[order].astype(float), c[order]


def _order(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Positions sorted by group then value (integers), by one packed sort key."""
    if not len(values):
        return np.zeros(0, np.int64)
    low = values.min()
    span = int(values.max() - low) + 1
    packed = group.astype(np.int64) * span + (values - low)
    if np.all(packed[1:] >= packed[:-1]):  # the engine returned it in order
        return np.arange(len(packed))
    return np.argsort(packed, kind="stable")


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
    order = _order(group[known], months[known].astype(np.int64))
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
        # The court file does not mark time served apart (LIONS does: TIM).
        "time_served": np.full(n_groups, np.nan),
        "no_sentence": _sum(group, counts, no_sentence, n_groups),
        "sealed": _sum(group, counts, sealed, n_groups),
        # Everything else: -8, blank, and negative values the codebook does not name.
        "missing": _sum(group, counts, ~known & ~no_sentence & ~sealed, n_groups),
        # prison_years: the known terms summed (unknown ones apart, never guessed).
        "unknown_term": _sum(group, counts, ~known, n_groups),
        "prison_years": total / 12,
    }


def bracket_codes(pristot: pa.ChunkedArray) -> np.ndarray:
    """Each PRISTOT value's sentence bracket (its index in ``brackets.BRACKETS``), by the
    codebook's sentinels: -1 under a month, -2 no sentence, -3 sealed, -4 life,
    -5 death; a whole number of months 0 and up; anything else missing."""
    term = pristot.fill_null(-8).to_numpy(zero_copy_only=False).astype(np.int64)
    out = np.full(len(term), brackets.code("missing"), np.int8)
    positive = term >= 1
    floors = np.array(list(brackets.TERM_FLOORS.values()))
    out[positive] = (brackets.code("1-6")
                     + np.searchsorted(floors, term[positive], side="right") - 1)
    for value, label in ((0, "none"), (UNDER_A_MONTH, "<1"), (LIFE, "life"),
                         (DEATH, "death"), (NO_SENTENCE, "no sentence"), (SEALED, "sealed")):
        out[term == value] = brackets.code(label)
    return out


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


def to_table(q: Query, table: pa.Table) -> pa.Table:
    """Sorted by the dimensions, labels beside codes (labels.py), columns in order."""
    keys = [*q.by, *q.spec.group]
    if keys and table.num_rows:
        table = _sorted_by(table, keys)
    columns: dict[str, pa.Array] = {}
    for name in keys:
        columns[name] = table[name].cast(_key_type(name))
        columns.update(labels.beside(name, table[name].to_pylist()))
    for name in q.spec.columns:
        columns[name] = table[name].cast(column_type(name))
    return pa.table(columns)


def _sorted_by(table: pa.Table, keys: list[str]) -> pa.Table:
    """Rows in the order of their keys; sentence brackets in their own order (none,
    <1, 1-6 ... missing), not alphabetically."""
    if brackets.DIMENSION not in keys:
        return table.sort_by([(k, "ascending") for k in keys])
    rank = [brackets.rank(v)[1] for v in table[brackets.DIMENSION].to_pylist()]
    ranked = table.append_column("_bracket_rank", pa.array(rank, pa.int64()))
    order = [("_bracket_rank" if k == brackets.DIMENSION else k, "ascending") for k in keys]
    return ranked.sort_by(order).drop_columns(["_bracket_rank"])


def column_type(name: str) -> pa.DataType:
    """Counts are integers; statistics and shares are decimals."""
    decimal = name.endswith(("_months", "_days", "_years")) or name.startswith("share_")
    return pa.float64() if decimal else pa.int64()
