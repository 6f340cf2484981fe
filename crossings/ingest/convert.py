"""Vectorised checks and conversions of text columns (Arrow arrays in, Arrow out).

Each converter returns the typed array and a boolean mask of the values that
are not valid for the type, so a row can be quarantined with the reason.
They work on whole blocks at once: a per-value Python loop would not keep up
with the file (about a billion fields).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

INT32 = pa.int32()
INT_PATTERN = r"^\s*-?[0-9]+\s*$"
#: What Arrow's float reader takes as a finite number (sign, exponent and all):
#: a block of clean numbers is typed by Arrow, a block with text by this
#: pattern, and a value must get the same verdict either way.
MONEY_PATTERN = r"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$"
#: The range of the store's integer columns (int32).
INT32_RANGE = (-(2**31), 2**31 - 1)
_SLASH = ord("/")
_ZERO = ord("0")
_DIGIT_POSITIONS = [0, 1, 3, 4, 6, 7, 8, 9]


def string_parts(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Offsets (n + 1) and data bytes of a string array without copying."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type == pa.large_string():
        arr = arr.cast(pa.string())
    buffers = arr.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(
        0, np.uint8)
    return offsets, data


def parse_mmddyyyy(arr: pa.Array, null_date: str) -> tuple[pa.Array, np.ndarray, int]:
    """Strict ``MM/DD/YYYY`` dates to ``date32`` (see :func:`_parse_mmddyyyy`).

    A block holds few distinct dates, so each distinct value is parsed once and
    the results are spread back by dictionary index: several times faster than
    parsing every value.
    """
    encoded = pc.dictionary_encode(arr, null_encoding="mask")
    dates, bad, placeholder = _parse_mmddyyyy(encoded.dictionary, null_date)
    indices = encoded.indices
    index = indices.fill_null(-1).to_numpy(zero_copy_only=False)
    valid = index >= 0
    row_bad = np.zeros(len(arr), dtype=bool)
    row_bad[valid] = bad[index[valid]]
    placeholders = int(placeholder[index[valid]].sum())
    return pc.take(dates, indices), row_bad, placeholders


def _parse_mmddyyyy(arr: pa.Array, null_date: str) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Strict ``MM/DD/YYYY`` dates to ``date32``.

    Null (``-8`` at parse time), blank and ``null_date`` (``01/01/1900``) become
    null. Anything else that is not a real calendar date written as exactly
    ``MM/DD/YYYY`` is flagged bad. Returns (dates, bad mask, mask of
    ``null_date`` values). Pure numpy over the string buffer: no per-value Python.
    """
    offsets, data = string_parts(arr)
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    is_null = null_mask(arr)
    is_ten = (lengths == 10) & ~is_null
    rows = np.flatnonzero(is_ten)
    chars = data[offsets[rows][:, None] + np.arange(10)] if len(rows) else np.zeros(
        (0, 10), np.uint8)
    digits = chars[:, _DIGIT_POSITIONS].astype(np.int32) - _ZERO
    ok = (chars[:, 2] == _SLASH) & (chars[:, 5] == _SLASH) & np.all(
        (digits >= 0) & (digits <= 9), axis=1)
    month = digits[:, 0] * 10 + digits[:, 1]
    day = digits[:, 2] * 10 + digits[:, 3]
    year = digits[:, 4] * 1000 + digits[:, 5] * 100 + digits[:, 6] * 10 + digits[:, 7]
    ok &= (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1)
    month_start = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first_day = month_start.astype("datetime64[D]")
    month_len = ((month_start + 1).astype("datetime64[D]") - first_day).astype(np.int32)
    ok &= day <= month_len
    placeholder = np.frombuffer(null_date.encode("ascii"), np.uint8)
    is_placeholder = np.all(chars == placeholder, axis=1)
    values = np.zeros(n, dtype="datetime64[D]")
    values[rows] = first_day + np.where(ok, day - 1, 0).astype("timedelta64[D]")
    good = np.zeros(n, dtype=bool)
    good[rows[ok & ~is_placeholder]] = True
    bad = ~is_null & (lengths != 0)
    bad[rows[ok]] = False
    result = pa.array(values, type=pa.date32(), mask=~good)
    placeholder_rows = np.zeros(n, dtype=bool)
    placeholder_rows[rows[is_placeholder]] = True
    return result, bad, placeholder_rows


def null_mask(arr: pa.Array) -> np.ndarray:
    if arr.null_count == 0:
        return np.zeros(len(arr), dtype=bool)
    return np.asarray(arr.is_null().to_numpy(zero_copy_only=False), dtype=bool)


def parse_ints(arr: pa.Array, pattern: str = INT_PATTERN, to: pa.DataType = INT32
               ) -> tuple[pa.Array, np.ndarray]:
    """Text to integers (or money); null (``-8``) and blank stay null; text is bad,
    and so is a number the type cannot hold (an integer beyond int32, a money
    value that overflows to infinity)."""
    stripped = pc.utf8_trim_whitespace(arr)
    blank = pc.fill_null(pc.equal(stripped, ""), False)
    valid = pc.or_(pc.fill_null(pc.match_substring_regex(arr, pattern), True), blank)
    bad = ~mask_of(valid)
    clean = pc.if_else(pc.or_(blank, pa.array(bad)), pa.scalar(None, pa.string()), stripped)
    # Every value left matches the pattern, so it reads as a float; the range
    # test on the floats is exact for int32.
    bad |= out_of_range(pc.cast(clean, pa.float64()), to)
    clean = pc.if_else(pa.array(bad), pa.scalar(None, pa.string()), clean)
    return pc.cast(clean, to), bad


def out_of_range(values: pa.Array, to: pa.DataType) -> np.ndarray:
    """Values (float64) that ``to`` cannot hold: beyond int32, or not finite."""
    if pa.types.is_floating(to):
        ok = pc.is_finite(values)
    else:
        low, high = INT32_RANGE
        ok = pc.and_(pc.greater_equal(values, low), pc.less_equal(values, high))
    return ~mask_of(pc.fill_null(ok, True))


def mask_of(arr: pa.Array) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)
