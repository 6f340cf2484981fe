"""What a reader must see beside the numbers, in sentences every face shows.

The CLI prints them under a table, the web pages beside a chart, the fact
sheet in its box: one list, made here from ``meta``. Each sentence's template
is a constant below, so the methodology (``crossings.measures.methodology``)
lists exactly the sentences this function can write.
"""

from __future__ import annotations

SYNTHETIC = "SYNTHETIC SAMPLE DATA: these are not real cases."
PARTIAL_YEARS = "Fiscal year {years} is partial (data as of {data_as_of})."
PROVISIONAL = "Release {release}: {first} to {last} are provisional (later releases revise them)."
YEAR_TO_DATE = "Year to date: every fiscal year cut to {months}."
WARNING = "Warning: {warning}"
SOURCE = "Source: {citation}."
RULE = "Rule: {rule}"

#: Every sentence ``caveats()`` can write, by name, in the order it writes them.
TEMPLATES = {"synthetic": SYNTHETIC, "partial_years": PARTIAL_YEARS,
             "provisional_months": PROVISIONAL, "ytd": YEAR_TO_DATE, "warning": WARNING,
             "source": SOURCE, "rule": RULE}


def caveats(meta) -> list[str]:
    """The sentences that must travel with a result: synthetic data, partial years,
    provisional months, the source's citation, the counting rule, warnings."""
    notes = []
    if meta.get("synthetic"):
        notes.append(SYNTHETIC)
    if meta.get("partial_years"):
        years = ", ".join(str(y) for y in meta["partial_years"])
        notes.append(PARTIAL_YEARS.format(years=years, data_as_of=meta.get("data_as_of")))
    for release, months in (meta.get("provisional_months") or {}).items():
        notes.append(PROVISIONAL.format(release=release, first=months[0], last=months[-1]))
    if meta.get("ytd"):  # one cut, or one per LIONS release
        cuts = meta["ytd"] if "months" not in meta["ytd"] else {"": meta["ytd"]}
        months = " / ".join(sorted({c["months"] for c in cuts.values()}))
        notes.append(YEAR_TO_DATE.format(months=months))
    notes.extend(WARNING.format(warning=w) for w in meta.get("warnings") or [])
    notes.append(SOURCE.format(citation=meta["citation"]))
    if meta.get("rule"):
        notes.append(RULE.format(rule=meta["rule"]))
    return notes
