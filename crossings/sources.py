"""The sources crossings reads, one descriptor each, in one registry.

A :class:`Source` says what a source is (name, title, citation, coverage,
dimensions) and where its code lives in each layer, as dotted paths loaded on
first use: this base module imports no layer, and every layer finds a
source's part here instead of branching on the source's name.

To add a source: a subpackage in each layer (``ingest/<name>/``,
``measures/<name>/``, ``sample/<name>/``, optionally ``fetch/<name>.py``),
and one descriptor below.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from crossings.errors import InvalidRequest


@dataclass(frozen=True)
class Source:
    name: str  # as users type it: --source idb
    title: str
    #: The publisher's citation; ``{release}`` is filled with the release's name.
    citation: str
    coverage: tuple[str, ...]
    dimensions: tuple[str, ...]
    #: Layer -> "module:function", loaded by :meth:`entry_point`.
    entry_points: dict[str, str] = field(default_factory=dict)
    #: The court file's own options apply (--transfers, --charge-basis, --skip-unreadable).
    court_file_options: bool = False
    #: Its disposition codes tell a guilty plea from a verdict (guilty_plea_share).
    tells_pleas: bool = False
    #: The charge basis that reads a terminated defendant's charge at filing.
    filing_charge_basis: str = "default"
    #: Its releases are monthly snapshots named by month (JUNFY2025).
    monthly_releases: bool = False

    def entry_point(self, layer: str):
        """The function this source provides for ``layer`` (ingest, measure, sample, fetch)."""
        try:
            module, _, function = self.entry_points[layer].partition(":")
        except KeyError:
            raise InvalidRequest(f"the {self.name} source has no {layer} step") from None
        return getattr(importlib.import_module(module), function)


_SHARED_DIMENSIONS = ("fiscal_year", "month", "district", "circuit", "border", "charge",
                      "charge_group", "statute", "offense_level", "sentence_bracket")

IDB = Source(
    name="idb",
    title="the court file (FJC Integrated Database, criminal defendants)",
    citation="Federal Judicial Center, Integrated Database, criminal defendants FY1996-present",
    coverage=(
        "Petty offenses handled by magistrate judges are not reported in the court file; "
        "most Operation Streamline 8 U.S.C. 1325 cases are such, so illegal-entry "
        "prosecutions are badly undercounted here (the prosecutors' data counts them).",
        "The court file has no citizenship, no referring agency and no judge names.",
        "The latest fiscal year is partial.",
    ),
    dimensions=_SHARED_DIMENSIONS,
    entry_points={"ingest": "crossings.ingest.idb.ingest:ingest_idb",
                  "measure": "crossings.measures.idb.run:measure_idb",
                  "rule_text": "crossings.measures.rule_text:idb_rule_text",
                  "summary": "crossings.ingest.report:idb_summary_rows",
                  "sample": "crossings.sample.idb.generator:write_idb_sample",
                  "fetch": "crossings.fetch.idb:fetch_idb"},
    court_file_options=True, tells_pleas=True, filing_charge_basis="filing",
)

LIONS = Source(
    name="lions",
    title="the prosecutors' data (EOUSA National Caseload Data, LIONS)",
    citation="Executive Office for U.S. Attorneys, National Caseload Data (LIONS), "
             "release {release}",
    coverage=(
        "The prosecutors' data counts cases U.S. Attorneys' offices entered in LIONS; DOJ "
        "cautions that offices use LIONS differently, so compare districts with care.",
        "Sealed and ongoing matters are redacted: roles become D* (still counted), charges "
        "and dates may be withheld (shown as unreadable, or not a filing).",
        "A release is a snapshot; the months just before it are provisional and change "
        "in later releases.",
    ),
    dimensions=(*_SHARED_DIMENSIONS, "court", "agency", "country", "program", "release"),
    entry_points={"ingest": "crossings.ingest.lions.ingest:ingest_lions",
                  "measure": "crossings.measures.lions.run:measure_lions",
                  "rule_text": "crossings.measures.rule_text:lions_rule_text",
                  "summary": "crossings.ingest.report:lions_summary_rows",
                  "sample": "crossings.sample.lions.generator:write_lions_sample",
                  "fetch": "crossings.fetch.lions:fetch_lions"},
    monthly_releases=True,
)

SOURCES: dict[str, Source] = {s.name: s for s in (IDB, LIONS)}
NAMES: tuple[str, ...] = tuple(SOURCES)


def get(name: str) -> Source:
    """The source called ``name``, or :class:`InvalidRequest` listing the known ones."""
    try:
        return SOURCES[name]
    except KeyError:
        raise InvalidRequest(f"unknown source {name!r}; expected one of: "
                             f"{', '.join(NAMES)}") from None
