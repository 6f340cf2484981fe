"""One exception hierarchy, named for the condition.

The library raises these; the edges translate them: the CLI into exit codes
(see ``crossings.cli.main``), the HTTP API into one JSON error shape. Each
message says what went wrong, where (file, line), and what to do about it.
"""

from __future__ import annotations


class CrossingsError(Exception):
    """Base of every error crossings raises on purpose."""

    #: CLI exit code for this kind of error (1 error, 2 usage).
    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None):
        self.message = message
        self.path = path
        self.hint = hint
        super().__init__(self.describe())

    def describe(self) -> str:
        text = self.message
        if self.path:
            text = f"{self.path}: {text}"
        if self.hint:
            text = f"{text}\n  fix: {self.hint}"
        return text

    def to_dict(self) -> dict:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "path": self.path,
            "hint": self.hint,
        }


# --- sources -------------------------------------------------------------
class SourceError(CrossingsError):
    """A source file cannot be read as what it claims to be."""


class UnsupportedSource(SourceError):
    """The path is not a form of the data crossings knows how to read."""


class UnknownLayout(SourceError):
    """The file's header (or a release's readme) does not match a known layout."""


class CorruptArchive(SourceError):
    """A zip or gzip file is truncated, damaged, or fails its checksum."""


class EmptySource(SourceError):
    """The source holds no header or no data at all."""


class RowCountMismatch(SourceError):
    """A table's row count disagrees with the release's own log."""


# --- the store -----------------------------------------------------------
class StoreError(CrossingsError):
    """The Parquet store is missing, locked or inconsistent."""


class StoreNotFound(StoreError):
    """No store exists at the location, or it holds no data for the source."""


class StoreBusy(StoreError):
    """Another ingest holds the store's lock."""


class ReleaseNotFound(StoreError):
    """The asked-for release is not in the store."""


class NotAStore(StoreError):
    """The folder is not a crossings store (a file, or a folder of other things)."""


class ManifestDamaged(StoreError):
    """``manifest.json`` (or the staging journal) is missing, truncated or of the wrong shape."""


class UnsafePath(StoreError):
    """A path named by the store's records lies outside the store."""


class ReleaseConflict(StoreError):
    """The release is already loaded from other files (pass ``--replace``)."""


class ReleaseBeingReplaced(StoreError):
    """The release was swapped out by an ingest while a query was opening it."""


class DamagedStore(StoreError):
    """A release's files differ from what its ingest recorded (deleted, extra, truncated)."""


class StoreWriteFailed(StoreError):
    """The store cannot be written (read-only, disk full); it stays as it was."""


# --- requests ------------------------------------------------------------
class InvalidRequest(CrossingsError):
    """A measure, dimension, filter or option that does not exist or does not fit.

    Optional structured fields say which ``parameter`` (as the API names it:
    ``by``, ``charge_basis``), the ``value`` given, the ``allowed`` values and the
    closest of them (``suggestions``), for faces that show them apart (the HTTP
    API's error shape); the message says it all in words for the CLI."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None,
                 parameter: str | None = None, value=None, allowed=None,
                 suggestions=None):
        self.parameter = parameter
        self.value = value
        self.allowed = list(allowed) if allowed is not None else None
        self.suggestions = list(suggestions or [])
        super().__init__(message, path=path, hint=hint)

    def to_dict(self) -> dict:
        return {**super().to_dict(), "parameter": self.parameter, "value": self.value,
                "allowed": self.allowed, "suggestions": self.suggestions}


class ChargeRulesError(CrossingsError):
    """A charge-rules table (``--charges FILE``) is malformed."""


# --- network -------------------------------------------------------------
class FetchError(CrossingsError):
    """A download failed or its result is not the expected file."""


# --- serving -------------------------------------------------------------
class CannotListen(CrossingsError):
    """``crossings serve`` cannot listen on the address and port asked (in use, refused)."""


# --- the machine -----------------------------------------------------------
class DiskFull(CrossingsError):
    """A file could not be written: the disk (or the user's quota) is full."""
