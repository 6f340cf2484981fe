"""A LIONS readme or log that inflates past its promised size stops there (reliability case).

A ``README.TXT`` promising 9,675 bytes that inflates to 1 GB used to reach
1.7 GB of memory before the size check; it now stops at the promise with a
clear error naming the member, in bounded memory.
"""

from __future__ import annotations

import tracemalloc
import zipfile

import pytest
from helpers.bombs import RawMember, write_zip, zeros_deflate
from helpers.lions_fixture import write_release

from crossings.errors import CorruptArchive
from crossings.ingest import ingest
from crossings.store import Store

pytestmark = pytest.mark.adversarial


@pytest.mark.parametrize("name", ["README.TXT", "SEPFY2018_README_REPORTS_LOGS.txt"])
def test_a_doc_inflating_to_1_gb_stops_at_its_promise(tmp_path, name):
    root = write_release(tmp_path / "release", {"GS_CASE": [{"DISTRICT": "TXS",
                                                             "ID": "2017R00001"}]})
    bomb = RawMember(name, zeros_deflate(1 << 30), zipfile.ZIP_DEFLATED, 9_675)
    write_zip(root / "DISK09.zip", [bomb])
    tracemalloc.start()
    try:
        with pytest.raises(CorruptArchive) as info:
            ingest(root, Store(tmp_path / "store"), source="lions")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert f"member {name} inflates to more than the 9,675 bytes" in info.value.message
    assert info.value.path.endswith("DISK09.zip")
    assert peak < 64 << 20
    assert not (tmp_path / "store" / "data").exists()
