"""Finding the court file's inputs: one file, an archive, or a folder.

Forms the FJC publishes: ``cr96on.zip`` / ``cr96on_0.zip`` (one Deflate64
member ``cr96on.txt``), the plain text, the same gzipped, and yearly SAS files
(``cr08.sas7bdat``), alone, zipped, or as a folder. Files are recognised by
their first bytes, not their names. In a folder every file is either used or
listed as skipped with the reason; nothing is ignored silently. A skip reason
never quotes a file's content (a folder may hold anything, the manifest is
shared), and a data file that cannot be read (a truncated yearly SAS file) is
an error unless the caller asks to skip it: a missing year is not a detail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from crossings import archives
from crossings.codebook import idb as idb_codes
from crossings.errors import CorruptArchive, EmptySource, UnknownLayout, UnsupportedSource

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
GZIP_MAGIC = b"\x1f\x8b"
#: The first 32 bytes of every sas7bdat file.
SAS_MAGIC = bytes.fromhex("000000000000000000000000c2ea8160b31411cfbd92080009c7318c18")
YEARLY_NAME = re.compile(r"^cr(\d\d)(_\d+)?\.sas7bdat$", re.IGNORECASE)


@dataclass(frozen=True)
class Input:
    path: Path
    kind: str  # text | gzip | zip | sas | zipped-sas
    member: str | None = None

    @property
    def label(self) -> str:
        return f"{self.path.name}:{self.member}" if self.member else self.path.name

    @property
    def is_yearly(self) -> bool:
        return self.kind in ("sas", "zipped-sas")


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


def sniff(path: Path) -> str:
    """``zip``, ``gzip``, ``sas`` or ``text`` from the file's first bytes."""
    with open(path, "rb") as f:
        head = f.read(32)
    if not head:
        raise EmptySource("the file is empty", path=str(path),
                          hint="download it again; a complete cr96on.txt is about 3.5 GB")
    if head.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        return "zip"
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(SAS_MAGIC[:28]):
        return "sas"
    return "text"


def header_problem(header: list[str], quote: bool = True) -> str | None:
    """Why a header is not the cr96on layout, or None when it is.

    ``quote=False`` leaves out the names that are not the layout's (the file's
    own text) for a reason that is stored."""
    expected = idb_codes.column_names()
    got = [h.strip().upper() for h in header]
    if got == expected:
        return None
    missing = [c for c in expected if c not in got]
    extra = [c for c in got if c not in expected]
    parts = []
    if missing:
        parts.append(f"missing {len(missing)} column(s): {', '.join(missing[:12])}"
                     + (" ..." if len(missing) > 12 else ""))
    if extra:
        names = (": " + ", ".join(extra[:12]) + (" ..." if len(extra) > 12 else "")
                 if quote else "")
        parts.append(f"unexpected {len(extra)} column(s){names}")
    if not parts:
        first = next(i for i, (a, b) in enumerate(zip(got, expected, strict=True)) if a != b)
        parts.append(f"same columns in another order: column {first + 1} is {got[first]}, "
                     f"expected {expected[first]}")
    return f"not the FJC criminal layout ({len(got)} columns; {'; '.join(parts)})"


def check_header(header_line: bytes, where: str) -> None:
    problem = header_problem(header_line.decode("latin-1").split("\t"))
    if problem:
        raise UnknownLayout(problem, path=where,
                            hint="pass the FJC criminal defendants file (cr96on) or its "
                                 "yearly SAS files")


def inputs_of_file(path: Path) -> tuple[list[Input], list[Skipped]]:
    """The inputs in one file, and the members of a zip left out (with why)."""
    kind = sniff(path)
    if kind != "zip":
        return [Input(path, kind)], []
    kind, members, beside = archives.text_or_sas_members(path)
    if kind == "sas":
        return [Input(path, "zipped-sas", m.filename) for m in members], []
    left_out = [Skipped(f"{path.name}:{m.filename}", "a SAS file beside the text file in the "
                        "zip: the text file holds every year") for m in beside]
    return [Input(path, "zip", members[0].filename)], left_out


def discover(path: Path, peek_header, *, skip_unreadable: bool = False
             ) -> tuple[list[Input], list[Skipped]]:
    """The inputs to read at ``path`` and the files (or members) skipped.

    ``peek_header(input, quote) -> str | None`` says why an input is not the
    layout (``quote``: whether the reason may quote the file's header).
    """
    if not path.exists():
        raise UnsupportedSource("no such file or folder", path=str(path))
    if path.is_file():
        found, skipped = inputs_of_file(path)
        for item in found:
            problem = peek_header(item, True)
            if problem:
                raise UnknownLayout(problem, path=item.label,
                                    hint="pass the FJC criminal defendants file (cr96on) or "
                                         "its yearly SAS files")
        return found, skipped
    if not path.is_dir():
        raise UnsupportedSource("not a regular file or a folder (a device, pipe or socket)",
                                path=str(path), hint="pass the downloaded file or its folder")
    found, skipped = [], []
    for child in sorted(path.iterdir()):
        if child.name.startswith("."):
            skipped.append(Skipped(str(child), "hidden file"))
            continue
        if not child.is_file():
            skipped.append(Skipped(str(child), "not a file"))
            continue
        try:
            candidates, left_out = inputs_of_file(child)
        except (UnsupportedSource, EmptySource, CorruptArchive) as exc:
            skipped.append(Skipped(str(child), exc.message))
            continue
        skipped += left_out
        for item in candidates:
            try:
                problem = peek_header(item, False)
            except (UnsupportedSource, EmptySource, CorruptArchive) as exc:
                if item.is_yearly and not skip_unreadable:
                    raise CorruptArchive(
                        f"a yearly SAS file in the folder cannot be read ({exc.message}); "
                        "without it a year would be missing", path=item.label,
                        hint="download it again, or pass --skip-unreadable to load the "
                             "other years (the file is listed as skipped)") from exc
                problem = ("unreadable, skipped (--skip-unreadable): " if item.is_yearly
                           else "") + exc.message
            if problem:
                skipped.append(Skipped(item.label, problem))
            else:
                found.append(item)
    _check_folder(path, found, skipped)
    return found, skipped


def _check_folder(path: Path, found: list[Input], skipped: list[Skipped]) -> None:
    """A folder holds one full file or yearly files, never the same rows twice."""
    if not found:
        detail = "; ".join(f"{Path(s.path).name}: {s.reason}" for s in skipped[:5])
        raise EmptySource(f"no file in the folder is the FJC criminal layout ({detail})",
                          path=str(path))
    full = [i for i in found if not i.is_yearly]
    if full and (len(full) > 1 or len(full) < len(found)):
        names = ", ".join(i.label for i in found)
        raise UnsupportedSource(
            f"the folder holds several copies of the data ({names}); ingesting them together "
            "would count the same defendants twice", path=str(path),
            hint="pass one file, or a folder of yearly SAS files only")
    years: dict[str, str] = {}
    for item in found:
        match = YEARLY_NAME.match(Path(item.member or item.path.name).name)
        if not match:
            continue
        other = years.setdefault(match.group(1), item.label)
        if other != item.label:
            raise UnsupportedSource(
                f"two files for the same year: {other} and {item.label}", path=str(path),
                hint="keep the newer one (a _0 suffix marks a re-upload)")
