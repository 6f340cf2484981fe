"""A synthetic LIONS release (EOUSA "National Caseload Data") with every trap
planted, its matching court file, and the counts planted for reconciliation.

``write_lions_sample(out, defendants=N, seed=S)`` builds a world of criminal
and civil cases (``lions_world``), writes it in the real release shape
(``lions_files``: ``DISKnn.zip`` of fixed-width members with their
``README.TXT``, the detailed log, code tables), optionally writes the court
file of the same defendants (``lions_court``), and always writes
``truth.json``: per (fiscal year, charge category) the quantities the tool's
reconciliation itemises, counted here from the world model, never from the
files. Same seed, same bytes. With a court file, ``truth.json``'s ``outcomes``
also holds how its cases ended (trials, same-day dispositions, plea-downs, at
the rates of ``outcomes.OUTCOME_RATES``).

The traps, each at a rate that leaves several instances at 2,000 defendants
(rates in ``lions_world.RATES``): magistrate-only petty 1325 cases beside 1326
felonies; cases moved from magistrate to district court (some across a fiscal
year); multi-defendant smuggling cases whose lead charge (1324) is not every
defendant's own; ``D*`` and ``*`` roles; ``*``, empty, garbage and ambiguous
(``8:01324a1``) lead charges and charges; impossible years (``0024``) in
filing and other dates; defendants with only ``NC`` histories, withheld filing
dates or no history; stray carriage returns inside records; latin-1 bytes; a
case ID used in both Texas-Southern and Arizona; several program categories on
a case; civil cases with ``D`` roles; IDs of every kind overlapping within a
case; investigative agencies (0, 1 or 2 per case, ``HSCB`` mostly).
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from crossings.errors import InvalidRequest
from crossings.fiscal import fiscal_year
from crossings.progress import ProgressCallback, ProgressUpdate
from crossings.sample.lions.builder import Builder
from crossings.sample.lions.court import DISP, MEMBER, CourtDefendant, CourtFileWriter
from crossings.sample.lions.files import (
    RecordTemplate,
    ReleaseWriter,
    log_name,
    parse_release,
)
from crossings.sample.lions.world import (
    CHARGES,
    UN,
    Case,
    Party,
    own_lead,
)
from crossings.sample.space import written

__all__ = ["LionsSampleInfo", "write_lions_sample"]

TRUTH = "truth.json"
USER = "SAMPLEUSR"  # CREATE_USER / UPDATE_USER on every record
ADDRESS, ADDRESS_CR = "123 SAMPLE ST", "123 SAMPLE\rST"  # a CR where a space was
SSN = "000-00-0000"
# Court-file-only defendants (no LIONS record): readable charges they may carry.
_EXTRA_CHARGES = ("1326", "1326b2", "1324", "1325f", "841", "1546")


class Truth:
    """The planted counts, per (fiscal year, charge category), and the trap tallies."""

    QUANTITIES = ("court_file", "transfers", "residual", "lead_charge", "date_basis",
                  "magistrate_only", "lions_district", "lions_all")

    def __init__(self) -> None:
        self.by: dict[str, dict[tuple[int, str], int]] = {
            q: {} for q in (*self.QUANTITIES, "own_lead")}
        self.traps: dict[str, int] = {}
        self.totals: dict[str, int] = {}

    def add(self, quantity: str, fy: int, cat: str, n: int = 1) -> None:
        d = self.by[quantity]
        d[(fy, cat)] = d.get((fy, cat), 0) + n

    def tally(self, name: str, n: int = 1, into: str = "traps") -> None:
        d = self.traps if into == "traps" else self.totals
        d[name] = d.get(name, 0) + n

    def rows(self) -> list[dict]:
        """One row per (fiscal year, category); lead_charge is lions_district minus
        the same defendants counted by their own lead charge."""
        keys = sorted({k for d in self.by.values() for k in d})
        out = []
        for fy, cat in keys:
            r = {q: self.by[q].get((fy, cat), 0) for q in self.QUANTITIES}
            r["lead_charge"] = r["lions_district"] - self.by["own_lead"].get((fy, cat), 0)
            out.append({"fiscal_year": fy, "charge": cat, **r})
        return out


class _Templates:
    """The record templates of the nine tables a sample fills."""

    def __init__(self) -> None:
        users = {"CREATE_USER": USER, "UPDATE_USER": USER}
        t = RecordTemplate
        self.case = t("GS_CASE", ("DISTRICT", "ID", "CLASS", "NAME", "RECVD_DATE", "US_ROLE",
                                  "LEAD_CHARGE", "SYS_INIT_DATE", "ACCESS_DATE", "STATUS",
                                  "CLOSE_DATE", "CREATE_DATE", "UPDATE_DATE"),
                      {"LIT_RESP": "US", "BRANCH": "01", **users})
        self.part = t("GS_PARTICIPANT", (
            "DISTRICT", "CASEID", "ID", "TYPE", "ROLE", "DEFEND_NUM", "LAST_NAME", "FIRST_NAME",
            "AGENCY", "SSN", "BIRTH_DATE", "GENDER", "COUNTRY", "HOME_ADDRESS1", "HOME_CITY",
            "HOME_STATE", "HOME_ZIPCODE", "SYS_INIT_DATE", "CREATE_DATE", "UPDATE_DATE"), users)
        self.hist = t("GS_COURT_HIST", ("DISTRICT", "CASEID", "ID", "COURT", "US_ROLE",
                                        "COURT_NUMBER", "FILING_DATE", "SYS_FILING_DATE",
                                        "CREATE_DATE", "UPDATE_DATE"), users)
        self.part_court = t("GS_PART_COURT", ("DISTRICT", "CASEID", "PARTID", "CRTHISID",
                                              "DISPOSITION", "DISP_DATE", "SYS_INIT_DATE",
                                              "CREATE_DATE", "UPDATE_DATE"), users)
        self.inst = t("GS_INSTRUMENT", ("DISTRICT", "CASEID", "CRTHISID", "ID", "TYPE",
                                        "FILING_DATE", "SYS_FILING_DATE", "CREATE_DATE",
                                        "UPDATE_DATE"), users)
        self.count = t("GS_COUNT", ("DISTRICT", "CASEID", "CRTHISID", "INSTID", "CHARGE",
                                    "CATEGORY", "ID", "CREATE_DATE", "UPDATE_DATE"), users)
        self.part_count = t("GS_PART_COUNT", ("DISTRICT", "CASEID", "PARTID", "CRTHISID",
                                              "INSTID", "CHARGE", "CATEGORY", "COUNTID",
                                              "DISPOSITION", "DISP_DATE", "CREATE_DATE",
                                              "UPDATE_DATE"), users)
        self.prog = t("GS_CASE_PROG_CAT", ("DISTRICT", "CASEID", "PROG_CAT", "ID",
                                           "CREATE_DATE", "UPDATE_DATE"), users)
        self.sentence = t("GS_SENTENCE", (
            "DISTRICT", "CASEID", "PARTID", "SENT_DATE", "INCAR_TYPE", "SUPER_REL_MONTHS",
            "INCAR_DAYS", "INCAR_MONTHS", "SPEC_ASSESSMENT", "SYS_SENT_DATE", "CREATE_DATE",
            "UPDATE_DATE"), users)


class _Emitter:
    """Writes one case's records; a sealed civil case is only counted as deleted."""

    def __init__(self, writer: ReleaseWriter, builder: Builder) -> None:
        self.w, self.days, self.t = writer, builder.days, _Templates()
        self.sinks = {name: writer.member(name) for name in (
            "GS_CASE", "GS_COURT_HIST", "GS_PART_COURT", "GS_INSTRUMENT", "GS_COUNT",
            "GS_PART_COUNT", "GS_CASE_PROG_CAT", "GS_SENTENCE")}

    def case(self, c: Case) -> None:
        out: dict[str, list[str]] = {}
        self._case(c, out)
        self._parties(c, out)
        self._court(c, out)
        if c.sealed:  # "Marked and sealed civil records deleted": only the log knows
            for table, records in out.items():
                self.w.note_deleted(table, len(records))
            return
        for table, records in out.items():
            sink = self.w.member(table, c.district) if table == "GS_PARTICIPANT" \
                else self.sinks[table]
            sink.extend(records)

    def _case(self, c: Case, out: dict[str, list[str]]) -> None:
        d, text = self.days, self.days.text
        defs = c.defendants
        who = defs[0].name if defs else "SAMPLEDOE"
        name = f"{who} V. USA" if c.civil else f"USA V.{chr(13) if c.cr else ' '}{who}"
        done = [p.links[-1].day for p in defs if p.links and p.links[-1].day is not None]
        closed = bool(defs) and len(done) == len(defs)
        upd = d.bad(c.update) if c.bad_update else text[c.update]
        out["GS_CASE"] = [self.t.case.fill((
            c.district, c.caseid, "V" if c.civil else "R", name, text[c.recvd],
            "D" if c.civil and c.caseid[-1] in "13579" else "P", c.lead.text, text[c.recvd],
            text[c.update], "C" if closed else "A", text[max(done)] if closed else "",
            text[c.recvd], upd))]
        out["GS_CASE_PROG_CAT"] = [self.t.prog.fill((c.district, c.caseid, cat, pid,
                                                     text[c.recvd], text[c.recvd]))
                                   for cat, pid in zip(c.progcats, c.progcat_ids, strict=True)]

    def _parties(self, c: Case, out: dict[str, list[str]]) -> None:
        text, tpl = self.days.text, self.t.part
        recvd, upd = text[c.recvd], text[c.update]
        records, sentences = [], []
        for p in c.parties:
            person = p.type == "I"
            name = p.name if person or not p.cr else p.name.replace(" ", "\r", 1)
            address = (ADDRESS_CR if p.cr else ADDRESS) if person else ""
            city, state = p.city
            records.append(tpl.fill((
                c.district, c.caseid, p.pid, p.type, p.role, p.num or "", name, p.first,
                p.agency, SSN if person else "", p.birth, ("M", "F")[p.pid % 2] if person else "",
                p.country, address, city, state, "00000" if person else "", recvd, recvd, upd)))
            if p.sentence:
                sday, kind, days, months = p.sentence
                fee = "10.00" if days or kind else "100.00"
                sentences.append(self.t.sentence.fill((
                    c.district, c.caseid, p.pid, text[sday], kind, "36" if months else "",
                    days or "", months or "", fee, text[sday], text[sday], upd)))
        out["GS_PARTICIPANT"] = records
        out["GS_SENTENCE"] = sentences

    def _court(self, c: Case, out: dict[str, list[str]]) -> None:
        text, t = self.days.text, self.t
        upd = text[c.update]
        us_role = "D" if c.civil and c.caseid[-1] in "13579" else "P"
        hist, inst, count, pcourt, pcount = [], [], [], [], []
        for h in c.hists:
            sys = text[h.sys_day]
            hist.append(t.hist.fill((c.district, c.caseid, h.id, h.court, us_role, h.number,
                                     h.filing, sys, sys, upd)))
            if h.inst:
                inst.append(t.inst.fill((c.district, c.caseid, h.id, h.inst, h.inst_type,
                                         h.filing, sys, sys, upd)))
        for cid, h, ch in c.counts:
            sys = text[h.sys_day]
            count.append(t.count.fill((c.district, c.caseid, h.id, h.inst, ch.text, ch.level,
                                       cid, sys, upd)))
        for p in c.parties:
            for lk in p.links:
                day = "" if lk.day is None else text[lk.day]
                pcourt.append(t.part_court.fill((c.district, c.caseid, p.pid, lk.hist.id,
                                                 lk.disp, day, text[lk.hist.sys_day],
                                                 text[lk.hist.sys_day], upd)))
            final = p.links[-1] if p.links else None
            for k, (cid, h, ch) in enumerate(p.counts):
                disp, day = "", ""
                if final is not None and final.hist is h and final.disp:
                    disp = final.disp if k == 0 or final.disp not in ("GT", "NC") else "DM"
                    day = text[final.day]
                pcount.append(t.part_count.fill((c.district, c.caseid, p.pid, h.id, h.inst,
                                                 ch.text, ch.level, cid, disp, day,
                                                 text[h.sys_day], upd)))
        out.update({"GS_COURT_HIST": hist, "GS_INSTRUMENT": inst, "GS_COUNT": count,
                    "GS_PART_COURT": pcourt, "GS_PART_COUNT": pcount})


class _Accountant:
    """Counts each case by the tool's definitions, from the model, and writes the
    matching court-file rows (the court file's own planted mismatches included)."""

    def __init__(self, truth: Truth, builder: Builder, court: CourtFileWriter | None) -> None:
        self.t, self.b, self.court, self.days = truth, builder, court, builder.days

    def case(self, c: Case) -> None:
        t = self.t
        if c.civil:
            t.tally("civil_sealed_deleted" if c.sealed else "civil_cases", into="totals")
            t.tally("civil_defendants", sum(p.role == "D" for p in c.parties), into="totals")
            return
        t.tally("criminal_cases", into="totals")
        self._case_traps(c)
        dated_dc = any(h.court == "DC" and h.day is not None for h in c.hists)
        for p in c.defendants:
            t.tally("defendants", into="totals")
            self._party_traps(c, p, dated_dc)
            self._defendant(c, p)
        for p in c.parties:
            if p.role == "*":
                t.tally("role_star")
            if p.cr:
                t.tally("stray_cr_participant")

    def _case_traps(self, c: Case) -> None:
        t, lead = self.t, c.lead.text
        flags = {"lead_star": lead == "*", "lead_empty": lead == "",
                 "lead_ambiguous": lead == "8:01324a1",
                 "lead_garbage": c.lead.cat == UN and lead not in ("*", "", "8:01324a1"),
                 "several_progcats": len(c.progcats) > 1, "stray_cr_case": c.cr,
                 "bad_year_update": c.bad_update,
                 "no_agency": not any(p.role in ("IN", "*") and p.type == "A" for p in c.parties),
                 "two_agencies": sum(p.type == "A" for p in c.parties) == 2,
                 "multi_defendant_smuggling": c.kind.name == "smuggling"
                 and len(c.defendants) > 1}
        for name, hit in flags.items():
            if hit:
                t.tally(name)
        for h in c.hists:
            if h.filing.endswith("-0024"):
                t.tally("bad_year_filing")
            elif h.court != "NC" and h.day is None:
                t.tally("withheld_filing")
            elif h.court == "NC" and h.filing:
                t.tally("dated_nc_history")
        for _, _, ch in c.counts:
            if ch.cat == UN:
                t.tally("charge_star" if ch.text == "*" else "charge_ambiguous"
                        if ch.text == "8:01324a1" else "charge_garbage")
        pids = {p.pid: p for p in c.defendants}
        if any(cid in pids and all(k != cid for k, _, _ in pids[cid].counts)
               for cid, _, _ in c.counts):
            t.tally("participant_id_equals_other_count_id")

    def _party_traps(self, c: Case, p: Party, dated_dc: bool) -> None:
        t = self.t
        for name, hit in (("role_d_star", p.role == "D*"), ("role_dj_dg", p.role in ("DJ", "DG")),
                          ("latin1", not (p.name + p.city[0]).isascii()),
                          ("bad_year_birth", p.birth.endswith("0024")),
                          ("no_history", not p.links),
                          ("nc_only", bool(p.links) and all(lk.hist.court == "NC"
                                                            for lk in p.links)),
                          ("sentenced_same_day_as_filed", bool(p.sentence) and any(
                              lk.hist.court == "MG" and lk.hist.day == p.sentence[0]
                              for lk in p.links))):
            if hit:
                t.tally(name)
        mg_only = p.links and all(lk.hist.court == "MG" for lk in p.links)
        if mg_only and dated_dc:
            t.tally("magistrate_only_codefendant_in_district_case")

    def _defendant(self, c: Case, p: Party) -> None:
        t, fy = self.t, self.days.fy
        mg = min((lk.hist.day for lk in p.links if lk.hist.court == "MG"
                  and lk.hist.day is not None), default=None)
        dc = min((lk.hist.day for lk in p.links if lk.hist.court == "DC"
                  and lk.hist.day is not None), default=None)
        own = own_lead([(cid, ch) for cid, _, ch in p.counts])
        own_cat, case_cat = (own.cat if own else UN), c.lead.cat
        if own is not None and own.cat != UN and own.fjc == "-8":
            raise RuntimeError(f"{own.text}: a readable own lead needs an FJC citation")
        if dc is None and mg is None:
            t.tally("not_filings", into="totals")
            return
        if dc is None:
            t.add("magistrate_only", fy[mg], case_cat)
            t.add("lions_all", fy[mg], case_cat)
            if own is not None and own.cat == "illegal_entry" and own.level == "P":
                t.tally("magistrate_only_petty_1325")
            return
        early = dc if mg is None else min(mg, dc)
        t.add("lions_district", fy[dc], case_cat)
        t.add("own_lead", fy[dc], own_cat)
        t.add("date_basis", fy[early], case_cat)
        t.add("date_basis", fy[dc], case_cat, -1)
        t.add("lions_all", fy[early], case_cat)
        t.tally("district_court_defendants", into="totals")
        if mg is not None:
            t.tally("moved_magistrate_to_district")
            if fy[mg] != fy[dc]:
                t.tally("moved_across_fiscal_year")
        if own_cat != case_cat:
            t.tally("own_lead_differs_from_case_lead")
        if c.kind.name == "smuggling" and own_cat in ("illegal_entry", "illegal_reentry"):
            t.tally("smuggling_defendant_own_entry_or_reentry")
        self._court_file(p, dc, mg is not None, own, own_cat, fy[dc], c.district)

    def _court_file(self, p: Party, dc: int, mag: bool, own, own_cat: str, fy: int,
                    district: str) -> None:
        t, q = self.t, self.b.q
        status = "transfer" if q["transfer"]() else "missing" if q["missing_from_court"]() \
            else "filed"
        if status == "missing":
            t.add("residual", fy, own_cat)
            t.tally("court_file_missing_defendant")
        else:
            t.add("court_file" if status == "filed" else "transfers", fy, own_cat)
            if self.court is not None:
                final = next(lk for lk in reversed(p.links) if lk.hist.court == "DC")
                months = None
                if p.sentence and final.disp in ("GT", "NC"):
                    months = p.sentence[3] or p.sentence[2] // 30
                disposed = None if final.day is None else self.days.date[final.day]
                outcome = None
                if disposed is not None:  # trial, plea-down: outcomes.OUTCOME_RATES
                    same_day = final.day == dc
                    outcome = self.b.outcomes.court(final.disp, DISP.get(final.disp, 1), own,
                                                    same_day)
                    self.b.outcomes.count(fiscal_year(disposed), own_cat, outcome, same_day)
                self.court.defendant(CourtDefendant(
                    district, p.num or 1, self.days.date[dc], own.fjc if own else "-8",
                    status == "transfer", mag, disposed, final.disp or None, months,
                    outcome and outcome.disp, outcome and outcome.citation))
        if q["court_extra"]():
            self._extra()

    def _extra(self) -> None:
        """A court-file defendant with no LIONS record (a residual the other way)."""
        r, d = self.b.r, self.days
        ch = CHARGES[_EXTRA_CHARGES[int(r() * len(_EXTRA_CHARGES))]]
        district = self.b.dist_imm(r())
        day = d.first + int(r() * (d.last - d.first + 1))
        self.t.add("court_file", d.fy[day], ch.cat)
        self.t.add("residual", d.fy[day], ch.cat, -1)
        self.t.tally("court_file_extra_defendant")
        if self.court is not None:
            self.court.defendant(CourtDefendant(district, 1, d.date[day], ch.fjc, False,
                                                False, None, None, None))


@dataclass(frozen=True)
class LionsSampleInfo:
    """What :func:`write_lions_sample` wrote."""

    out: Path
    release: str
    seed: int
    defendants: int
    zips: tuple[Path, ...]
    zip_bytes: dict[str, int]
    zip_sha256: dict[str, str]
    log: Path | None  # beside the zips; None when inside DISK01 or absent
    log_member: str | None  # its name inside DISK01, when inside
    truth: Path
    court_file: Path | None
    court_rows: int
    court_bytes: int
    records: dict[str, int]  # per table
    text_bytes: int  # uncompressed table text
    seconds: float
    extra: dict = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.records.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def mb_per_second(self) -> float:
        return self.text_bytes / 1e6 / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict:
        out = asdict(self)
        for key in ("out", "log", "truth", "court_file"):
            out[key] = None if out[key] is None else str(out[key])
        out["zips"] = [str(z) for z in self.zips]
        out.update(rows=self.rows, rows_per_second=round(self.rows_per_second),
                   mb_per_second=round(self.mb_per_second, 1), seconds=round(self.seconds, 2))
        return out


def _court_path(court_file: Path | str | None) -> Path | None:
    if court_file is None:
        return None
    path = Path(court_file)
    if path.is_dir():
        return path / MEMBER
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_lions_sample(out: Path | str, *, defendants: int = 5000, seed: int = 1,
                       release: str = "JUNFY2025", court_file: Path | str | None = None,
                       progress: ProgressCallback | None = None, disks: int = 3,
                       log: str = "inside") -> LionsSampleInfo:
    """Write a synthetic LIONS release of ``defendants`` criminal defendants into
    the folder ``out``, with ``truth.json`` beside it and, when ``court_file`` is
    given (a file, or a folder for ``cr96on.txt``), the court file of the same
    world. Same arguments, same bytes. A full disk is :class:`DiskFull`."""
    with written(Path(out), remove=False):
        return _write_lions_sample(out, defendants=defendants, seed=seed, release=release,
                                   court_file=court_file, progress=progress, disks=disks,
                                   log=log)


def _write_lions_sample(out: Path | str, *, defendants: int, seed: int, release: str,
                        court_file: Path | str | None, progress: ProgressCallback | None,
                        disks: int, log: str) -> LionsSampleInfo:
    if defendants < 1:
        raise ValueError(f"defendants must be 1 or more, not {defendants}")
    try:
        end = parse_release(release)
    except ValueError:  # the name also names files: nothing but a release name is taken
        raise InvalidRequest(f"{release!r} is not a release name",
                             hint="a release is named like JUNFY2025 (month, FY, fiscal "
                                  "year)") from None
    out, started = Path(out), time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)  # first: court_file may name this folder
    release_fy = fiscal_year(end)
    builder = Builder(seed, end, min(2016, release_fy - 2))
    truth, court_path = Truth(), _court_path(court_file)
    court = CourtFileWriter(court_path, end) if court_path else None
    every, done, task = max(defendants // 100, 1), 0, f"sample LIONS {release}"
    with ReleaseWriter(out, release, disks=disks, log=log, layout_seed=seed) as w:
        emitter, acct = _Emitter(w, builder), _Accountant(truth, builder, court)
        for case in builder.cases(defendants):
            emitter.case(case)
            acct.case(case)
            if progress is not None and not case.civil:
                before, done = done, done + len(case.defendants)
                if done // every != before // every or done == defendants:
                    rows = sum(m.records for m in w.members.values())
                    progress(ProgressUpdate(task, done, defendants, "defendants", rows))
    files = w.files
    court_rows, court_bytes, court_sha = court.close() if court else (0, 0, None)
    truth.tally("reused_caseid_pairs", builder.pairs)
    doc = _truth_doc(truth, files, release, seed, defendants, court_path, court_rows,
                     court_sha)
    if court is not None:  # what the court file says of how its cases ended
        doc["outcomes"] = builder.outcomes.doc()
    truth_path = out / TRUTH
    truth_path.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    return LionsSampleInfo(
        out=out, release=release, seed=seed, defendants=defendants, zips=files.zips,
        zip_bytes={z.name: z.stat().st_size for z in files.zips}, zip_sha256=files.sha256,
        log=files.log, log_member=files.log_member, truth=truth_path, court_file=court_path,
        court_rows=court_rows, court_bytes=court_bytes, records=files.table_records(),
        text_bytes=sum(files.text_bytes.values()), seconds=time.perf_counter() - started,
        extra={"court_sha256": court_sha, "log_name": log_name(release)})


def _truth_doc(truth: Truth, files, release: str, seed: int, defendants: int,
               court_path: Path | None, court_rows: int, court_sha: str | None) -> dict:
    rows = truth.rows()
    totals = {q: sum(r[q] for r in rows) for q in Truth.QUANTITIES}
    totals.update(truth.totals)
    totals["cases"] = files.table_records().get("GS_CASE", 0)
    totals.pop("not_filings", None)
    return {
        "release": release, "seed": seed, "defendants": defendants,
        "synthetic": True,
        "definitions": {
            "defendant": "participant of a CLASS R case whose ROLE starts with D (D* too)",
            "filing_date": "earliest readable FILING_DATE of its MG and DC court histories "
                           "(via GS_PART_COURT); blank, '*' and impossible years such as "
                           "0024 are not dates",
            "own_lead_charge": "first F count, else first M, else first P, by COUNTID",
            "fiscal_year": "October 1 to September 30, named by the year it ends",
        },
        "by_fiscal_year_charge": rows,
        "totals": totals,
        "not_filings": truth.totals.get("not_filings", 0),
        "traps": dict(sorted(truth.traps.items())),
        "records": files.table_records(),
        "deleted": files.deleted,
        "court_file": None if court_path is None else {
            "name": court_path.name, "rows": court_rows, "sha256": court_sha,
            "ctfil": totals["court_file"], "transfers": totals["transfers"]},
    }
