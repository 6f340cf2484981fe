"""The methodology as data: every counting rule, charge category, caveat and coverage
gap crossings carries, for the web page, the API, the docs and the fact sheet.

What the code decides is read from the code: the rule texts are
:func:`crossings.measures.rule_text.rule_text` of each measure and option, the
charge categories the shipped ``charge-rules.csv``, the caveats the templates
of :mod:`crossings.measures.caveats` and the constants the measures write into
``meta``. The explanations around them are package data
(``crossings/measures/data/methodology/``: Markdown sections and CSV tables),
never Python strings, so translators and every face reach the same words.

* :func:`methodology` -> dict (JSON-ready): the whole structure, with
  ``store`` (:func:`store_provenance`) when a store is given.
* :func:`store_provenance` -> dict: what is loaded, data as of, SHA-256, rules
  and tool versions, and the citation of each loaded release.
* :func:`caveat_catalogue` -> list of dicts: every sentence the library can
  write beside a number (a fixed ``text``, or a ``template`` with ``{fields}``).
"""

from __future__ import annotations

import copy
import csv
import re
import string
from functools import cache
from importlib import resources

from crossings import sources
from crossings.context import border, series
from crossings.measures import (
    answers,
    beside,
    charges,
    per_apprehension,
    prison_cost,
    rates,
    reconcile,
    scenario,
    years,
    ytd,
)
from crossings.measures import meta as meta_module
from crossings.measures.caveats import TEMPLATES as CAVEAT_TEMPLATES
from crossings.measures.query import MEASURES, build_query
from crossings.measures.rule_text import rule_text
from crossings.measures.rules_version import RULES_VERSION
from crossings.measures.vocabulary import CHARGE_LABELS
from crossings.store import Store
from crossings.version import __version__

#: Version of the structure :func:`methodology` returns; changes when a key is renamed.
SCHEMA_VERSION = 1
#: The month the year-to-date rules are shown cut at when no store says (June: the
#: data as of June 30). With a store, each source's own cut is shown as well.
EXAMPLE_YTD_CUT = 6
DATA = "data/methodology"


# --- package data --------------------------------------------------------------------------
def _data_files():
    return resources.files("crossings.measures").joinpath(DATA)


def _read(name: str) -> str:
    return _data_files().joinpath(name).read_text(encoding="utf-8")


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(_read(name).splitlines()))


@cache
def sections() -> tuple[dict[str, str], ...]:
    """The explanations, one Markdown section a file, in file order: ``id`` (the file's
    name without its number), ``title`` (its heading) and ``markdown``."""
    names = sorted(f.name for f in _data_files().iterdir() if f.name.endswith(".md"))
    out = []
    for name in names:
        text = _read(name)
        title = text.splitlines()[0].lstrip("#").strip()
        out.append({"id": name.removesuffix(".md").split("-", 1)[1], "title": title,
                    "markdown": text})
    return tuple(out)


def _by_source(name: str, column: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in _rows(name):
        out.setdefault(row["source"], []).append(row[column])
    return out


# --- the counting rules --------------------------------------------------------------------
def _variants(measure: str, source: str) -> list[dict]:
    """The options that change a measure's rule text, each as ``build_query`` takes them."""
    spec = MEASURES[measure]
    court_file = sources.get(source).court_file_options
    options: list[dict] = [{}]
    if court_file:
        options.append({"transfers": "include"})
        if spec.basis == "termination" and measure != "plea_down":
            options.append({"charge_basis": "filing"})
    if measure != "plea_down":
        options.append({"any_charge": True})
    if spec.basis != "pending":
        options.append({"ytd": True})
    return options


def _rule(measure: str, source: str, options: dict, cut: int) -> dict:
    q = build_query(measure, source=source, **options)
    return {"options": options, "rule": rule_text(q, cut if q.ytd else None),
            **({"ytd_cut_month": cut} if q.ytd else {})}


def _distinct(rules: list[dict]) -> list[dict]:
    """The variants whose words differ (an option the rule does not depend on, such as
    --transfers for pending, says the default's words again)."""
    seen: set[str] = set()
    return [r for r in rules if not (r["rule"] in seen or seen.add(r["rule"]))]


def measure_rules(source: str, cut: int = EXAMPLE_YTD_CUT) -> list[dict]:
    """Each measure of ``source``: its summary, columns and the rule text of each option
    that changes it (``rule_text`` of the same query, so the words are the code's)."""
    out = []
    for spec in MEASURES.values():
        if source not in spec.sources:
            continue
        columns = [*spec.group, *spec.columns, *rates.COLUMNS.get(spec.name, {})]
        out.append({
            "measure": spec.name, "summary": spec.summary, "basis": spec.basis,
            "convicted_only": spec.convicted_only, "columns": columns,
            "column_text": dict(rates.COLUMNS.get(spec.name, {})),
            "rules": _distinct([_rule(spec.name, source, o, cut)
                                for o in _variants(spec.name, source)]),
        })
    return out


@cache
def _context_rules() -> tuple[dict, ...]:
    """The published series' measures and the rule of each option that changes it: those
    that need no store as their own results say them; the others from the constants the
    measures write."""
    from crossings.measures import measure

    fixed = {"per_apprehension": per_apprehension.RULE.format(
                 last=border.exact_sector_years()[-1]),
             "prison_cost": prison_cost.RULE}
    out = []
    for spec in beside.CONTEXT_MEASURES.values():
        if spec.name in fixed:
            rules = [{"options": {}, "rule": fixed[spec.name]}]
        else:
            options = [{}, *({"by": d} for d in spec.dimensions if d != "fiscal_year"),
                       *({"series": s} for s in border.REMOVAL_CHOICES
                         if spec.name == "removals")]
            rules = _distinct([{"options": o, "rule": measure(spec.name, **o).meta.rule}
                               for o in options])
        out.append({"measure": spec.name, "summary": spec.summary,
                    "dimensions": list(spec.dimensions), "uses_store": spec.store,
                    "coverage": list(beside.COVERAGE.get(spec.name, ())), "rules": rules})
    return tuple(out)


def charge_categories() -> list[dict]:
    """Each charge category with its label and the rules (``charge-rules.csv``) that
    give it: D2 codes, older offense codes and statutes, in the file's order."""
    rows = _rows_of(charges.RULES_FILE)
    return [{"category": c, "label": CHARGE_LABELS[c],
             "immigration": c in charges.IMMIGRATION,
             "rules": [{k: r[k] for k in ("rule", "match", "subsection", "note")}
                       for r in rows if r["category"] == c]}
            for c in charges.CATEGORIES]


def _rows_of(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def citation_format(source: str) -> str:
    """How a result of ``source`` is cited, with ``{fields}`` where a release fills in
    (written by the same function every result's ``meta.citation`` comes from)."""
    record = {"release": "{release}", "data_as_of": "{data_as_of}",
              "files": [{"name": "{file}", "sha256": "{sha256_first16}"}]}  # 16 characters
    return meta_module.citation(source, record)


# --- the caveats ---------------------------------------------------------------------------
#: Sentences the measures write into ``meta.warnings`` and ``meta.notes`` with figures
#: filled in, by the templates those modules format.
WARNING_TEMPLATES = {
    "years_outside_data": years.OUTSIDE,
    "no_fiscal_year": years.NO_FISCAL_YEAR,
    "partial_year_no_change": answers.PARTIAL_NO_CHANGE,
    "series_break": beside.SERIES_BREAK,
    "coif_secondary": prison_cost.COIF_SECONDARY,
    "coif_none": prison_cost.COIF_NONE,
    "no_title8_figure": beside.NO_TITLE8_FIGURE,
    "no_title8_denominator": per_apprehension.NO_DENOMINATOR,
    "year_null": beside.YEAR_NULL,  # the most general: matched last
}
NOTE_TEMPLATES = {
    "series": beside.SERIES_NOTE,
    "regions": beside.REGIONS_NOTE,
    "published_national": reconcile.PUBLISHED_NATIONAL,
    "guam_nmi": reconcile.GUAM_NMI,
    "encounters_own_measure": per_apprehension.ENCOUNTERS_APART,
    "published_as_printed": beside.AS_PRINTED,
}


def _fixed() -> list[tuple[str, str, str]]:
    """(id, kind, text) of the sentences the code holds as constants."""
    out = []
    for source in sources.SOURCES.values():
        out += [(f"coverage.{source.name}.{n}", "coverage", text)
                for n, text in enumerate(source.coverage, 1)]
    for name, texts in beside.COVERAGE.items():
        if name != "encounters":  # the same sentence as apprehensions
            out += [(f"coverage.{name}.{n}", "coverage", t) for n, t in enumerate(texts, 1)]
    out += [("warning.prison_cost_left_out", "warning", prison_cost.LEFT_OUT),
            ("warning.scenario_assumptions", "warning", scenario.ASSUMPTIONS),
            ("warning.region_fy2019", "warning", beside.REGION_WARNING),
            ("note.lions_guilty_plea", "note", rates.LIONS_PLEA_NOTE),
            ("note.published_district", "note", reconcile.PUBLISHED_NOTE),
            ("note.share_served", "note", prison_cost.SHARE_SERVED_NOTE)]
    out += [(f"fact.{row['key']}", "fact", row["statement"]) for row in series.rows("facts.csv")]
    return out


@cache
def _catalogue() -> tuple[dict, ...]:
    explained = {r["id"]: r["explanation"] for r in _rows("caveats.csv")}
    entries = [(f"caveat.{k}", "caveat", t) for k, t in CAVEAT_TEMPLATES.items()]
    entries += _fixed()
    entries += [(f"warning.{k}", "warning", t) for k, t in WARNING_TEMPLATES.items()]
    entries += [(f"note.{k}", "note", t) for k, t in NOTE_TEMPLATES.items()]
    out = []
    for key, kind, text in entries:
        fields = _fields(text)
        out.append({"id": key, "kind": kind,
                    **({"template": text, "fields": fields} if fields else {"text": text}),
                    "explanation": explained.get(key, "")})
    return tuple(out)


def caveat_catalogue() -> list[dict]:
    """Every sentence the library writes beside a number: ``id``, ``kind`` (``caveat``:
    :func:`crossings.measures.caveats.caveats`' own; ``coverage``, ``warning``, ``note``
    and ``fact``: what the measures put in ``meta``), a fixed ``text`` or a ``template``
    with its ``fields``, and its ``explanation``."""
    return copy.deepcopy(list(_catalogue()))


def _fields(text: str) -> list[str]:
    if "{" not in text:
        return []
    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


def caveat_pattern(entry: dict) -> re.Pattern:
    """A regular expression matching every sentence ``entry`` can produce."""
    if "text" in entry:
        return re.compile(re.escape(entry["text"]), re.S)
    parts = [re.escape(literal) + ("(.+?)" if name is not None else "")
             for literal, name, _, _ in string.Formatter().parse(entry["template"])]
    return re.compile("".join(parts), re.S)


def caveat_of(sentence: str) -> dict | None:
    """The catalogue entry ``sentence`` is an instance of (fixed texts first), or None."""
    ordered = sorted(_catalogue(), key=lambda e: "text" not in e)
    return next((copy.deepcopy(e) for e in ordered if caveat_pattern(e).fullmatch(sentence)),
                None)


# --- the loaded store ----------------------------------------------------------------------
def store_provenance(store: Store | str | None = None) -> dict:
    """What the store holds, for "data as of" and "cite this": each loaded release with its
    source files' SHA-256, data as of, partial years, the tool version that ingested it and
    its citation; the rules and tool versions that count it now; the charge tables' SHA-256."""
    store = store if isinstance(store, Store) else Store(store)
    manifest = store.manifest()
    rules = charges.load_rules()
    releases = []
    for entry in store.entries():
        record = entry.record
        partial = (meta_module.lions_partial_years(entry.release)
                   if sources.get(entry.source).monthly_releases
                   else meta_module.partial_years(record))
        releases.append({
            "source": entry.source, "release": entry.release,
            "data_as_of": record.get("data_as_of"), "synthetic": bool(record.get("synthetic")),
            "files": [f.to_dict() for f in meta_module.file_refs(record)],
            "ingested_at": record.get("ingested_at"),
            "ingested_by_tool_version": record.get("tool_version"),
            "partial_years": partial,
            "provisional_months": (meta_module.provisional_months(entry.release)
                                   if sources.get(entry.source).monthly_releases else []),
            "citation": meta_module.citation(entry.source, record),
            "ytd_months": _ytd_months(record.get("data_as_of")),
        })
    return {"store": str(store.root), "updated_at": manifest.get("updated_at"),
            "rules_version": RULES_VERSION, "tool_version": __version__,
            "charge_rules": meta_module.charge_rules_meta(rules),
            "synthetic": any(r["synthetic"] for r in releases), "releases": releases}


def _ytd_months(data_as_of: str | None) -> str | None:
    """The months ``--ytd`` keeps of every fiscal year of this release (None: no date)."""
    return ytd.describe(ytd.cut_month(data_as_of)) if data_as_of else None


# --- the whole -----------------------------------------------------------------------------
@cache
def _static() -> dict:
    partial = {k: v[0] for k, v in _by_source("partial-years.csv", "rule").items()}
    cite = {k: v[0] for k, v in _by_source("cite-this.csv", "how").items()}
    gaps = _by_source("coverage-gaps.csv", "gap")
    out_sources = [{
        "source": s.name, "title": s.title, "citation_format": citation_format(s.name),
        "cite_this": cite[s.name], "coverage": list(s.coverage),
        "coverage_gaps": gaps.get(s.name, []), "partial_year": partial[s.name],
        "dimensions": list(s.dimensions), "measures": measure_rules(s.name),
    } for s in sources.SOURCES.values()]
    out_sources.append({
        "source": beside.CONTEXT_SOURCE, "title": "published series beside the counts",
        "citation_format": beside.CITATION.format(version=__version__) + ": {sources}",
        "cite_this": cite["context"], "coverage": [NOTE_TEMPLATES["published_as_printed"]],
        "coverage_gaps": gaps.get("context", []), "partial_year": partial["context"],
        "dimensions": sorted({d for m in beside.CONTEXT_MEASURES.values()
                              for d in m.dimensions}),
        "measures": list(copy.deepcopy(_context_rules())),
    })
    return {
        "schema_version": SCHEMA_VERSION, "rules_version": RULES_VERSION,
        "tool_version": __version__, "example_ytd_cut_month": EXAMPLE_YTD_CUT,
        "sections": [dict(s) for s in sections()],
        "sources": out_sources,
        "reconcile": {"rule": "; ".join(reconcile.IDENTITIES),
                      "identities": list(reconcile.IDENTITIES),
                      "columns": dict(reconcile.COLUMN_TEXT)},
        "scenario": {"rule": scenario.RULE, "assumptions": scenario.ASSUMPTIONS},
        "charge_categories": charge_categories(),
        "caveats": list(_catalogue()),
    }


def methodology(store: Store | str | None = None) -> dict:
    """The methodology (see the module's doc); with ``store``, also ``store``: what it
    holds (:func:`store_provenance`). A new dict each call: callers may change it."""
    out = copy.deepcopy(_static())
    out["store"] = store_provenance(store) if store is not None else None
    return out
