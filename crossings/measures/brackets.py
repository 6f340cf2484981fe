"""Sentence brackets: the ``sentence_bracket`` dimension of the ``sentences`` measure.

Every convicted defendant falls in exactly one bracket, so a result by bracket
adds up to the convicted defendants of its group (and ``--share`` to 1):

* ``none``: no prison (0 months; in the prosecutors' data also time served,
  probation only and fine only, which the statistics count as 0 months);
* ``<1``: custody under a month (the court file's PRISTOT -1; a LIONS term
  above 0 and under 1 month);
* ``1-6`` ... ``61+``: a term of at least the bracket's first month and under
  the next bracket's (1 to under 7, 7 to under 13, 13 to under 25, 25 to under
  61, 61 and over); the court file's PRISTOT is whole months;
* ``life``, ``death``; ``no sentence`` (guilty but no sentence: PRISTOT -2,
  LIONS DBS), ``sealed`` (PRISTOT -3; LIONS marks none), ``missing`` (the rest).
"""

from __future__ import annotations

BRACKETS = ("none", "<1", "1-6", "7-12", "13-24", "25-60", "61+", "life", "death",
            "no sentence", "sealed", "missing")
#: The first month of each bracket of a term of a month or more.
TERM_FLOORS = {"1-6": 1, "7-12": 7, "13-24": 13, "25-60": 25, "61+": 61}
DIMENSION = "sentence_bracket"


def code(label: str) -> int:
    """The bracket's position: its rows come in this order."""
    return BRACKETS.index(label)


def rank(value) -> tuple:
    """A sort key putting brackets in their order (anything else after them)."""
    return (0, BRACKETS.index(value)) if value in BRACKETS else (1, str(value))
