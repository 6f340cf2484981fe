"""Parse, validate and type one block of the court file.

The fast path lets Arrow's CSV reader type the plain numeric columns while it
tokenises. If any value in the block is not a number, that read fails and the
block takes the slow path: every column read as text, each bad value found
with a pattern, its row quarantined, the rest typed. Either way the same
checks run on dates, flags, fiscal year and district.

Quarantine reasons (the first that applies names the row):

``field_count``, ``stray_carriage_return``, ``bad_number``, ``bad_date``,
``bad_flag``, ``missing_fiscal_year``, ``bad_fiscal_year``, ``future_loaddate``,
``test_district``, ``unknown_district``.

A quarantined line is kept as read except for the personal fields (NAME,
FJUDGE, TJUDGE), which are blanked by their position; a line with the wrong
number of fields keeps only the fields before the first personal one.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from crossings.codebook import idb as idb_codes
from crossings.codebook.idb import sentinel_meanings
from crossings.errors import UnsupportedSource
from crossings.ingest import convert
from crossings.ingest.blocks import Block, latin1_to_utf8, lines_text
from crossings.ingest.idb.schema import (
    TERM_STATUS,
    UNKNOWN_STATUS,
    store_schema,
)
from crossings.ingest.quarantine import Quarantined

REASONS = ("field_count", "stray_carriage_return", "bad_number", "bad_date", "bad_flag",
           "missing_fiscal_year", "bad_fiscal_year", "future_loaddate", "test_district",
           "unknown_district")
#: The earliest fiscal year a row may carry (the file starts at FY1996; older
#: records of pending cases are kept, a year before 1970 is damage).
FIRST_FISCAL_YEAR = 1970
#: Turned into null while parsing, in every column: the file's "missing".
NULL_VALUES = [idb_codes.MISSING]
FLAG_VALUES = ("0", "1")
#: Bytes Arrow tokenises at a time: a few MB keeps the work in cache (a 100 MB
#: chunk parses at half the speed); row numbers still count across chunks.
PARSE_CHUNK = 2 << 20
#: What Arrow's integer reader takes that the layout's integer pattern does not:
#: hexadecimal (``0x7fffffff``; ``0xFFFFFFFF`` even reads as -1). A block holding
#: it anywhere is read as text, where every value meets the pattern.
HEX_MARKS = (b"x", b"X")



@dataclass
class BlockResult:
    index: int
    table: pa.Table | None  # stored rows, typed to the store schema
    quarantined: list[Quarantined] = field(default_factory=list)
    blank_lines: int = 0
    rows_read: int = 0
    missing_flags: dict[str, int] = field(default_factory=dict)
    null_dates: int = 0
    parse_seconds: float = 0.0
    validate_seconds: float = 0.0
    # Filled by the worker after parsing (see idb_codes.py): the rows split by fiscal
    # year, and per-block facts for the manifest.
    parts: list = field(default_factory=list)
    partition_seconds: float = 0.0
    bytes_per_row: float = 0.0
    latest_loaddate: object = None
    synthetic: bool = False


# --- read options ------------------------------------------------------------
@cache
def _options(typed: bool, fast: bool = True):
    """Arrow's read options: with ``typed``, the plain numbers are typed while
    tokenising (and, ``fast``, the prison terms too: their ``-8`` is the only
    null Arrow makes, a blank fails the read and takes the text path)."""
    names = idb_codes.column_names()
    keep = [c.name for c in idb_codes.layout() if c.kind != "dropped"]
    types = {}
    for col in idb_codes.layout():
        if typed and (col.kind == "int" or (fast and col.kind == "sentinel")):
            types[col.name] = pa.int32()
        elif typed and col.kind == "money":
            types[col.name] = pa.float64()
        else:
            types[col.name] = pa.string()
    read = pacsv.ReadOptions(column_names=names, use_threads=False, block_size=PARSE_CHUNK)
    convert_opts = pacsv.ConvertOptions(
        column_types=types, include_columns=keep, null_values=NULL_VALUES,
        strings_can_be_null=True, check_utf8=False,
    )
    return read, convert_opts


def _read(data: bytes, typed: bool, invalid: list, fast: bool = True) -> pa.Table:
    def on_invalid(row) -> str:
        invalid.append((row.number, row.actual_columns, row.text))
        return "skip"

    read, convert_opts = _options(typed, fast)
    parse = pacsv.ParseOptions(
        delimiter="\t", quote_char=False, double_quote=False, escape_char=False,
        newlines_in_values=False, ignore_empty_lines=False, invalid_row_handler=on_invalid,
    )
    return pacsv.read_csv(pa.py_buffer(data), read_options=read, parse_options=parse,
                          convert_options=convert_opts)


# --- the block ---------------------------------------------------------------
def parse_block(block: Block, source_file: str, fast: bool = True) -> BlockResult:
    """Parse ``block`` (whole lines, no header) into stored rows and quarantine.

    ``fast=False``: the pipeline as it was before issue 15 (kept, for the test
    that compares the two and for the benchmark, until that issue is closed)."""
    result = BlockResult(index=block.index, table=None)
    started = time.thread_time()
    if fast:
        data = latin1_to_utf8(block.data)
    else:
        data = block.data if block.data.isascii() else block.data.decode("latin-1").encode()
    invalid: list = []
    table, typed = _parse(data, invalid, block, source_file, fast)
    stray_cr_lines = np.zeros(0, np.int64)
    # A lone CR ends a row for Arrow, leaving a row of the wrong length or an
    # empty one: only then is the block scanned for them (and parsed again).
    if (invalid or _has_empty_rows(table)) and b"\r" in data:
        fixed, stray_cr_lines = _without_stray_crs(data)
        if len(stray_cr_lines):
            invalid.clear()
            table, typed = _parse(fixed, invalid, block, source_file, fast)
    result.parse_seconds = time.thread_time() - started
    started = time.thread_time()
    lines = _line_numbers(table.num_rows, invalid)
    checker = _Checker(table, typed, block, lines, result, fast)
    checker.field_count(invalid)
    checker.flag_rows(np.isin(lines, stray_cr_lines), "stray_carriage_return", "", None,
                      "a carriage return inside a field (other tools split the line there)")
    typed_table = checker.run()
    result.table = _finish(typed_table, checker.keep, lines + (block.first_line - 1), source_file,
                           fast)
    result.quarantined.sort(key=lambda q: q.line)
    result.rows_read = result.table.num_rows + len(result.quarantined)
    result.validate_seconds = time.thread_time() - started
    return result


def _parse(data: bytes, invalid: list, block: Block, source_file: str, fast: bool = True
           ) -> tuple[pa.Table, bool]:
    """The block typed by Arrow (fast), else all text; (table, typed)."""
    try:
        if _has_hex(data):
            raise pa.ArrowInvalid("a hexadecimal number is read as text")
        return _read(data, True, invalid, fast), True
    except pa.ArrowInvalid:
        invalid.clear()
        try:
            return _read(data, False, invalid, fast), False
        except pa.ArrowInvalid as exc:
            raise _unreadable(block, source_file, exc) from None


def _has_hex(data: bytes) -> bool:
    """Whether ``0x`` or ``0X`` occurs in ``data``. The letter is looked for, then
    the digit before it: searching for ``b"0x"`` itself stops at every zero (some
    60 ms a block, against under 1 ms)."""
    for mark in HEX_MARKS:
        at = data.find(mark, 1)
        while at > 0:
            if data[at - 1] == ord("0"):
                return True
            at = data.find(mark, at + 1)
    return False


def _has_empty_rows(table: pa.Table) -> bool:
    return table.num_rows > 0 and bool(pc.any(pc.equal(table["CIRCUIT"], "")).as_py())


def _without_stray_crs(data: bytes) -> tuple[bytes, np.ndarray]:
    """``data`` with each carriage return that does not end a line read as a space,
    and the block-relative (1-based) lines that held one.

    Arrow ends a row at a lone CR, which would make one line two rows and shift
    every later line number. A CR as the block's last byte ends its last line."""
    crs = data.count(b"\r")
    if crs == 0 or crs == data.count(b"\r\n") + data.endswith(b"\r"):
        return data, np.zeros(0, np.int64)
    buf = np.frombuffer(data, np.uint8)
    at = np.flatnonzero(buf == 13)
    at = at[at < len(buf) - 1]
    lone = at[buf[at + 1] != 10]
    line_of = np.searchsorted(np.flatnonzero(buf == 10), lone) + 1
    fixed = buf.copy()
    fixed[lone] = ord(" ")
    return fixed.tobytes(), np.unique(line_of)


def _unreadable(block: Block, source_file: str, exc: pa.ArrowInvalid) -> UnsupportedSource:
    """The error for a block even the all-text read fails on: a line too long to be
    a row (Arrow cannot parse a line longer than its parse chunk)."""
    lines = block.data.split(b"\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    if len(lines[longest]) >= PARSE_CHUNK // 2:
        return UnsupportedSource(
            f"line {block.first_line + longest:,} is {len(lines[longest]):,} bytes long; a "
            "court-file row is about 600 bytes: the file is damaged or not the court file",
            path=source_file, hint="download the file again, or cut the line out")
    return UnsupportedSource(f"lines {block.first_line:,} to "
                             f"{block.first_line + len(lines) - 1:,} cannot be parsed ({exc})",
                             path=source_file)


def _line_numbers(parsed_rows: int, invalid: list) -> np.ndarray:
    """Block-relative (1-based) line numbers of the parsed rows."""
    total = parsed_rows + len(invalid)
    lines = np.arange(1, total + 1, dtype=np.int64)
    if invalid:
        lines = np.delete(lines, [number - 1 for number, _, _ in invalid])
    return lines


class _Checker:
    """Runs the checks on one parsed block and builds the typed columns."""

    def __init__(self, table: pa.Table, typed: bool, block: Block, lines: np.ndarray,
                 result: BlockResult, fast: bool = True):
        self.table, self.typed, self.block, self.lines, self.result = (
            table, typed, block, lines, result)
        self.typed_terms = typed and fast  # prison terms typed by Arrow
        self.keep = np.ones(table.num_rows, dtype=bool)
        self.reasons: dict[int, tuple[str, str]] = {}
        self.columns: dict[str, pa.Array] = {}

    # -- recording ------------------------------------------------------------
    def flag_rows(self, bad: np.ndarray, reason: str, name: str, values: pa.Array | None,
                  message: str) -> None:
        rows = np.flatnonzero(bad & self.keep)
        for i in rows:
            value = values[int(i)].as_py() if values is not None else None
            detail = message.format(name=name, value=value)
            self.reasons[int(i)] = (reason, detail)
        self.keep[rows] = False

    def field_count(self, invalid: list) -> None:
        expected = len(idb_codes.layout())
        for number, actual, text in invalid:
            if text.strip() == "":
                self.result.blank_lines += 1
                continue
            self.result.quarantined.append(Quarantined(
                self.block.first_line + number - 1, "field_count",
                f"{actual} fields, expected {expected}", without_personal_fields(text),
                _leading_int(text)))

    # -- checks ---------------------------------------------------------------
    def run(self) -> dict[str, pa.Array]:
        self._blank_rows()
        for col in idb_codes.layout():
            if col.kind in ("int", "money"):
                self._number(col)
        for col in idb_codes.layout():
            if col.kind == "date":
                self._date(col)
            elif col.kind == "flag":
                self._flag(col)
            elif col.kind == "sentinel":
                self._sentinel(col)
            elif col.kind == "code":
                self.columns[col.store_name] = self.table[col.name]
        self._fiscal_year_and_district()
        self._collect_quarantine()
        return self.columns

    def _blank_rows(self) -> None:
        # With empty lines kept, a blank line parses as a row of empty fields.
        if self.table.num_rows == 0:
            return
        empty = convert.mask_of(pc.equal(self.table["CIRCUIT"], "")) & convert.mask_of(
            pc.equal(self.table["DISTRICT"], "")) & convert.mask_of(
            pc.equal(self.table["DOCKET"], ""))
        for i in np.flatnonzero(empty):
            row = self.table.slice(int(i), 1).to_pylist()[0]
            if all(v in (None, "") for v in row.values()):
                self.result.blank_lines += 1
                self.keep[i] = False
                self.reasons[int(i)] = ("blank", "")

    def _number(self, col: idb_codes.Column) -> None:
        arr = self.table[col.name]
        target = pa.float64() if col.kind == "money" else pa.int32()
        if self.typed:
            values = arr.combine_chunks().cast(target)
            if col.kind == "money":  # Arrow reads nan, inf and 1e400 as floats
                self.flag_rows(convert.out_of_range(values, target), "bad_number", col.name,
                               values, "{name} is not a number: {value!r}")
            self.columns[col.store_name] = values
            return
        pattern = convert.MONEY_PATTERN if col.kind == "money" else convert.INT_PATTERN
        arr = arr.combine_chunks()
        values, bad = convert.parse_ints(arr, pattern, target)
        self.flag_rows(bad, "bad_number", col.name, arr, "{name} is not a number: {value!r}")
        self.columns[col.store_name] = values

    def _date(self, col: idb_codes.Column) -> None:
        arr = self.table[col.name].combine_chunks()
        values, bad, nulls = convert.parse_mmddyyyy(arr, idb_codes.MISSING_DATE)
        self.flag_rows(bad, "bad_date", col.name, arr, "{name} is not MM/DD/YYYY: {value!r}")
        self.result.null_dates += nulls
        self.columns[col.store_name] = values

    def _flag(self, col: idb_codes.Column) -> None:
        arr = self.table[col.name].combine_chunks()
        missing = convert.null_mask(arr)  # -8 became null while parsing
        bad = ~missing & ~convert.mask_of(pc.fill_null(pc.is_in(arr, value_set=pa.array(
            FLAG_VALUES)), False))
        self.flag_rows(bad, "bad_flag", col.name, arr, "{name} is not 0, 1 or -8: {value!r}")
        self.result.missing_flags[col.store_name] = int((missing & self.keep).sum())
        clean = pc.if_else(pa.array(bad), pa.scalar(None, pa.string()), arr)
        self.columns[col.store_name] = pc.cast(clean, pa.int8())

    def _sentinel(self, col: idb_codes.Column) -> None:
        arr = self.table[col.name].combine_chunks()
        if self.typed_terms:  # every value read as int32; null is -8, never blank
            raw = arr.fill_null(pa.scalar(-8, pa.int32()))
        else:
            raw, bad = convert.parse_ints(arr)
            self.flag_rows(bad, "bad_number", col.name, arr, "{name} is not a number: {value!r}")
            # -8 became null while parsing; the raw value keeps it (blank stays null).
            raw = pc.if_else(pa.array(convert.null_mask(arr)), pa.scalar(-8, pa.int32()), raw)
        months, status = decode_prison_terms(raw)
        self.columns[col.store_name] = raw
        self.columns[f"{col.store_name}_months"] = months
        self.columns[f"{col.store_name}_status"] = status

    def _fiscal_year_and_district(self) -> None:
        fy = self.columns["fiscalyr"]
        self.flag_rows(~convert.mask_of(pc.is_valid(fy)), "missing_fiscal_year", "FISCALYR",
                       None, "FISCALYR is blank or -8")
        today = dt.date.today()
        last = today.year + 1  # a LOADDATE is never after today (checked below)
        outside = pc.or_(pc.less(fy, FIRST_FISCAL_YEAR), pc.greater(fy, last))
        self.flag_rows(convert.mask_of(pc.fill_null(outside, False)), "bad_fiscal_year",
                       "FISCALYR", fy, f"{{name}} {{value}} is outside {FIRST_FISCAL_YEAR} "
                       f"to {last}")
        loaded = self.columns["loaddate"]
        future = pc.fill_null(pc.greater(loaded, pa.scalar(today, pa.date32())), False)
        self.flag_rows(convert.mask_of(future), "future_loaddate", "LOADDATE", loaded,
                       f"{{name}} {{value}} is after today ({today.isoformat()})")
        circuit, district = self.table["CIRCUIT"], self.table["DISTRICT"]
        pair = pc.binary_join_element_wise(circuit, district, "/")
        test = "/".join(idb_codes.TEST_DISTRICT)
        self.flag_rows(convert.mask_of(pc.equal(pair, test)), "test_district", "", None,
                       "test district (circuit 11, district 11)")
        known = pa.array([f"{c}/{d}" for c, d in idb_codes.districts()])
        self.flag_rows(~convert.mask_of(pc.is_in(pair, value_set=known)), "unknown_district",
                       "", pair, "(CIRCUIT/DISTRICT) {value!r} is not in the district table")

    def _collect_quarantine(self) -> None:
        offsets = [i for i, (reason, _) in self.reasons.items() if reason != "blank"]
        raw = lines_text(self.block.data, [int(self.lines[i]) - 1 for i in offsets])
        fy = self.columns["fiscalyr"]
        for i in sorted(offsets):
            reason, detail = self.reasons[i]
            line = int(self.lines[i])
            self.result.quarantined.append(Quarantined(
                self.block.first_line + line - 1, reason, detail,
                without_personal_fields(raw.get(line - 1, "")), fy[i].as_py()))


def _finish(columns: dict[str, pa.Array], keep: np.ndarray, lines: np.ndarray,
            source_file: str, fast: bool = True) -> pa.Table:
    schema = store_schema()
    n = len(keep)
    columns = dict(columns)
    if fast:
        columns["source_file"] = pa.repeat(pa.scalar(source_file, pa.string()), n)
    else:
        columns["source_file"] = pa.array([source_file] * n, pa.string()) if n else pa.array(
            [], pa.string())
    columns["source_line"] = pa.array(lines, pa.int64())
    # The code columns come from the parser in chunks (one per PARSE_CHUNK): kept so
    # (the split by year takes from chunks as fast), not copied into one.
    as_column = _as_chunked if fast else _as_array
    arrays = [as_column(columns[f.name]).cast(f.type) for f in schema]
    table = pa.Table.from_arrays(arrays, schema=schema)
    if keep.all():
        return table
    return table.filter(pa.array(keep))


def decode_prison_terms(raw: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Months for statistics and a status for each raw prison term.

    The status is built as dictionary codes (a handful of values), which is
    cheap to make and to write."""
    values = raw.fill_null(BLANK).to_numpy(zero_copy_only=False)
    months = np.where(values >= 0, values, 0).astype(np.int32)
    months_null = values < 0
    labels, codes = _status_labels()
    status = np.where(values >= 0, codes[TERM_STATUS], codes[UNKNOWN_STATUS]).astype(np.int8)
    for value, (slug, counted) in sentinel_meanings().items():
        hit = values == value
        status[hit] = codes[slug]
        if counted is not None:
            months[hit] = counted
            months_null[hit] = False
    status[values == BLANK] = codes[sentinel_meanings()[int(idb_codes.MISSING)][0]]
    return (pa.array(months, pa.int32(), mask=months_null),
            pa.DictionaryArray.from_arrays(pa.array(status, pa.int8()), labels))


BLANK = -(10**9)


@cache
def _status_labels() -> tuple[pa.Array, dict[str, int]]:
    names = [TERM_STATUS, UNKNOWN_STATUS] + [slug for slug, _ in sentinel_meanings().values()]
    return pa.array(names, pa.string()), {name: i for i, name in enumerate(names)}


def _as_chunked(arr) -> pa.ChunkedArray:
    return arr if isinstance(arr, pa.ChunkedArray) else pa.chunked_array([arr])


def _as_array(arr) -> pa.Array:
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


@cache
def _personal_positions() -> tuple[int, ...]:
    return tuple(i for i, c in enumerate(idb_codes.layout()) if c.name in idb_codes.DROPPED)


def without_personal_fields(raw: str) -> str:
    """A quarantined line without the fields naming people, for ``quarantine.csv``.

    With the layout's number of fields, the personal ones are blanked in place;
    otherwise no field's position can be trusted, so only the fields before the
    first personal one are kept."""
    fields = raw.split("\t")
    positions = _personal_positions()
    if len(fields) != len(idb_codes.layout()):
        return "\t".join(fields[:positions[0]])
    for i in positions:
        fields[i] = ""
    return "\t".join(fields)


def _leading_int(text: str) -> int | None:
    """The fiscal year of a row too broken to parse, if its first field looks like one."""
    head = text.split("\t", 1)[0].strip()
    return int(head) if len(head) == 4 and head.isdigit() else None
