"""Loading the code tables shipped as package data."""

from __future__ import annotations

import csv
import hashlib
from functools import cache
from importlib import resources
from pathlib import Path

DATA = resources.files("crossings.codebook") / "data"


def data_path(source: str, name: str) -> Path:
    """Filesystem path of a shipped table (``source`` is ``fjc``, ``lions`` or ``geo``)."""
    return Path(str(DATA / source / name))


@cache
def read_table(source: str, name: str) -> tuple[dict[str, str], ...]:
    """Rows of a shipped CSV as dicts of text (codes keep their leading zeros)."""
    with data_path(source, name).open(newline="", encoding="utf-8") as f:
        return tuple(csv.DictReader(f))


@cache
def table_sha256(source: str, name: str) -> str:
    return hashlib.sha256(data_path(source, name).read_bytes()).hexdigest()


def lookup(source: str, name: str, key: str, value: str) -> dict[str, str]:
    """``{row[key]: row[value]}`` for a shipped table."""
    return {row[key]: row[value] for row in read_table(source, name)}
