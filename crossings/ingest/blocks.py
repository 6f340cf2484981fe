"""Cutting a byte stream into line-aligned blocks that know their line numbers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from crossings.errors import UnsupportedSource

#: The UTF-8 byte-order mark some editors put before a text file's first line.
BOM = b"\xef\xbb\xbf"


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
