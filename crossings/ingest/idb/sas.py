"""Yearly SAS files (``cr08.sas7bdat``) read as the same text the full file holds.

Each chunk of rows read with ``pyreadstat`` is written back as tab-separated
text in the cr96on layout, so SAS rows go through exactly the same checks and
typing as the text file (one code path, one set of rules). Numbers print as
integers where they are whole, dates as ``MM/DD/YYYY``, SAS missing values as
blank. A "line" of a SAS file is its row number plus one (the header is line 1).
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from crossings.archives import ByteStream, ZipMemberStream, open_zip
from crossings.codebook import idb as idb_codes
from crossings.errors import CorruptArchive

CHUNK_ROWS = 50_000
SAS_EPOCH = dt.date(1960, 1, 1)


def sas_columns(path: Path) -> list[str]:
    """Column names of a SAS file (reads the metadata only)."""
    try:
        _, meta = pyreadstat.read_sas7bdat(str(path), metadataonly=True)
    except pyreadstat.ReadstatError as exc:
        raise CorruptArchive(f"not a readable SAS file ({exc})", path=str(path)) from exc
    return list(meta.column_names)


class SasStream(ByteStream):
    """Rows of a SAS file as cr96on text, a header line first."""

    unit = "rows"

    def __init__(self, path: Path, label: str | None = None):
        self.path = path
        self.name = label or path.name
        _, meta = pyreadstat.read_sas7bdat(str(path), metadataonly=True)
        self.total = int(meta.number_rows or 0)

    def chunks(self) -> Iterator[bytes]:
        layout = idb_codes.layout()
        yield ("\t".join(c.name for c in layout) + "\n").encode("latin-1")
        reader = pyreadstat.read_file_in_chunks(
            pyreadstat.read_sas7bdat, str(self.path), chunksize=CHUNK_ROWS,
            disable_datetime_conversion=True)
        try:
            for frame, _meta in reader:
                frame.columns = [c.upper() for c in frame.columns]
                yield frame_to_text(frame, layout)
                self.position += len(frame)
        except pyreadstat.ReadstatError as exc:
            raise CorruptArchive(f"the SAS file cannot be read ({exc})",
                                 path=str(self.path)) from exc


def frame_to_text(frame: pd.DataFrame, layout) -> bytes:
    columns = []
    for col in layout:
        if col.name not in frame.columns:
            columns.append(np.full(len(frame), "", dtype=object))
        elif col.kind == "date":
            columns.append(_dates(frame[col.name]))
        elif col.sas_type == "Num":
            columns.append(_numbers(frame[col.name]))
        else:
            columns.append(frame[col.name].fillna("").astype(str).to_numpy(dtype=object))
    rows = ["\t".join(values) for values in zip(*columns, strict=True)]
    return ("\n".join(rows) + "\n").encode("latin-1", errors="replace") if rows else b""


def _numbers(series: pd.Series) -> np.ndarray:
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    out = np.full(len(values), "", dtype=object)
    finite = np.isfinite(values)
    whole = finite & (values == np.round(values))
    out[whole] = values[whole].astype(np.int64).astype(str)
    frac = finite & ~whole
    out[frac] = [repr(v) for v in values[frac]]
    return out


def _dates(series: pd.Series) -> np.ndarray:
    # With datetime conversion disabled, SAS dates arrive as days since 1960-01-01.
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    out = np.full(len(values), "", dtype=object)
    finite = np.isfinite(values)
    days = (np.datetime64("1960-01-01") + values[finite].astype(np.int64).astype(
        "timedelta64[D]"))
    stamps = pd.to_datetime(days)
    out[finite] = stamps.strftime("%m/%d/%Y").to_numpy(dtype=object)
    return out


class ExtractedSas:
    """A SAS member of a zip, extracted to a temporary file (the one exception
    to streaming: the SAS format needs random access)."""

    def __init__(self, archive: Path, member: str):
        self.archive, self.member = archive, member
        self.dir: str | None = None

    def __enter__(self) -> Path:
        self.dir = tempfile.mkdtemp(prefix="crossings-sas-")
        target = Path(self.dir) / Path(self.member).name
        try:
            with open_zip(self.archive) as archive:
                info = archive.getinfo(self.member)
            with open(target, "wb") as dst:
                for chunk in ZipMemberStream(self.archive, info).chunks():
                    dst.write(chunk)
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise
        return target

    def __exit__(self, *exc) -> None:
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
