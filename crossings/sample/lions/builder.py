"""The builder of the synthetic LIONS world: cases, parties, histories and counts drawn from the world's tables, every trap planted on purpose."""

from __future__ import annotations

from datetime import date
from random import Random

from crossings.sample.lions.files import format_date
from crossings.sample.lions.outcomes import Outcomes, same_day_eligible
from crossings.sample.lions.world import (
    AMBIGUOUS,
    CHARGES,
    CITIES,
    COUNTRIES_IMM,
    COUNTRIES_OTHER,
    FIRST_NAMES,
    GARBAGE,
    KINDS,
    LATIN1_CITY,
    LATIN1_NAME,
    LEVEL_ORDER,
    RATES,
    SM,
    STAR,
    Case,
    Charge,
    Days,
    Hist,
    Kind,
    Link,
    Party,
    Pick,
    Quota,
    agency_names,
    district_picks,
    districts,
    lead_of,
    own_lead,
    unreadable,
)


class IdWindows:
    """Per-case ID windows: every kind of ID starts near the same base, so a
    participant ID equals some count and court-history ID of the same case and a
    join on the wrong ID column matches wrong rows without complaint."""

    def __init__(self, base: int, r) -> None:
        self.next = {k: base + 1 + int(r() * 3) for k in ("part", "hist", "inst", "count",
                                                          "prog")}

    def __call__(self, kind: str) -> int:
        n = self.next[kind]
        self.next[kind] = n + 1
        return n

    def end(self) -> int:
        return max(self.next.values())


# --- the builder -------------------------------------------------------------------
class Builder:
    """Cases in a fixed order from one seed: criminal ones until ``defendants`` are
    placed, civil ones among them."""

    def __init__(self, seed: int, end: date, first_fy: int) -> None:
        self.r = r = Random(seed).random
        self.days = Days(first_fy, end)
        self.q = {name: Quota(rate, r()) for name, rate in RATES.items()}
        self.kind = Pick((k, k.weight) for k in KINDS)
        self.leads = {k.name: lead_of(k) for k in KINDS}
        self.ndefs = {k.name: Pick((i + 1, p) for i, p in enumerate(k.ndefs)) for k in KINDS}
        self.paths = {k.name: Pick(zip(("mg", "mg_dc", "dc"), k.paths, strict=True))
                      for k in KINDS}
        self.agency = {k.name: Pick(k.agencies) for k in KINDS}
        self.dist_imm, self.dist_other = district_picks()
        self.country = (Pick(COUNTRIES_IMM), Pick(COUNTRIES_OTHER))
        self.names = agency_names()
        self.next_id = {d: 1000 + int(r() * 9000) for d in districts()}
        self.seq: dict[tuple[str, int, str], int] = {}
        self.index = {d: i for i, d in enumerate(districts())}
        self.reserved = self.pairs = 0
        self.outcomes = Outcomes(seed)  # its own draw: the main one stays as it was

    def cases(self, defendants: int):
        """Every case of the world; the criminal ones hold exactly ``defendants``."""
        left, r = defendants, self.r
        while left > 0:
            if self.q["civil_case"]():
                yield self.civil()
            kind = self.kind(r())
            dist = self.dist_imm(r()) if kind.imm else self.dist_other(r())
            # (9999 pairs at most: the reserved numbers must fit CASEID's 10 characters)
            reuse = dist == "TXS" and self.reserved < 9999 and self.q["reused_caseid"]()
            case = self.criminal(kind, dist, left, reuse)
            left -= len(case.defendants)
            yield case
            if reuse and left > 0:  # the same CASEID, another case, in Arizona
                twin = self.criminal(self.kind(r()), "AZ", left, False, case.caseid)
                left -= len(twin.defendants)
                self.pairs += 1
                yield twin

    # -- identifiers and dates --------------------------------------------------------
    def _caseid(self, district: str, day: int, cls: str) -> str:
        year = self.days.date[day].year
        key = (district, year, cls)
        n = self.seq.get(key, (self.index[district] * 379) % 30000)  # districts rarely collide
        self.seq[key] = n + 1
        return f"{year}{cls}{n + 1:05d}" if n < 89_999 else f"{year % 100:02d}{cls}{n + 1:07d}"

    def _reserved(self, day: int) -> str:
        self.reserved += 1  # 9xxxx: never drawn by _caseid, so the pair is the only reuse
        return f"{self.days.date[day].year}R9{self.reserved:04d}"

    def _ids(self, district: str) -> IdWindows:
        return IdWindows(self.next_id[district], self.r)

    def _close_ids(self, district: str, ids: IdWindows) -> None:
        self.next_id[district] = ids.end() + int(self.r() * 4)

    def _filing(self, day: int, withheld: bool) -> tuple[str, int | None]:
        """FILING_DATE text and the day it counts as (None: not a date)."""
        if withheld:
            return ("*" if self.r() < 0.3 else ""), None
        if self.q["bad_year_filing"]():
            return self.days.bad(day), None
        return self.days.text[day], day

    # -- cases ------------------------------------------------------------------------
    def criminal(self, kind: Kind, dist: str, left: int, reuse: bool,
                 caseid: str | None = None) -> Case:
        r, d, q = self.r, self.days, self.q
        t0 = d.first + int(r() * (d.last - d.first + 1))
        recvd = max(0, t0 - int(r() * 30))
        if caseid is None:
            caseid = self._reserved(recvd) if reuse else self._caseid(dist, recvd, "R")
        case = Case(dist, caseid, kind, recvd)
        redaction = "sealed" if q["redacted_sealed"]() else \
            "ongoing" if q["redacted_ongoing"]() else None
        path = "nc" if q["path_nc"]() else "blank" if q["path_blank"]() else \
            "none" if q["path_none"]() else ""
        lead = self.leads[kind.name](r())
        court_path = self.paths[kind.name](r())
        if court_path == "mg" and kind.name == "entry" and lead.level == "F":
            court_path = "mg_dc"  # a felony 1325 goes on to district court
        ids = self._ids(dist)
        self._parties(case, kind, ids, min(self.ndefs[kind.name](r()), left), redaction)
        self._lead(case, kind, lead, redaction)
        if path in ("nc", "none"):
            self._not_in_court(case, ids, t0, path)
        else:
            self._court(case, kind, ids, t0, court_path, lead,
                        withheld=path == "blank" or redaction == "sealed",
                        sealed=redaction == "sealed")
        self._progcats(case, kind, ids, redaction)
        self._close_ids(dist, ids)
        self._finish(case)
        return case

    def _parties(self, case: Case, kind: Kind, ids: IdWindows, ndef: int,
                 redaction: str | None) -> None:
        r, q = self.r, self.q
        n_in = 0 if q["no_agency"]() else 2 if q["two_agencies"]() else 1
        agencies_first = r() < 0.5
        agencies = []
        for _ in range(n_in):
            code = self.agency[kind.name](r())
            p = Party(0, "*" if redaction else "IN", "A", self.names.get(code, code))
            p.agency = code
            agencies.append(p)
        defendants = []
        for i in range(ndef):
            role = "D*" if redaction else "DJ" if r() < 0.01 else "DG" if r() < 0.02 else "D"
            p = Party(0, role, "I", "SAMPLEDOE")
            p.num, p.first = i + 1, FIRST_NAMES[int(r() * len(FIRST_NAMES))]
            p.city = CITIES[int(r() * len(CITIES))]
            p.birth = format_date(date(1955 + int(r() * 45), 1 + int(r() * 12),
                                       1 + int(r() * 28)))
            if q["latin1"]():
                if r() < 0.5:
                    p.name = LATIN1_NAME
                else:
                    p.city = LATIN1_CITY
            if q["bad_year_other"]():
                p.birth = p.birth[:7] + "0024"
            defendants.append(p)
        witnesses = []
        if kind.name == "smuggling" and q["material_witness"]():
            witnesses = [Party(0, "*" if redaction else "MW", "I", "SAMPLEWITNESS")
                         for _ in range(1 + int(r() * 3))]
        order = agencies + defendants if agencies_first else defendants + agencies
        for p in order + witnesses:
            p.pid = ids("part")
            p.cr = q["stray_cr"]()
            case.add(p)

    def _lead(self, case: Case, kind: Kind, lead: Charge, redaction: str | None) -> None:
        q = self.q
        if redaction or q["lead_star"]():
            case.lead = unreadable(STAR)
        elif q["lead_empty"]():
            case.lead = unreadable("")
        elif q["lead_garbage"]():
            case.lead = unreadable(GARBAGE[int(self.r() * len(GARBAGE))])
        elif kind.name == "smuggling" and q["lead_ambiguous"]():
            case.lead = unreadable(AMBIGUOUS)
        else:
            case.lead = lead

    def _charges(self, kind: Kind, lead: Charge, i: int) -> list[Charge]:
        """A defendant's charges, most serious first as the prosecutor listed them."""
        r, q = self.r, self.q
        if kind.name == "smuggling" and i > 0 and q["smuggling_codefendant_other"]():
            return [CHARGES["1326" if r() < 0.6 else "1325a1"]]
        if kind.name == "drugs" and i > 0 and q["drug_codefendant_reentry"]():
            return [CHARGES["1326"]]
        charges = [lead]
        rank = LEVEL_ORDER.index(lead.level)
        extras = [CHARGES[x] for x in kind.extras
                  if LEVEL_ORDER.index(CHARGES[x].level) >= rank]  # never above the lead
        for p in (0.25, 0.08):
            if extras and r() < p:
                charges.append(extras[int(r() * len(extras))])
        if kind.name == "reentry" and q["reentry_first_felony_911"]():
            charges.insert(0, CHARGES["911"])  # listed first: the first F by count ID
        return charges

    # -- court histories, counts, dispositions ------------------------------------------
    def _court(self, case: Case, kind: Kind, ids: IdWindows, t0: int, path: str, lead: Charge,
               *, withheld: bool, sealed: bool) -> None:
        r, d, q = self.r, self.days, self.q
        defs = case.defendants
        on_mg = [path in ("mg", "mg_dc")] * len(defs)
        on_dc = [path in ("mg_dc", "dc") and not (
            path == "mg_dc" and i > 0 and q["mg_only_codefendant"]()) for i in range(len(defs))]
        need_mg, need_dc = any(on_mg), any(on_dc)
        dc_day = t0 + 3 + int(r() * 43) if need_mg and need_dc else t0
        if need_dc and dc_day > d.last:  # not yet indicted when the release was cut
            need_dc, on_dc = False, [False] * len(defs)
        yy = d.date[t0].year % 100
        mg = self._hist(ids, "MG", t0, withheld, "CO", f"{yy:02d}-mj") if need_mg else None
        dc = self._hist(ids, "DC", dc_day, withheld, "IN" if r() < 0.75 else "IF",
                        f"{yy:02d}-cr") if need_dc else None
        case.hists = [h for h in (mg, dc) if h is not None]
        charges = [self._charges(kind, lead, i) for i in range(len(defs))]
        shared: dict[tuple[int, str], tuple[int, Charge]] = {}
        for i, p in enumerate(defs):  # the complaint's counts first: lower count IDs
            if on_mg[i]:
                mgc = charges[i] if not on_dc[i] else charges[i][:1]
                if on_dc[i] and kind.name == "reentry" and q["flip_1325_complaint"]():
                    mgc = [CHARGES["1325a1"]]  # complaint 1325 petty, indictment 1326
                self._counts(case, p, mg, mgc, ids, lead, sealed, shared)
                p.links.append(Link(mg))
        for i, p in enumerate(defs):
            if on_dc[i]:
                self._counts(case, p, dc, charges[i], ids, lead, sealed, shared)
                p.links.append(Link(dc))
        for p in defs:
            self._dispose(p, kind)

    def _hist(self, ids: IdWindows, court: str, day: int, withheld: bool, inst_type: str,
              number: str) -> Hist:
        filing, valid = self._filing(day, withheld)
        sys_day = min(day + int(self.r() * 3), self.days.last)
        office = 1 + int(self.r() * 4)
        return Hist(ids("hist"), court, filing, valid, sys_day, ids("inst"), inst_type,
                    f"{office}:{number}-{int(self.r() * 99_999):05d}")

    def _counts(self, case: Case, p: Party, hist: Hist, charges: list[Charge], ids: IdWindows,
                lead: Charge, sealed: bool,
                shared: dict[tuple[int, str], tuple[int, Charge]]) -> None:
        """Counts of ``p`` on ``hist``; in a smuggling case the lead count is one
        count shared by every defendant charged with it (a conspiracy count)."""
        for ch in charges:
            key = (hist.id, ch.text)
            share = ch is lead and ch.cat == SM
            if share and key in shared:
                p.counts.append((shared[key][0], hist, shared[key][1]))
                continue
            ch = self._charge_trap(ch, sealed)
            cid = ids("count")
            case.counts.append((cid, hist, ch))
            p.counts.append((cid, hist, ch))
            if share:
                shared[key] = (cid, ch)

    def _charge_trap(self, ch: Charge, sealed: bool) -> Charge:
        q = self.q
        if sealed or q["charge_star"]():
            return unreadable(STAR, ch.level)
        if q["charge_garbage"]():
            return unreadable(GARBAGE[int(self.r() * len(GARBAGE))], ch.level)
        if ch.cat == SM and q["charge_ambiguous"]():
            return unreadable(AMBIGUOUS, ch.level)
        return ch

    def _dispose(self, p: Party, kind: Kind) -> None:
        """Disposition on the last court history; a sentence for a conviction."""
        r, d = self.r, self.days
        if not p.links:
            return
        link = p.links[-1]
        petty = all(ch.level == "P" for _, _, ch in p.counts)
        base = link.hist.sys_day
        if link.hist.court == "MG":  # magistrate only: petty cases often the same day
            same = petty and r() < 0.6
            day, disp = base + (0 if same else int(r() * 40)), "GT" if r() < 0.9 else "DM"
        else:
            u = r()
            day = base + 20 + int(r() * 200)
            disp = "GT" if u < 0.86 else "DM" if u < 0.93 else "DJ" if u < 0.96 else \
                "NC" if u < 0.98 else "NG"
        if day > d.last:
            return  # pending at the release
        same = (link.hist.day is not None
                and same_day_eligible(link.hist.court, own_lead([(c, ch) for c, _, ch in
                                                                 p.counts]), disp)
                and self.outcomes.same_day())
        ordinary = day  # the sentence is drawn from it: the same draws either way
        if same:  # plea and sentence at the first appearance (outcomes.OUTCOME_RATES)
            day = link.hist.day
        link.disp, link.day = disp, day
        p.country = self.country[0 if kind.imm else 1](r())
        if disp not in ("GT", "NC"):
            return
        sday = ordinary if link.hist.court == "MG" and petty and r() < 0.8 \
            else ordinary + 50 + int(r() * 60)
        if sday > d.last:
            return
        if same:
            sday = day
        if petty:
            jail = (0, 2, 15, 30, 60, 75, 180)[int(r() * 7)]
            p.sentence = (sday, "TIM" if jail == 0 else "", jail, 0)
        else:
            median, spread = kind.sentence
            p.sentence = (sday, "", 0, max(1, median + int((r() - 0.5) * 2 * spread)))

    def _not_in_court(self, case: Case, ids: IdWindows, t0: int, path: str) -> None:
        """Not filings: an ``NC`` history only (its date, when it has one, does not
        count), or no court history at all."""
        if path == "none":
            return
        r, d = self.r, self.days
        text = d.text[t0] if r() < 0.5 else ""
        h = Hist(ids("hist"), "NC", text, None, t0, 0, "", "")
        case.hists = [h]
        for p in case.defendants:
            day = t0 + int(r() * 60)
            p.links.append(Link(h, "DE", day) if day <= d.last and r() < 0.5 else Link(h))

    def _progcats(self, case: Case, kind: Kind, ids: IdWindows, redaction: str | None) -> None:
        cats = [kind.progcats[0]]
        if redaction:  # withheld for sealed or ongoing matters
            cats = [STAR]
        elif self.q["several_progcats"]():
            more = list(kind.progcats[1:])
            for _ in range(1 + int(self.r() * min(2, len(more)))):
                cats.append(more.pop(int(self.r() * len(more))))
        case.progcats = cats
        case.progcat_ids = [ids("prog") for _ in cats]

    def _finish(self, case: Case) -> None:
        d, q = self.days, self.q
        days = [case.recvd] + [h.sys_day for h in case.hists]
        for p in case.parties:
            days += [lk.day for lk in p.links if lk.day is not None]
            if p.sentence:
                days.append(p.sentence[0])
        case.update = min(max(days) + int(self.r() * 5), d.last)
        case.bad_update = q["bad_year_other"]()
        case.cr = q["stray_cr"]()

    def civil(self) -> Case:
        """A civil case (CLASS V): its ``D`` parties are civil defendants, not counted."""
        r, d = self.r, self.days
        dist = self.dist_other(r())
        t0 = d.first + int(r() * (d.last - d.first + 1))
        recvd = max(0, t0 - int(r() * 60))
        case = Case(dist, self._caseid(dist, recvd, "V"), None, recvd)
        case.sealed = self.q["civil_sealed"]()
        ids = self._ids(dist)
        h = self._hist(ids, "DC", t0, False, "", f"{d.date[t0].year % 100:02d}-cv")
        h.inst = 0  # no instrument in a civil case
        case.hists = [h]
        roles = ["D"] * (1 + int(r() * 2)) + ["P"]
        for role in roles:
            p = Party(ids("part"), role, "I" if r() < 0.6 else "A", "SAMPLEDOE")
            p.links.append(Link(h))
            case.add(p)
        self._close_ids(dist, ids)
        self._finish(case)
        return case
