"""Disk space for a sample: checked before writing, and a full disk said plainly.

A sample can be as large as the real files (or larger): ``--rows`` is checked
against the free space first, from about ``settings.SAMPLE_BYTES_PER_ROW``
bytes a row, and a disk that fills up anyway (another program wrote to it)
is a :class:`DiskFull` naming the file, never an ``OSError`` traceback. The
half-written file is removed: it is ours, and a half sample is of no use.
"""

from __future__ import annotations

import contextlib
import errno
import shutil
from collections.abc import Iterator
from pathlib import Path

from crossings.errors import DiskFull

#: OSError numbers that mean "no room": a full disk, a full quota.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


def free_bytes(path: Path) -> int:
    """Free bytes on the file system ``path`` (or its nearest existing parent) is on."""
    probe = Path(path).absolute()
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free


def check_room(path: Path, needed: int, what: str) -> None:
    """:class:`DiskFull` before writing when ``needed`` bytes will not fit at ``path``."""
    free = free_bytes(path)
    if needed > free:
        raise DiskFull(f"{what} needs about {needed:,} bytes; {free:,} are free there",
                       path=str(path), hint="free some space, write elsewhere, or ask for "
                                            "fewer rows")


@contextlib.contextmanager
def written(path: Path, *, remove: bool = True) -> Iterator[None]:
    """Turn "no space left" while writing ``path`` into :class:`DiskFull` naming it
    (``remove``: the half-written file ``path`` is deleted)."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in NO_SPACE:
            raise
        removed = ""
        if remove:
            with contextlib.suppress(OSError):
                Path(path).unlink()
                removed = "; the partial file was removed"
        raise DiskFull(f"the disk is full ({exc.strerror}){removed}", path=str(path),
                       hint="free some space or write the sample elsewhere") from None
