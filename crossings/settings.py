"""Settings and defaults, defined once.

Everything a user can override (store location, URLs) is read here and
nowhere else; the CLI's options default to these values.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: Environment variable that overrides the store location.
HOME_ENV = "CROSSINGS_HOME"

#: Environment variable that overrides where derived tables are cached (outside
#: the store: queries never write to the store).
CACHE_ENV = "CROSSINGS_CACHE"

#: Releases whose derived tables a process keeps in memory at once (least
#: recently used dropped first); ``$CROSSINGS_MEMORY_RELEASES`` overrides it.
MEMORY_RELEASES_ENV = "CROSSINGS_MEMORY_RELEASES"
MEMORY_RELEASES = 4

#: The FJC's dataset page and the known names of its zip (newest first).
FJC_PAGE_URL = (
    "https://www.fjc.gov/research/idb/"
    "criminal-defendants-filed-terminated-and-pending-fy-1996-present"
)
FJC_ZIP_URLS = (
    "https://www.fjc.gov/sites/default/files/idb/textfiles/cr96on_0.zip",
    "https://www.fjc.gov/sites/default/files/idb/textfiles/cr96on.zip",
)

#: DOJ's national caseload data page (LIONS releases).
LIONS_INDEX_URL = (
    "https://www.justice.gov/usao/resources/foia-library/national-caseload-data"
)

#: Downloads (``crossings fetch``; the CLI's --retries, --stall-timeout and --deadline).
#: Attempts in a row that bring no byte beyond what an earlier attempt had
#: already fetched, before a download gives up (its part file is kept).
FETCH_RETRIES = 3
#: Seconds in which a download must bring at least ``FETCH_STALL_BYTES``; less
#: is a stall, and the attempt is retried (a trickling server never hangs a fetch).
FETCH_STALL_SECONDS = 60.0
FETCH_STALL_BYTES = 16 << 10
#: Seconds a whole fetch (pages and every file) may take before it stops,
#: keeping its part files for the next run to resume.
FETCH_DEADLINE_SECONDS = 6 * 3600.0

#: ``crossings sample --rows``: at most this many rows (about 11 GB of text,
#: three times the real court file), and roughly this many bytes per row when
#: checking the free space before writing.
SAMPLE_MAX_ROWS = 20_000_000
SAMPLE_BYTES_PER_ROW = 564

#: Bytes of decompressed text handed to the parser at a time. Large enough that
#: per-block overhead vanishes, small enough that two blocks in flight per core
#: stay far below the memory target.
BLOCK_BYTES = 16 << 20

#: Rows buffered per fiscal-year partition before a Parquet row group is written.
ROW_GROUP_ROWS = 128_000

#: Bytes of typed rows buffered across all partitions before the largest is written
#: early: what bounds memory when the file is not sorted by year.
BUFFER_BYTES = 128 << 20

#: Parquet compression for the store.
PARQUET_COMPRESSION = "zstd"
PARQUET_COMPRESSION_LEVEL = 1


def default_store_dir() -> Path:
    """Where the store lives: ``$CROSSINGS_HOME`` or the platform's data dir."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("crossings", appauthor=False))


def demo_store_dir() -> Path:
    """The demo's own store, beside the default one, so synthetic rows never sit
    beside real ones."""
    return default_store_dir() / "demo"


def default_cache_dir() -> Path:
    """Where derived tables are cached: ``$CROSSINGS_CACHE`` or the platform's cache dir."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_cache_dir("crossings", appauthor=False))


def memory_releases() -> int:
    """How many releases a process keeps in memory (at least one)."""
    env = os.environ.get(MEMORY_RELEASES_ENV, "").strip()
    return max(1, int(env)) if env.isdigit() else MEMORY_RELEASES


def resolve_store_dir(store: str | os.PathLike | None) -> Path:
    """The store directory for an explicit ``--store`` or the default."""
    return Path(store).expanduser() if store else default_store_dir()
