"""Writing a table as Parquet files partitioned by a column (fiscal year, district).

The court file's row order is undocumented, so rows of any year can arrive
at any time. Rows are buffered per partition and written as a row group when
a partition has enough of them; when all buffers together pass a bound, every
partition is written. Memory therefore stays bounded whatever the order (a
file sorted by year gets large row groups, a shuffled one smaller ones).

Keys are integers (the court file's fiscal year: ``fy2015``) or text (a LIONS
district: ``TXS``). A text key is used as the folder name with every
character but letters, digits, ``-`` and ``_`` percent-encoded, so a
redacted or odd code (``*``) still gets a folder of its own.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from crossings import settings


class PartitionedWriter:
    def __init__(self, root: Path, schema: pa.Schema, column: str, prefix: str = "fy",
                 row_group_rows: int | None = None, buffer_bytes: int | None = None,
                 stats_columns: list[str] | None = None, unique_columns: tuple[str, ...] = ()):
        self.root, self.schema, self.column, self.prefix = root, schema, column, prefix
        self.options = writer_options(schema, stats_columns, unique_columns)
        self.row_group_rows = row_group_rows or settings.ROW_GROUP_ROWS
        self.buffer_bytes = buffer_bytes or settings.BUFFER_BYTES
        self.buffers: dict[int | str, list[pa.Table]] = {}
        self.buffered: dict[int | str, int] = {}  # rows
        self.buffered_bytes: dict[int | str, int] = {}
        self.writers: dict[int | str, pq.ParquetWriter] = {}
        self.rows: dict[int | str, int] = {}

    def write(self, table: pa.Table) -> None:
        for key, part in self._split(table):
            self.buffers.setdefault(key, []).append(part)
            self.buffered[key] = self.buffered.get(key, 0) + part.num_rows
            self.buffered_bytes[key] = self.buffered_bytes.get(key, 0) + part.nbytes
            self.rows[key] = self.rows.get(key, 0) + part.num_rows
            if self.buffered[key] >= self.row_group_rows:
                self._flush(key)
        if sum(self.buffered_bytes.values()) > self.buffer_bytes:
            # Buffered slices share their block's memory, so only writing every
            # partition releases it: flush them all.
            for key in sorted(self.buffers):
                self._flush(key)

    def close(self) -> dict[int | str, int]:
        """Write what is buffered, close every file; rows written per partition."""
        for key in sorted(self.buffers):
            self._flush(key)
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()
        return dict(sorted(self.rows.items()))

    def abort(self) -> None:
        for writer in self.writers.values():
            with contextlib.suppress(OSError):
                writer.close()
        self.writers.clear()

    def _split(self, table: pa.Table):
        if table.num_rows == 0:
            return
        keys = table[self.column]
        first, last = pc.min_max(keys).values()
        if first.as_py() == last.as_py():
            yield first.as_py(), table
            return
        # Group by the keys' dictionary codes (few distinct keys a block): a stable
        # radix sort of small integers is several times faster than sorting the keys.
        encoded = pc.dictionary_encode(keys.combine_chunks() if isinstance(
            keys, pa.ChunkedArray) else keys)
        codes = encoded.indices.to_numpy()
        small = len(encoded.dictionary) < 2**15
        order = np.argsort(codes.astype(np.int16) if small else codes, kind="stable")
        ordered = table.take(pa.array(order))
        codes = codes[order]
        values = encoded.dictionary.to_pylist()
        starts = [0, *(np.flatnonzero(codes[1:] != codes[:-1]) + 1), len(codes)]
        for start, end in zip(starts[:-1], starts[1:], strict=True):
            yield _key(values[codes[start]]), ordered.slice(start, end - start)

    def folder(self, key: int | str) -> str:
        """The partition's folder name: ``fy2015``, ``TXS``."""
        if isinstance(key, str):
            return self.prefix + (quote(key, safe="-_") or "_")
        return f"{self.prefix}{key}"

    def _flush(self, key: int | str) -> None:
        parts = self.buffers.pop(key, [])
        self.buffered.pop(key, None)
        self.buffered_bytes.pop(key, None)
        if not parts:
            return
        table = pa.concat_tables(parts).combine_chunks()
        writer = self.writers.get(key)
        if writer is None:
            path = self.root / self.folder(key) / "part-0.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(path, self.schema, **self.options)
            self.writers[key] = writer
        writer.write_table(table, row_group_size=max(table.num_rows, 1))


def writer_options(schema: pa.Schema, stats_columns: list[str] | None = None,
                   unique_columns: tuple[str, ...] = ()) -> dict:
    """Parquet options: the writer's time goes into encoding, so dictionaries are
    tried only on text columns that repeat (not on numbers, nor on text that is
    nearly unique, such as keys and docket numbers), and min/max
    statistics are kept for numbers, dates and the named text columns, which is
    what queries prune on."""
    text = [f.name for f in schema
            if pa.types.is_string(f.type) or pa.types.is_dictionary(f.type)]
    dictionary = [name for name in text if name not in unique_columns]
    stats = [f.name for f in schema if f.name not in text] + list(stats_columns or [])
    return {"compression": settings.PARQUET_COMPRESSION,
            "compression_level": settings.PARQUET_COMPRESSION_LEVEL,
            "use_dictionary": dictionary, "write_statistics": stats}


def _key(value) -> int | str:
    return value if isinstance(value, str) else int(value)
