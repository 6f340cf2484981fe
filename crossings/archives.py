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

from crossings.errors import CorruptArchive, EmptySource, UnsupportedSource

CHUNK = 4 << 20  # bytes read at a time from a file
#: Compressed bytes read at a time.
INFLATE_CHUNK = 512 << 10
#: Inflated bytes handed on at a time (about what 512 KB of the court file's
#: zip gives at its 14:1 ratio), so a chunk never dwarfs a parse block.
OUTPUT_CHUNK = 8 << 20
#: Compressed bytes given to Deflate64 at a time. One byte of Deflate64 can
#: stand for some 29,000 (a zip bomb's 10 KB inflate to 256 MB) and inflate64
#: takes no output limit, so small inputs are what bound one call's output:
#: at most about 15 MB (built in blocks, so twice that for a moment), whatever
#: the archive. Costs about a tenth more time than 512 KB inputs.
DEFLATE64_SLICE = 512
SAS_SUFFIX = ".sas7bdat"
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
        """The member's bytes, never more than the archive promises (``info.file_size``):
        a member that inflates past it (a zip bomb, or damage) stops there."""
        crc, produced, gathered, size = 0, 0, [], 0
        with open(self.path, "rb") as f:
            if self.digest:
                # The whole archive is hashed, not just this member's bytes.
                self.digest.update(f.read(self._data_offset(f)))
            else:
                f.seek(self._data_offset(f))
            for piece in self._inflate(f):
                produced += len(piece)
                if produced > self.info.file_size:
                    raise self._overflow()
                crc = zlib.crc32(piece, crc)
                self.position = produced
                gathered.append(piece)
                size += len(piece)
                if size >= OUTPUT_CHUNK:
                    yield gathered[0] if len(gathered) == 1 else b"".join(gathered)
                    gathered, size = [], 0
            if gathered:
                yield b"".join(gathered)
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

    def _overflow(self) -> CorruptArchive:
        return CorruptArchive(
            f"member {self.name} inflates to more than the {self.info.file_size:,} bytes the "
            "archive promises; stopped there", path=str(self.path),
            hint="the archive is damaged or built to exhaust memory: do not use it; "
                 "download it again from the publisher")

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
        """Inflated pieces, each of bounded size whatever the compressed bytes say."""
        method = self.info.compress_type
        if method == zipfile.ZIP_STORED:
            yield from (bytes(raw) for raw in self._compressed(f))
        elif method == zipfile.ZIP_DEFLATED:
            z = zlib.decompressobj(-15)
            for raw in self._compressed(f):
                data = bytes(raw)
                while data and not z.eof:
                    # Never more than OUTPUT_CHUNK from one call: the rest of the
                    # input waits in unconsumed_tail.
                    yield self._inflated(z.decompress, data, OUTPUT_CHUNK)
                    data = z.unconsumed_tail
            yield z.flush()
        elif method == 9:  # Deflate64
            # inflate64 keeps a reference to every input it is given, so fresh bytes
            # per call would pile up (the whole compressed file); it is fed slices of
            # one reused buffer instead. It has no output limit, so the slices are
            # small (see DEFLATE64_SLICE). The CRC checked at the end proves the output.
            z = inflate64.Inflater()
            for raw in self._compressed(f):
                for start in range(0, len(raw), DEFLATE64_SLICE):
                    yield self._inflated(z.inflate, raw[start:start + DEFLATE64_SLICE])
        else:
            raise UnsupportedSource(
                f"member {self.name} uses zip compression method {method}, which crossings "
                "cannot read", path=str(self.path),
                hint="extract it with 7-Zip and pass the text file",
            )

    def _inflated(self, decompress, *args) -> bytes:
        try:
            return decompress(*args)
        except (zlib.error, ValueError, RuntimeError, OSError) as exc:
            raise CorruptArchive(
                f"member {self.name} cannot be inflated ({exc})", path=str(self.path),
                hint="the archive is damaged: download it again",
            ) from exc

    def _compressed(self, f) -> Iterator[memoryview]:
        """The member's compressed bytes, read into one reused buffer (and hashed)."""
        remaining = self.info.compress_size
        buffer = memoryview(bytearray(INFLATE_CHUNK))
        while remaining > 0:
            size = f.readinto(buffer[:min(INFLATE_CHUNK, remaining)])
            if not size:
                raise CorruptArchive(
                    f"member {self.name} ends {remaining:,} bytes early", path=str(self.path),
                    hint="the download was cut short: fetch it again",
                )
            remaining -= size
            if self.digest:
                self.digest.update(buffer[:size])
            yield buffer[:size]


def text_or_sas_members(path: Path
                        ) -> tuple[str, list[zipfile.ZipInfo], list[zipfile.ZipInfo]]:
    """What a zip of the court file holds, as both the ingest and the fetch take it.

    ``("text", [member], beside)`` for one text member (``beside``: SAS
    members next to it, not read), ``("sas", members, [])`` for yearly SAS
    files only; any other zip is :class:`UnsupportedSource`
    (:class:`EmptySource` when it holds nothing).
    """
    with open_zip(path) as archive:
        members = [i for i in archive.infolist() if not i.is_dir()]
    text = [m for m in members if not m.filename.lower().endswith(SAS_SUFFIX)]
    sas = sorted((m for m in members if m.filename.lower().endswith(SAS_SUFFIX)),
                 key=lambda m: m.filename)
    if sas and not text:
        return "sas", sas, []
    if len(text) == 1:
        return "text", text, sas
    if not members:
        raise EmptySource("the zip archive has no members", path=str(path))
    raise UnsupportedSource(
        f"the zip holds {len(members)} members ({', '.join(m.filename for m in members[:5])}); "
        "expected one text member (cr96on.txt) or yearly SAS files", path=str(path))


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
