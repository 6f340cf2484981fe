"""Zips whose members lie about their size, or tell the truth about a huge one.

``write_zip`` writes members exactly as given (compressed bytes, method,
promised size and CRC-32), so a test can build what no honest zip tool
writes: a ``README.TXT`` promising 9,675 bytes that inflates to 1 GB.
``zeros_deflate`` and ``zeros_deflate64`` give such compressed bytes cheaply.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import inflate64

BLOCK = 16 << 20
_ZEROS = bytes(BLOCK)


@dataclass
class RawMember:
    name: str
    compressed: bytes
    method: int  # zipfile.ZIP_STORED, ZIP_DEFLATED, or 9 (Deflate64)
    size: int  # what the archive promises the member inflates to
    crc: int = 0


def zeros_deflate(size: int) -> bytes:
    """A raw deflate stream of ``size`` zero bytes (a multiple of 16 MB), built from
    one compressed 16 MB block repeated: a full flush makes each block stand alone."""
    assert size % BLOCK == 0
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = z.compress(_ZEROS) + z.flush(zlib.Z_FULL_FLUSH)
    return block * (size // BLOCK) + z.flush()


def zeros_deflate64(size: int) -> bytes:
    """A Deflate64 stream of ``size`` zero bytes (about 10 KB for 256 MB)."""
    assert size % BLOCK == 0
    z = inflate64.Deflater()
    return b"".join(z.deflate(_ZEROS) for _ in range(size // BLOCK)) + z.flush()


def zeros_crc(size: int) -> int:
    crc = 0
    for _ in range(size // BLOCK):
        crc = zlib.crc32(_ZEROS, crc)
    return crc


def deflated(name: str, data: bytes) -> RawMember:
    """An honest deflated member."""
    z = zlib.compressobj(6, zlib.DEFLATED, -15)
    return RawMember(name, z.compress(data) + z.flush(), zipfile.ZIP_DEFLATED, len(data),
                     zlib.crc32(data))


def write_zip(path: Path, members: list[RawMember]) -> Path:
    out, central = bytearray(), bytearray()
    for m in members:
        name, offset = m.name.encode(), len(out)
        version = 21 if m.method == 9 else 20
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, version, 0, m.method, 0, 0x21, m.crc,
                           len(m.compressed), m.size, len(name), 0) + name + m.compressed
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, version, version, 0, m.method,
                               0, 0x21, m.crc, len(m.compressed), m.size, len(name), 0, 0, 0,
                               0, 0, offset) + name
    cd_offset = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                                 len(central), cd_offset, 0)
    Path(path).write_bytes(bytes(out))
    return Path(path)
