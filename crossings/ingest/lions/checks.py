"""Checks of a LIONS release beyond the row counts: the members of the tables not
loaded, and tables whose every record failed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crossings.errors import CorruptArchive, UnknownLayout, UnsupportedSource

if TYPE_CHECKING:
    from crossings.ingest.lions.ingest import Release, TableTally


def check_not_loaded(release: Release) -> None:
    """Inflate the zip members of the tables not loaded and check their CRC: a
    damaged one is listed as skipped with the reason (and warned about), so the
    manifest never vouches for a release whose other tables are broken."""
    for table, members in sorted(release.not_loaded.items()):
        for m in members:
            if m.info is None:
                continue  # a loose file has no checksum to hold it to
            try:
                for _ in m.stream().chunks():
                    pass
            except (CorruptArchive, UnsupportedSource) as exc:
                release.skipped.append({"path": m.label, "reason": f"table {table} not "
                                        f"loaded, and its member is damaged: {exc.message}"})
                release.warnings.append(f"{m.label} (table {table}, not loaded) is damaged")


def check_not_all_failed(lions_name: str, tally: TableTally, release: Release) -> None:
    """A table none of whose records passed is misread, not a table of bad records
    (the log's count can still agree: it counts lines)."""
    if tally.stored or not tally.quarantined:
        return
    reasons = ", ".join(f"{r} {n:,}" for r, n in tally.reasons.most_common())
    raise UnknownLayout(
        f"every one of the {tally.quarantined:,} records of {lions_name} failed its checks "
        f"({reasons}): the files are not in the readme's layout of {lions_name} "
        f"({release.layouts[lions_name].record_length} characters a record)",
        path=", ".join(tally.files),
        hint="check the files' line endings (a record must end in LF or CRLF) and that the "
             "readme is the one shipped with them")
