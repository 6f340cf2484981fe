"""Districts under every name: codes, abbreviations, names, Bluebook short forms."""

from __future__ import annotations

import pytest

from crossings.codebook import districts
from crossings.errors import InvalidRequest

#: Hand-worked from the Bluebook (T7 court names, T10 state abbreviations, Rule 6.1(a)).
SHORT_FORMS = {"41": "S.D. Tex.", "70": "D. Ariz.", "84": "D.N.M.", "74": "S.D. Cal.",
               "08": "S.D.N.Y.", "90": "D.D.C.", "91": "D.V.I.", "93": "D. Guam",
               "94": "D.N. Mar. I.", "86": "E.D. Okla.", "01": "D. Mass."}


def test_there_are_94_districts_each_named_once():
    every = districts.districts()
    assert len(every) == 94
    for attribute in ("code", "abbreviation", "name", "short", "map_key"):
        assert len({getattr(d, attribute) for d in every}) == 94, attribute


@pytest.mark.parametrize(("code", "short"), SHORT_FORMS.items())
def test_bluebook_short_forms(code, short):
    assert districts.by_code(code).short == short


@pytest.mark.parametrize("form", ["41", "TXS", "txs", "Southern District of Texas",
                                  "SOUTHERN DISTRICT OF TEXAS", "S.D. Tex.", "s.d.tex",
                                  " S. D. Tex "])
def test_every_form_of_a_district_resolves_to_its_code(form):
    assert districts.resolve(form).code == "41"


def test_an_unknown_district_lists_the_nearest_names():
    with pytest.raises(InvalidRequest) as err:
        districts.resolve("Southrn District of Texas")
    assert "did you mean: Southern District of Texas (TXS, S.D. Tex.)" in str(err.value)


def test_no_form_of_one_district_names_another():
    for d in districts.districts():
        for form in (d.code, d.abbreviation, d.name, d.short):
            assert districts.resolve(form) == d, form
