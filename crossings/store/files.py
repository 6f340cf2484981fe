"""The store's own small files: written whole or not at all, and checked when read.

Every JSON file of the store (the marker, ``manifest.json`` and its
generations, the staging journal, each release's ``release.json``) is written
to a temporary name beside it, flushed to disk, then renamed over the old one
(:mod:`crossings.atomic`). An ``OSError`` while writing becomes a
:class:`~crossings.errors.StoreWriteFailed` naming the path and saying why.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

from crossings import atomic
from crossings.errors import StoreWriteFailed

#: errno -> what the user is told (the store stays as it was in each case).
_WHY = {
    errno.EROFS: "the store is on a read-only file system",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "no permission to write here",
    errno.EPERM: "no permission to write here",
}
_WHY_TEXT = {"No space left on device": errno.ENOSPC, "Read-only file system": errno.EROFS}


def write_error_number(exc: OSError) -> int | None:
    """The errno of a failed write, also when Arrow only puts it in the message."""
    if exc.errno in _WHY:
        return exc.errno
    text = str(exc)
    return next((number for words, number in _WHY_TEXT.items() if words in text), None)


def write_failed(exc: OSError, path: Path | str) -> StoreWriteFailed:
    """``exc`` (raised while writing ``path``) as one clear line."""
    number = write_error_number(exc)
    why = _WHY.get(number) if number is not None else None
    where = getattr(exc, "filename", None) or str(path)
    if is_temp_of(Path(where).name, Path(path).name):  # name the file, not its temporary
        where = str(path)
    return StoreWriteFailed(
        f"cannot write the store: {why or exc.strerror or exc}", path=str(where),
        hint="nothing in the store was changed; free some space, mount the store read-write, "
             "or pass another --store")


def temp_beside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")


def is_temp_of(name: str, target: str) -> bool:
    """Whether ``name`` is a temporary file of :func:`temp_beside` for ``target``."""
    return name.startswith(f".{target}.") and name.endswith(".tmp")


def write_temp_json(path: Path, data) -> Path:
    """``data`` as JSON in a flushed temporary file beside ``path``; the caller renames it
    (the manifest: its temporary is written before the release moves into place)."""
    tmp = temp_beside(path)
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, ensure_ascii=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise write_failed(exc, path) from exc
    return tmp


def write_json(path: Path, data) -> None:
    """Replace ``path`` with ``data`` as JSON, atomically and durably."""
    try:
        atomic.write_json(path, data, durable=True)
    except OSError as exc:
        raise write_failed(exc, path) from exc


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Vanished(Exception):
    """A release folder was removed between reading the manifest and locking it."""


@contextlib.contextmanager
def shared_hold(folder: Path) -> Iterator[None]:
    """Hold ``folder`` (a release) for reading: an ingest does not remove it meanwhile.

    A shared ``flock`` on the folder itself; an ingest that retires the folder
    takes the exclusive lock without waiting, and leaves the folder for later
    when a reader holds it. Raises :class:`Vanished` if the folder is gone.
    """
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except (FileNotFoundError, NotADirectoryError):
        raise Vanished(str(folder)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        try:
            still = os.stat(folder).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            still = False
        if not still:  # removed while we waited for the lock
            raise Vanished(str(folder))
        yield
    finally:
        os.close(fd)


def remove_unless_held(folder: Path) -> bool:
    """Remove a retired release folder unless a reader holds it; whether it is gone."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        shutil.rmtree(folder, ignore_errors=True)
        return not folder.exists()
    finally:
        os.close(fd)
