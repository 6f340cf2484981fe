"""The query engines. Measures are written once in Ibis and run on any of them.

DuckDB is the embedded default; Polars is the second backend the tests run
every measure on, proving the measures do not depend on one engine; Spark
(Ibis's PySpark backend, the ``crossings[spark]`` extra) runs them past one
machine, on the session spark.py finds or makes (docs/scaling.md).

Many callers at once (a web server's threads): with DuckDB each thread runs
its queries on its own cursor of one in-memory database. Cursors share the
database, so the views and tables registered once (the store's Parquet files,
the derived facts held in memory) are visible to every thread, and queries of
different threads run side by side; only registering a table takes a lock.
The Polars and PySpark backends are not safe to share between threads (Ibis
registers in-memory tables and compiles on one backend object): every call on
them holds the engine's lock, so their queries run one at a time (Spark still
runs each query in parallel on its executors).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq

from crossings.errors import InvalidRequest
from crossings.settings import CACHE_ENV

ENGINES = ("duckdb", "polars", "spark")
#: What to install for each engine when its library is missing.
INSTALL = {"duckdb": "pip install 'ibis-framework[duckdb]'",
           "polars": "pip install 'ibis-framework[polars]' (or: pip install 'crossings[test]')",
           "spark": "pip install 'crossings[spark]' (Ibis's PySpark backend; Spark also needs "
                    "a Java 17+ runtime; with SPARK_REMOTE, also pip install 'pyspark[connect]')"}


def _connect(name: str):
    try:
        if name == "duckdb":
            return _quiet(ibis.duckdb.connect())
        if name == "spark":
            from crossings.measures import spark

            try:
                return ibis.pyspark.connect(spark.session())
            except spark.SparkUnavailable as exc:
                raise InvalidRequest(f"the spark engine could not start a Spark session ({exc})",
                                     hint=spark.JAVA_HINT) from None
        return ibis.polars.connect()
    except ImportError as exc:
        raise InvalidRequest(f"the {name} engine is not installed ({exc.__class__.__name__}: "
                             f"{str(exc).splitlines()[0]})", hint=INSTALL[name]) from None


def _quiet(backend):
    """The library never prints: no DuckDB progress bar on a long query."""
    backend.con.execute("SET enable_progress_bar = false")
    return backend


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Engine:
    """One backend and the tables registered on it (see the module's docstring)."""

    def __init__(self, name: str = "duckdb"):
        if name not in ENGINES:
            raise InvalidRequest(f"unknown engine {name!r}; expected one of {', '.join(ENGINES)}")
        self.name = name
        self.con = _connect(name)
        self._lock = threading.Lock()  # registrations (DuckDB); every call (Polars)
        self._local = threading.local()
        self._names = itertools.count()
        self._kinds: dict[str, str] = {}  # registered name -> VIEW or TABLE

    # --- registering (once per release) -------------------------------------------
    def parquet(self, glob: str | Path) -> ibis.Table:
        """The Parquet files matching ``glob`` as one table (a view: read when queried)."""
        with self._lock:
            name = self._new_name("parquet")
            if self.name != "duckdb":
                return self.con.read_parquet(str(glob), table_name=name)
            # Not Ibis' read_parquet: its views are temporary, seen by one cursor only.
            self.con.raw_sql(f'CREATE VIEW "{name}" AS SELECT * FROM '
                             f"read_parquet({_quoted(str(glob))})")
            self._kinds[name] = "VIEW"
            return self.con.table(name)

    def load(self, path: str | Path) -> ibis.Table:
        """A Parquet file loaded into the engine's memory (DuckDB), or scanned (others)."""
        if self.name != "duckdb":
            return self.local_file(path)
        with self._lock:
            name = self._new_name("memory")
            self.con.raw_sql(f'CREATE TABLE "{name}" AS SELECT * FROM '
                             f"read_parquet({_quoted(str(path))})")
            self._kinds[name] = "TABLE"
            return self.con.table(name)

    def load_arrow(self, table: pa.Table) -> ibis.Table:
        """An Arrow table copied into the engine, visible to every thread."""
        with self._lock:
            name = self._new_name("arrow")
            if self.name == "spark":
                # A temporary view of a DataFrame sent from here (Ibis' create_table
                # would write a managed table under ./spark-warehouse).
                self.con._session.createDataFrame(table).createOrReplaceTempView(name)
                return self.con.table(name)
            if self.name != "duckdb":
                return self.con.create_table(name, obj=table)
            raw = self.con.con
            raw.register(f"{name}_arrow", table)
            try:
                raw.execute(f'CREATE TABLE "{name}" AS SELECT * FROM "{name}_arrow"')
            finally:
                raw.unregister(f"{name}_arrow")
            self._kinds[name] = "TABLE"
            return self.con.table(name)

    def drop(self, table: ibis.Table) -> None:
        """Forget a registered table (when its release leaves the in-process cache)."""
        name = table.op().name
        with self._lock:
            kind = self._kinds.pop(name, None)
            if kind is None and self.name == "duckdb":
                return
            if self.name == "duckdb":
                self.con.raw_sql(f'DROP {kind} IF EXISTS "{name}"')
            elif self.name == "spark":
                self.con._session.catalog.dropTempView(name)
            else:
                self.con.drop_table(name, force=True)

    def registered(self) -> int:
        """How many tables and views are registered now (the in-process bound's witness)."""
        with self._lock:
            return len(self._kinds) if self.name == "duckdb" else len(self.con.list_tables())

    def local_file(self, path: str | Path) -> ibis.Table:
        """A Parquet file on this machine's disk (a derived table in the cache): scanned
        where the engine's workers read this machine's files, else read here and sent
        (Spark on a cluster whose workers do not share the cache folder)."""
        if self.name == "spark" and not self._shared_files():
            return self.load_arrow(pq.read_table(path))
        return self.parquet(path)

    def _shared_files(self) -> bool:
        """Spark: the master is local, or ``$CROSSINGS_CACHE`` is set (on a cluster it
        must then be on storage every worker mounts at the same path: docs/scaling.md)."""
        from crossings.measures import spark

        return bool(os.environ.get(CACHE_ENV)) or spark.reads_local_paths(self.con._session)

    def _new_name(self, kind: str) -> str:
        return f"crossings_{kind}_{next(self._names)}"

    # --- running (from any thread) ------------------------------------------------
    def _backend(self):
        """This thread's DuckDB cursor (made on first use), or the Polars backend."""
        if self.name != "duckdb":
            return self.con
        backend = getattr(self._local, "backend", None)
        if backend is None:
            backend = _quiet(ibis.duckdb.from_connection(self.con.con.cursor()))
            self._local.backend = backend
        return backend

    @contextlib.contextmanager
    def _running(self) -> Iterator:
        if self.name == "duckdb":
            yield self._backend()
            return
        with self._lock:
            yield self._backend()

    def to_arrow(self, expr) -> pa.Table:
        """Run ``expr``."""
        with self._running() as backend:
            if self.name == "spark":
                return _spark_arrow(backend, expr)
            return backend.to_pyarrow(expr)

    def to_arrow_compiled(self, compiled, key, build: Callable[[], ibis.Table]) -> pa.Table:
        """Run the expression ``build()`` makes. DuckDB keeps its compiled SQL in
        ``compiled`` (a mapping) under ``key`` and next time runs the SQL directly,
        without building or compiling: both cost more than running a small query."""
        found = compiled.get(key) if self.name == "duckdb" else None
        with self._running() as backend:
            if found is None:
                expr = build()
                table = backend.to_pyarrow(expr)  # registers any in-memory inputs
                if self.name == "duckdb":
                    compiled[key] = (str(backend.compile(expr)), table.schema, expr)
                return table
            sql, schema, _ = found
            # The types Ibis would give (a DuckDB sum is HUGEINT, Ibis says int64).
            return backend.con.sql(sql).to_arrow_table().cast(schema)

    def scalar(self, expr):
        with self._running() as backend:
            return backend.execute(expr)


def _spark_arrow(backend, expr) -> pa.Table:
    """Ibis' PySpark ``to_pyarrow`` goes through pandas (slow on a large derived
    table, and integers with nulls become floats there); Spark 4 gives Arrow itself."""
    from ibis.formats.pyarrow import PyArrowData

    table = expr.as_table()
    backend._run_pre_execute_hooks(table)  # registers the in-memory tables it reads
    found = backend.raw_sql(backend.compile(table)).toArrow()
    return PyArrowData.convert_table(found.rename_columns(table.columns), table.schema())


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def get_engine(name: str = "duckdb") -> Engine:
    """A process-wide engine per backend, so repeated queries reuse registrations."""
    with _engines_lock:
        if name not in _engines:
            _engines[name] = Engine(name)
        return _engines[name]
