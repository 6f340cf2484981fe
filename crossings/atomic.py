"""Writing a file so that readers see the old one or the new one, never half of one.

Write beside the target under a unique temporary name, then ``os.replace``
(atomic on POSIX). Two processes writing the same file each use their own
temporary, and the last rename wins whole. On failure the temporary is
removed and the target is left as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, durable: bool = False) -> Iterator[Path]:
    """A temporary path to write; renamed onto ``path`` when the block succeeds.

    ``durable``: fsync the file and its folder, for files whose loss would
    lose data (the store's manifest), not for caches."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        yield tmp
        if durable:
            _fsync(tmp, os.O_RDONLY)
        os.replace(tmp, path)
        if durable:
            _fsync(path.parent, os.O_RDONLY)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_text(path: str | os.PathLike, text: str, *, durable: bool = False) -> None:
    with atomic_path(path, durable=durable) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json(path: str | os.PathLike, doc, *, durable: bool = False) -> None:
    write_text(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n", durable=durable)


def _fsync(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
