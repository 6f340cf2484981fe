"""Counting rules and queries: ``measure()`` is the one way numbers are made.

Every number carries ``meta`` (:class:`crossings.measures.meta.Meta`): the
source files' SHA-256, data as of, the rules version and the SHA-256 of the
charge tables, the tool version, the partial years, data-quality figures and
what the data does not cover. ``caveats(meta)`` says it in sentences.
"""

from __future__ import annotations

from crossings import sources
from crossings.measures import charges
from crossings.measures.caveats import caveats
from crossings.measures.engine import get_engine
from crossings.measures.meta import RULES_VERSION, Meta
from crossings.measures.query import DIMENSIONS, MEASURES, build_query
from crossings.measures.result import Result
from crossings.store import Store

__all__ = ["DIMENSIONS", "MEASURES", "RULES_VERSION", "Meta", "Result", "caveats", "measure"]


def measure(name: str, by=(), where: dict | None = None, *, source: str = "idb",
            store: Store | str | None = None, release: str | None = None,
            transfers: str = "exclude", charge_basis: str = "default",
            any_charge: bool = False, charges_file: str | None = None,
            engine: str = "duckdb") -> Result:
    """Compute a measure.

    >>> crossings.measure("filings", by=["fiscal_year", "charge"],
    ...                   where={"district": "41", "from_year": 2015})
    """
    q = build_query(name, by, where, transfers=transfers, charge_basis=charge_basis,
                    any_charge=any_charge, source=source, release=release)
    store = store if isinstance(store, Store) else Store(store)
    rules = charges.load_rules(charges_file)
    run = sources.get(q.source).entry_point("measure")
    return run(q, store, rules, get_engine(engine))
