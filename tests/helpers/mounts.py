"""Small and read-only file systems for tests of a full disk or a read-only
store (root can mount here; chmod does not stop root, a full tmpfs or a
read-only bind mount does). Every mount is undone when the test ends."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from pathlib import Path


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


def _unmount(path: Path) -> None:
    done = subprocess.run(["umount", str(path)], capture_output=True)
    if done.returncode != 0:  # still busy: detach it now, it goes when released
        subprocess.run(["umount", "-l", str(path)], check=True, capture_output=True)


@contextlib.contextmanager
def small_tmpfs(path: Path, size: str = "2m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``path`` for the ``with`` block."""
    path.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    try:
        yield path
    finally:
        _unmount(path)


@contextlib.contextmanager
def read_only_view(folder: Path, path: Path) -> Iterator[Path]:
    """``folder`` seen read-only at ``path`` (a read-only bind mount)."""
    path.mkdir(parents=True, exist_ok=True)
    _mount("--bind", str(folder), str(path))
    try:
        _mount("-o", "remount,ro,bind", str(path))
        yield path
    finally:
        _unmount(path)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` to the last byte; returns the filler file."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as f, contextlib.suppress(OSError):
        while True:
            f.write(b"\0" * 4096)
    return filler
