"""Counting rules and queries: ``measure()`` is the one way numbers are made.

Every number carries ``meta`` (:class:`crossings.measures.meta.Meta`): the
source files' SHA-256, data as of, the rules version and the SHA-256 of the
charge tables, the tool version, the partial years, data-quality figures and
what the data does not cover. ``caveats(meta)`` says it in sentences.

``measure()`` may be called from many threads at once (see engine.py); it
never writes to the store (derived tables are cached outside it: cache.py).
"""

from __future__ import annotations

import dataclasses

from crossings import sources
from crossings.errors import InvalidRequest
from crossings.measures import answers, beside, charges, rates
from crossings.measures.caveats import caveats
from crossings.measures.engine import get_engine
from crossings.measures.meta import RULES_VERSION, Meta
from crossings.measures.query import DIMENSIONS, MEASURES, build_query, choose
from crossings.measures.result import Result
from crossings.measures.years import years_warnings
from crossings.store import Store

__all__ = ["DIMENSIONS", "MEASURES", "RULES_VERSION", "Meta", "Result", "caveats", "measure"]


def measure(name: str, by=(), where: dict | None = None, *, source: str = "idb",
            store: Store | str | None = None, release: str | None = None,
            transfers: str = "exclude", charge_basis: str = "default",
            any_charge: bool = False, charges_file: str | None = None,
            engine: str = "duckdb", share: bool = False, change: bool = False,
            sort: str | None = None, top: int | None = None, ytd: bool = False,
            series: str | None = None, share_served: float = 1.0) -> Result:
    """Compute a measure (or a published series beside the counts: ``beside.NAMES``).

    >>> crossings.measure("filings", by=["fiscal_year", "charge"],
    ...                   where={"district": "41", "from_year": 2015}, change=True)

    ``share``: each row's share of its group's total over the last dimension;
    ``change``: change from one and five years before (``fiscal_year`` in ``by``);
    ``sort``: a column, ``-column`` descending; ``top``: the first N rows after sorting;
    ``ytd``: every fiscal year cut to October through the data's last complete month,
    so a partial year compares with the ones before it;
    ``series``: removals only (``dhs``, ``ice``...); ``share_served``: prison_cost only.
    """
    name = choose("measure", name, (*MEASURES, *beside.NAMES))
    if name in beside.NAMES:
        if share or change or ytd:
            raise InvalidRequest(f"--share, --change and --ytd do not apply to {name}: its "
                                 "series change definitions between years (see series_break)")
        result = beside.measure(name, by, where, series_name=series,
                                share_served=share_served, source=source, store=store,
                                release=release, transfers=transfers,
                                charge_basis=charge_basis, any_charge=any_charge,
                                charges_file=charges_file, engine=engine)
        result.table = answers.sort_and_top(result.table, sort, top)
        return result
    if series is not None or share_served != 1.0:
        raise InvalidRequest("--series applies to removals, --share-served to prison_cost")
    q = build_query(name, by, where, transfers=transfers, charge_basis=charge_basis,
                    any_charge=any_charge, source=source, release=release, ytd=ytd)
    store = store if isinstance(store, Store) else Store(store)
    rules = charges.load_rules(charges_file)
    run = sources.get(q.source).entry_point("measure")
    widened = q
    if change and q.from_year is not None:
        # The bases of the first years' changes lie before from_year: fetch them too.
        widened = dataclasses.replace(q, from_year=q.from_year - max(answers.CHANGES.values()))
    # Held while the query runs: an ingest replacing the release keeps its folder
    # until then; each release is checked against its ingest's record first.
    eng = get_engine(engine)
    with store.reading(q.source, q.release, every="release" in q.by):
        result = run(widened, store, rules, eng)
        # The rates' companion measures read the same release under the same hold.
        result.table = rates.with_rates(
            widened, result.table, lambda companion: run(companion, store, rules, eng).table,
            result.meta)
    result.meta.where = q.where()
    result.meta.warnings.extend(years_warnings(q, _years_covered(result)))
    table = result.table
    if change:
        table = answers.with_change(q, table, _years_covered(result), result.meta.partial_years,
                                    q.ytd, result.meta.warnings)
    table = answers.within_years(q, table)
    if share:
        table = answers.with_share(q, table)
    table = answers.sort_and_top(table, sort, top)
    return Result(table, result.meta, keys=answers.keys_of(q))


def _years_covered(result: Result) -> tuple[int, int] | None:
    """The first and last fiscal year the data holds (the span changes may use)."""
    years = result.meta.years_covered
    return (min(years), max(years)) if years else None
