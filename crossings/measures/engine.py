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
        self._compiled: dict = {}  # key -> (SQL, expression kept alive)
        self._lock = threading.Lock()

    def parquet(self, glob: str) -> ibis.Table:
        """The Parquet files matching ``glob`` as one table (registered once)."""
        with self._lock:
            if glob not in self._tables:
                self._tables[glob] = self.con.read_parquet(glob)
            return self._tables[glob]

    def in_memory(self, path: str) -> ibis.Table:
        """A Parquet file loaded into the engine's memory (DuckDB), or scanned (others)."""
        if self.name != "duckdb":
            return self.parquet(path)
        with self._lock:
            if path not in self._tables:
                name = f"mem_{len(self._tables)}_{abs(hash(path)) % 10**8}"
                escaped = path.replace("'", "''")
                self.con.raw_sql(f"CREATE OR REPLACE TABLE {name} AS "
                                 f"SELECT * FROM read_parquet('{escaped}')")
                self._tables[path] = self.con.table(name)
            return self._tables[path]

    def to_arrow(self, expr, key=None) -> pa.Table:
        """Run ``expr``. With a ``key``, DuckDB keeps the compiled SQL and runs it
        directly next time: compiling costs more than running a small query."""
        with self._lock:
            if key is None or self.name != "duckdb":
                return self.con.to_pyarrow(expr)
            if key not in self._compiled:
                table = self.con.to_pyarrow(expr)  # registers any in-memory inputs
                self._compiled[key] = (str(self.con.compile(expr)), table.schema, expr)
                return table
            sql, schema, _ = self._compiled[key]
            # The types Ibis would give (a DuckDB sum is HUGEINT, Ibis says int64).
            return self.con.con.sql(sql).to_arrow_table().cast(schema)

    def scalar(self, expr):
        with self._lock:
            return self.con.execute(expr)


_engines: dict[str, Engine] = {}


def get_engine(name: str = "duckdb") -> Engine:
    """A process-wide engine per backend, so repeated queries reuse registrations."""
    if name not in _engines:
        _engines[name] = Engine(name)
    return _engines[name]
