"""Hand-written LIONS records (one dict per fixed-width record) for the tests,
shaped from the reference README: cases, participants, court histories, the
participant-court links that carry dispositions, and counts."""

from __future__ import annotations

from datetime import date


def case(district, caseid, lead, cls="R"):
    return {"DISTRICT": district, "ID": caseid, "CLASS": cls, "RECVD_DATE": date(2017, 9, 1),
            "LEAD_CHARGE": lead, "STATUS": "O", "LIT_RESP": "CR", "BRANCH": "CR",
            "SYS_INIT_DATE": date(2017, 9, 1), "ACCESS_DATE": date(2017, 9, 1),
            "NAME": "CASE NAME"}


def person(district, caseid, pid, role, **extra):
    return {"DISTRICT": district, "CASEID": caseid, "ID": pid, "TYPE": "I", "ROLE": role,
            "LAST_NAME": "ZEBULONQUIXOTE", "SSN": "123-45-6789",
            "HOME_ADDRESS1": "1 SECRET LANE", "SYS_INIT_DATE": date(2017, 9, 1), **extra}


def history(district, caseid, hid, court, filed):
    return {"DISTRICT": district, "CASEID": caseid, "ID": hid, "COURT": court, "US_ROLE": "PL",
            "FILING_DATE": filed}


def link(district, caseid, pid, hid, disposition=None, disposed=None):
    return {"DISTRICT": district, "CASEID": caseid, "PARTID": pid, "CRTHISID": hid,
            "DISPOSITION": disposition, "DISP_DATE": disposed,
            "SYS_INIT_DATE": date(2017, 9, 1)}


def charge(district, caseid, pid, hid, countid, text, category="F"):
    return {"DISTRICT": district, "CASEID": caseid, "PARTID": pid, "CRTHISID": hid,
            "INSTID": 1, "CHARGE": text, "CATEGORY": category, "COUNTID": countid}


def count(district, caseid, hid, countid, text, category="F"):
    return {"DISTRICT": district, "CASEID": caseid, "CRTHISID": hid, "INSTID": 1,
            "CHARGE": text, "CATEGORY": category, "ID": countid}
