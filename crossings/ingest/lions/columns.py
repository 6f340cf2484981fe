"""Decoding a block's fixed-width fields into Arrow columns, vectorised: text (latin-1, trimmed), numbers (a fast path for plain digits, a general one for signs and decimals), dates (DD-MON-YYYY). A value that does not parse is null and its row is marked."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from crossings.errors import UnknownLayout
from crossings.fiscal import MONTH_ABBREVIATIONS

FIRST_YEAR, LAST_YEAR = 1900, 2100  # outside: an impossible year, stored as null

_SPACE, _STAR, _CR, _LF = 32, 42, 13, 10
_MINUS, _PLUS, _DOT, _ZERO = 45, 43, 46, 48
_MONTH_KEYS = np.array([(ord(m[0]) << 16) | (ord(m[1]) << 8) | ord(m[2])
                        for m in MONTH_ABBREVIATIONS])
_POW10 = 10 ** np.arange(19, dtype=np.int64)


# --- columns ------------------------------------------------------------------------
# A column is cut out of the block by Arrow (``binary_slice`` over the records
# seen as fixed-size binary values, so the records are not copied), trimmed and
# cast by Arrow's kernels. numpy looks at the column's bytes only to find what
# Arrow must not be handed: latin-1 bytes, redactions, text in numbers. The
# rare rows holding those go through the general numpy parser below.
class Columns:
    """The kept columns of a record matrix, cut out one at a time."""

    def __init__(self, matrix: np.ndarray):
        self.matrix = matrix
        n, stride = matrix.shape
        self.n = n
        self.records = pa.Array.from_buffers(pa.binary(stride), n,
                                             [None, pa.py_buffer(matrix)])
        self.control = 0  # control bytes other than CR found in kept columns

    def cut(self, start: int, width: int) -> tuple[pa.Array, np.ndarray]:
        """The column as (unchecked) strings of ``width`` bytes, and those n * width bytes.

        A control byte (a stray CR, a LF, a tab) occupies a character position:
        it becomes a space, the value keeps its length. Columns not kept are
        never looked at, so a stray CR in a name costs nothing.
        """
        cut = pc.binary_slice(self.records, start, start + width)  # fixed_size_binary[width]
        buffer = cut.buffers()[1].slice(cut.offset * width, self.n * width)
        data = np.frombuffer(buffer, np.uint8)
        control = data < _SPACE
        if control.any():
            self.control += int(control.sum() - (data == _CR).sum())
            data = np.where(control, np.uint8(_SPACE), data)
            buffer = pa.py_buffer(data)
        offsets = pa.py_buffer(np.arange(self.n + 1, dtype=np.int32) * width)
        return pa.StringArray.from_buffers(self.n, offsets, buffer), data


def _rows_with(hits: np.ndarray, width: int, n: int) -> np.ndarray:
    rows = np.zeros(n, dtype=bool)
    rows[np.flatnonzero(hits) // width] = True
    return rows


def _nonempty(strings: pa.Array, drop: np.ndarray | None = None) -> pa.Array:
    """``strings`` with empty values (and ``drop`` rows) made null, without a copy."""
    n = len(strings)
    buffers = strings.buffers()
    offsets = np.frombuffer(buffers[1], np.int32)[strings.offset:strings.offset + n + 1]
    valid = np.diff(offsets) > 0
    if drop is not None:
        valid &= ~drop
    bitmap = pa.py_buffer(np.packbits(valid, bitorder="little"))
    if strings.offset % 8:  # the bitmap must line up with the array's offset
        strings = pa.StringArray.from_buffers(n, pa.py_buffer(offsets - offsets[0]),
                                              buffers[2].slice(int(offsets[0])))
        buffers = strings.buffers()
        return pa.StringArray.from_buffers(n, buffers[1], buffers[2], bitmap,
                                           int(n - valid.sum()))
    return pa.StringArray.from_buffers(n, buffers[1], buffers[2], bitmap, int(n - valid.sum()),
                                       strings.offset)


def text_column(cut: pa.Array, data: np.ndarray, width: int) -> tuple[pa.Array, np.ndarray]:
    """Stripped latin-1 text (empty -> null) and the rows holding ``*``."""
    n = len(cut)
    redacted = _rows_with(data == _STAR, width, n)
    latin1 = data.size and data.max() >= 0x80
    strings = _latin1(data, width, n) if latin1 else cut
    return _nonempty(pc.ascii_trim(strings, " ")), redacted


def _latin1(data: np.ndarray, width: int, n: int) -> pa.Array:
    """Fixed-width latin-1 values as UTF-8 strings: bytes 0x80-0xFF become two bytes."""
    high = data >= 0x80
    size = 1 + high.astype(np.int32)
    ends = np.concatenate(([0], np.cumsum(size)))
    out = np.empty(int(ends[-1]), dtype=np.uint8)
    at = ends[:-1]
    out[at] = np.where(high, 0xC0 | (data >> 6), data)
    out[at[high] + 1] = 0x80 | (data[high] & 0x3F)
    offsets = ends[np.arange(n + 1) * width].astype(np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(out))


def number_column(cut: pa.Array, data: np.ndarray, sub: np.ndarray, decimals: bool):
    """(values, null, bad, redacted): integers, or decimals when ``decimals``."""
    n, width = sub.shape
    digit_or_space = ((data - _ZERO) <= 9) | (data == _SPACE)
    odd_byte = ~digit_or_space & (data != _MINUS) & (data != _PLUS)
    if decimals:
        odd_byte &= data != _DOT
    odd = _rows_with(odd_byte, width, n)
    strings = _nonempty(pc.ascii_trim(cut, " "), drop=odd)
    target = pa.float64() if decimals else pa.int64()
    try:
        typed = pc.cast(strings, target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # "1 2", "-", "1.2.3": look closer
        return number_general(sub, decimals)
    dtype = np.float64 if decimals else np.int64
    values = np.frombuffer(typed.buffers()[1], dtype)[typed.offset:typed.offset + n].copy()
    null = ~np.asarray(typed.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    bad, redacted = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    if odd.any():
        rows = np.flatnonzero(odd)
        values[rows], null[rows], bad[rows], redacted[rows] = number_general(sub[rows], decimals)
    return values, null, bad, redacted


def _trim(sub: np.ndarray):
    """(has content, first non-space, end of last non-space) per row."""
    nonspace = sub != _SPACE
    has = nonspace.any(axis=1)
    first = nonspace.argmax(axis=1)
    last = sub.shape[1] - nonspace[:, ::-1].argmax(axis=1)
    return has, first, last


def number_general(sub: np.ndarray, decimals: bool):
    """The general (slower) parser: signs, a decimal point, ``*`` and junk found per row."""
    n, width = sub.shape
    if width > 18:  # more digits than int64 holds: no release prints such widths
        raise UnknownLayout(f"a numeric column {width} characters wide cannot be read")
    has, first, last = _trim(sub)
    cols = np.arange(width)
    inside = (cols >= first[:, None]) & (cols < last[:, None]) & has[:, None]
    digit = (sub >= _ZERO) & (sub <= _ZERO + 9) & inside
    sign = (cols == first[:, None]) & ((sub == _MINUS) | (sub == _PLUS)) & has[:, None]
    dot = (sub == _DOT) & inside if decimals else np.zeros_like(digit)
    redacted = ((sub == _STAR) & inside).any(axis=1)
    other = (inside & ~digit & ~sign & ~dot).any(axis=1)
    bad = has & ~redacted & (other | (digit.sum(axis=1) == 0) | (dot.sum(axis=1) > 1))
    right = np.cumsum(digit[:, ::-1], axis=1)[:, ::-1] - digit  # digits to the right
    values = (np.where(digit, sub - _ZERO, 0).astype(np.int64) * _POW10[right]).sum(axis=1)
    values = np.where((sign & (sub == _MINUS)).any(axis=1), -values, values)
    null = ~has | redacted | bad
    if decimals:
        dot_at = np.where(dot.any(axis=1), dot.argmax(axis=1), width)
        scale = (digit & (cols > dot_at[:, None])).sum(axis=1)
        return values / _POW10[scale], null, bad, redacted
    return values, null, bad, redacted


_DAYS_BEFORE = np.array([0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334])
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_ORDER = np.argsort(_MONTH_KEYS)
_SORTED_KEYS = _MONTH_KEYS[_ORDER]


def date_column(data: np.ndarray, n: int):
    """(days since 1970 as int32, null, bad, redacted, impossible) of ``DD-MON-YYYY``."""
    sub = data.reshape(n, 11)
    has = (sub != _SPACE).any(axis=1)
    redacted = (sub == _STAR).any(axis=1)
    digits = sub[:, [0, 1, 7, 8, 9, 10]] - np.uint8(_ZERO)  # wraps: non-digits become > 9
    shape = (digits <= 9).all(axis=1) & (sub[:, 2] == _MINUS) & (sub[:, 6] == _MINUS)
    letters = (sub[:, 3:6] & 0xDF).astype(np.int32)  # upper case
    key = (letters[:, 0] << 16) | (letters[:, 1] << 8) | letters[:, 2]
    at = np.minimum(np.searchsorted(_SORTED_KEYS, key), 11)
    shape &= _SORTED_KEYS[at] == key
    month = np.where(shape, _ORDER[at] + 1, 1)
    digits = digits.astype(np.int32)
    day = digits[:, 0] * 10 + digits[:, 1]
    year = digits[:, 2] * 1000 + digits[:, 3] * 100 + digits[:, 4] * 10 + digits[:, 5]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_len = _MONTH_DAYS[month] + ((month == 2) & leap)
    in_month = shape & (day >= 1) & (day <= month_len)
    impossible = shape & (day >= 1) & (day <= 31) & ((year < FIRST_YEAR) | (year > LAST_YEAR))
    good = in_month & ~impossible
    bad = has & ~redacted & ~in_month & ~impossible
    # Days since 1970-01-01 by the proleptic Gregorian calendar (1900-2100 here).
    before = year - 1
    days = (365 * (year - 1970) + (before // 4 - 492) - (before // 100 - 19)
            + (before // 400 - 4) + _DAYS_BEFORE[month] + ((month > 2) & leap) + day - 1)
    return np.where(good, days, 0).astype(np.int32), ~good, bad, redacted, impossible
