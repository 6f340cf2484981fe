"""The shared ingest pieces issue 15 made faster: the latin-1 transcode and the
split of a block by partition when its rows come in runs."""

from __future__ import annotations

import pyarrow as pa

from crossings.ingest import partitions
from crossings.ingest.blocks import latin1_to_utf8
from crossings.ingest.partitions import split


def test_latin1_letters_become_their_utf8_bytes():
    assert latin1_to_utf8(b"Pe\xf1a\t7-\n") == b"Pe\xc3\xb1a\t7-\n"
    assert latin1_to_utf8(b"\xe9" + b"a" * 20 + b"\xff") == b"\xc3\xa9" + b"a" * 20 + b"\xc3\xbf"


def test_every_byte_is_transcoded_as_the_codec_does():
    for data in (bytes(range(256)), bytes(range(256)) * 40, b"x" * 13 + b"\x80", b""):
        assert latin1_to_utf8(data) == data.decode("latin-1").encode("utf-8")


def test_ascii_is_handed_back_as_it_is():
    data = b"2015\t05\t41\n" * 100
    assert latin1_to_utf8(data) is data


def _rows(parts) -> dict:
    out: dict = {}
    for key, part in parts:
        out.setdefault(key, []).extend(part["line"].to_pylist())
    return out


def test_a_block_in_runs_is_cut_into_them():
    table = pa.table({"fy": [2015, 2015, 2016, 2015], "line": [1, 2, 3, 4]})
    cut = split(table, "fy", runs=True)
    assert [(key, part["line"].to_pylist()) for key, part in cut] == [
        (2015, [1, 2]), (2016, [3]), (2015, [4])]
    # Per partition, the same rows in the same order as sorting gives.
    assert _rows(cut) == _rows(split(table, "fy")) == {2015: [1, 2, 4], 2016: [3]}


def test_a_block_in_many_runs_is_sorted(monkeypatch):
    monkeypatch.setattr(partitions, "FEW_RUNS", 2)
    table = pa.table({"fy": [2016, 2015, 2016, 2015], "line": [1, 2, 3, 4]})
    # Grouped by key, in the order the keys first appear.
    assert [(key, part["line"].to_pylist()) for key, part in split(table, "fy", runs=True)
            ] == [(2016, [1, 3]), (2015, [2, 4])]
