"""Members of a synthetic LIONS release, streamed and deflated into temporary files,
and the plain (Deflate) zip files assembled from them, ZIP64 where needed."""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from queue import Queue
from threading import Thread
from typing import BinaryIO

ZIP64_LIMIT = 0xFFFFFFFF
_FLUSH_CHARS = 1 << 18  # pending text per member before it is deflated (memory bound)


# --- members: streamed, deflated into temporary files ------------------------------------
class Deflater:
    """One background thread deflating every member's chunks in the order given.

    zlib releases the GIL while it compresses, so building records (Python) and
    deflating them overlap. One thread and a FIFO keep each member's chunks in
    order: the output is the same bytes as deflating them in the caller.
    """

    def __init__(self) -> None:
        self.queue: Queue = Queue(maxsize=16)
        self.error: BaseException | None = None
        self.thread = Thread(target=self._run, name="lions-deflate", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (job := self.queue.get()) is not None:
            if self.error is None:
                try:
                    job[0].deflate(job[1])
                except BaseException as exc:  # surfaced in the writing thread
                    self.error = exc

    def put(self, member: Member, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((member, data))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class Member:
    def __init__(self, name: str, table: str, district: str | None, path: Path,
                 newline: str, level: int, deflater: Deflater) -> None:
        self.name, self.table, self.district, self.path = name, table, district, path
        self.fh: BinaryIO = path.open("wb")
        self.comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        self.nl, self.deflater = newline, deflater
        self.parts: list[str] = []
        self.pending = self.records = self.usize = self.csize = self.crc = 0

    def add(self, record: str) -> None:
        """Append one record (without its line end)."""
        self.parts.append(record)
        self.records += 1
        self.pending += len(record)
        if self.pending >= _FLUSH_CHARS:
            self.flush()

    def extend(self, records: list[str]) -> None:
        """Append several records (without line ends)."""
        if records:
            self.parts += records
            self.records += len(records)
            self.pending += len(records) * len(records[0])  # fixed width: all the same
            if self.pending >= _FLUSH_CHARS:
                self.flush()

    def flush(self) -> None:
        if self.parts:
            data = (self.nl.join(self.parts) + self.nl).encode("latin-1")
            self.parts, self.pending = [], 0
            self.deflater.put(self, data)

    def deflate(self, data: bytes) -> None:
        """Runs in the deflater thread."""
        self.crc = zlib.crc32(data, self.crc)
        self.usize += len(data)
        out = self.comp.compress(data)
        self.csize += len(out)
        self.fh.write(out)

    def finish(self) -> None:
        """After the deflater has drained: the end of the deflate stream."""
        out = self.comp.flush()
        self.csize += len(out)
        self.fh.write(out)
        self.fh.close()


@dataclass
class Entry:
    """A zip member ready to be placed: compressed bytes in a file or in memory."""

    name: str
    crc: int
    usize: int
    csize: int
    when: datetime
    path: Path | None = None
    data: bytes = b""


def deflated(name: str, text: str, when: datetime, level: int) -> Entry:
    raw = text.encode("latin-1")
    comp = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = comp.compress(raw) + comp.flush()
    return Entry(name, zlib.crc32(raw), len(raw), len(data), when, data=data)



# --- zip assembly -------------------------------------------------------------------
def _dos(when: datetime) -> tuple[int, int]:
    return (when.hour << 11 | when.minute << 5 | when.second // 2,
            (when.year - 1980) << 9 | when.month << 5 | when.day)


def write_zip(path: Path, entries: Iterable[Entry]) -> str:
    """Write a deflate zip of already-compressed entries; returns its SHA-256."""
    central, digest = [], hashlib.sha256()
    with path.open("wb") as fh:
        def put(b: bytes) -> None:
            fh.write(b)
            digest.update(b)

        offset = 0
        for e in entries:
            head = _local_header(e)
            put(head)
            if e.path is not None:
                with e.path.open("rb") as src:
                    while block := src.read(1 << 20):
                        put(block)
            else:
                put(e.data)
            central.append(_central_header(e, offset))
            offset += len(head) + e.csize
        cd = b"".join(central)
        put(cd)
        put(_end_records(len(central), len(cd), offset))
    return digest.hexdigest()


def _big(e: Entry) -> bool:
    return e.usize >= ZIP64_LIMIT or e.csize >= ZIP64_LIMIT


def _local_header(e: Entry) -> bytes:
    t, d = _dos(e.when)
    name = e.name.encode("ascii")
    usize, csize, extra, need = e.usize, e.csize, b"", 20
    if _big(e):
        extra = struct.pack("<HHQQ", 1, 16, usize, csize)
        usize = csize = 0xFFFFFFFF
        need = 45
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, need, 0, 8, t, d, e.crc, csize, usize,
                       len(name), len(extra)) + name + extra


def _central_header(e: Entry, offset: int) -> bytes:
    t, d = _dos(e.when)
    name = e.name.encode("ascii")
    usize, csize, extra = e.usize, e.csize, []
    if _big(e):
        extra += [usize, csize]
        usize = csize = 0xFFFFFFFF
    if offset >= ZIP64_LIMIT:
        extra.append(offset)
        offset = 0xFFFFFFFF
    ext = struct.pack(f"<HH{len(extra)}Q", 1, 8 * len(extra), *extra) if extra else b""
    need = 45 if extra else 20
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, need, need, 0, 8, t, d, e.crc, csize,
                       usize, len(name), len(ext), 0, 0, 0, 0, offset) + name + ext


def _end_records(count: int, cd_size: int, cd_offset: int) -> bytes:
    out = b""
    if count >= 0xFFFF or cd_size >= ZIP64_LIMIT or cd_offset >= ZIP64_LIMIT:
        end64 = cd_offset + cd_size
        out = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, count, count, cd_size,
                          cd_offset)
        out += struct.pack("<IIQI", 0x07064B50, 0, end64, 1)
        count, cd_size, cd_offset = (min(count, 0xFFFF), min(cd_size, ZIP64_LIMIT),
                                     min(cd_offset, ZIP64_LIMIT))
    return out + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, cd_size, cd_offset, 0)


