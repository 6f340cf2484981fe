"""Published series that put prosecutions in context, shipped with the package.

Border Patrol apprehensions (CBP) and encounters (DHS OHSS), DHS and ICE
removals, the Bureau of Prisons' cost of incarceration fee (COIF) and a
sector-to-district crosswalk, copied unchanged into ``context/data/`` with
the README that states each one's source, coverage, gaps and traps. They are
versioned with the package, not loaded into the store.

This part reads them and never guesses: a year a series lacks is missing
(``None``), every row keeps its source, and a change of series is named on
every row. It imports no other layer's code but the code tables; the measures
that set these series beside the counts live in ``crossings.measures``.
"""

from __future__ import annotations

from crossings.context.series import Fact, fact, file_ref, rows

__all__ = ["Fact", "fact", "file_ref", "rows"]
