"""Downloading the public source files, resumably, and checking what arrived.

* :mod:`crossings.fetch.http` - a small standard-library downloader that
  resumes a cut download with a ``Range`` request, retries a dropped
  connection within a retry cap, a stall timeout and a deadline
  (``settings.FETCH_*``), follows redirects to http(s) only, and renames the
  file into place only when it is complete and verified; and ``page_links``,
  the one link scanner both sources read publishers' HTML pages with.
* :mod:`crossings.fetch.idb` - the FJC's criminal defendants zip: find it on
  the dataset page (or fall back to its known names), download it, verify the
  archive end to end with the ingest's checks and record its SHA-256 beside it.
* :mod:`crossings.fetch.lions` - a prosecutors' (EOUSA) release: read DOJ's
  national caseload page for the release's DISK zip links (``lions.pages``),
  download them all, check every zip and record each file's SHA-256 in
  ``fetch.json`` (``lions.disks``).

The library never prints: progress goes through a ``progress`` callback and
failures are :class:`crossings.errors.FetchError` (or ``CorruptArchive``).
"""
