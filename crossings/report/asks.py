"""One question the fact sheet asks of ``measure()``, and the ``crossings stats``
command that asks the same: the sheet prints the command beside its answer, so
anyone can check every number with the tool itself.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from crossings.measures import Result, measure
from crossings.store import Store

#: measure() options and their CLI flags; a flag is written only when it differs
#: from the default (``None`` or ``False``).
FLAGS = {"source": "--source", "charge_basis": "--charge-basis", "share": "--share",
         "change": "--change", "sort": "--sort", "top": "--top"}
DEFAULTS = {"source": "idb", "charge_basis": "default"}
WHERE_FLAGS = {"from_year": "--from-year", "to_year": "--to-year", "district": "--district",
               "charge": "--charge", "border": "--border"}


@dataclass(frozen=True)
class Ask:
    """``measure(name, by=by, where=where, **options)``, as the sheet asks it."""

    name: str
    by: tuple[str, ...] = ()
    where: tuple[tuple[str, object], ...] = ()  # (filter, value) pairs, in CLI order
    options: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, name: str, by=(), where: dict | None = None, **options) -> Ask:
        where = {k: v for k, v in (where or {}).items() if v not in (None, (), [], "")}
        options = {k: v for k, v in options.items()
                   if v not in (None, False) and DEFAULTS.get(k) != v}
        return cls(name, tuple(by),
                   tuple((k, _flat(where[k])) for k in WHERE_FLAGS if k in where),
                   tuple((k, options[k]) for k in FLAGS if k in options))

    def run(self, store: Store | str | None, engine: str = "duckdb") -> Result:
        return measure(self.name, by=list(self.by), where=dict(self.where), store=store,
                       engine=engine, **dict(self.options))

    def command(self, store: Path | str | None = None) -> str:
        """The equivalent command line, each value quoted for a POSIX shell."""
        words = ["crossings", "stats", self.name]
        if self.by:
            words += ["--by", ",".join(self.by)]
        for key, value in self.where:
            words += [WHERE_FLAGS[key], str(value)]
        for key, value in self.options:
            words += [FLAGS[key]] if value is True else [FLAGS[key], str(value)]
        if store is not None:
            words += ["--store", str(store)]
        return " ".join(shlex.quote(w) for w in words)


def _flat(value) -> object:
    """A list filter as the CLI writes it: comma-separated."""
    return ",".join(map(str, value)) if isinstance(value, list | tuple) else value


@dataclass
class Asked:
    """Every ask the sheet made, each run once (the same ask twice is one query)."""

    store: Store | str | None
    engine: str = "duckdb"
    shown_store: Path | str | None = None  # the --store written in the commands
    results: dict[Ask, Result] = field(default_factory=dict)

    def __call__(self, ask: Ask) -> Result:
        if ask not in self.results:
            self.results[ask] = ask.run(self.store, self.engine)
        return self.results[ask]

    def command(self, ask: Ask) -> str:
        return ask.command(self.shown_store)
