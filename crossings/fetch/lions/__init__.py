"""Fetching a LIONS release (DOJ's "National Caseload Data") and checking every disk.

DOJ's national caseload page links each month's release as "‹Month› ‹YYYY›
data files": a link to a page of the release's ``DISKnn.zip`` files (and,
some months, its readme/log beside them). A page may also link the disks
directly. Both shapes are read, and a "data files" link is followed one
level, no further.

A release is named as DOJ names its files: month plus fiscal year
(``JUNFY2025``; October 2024 is ``OCTFY2025``, the fiscal year running
October to September). The name is taken from the file names when they carry
it (``JUNFY2025_README_REPORTS_LOGS.txt``, also ``JAN FY2025_...`` with a
space), else from the link text ("June 2025 data files").

Every zip is trusted only after it has been read end to end: the central
directory opens and every member inflates to the promised size with the
promised CRC-32 (streamed, nothing extracted, never past the promised size).
It is checked while still a part file: a zip that fails is renamed to
``*.bad`` so no ingest picks it up, and an earlier verified copy stays. Each file's SHA-256 and size go into
``fetch.json`` in the release folder, written after every file, so a run
that stops part way keeps what it verified and the next run does not fetch
it again.

The shape of DOJ's page assumed here is ours, from DOJ's documentation and
notes on how releases have been published, not copied from DOJ. So the
reader is tolerant: link texts are matched loosely (month names or
abbreviations, any case, extra words), a disk is any link whose address or
text says "disk" and "zip", the local file name falls back from the address
to the link text, and a page that cannot be read is reported, not guessed.

:mod:`~crossings.fetch.lions.pages` reads the pages and chooses the release;
:mod:`~crossings.fetch.lions.disks` downloads, verifies and records its files.
"""

from crossings.fetch.lions.disks import (
    FetchedFile,
    LionsFetchResult,
    fetch_lions,
    verify_disk,
)
from crossings.fetch.lions.pages import (
    RECORD,
    FileLink,
    ReleaseLink,
    choose_release,
    list_releases,
    release_from_text,
)

__all__ = ["RECORD", "FetchedFile", "FileLink", "LionsFetchResult", "ReleaseLink",
           "choose_release", "fetch_lions", "list_releases", "release_from_text", "verify_disk"]
