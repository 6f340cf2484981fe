"""Writing a table as Parquet files partitioned by a column (fiscal year, district).

The court file's row order is undocumented, so rows of any year can arrive
at any time. Blocks are split into one slice per partition (in the parsing
threads, see :func:`split`), buffered per partition, and written as a
row group when a partition has enough rows; when all buffers together pass a
bound, every partition is written. Memory therefore stays bounded whatever
the order (a file sorted by year gets large row groups, a shuffled one smaller
ones). Row groups are encoded in a small pool of threads (Parquet encoding
releases the GIL), one partition's row groups always in order.

Keys are integers (the court file's fiscal year: ``fy2015``) or text (a LIONS
district: ``TXS``). A text key is used as the folder name with every
character but letters, digits, ``-`` and ``_`` percent-encoded, so a
redacted or odd code (``*``) still gets a folder of its own.
"""

from __future__ import annotations

import contextlib
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from crossings import settings

Key = int | str


#: A block in at most this many runs of one key is cut into its runs (no copy)
#: rather than sorted: a file in the order of its partitions costs no sort.
FEW_RUNS = 64


def split(table: pa.Table, column: str, runs: bool = False) -> list[tuple[Key, pa.Table]]:
    """``table`` as one slice per value of ``column``, the rows sorted by it once.

    The slices share the sorted block's memory (one copy instead of one per
    value), which is why the writer releases memory by writing every partition.
    ``runs``: a block in few runs of one key gives its runs as slices instead
    (a key's slices in the block's order: the same rows in the same order)."""
    if table.num_rows == 0:
        return []
    keys = table[column]
    first, last = pc.min_max(keys).values()
    if first.as_py() == last.as_py():
        return [(_key(first.as_py()), table)]
    if runs and (cut := _runs(keys)) is not None:
        return [(_key(keys[start].as_py()), table.slice(start, end - start))
                for start, end in zip(cut[:-1], cut[1:], strict=True)]
    # Group by the keys' dictionary codes (few distinct keys a block): a stable
    # sort of small integers is several times faster than sorting the keys.
    encoded = pc.dictionary_encode(keys.combine_chunks() if isinstance(
        keys, pa.ChunkedArray) else keys)
    codes = encoded.indices.to_numpy()
    small = len(encoded.dictionary) < 2**15
    order = np.argsort(codes.astype(np.int16) if small else codes, kind="stable")
    ordered = table.take(pa.array(order))
    codes = codes[order]
    values = encoded.dictionary.to_pylist()
    starts = [0, *(np.flatnonzero(codes[1:] != codes[:-1]) + 1), len(codes)]
    return [(_key(values[codes[start]]), ordered.slice(start, end - start))
            for start, end in zip(starts[:-1], starts[1:], strict=True)]


def _runs(keys) -> list[int] | None:
    """Where the runs of equal keys start (and the end), or None past ``FEW_RUNS``."""
    values = keys.to_numpy()
    changes = np.flatnonzero(values[1:] != values[:-1]) + 1
    if len(changes) >= FEW_RUNS:
        return None
    return [0, *changes.tolist(), len(values)]


class PartitionedWriter:
    def __init__(self, root: Path, schema: pa.Schema, column: str, prefix: str = "fy",
                 row_group_rows: int | None = None, buffer_bytes: int | None = None,
                 stats_columns: list[str] | None = None, unique_columns: tuple[str, ...] = (),
                 threads: int = 2, lean: bool = False):
        self.root, self.schema, self.column, self.prefix = root, schema, column, prefix
        self.options = writer_options(schema, stats_columns, unique_columns, lean)
        self.row_group_rows = row_group_rows or settings.ROW_GROUP_ROWS
        self.buffer_bytes = buffer_bytes or settings.BUFFER_BYTES
        self.buffers: dict[Key, list[pa.Table]] = {}
        self.buffered: dict[Key, int] = {}  # rows
        self.buffered_bytes: dict[Key, int] = {}
        self.writers: dict[Key, pq.ParquetWriter] = {}
        self.rows: dict[Key, int] = {}
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="crossings-writer")
        self.last: dict[Key, Future] = {}  # each partition's latest row group
        self.in_flight: list[Future] = []
        self.seconds = 0.0  # CPU seconds of the writer threads
        self._lock = threading.Lock()

    def write(self, table: pa.Table) -> None:
        self.write_parts(split(table, self.column), row_bytes(table))

    def write_parts(self, parts: list[tuple[Key, pa.Table]], bytes_per_row: float) -> None:
        """Buffer the parts of one block (``bytes_per_row``: its size estimate; the
        size of a slice itself is costly to compute)."""
        for key, part in parts:
            self.buffers.setdefault(key, []).append(part)
            self.buffered[key] = self.buffered.get(key, 0) + part.num_rows
            self.buffered_bytes[key] = (self.buffered_bytes.get(key, 0)
                                        + int(part.num_rows * bytes_per_row))
            self.rows[key] = self.rows.get(key, 0) + part.num_rows
            if self.buffered[key] >= self.row_group_rows:
                self._flush(key)
        if sum(self.buffered_bytes.values()) > self.buffer_bytes:
            # Buffered slices share their block's memory, so only writing every
            # partition releases it: flush them all.
            for key in sorted(self.buffers, key=str):
                self._flush(key)
        self._limit_in_flight()

    def close(self) -> dict[Key, int]:
        """Write what is buffered, close every file; rows written per partition."""
        for key in sorted(self.buffers, key=str):
            self._flush(key)
        for future in self.in_flight:
            future.result()
        self.in_flight.clear()
        self.pool.shutdown()
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()
        return dict(sorted(self.rows.items(), key=lambda kv: str(kv[0])))

    def abort(self) -> None:
        for future in self.in_flight:
            future.cancel()
        self.pool.shutdown(wait=True, cancel_futures=True)
        for writer in self.writers.values():
            with contextlib.suppress(OSError):
                writer.close()
        self.writers.clear()

    def folder(self, key: Key) -> str:
        """The partition's folder name: ``fy2015``, ``TXS``."""
        if isinstance(key, str):
            return self.prefix + (quote(key, safe="-_") or "_")
        return f"{self.prefix}{key}"

    def _flush(self, key: Key) -> None:
        parts = self.buffers.pop(key, [])
        self.buffered.pop(key, None)
        self.buffered_bytes.pop(key, None)
        if not parts:
            return
        if key not in self.writers:
            path = self.root / self.folder(key) / "part-0.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            self.writers[key] = pq.ParquetWriter(path, self.schema, **self.options)
        future = self.pool.submit(self._write_group, self.writers[key], parts,
                                  self.last.get(key))
        self.last[key] = future
        self.in_flight.append(future)

    def _write_group(self, writer: pq.ParquetWriter, parts: list[pa.Table],
                     previous: Future | None) -> None:
        if previous is not None:
            previous.result()  # one partition's row groups go in order
        started = time.thread_time()
        table = pa.concat_tables(parts)
        writer.write_table(table, row_group_size=max(table.num_rows, 1))
        with self._lock:
            self.seconds += time.thread_time() - started

    def _limit_in_flight(self) -> None:
        """Wait for the oldest row groups when too many are queued (bounded memory)."""
        self.in_flight = [f for f in self.in_flight if not f.done()]
        while len(self.in_flight) > 8:
            self.in_flight.pop(0).result()


def row_bytes(table: pa.Table) -> float:
    """Average bytes a row of ``table`` takes in memory."""
    return table.nbytes / table.num_rows if table.num_rows else 0.0


def writer_options(schema: pa.Schema, stats_columns: list[str] | None = None,
                   unique_columns: tuple[str, ...] = (), lean: bool = False) -> dict:
    """Parquet options: the writer's time goes into encoding, so dictionaries are
    tried only on text columns that repeat (not on numbers, nor on text that is
    nearly unique, such as keys and docket numbers), and min/max
    statistics are kept for numbers, dates and the named text columns, which is
    what queries prune on.

    ``lean``: statistics only for the named columns and dates (what a query
    filters on; the store's readers load whole columns), in version 2 data
    pages: about a tenth less encoding time (docs/benchmarks.md)."""
    text = [f.name for f in schema
            if pa.types.is_string(f.type) or pa.types.is_dictionary(f.type)]
    dictionary = [name for name in text if name not in unique_columns]
    if lean:
        stats = [f.name for f in schema if pa.types.is_date(f.type)] + list(stats_columns or [])
        return {"compression": settings.PARQUET_COMPRESSION,
                "compression_level": settings.PARQUET_COMPRESSION_LEVEL,
                "use_dictionary": dictionary, "write_statistics": stats,
                "data_page_version": "2.0"}
    stats = [f.name for f in schema if f.name not in text] + list(stats_columns or [])
    return {"compression": settings.PARQUET_COMPRESSION,
            "compression_level": settings.PARQUET_COMPRESSION_LEVEL,
            "use_dictionary": dictionary, "write_statistics": stats}


def _key(value) -> Key:
    return value if isinstance(value, str) else int(value)

