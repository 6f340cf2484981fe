"""The query engines. Measures are written once in Ibis and run on any of them.

DuckDB is the embedded default; Polars is the second backend the tests run
every measure on, proving the measures do not depend on one engine (so a
distributed engine such as Spark can run them later unchanged).
"""

from __future__ import annotations

import threading

import ibis
import pyarrow as pa

from crossings.errors import InvalidRequest

ENGINES = ("duckdb", "polars")


class Engine:
    """One backend connection and the store tables registered on it."""

    def __init__(self, name: str = "duckdb"):
        if name not in ENGINES:
            raise InvalidRequest(f"unknown engine {name!r}; expected one of {', '.join(ENGINES)}")
        self.name = name
        self.con = ibis.duckdb.connect() if name == "duckdb" else ibis.polars.connect()
        self._tables: dict[str, ibis.Table] = {}
        self._lock = threading.Lock()

    def parquet(self, glob: str) -> ibis.Table:
        """The Parquet files matching ``glob`` as one table (registered once)."""
        with self._lock:
            if glob not in self._tables:
                self._tables[glob] = self.con.read_parquet(glob)
            return self._tables[glob]

    def to_arrow(self, expr) -> pa.Table:
        with self._lock:
            return self.con.to_pyarrow(expr)

    def scalar(self, expr):
        with self._lock:
            return self.con.execute(expr)


_engines: dict[str, Engine] = {}


def get_engine(name: str = "duckdb") -> Engine:
    """A process-wide engine per backend, so repeated queries reuse registrations."""
    if name not in _engines:
        _engines[name] = Engine(name)
    return _engines[name]
