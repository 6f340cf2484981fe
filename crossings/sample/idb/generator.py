"""A synthetic FJC criminal defendants file (``cr96on.txt``) in the exact layout.

The rows follow the real file's semantics (the FJC fact base): one row per
defendant per fiscal-year snapshot, FY1996 to a partial FY2026 whose "now" is
:data:`AS_OF`; the ten 0/1 counting flags as the codebook defines them;
termination fields only on the termination-year row; Rule 20/21 transfers,
superseding dismissals and reopens as separate defendant records. The mix is
shaped like the published series (about 27% immigration, ~78% of it in the
five southwest border districts); citations come from the shipped table.

Planted traps, each at a low rate, that counting code must handle: ACA
citations (``18:13-8720.F``); parseable citations missing from the table
(``8:1326C.F``) with D2 code ``-8``; listed citations with D2 ``-8``; a D2 code
with citation ``-8``; only FOFFCD; nothing usable in slot 1; D2 codes ``-8``
before FY2005 (as in the real file); filings and terminations counted one FY
after their date (late reporting); ``-8`` count flags in FY1996-1999; re-sent
rows (same DEFLGKY and FISCALYR, higher VER); latin-1 bytes (``DOÑA``) in
COUNTY. Rows come case by case, not sorted. A re-sent row is a second flagged
record: the counting rules count each flagged record, as the AO does.

Beside the file, ``<name>-truth.json`` records what was planted, from the
sample's own tables (``model.D2_CATEGORY``, ``model.OLD_CATEGORY``, the
planted category of each unlisted citation), never from the tool's rules:
per fiscal year and category the flagged filing records (CTFIL = 1) by the
lead filing charge, and per fiscal year how many of them carry their category
only in the older offense code (FOFFCD1).

FSEVn/TSEVn, PRISCDn, PROBCDn, PROCCD, APPCD and INT1-INT3 are not explained
in the fact base: they hold plausible small codes (INTn: months from filing to
disposition, disposition to sentencing, filing to termination).

Same seed, same bytes: one ``random.Random(seed)`` drawn in a fixed order,
tables walked in file order, no set or str-hashed dict ever iterated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from math import exp
from pathlib import Path
from random import Random

from crossings import settings
from crossings.codebook import idb as idb_codes
from crossings.codebook.idb import SYNTHETIC_SOURCE
from crossings.errors import InvalidRequest
from crossings.progress import ProgressCallback, ProgressUpdate
from crossings.sample.idb.model import (
    _ACA,
    _BORDER_SHARE,
    _CONVICTED,
    _EMPTY_SLOT,
    _EMPTY_TSLOT,
    _FILED,
    _FLAGS,
    _LOAD_NOW,
    _LOADS,
    _NEG_FLAGS,
    _NOT_FUGITIVE,
    _NOT_MAGISTRATE,
    _NOT_TERMINATED,
    _NOT_TRANSFERRED,
    _NUM3,
    _T1,
    _TRAPS,
    _UNLISTED,
    AS_OF,
    D2_CATEGORY,
    D2_FIRST_FY,
    LAST_FY,
    MEMBER,
    ND,
    NI,
    OLD_CATEGORY,
    P_DUP,
    P_LATE,
    P_LATIN1,
    P_NEG_FLAGS,
    P_PLEA_DOWN,
    P_REOPEN,
    P_TRANSFER,
    P_TRAP_IMM,
    P_TRAP_OTHER,
    UN,
    UNLISTED_CATEGORY,
    ZIP_NAME,
    M,
    _Cat,
    _charge,
    _Ctx,
    _District,
    _Fate,
    _rows_per_defendant,
    _tables,
    _years,
)
from crossings.sample.space import check_room, written
from crossings.sample.zipwrite import write_deflate64_zip

__all__ = ["AS_OF", "MEMBER", "SYNTHETIC_SOURCE", "SampleInfo", "iter_idb_rows",
           "write_idb_sample"]


@dataclass(frozen=True)
class SampleInfo:
    """What :func:`write_idb_sample` wrote."""

    path: Path
    rows: int
    text_bytes: int  # size of cr96on.txt (the zip member when zipped)
    zip_bytes: int | None  # size of the zip, None when not zipped
    sha256: str  # of the written file (the zip when zipped)
    seed: int
    truth: Path | None = None  # what was planted (see the module's docstring)

    @property
    def bytes_per_row(self) -> float:
        return self.text_bytes / self.rows if self.rows else 0.0

    @property
    def ratio(self) -> float | None:
        """Member bytes per zip byte, None when not zipped."""
        return self.text_bytes / self.zip_bytes if self.zip_bytes else None

    def to_dict(self) -> dict:
        ratio = self.ratio
        return {**asdict(self), "path": str(self.path),
                "truth": None if self.truth is None else str(self.truth),
                "bytes_per_row": round(self.bytes_per_row, 2),
                "ratio": None if ratio is None else round(ratio, 2)}


class _Generator:
    def __init__(self, seed: int):
        self.r = Random(seed).random
        self.t = _tables()
        self.dockets: dict[tuple[str, str], int] = {}
        self.filings: dict[tuple[int, str], int] = {}  # (FY, category) -> CTFIL records
        self.by_old_code: dict[int, int] = {}  # FY -> of those, read from FOFFCD1 only
        self._pending: list[tuple[int, str, bool]] = []  # the current case's, until kept

    def truth(self) -> dict:
        """What was planted, from the sample's own tables."""
        return {
            "filings_by_fiscal_year_charge": [
                {"fiscal_year": fy, "charge": cat, "defendants": n}
                for (fy, cat), n in sorted(self.filings.items())],
            "filings_by_older_offense_code_by_fiscal_year": {
                str(fy): n for fy, n in sorted(self.by_old_code.items())},
        }

    def _planted(self, c: _Ctx, d2_ok: bool) -> tuple[str, bool]:
        """The category planted in slot 1 of the filing charges, from the sample's own
        tables, and whether only the older offense code (FOFFCD1) carries it."""
        cit, _, foff, alt, d2 = c.charges[0][:5]
        if cit != M:
            return UNLISTED_CATEGORY.get(cit) or D2_CATEGORY.get(self.t.charge[cit][4], NI), False
        if d2 != M and d2_ok:
            return D2_CATEGORY.get(d2, NI), False
        code = alt if c.old_code else foff
        if code != M:
            return OLD_CATEGORY.get(code, NI), True
        return UN, False

    def _tally(self, c: _Ctx, y: int, flags: str, planted: tuple[str, bool]) -> None:
        if c.dist is self.t.test or flags.split("\t")[1] != "1":  # CTFIL
            return
        self._pending.append((y, *planted))

    def _commit(self) -> None:
        for y, cat, old in self._pending:
            self.filings[(y, cat)] = self.filings.get((y, cat), 0) + 1
            if old:
                self.by_old_code[y] = self.by_old_code.get(y, 0) + 1
        self._pending.clear()

    def batches(self, rows: int, test_rows: int) -> Iterator[list[str]]:
        """Lines (CRLF-terminated) case by case, exactly ``rows`` in all."""
        budget = rows - test_rows
        years = list(_years())
        weight = [w * _rows_per_defendant(LAST_FY - y) for y, w in zip(years, _FILED,
                                                                        strict=True)]
        for i, y in enumerate(years):
            quota, made = budget * weight[i] / sum(weight[i:]), 0
            while budget > 0 and (made < quota or y == LAST_FY):
                self._pending.clear()
                lines = self.case(y)
                if len(lines) > budget:  # the budget's end: one-row defendants fit exactly
                    self._pending.clear()  # that case is not written: nor counted
                    lines = self.case(y, single=True)
                self._commit()
                made += len(lines)
                budget -= len(lines)
                yield lines
        for k in range(test_rows):
            yield self.case(years[k % len(years)], single=True, dist=self.t.test)

    def case(self, y: int, *, single: bool = False, dist: _District | None = None) -> list[str]:
        """The rows of one docket filed in FY ``y`` (``single``: one row, no extras)."""
        r, t = self.r, self.t
        imm = r() < t.imm_share[y]
        cat = (t.imm_cat if imm else t.other_cat)(r())
        if dist is None:
            dist = ((t.border if r() < _BORDER_SHARE else t.inland) if imm
                    else t.any_district)(r())
        n = 1 if single else t.codefs[cat.name](r())
        start, end = t.fy_start[y], t.fy_end[y]
        day = start + int(r() * (end - start + 1))
        office, docket = dist.office(r()), self._docket(dist, day)
        mag = (("MJ", f"{self._docket(dist, day, mag=True)}\t001")
               if r() < (0.6 if imm else 0.3) else _NOT_MAGISTRATE)
        lead = self._lead(cat)
        lines: list[str] = []
        for i in range(n):
            if i and r() < 0.2:
                lead = self._lead(cat)
            charges, trap = self._charges(cat, lead, single)
            c = _Ctx(cat, dist, office, docket, _NUM3[i + 1], _NUM3[n], 0, False,
                     _NOT_TRANSFERRED, mag, charges, trap, None, t.counsel[imm](r()),
                     self._county(dist), 1 + int(r() * 3), r() < 0.15)
            fday = day if i == 0 or r() < 0.9 else min(day + int(r() * 20), end)
            lines += self.defendant(c, fday, single)
        return lines

    def defendant(self, c: _Ctx, day: int, single: bool) -> list[str]:
        fate = self._fate(c, day, single)
        lines = self._emit(c, day, fate, single)
        if not single and fate.tday is not None:
            lines += self._successor(c, fate)
        return lines

    def _lead(self, cat: _Cat) -> str:
        lead = self.t.lead[cat.name](self.r())
        return self.t.lead_any(self.r()) if lead == "*" else lead

    def _ln(self, median: float, spread: float) -> float:
        """A log-normal draw: ``median`` times e to a standard normal times ``spread``."""
        return median * exp(spread * self.t.z[int(self.r() * 4096)])

    def _docket(self, dist: _District, day: int, *, mag: bool = False) -> str:
        # Numbered per district and calendar year, in order, with small gaps.
        key = (dist.circuit + dist.code + ("M" if mag else ""), self.t.yy[day])
        n = self.dockets.get(key)
        n = 1 + int(self.r() * 20) if n is None else n + 1 + int(self.r() * (3 if mag else 2))
        self.dockets[key] = n
        return f"{key[1]}{n % 100000:05d}"

    def _county(self, dist: _District) -> str:
        r = self.r
        if r() < 0.3:
            return M
        if dist.code == "84" and r() < P_LATIN1:
            return "DOÑA"  # a county name keyed into the code field (latin-1 byte)
        return f"{dist.state}{2 * int(r() * dist.units) + 1:03d}"

    def _charges(self, cat: _Cat, lead: str, single: bool) -> tuple[list, str | None]:
        r, t = self.r, self.t
        first = t.charge[lead]
        charges = [first]
        extras = t.extras.get((cat.name, first[1]))
        if extras is not None:
            charges += [t.charge[extras(r())] for _ in range(t.counts[cat.name](r()) - 1)]
        if single or r() >= (P_TRAP_IMM if cat.imm else P_TRAP_OTHER):
            return charges, None
        trap = _TRAPS[int(r() * len(_TRAPS))]
        return self._trap(cat, trap, charges), trap

    def _trap(self, cat: _Cat, trap: str, charges: list) -> list:
        cit, lvl, foff, alt, d2, sev = charges[0][:6]
        if trap == "blank":  # nothing usable in any slot
            return [_charge(M, M, M, M, M, M)]
        if trap == "aca":
            lead = self.t.charge[_ACA.get(cat.name, _ACA[""])]
        elif trap == "unlisted":
            lead = self.t.charge[_UNLISTED.get(cat.name, _UNLISTED[""])[0]]
        elif trap == "nod2":
            lead = _charge(cit, lvl, foff, alt, M, sev)
        elif trap == "nocite":
            lead = _charge(M, lvl, foff, alt, d2, sev)
        else:  # "codeonly": neither citation nor D2 code, only the older code
            lead = _charge(M, M, alt, alt, M, M)  # a code of the older list, not the D2
        return [lead, *charges[1:]]

    def _fate(self, c: _Ctx, day: int, single: bool) -> _Fate:
        r, cat = self.r, c.cat
        if not (single or c.tin or c.reopseq) and r() < P_TRANSFER:
            dday = day + int(self._ln(35, 0.7))  # Rule 20/21: leaves for another district
            return self._settle(day, 0, dday, None, dday, None, single)
        begin, fug = day, None
        if not single and r() < cat.fugitive:
            a = day + 1 + int(r() * 180)
            b = a + int(self._ln(700, 1.0)) if r() < 0.55 else _T1 + 1  # +1: never caught
            begin, fug = b, (a, b)
        disp1 = self.t.disp[cat.imm](r())
        quick = cat.name == "entry" and r() < 0.35  # "Streamline": same or next day
        dday = begin + (int(r() * 2) if quick else int(self._ln(*cat.disp)))
        if disp1 in _CONVICTED:
            same_day = quick or (cat.name == "entry" and r() < 0.7)
            sday = dday if same_day else dday + int(self._ln(*cat.sent))
            return self._settle(day, disp1, dday, sday, sday, fug, single)
        return self._settle(day, disp1, dday, None, dday, fug, single)

    def _settle(self, day: int, disp1: int, dday: int, sday: int | None, tday: int,
                fug: tuple[int, int] | None, single: bool) -> _Fate:
        """Counting years from the dates: pending past AS_OF, late reporting."""
        r, t = self.r, self.t
        f, end = t.fyof[day], t.fy_end[t.fyof[day]]
        if single and tday > end and f < LAST_FY:  # one row: terminated within its FY
            tday, dday = end, min(dday, end)
            sday = None if sday is None else min(sday, end)
        if tday > (end if single else _T1):
            return _Fate(f, None, disp1, dday, sday, None, fug)
        tfy = t.fyof[tday]
        if not single:
            if f < LAST_FY and day > end - 45 and r() < P_LATE:
                f += 1  # filed late in a year, counted in the next
            if tfy < LAST_FY and tday > t.fy_end[tfy] - 45 and r() < P_LATE:
                tfy += 1
        return _Fate(f, max(tfy, f), disp1, dday, sday, tday, fug)

    def _emit(self, c: _Ctx, day: int, fate: _Fate, single: bool) -> list[str]:
        r, t = self.r, self.t
        f, tfy = fate.f, fate.t
        last = LAST_FY if tfy is None else tfy
        head, filing = self._head(c), self._filing(c, day, f)
        term = _NOT_TERMINATED if tfy is None else self._term(c, day, fate)
        base = c.tin << 3 | (c.reopseq > 0) << 4 | (fate.disp1 != 0) << 5
        upd_f = day + int(r() * 30)
        upd_t = 0 if fate.tday is None else fate.tday + int(r() * 15)
        dup = -1 if single or r() >= P_DUP else f + int(r() * (last - f + 1))
        fy_start, fy_end, text, lines = t.fy_start, t.fy_end, t.day, []
        planted = self._planted(c, f >= D2_FIRST_FY)
        for y in range(f, last + 1):
            is_t, end = y == tfy, fy_end[y]
            fugs, away = (_NOT_FUGITIVE, False) if fate.fug is None else \
                self._fugitive(fate.fug, end)
            flags = _FLAGS[(y == f) | is_t << 1 | away << 2 | base]
            if y < 2000 and r() < P_NEG_FLAGS:  # early extracts: flags not populated
                flags = _NEG_FLAGS if r() < 0.5 else _partial_flags(flags)
            if is_t:
                upd = min(upd_t, end)
            elif y == f or r() < 0.3:
                upd = min(upd_f, end)
            else:  # a record pending across years: some docket activity in each
                upd = upd_f = end - int(r() * (end - fy_start[y]))
            row = (f"{y}\t{head}\t{'J' if is_t else 'E'}\t{fugs}\t{filing}\t{text[upd]}\t"
                   f"{term if is_t else _NOT_TERMINATED}\t{flags}\t{SYNTHETIC_SOURCE}\t")
            # Each row as last loaded; FY2026 rows all in the latest load (the "as of").
            ver = c.ver + (y - f if y - f < 6 else 6)
            load = _LOADS[int(r() * 3)] if y < LAST_FY else _LOAD_NOW
            tape = 2099 if tfy is None else y
            lines.append(f"{row}{ver}\t{load}\t{tape}\r\n")
            self._tally(c, y, flags, planted)
            if y == dup:  # the same record sent again, one version later: flagged twice
                lines.append(f"{row}{ver + 1}\t{_LOAD_NOW}\t{tape}\r\n")
                self._tally(c, y, flags, planted)
        return lines

    def _fugitive(self, fug: tuple[int, int], end: int) -> tuple[str, bool]:
        a, b = fug
        if a > end:
            return _NOT_FUGITIVE, False
        text = self.t.day
        if b <= end:
            return f"N\t{text[a]}\t{text[b]}", False
        return f"{'Y' if end - a <= 365 else 'Z'}\t{text[a]}\t{ND}", True

    def _head(self, c: _Ctx) -> str:
        """CIRCUIT .. MAGDEF (fields 2-16)."""
        case = f"{c.dist.circuit}{c.dist.code}{c.office}{c.docket}CR"
        return (f"{c.dist.circuit}\t{c.dist.code}\t{c.office}\t{c.docket}\t{c.defno}\t"
                f"{c.ctdef}\t\t{c.reopseq}\tCR\t{'CR' if c.tin else M}\t{c.mag[0]}\t"
                f"{case}{c.defno}{c.reopseq}\t{case}{c.reopseq}\t{c.mag[1]}")

    def _filing(self, c: _Ctx, day: int, f: int) -> str:
        """FILEDATE .. TRANDEF (fields 21-57): the same on every row of the record."""
        r, t = self.r, self.t
        u = r()
        proc = (t.day[day] if u < 0.55 else ND if u < 0.75
                else t.day[min(day + int(self._ln(20, 1.0)), _T1)])  # indicted after complaint
        app = ND if r() < 0.3 else t.day[max(day - int(r() * 20), 0)]
        d2_ok = f >= D2_FIRST_FY
        slots = [ch[6 if d2_ok else 7] for ch in c.charges] + [_EMPTY_SLOT] * (5 - len(c.charges))
        if c.old_code:
            cit, lvl, _, alt, d2, sev = c.charges[0][:6]
            slots[0] = f"{cit}\t{lvl}\t{alt}\t{d2 if d2_ok else M}\t{sev}"
        proccd = c.proccd or t.proccd(r())
        return (f"{t.day[day]}\t{proc}\t{proccd}\t{app}\t{t.appcd(r())}\t\t{c.counsel}\t"
                f"{chr(9).join(slots)}\t{c.county}\t{c.tran}")

    def _term(self, c: _Ctx, day: int, fate: _Fate) -> str:
        """DISPDATE .. FINETOT (fields 59-130), for the termination-year row only."""
        r, t = self.r, self.t
        disp1, conv = fate.disp1, fate.disp1 in _CONVICTED
        charges, cat = c.charges, c.cat
        if conv and cat.name == "reentry" and c.trap is None and r() < P_PLEA_DOWN:
            # Pled down: 1326 at filing, 1325 at termination.
            charges = [t.charge["8:1325A1.P" if r() < 0.7 else "8:1325.M"], *charges[1:]]
            cat = t.entry
        pris, prob, supv, fine = self._sentence(cat) if conv else (M, M, M, M)
        sentenced = conv and pris not in (-2, -3, -8)
        key, slots = 6 if fate.t >= D2_FIRST_FY else 7, []
        for k, ch in enumerate(charges):
            dk = disp1 if k == 0 or not conv or r() < 0.45 else 1  # other counts dismissed
            if dk in _CONVICTED and sentenced:
                pcd = "1" if pris > 0 else M
                money = fine if k == 0 else 0
                tail = f"{pris}\t{pcd}\t{prob}\t{'1' if prob > 0 else M}\t{supv}\t{money}"
            elif dk in _CONVICTED:
                tail = f"{pris}\t{M}\t{M}\t{M}\t{M}\t{M}"
            else:
                tail = f"{M}\t{M}\t{M}\t{M}\t{M}\t{M}"
            slots.append(f"{ch[key]}\t{dk}\t{tail}")
        slots += [_EMPTY_TSLOT] * (5 - len(slots))
        dday, sday, tday, text = fate.dday, fate.sday, fate.tday, t.day
        ints = (f"{(dday - day) // 30}\t{M if sday is None else (sday - dday) // 30}\t"
                f"{(tday - day) // 30}")
        office = c.office if r() < 0.95 else c.dist.office(r())
        counsel = c.counsel if r() < 0.9 else t.counsel[c.cat.imm](r())
        return (f"{text[dday]}\t{ND if sday is None else text[sday]}\t{text[tday]}\t{ints}\t"
                f"{office}\t\t{counsel}\t{chr(9).join(slots)}\t{pris}\t{prob}\t{fine}")

    def _sentence(self, cat: _Cat) -> tuple[int, int | str, int | str, int | str]:
        """PRISTOT (months or a sentinel), PROBTOT, SUPVREL, FINETOT of a conviction."""
        r = self.r
        u = r()
        if u < 0.01:  # guilty but no sentence / sealed / missing
            return (-2 if u < 0.004 else -3 if u < 0.006 else -8), M, M, M
        if u < 0.01 + cat.life:
            return (-5 if r() < 0.01 else -4), 0, 60, 0  # death: extremely rare
        fine = int(self._ln(2500, 1.2)) // 100 * 100 if r() < cat.fine else 0
        if r() < cat.probation:
            return 0, (12, 24, 36, 60)[int(r() * 4)], 0, fine
        if cat.name == "entry":  # time served, under a month, or a few months
            v = r()
            pris = -1 if v < 0.2 else 0 if v < 0.45 else 1 + int(r() * 6)
            return pris, 0, 0 if r() < 0.7 else 12, fine
        median, spread, cap = cat.prison
        pris = int(min(cap, self._ln(median, spread) + 0.5))
        return pris, 0, self.t.supv(r()) if pris > 0 else 0, fine

    def _successor(self, c: _Ctx, fate: _Fate) -> list[str]:
        """The record that follows: transfer-in, superseding filing, or a reopen."""
        r, t, tday = self.r, self.t, fate.tday
        if fate.disp1 == 0:  # Rule 20/21: filed again in another district
            dist = t.any_district(r())
            while dist is c.dist:
                dist = t.any_district(r())
            day = min(tday + int(r() * 10), _T1)
            tran = f"{c.dist.circuit}{c.dist.code}\t{c.office}\t{c.docket}\t{c.defno}"
            n = c._replace(dist=dist, office=dist.office(r()), docket=self._docket(dist, day),
                           defno="001", ctdef="001", tin=True, tran=tran,
                           mag=_NOT_MAGISTRATE, county=self._county(dist))
        elif fate.disp1 == 20:  # dismissed because superseded: a new filing
            day = tday
            n = c._replace(docket=self._docket(c.dist, day), proccd=16 + int(r() * 3))
        elif (fate.disp1 in _CONVICTED and c.reopseq < 9  # one digit in DEFLGKY
              and r() < (P_REOPEN if c.reopseq == 0 else 0.1)):
            day = tday + int(self._ln(400, 0.8))
            if day > _T1:
                return []
            n = c._replace(reopseq=c.reopseq + 1, tin=False, proccd=None)
        else:
            return []
        return self.defendant(n._replace(ver=1 + int(r() * 3)), day, False)


def _partial_flags(flags: str) -> str:
    """Early-extract flags: the reopen and fugitive splits not populated."""
    parts = flags.split("\t")
    for i in (2, 3, 6, 7, 9):
        parts[i] = M
    return "\t".join(parts)


def _check(rows: int, test_district_rows: int) -> None:
    if not 0 <= rows <= settings.SAMPLE_MAX_ROWS:
        raise InvalidRequest(f"a sample has 0 to {settings.SAMPLE_MAX_ROWS:,} rows, not {rows:,}",
                             hint="the real court file has about 6.3 million; ask for fewer")
    if not 0 <= test_district_rows <= rows:
        raise ValueError(f"test_district_rows must be between 0 and rows ({rows})")


def iter_idb_rows(rows: int = 200_000, seed: int = 1, *,
                  test_district_rows: int = 0) -> Iterator[list[str]]:
    """The sample's data rows as lists of 144 strings (the same rows the file holds)."""
    _check(rows, test_district_rows)
    for batch in _Generator(seed).batches(rows, test_district_rows):
        for line in batch:
            yield line[:-2].split("\t")


def iter_idb_text(rows: int = 200_000, seed: int = 1, *, test_district_rows: int = 0,
                  progress: ProgressCallback | None = None,
                  task: str = "sample cr96on.txt", truth: dict | None = None) -> Iterator[bytes]:
    """The whole file as latin-1 byte chunks of about a megabyte (header first);
    ``truth``, when given, is filled with what was planted once the last chunk is out."""
    _check(rows, test_district_rows)
    yield ("\t".join(idb_codes.column_names()) + "\r\n").encode("latin-1")
    done, pending, every = 0, [], max(rows // 100, 50_000)
    next_report = every
    generator = _Generator(seed)
    for batch in generator.batches(rows, test_district_rows):
        pending += batch
        if len(pending) >= 2048:
            done += len(pending)
            yield "".join(pending).encode("latin-1")
            pending = []
            if progress is not None and done >= next_report:
                progress(ProgressUpdate(task=task, completed=done, total=rows, unit="rows",
                                        rows=done))
                next_report = done + every
    if pending:
        done += len(pending)
        yield "".join(pending).encode("latin-1")
    if progress is not None:
        progress(ProgressUpdate(task=task, completed=done, total=rows, unit="rows", rows=done))
    if truth is not None:
        truth.update(generator.truth())


def write_idb_sample(out: Path | str, *, rows: int = 200_000, seed: int = 1, zip: bool = False,
                     progress: ProgressCallback | None = None,
                     test_district_rows: int = 0) -> SampleInfo:
    """Write a synthetic ``cr96on.txt`` (or ``cr96on.zip``, Deflate64) and describe it.

    ``out`` is a directory (the file gets its published name inside) or the file
    itself. Same ``rows`` and ``seed``, same bytes.
    """
    _check(rows, test_district_rows)
    path = _target(Path(out), zip)
    # The zip's pure-Python deflater compresses about 2.3:1: room for half is asked.
    check_room(path, rows * settings.SAMPLE_BYTES_PER_ROW // (2 if zip else 1),
               f"a sample of {rows:,} rows")
    planted: dict = {}
    chunks = iter_idb_text(rows, seed, test_district_rows=test_district_rows,
                           progress=progress, task=f"sample {path.name}", truth=planted)
    with written(path):
        if zip:
            text_bytes, _ = write_deflate64_zip(path, MEMBER, chunks)
            zip_bytes, sha = path.stat().st_size, _sha256_file(path)
        else:
            digest, text_bytes, zip_bytes = hashlib.sha256(), 0, None
            with path.open("wb") as fh:
                for chunk in chunks:
                    fh.write(chunk)
                    digest.update(chunk)
                    text_bytes += len(chunk)
            sha = digest.hexdigest()
    truth = path.with_name(f"{path.name.rsplit('.', 1)[0]}-truth.json")
    truth.write_text(json.dumps({"file": path.name, "rows": rows, "seed": seed, "synthetic": True,
                                 **planted}, indent=1) + "\n", encoding="utf-8")
    return SampleInfo(path=path, rows=rows, text_bytes=text_bytes, zip_bytes=zip_bytes,
                      sha256=sha, seed=seed, truth=truth)


def _target(out: Path, zipped: bool) -> Path:
    if out.is_dir():
        return out / (ZIP_NAME if zipped else MEMBER)
    out.parent.mkdir(parents=True, exist_ok=True)
    return out


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
