"""Cutting a byte stream into line-aligned blocks that know their line numbers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from crossings.errors import UnsupportedSource

#: The UTF-8 byte-order mark some editors put before a text file's first line.
BOM = b"\xef\xbb\xbf"
#: The high bit of each byte of a 64-bit word: a word holding a non-ASCII byte.
_HIGH_BITS = np.uint64(0x8080808080808080)
#: Past this many non-ASCII bytes in a block, Python's own codec is the faster way.
_FEW_HIGH_BYTES = 4096


@dataclass(frozen=True)
class Block:
    data: bytes  # whole lines, the last one ending in a newline unless at end of file
    first_line: int  # 1-based line number of the block's first line in the source
    index: int  # 0-based position of the block in the source


def line_blocks(chunks: Iterable[bytes], block_bytes: int, first_line: int = 1,
                label: str | None = None) -> Iterator[Block]:
    """Regroup ``chunks`` into blocks of about ``block_bytes`` that end at a newline.

    A line longer than ``block_bytes`` is an error naming it (``label``: the
    source), raised as soon as that many bytes pass without a newline, so a
    stream without newlines never piles up in memory."""
    pending: list[bytes] = []
    size = 0
    line = first_line
    index = 0
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        if size < block_bytes:
            continue
        joined = b"".join(pending)
        cut = joined.rfind(b"\n") + 1
        if cut == 0:
            raise UnsupportedSource(
                f"line {line:,} runs past {block_bytes:,} bytes without a line break; a row "
                "of a source is at most a few kB: the file is damaged or not a table",
                path=label, hint="download the file again")
        block = joined[:cut]
        yield Block(block, line, index)
        line += block.count(b"\n")
        index += 1
        rest = joined[cut:]
        pending, size = ([rest], len(rest)) if rest else ([], 0)
    if size:
        yield Block(b"".join(pending), line, index)


def split_header(block: Block) -> tuple[bytes, Block]:
    """The first line of a source (without its line ending or a UTF-8 byte-order
    mark) and the rest of the block."""
    if block.data.startswith(BOM) and block.first_line == 1:
        block = Block(block.data[len(BOM):], block.first_line, block.index)
    end = block.data.find(b"\n")
    if end < 0:
        return block.data.rstrip(b"\r"), Block(b"", block.first_line + 1, block.index)
    header = block.data[:end].rstrip(b"\r")
    return header, Block(block.data[end + 1 :], block.first_line + 1, block.index)


def lines_text(data: bytes, offsets: Iterable[int]) -> dict[int, str]:
    """Several lines (0-based offsets within ``data``) at once, decoded as latin-1."""
    wanted = set(offsets)
    if not wanted:
        return {}
    lines = data.split(b"\n")
    return {i: lines[i].rstrip(b"\r").decode("latin-1") for i in wanted if i < len(lines)}


def latin1_to_utf8(data: bytes) -> bytes:
    """``data`` (latin-1) as UTF-8, the same bytes as ``data.decode("latin-1").encode()``.

    The court file is ASCII but for a few accented letters a block, and
    Python's encoder walks every character (about 16 ms for 16 MB): the
    non-ASCII bytes are found eight at a time instead, and only they are
    re-encoded, the ASCII runs between them joined as they are (about 5 ms)."""
    if data.isascii():
        return data
    whole = len(data) // 8
    words = np.flatnonzero(np.frombuffer(data, np.uint64, count=whole) & _HIGH_BITS)
    if len(words) > _FEW_HIGH_BYTES:
        return data.decode("latin-1").encode("utf-8")
    raw = np.frombuffer(data, np.uint8)
    candidates = np.concatenate([(words[:, None] * 8 + np.arange(8)).ravel(),
                                 np.arange(whole * 8, len(data))])
    view, pieces, start = memoryview(data), [], 0
    for at in candidates[raw[candidates] >= 0x80].tolist():
        pieces += [view[start:at], chr(data[at]).encode("utf-8")]
        start = at + 1
    pieces.append(view[start:])
    return b"".join(pieces)
