"""The last step a reader would do by hand: shares, changes, sorting, the top rows,
a wide table. Each works on a computed result (Arrow), so every face gets the
same figures from one place.

* share: each row's share of the total over the last grouping dimension (a
  measure's own group column, such as ``disposition``, counts as the last),
  within each combination of the others, on the filtered result;
* change: from the year before and from five years before, absolute and as a
  fraction of the base, for results grouped by ``fiscal_year``; the base year
  comes from the data even when ``from_year`` hides its row (the caller widens
  the query), and is null only where the data has no such year; a partial year
  gets no change (null, with the reason in ``meta.warnings``) unless the
  result is year-to-date.
"""

from __future__ import annotations

from collections import defaultdict

import pyarrow as pa
import pyarrow.compute as pc

from crossings.errors import InvalidRequest
from crossings.measures import brackets
from crossings.measures.query import Query

#: Years back of each change column.
CHANGES = {"1y": 1, "5y": 5}
PARTIAL_NO_CHANGE = ("Fiscal year {years} is partial: no change is given for it (null); use "
                     "--ytd to compare the same months of each year.")


def value_column(q: Query, table: pa.Table) -> str:
    """The count a share or change is taken of: the measure's first count column."""
    return q.spec.columns[0] if q.spec.columns[0] in table.column_names else "defendants"


def keys_of(q: Query) -> list[str]:
    return [*q.by, *q.spec.group]


def with_share(q: Query, table: pa.Table) -> pa.Table:
    keys = keys_of(q)
    if not keys:
        raise InvalidRequest("--share needs a breakdown: give --by (the share is taken over "
                             "its last dimension)")
    value = value_column(q, table)
    others = keys[:-1]
    values = table[value].to_pylist()
    groups = [tuple(table[k][i].as_py() for k in others) for i in range(table.num_rows)]
    totals: dict[tuple, int] = defaultdict(int)
    for g, v in zip(groups, values, strict=True):
        totals[g] += v or 0
    share = [(v or 0) / totals[g] if totals[g] else None
             for g, v in zip(groups, values, strict=True)]
    return table.append_column("share", pa.array(share, pa.float64()))


def with_change(q: Query, table: pa.Table, covered: tuple[int, int] | None,
                partial: list[int], ytd: bool, warnings: list[str]) -> pa.Table:
    """Change columns on a result computed from five years before ``q.from_year``;
    the rows before ``q.from_year`` are dropped afterwards by :func:`within_years`."""
    if "fiscal_year" not in q.by:
        raise InvalidRequest("--change compares fiscal years: add fiscal_year to --by")
    value = value_column(q, table)
    others = [k for k in keys_of(q) if k != "fiscal_year"]
    rows = table.to_pylist()
    seen = {(tuple(r[k] for k in others), r["fiscal_year"]): r[value] or 0 for r in rows}
    for label, back in CHANGES.items():
        absolute, relative = [], []
        for r in rows:
            year, base_year = r["fiscal_year"], r["fiscal_year"] - back
            in_data = covered is not None and covered[0] <= base_year <= covered[1]
            if not in_data or (year in partial and not ytd):
                absolute.append(None)
                relative.append(None)
                continue
            base = seen.get((tuple(r[k] for k in others), base_year), 0)
            absolute.append((r[value] or 0) - base)
            relative.append(((r[value] or 0) - base) / base if base else None)
        table = table.append_column(f"change_{label}", pa.array(absolute, pa.int64()))
        table = table.append_column(f"change_{label}_pct", pa.array(relative, pa.float64()))
    shown = [y for y in partial if y in set(table["fiscal_year"].to_pylist())]
    if shown and not ytd:
        warnings.append(PARTIAL_NO_CHANGE.format(years=", ".join(map(str, shown))))
    return table


def within_years(q: Query, table: pa.Table) -> pa.Table:
    """Drop the rows a widened query fetched only as the bases of changes."""
    if q.from_year is None or "fiscal_year" not in table.column_names:
        return table
    return table.filter(pc.greater_equal(table["fiscal_year"], q.from_year))


def sort_and_top(table: pa.Table, sort: str | None, top: int | None) -> pa.Table:
    """``sort``: a column (``-column`` for descending); ``top``: the first N rows."""
    if sort:
        name = sort.lstrip("-")
        if name not in table.column_names:
            raise InvalidRequest(f"cannot sort by {name!r}: the columns are "
                                 f"{', '.join(table.column_names)}")
        table = table.sort_by([(name, "descending" if sort.startswith("-") else "ascending")])
    if top is not None:
        if top < 1:
            raise InvalidRequest(f"--top must be 1 or more, not {top}")
        table = table.slice(0, top)
    return table


def wide(table: pa.Table, keys: list[str], value: str, dimension: str) -> pa.Table:
    """``dimension``'s values spread into columns of ``value``, zero-filled; one row per
    combination of the other keys (their label columns kept)."""
    if dimension not in keys:
        raise InvalidRequest(f"cannot spread {dimension!r}: it is not a dimension of this "
                             f"result ({', '.join(keys) or 'none'})")
    rows = table.to_pylist()
    others = [k for k in keys if k != dimension]
    labels = [c for c in table.column_names
              if c not in keys and any(c.startswith(f"{k}_") for k in others)
              and not c.startswith(("share", "change_"))]
    order = brackets.rank if dimension == brackets.DIMENSION else lambda v: (1, str(v))
    spread = sorted({r[dimension] for r in rows}, key=lambda v: (v is None, order(v)))
    out: dict[tuple, dict] = {}
    for r in rows:
        key = tuple(r[k] for k in others)
        row = out.setdefault(key, {**{k: r[k] for k in others}, **{c: r[c] for c in labels},
                                   **{str(v): 0 for v in spread}})
        row[str(r[dimension])] = r[value]
    if not out:
        return pa.table({c: [] for c in (*others, *labels, *map(str, spread))})
    return pa.Table.from_pylist(list(out.values()))
