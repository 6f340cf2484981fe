"""``meta``: where every number came from, and what the data does not cover.

Every measure and ``reconcile()`` return one documented shape, :class:`Meta`,
whose JSON schema (:func:`json_schema`) the API and the docs publish. It reads
like a mapping (``meta["citation"]``, ``meta.get("partial_years")``) so that
code written against the earlier plain dict keeps working; ``to_dict()`` is
the JSON form. Renamed keys are listed in docs/changelog.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from crossings.codebook import lions as lions_codebook
from crossings.fiscal import months_back
from crossings.measures import charges
from crossings.measures.idb import counting as idb_counting
from crossings.measures.query import Query
from crossings.measures.rule_text import rule_text
from crossings.measures.rules_version import RULES_VERSION
from crossings.sources import SOURCES
from crossings.store import Entry
from crossings.version import __version__

__all__ = ["RULES_VERSION", "Meta", "base_meta", "citation", "lions_partial_years",
           "partial_years", "provisional_months"]

#: Version of the shape below; changes when a key is renamed or removed.
SCHEMA_VERSION = 1


class _ReadsLikeAMapping:
    """``obj["key"]``, ``obj.get("key")`` and ``"key" in obj`` over a dataclass's fields,
    so code written against the earlier plain dicts keeps working."""

    def __getitem__(self, key: str):
        if key not in self._names():
            raise KeyError(key)
        return getattr(self, key)

    def __setitem__(self, key: str, value) -> None:
        if key not in self._names():
            raise KeyError(f"meta has no key {key!r}: add it to Meta and its docs")
        setattr(self, key, value)

    def __contains__(self, key: object) -> bool:
        return key in self._names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def get(self, key: str, default=None):
        return getattr(self, key) if key in self._names() else default

    def keys(self) -> list[str]:
        return list(self._names())

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def _names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))


@dataclass
class FileRef(_ReadsLikeAMapping):
    """A source file a number was counted from."""

    name: str
    size: int | None
    sha256: str | None


@dataclass
class Provenance(_ReadsLikeAMapping):
    """One loaded release of one source: what it was read from, and its citation."""

    source: str
    release: str
    files: list[FileRef]
    data_as_of: str | None
    synthetic: bool
    citation: str


@dataclass
class Meta(_ReadsLikeAMapping):
    """Where a result came from and what it leaves out (one shape for every result)."""

    measure: str
    summary: str
    source: str  # "idb", "lions", or "idb+lions" (reconcile)
    release: str | None
    files: list[FileRef]
    data_as_of: str | None
    synthetic: bool
    citation: str
    engine: str
    rule: str  # the counting rule in words, generated from the rule's definition
    by: list[str] = field(default_factory=list)
    where: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    releases: list[str] = field(default_factory=list)
    sources: dict[str, Provenance] = field(default_factory=dict)
    schema_version: int = SCHEMA_VERSION
    rules_version: str = RULES_VERSION
    charge_rules: dict[str, str] = field(default_factory=dict)
    tool_version: str = __version__
    columns: dict[str, str] = field(default_factory=dict)  # what each column counts
    identities: list[str] = field(default_factory=list)  # exact sums between columns
    coverage: list[str] = field(default_factory=list)
    partial_years: list[int] = field(default_factory=list)
    years_covered: list[int] = field(default_factory=list)  # fiscal years the data holds
    provisional_months: dict[str, list[str]] = field(default_factory=dict)
    # Counts, or counts per fiscal year ("2013": n), of what the rules left out or read
    # in a special way (see docs/methodology.md).
    data_quality: dict[str, int | float | dict[str, int]] = field(default_factory=dict)
    data_quality_scope: str = ""
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    published: list[dict[str, Any]] | None = None
    # --ytd: the months every fiscal year was cut to (per release for LIONS).
    ytd: dict[str, Any] | None = None


def json_schema() -> dict:
    """The JSON schema of :class:`Meta` (what the API and docs publish)."""
    from pydantic import TypeAdapter

    schema = TypeAdapter(Meta).json_schema()
    schema["title"] = "crossings result meta"
    schema["$comment"] = f"schema_version {SCHEMA_VERSION}"
    return schema


def provenance(source: str, entry: Entry) -> Provenance:
    record = entry.record
    return Provenance(source=source, release=entry.release, files=file_refs(record),
                      data_as_of=record.get("data_as_of"),
                      synthetic=bool(record.get("synthetic")),
                      citation=citation(source, record))


def file_refs(record: dict) -> list[FileRef]:
    return [FileRef(f.get("name"), f.get("size"), f.get("sha256")) for f in record["files"]]


def charge_rules_meta(rules) -> dict[str, str]:
    return {"file": rules.path.rsplit("/", 1)[-1], "sha256": rules.sha256,
            "citation_table_sha256": charges.citation_table_sha256()}


def base_meta(q: Query, entry: Entry, rules, engine_name: str,
              cut: int | None = None) -> Meta:
    source = provenance(q.source, entry)
    return Meta(
        measure=q.measure, summary=q.spec.summary, by=list(q.by), where=q.where(),
        options={"transfers": q.transfers, "charge_basis": idb_counting.charge_basis(q),
                 "any_charge": q.any_charge},
        source=q.source, release=entry.release, files=source.files,
        data_as_of=source.data_as_of, synthetic=source.synthetic, citation=source.citation,
        sources={q.source: source}, charge_rules=charge_rules_meta(rules),
        engine=engine_name, rule=rule_text(q, cut), coverage=list(SOURCES[q.source].coverage))


def partial_years(record: dict) -> list[int]:
    years = sorted(int(y) for y in record.get("by_fiscal_year", {}) if y != "unknown")
    return years[-1:]


def lions_partial_years(release: str) -> list[int]:
    """The release's fiscal year, unless the release month is September (its end)."""
    year, month = lions_codebook.release_month(release)
    return [] if month == 9 else [year + (month >= 10)]


def provisional_months(release: str) -> list[str]:
    """The release's own month and the three before it: still changing."""
    return months_back(*lions_codebook.release_month(release), count=4)


def citation(source: str, record: dict) -> str:
    files = "; ".join(f"{f['name']} sha256 {f['sha256'][:16]}..." for f in record["files"])
    what = SOURCES[source].citation.format(release=record.get("release"))
    return (f"{what} ({files}), data as of {record.get('data_as_of')}; counted by crossings "
            f"{__version__}, rules {RULES_VERSION}"
            + (". SYNTHETIC SAMPLE DATA, not real cases" if record.get("synthetic") else ""))
