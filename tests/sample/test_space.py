"""``crossings sample`` never fills a disk blindly, and a bad name never writes elsewhere.

The reliability cases: ``--rows 1e20`` wrote 2.1 GB in 60 s before anyone
stopped it; a full disk was an ``OSError`` traceback; ``--release ../../evil``
a ``ValueError``. Full disks are small tmpfs mounts, unmounted after.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers.mounts import small_tmpfs
from helpers.tools import run_cli

from crossings import settings
from crossings.errors import DiskFull, InvalidRequest
from crossings.sample.idb.generator import write_idb_sample

pytestmark = pytest.mark.adversarial


@pytest.mark.parametrize("rows", ["1e20", "100000000000000000000", "20000001"])
def test_rows_beyond_the_bound_fail_at_once(tmp_path, rows):
    started = time.monotonic()
    result = run_cli("sample", str(tmp_path / "t.txt"), "--rows", rows, "-q", timeout=60)
    assert result.returncode == 2
    assert "--rows" in result.stderr and "Traceback" not in result.stderr
    assert time.monotonic() - started < 20  # the CLI's start-up, not a write
    assert not any(tmp_path.iterdir())


def test_the_library_keeps_the_bound_too(tmp_path):
    with pytest.raises(InvalidRequest, match="0 to 20,000,000 rows"):
        write_idb_sample(tmp_path, rows=settings.SAMPLE_MAX_ROWS + 1)
    assert not any(tmp_path.iterdir())


def test_free_space_is_checked_first(tmp_path):
    with small_tmpfs(tmp_path / "small") as small:
        result = run_cli("sample", str(small / "t.txt"), "--rows", "10000", "-q", timeout=60)
        assert result.returncode == 1
        assert "needs about 5,640,000 bytes" in result.stderr
        assert str(small / "t.txt") in result.stderr
        assert "Traceback" not in result.stderr and not any(small.iterdir())


def test_a_disk_that_fills_up_while_writing_is_named(tmp_path, monkeypatch):
    # The estimate says it fits (as when another program fills the disk meanwhile).
    monkeypatch.setattr(settings, "SAMPLE_BYTES_PER_ROW", 1)
    with small_tmpfs(tmp_path / "small") as small:
        with pytest.raises(DiskFull) as info:
            write_idb_sample(small / "t.txt", rows=10_000)
        assert info.value.path == str(small / "t.txt")
        assert "the disk is full" in info.value.message
        assert not any(small.iterdir())  # the half sample is gone, the space free again


def test_cli_a_full_disk_is_one_clear_line(tmp_path):
    with small_tmpfs(tmp_path / "small") as small:
        out = small / "L"
        result = run_cli("sample", str(out), "--source", "lions", "--defendants", "20000",
                         "-q", timeout=120)
        assert result.returncode == 1
        first = result.stderr.splitlines()[0]
        assert first.startswith(f"error: {out}: the disk is full"), result.stderr
        assert "Traceback" not in result.stderr


def test_a_release_name_that_is_a_path_is_a_usage_error(tmp_path):
    out = tmp_path / "a" / "b" / "L"
    result = run_cli("sample", str(out), "--source", "lions", "--release", "../../evil", "-q",
                     timeout=60)
    assert result.returncode == 2
    assert "'../../evil' is not a release name" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(Path(tmp_path).rglob("*")) == []  # nothing written, anywhere
