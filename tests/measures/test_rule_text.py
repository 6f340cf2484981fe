"""The rule text is generated from the definitions the code runs: change a definition
and the words change with it (they are never typed beside the code)."""

from __future__ import annotations

from crossings.measures import rule_text
from crossings.measures.lions import counting as lions_counting
from crossings.measures.query import build_query


def test_lions_words_follow_the_disposition_codes(monkeypatch):
    q = build_query("convictions", source="lions")
    assert "the ending disposition is GT, NC;" in rule_text.rule_text(q)
    monkeypatch.setattr(lions_counting, "CONVICTIONS", ("GT",))
    monkeypatch.setattr(lions_counting, "ADMINISTRATIVE", ("PC", "NW", "CW", "XX"))
    text = rule_text.rule_text(q)
    assert "the ending disposition is GT;" in text and "PC, NW, CW, XX never end" in text


def test_court_file_words_follow_the_conviction_codes_and_flags(monkeypatch):
    q = build_query("convictions", transfers="include")
    text = rule_text.rule_text(q)
    assert "CTTRTRN = 1" in text and "DISP1 in {4 Convicted on guilty plea;" in text
    monkeypatch.setattr(rule_text.idb_codes, "conviction_codes", lambda: frozenset({4, 9}))
    text = rule_text.rule_text(q)
    assert "DISP1 in {4 Convicted on guilty plea; 9 Convicted by jury after trial}" in text
    assert "year to date" not in text.lower()
    assert "October through March" in rule_text.rule_text(q, cut=3)
