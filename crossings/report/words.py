"""Labels the sheet gives codes (charges, brackets, district names), marked for the
catalogue with ``N_`` and translated where they are shown."""

from __future__ import annotations

import re

from crossings.measures.labels import district_label


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark only"
    return message


CHARGES = {
    "illegal_entry": N_("Illegal entry (8 U.S.C. 1325)"),
    "illegal_reentry": N_("Illegal re-entry (8 U.S.C. 1326)"),
    "alien_smuggling": N_("Alien smuggling (8 U.S.C. 1324)"),
    "other_immigration": N_("Other immigration charges"),
    "immigration": N_("All immigration charges"),
}
SHORT_CHARGES = {
    "illegal_entry": N_("Illegal entry"),
    "illegal_reentry": N_("Illegal re-entry"),
    "alien_smuggling": N_("Smuggling"),
    "other_immigration": N_("Other immigration"),
    "immigration": N_("All immigration"),
}
BRACKETS = {
    "none": N_("No prison"), "<1": N_("Under 1 month"), "1-6": N_("1-6 months"),
    "7-12": N_("7-12 months"), "13-24": N_("13-24 months"), "25-60": N_("25-60 months"),
    "61+": N_("61 months or more"), "life": N_("Life"), "death": N_("Death"),
    "no sentence": N_("No sentence"), "sealed": N_("Sealed"), "missing": N_("Not reported"),
}
REGIONS = {
    "California": N_("California"), "Arizona": N_("Arizona"),
    "New Mexico and West Texas": N_("New Mexico and West Texas"),
    "South Texas": N_("South Texas"),
}
DISTRICT_PARTS = {
    "Northern": N_("Northern District of {state}"),
    "Southern": N_("Southern District of {state}"),
    "Eastern": N_("Eastern District of {state}"),
    "Western": N_("Western District of {state}"),
    "Middle": N_("Middle District of {state}"),
    "Central": N_("Central District of {state}"),
}
WHOLE_DISTRICT = N_("District of {state}")
#: Place names whose Spanish name differs; the others are the same in both languages.
PLACES = (N_("New Mexico"), N_("New York"), N_("New Jersey"), N_("New Hampshire"),
          N_("North Carolina"), N_("South Carolina"), N_("North Dakota"), N_("South Dakota"),
          N_("Pennsylvania"), N_("Hawaii"), N_("Louisiana"), N_("West Virginia"),
          N_("the Virgin Islands"), N_("the Northern Mariana Islands"))
_NAME = re.compile(r"^(?:(?P<part>\w+) )?District of (?P<state>.+)$")


def district_name(code: str, _) -> str:
    """The district's name in the reader's language ("Distrito Sur de Texas")."""
    name = district_label(code, "name")
    parts = []
    for one in name.split(" and "):
        match = _NAME.match(one)
        if match is None or (match["part"] and match["part"] not in DISTRICT_PARTS):
            parts.append(one)
            continue
        pattern = DISTRICT_PARTS[match["part"]] if match["part"] else WHOLE_DISTRICT
        parts.append(_(pattern).format(state=_(match["state"])))
    return _(" and ").join(parts)


def charge(code: str, _, short: bool = False) -> str:
    return _((SHORT_CHARGES if short else CHARGES).get(code, code))
