"""What a reader must see beside the numbers, in sentences every face shows.

The CLI prints them under a table, the web pages beside a chart, the fact
sheet in its box: one list, made here from ``meta``.
"""

from __future__ import annotations


def caveats(meta) -> list[str]:
    """The sentences that must travel with a result: synthetic data, partial years,
    provisional months, the source's citation, the counting rule, warnings."""
    notes = []
    if meta.get("synthetic"):
        notes.append("SYNTHETIC SAMPLE DATA: these are not real cases.")
    if meta.get("partial_years"):
        years = ", ".join(str(y) for y in meta["partial_years"])
        notes.append(f"Fiscal year {years} is partial (data as of {meta.get('data_as_of')}).")
    for release, months in (meta.get("provisional_months") or {}).items():
        notes.append(f"Release {release}: {months[0]} to {months[-1]} are provisional "
                     "(later releases revise them).")
    if meta.get("ytd"):  # one cut, or one per LIONS release
        cuts = meta["ytd"] if "months" not in meta["ytd"] else {"": meta["ytd"]}
        months = " / ".join(sorted({c["months"] for c in cuts.values()}))
        notes.append(f"Year to date: every fiscal year cut to {months}.")
    notes.extend(f"Warning: {w}" for w in meta.get("warnings") or [])
    notes.append(f"Source: {meta['citation']}.")
    if meta.get("rule"):
        notes.append(f"Rule: {meta['rule']}")
    return notes
