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
MONEY_PATTERN = r"^\s*-?([0-9]+\.?[0-9]*|\.[0-9]+)\s*$"
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


def parse_mmddyyyy(arr: pa.Array, missing: tuple[str, ...], null_date: str) -> tuple[
        pa.Array, np.ndarray, int]:
    """Strict ``MM/DD/YYYY`` dates to ``date32``.

    Values in ``missing`` (``-8``, blank) and ``null_date`` (``01/01/1900``)
    become null. Anything else that is not a real calendar date written as
    exactly ``MM/DD/YYYY`` is flagged bad. Returns (dates, bad mask, number of
    ``null_date`` values seen).
    """
    offsets, data = string_parts(arr)
    n = len(offsets) - 1
    lengths = np.diff(offsets)
    is_ten = lengths == 10
    starts = offsets[:-1][is_ten]
    chars = data[starts[:, None] + np.arange(10)] if len(starts) else np.zeros((0, 10), np.uint8)
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
    values = np.zeros(n, dtype="datetime64[D]")
    values[is_ten] = first_day + np.where(ok, day - 1, 0).astype("timedelta64[D]")
    good = np.zeros(n, dtype=bool)
    good[np.flatnonzero(is_ten)[ok]] = True

    is_missing = np.asarray(pc.is_in(arr, value_set=pa.array(list(missing))).to_numpy(
        zero_copy_only=False), dtype=bool)
    is_null_date = np.asarray(pc.equal(arr, null_date).to_numpy(zero_copy_only=False), dtype=bool)
    bad = ~good & ~is_missing
    null = ~good | is_null_date
    result = pa.array(values, type=pa.date32(), mask=null)
    return result, bad, int(is_null_date.sum())


def parse_ints(arr: pa.Array, pattern: str = INT_PATTERN, to: pa.DataType = INT32,
               keep: str | None = None) -> tuple[pa.Array, np.ndarray]:
    """Text to integers (or money); blank and ``-8`` become null unless ``keep``.

    ``keep="-8"`` keeps the value -8 (sentinel fields store their raw value).
    """
    stripped = pc.utf8_trim_whitespace(arr)
    blank = pc.equal(stripped, "")
    valid = pc.or_(pc.match_substring_regex(arr, pattern), blank)
    bad = ~np.asarray(valid.to_numpy(zero_copy_only=False), dtype=bool)
    nulls = blank if keep == "-8" else pc.or_(blank, pc.equal(stripped, "-8"))
    clean = pc.if_else(pc.or_(nulls, pa.array(bad)), pa.scalar(None, pa.string()), stripped)
    return pc.cast(clean, to), bad


def null_if(arr: pa.Array, value: str) -> pa.Array:
    """``arr`` with ``value`` (``-8``) replaced by null."""
    return pc.if_else(pc.equal(arr, value), pa.scalar(None, arr.type), arr)


def mask_of(arr: pa.Array) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False), dtype=bool)
