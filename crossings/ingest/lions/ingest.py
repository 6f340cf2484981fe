"""Ingest a LIONS release (the prosecutors' national caseload extract) into the store.

A release is a set of ``DISKnn.zip`` archives (or their extracted contents)
holding fixed-width ``gs_*.txt`` tables, a ``README.TXT`` per disk with the
tables' layouts, and a detailed log with the records written per table. The
pipeline, for each kept table and each of its files::

    reader thread:  inflate the zip member (never extracted) -> line-aligned blocks
    2 workers:      decode the kept columns of each block (numpy over the bytes)
    this thread:    quarantine, tally, write Parquet by district

Before any table is read, every readme is parsed (layouts change between
releases) and merged, and the log is found. After, each table's records read
are checked against the log (per district file for split tables): a
mismatch is a warning in the report and the manifest, never silent and never
fatal. Tables the measures do not need are not read; they are listed in the
manifest as ``not_loaded`` with their sizes.

The sample releases crossings builds, and the fixtures in its tests, are
shaped by us from DOJ's documentation (the FY2018 readme and log), not copied
from a real release: the parsers are written to tolerate what a real release
may do differently (spelling of the readme, whitespace, CRLF, where the log
sits) and report, rather than guess, what they cannot read.
"""

from __future__ import annotations

import re
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from crossings import archives, settings
from crossings.codebook import lions as codebook
from crossings.codebook.lions import KEPT, PARTITION
from crossings.errors import EmptySource, UnknownLayout, UnsupportedSource
from crossings.ingest import transaction
from crossings.ingest.lions.checks import check_not_all_failed, check_not_loaded
from crossings.ingest.lions.log import LogCount, parse_log
from crossings.ingest.lions.readme import (
    TableLayout,
    is_readme_name,
    merge_layout,
    parse_listing,
    parse_readme,
)
from crossings.ingest.lions.records import (
    REASONS,
    Decoder,
    RecordsResult,
    decode_block,
    make_decoder,
    record_blocks,
    store_schema,
)
from crossings.ingest.partitions import PartitionedWriter
from crossings.ingest.pipeline import TimedChunks, positioned, prefetch
from crossings.ingest.quarantine import QuarantineWriter
from crossings.ingest.report import IngestReport
from crossings.progress import ProgressCallback, ProgressUpdate, silent
from crossings.store import Store, now_iso
from crossings.version import __version__

SOURCE = "lions"
WORKERS = 2
IN_FLIGHT = 4
TABLE_FILE = re.compile(r"(?i)^gs_[a-z0-9_]+\.txt$")
DOC_SUFFIXES = (".txt", ".log")
#: Readmes and logs are small; anything larger (the redaction logs of a
#: release run to hundreds of MB) is not read as one.
DOC_LIMIT = 16 << 20
#: Folder of the empty file written for a kept table the release has no records of.
EMPTY_PARTITION = "_empty"
_SUFFIX = re.compile(r"^[A-Z]{2,3}$")  # a district suffix of a split table: _AK, _TXS


# --- the release's files ------------------------------------------------------------
@dataclass
class Member:
    """One file of the release: a member of a zip, or a loose file."""

    name: str  # base name: "gs_case.txt"
    size: int
    path: Path  # the zip, or the loose file
    info: object = None  # zipfile.ZipInfo for a zip member
    label: str = ""  # for messages: "DISK01.zip:gs_case.txt", "DISK01/README.TXT"

    def stream(self, digest: archives.FileDigest | None = None) -> archives.ByteStream:
        if self.info is not None:
            return archives.ZipMemberStream(self.path, self.info)
        return archives.PlainStream(self.path, digest)

    def text(self) -> str:
        return b"".join(self.stream().chunks()).decode("latin-1")


@dataclass
class TableFile:
    member: Member
    table: str  # "GS_PARTICIPANT"
    log_name: str  # the log's name for the file: "GS_PARTICIPANT_AK" (or "GS_CASE")


@dataclass
class Release:
    """What discovery found: layouts, log, name, and the files of each table."""

    root: Path
    zips: list[Path] = field(default_factory=list)
    loose_docs: list[Path] = field(default_factory=list)
    layouts: dict[str, TableLayout] = field(default_factory=dict)
    listing: dict[str, int] = field(default_factory=dict)
    log: dict[str, LogCount] = field(default_factory=dict)
    log_files: list[str] = field(default_factory=list)
    readme_files: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # release names found, log's first
    synthetic: bool = False
    tables: dict[str, list[TableFile]] = field(default_factory=dict)  # kept tables only
    not_loaded: dict[str, list[Member]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)

    def identity_files(self) -> list[Path]:
        """The files whose SHA-256 identify the release: zips, loose docs, loose tables."""
        loose = [f.member.path for files in self.tables.values() for f in files
                 if f.member.info is None]
        return sorted({*self.zips, *self.loose_docs, *loose})


def discover(path: Path) -> Release:
    """Find the release's zips or files, parse its readmes and log, sort its tables."""
    if not path.exists():
        raise UnsupportedSource("no such file or folder", path=str(path))
    release = Release(path)
    members = _members(path, release)
    tables, docs = [], []
    for m in members:
        if TABLE_FILE.match(m.name):
            tables.append(m)
        elif m.name.lower().endswith(DOC_SUFFIXES) and m.size <= DOC_LIMIT:
            docs.append(m)
        else:
            release.skipped.append({"path": m.label, "reason": "not a table, readme or log"})
    for m in docs:
        _read_doc(release, m)
    if not tables:
        raise EmptySource("no LIONS table files (gs_*.txt) in the release", path=str(path),
                          hint="pass the folder of DISKnn.zip files, or of their contents")
    if not release.layouts:
        raise UnknownLayout("no readme with table layouts (README.TXT) in the release",
                            path=str(path), hint="each DISK zip carries a README.TXT: keep it")
    _sort_tables(release, tables)
    _check_listing(release, tables)
    return release


def _members(path: Path, release: Release) -> list[Member]:
    root = path if path.is_dir() else path.parent
    files = [path] if path.is_file() else sorted(
        (p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")),
        key=_natural)
    members = []
    for f in files:
        where = f.relative_to(root).as_posix()
        if f.suffix.lower() == ".zip":
            release.zips.append(f)
            with archives.open_zip(f) as archive:
                infos = [i for i in archive.infolist() if not i.is_dir()]
            members += [Member(Path(i.filename).name, i.file_size, f, i,
                               f"{where}:{i.filename}") for i in infos]
        else:
            members.append(Member(f.name, f.stat().st_size, f, None, where))
    seen: dict[str, Member] = {}
    for m in members:
        if TABLE_FILE.match(m.name):
            twin = seen.setdefault(m.name.lower(), m)
            if twin is not m:
                raise UnsupportedSource(
                    f"{m.name} is in the release twice ({twin.label} and {m.label})",
                    path=str(path), hint="pass either the zips or their extracted files, once")
    return members


def _natural(p: Path):
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", str(p))]


def _read_doc(release: Release, m: Member) -> None:
    text = m.text()
    layouts = parse_readme(text, m.label)
    log = parse_log(text)
    counted = {t: c for t, c in log.items() if c.total is not None}
    is_readme = bool(layouts) or is_readme_name(m.name)
    if not is_readme and not counted:
        release.skipped.append({"path": m.label, "reason": "not a table, readme or log"})
        return
    if m.info is None:
        release.loose_docs.append(m.path)
    release.synthetic |= codebook.SYNTHETIC_MARKER in text
    name = codebook.normalise_release(m.name)
    if is_readme:
        release.readme_files.append(m.label)
        for layout in layouts.values():
            merge_layout(release.layouts, layout, m.label)
        release.listing.update(parse_listing(text))
    if counted:
        release.log_files.append(m.label)
        _merge_log(release, counted, m.label)
    if name and counted:  # a log's name comes before a readme's
        release.names.insert(0, name)
    elif name:
        release.names.append(name)


def _merge_log(release: Release, counts: dict[str, LogCount], label: str) -> None:
    for table, count in counts.items():
        seen = release.log.setdefault(table, count)
        if seen is not count and (seen.total, seen.files) != (count.total, count.files):
            release.warnings.append(
                f"{label} counts {table} differently from {release.log_files[0]}; "
                f"the first log's counts are used")


def _table_of(stem: str, layouts: dict[str, TableLayout]) -> tuple[str, str | None]:
    """``GS_PARTICIPANT_AK`` -> (``GS_PARTICIPANT``, ``AK``); ``GS_CASE`` -> (``GS_CASE``, None)."""
    if stem in layouts or stem in KEPT:
        return stem, None
    prefix, _, suffix = stem.rpartition("_")
    known = prefix in layouts or prefix in KEPT
    if known and (suffix in codebook.districts() or _SUFFIX.match(suffix)):
        return prefix, suffix
    return stem, None


def _sort_tables(release: Release, tables: list[Member]) -> None:
    for m in tables:
        stem = m.name[:-4].upper()
        table, _ = _table_of(stem, release.layouts)
        if table in KEPT:
            if table not in release.layouts:
                raise UnknownLayout(f"no readme in the release gives the layout of {table}",
                                    path=m.label, hint="each DISK zip carries a README.TXT: "
                                    "pass the whole release")
            release.tables.setdefault(table, []).append(TableFile(m, table, stem))
        else:
            release.not_loaded.setdefault(table, []).append(m)
    for table in KEPT:
        if table not in release.tables:
            release.warnings.append(f"{table} is not in the release: "
                                    f"{KEPT[table].store_name} is not stored")
    for files in release.tables.values():
        files.sort(key=lambda f: f.member.name.lower())


def _check_listing(release: Release, tables: list[Member]) -> None:
    present = {m.name.lower(): m for m in tables}
    for name, size in sorted(release.listing.items()):
        m = present.get(name.lower())
        if m is None and TABLE_FILE.match(name):
            release.warnings.append(f"{name} is listed in a readme but is not in the release")
        elif m is not None and m.size != size:
            release.warnings.append(f"{m.label} has {m.size:,} bytes; the readme lists "
                                    f"{size:,}")


# --- naming the release -------------------------------------------------------------------
def release_name(release: Release, given: str | None) -> str:
    """``--release`` if given, else the prefix of the log's (or a readme's) file name."""
    found = list(dict.fromkeys(release.names))
    if given:
        name = codebook.normalise_release(given) or given.strip()
        if found and found[0] != name:
            release.warnings.append(f"--release {name} given; the files say {found[0]}")
        return name
    if not found:
        raise UnsupportedSource(
            "cannot tell the release's name: no log or readme file named like "
            "JUNFY2025_README_REPORTS_LOGS.txt", path=str(release.root),
            hint="pass --release NAME, e.g. --release JUNFY2025")
    if len(found) > 1:
        release.warnings.append(f"the files name several releases ({', '.join(found)}); "
                                f"{found[0]} is used")
    return found[0]


# --- ingest --------------------------------------------------------------------------------
def ingest_lions(path: str | Path, store: Store | str | None = None, *, force: bool = False,
                 replace: bool = False, release: str | None = None,
                 progress: ProgressCallback | None = None) -> IngestReport:
    """Ingest the LIONS release at ``path`` (folder of DISK zips, or their contents).

    ``force``: ingest again even if the same files are loaded; ``replace``:
    replace a release of the same name loaded from other files."""
    path = Path(path)
    store = store if isinstance(store, Store) else Store(store)
    found = discover(path)
    name = release_name(found, release)
    if not found.log:
        found.warnings.append("the release has no detailed log: row counts cannot be checked")
    hint = None if release else (f"the name {name} was read from the release's log or "
                                 "readme; if it is wrong, pass --release NAME")
    done = transaction.load(
        store, SOURCE, found.identity_files(),
        lambda staging: _build(found, name, staging, progress or silent),
        force=force, replace=replace, release=name, name_hint=hint)
    return IngestReport(done.status, done.record, found.skipped, done.seconds)


@dataclass
class TableTally:
    """Counts of one table, accumulated block by block."""

    read: Counter = field(default_factory=Counter)  # log name of the file -> records read
    stored: int = 0
    quarantined: int = 0
    blank_lines: int = 0
    stray_crs: int = 0
    control_characters: int = 0
    bytes: int = 0
    reasons: Counter = field(default_factory=Counter)
    impossible_dates: Counter = field(default_factory=Counter)
    redactions: Counter = field(default_factory=Counter)
    latest: object = None
    files: list = field(default_factory=list)
    partitions: int = 0

    def add(self, result: RecordsResult, log_name: str) -> None:
        self.read[log_name] += result.rows_read
        self.stored += result.table.num_rows
        self.quarantined += len(result.quarantined)
        self.blank_lines += result.blank_lines
        self.stray_crs += result.stray_crs
        self.control_characters += result.control_characters
        self.reasons.update(q.reason for q in result.quarantined)
        self.impossible_dates.update(result.impossible_dates)
        self.redactions.update(result.redactions)
        if result.latest_date is not None and (self.latest is None
                                               or result.latest_date > self.latest):
            self.latest = result.latest_date

    def rows(self) -> dict:
        return {"read": sum(self.read.values()), "stored": self.stored,
                "quarantined": self.quarantined, "blank_lines": self.blank_lines}


class _Run:
    """One ingest: the worker pool, the quarantine file, timings."""

    def __init__(self, release: Release, name: str, staging: Path, progress):
        self.release, self.name, self.staging, self.progress = release, name, staging, progress
        self.seconds: Counter = Counter()
        self.digests: dict[Path, archives.FileDigest] = {}
        self.rows_done = 0

    def table(self, lions_name: str, files: list[TableFile], pool, quarantine) -> TableTally:
        kept = KEPT[lions_name]
        decoder, warnings = make_decoder(kept, self.release.layouts[lions_name],
                                         files[0].member.label)
        self.release.warnings.extend(warnings)
        tally = TableTally()
        writer = PartitionedWriter(self.staging / kept.store_name, store_schema(lions_name),
                                   PARTITION, prefix="", stats_columns=[PARTITION, "caseid"])
        try:
            for f in files:
                self.file(f, decoder, pool, quarantine, writer, tally)
            started = time.perf_counter()
            tally.partitions = len(writer.close())
            if not tally.partitions:
                write_empty(self.staging, lions_name)
            self.seconds["write"] += time.perf_counter() - started
        except BaseException:
            writer.abort()
            raise
        return tally

    def file(self, f: TableFile, decoder: Decoder, pool, quarantine, writer, tally) -> None:
        m = f.member
        digest = None
        if m.info is None:
            digest = self.digests.setdefault(m.path, archives.FileDigest(m.path))
        stream = m.stream(digest)
        timed = TimedChunks(stream)
        blocks = prefetch(positioned(record_blocks(timed, decoder.record_length,
                                                   settings.BLOCK_BYTES, label=m.label),
                                     stream), depth=IN_FLIGHT)
        pending: deque = deque()
        tally.files.append(m.label)
        tally.bytes += m.size

        def take(result: RecordsResult, position: int) -> None:
            quarantine.write(m.name, result.quarantined)
            tally.add(result, f.log_name)
            self.seconds["decode"] += result.seconds
            started = time.perf_counter()
            writer.write(result.table)
            self.seconds["write"] += time.perf_counter() - started
            self.rows_done += result.rows_read
            self.progress(ProgressUpdate(f"ingest {m.label}", position, stream.total,
                                         "bytes", self.rows_done))

        tally.read[f.log_name] += 0  # a file with no records still shows in the check
        try:
            for block, position in blocks:
                pending.append((pool.submit(decode_block, block, decoder, m.name, self.name),
                                position))
                if len(pending) >= IN_FLIGHT:
                    future, done = pending.popleft()
                    take(future.result(), done)
            while pending:
                future, done = pending.popleft()
                take(future.result(), done)
        finally:
            blocks.close()  # stops the reader thread at once if anything failed
        if digest is not None:
            digest.finish()
        self.seconds["decompress_and_read"] += timed.seconds


def write_empty(staging: Path, lions_name: str) -> None:
    """An empty file for a kept table without records, so every table can be queried."""
    path = staging / KEPT[lions_name].store_name / EMPTY_PARTITION / "part-0.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(store_schema(lions_name).empty_table(), path)


def _build(release: Release, name: str, staging: Path, progress) -> tuple[dict, dict]:
    started = time.perf_counter()
    run = _Run(release, name, staging, progress)
    tallies: dict[str, TableTally] = {}
    with QuarantineWriter(staging / "quarantine.csv") as quarantine, ThreadPoolExecutor(
            WORKERS) as pool, ThreadPoolExecutor(1) as hasher:
        # The zips are hashed beside the ingest (hashlib lets go of the GIL): only
        # the kept tables' members are inflated, so the hash cannot ride on them.
        hashed = {p: hasher.submit(archives.sha256_file, p)
                  for p in [*release.zips, *release.loose_docs]}
        checked = hasher.submit(check_not_loaded, release)
        for lions_name in KEPT:
            files = release.tables.get(lions_name)
            if files:
                tallies[lions_name] = run.table(lions_name, files, pool, quarantine)
            else:
                write_empty(staging, lions_name)
        digests = {p: h.result() for p, h in hashed.items()}
        checked.result()
    digests.update({p: d.sha256 for p, d in run.digests.items()})
    total = sum(t.rows()["read"] for t in tallies.values())
    if total == 0:
        raise EmptySource("the release's tables hold no records", path=str(release.root))
    for lions_name, tally in tallies.items():
        check_not_all_failed(lions_name, tally, release)
    record = _record(release, name, tallies, digests)
    seconds = {k: round(v, 3) for k, v in run.seconds.items()}
    seconds["wall"] = round(time.perf_counter() - started, 3)
    return record, seconds


# --- the manifest record ---------------------------------------------------------------
def _record(release: Release, name: str, tallies: dict[str, TableTally],
            digests: dict[Path, str]) -> dict:
    check = row_count_check(release, tallies)
    month = _month(name)
    latest = max((t.latest for t in tallies.values() if t.latest is not None), default=None)
    rows, reasons = Counter(), Counter()
    for t in tallies.values():
        rows.update(t.rows())
        reasons.update(t.reasons)
    return {
        "source": SOURCE,
        "release": name,
        "release_month": f"{month[0]:04d}-{month[1]:02d}" if month else None,
        "release_order": f"{month[0]:04d}-{month[1]:02d}" if month else name,
        "files": _files(release, digests),
        "rows": {k: rows[k] for k in ("read", "stored", "quarantined", "blank_lines")},
        "tables": {KEPT[t].store_name: _table_record(t, tally, release)
                   for t, tally in tallies.items()},
        "row_count_check": check,
        "quarantine": {"file": "quarantine.csv",
                       "reasons": {r: reasons[r] for r in REASONS if reasons[r]}},
        "data_quality": _quality(tallies),
        "layout": {t: release.layouts[t].record_length for t in sorted(release.layouts)},
        "readmes": release.readme_files,
        "not_loaded": [{"table": t, "files": [{"name": m.name, "size": m.size} for m in ms],
                        "bytes": sum(m.size for m in ms)}
                       for t, ms in sorted(release.not_loaded.items())],
        "warnings": release.warnings,
        **_as_of(name, month, latest),
        "synthetic": release.synthetic,
        "ingested_at": now_iso(),
        "tool_version": __version__,
        "skipped": release.skipped,
    }


def _month(name: str) -> tuple[int, int] | None:
    return codebook.release_month(name) if codebook.normalise_release(name) else None


def _as_of(name: str, month, latest) -> dict:
    """The snapshot's date: the release month's last day, else the latest date seen."""
    seen = str(latest) if latest is not None else None
    if month:
        return {"data_as_of": codebook.release_month_end(name).isoformat(),
                "data_as_of_basis": "last day of the release month",
                "latest_date_seen": seen}
    return {"data_as_of": seen, "data_as_of_basis": "latest date in the kept tables",
            "latest_date_seen": seen}


def _files(release: Release, digests: dict[Path, str]) -> list[dict]:
    read = {(f.member.path, f.member.info.filename) for files in release.tables.values()
            for f in files if f.member.info is not None}
    root = release.root if release.root.is_dir() else release.root.parent
    out = []
    for p in release.identity_files():
        entry = {"name": p.relative_to(root).as_posix(), "size": p.stat().st_size,
                 "sha256": digests.get(p)}
        if p in release.zips:
            entry["members_read"] = sorted(name for path, name in read if path == p)
        out.append(entry)
    return out


def _table_record(lions_name: str, tally: TableTally, release: Release) -> dict:
    return {"lions_table": lions_name,
            "record_length": release.layouts[lions_name].record_length,
            "rows": tally.rows(), "bytes": tally.bytes, "districts": tally.partitions,
            "source_files": tally.files,
            "quarantine_reasons": dict(sorted(tally.reasons.items()))}


def _quality(tallies: dict[str, TableTally]) -> dict:
    def per_column(attr: str) -> dict:
        return {f"{KEPT[t].store_name}.{col}": n for t, tally in tallies.items()
                for col, n in sorted(getattr(tally, attr).items()) if n}

    return {"impossible_dates": per_column("impossible_dates"),
            "redactions": per_column("redactions"),
            "stray_carriage_returns": sum(t.stray_crs for t in tallies.values()),
            "control_characters": sum(t.control_characters for t in tallies.values())}


def row_count_check(release: Release, tallies: dict[str, TableTally]) -> dict:
    """Records read per table (and per district file) against the release's log."""
    if not release.log:
        return {"log": None, "ok": None, "tables": {}}
    tables, ok = {}, True
    for lions_name in KEPT:
        tally = tallies.get(lions_name, TableTally())
        logged = release.log.get(lions_name)
        read = sum(tally.read.values())
        if logged is None or logged.total is None:
            if lions_name in release.tables:
                release.warnings.append(f"the log has no count for {lions_name}")
            continue
        entry = {"expected": logged.total, "read": read, "ok": logged.total == read}
        if logged.files:
            entry["files"] = _file_checks(logged, tally, release)
            entry["ok"] &= all(f["ok"] for f in entry["files"].values())
        if not entry["ok"]:
            ok = False
            release.warnings.append(f"{lions_name}: the log says {logged.total:,} records, "
                                    f"{read:,} were read")
        tables[lions_name] = entry
    return {"log": release.log_files, "ok": ok, "tables": tables}


def _file_checks(logged: LogCount, tally: TableTally, release: Release) -> dict:
    files = {}
    for log_name in sorted({*logged.files, *tally.read}):
        expected, read = logged.files.get(log_name), tally.read.get(log_name, 0)
        files[log_name] = {"expected": expected, "read": read, "ok": expected == read}
        if expected != read:
            said = f"{expected:,} records" if expected is not None else "nothing"
            release.warnings.append(f"{log_name}: the log says {said}, {read:,} were read")
    return files
