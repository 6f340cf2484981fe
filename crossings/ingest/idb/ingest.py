"""Ingest the FJC criminal defendants file into the store.

The pipeline, for each input::

    reader thread:  inflate / read  ->  line-aligned blocks
    2 workers:      parse, validate and type each block (Arrow, numpy)
    this thread:    quarantine, tally, write Parquet by fiscal year

Blocks are handled in order, so the same input always gives the same store.
Every row read is either stored or quarantined; blank lines are counted
apart. The run is recorded in the manifest only when it has finished.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from crossings import archives, settings
from crossings.codebook import idb as idb_codes
from crossings.errors import EmptySource, UnknownLayout
from crossings.ingest import transaction
from crossings.ingest.blocks import BOM, Block, line_blocks, split_header
from crossings.ingest.idb import inputs as idb_inputs
from crossings.ingest.idb.parse import REASONS, BlockResult, parse_block
from crossings.ingest.idb.schema import PARTITION, TABLE, store_schema
from crossings.ingest.partitions import PartitionedWriter, row_bytes, split
from crossings.ingest.pipeline import TimedChunks, jemalloc_pool, positioned, prefetch
from crossings.ingest.quarantine import Quarantined, QuarantineWriter
from crossings.ingest.report import IngestReport
from crossings.progress import ProgressCallback, ProgressUpdate, silent
from crossings.store import Store, now_iso
from crossings.version import __version__

SOURCE = "idb"
#: Text columns whose values rarely repeat (keys, docket numbers): no dictionary.
NEARLY_UNIQUE = ("deflgky", "caslgky", "docket", "magdock", "trandock")
WORKERS = 2
IN_FLIGHT = 4


@dataclass
class Tally:
    """Counts for the manifest, accumulated block by block."""

    read: Counter = field(default_factory=Counter)  # by fiscal year ("unknown" if unreadable)
    stored: Counter = field(default_factory=Counter)
    quarantined: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    missing_flags: Counter = field(default_factory=Counter)
    blank_lines: int = 0
    null_dates: int = 0
    max_loaddate: object = None
    synthetic: bool = False
    seconds: Counter = field(default_factory=Counter)

    def add(self, result: BlockResult) -> None:
        for key, part in result.parts:
            self.stored[str(key)] += part.num_rows
            self.read[str(key)] += part.num_rows
        latest = result.latest_loaddate
        if latest and (self.max_loaddate is None or latest > self.max_loaddate):
            self.max_loaddate = latest
        self.synthetic = self.synthetic or result.synthetic
        for q in result.quarantined:
            key = str(q.fiscal_year) if q.fiscal_year is not None else "unknown"
            self.quarantined[key] += 1
            self.read[key] += 1
            self.reasons[q.reason] += 1
        self.missing_flags.update(result.missing_flags)
        self.blank_lines += result.blank_lines
        self.null_dates += result.null_dates
        self.seconds["parse"] += result.parse_seconds
        self.seconds["validate_and_type"] += result.validate_seconds
        self.seconds["partition"] += result.partition_seconds

    def rows(self) -> dict:
        read, stored, quarantined = (sum(c.values()) for c in (
            self.read, self.stored, self.quarantined))
        return {"read": read, "stored": stored, "quarantined": quarantined,
                "blank_lines": self.blank_lines}

    def by_fiscal_year(self) -> dict:
        years = sorted(self.read, key=lambda k: (k == "unknown", k))
        return {y: {"read": self.read[y], "stored": self.stored[y],
                    "quarantined": self.quarantined[y]} for y in years}


def ingest_idb(path: str | Path, store: Store | str | None = None, *, force: bool = False,
               replace: bool = False, release: str | None = None,
               progress: ProgressCallback | None = None,
               skip_unreadable: bool = False, legacy: bool = False) -> IngestReport:
    """Ingest the court file at ``path`` (file, archive or folder) into ``store``.

    ``force``: ingest again even if the same files are loaded; ``replace``:
    replace a release of the same name loaded from other files. In a folder,
    a data file that cannot be read (a truncated SAS file) is an error unless
    ``skip_unreadable``, which lists it as skipped instead. ``legacy``: the
    pipeline as it was before issue 15, kept until that issue is closed for
    the test that compares the two stores and for bench/ingest.py."""
    path = Path(path)
    store = store if isinstance(store, Store) else Store(store)
    progress = progress or silent
    inputs, skipped = idb_inputs.discover(path, _peek_problem, skip_unreadable=skip_unreadable)
    skipped_dicts = [{"path": s.path, "reason": s.reason} for s in skipped]

    def build(staging: Path) -> tuple[dict, dict]:
        with contextlib.nullcontext() if legacy else jemalloc_pool():
            record, seconds = _build(inputs, staging, progress, not legacy)
        record["release"] = release or record["data_as_of"] or "unknown"
        record["skipped"] = skipped_dicts
        return record, seconds

    done = transaction.load(store, SOURCE, [i.path for i in inputs], build, force=force,
                            replace=replace, release=release)
    return IngestReport(done.status, done.record, skipped_dicts, done.seconds)


def _peek_problem(item: idb_inputs.Input, quote: bool = True) -> str | None:
    # Imported here: reading SAS needs pandas and pyreadstat (half a second of a
    # process's start), which the text file never does.
    from crossings.ingest.idb.sas import ExtractedSas, sas_columns

    if item.kind == "sas":
        return idb_inputs.header_problem(sas_columns(item.path), quote)
    if item.kind == "zipped-sas":
        with ExtractedSas(item.path, item.member) as extracted:
            return idb_inputs.header_problem(sas_columns(extracted), quote)
    for chunk in _stream(item).chunks():
        line = chunk.split(b"\n", 1)[0].rstrip(b"\r").removeprefix(BOM)
        return idb_inputs.header_problem(line.decode("latin-1").split("\t"), quote)
    return "the file is empty"


def _stream(item: idb_inputs.Input, digest: archives.FileDigest | None = None):
    if item.kind == "zip":
        with archives.open_zip(item.path) as archive:
            info = archive.getinfo(item.member)
        return archives.ZipMemberStream(item.path, info, digest)
    if item.kind == "gzip":
        return archives.GzipStream(item.path, digest)
    return archives.PlainStream(item.path, digest)


def _build(inputs: list[idb_inputs.Input], staging: Path, progress, fast: bool = True
           ) -> tuple[dict, dict]:
    started = time.perf_counter()
    tally = Tally()
    writer = PartitionedWriter(staging / TABLE, store_schema(), PARTITION,
                               stats_columns=[PARTITION, "circuit", "district"] if fast else [
                                   "circuit", "district"],
                               unique_columns=NEARLY_UNIQUE, lean=fast)
    work = partial(_work, fast=fast)
    digests: dict[Path, archives.FileDigest] = {}
    try:
        with QuarantineWriter(staging / "quarantine.csv") as quarantine, ThreadPoolExecutor(
                WORKERS) as pool:
            for item in inputs:
                _ingest_input(item, digests, work, pool, writer, quarantine, tally, progress)
            write_started = time.thread_time()
            writer.close()
            tally.seconds["write"] += time.thread_time() - write_started + writer.seconds
            _quarantine_years_after_loads(staging / TABLE, writer, tally, quarantine)
    except BaseException:
        writer.abort()
        raise
    rows = tally.rows()
    if rows["read"] == 0:
        raise EmptySource("no data rows: the source holds a header and nothing else",
                          path=", ".join(i.label for i in inputs))
    seconds = {k: round(v, 3) for k, v in tally.seconds.items()}
    seconds["wall"] = round(time.perf_counter() - started, 3)
    record = {
        "source": SOURCE,
        "files": [{"name": d.path.name, "size": d.size, "sha256": d.sha256,
                   "members": sorted(i.member for i in inputs if i.path == p and i.member)}
                  for p, d in digests.items()],
        "rows": rows,
        "by_fiscal_year": tally.by_fiscal_year(),
        "quarantine": {"file": "quarantine.csv",
                       "reasons": {r: tally.reasons[r] for r in REASONS if tally.reasons[r]}},
        "data_quality": {"missing_count_flags": dict(sorted(tally.missing_flags.items())),
                         "dates_01_01_1900": tally.null_dates},
        "layout_version": idb_codes.layout_version(),
        "data_as_of": tally.max_loaddate.isoformat() if tally.max_loaddate else None,
        "ingested_at": now_iso(),
        "tool_version": __version__,
        "synthetic": tally.synthetic,
        "tables": [TABLE],
    }
    return record, seconds


def _quarantine_years_after_loads(table: Path, writer: PartitionedWriter, tally: Tally,
                                  quarantine: QuarantineWriter) -> None:
    """Rows of a fiscal year after the one following the latest LOADDATE: impossible.

    The bound is known only once every row is read, and such rows are whole
    partitions, so they are moved from the staged table to the quarantine here.
    Their raw lines are no longer at hand: the quarantine gives file and line."""
    if tally.max_loaddate is None:
        return
    last = tally.max_loaddate.year + 1
    for key in [k for k in writer.rows if isinstance(k, int) and k > last]:
        folder = table / writer.folder(key)
        rows = pq.read_table(folder, columns=["source_file", "source_line"]).to_pylist()
        for source, rows_of_file in groupby(rows, key=lambda r: r["source_file"]):
            quarantine.write(source, [Quarantined(
                r["source_line"], "bad_fiscal_year",
                f"FISCALYR {key} is after {last}, the year after the latest LOADDATE "
                f"({tally.max_loaddate.isoformat()})", "", key) for r in rows_of_file])
        shutil.rmtree(folder)
        tally.stored[str(key)] -= len(rows)
        tally.quarantined[str(key)] += len(rows)
        tally.reasons["bad_fiscal_year"] += len(rows)
        if not tally.stored[str(key)]:
            del tally.stored[str(key)]


def _ingest_input(item, digests, work, pool, writer, quarantine, tally, progress) -> None:
    """Stream one input through the workers into the writer."""
    if item.kind in ("sas", "zipped-sas"):
        from crossings.ingest.idb.sas import ExtractedSas, SasStream

        digest = digests.setdefault(item.path, archives.FileDigest(item.path))
        if digest.size == 0:
            _hash_whole(item.path, digest)
        if item.kind == "sas":
            _run(SasStream(item.path), item, work, pool, writer, quarantine, tally, progress)
        else:
            with ExtractedSas(item.path, item.member) as extracted:
                stream = SasStream(extracted, label=item.label)
                _run(stream, item, work, pool, writer, quarantine, tally, progress)
        return
    digest = digests.setdefault(item.path, archives.FileDigest(item.path))
    _run(_stream(item, digest), item, work, pool, writer, quarantine, tally, progress)
    digest.finish()


def _hash_whole(path: Path, digest: archives.FileDigest) -> None:
    with open(path, "rb") as f:
        while chunk := f.read(archives.CHUNK):
            digest.update(chunk)
    digest.finish()


def _run(stream, item, work, pool, writer, quarantine, tally, progress) -> None:
    label = item.label
    timed = TimedChunks(stream)
    # Each block travels with the stream's position when it was cut, so the progress
    # shown is that of the rows written, not of the reading running ahead of them.
    blocks = prefetch(positioned(line_blocks(timed, settings.BLOCK_BYTES, label=label),
                                 stream), depth=IN_FLIGHT)
    try:
        first, first_position = next(blocks)
    except StopIteration:
        raise EmptySource("the file is empty", path=label) from None
    header, first = split_header(first)
    idb_inputs.check_header(header, label) if header else _no_header(label)
    unit = getattr(stream, "unit", "bytes")

    def results():
        pending = []
        for block, position in _chain((first, first_position), blocks):
            pending.append((pool.submit(work, block, label), position))
            if len(pending) >= IN_FLIGHT:
                future, done = pending.pop(0)
                yield future.result(), done
        for future, done in pending:
            yield future.result(), done

    for result, position in results():
        quarantine.write(label, result.quarantined)
        tally.add(result)
        started = time.thread_time()
        writer.write_parts(result.parts, result.bytes_per_row)
        tally.seconds["write"] += time.thread_time() - started
        progress(ProgressUpdate(f"ingest {label}", position, stream.total, unit,
                                tally.rows()["read"]))
    tally.seconds["decompress_and_read"] += timed.seconds


def _work(block: Block, label: str, fast: bool = True) -> BlockResult:
    """In a worker thread: parse, validate and type a block, then split it by year
    and note what the manifest needs, so the writing thread only writes."""
    result = parse_block(block, label, fast)
    started = time.thread_time()
    table = result.table
    result.parts = split(table, PARTITION, runs=fast)
    result.bytes_per_row = row_bytes(table)
    if table.num_rows:
        result.latest_loaddate = pc.max(table["loaddate"]).as_py()
        result.synthetic = bool(pc.any(pc.equal(table["source"], idb_codes.SYNTHETIC_SOURCE)).as_py())
    result.partition_seconds = time.thread_time() - started
    return result


def _no_header(label: str) -> None:
    raise UnknownLayout("the file has no header line", path=label)


def _chain(first: tuple[Block, int], rest):
    if first[0].data:
        yield first
    yield from rest
