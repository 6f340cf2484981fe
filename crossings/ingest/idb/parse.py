"""Parse, validate and type one block of the court file.

The fast path lets Arrow's CSV reader type the plain numeric columns while it
tokenises. If any value in the block is not a number, that read fails and the
block takes the slow path: every column read as text, each bad value found
with a pattern, its row quarantined, the rest typed. Either way the same
checks run on dates, flags, fiscal year and district.

Quarantine reasons (the first that applies names the row):

``field_count``, ``bad_number``, ``bad_date``, ``bad_flag``,
``missing_fiscal_year``, ``test_district``, ``unknown_district``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from crossings.codebook import idb as idb_codes
from crossings.codebook.idb import sentinel_meanings
from crossings.ingest import convert
from crossings.ingest.blocks import Block, lines_text
from crossings.ingest.idb.schema import (
    TERM_STATUS,
    UNKNOWN_STATUS,
    store_schema,
)
from crossings.ingest.quarantine import Quarantined

REASONS = ("field_count", "bad_number", "bad_date", "bad_flag", "missing_fiscal_year",
           "test_district", "unknown_district")
#: Turned into null while parsing, in every column: the file's "missing".
NULL_VALUES = [idb_codes.MISSING]
FLAG_VALUES = ("0", "1")
#: Bytes Arrow tokenises at a time: a few MB keeps the work in cache (a 100 MB
#: chunk parses at half the speed); row numbers still count across chunks.
PARSE_CHUNK = 2 << 20




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
def _options(typed: bool):
    names = idb_codes.column_names()
    keep = [c.name for c in idb_codes.layout() if c.kind != "dropped"]
    types = {}
    for col in idb_codes.layout():
        if typed and col.kind == "int":
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


def _read(data: bytes, typed: bool, invalid: list) -> pa.Table:
    def on_invalid(row) -> str:
        invalid.append((row.number, row.actual_columns, row.text))
        return "skip"

    read, convert_opts = _options(typed)
    parse = pacsv.ParseOptions(
        delimiter="\t", quote_char=False, double_quote=False, escape_char=False,
        newlines_in_values=False, ignore_empty_lines=False, invalid_row_handler=on_invalid,
    )
    return pacsv.read_csv(pa.py_buffer(data), read_options=read, parse_options=parse,
                          convert_options=convert_opts)


# --- the block ---------------------------------------------------------------
def parse_block(block: Block, source_file: str) -> BlockResult:
    """Parse ``block`` (whole lines, no header) into stored rows and quarantine."""
    result = BlockResult(index=block.index, table=None)
    data = block.data if block.data.isascii() else block.data.decode("latin-1").encode("utf-8")
    started = time.thread_time()
    invalid: list = []
    try:
        table, typed = _read(data, True, invalid), True
    except pa.ArrowInvalid:
        invalid.clear()
        table, typed = _read(data, False, invalid), False
    result.parse_seconds = time.thread_time() - started
    started = time.thread_time()
    lines = _line_numbers(table.num_rows, invalid)
    checker = _Checker(table, typed, block, lines, result)
    checker.field_count(invalid)
    typed_table = checker.run()
    result.table = _finish(typed_table, checker.keep, lines + (block.first_line - 1), source_file)
    result.quarantined.sort(key=lambda q: q.line)
    result.rows_read = result.table.num_rows + len(result.quarantined)
    result.validate_seconds = time.thread_time() - started
    return result


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
                 result: BlockResult):
        self.table, self.typed, self.block, self.lines, self.result = (
            table, typed, block, lines, result)
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
                f"{actual} fields, expected {expected}", text, _leading_int(text)))

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
            self.columns[col.store_name] = arr.combine_chunks().cast(target)
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
                self.block.first_line + line - 1, reason, detail, raw.get(line - 1, ""),
                fy[i].as_py()))


def _finish(columns: dict[str, pa.Array], keep: np.ndarray, lines: np.ndarray,
            source_file: str) -> pa.Table:
    schema = store_schema()
    n = len(keep)
    columns = dict(columns)
    columns["source_file"] = pa.array([source_file] * n, pa.string()) if n else pa.array(
        [], pa.string())
    columns["source_line"] = pa.array(lines, pa.int64())
    arrays = [_as_array(columns[f.name]).cast(f.type) for f in schema]
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


def _as_array(arr) -> pa.Array:
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _leading_int(text: str) -> int | None:
    """The fiscal year of a row too broken to parse, if its first field looks like one."""
    head = text.split("\t", 1)[0].strip()
    return int(head) if len(head) == 4 and head.isdigit() else None
