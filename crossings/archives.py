"""Byte streams out of every form a source is published in, never extracted to disk.

* a zip member compressed with Deflate64 (method 9, which Python's ``zipfile``
  refuses), deflate (8) or stored (0): the central directory is read with
  ``zipfile``, the member's bytes are inflated here with ``inflate64`` or
  ``zlib``, and the CRC-32 and size are checked at the end;
* a gzip file; a plain file.

Each stream reports how far it has read (bytes of the member, or of the file
for gzip) so progress and speed can be shown.
"""

from __future__ import annotations

import gzip
import hashlib
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import inflate64

from crossings.errors import CorruptArchive, UnsupportedSource

CHUNK = 4 << 20  # bytes read at a time from a file
#: Compressed bytes inflated at a time: at the file's 14:1 ratio, 512 KB gives
#: about 7 MB of text, so a chunk never dwarfs a parse block.
INFLATE_CHUNK = 512 << 10
#: Most bytes one inflate call may produce: deflate packs up to about 1,000
#: bytes of zeros into one, so an unbounded call on a 512 KB chunk of a zip
#: bomb would hand back half a gigabyte at once.
INFLATE_OUTPUT = 8 << 20
#: Compressed bytes given to Deflate64 at a time (it has no output bound).
DEFLATE64_PIECE = 8 << 10
LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
LOCAL_SIGNATURE = 0x04034B50


@dataclass
class FileDigest:
    """SHA-256 and size of a source file, computed while it is read."""

    path: Path
    sha256: str = ""
    size: int = 0
    _hash: object = field(default_factory=hashlib.sha256, repr=False)

    def update(self, data: bytes) -> None:
        self._hash.update(data)
        self.size += len(data)

    def finish(self) -> None:
        self.sha256 = self._hash.hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class ByteStream:
    """Decompressed bytes of one member or file, read in chunks.

    ``position`` is how many bytes of the member (or of the compressed file,
    for gzip) have been consumed; ``total`` is its size when known.
    """

    name: str
    total: int | None
    position: int = 0

    def chunks(self) -> Iterator[bytes]:
        raise NotImplementedError


class PlainStream(ByteStream):
    def __init__(self, path: Path, digest: FileDigest | None = None):
        self.path, self.digest = path, digest
        self.name = path.name
        self.total = path.stat().st_size

    def chunks(self) -> Iterator[bytes]:
        with open(self.path, "rb") as f:
            while chunk := f.read(CHUNK):
                if self.digest:
                    self.digest.update(chunk)
                self.position += len(chunk)
                yield chunk


class GzipStream(ByteStream):
    def __init__(self, path: Path, digest: FileDigest | None = None):
        self.path, self.digest = path, digest
        self.name = path.name
        self.total = path.stat().st_size

    def chunks(self) -> Iterator[bytes]:
        with open(self.path, "rb") as raw:
            tracked = _TrackingReader(raw, self)
            try:
                with gzip.GzipFile(fileobj=tracked) as f:
                    while chunk := f.read(CHUNK):
                        yield chunk
            except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
                raise CorruptArchive(
                    f"the gzip stream is truncated or damaged ({exc})",
                    path=str(self.path),
                    hint="download the file again",
                ) from exc


class _TrackingReader:
    """A file wrapper that counts (and hashes) the compressed bytes read."""

    def __init__(self, raw, stream: GzipStream):
        self.raw, self.stream = raw, stream

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.stream.position += len(data)
        if self.stream.digest:
            self.stream.digest.update(data)
        return data

    def __getattr__(self, name):
        return getattr(self.raw, name)


class ZipMemberStream(ByteStream):
    """One member of a zip, inflated as it is read."""

    def __init__(self, path: Path, info: zipfile.ZipInfo, digest: FileDigest | None = None):
        self.path, self.info, self.digest = path, info, digest
        self.name = info.filename
        self.total = info.file_size

    def chunks(self) -> Iterator[bytes]:
        crc, produced = 0, 0
        with open(self.path, "rb") as f:
            if self.digest:
                # The whole archive is hashed, not just this member's bytes.
                self.digest.update(f.read(self._data_offset(f)))
            else:
                f.seek(self._data_offset(f))
            for chunk in self._inflate(f):
                crc = zlib.crc32(chunk, crc)
                produced += len(chunk)
                self.position = produced
                yield chunk
            if self.digest:
                while rest := f.read(CHUNK):
                    self.digest.update(rest)
        if produced != self.info.file_size or crc != self.info.CRC:
            raise CorruptArchive(
                f"member {self.name} gave {produced:,} bytes with CRC {crc:08x}; "
                f"the archive promises {self.info.file_size:,} bytes with CRC {self.info.CRC:08x}",
                path=str(self.path),
                hint="the archive is damaged: download it again",
            )

    def _data_offset(self, f) -> int:
        f.seek(self.info.header_offset)
        header = f.read(LOCAL_HEADER.size)
        if len(header) < LOCAL_HEADER.size or LOCAL_HEADER.unpack(header)[0] != LOCAL_SIGNATURE:
            raise CorruptArchive(
                f"no local header for member {self.name}", path=str(self.path),
                hint="the archive is damaged: download it again",
            )
        name_len, extra_len = LOCAL_HEADER.unpack(header)[-2:]
        offset = self.info.header_offset + LOCAL_HEADER.size + name_len + extra_len
        f.seek(0)
        return offset

    def _inflate(self, f) -> Iterator[bytes]:
        method = self.info.compress_type
        remaining = self.info.compress_size
        if method == zipfile.ZIP_STORED:
            decompress, flush = (lambda b: [b]), (lambda: b"")
        elif method == zipfile.ZIP_DEFLATED:
            z = zlib.decompressobj(-15)
            decompress, flush = (lambda b: _bounded_inflate(z, b)), z.flush
        elif method == 9:  # Deflate64
            z = inflate64.Inflater()
            decompress, flush = (lambda b: _pieces_inflate(z, b)), (lambda: b"")
        else:
            raise UnsupportedSource(
                f"member {self.name} uses zip compression method {method}, which crossings "
                "cannot read", path=str(self.path),
                hint="extract it with 7-Zip and pass the text file",
            )
        # inflate64 keeps a reference to every input it is given, so fresh bytes
        # per call would pile up (the whole compressed file); it is fed from one
        # reused buffer instead. It consumes each input whole (the CRC checked at
        # the end proves the output right).
        buffer = memoryview(bytearray(INFLATE_CHUNK))
        while remaining > 0:
            size = f.readinto(buffer[:min(INFLATE_CHUNK, remaining)])
            raw = buffer[:size] if method == 9 else bytes(buffer[:size])
            if not size:
                raise CorruptArchive(
                    f"member {self.name} ends {remaining:,} bytes early", path=str(self.path),
                    hint="the download was cut short: fetch it again",
                )
            remaining -= size
            if self.digest:
                self.digest.update(raw)
            try:
                for out in decompress(raw):
                    if out:
                        yield out
            except (zlib.error, ValueError, RuntimeError, OSError) as exc:
                raise CorruptArchive(
                    f"member {self.name} cannot be inflated ({exc})", path=str(self.path),
                    hint="the archive is damaged: download it again",
                ) from exc
        tail = flush()
        if tail:
            yield tail


def _bounded_inflate(z, raw) -> Iterator[bytes]:
    """Deflate output of ``raw`` in pieces of at most ``INFLATE_OUTPUT`` bytes."""
    data = raw
    while True:
        out = z.decompress(data, INFLATE_OUTPUT)
        yield out
        data = z.unconsumed_tail
        if not data and len(out) < INFLATE_OUTPUT:
            return


def _pieces_inflate(z, raw) -> Iterator[bytes]:
    """Deflate64 output of ``raw``, fed a small piece at a time to bound each output."""
    for start in range(0, len(raw), DEFLATE64_PIECE):
        yield z.inflate(raw[start:start + DEFLATE64_PIECE])


def open_zip(path: Path) -> zipfile.ZipFile:
    """The zip's central directory, or :class:`CorruptArchive` naming the file."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise CorruptArchive(
            f"not a readable zip archive ({exc}); a truncated download looks like this",
            path=str(path),
            hint="download the file again (crossings fetch resumes a cut download)",
        ) from exc
