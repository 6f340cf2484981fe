"""A deterministic, streaming, one-member Deflate64 zip writer (zip method 9).

The FJC publishes ``cr96on.zip`` compressed with Deflate64, which Python's
``zipfile`` cannot write (nor decompress: it reads the central directory of
these files fine, then raises NotImplementedError on method 9). This writes
the same kind of file with ``inflate64.Deflater``:

* the member is streamed: chunks in, compressed bytes out, memory bounded;
* fixed DOS timestamp 1980-01-01 00:00, no extra attributes: same input,
  same bytes;
* the local header is written first with a 20-byte reserved extra field and
  patched after the data (the output must be seekable; no data descriptor).
  If the sizes exceed 0xFFFFFFFF the field becomes the Zip64 extra field
  (sizes 0xFFFFFFFF in the header); otherwise it stays an inert padding field
  (header id 0xD935, the id Android's zipalign uses for padding), which
  readers skip;
* the central directory gets a Zip64 extra field, and the archive a Zip64
  end record and locator, only when a size or offset exceeds 0xFFFFFFFF.
  The full-size cr96on member (~3.5 GB) stays just under that limit.

Measured on the synthetic cr96on text: ``inflate64``'s deflater finds few
repeats and compresses it about 2.3:1, where 7-Zip's Deflate64 (``7z a -tzip
-mm=Deflate64``) reaches ~15:1, near the published file's ~14:1. The archive
is valid (``7z t``, ``unzip -t`` and ``inflate64.Inflater`` accept it); only
its size is not realistic. inflate64 1.0.4 also never releases a buffer passed
to ``Deflater.deflate``: see :func:`_deflate_into` for the workaround.
"""

from __future__ import annotations

import queue
import struct
import threading
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import inflate64

METHOD_DEFLATE64 = 9
ZIP64_LIMIT = 0xFFFFFFFF
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00:00
_VERSION_DEFLATE64, _VERSION_ZIP64 = 21, 45  # "version needed to extract"
_MADE_BY = 45  # MS-DOS host, spec 4.5
_PAD_ID, _ZIP64_ID = 0xD935, 0x0001
_UTF8_FLAG = 0x0800
_BLOCK, _BUFFERS = 1 << 22, 4  # staging buffers: memory stays bounded


def write_deflate64_zip(
    zip_path: Path | str,
    member_name: str,
    chunks: Iterable[bytes],
    *,
    force_zip64: bool = False,
) -> tuple[int, int]:
    """Write ``chunks`` as the one Deflate64 member ``member_name`` of ``zip_path``.

    Returns ``(uncompressed_size, compressed_size)``. ``force_zip64`` writes the
    Zip64 structures even for small members (to test them without 4 GB).
    """
    name = member_name.encode("utf-8")
    flags = 0 if name.isascii() else _UTF8_FLAG
    with open(zip_path, "wb") as fh:
        fh.write(_local_header(name, flags, 0, 0, 0, zip64=False))
        crc, usize, csize = _deflate_into(fh, chunks)
        cd_offset = fh.tell()
        zip64 = force_zip64 or usize >= ZIP64_LIMIT or csize >= ZIP64_LIMIT
        fh.seek(0)
        fh.write(_local_header(name, flags, crc, usize, csize, zip64=zip64))
        fh.seek(cd_offset)
        central = _central_header(name, flags, crc, usize, csize, zip64=zip64)
        fh.write(central)
        fh.write(_end_records(cd_offset, len(central), force_zip64 or zip64))
    return usize, csize


def _deflate_into(fh: BinaryIO, chunks: Iterable[bytes]) -> tuple[int, int, int]:
    """Compress ``chunks`` into ``fh``; return (CRC-32, uncompressed, compressed size).

    Two workarounds for inflate64 1.0.4, whose ``Deflater.deflate`` never releases
    its input buffer (every input object stays alive: 3.5 GB for cr96on) but does
    copy the data and releases the GIL: the input goes through a few reused
    staging buffers, and compression runs in a worker thread, overlapping with
    the caller producing the chunks.
    """
    free: queue.Queue = queue.Queue()
    for _ in range(_BUFFERS):
        free.put(bytearray(_BLOCK))
    full: queue.Queue = queue.Queue()
    result: dict = {}
    worker = threading.Thread(target=_compress, args=(fh, full, free, result),
                              name="deflate64", daemon=True)
    worker.start()
    try:
        buf, n = free.get(), 0
        for chunk in chunks:
            view, pos = memoryview(chunk), 0
            while pos < len(view):
                take = min(_BLOCK - n, len(view) - pos)
                buf[n:n + take] = view[pos:pos + take]
                n, pos = n + take, pos + take
                if n == _BLOCK:
                    full.put((buf, n))
                    buf, n = free.get(), 0
        full.put((buf, n))
    finally:
        full.put(None)
        worker.join()
    if "error" in result:
        raise result["error"]
    return result["crc"], result["usize"], result["csize"]


def _compress(fh: BinaryIO, full: queue.Queue, free: queue.Queue, result: dict) -> None:
    """The worker: staged blocks in, compressed bytes to ``fh``, buffers back to ``free``
    (even after an error, so the producer never waits forever)."""
    deflater = inflate64.Deflater()
    crc = usize = csize = 0
    while (item := full.get()) is not None:
        buf, n = item
        if "error" not in result:
            try:
                block = memoryview(buf)[:n]
                crc, usize = zlib.crc32(block, crc), usize + n
                out = deflater.deflate(block)
                fh.write(out)
                csize += len(out)
            except BaseException as exc:  # handed to the producer's thread
                result["error"] = exc
        free.put(buf)
    if "error" not in result:
        try:
            out = deflater.flush()
            fh.write(out)
            result.update(crc=crc, usize=usize, csize=csize + len(out))
        except BaseException as exc:
            result["error"] = exc


def _local_header(name: bytes, flags: int, crc: int, usize: int, csize: int,
                  *, zip64: bool) -> bytes:
    if zip64:
        extra = struct.pack("<HHQQ", _ZIP64_ID, 16, usize, csize)
        usize = csize = ZIP64_LIMIT
    else:
        # Same length as the Zip64 field, so the data offset never moves.
        extra = struct.pack("<HH16x", _PAD_ID, 16)
    head = struct.pack("<IHHHHHIIIHH", 0x04034B50,
                       _VERSION_ZIP64 if zip64 else _VERSION_DEFLATE64, flags,
                       METHOD_DEFLATE64, _DOS_TIME, _DOS_DATE, crc, csize, usize,
                       len(name), len(extra))
    return head + name + extra


def _central_header(name: bytes, flags: int, crc: int, usize: int, csize: int,
                    *, zip64: bool) -> bytes:
    extra = b""
    if zip64:
        extra = struct.pack("<HHQQ", _ZIP64_ID, 16, usize, csize)
        usize = csize = ZIP64_LIMIT
    head = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, _MADE_BY,
                       _VERSION_ZIP64 if zip64 else _VERSION_DEFLATE64, flags,
                       METHOD_DEFLATE64, _DOS_TIME, _DOS_DATE, crc, csize, usize,
                       len(name), len(extra), 0, 0, 0, 0, 0)  # the local header is at 0
    return head + name + extra


def _end_records(cd_offset: int, cd_size: int, zip64: bool) -> bytes:
    out = b""
    if zip64 or cd_offset >= ZIP64_LIMIT:
        end64_offset = cd_offset + cd_size
        out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, _MADE_BY, _VERSION_ZIP64, 0, 0,
                           1, 1, cd_size, cd_offset)
        out += struct.pack("<IIQI", 0x07064B50, 0, end64_offset, 1)
        cd_offset = min(cd_offset, ZIP64_LIMIT)
    return out + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, cd_size, cd_offset, 0)
