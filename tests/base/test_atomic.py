"""Atomic writes: the old file or the new one, never half of one; no temporary left."""

from __future__ import annotations

import json

import pytest

from crossings import atomic


def test_a_write_replaces_the_file_whole(tmp_path):
    target = tmp_path / "doc.json"
    target.write_text("old")
    atomic.write_json(target, {"a": 1}, durable=True)
    assert json.loads(target.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["doc.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "doc.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic.atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk gone")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.txt"]
