"""Decoding a block of LIONS fixed-width records, vectorised over the bytes.

A block is whole records of one table file. When every record has the
record length (the usual case) the block's bytes are viewed, without a copy,
as an ``(n, L + 1)`` byte matrix (``L + 2`` for CRLF) and each kept column is
a slice of it; only the kept columns are ever touched, so names, addresses
and the rest of a 1,159-character participant record are never decoded. A
block with odd lines (wrong length, blank, no final newline) takes the slow
path: line ends are found with numpy, the good lines gathered into a matrix,
the others quarantined.

Rules (inferred from record lengths and public loaders, not stated by DOJ,
so each is reported rather than silently applied):

* records are framed by their length: the terminator (LF or CRLF) is where
  the record length puts it. A **stray CR inside a record** occupies a
  character position: it is replaced by a space and the record keeps its
  length (every stray CR is counted, as ``stray_carriage_returns``; one in a
  column that is not kept is never read, so it changes nothing). Other
  control bytes in a kept column, a LF or a tab, become spaces too
  (``control_characters``);
* a line of the wrong length is quarantined (``record_length``); a line of
  spaces only is skipped and counted as blank;
* text is latin-1; VARCHAR2 values are stripped of spaces, empty -> null;
* dates are ``DD-MON-YYYY`` (month names in any case); anything else is
  quarantined (``bad_date``); a well-formed date with a year before 1900 or
  after 2100 (``0024``) becomes null and is counted (``impossible_dates``);
* numbers with text in them are quarantined (``bad_number``);
* a value containing ``*`` is redacted: kept as text in text columns (the
  measures must see ``D*`` roles), null in numeric and date columns, and
  counted per column either way;
* a record with a blank DISTRICT cannot be placed: quarantined (``missing_key``);
* the quarantine file shows a record's kept columns only, the other positions
  blanked (a record of the wrong length: its leading kept columns), so no
  name or address reaches the store even there; its file and line find it.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pyarrow as pa

from crossings.codebook.lions import KEPT, PARTITION, PROVENANCE, KeptColumn, KeptTable
from crossings.errors import UnknownLayout, UnsupportedSource
from crossings.ingest.blocks import Block
from crossings.ingest.lions.columns import (
    _CR,
    _LF,
    _SPACE,
    Columns,
    date_column,
    number_column,
    text_column,
)
from crossings.ingest.lions.readme import TableLayout
from crossings.ingest.quarantine import Quarantined

REASONS = ("record_length", "bad_date", "bad_number", "missing_key")
TYPES = {"text": pa.string(), "int": pa.int64(), "float": pa.float64(), "date": pa.date32()}
_GATHER_BYTES = 4 << 20  # bytes gathered at a time on the slow path
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Field:
    column: KeptColumn
    start: int  # 0-based
    width: int
    oracle_type: str


@dataclass(frozen=True)
class Decoder:
    """How to decode one table of one release: kept columns at their positions."""

    kept: KeptTable
    record_length: int
    fields: tuple[Field, ...]
    absent: tuple[KeptColumn, ...]  # kept columns this release does not have: null

    def shown(self, record: bytes) -> str:
        """A quarantined record as the quarantine file shows it: the kept columns only.

        The other positions are blanked, so nothing the store must not hold
        (names, addresses) reaches it; the source file and line find the rest.
        A record of the wrong length cannot be trusted to have its columns in
        place: only its leading kept columns are shown.
        """
        if len(record) != self.record_length:
            head = self._leading_kept()
            rest = f" [{len(record) - head} more characters not shown]" if len(
                record) > head else ""
            return record[:head].decode("latin-1") + rest
        out = bytearray(b" " * len(record))
        for f in self.fields:
            out[f.start:f.start + f.width] = record[f.start:f.start + f.width]
        return out.decode("latin-1").rstrip()

    def _leading_kept(self) -> int:
        end = 0
        for f in sorted(self.fields, key=lambda f: f.start):
            if f.start != end:
                break
            end = f.start + f.width
        return end


@cache
def store_schema(lions_table: str) -> pa.Schema:
    kept = KEPT[lions_table]
    fields = [pa.field(c.store_name, TYPES[c.kind]) for c in kept.columns]
    provenance = {"source_file": pa.string(), "source_line": pa.int64(), "release": pa.string()}
    fields += [pa.field(name, provenance[name]) for name in PROVENANCE]
    return pa.schema(fields)


def make_decoder(kept: KeptTable, layout: TableLayout, where: str) -> tuple[Decoder, list[str]]:
    """The decoder of ``kept`` for this release's ``layout``, and warnings.

    A key column missing from the layout, or a column whose printed type
    cannot hold what the store keeps (a date that is no longer a DATE), is
    :class:`UnknownLayout`; another missing column is stored as null, with a
    warning.
    """
    fields, absent, warnings = [], [], []
    for col in kept.columns:
        printed = layout.column(col.name)
        if printed is None:
            if col.key:
                raise UnknownLayout(f"table {kept.lions_name} has no column {col.name}",
                                    path=where, hint="the release's layout changed: report it")
            absent.append(col)
            warnings.append(f"{kept.lions_name}.{col.name} is not in this release's layout: "
                            f"{kept.store_name}.{col.store_name} is stored empty")
            continue
        _check_type(kept, col, printed.type, where)
        fields.append(Field(col, printed.start - 1, printed.width, printed.type))
    return Decoder(kept, layout.record_length, tuple(fields), tuple(absent)), warnings


def _check_type(kept: KeptTable, col: KeptColumn, oracle_type: str, where: str) -> None:
    base = oracle_type.split("(")[0]
    scaled = "," in oracle_type and not oracle_type.replace(" ", "").endswith(",0)")
    ok = {"text": True,
          "date": base == "DATE",
          "int": base in ("NUMBER", "INTEGER", "FLOAT") and not scaled,
          "float": base in ("NUMBER", "INTEGER", "FLOAT")}[col.kind]
    if not ok:
        raise UnknownLayout(
            f"table {kept.lions_name}: column {col.name} is {oracle_type}, which cannot be "
            f"stored as {col.kind}", path=where, hint="the release's layout changed: report it")


# --- results -------------------------------------------------------------------


@dataclass
class RecordsResult:
    index: int
    table: pa.Table
    quarantined: list[Quarantined] = field(default_factory=list)
    blank_lines: int = 0
    stray_crs: int = 0  # CRs inside records (replaced by spaces where a kept column has one)
    control_characters: int = 0  # other control bytes in kept columns, replaced too
    impossible_dates: Counter = field(default_factory=Counter)  # store column -> n
    redactions: Counter = field(default_factory=Counter)  # store column -> n
    latest_date: object = None
    seconds: float = 0.0

    @property
    def rows_read(self) -> int:
        return self.table.num_rows + len(self.quarantined)


# --- lines -> record matrix ---------------------------------------------------------
@dataclass
class _Records:
    matrix: np.ndarray  # (n, >= L) bytes; columns [0, L) are the record
    lines: np.ndarray  # (n,) 0-based line index within the block
    odd: list  # [(line index, raw bytes)] of wrong-length lines
    blank: int = 0
    terminator_crs: int = 0  # CRs that end lines (CRLF), as opposed to stray ones


@dataclass(frozen=True)
class RecordBlock(Block):
    """A block that is a view into a larger buffer (``source[start:start + len(data)]``),
    so the buffer's fast ``find`` and ``count`` can be used on it."""

    source: bytes = b""
    start: int = 0


def record_blocks(chunks: Iterable[bytes], length: int, block_bytes: int,
                  label: str | None = None) -> Iterator[Block]:
    """Blocks of about ``block_bytes`` of whole records, cut without scanning the text.

    Records are framed by their fixed length: a block is cut at a multiple of
    the stride (record + terminator) and is *framed* when every stride-th byte
    is the terminator, a strided check that reads one byte per record; its
    line count is then its length over the stride. Only a block that is not
    framed (a record of the wrong length, a blank line) is cut at its last
    newline and has its newlines counted. Inflated chunks are joined once
    into a buffer of about ``block_bytes``; blocks are views of it, and only
    the partial record at its end is carried over.
    """
    pending: list[bytes] = []
    size, line, index, stride = 0, 1, 0, 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size < block_bytes:
            continue
        data = pending[0] if len(pending) == 1 else b"".join(pending)
        stride = stride or _stride(data, 0, length)
        start = 0
        while start < len(data):
            # Cut block_bytes at a time, but never leave a sliver for a block of its own.
            limit = start + block_bytes if len(data) - start > block_bytes * 3 // 2 else len(
                data)
            cut, lines = _cut(data, start, limit, stride, length)
            if cut is None:  # the rest is part of a line
                break
            yield RecordBlock(memoryview(data)[start:cut], line, index, data, start)
            line, index, start = line + lines, index + 1, cut
        rest = data[start:]
        if len(rest) >= block_bytes and rest.find(b"\n") < 0:  # bounded memory
            raise UnsupportedSource(f"line {line:,} runs past {block_bytes:,} bytes without "
                                    "a line break: the file is damaged or not a LIONS table",
                                    path=label)
        pending, size = ([rest], len(rest)) if rest else ([], 0)
    if size:
        yield Block(b"".join(pending), line, index)


def _cut(data: bytes, start: int, limit: int, stride: int, length: int):
    """(end of the block starting at ``start``, its line count), or (None, 0)."""
    records = (limit - start) // stride if stride else 0
    if records:
        cut = start + records * stride
        if _framed(np.frombuffer(data, np.uint8, count=cut - start, offset=start), stride,
                   length):
            return cut, records
    cut = data.rfind(b"\n", start, limit) + 1
    if cut <= start:  # no newline before the limit: the block ends at the next one
        cut = data.find(b"\n", limit) + 1
        if cut == 0:
            return None, 0
    return cut, data.count(b"\n", start, cut)


def _stride(data: bytes, start: int, length: int) -> int:
    """Record plus terminator: ``length + 1`` (LF) or ``length + 2`` (CRLF); 0 if unknown."""
    buf = np.frombuffer(data, np.uint8, offset=start)
    for stride in (length + 1, length + 2):
        count = min(len(buf) // stride, 100) * stride
        if count and _framed(buf[:count], stride, length):
            return stride
    return 0


def _framed(buf: np.ndarray, stride: int, length: int) -> bool:
    if not (buf[stride - 1::stride] == _LF).all():
        return False
    return stride == length + 1 or bool((buf[length::stride] == _CR).all())


def split_records(data, length: int) -> _Records:
    """The block's records as a byte matrix, with odd and blank lines set apart."""
    buf = np.frombuffer(data, dtype=np.uint8)
    for stride in (length + 1, length + 2):
        if len(buf) and len(buf) % stride == 0 and _framed(buf, stride, length):
            matrix = buf.reshape(-1, stride)
            crlf = len(matrix) if stride == length + 2 else 0
            return _Records(matrix, np.arange(len(matrix)), [], terminator_crs=crlf)
    return _slow_split(buf, bytes(data), length)


def stray_crs(block: Block, records: _Records) -> int:
    """CRs inside the block's records (anywhere, kept columns or not), by memchr."""
    source, start = getattr(block, "source", b""), getattr(block, "start", 0)
    if not source:
        source, start = bytes(block.data), 0
    stop = start + len(block.data)
    if source.find(b"\r", start, stop) < 0:
        return 0
    return source.count(b"\r", start, stop) - records.terminator_crs


def _slow_split(buf: np.ndarray, data: bytes, length: int) -> _Records:
    ends = np.flatnonzero(buf == _LF)
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(buf)]))
    if starts[-1] == len(buf):  # the block ends with a newline: no line after it
        starts, stops = starts[:-1], stops[:-1]
    lengths = stops - starts
    ends_cr = (lengths > 0) & (buf[np.maximum(stops - 1, 0)] == _CR)
    # A CR before the LF is the terminator (CRLF) unless the line is exactly a
    # record long with it: then it is a stray CR in the record's last position.
    terminated = ends_cr & (lengths != length)
    lengths = lengths - terminated
    good = lengths == length
    odd, blank = [], 0
    for i in np.flatnonzero(~good):
        raw = data[starts[i]:starts[i] + lengths[i]]
        if raw.strip() == b"":
            blank += 1
        else:
            odd.append((int(i), raw))
    rows = starts[good]
    matrix = np.empty((len(rows), length), dtype=np.uint8)
    step = max(1, _GATHER_BYTES // max(length, 1))
    offsets = np.arange(length, dtype=np.int64)
    for s in range(0, len(rows), step):
        matrix[s:s + step] = buf[rows[s:s + step, None] + offsets]
    return _Records(matrix, np.flatnonzero(good), odd, blank, int(terminated.sum()))


# --- the block ------------------------------------------------------------------------
class _Block:
    """One block being decoded: the record matrix, what is kept, and why not."""

    def __init__(self, block: Block, decoder: Decoder, records: _Records):
        self.block, self.decoder, self.records = block, decoder, records
        self.n = len(records.lines)
        self.keep = np.ones(self.n, dtype=bool)
        self.reasons: dict[int, tuple[str, str]] = {}
        self.columns: dict[str, pa.Array] = {}
        self.counted: list[tuple[str, str, np.ndarray]] = []  # (counter, column, mask)
        self.latest = None
        self.cuts = Columns(np.ascontiguousarray(records.matrix))

    def flag(self, bad: np.ndarray, reason: str, message: str, sub: np.ndarray | None) -> None:
        for i in np.flatnonzero(bad & self.keep):
            value = sub[i].tobytes().decode("latin-1").strip() if sub is not None else ""
            self.reasons[int(i)] = (reason, message.format(value=value))
        self.keep &= ~bad

    def decode(self, f: Field) -> None:
        cut, data = self.cuts.cut(f.start, f.width)
        sub = self.records.matrix[:, f.start:f.start + f.width]
        name, kind, printed = f.column.store_name, f.column.kind, f.column.name
        if kind == "text":
            arr, redacted = text_column(cut, data, f.width)
        elif kind == "date":
            days, null, bad, redacted, impossible = date_column(data, self.n)
            self.flag(bad, "bad_date", f"{printed} is not DD-MON-YYYY: {{value!r}}", sub)
            self.counted.append(("impossible_dates", name, impossible))
            arr = _with_nulls(pa.date32(), days, null)
            self._latest(days, ~null)
        else:
            values, null, bad, redacted = number_column(cut, data, sub, kind == "float")
            self.flag(bad, "bad_number", f"{printed} is not a number: {{value!r}}", sub)
            arr = _with_nulls(TYPES[kind], values, null)
        self.counted.append(("redactions", name, redacted))
        self.columns[name] = arr

    def _latest(self, days: np.ndarray, valid: np.ndarray) -> None:
        if valid.any():
            latest = _EPOCH + dt.timedelta(days=int(days[valid].max()))
            if self.latest is None or latest > self.latest:
                self.latest = latest

    def place(self) -> None:
        """Records with a blank DISTRICT: blank lines if wholly blank, else quarantined."""
        district = self.columns.get(PARTITION)
        if district is None or district.null_count == 0:
            return
        missing = ~np.asarray(district.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        length = self.decoder.record_length
        rows = np.flatnonzero(missing & self.keep)
        blank = ~(self.records.matrix[rows, :length] != _SPACE).any(axis=1)
        self.records.blank += int(blank.sum())
        self.keep[rows[blank]] = False
        self.flag(missing, "missing_key", "DISTRICT is blank", None)


def decode_block(block: Block, decoder: Decoder, source_file: str,
                 release: str) -> RecordsResult:
    """Decode ``block`` (whole lines of one table file) into stored rows and quarantine."""
    started = time.perf_counter()
    records = split_records(block.data, decoder.record_length)
    work = _Block(block, decoder, records)
    for f in decoder.fields:
        work.decode(f)
    work.place()
    result = RecordsResult(block.index, _table(work, source_file, release),
                           blank_lines=records.blank, stray_crs=stray_crs(block, records),
                           control_characters=work.cuts.control)
    for counter, name, mask in work.counted:
        hits = int((mask & work.keep).sum())
        if hits:
            getattr(result, counter)[name] += hits
    result.quarantined = _quarantined(work)
    result.latest_date = work.latest
    result.seconds = time.perf_counter() - started
    return result


def _quarantined(work: _Block) -> list[Quarantined]:
    first, length = work.block.first_line, work.decoder.record_length
    shown = work.decoder.shown
    out = [Quarantined(first + i, "record_length", f"{len(raw)} characters, expected {length}",
                       shown(raw)) for i, raw in work.records.odd]
    for row, (reason, detail) in work.reasons.items():
        raw = shown(work.records.matrix[row, :length].tobytes())
        out.append(Quarantined(first + int(work.records.lines[row]), reason, detail, raw))
    out.sort(key=lambda q: q.line)
    return out


def _table(work: _Block, source_file: str, release: str) -> pa.Table:
    schema = store_schema(work.decoder.kept.lions_name)
    n = work.n
    columns = dict(work.columns)
    for col in work.decoder.absent:
        columns[col.store_name] = pa.nulls(n, TYPES[col.kind])
    columns["source_file"] = repeated(source_file, n)
    columns["source_line"] = pa.array(work.records.lines + work.block.first_line, pa.int64())
    columns["release"] = repeated(release, n)
    table = pa.Table.from_arrays([columns[f.name] for f in schema], schema=schema)
    return table if work.keep.all() else table.filter(pa.array(work.keep))


def _with_nulls(type_: pa.DataType, values: np.ndarray, null: np.ndarray) -> pa.Array:
    """An Arrow array over ``values`` (already of the type's width) with ``null`` masked."""
    valid = ~null
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little")) if null.any() else None
    return pa.Array.from_buffers(type_, len(values), [bitmap, pa.py_buffer(values)],
                                 int(null.sum()))


def repeated(text: str, n: int) -> pa.Array:
    """A string array of ``n`` copies of ``text``, built without a Python list."""
    raw = text.encode("utf-8")
    offsets = np.arange(n + 1, dtype=np.int32) * len(raw)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(raw * n))
