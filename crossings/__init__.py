"""crossings: counts of federal immigration prosecutions from public records.

The Python API is the library's front door::

    import crossings
    result = crossings.measure("filings", by=["fiscal_year", "charge"])
    result.to_pandas(); result.meta

The CLI, HTTP API, web pages and fact sheets are thin adapters over it.
"""

from __future__ import annotations

from crossings.version import __version__

__all__ = ["__version__", "measure", "reconcile", "scenario", "vocabulary"]


def __getattr__(name: str):
    # Imported on first use, so `import crossings` (and the CLI's start) stays light.
    if name == "measure":
        from crossings.measures import measure

        return measure
    if name == "reconcile":
        from crossings.measures.reconcile import reconcile

        return reconcile
    if name == "scenario":
        from crossings.measures.scenario import scenario

        return scenario
    if name == "vocabulary":
        from crossings.measures.vocabulary import vocabulary

        return vocabulary
    raise AttributeError(f"module 'crossings' has no attribute {name!r}")
