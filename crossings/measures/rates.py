"""Rates as columns of the measures that have them, computed in the library so the
CLI, JSON and Python give the same figures.

* ``convictions``: ``terminations`` (the terminated defendants of the same groups
  and filters: on the court file the dispositions measure's total, which counts
  exactly them; on LIONS the terminations measure), ``conviction_rate`` = convictions (``defendants``) /
  terminations, and ``guilty_plea_share`` = convictions by plea (court file
  DISP1 4 or 5, read from the dispositions measure run the same way) /
  convictions. The prosecutors' code GT does not tell a plea from a verdict, so
  for LIONS ``guilty_plea_share`` is null and ``meta.notes`` says why;
* ``counsel``: ``appointed_counsel_share`` = (CJA panel, code 1, + federal or
  community defender, code 6) / defendants whose counsel is reported (code 0,
  "not reported", and missing or unknown codes left out), on FCOUNSEL (the
  field the measure groups by), the same on every counsel row of a group.

A rate whose denominator is 0 is null. The groups are the result's ``by``
keys; a group with terminations but no conviction has no row in
``convictions`` (as before): ``terminations`` shows it.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable

import pyarrow as pa

from crossings import sources
from crossings.codebook import idb as idb_codes
from crossings.measures.meta import Meta
from crossings.measures.query import Query

PLEA_CODES = (4, 5)  # DISP1: convicted on a guilty plea, on a nolo contendere plea
APPOINTED_COUNSEL = (1, 6)  # FCOUNSEL: CJA appointment, public or community defender
NOT_REPORTED = 0
#: The columns each measure gains, and what they are.
COLUMNS = {
    "convictions": {
        "terminations": "terminated defendants of the same group (the terminations measure)",
        "conviction_rate": "convictions / terminations",
        "guilty_plea_share": "convictions by plea (DISP1 4 or 5) / convictions; court file "
                             "only",
    },
    "counsel": {
        "appointed_counsel_share": "(CJA panel, FCOUNSEL 1, + defender, 6) / defendants "
                                   "whose counsel is reported (0 and missing left out), "
                                   "per group of --by",
    },
}
LIONS_PLEA_NOTE = ("guilty_plea_share is null for the prosecutors' data: its disposition "
                   "code GT (guilty) does not tell a guilty plea from a verdict.")

#: Runs the measure named in ``q`` (the same source, store, rules and engine).
Runner = Callable[[Query], pa.Table]


def with_rates(q: Query, table: pa.Table, run: Runner, meta: Meta) -> pa.Table:
    """``table`` with the rate columns of ``q``'s measure (unchanged for the others)."""
    if q.measure not in COLUMNS:
        return table
    meta.columns.update(COLUMNS[q.measure])
    if q.measure == "counsel":
        return _appointed_counsel(q, table)
    if sources.get(q.source).tells_pleas:
        # Court file: one companion query. The dispositions measure counts the same
        # terminated defendants by DISP1 (null included), so its total per group is
        # the terminations measure's, and its plea rows are the guilty pleas.
        dispositions = run(dataclasses.replace(q, measure="dispositions"))
        terminations = _totals(q, dispositions)
        pleas = _totals(q, dispositions, only=_plea_labels())
    else:
        terminations = _totals(q, run(dataclasses.replace(q, measure="terminations")))
        meta.notes.append(LIONS_PLEA_NOTE)
    keys = [_key(q, r) for r in table.to_pylist()]
    convictions = table["defendants"].to_pylist()
    ended = [terminations.get(k, 0) for k in keys]
    table = table.append_column("terminations", pa.array(ended, pa.int64()))
    table = table.append_column("conviction_rate", pa.array(
        [_ratio(c, e) for c, e in zip(convictions, ended, strict=True)], pa.float64()))
    if sources.get(q.source).tells_pleas:
        plea_share = [_ratio(pleas.get(k, 0), c) for k, c in zip(keys, convictions, strict=True)]
    else:
        plea_share = [None] * table.num_rows
    return table.append_column("guilty_plea_share", pa.array(plea_share, pa.float64()))


def _appointed_counsel(q: Query, table: pa.Table) -> pa.Table:
    labels = idb_codes.counsel_labels()
    appointed = {labels[c] for c in APPOINTED_COUNSEL}
    reported = set(labels.values()) - {labels[NOT_REPORTED]}
    rows = table.to_pylist()
    numerator: dict[tuple, int] = defaultdict(int)
    denominator: dict[tuple, int] = defaultdict(int)
    for r in rows:
        if r["counsel"] in reported:
            denominator[_key(q, r)] += r["defendants"] or 0
            if r["counsel"] in appointed:
                numerator[_key(q, r)] += r["defendants"] or 0
    shares = [_ratio(numerator[_key(q, r)], denominator[_key(q, r)]) for r in rows]
    return table.append_column("appointed_counsel_share", pa.array(shares, pa.float64()))


def _plea_labels() -> set[str]:
    """The dispositions measure shows DISP1 by its label: the labels of 4 and 5."""
    return {idb_codes.dispositions()[c]["label"] for c in PLEA_CODES}


def _totals(q: Query, table: pa.Table, only: set[str] | None = None) -> dict[tuple, int]:
    """The companion's defendants per group of ``q.by`` (its own group column summed)."""
    out: dict[tuple, int] = defaultdict(int)
    for r in table.to_pylist():
        if only is None or r.get("disposition") in only:
            out[_key(q, r)] += r["defendants"] or 0
    return out


def _key(q: Query, row: dict) -> tuple:
    return tuple(row[k] for k in q.by)


def _ratio(part, whole) -> float | None:
    return part / whole if whole else None
