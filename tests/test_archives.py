"""Zip members inflate with memory bounded, never past the size the archive promises.

A zip bomb is a few KB of compressed bytes that inflate to gigabytes: a
member that promises a small size and inflates to more stops at the promise
with a clear error; one that honestly promises a huge size streams through
in bounded chunks. Memory is measured with ``tracemalloc``, which sees every
bytes object zlib and inflate64 hand back.
"""

from __future__ import annotations

import tracemalloc
import zipfile

import pytest
from helpers.bombs import (
    RawMember,
    deflated,
    write_zip,
    zeros_crc,
    zeros_deflate,
    zeros_deflate64,
)

from crossings.archives import ZipMemberStream, open_zip, text_or_sas_members
from crossings.errors import CorruptArchive, EmptySource, UnsupportedSource

GB = 1 << 30
PROMISED = 9_675  # what a real disk's README.TXT is about
#: Far below what the bombs inflate to; about what one bounded step may hold.
MEMORY_BOUND = 64 << 20

pytestmark = pytest.mark.adversarial


def _read(path, name, sizes: list[int]) -> int:
    """Read member ``name`` of ``path``, noting each chunk's size; the peak memory."""
    with open_zip(path) as archive:
        info = archive.getinfo(name)
    tracemalloc.start()
    try:
        for chunk in ZipMemberStream(path, info).chunks():
            sizes.append(len(chunk))
        return tracemalloc.get_traced_memory()[1]
    finally:
        _read.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


@pytest.mark.parametrize(("method", "size"), [(zipfile.ZIP_DEFLATED, GB), (9, 256 << 20)])
def test_a_readme_inflating_past_its_promise_stops_there(tmp_path, method, size):
    data = zeros_deflate(size) if method == zipfile.ZIP_DEFLATED else zeros_deflate64(size)
    path = write_zip(tmp_path / "DISK01.zip",
                     [RawMember("README.TXT", data, method, PROMISED, crc=0)])
    sizes: list[int] = []
    with pytest.raises(CorruptArchive) as info:
        _read(path, "README.TXT", sizes)
    assert "more than the 9,675 bytes the archive promises" in info.value.message
    assert info.value.path == str(path)
    assert sum(sizes) <= PROMISED  # nothing past the promise was handed on
    assert _read.peak < MEMORY_BOUND


@pytest.mark.parametrize(("method", "size"), [(zipfile.ZIP_DEFLATED, 512 << 20),
                                              (9, 256 << 20)])
def test_an_honest_huge_member_streams_in_bounded_memory(tmp_path, method, size):
    data = zeros_deflate(size) if method == zipfile.ZIP_DEFLATED else zeros_deflate64(size)
    path = write_zip(tmp_path / "big.zip",
                     [RawMember("cr96on.txt", data, method, size, zeros_crc(size))])
    sizes: list[int] = []
    peak = _read(path, "cr96on.txt", sizes)
    assert sum(sizes) == size  # every byte, CRC checked at the end
    assert peak < MEMORY_BOUND <= size // 4


def test_a_member_short_of_its_promise_is_damaged(tmp_path):
    member = deflated("gs_case.txt", b"x" * 1000)
    member.size = 2000
    path = write_zip(tmp_path / "d.zip", [member])
    with pytest.raises(CorruptArchive, match="gave 1,000 bytes .* promises 2,000 bytes"):
        _read(path, "gs_case.txt", [])


def test_what_a_court_file_zip_holds(tmp_path):
    def names(infos):
        return [m.filename for m in infos]

    one = write_zip(tmp_path / "one.zip", [deflated("cr96on.txt", b"a\tb\r\n"),
                                           deflated("cr08.sas7bdat", b"s")])
    kind, members, beside = text_or_sas_members(one)
    assert (kind, names(members), names(beside)) == ("text", ["cr96on.txt"], ["cr08.sas7bdat"])
    sas = write_zip(tmp_path / "sas.zip", [deflated("cr09.sas7bdat", b"s"),
                                           deflated("cr08.sas7bdat", b"s")])
    kind, members, beside = text_or_sas_members(sas)
    assert (kind, names(members), beside) == ("sas", ["cr08.sas7bdat", "cr09.sas7bdat"], [])
    two = write_zip(tmp_path / "two.zip", [deflated("cr96on.txt", b"a"),
                                           deflated("extra.txt", b"b")])
    with pytest.raises(UnsupportedSource, match=r"holds 2 members \(cr96on.txt, extra.txt\)"):
        text_or_sas_members(two)
    with pytest.raises(EmptySource):
        text_or_sas_members(write_zip(tmp_path / "empty.zip", []))
