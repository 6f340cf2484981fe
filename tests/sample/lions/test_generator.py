"""The synthetic LIONS release: the real shape (zips, readmes, log), determinism,
every trap present in the written bytes, ``truth.json`` recomputed from those
bytes by the reconciliation's definitions, and the matching court file."""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

import pytest
from helpers.tools import FIXTURES

from crossings.codebook import idb as idb_codes
from crossings.codebook.tables import read_table
from crossings.progress import ProgressUpdate
from crossings.sample.lions import archive as lions_archive
from crossings.sample.lions.files import (
    SYNTHETIC_MARK,
    layout,
    parse_release,
    write_release,
)
from crossings.sample.lions.generator import write_lions_sample
from crossings.sample.lions.world import AMBIGUOUS, CHARGES, GARBAGE, STAR, UN

# The category of every charge the generator can write, from its own table (never the
# tool's classifiers): LIONS notation and the court file's citation.
PLANTED_LIONS = {**{c.text: c.cat for c in CHARGES.values()},
                 **dict.fromkeys((STAR, AMBIGUOUS, "", *GARBAGE), UN)}
PLANTED_FJC = {**{c.fjc: c.cat for c in CHARGES.values() if c.fjc != "-8"}, "-8": UN}

# The category planted with a LIONS charge text (KeyError: a text it never writes).
planted = PLANTED_LIONS.__getitem__

DEFENDANTS = 2000
REFERENCE = FIXTURES / "lions" / (
    "sepfy2018-readme-reports-logs.txt")
MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
DATE = re.compile(rf"^\d\d-({MONTHS})-\d{{4}}$")
LISTING = re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d (AM|PM)\s+([\d,]+) (\S+)$")
FILES = re.compile(r"^(\d+) File\(s\) ([\d,]+) bytes$")
BLOCK = re.compile(r"^(GS_[A-Z_]+) - (\d+) Characters$")
ROW = re.compile(r"^([A-Z0-9_]+)\s+(NOT NULL\s+)?([A-Z0-9]+(?:\([0-9*,]+\))?)\s+\((\d+):(\d+)\)$")
TABLE = re.compile(r"^Table name - (GS_[A-Z_]+)$")
COUNT_LINE = re.compile(r"^(Number of records imported|Marked and sealed civil records deleted|"
                        r"Number of records written to file|Total number of records written "
                        r"to file):\s+(-?\d+)$")
LOG_KEYS = {"Number of records imported": "imported",
            "Marked and sealed civil records deleted": "deleted",
            "Number of records written to file": "written",
            "Total number of records written to file": "written"}
SPLIT_LINE = re.compile(r"^Number of records written to file (GS_PARTICIPANT|GS_EVENT|"
                        r"GS_PART_EVENT)_([A-Z]+)\s*:\s*(\d+)$")


# --- reading a release back, by the layouts alone --------------------------------
def read_members(folder: Path) -> dict[str, bytes]:
    out = {}
    for path in sorted(folder.glob("DISK*.zip")):
        with zipfile.ZipFile(path) as zf:
            assert zf.testzip() is None
            for info in zf.infolist():
                out[f"{path.name}/{info.filename}"] = zf.read(info)
    return out


def table_of(member: str) -> str:
    stem = member.split("/")[1][:-4].upper()
    return "GS_PARTICIPANT" if stem.startswith("GS_PARTICIPANT_") else stem


def records(members: dict[str, bytes]) -> dict[str, list[str]]:
    """Records per table; every line exactly the layout's length (stray CRs included)."""
    out: dict[str, list[str]] = defaultdict(list)
    for name, raw in members.items():
        if not name.split("/")[1].startswith("gs_"):
            continue
        table = table_of(name)
        lines = raw.split(b"\r\n")
        assert lines[-1] == b""
        length = layout()[table][-1].end
        assert all(len(line) == length for line in lines[:-1]), name
        out[table] += [line.decode("latin-1") for line in lines[:-1]]
    return out


def getter(table: str, *names: str):
    cols = {c.name: c for c in layout()[table]}
    spans = [(cols[n].start - 1, cols[n].end) for n in names]
    return lambda rec: tuple(rec[a:b].strip() for a, b in spans)


def day(text: str) -> date | None:
    """A readable date, or None (blank, '*', an impossible year)."""
    if not DATE.match(text):
        return None
    d = datetime.strptime(text.title(), "%d-%b-%Y").date()
    return d if d.year >= 1900 else None


def fy(d: date) -> int:
    return d.year + (d.month >= 10)


# --- fixtures ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    base = tmp_path_factory.mktemp("lions")
    updates: list[ProgressUpdate] = []
    info = write_lions_sample(base / "release", defendants=DEFENDANTS, seed=3,
                              court_file=base / "cr96on.txt", progress=updates.append)
    members = read_members(info.out)
    truth = json.loads(info.truth.read_text(encoding="utf-8"))
    return info, members, records(members), truth, updates


@pytest.fixture(scope="module")
def world(sample):
    """Defendants and cases rebuilt from the written bytes."""
    _, _, tab, _, _ = sample
    case = getter("GS_CASE", "DISTRICT", "ID", "CLASS", "LEAD_CHARGE")
    cases = {(d, i): (cls, lead) for d, i, cls, lead in map(case, tab["GS_CASE"])}
    part = getter("GS_PARTICIPANT", "DISTRICT", "CASEID", "ID", "ROLE")
    parts = {(d, c, int(i)): role for d, c, i, role in map(part, tab["GS_PARTICIPANT"])}
    hist = getter("GS_COURT_HIST", "DISTRICT", "CASEID", "ID", "COURT", "FILING_DATE")
    hists = {(d, c, int(i)): (court, filing) for d, c, i, court, filing
             in map(hist, tab["GS_COURT_HIST"])}
    links = defaultdict(list)
    for d, c, p, h in map(getter("GS_PART_COURT", "DISTRICT", "CASEID", "PARTID", "CRTHISID"),
                          tab["GS_PART_COURT"]):
        links[(d, c, int(p))].append(hists[(d, c, int(h))])
    counts = defaultdict(list)
    pc = getter("GS_PART_COUNT", "DISTRICT", "CASEID", "PARTID", "COUNTID", "CHARGE", "CATEGORY")
    for d, c, p, cid, charge, level in map(pc, tab["GS_PART_COUNT"]):
        counts[(d, c, int(p))].append((int(cid), charge, level))
    defendants = [k for k, role in parts.items()
                  if role.startswith("D") and cases[k[:2]][0] == "R"]
    return cases, parts, hists, links, counts, defendants


def own_lead(counts: list[tuple[int, str, str]]) -> tuple[str, str] | None:
    ordered = sorted(counts)
    for level in "FMP":
        for _, charge, lvl in ordered:
            if lvl == level:
                return charge, lvl
    return None


def recompute(world, court_lines: list[list[str]]) -> dict[tuple[int, str], Counter]:
    """The reconciliation's quantities, from the bytes, by the written definitions."""
    cases, _, _, links, counts, defendants = world
    out: dict[tuple[int, str], Counter] = defaultdict(Counter)
    for key in defendants:
        dated = {"MG": [], "DC": []}
        for court, filing in links[key]:
            if court in dated and day(filing):
                dated[court].append(day(filing))
        mg, dc = min(dated["MG"], default=None), min(dated["DC"], default=None)
        case_cat = planted(cases[key[:2]][1])
        own = own_lead(counts[key])
        own_cat = planted(own[0]) if own else "unreadable"
        if dc:
            early = min(dc, mg) if mg else dc
            out[(fy(dc), case_cat)]["lions_district"] += 1
            out[(fy(dc), own_cat)]["own"] += 1
            out[(fy(early), case_cat)]["date_basis"] += 1
            out[(fy(dc), case_cat)]["date_basis"] -= 1
            out[(fy(early), case_cat)]["lions_all"] += 1
        elif mg:
            out[(fy(mg), case_cat)]["magistrate_only"] += 1
            out[(fy(mg), case_cat)]["lions_all"] += 1
    col = {n: i for i, n in enumerate(idb_codes.column_names())}
    for row in court_lines:
        key = (int(row[col["FISCALYR"]]), PLANTED_FJC[row[col["FTITLE1"]]])
        if row[col["CTFIL"]] == "1":
            out[key]["court_file"] += 1
        elif row[col["CTFILTRN"]] == "1":
            out[key]["transfers"] += 1
    return out


def court_lines(info) -> list[list[str]]:
    text = info.court_file.read_bytes().decode("latin-1")
    lines = text.split("\r\n")
    assert lines[-1] == ""
    assert lines[0].split("\t") == idb_codes.column_names()
    return [line.split("\t") for line in lines[1:-1]]


# --- determinism -----------------------------------------------------------------------
def _all_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path):
    a = write_lions_sample(tmp_path / "a", defendants=600, seed=5, court_file=tmp_path / "a")
    b = write_lions_sample(tmp_path / "b", defendants=600, seed=5, court_file=tmp_path / "b")
    c = write_lions_sample(tmp_path / "c", defendants=600, seed=6)
    assert _all_bytes(a.out) == _all_bytes(b.out)
    assert a.zip_sha256 == b.zip_sha256
    assert {"DISK01.zip", "truth.json", "cr96on.txt"} <= set(_all_bytes(a.out))
    assert a.zip_sha256["DISK01.zip"] != c.zip_sha256["DISK01.zip"]
    assert a.truth.read_bytes() != c.truth.read_bytes()


def test_progress_and_info(sample):
    info, _, tab, truth, updates = sample
    assert updates and updates[-1].completed == DEFENDANTS == updates[-1].total
    assert [u.completed for u in updates] == sorted(u.completed for u in updates)
    assert info.records == {t: len(r) for t, r in tab.items()}
    assert info.rows_per_second > 0 and info.mb_per_second > 0
    assert json.loads(json.dumps(info.to_dict()))["defendants"] == DEFENDANTS
    assert truth["records"] == info.records


# --- the shape of readmes and the log ---------------------------------------------------
def parse_readme(text: str) -> tuple[list[tuple[str, int]], tuple[int, int], dict]:
    listing, files, blocks, current = [], None, {}, None
    for line in text.replace("\f", "").splitlines():
        line = line.strip()
        if m := LISTING.match(line):
            listing.append((m[3], int(m[2].replace(",", ""))))
        elif m := FILES.match(line):
            files = (int(m[1]), int(m[2].replace(",", "")))
        elif m := BLOCK.match(line):
            current = blocks.setdefault(m[1], {"length": int(m[2]), "rows": []})
            current["rows"] = []
        elif (m := ROW.match(line)) and current is not None:
            current["rows"].append((m[1], not m[2], m[3], int(m[4]), int(m[5])))
    return listing, files, blocks


def check_block(table: str, block: dict) -> None:
    rows = block["rows"]
    assert rows[0][3] == 1 and rows[-1][4] == block["length"], table
    assert all(b[3] == a[4] + 1 for a, b in zip(rows, rows[1:], strict=False)), table


def test_readmes_list_members_and_layouts(sample):
    info, members, _, _, _ = sample
    for z in info.zips:
        readme = members[f"{z.name}/README.TXT"].decode("latin-1")
        assert readme.splitlines()[0] == SYNTHETIC_MARK
        listing, files, blocks = parse_readme(readme)
        data = {n.split("/")[1]: len(raw) for n, raw in members.items()
                if n.startswith(z.name) and n.split("/")[1].startswith("gs_")}
        assert dict(listing) == data
        assert files == (len(data), sum(data.values()))
        assert set(blocks) == {table_of(f"{z.name}/{n}") for n in data}
        for table, block in blocks.items():
            check_block(table, block)
            expected = [(c.name, c.nullable, c.type, c.start, c.end) for c in layout()[table]]
            assert block["rows"] == expected


def test_participant_files_spread_over_disks(sample):
    info, _, _, _, _ = sample
    holding = [z for z, names in info_disks(info).items()
               if any(n.startswith("gs_participant_") for n in names)]
    assert len(holding) >= 2
    names = [n for ns in info_disks(info).values() for n in ns]
    assert "gs_participant_GU.txt" in names
    assert not any("NMI" in n for n in names)


def info_disks(info) -> dict[str, list[str]]:
    out = {}
    for z in info.zips:
        with zipfile.ZipFile(z) as zf:
            out[z.name] = zf.namelist()
    return out


def parse_log(text: str) -> dict[str, dict]:
    tables, current = {}, None
    for line in text.replace("\f", "").splitlines():
        line = line.strip()
        if line.startswith("README.TXT FILES"):
            break
        if m := TABLE.match(line):
            current = tables[m[1]] = {"files": {}}
        elif (m := SPLIT_LINE.match(line)) and current is not None:
            current["files"][m[2]] = int(m[3])
        elif (m := COUNT_LINE.match(line)) and current is not None:
            current[LOG_KEYS[m[1]]] = abs(int(m[2]))
    return tables


def test_log_holds_the_true_counts(sample):
    info, members, tab, truth, _ = sample
    text = members[f"DISK01.zip/{info.log_member}"].decode("latin-1")
    assert text.splitlines()[0] == SYNTHETIC_MARK
    assert "README.TXT FILES DISK02.ZIP" in text  # then every disk's readme, as published
    log = parse_log(text)
    assert set(log) == set(tab)
    per_file = Counter()
    for name, raw in members.items():
        if "/gs_participant_" in name:
            per_file[name.split("_")[-1][:-4]] += raw.count(b"\r\n")
    for table, entry in log.items():
        assert entry["written"] == len(tab[table]), table
        assert entry["imported"] == entry["written"] + entry["deleted"], table
        assert entry["deleted"] == truth["deleted"][table]
    assert log["GS_PARTICIPANT"]["files"] == dict(per_file)


def test_same_regexes_read_the_published_text():
    text = REFERENCE.read_text(encoding="utf-8")
    log = parse_log(text)
    assert len(log) == 44
    # The published log is not always consistent with itself: one table writes fewer
    # records than imported minus deleted (1312 - 1035 != 183). Ours always is.
    odd = [t for t, e in log.items() if e["imported"] - e["deleted"] != e["written"]]
    assert odd == ["GS_COURT_ORDER_DISP"]
    for table, entry in log.items():
        if entry["files"]:
            assert sum(entry["files"].values()) == entry["written"], table
            assert len(entry["files"]) == 93
    readmes = text.split("README.TXT FILES DISK")[1:]
    assert len(readmes) == 23
    blocks = {}
    for part in readmes:
        listing, files, found = parse_readme(part)
        assert files is not None and files[0] == len(listing)
        blocks.update(found)
    assert len(blocks) == 44
    for table, block in blocks.items():
        check_block(table, block)


# --- the traps, counted from the bytes ------------------------------------------------
def defendant_traps(world) -> Counter:
    """Traps seen on defendants, read from the bytes."""
    cases, _, _, links, counts, defendants = world
    found = Counter()
    for key in defendants:
        dated = {c for c, f in links[key] if day(f) and c in ("MG", "DC")}
        own = own_lead(counts[key])
        courts = {c for c, _ in links[key]}
        if dated == {"MG"} and own and own[1] == "P" and planted(own[0]) == "illegal_entry":
            found["magistrate_only_petty_1325"] += 1
        if dated == {"MG", "DC"}:
            mg = min(day(f) for c, f in links[key] if c == "MG" and day(f))
            dc = min(day(f) for c, f in links[key] if c == "DC" and day(f))
            found["moved"] += 1
            found["moved_across_fy"] += fy(mg) != fy(dc)
        found["nc_only"] += courts == {"NC"}
        found["withheld_only"] += bool(courts & {"MG", "DC"}) and not dated
        found["smuggling_own_other"] += bool(own) and planted(
            cases[key[:2]][1]) == "alien_smuggling" and planted(
            own[0]) in ("illegal_entry", "illegal_reentry")
    per_case = Counter(k[:2] for k in defendants)
    found["multi_defendant_smuggling"] = sum(
        n > 1 and planted(cases[k][1]) == "alien_smuggling"
        for k, n in per_case.items())
    return found


def charge_traps(world, tab) -> Counter:
    """Redacted, empty, ambiguous and garbage lead charges and charges."""
    cases = world[0]
    found = Counter()
    leads = [lead for cls, lead in cases.values() if cls == "R"]
    charges = [r[50:75].strip() for r in tab["GS_PART_COUNT"]]
    for name, values in (("lead", leads), ("charge", charges)):
        found[f"{name}_star"] = sum("*" in v for v in values)
        found[f"{name}_ambiguous"] = values.count("8:01324a1")
        found[f"{name}_garbage"] = sum(planted(v) == UN and "*" not in v
                                       and v not in ("", AMBIGUOUS) for v in values)
    found["lead_empty"] = leads.count("")
    return found


def record_traps(members, tab, world) -> Counter:
    """Traps in the records themselves: dates, bytes, keys, IDs, roles, agencies."""
    cases, parts, hists, _, counts, defendants = world
    found = Counter()
    roles = Counter(parts.values())
    found["role_d_star"], found["role_star"] = roles["D*"], roles["*"]
    found["bad_year_filing"] = sum(filing.endswith("-0024") for (d, c, _), (_, filing)
                                   in hists.items() if cases[(d, c)][0] == "R")
    found["bad_year_other"] = sum(r.count("-0024") for t, rs in tab.items() for r in rs
                                  if t != "GS_COURT_HIST")
    found["stray_cr"] = sum("\r" in r for rs in tab.values() for r in rs)
    raw = b"".join(v for k, v in members.items() if k.split("/")[1].startswith("gs_"))
    found["latin1_bytes"] = sum(b > 0x7F for b in raw)
    found["latin1_enye"] = raw.decode("latin-1").count("Ñ")
    ids = defaultdict(set)
    for d, i in cases:
        ids[i].add(d)
    found["caseid_in_txs_and_az"] = sum({"TXS", "AZ"} <= ds for ds in ids.values())
    progs = Counter(r[:20] for r in tab["GS_CASE_PROG_CAT"])
    found["several_progcats"] = sum(n > 1 for n in progs.values())
    found["civil_d_roles"] = sum(role.startswith("D") and cases[k[:2]][0] == "V"
                                 for k, role in parts.items())
    agency = getter("GS_PARTICIPANT", "DISTRICT", "CASEID", "ROLE", "AGENCY")
    ins = Counter((d, c) for d, c, role, _ in map(agency, tab["GS_PARTICIPANT"]) if role == "IN")
    found["two_agencies"] = sum(n == 2 for n in ins.values())
    found["no_agency"] = sum(1 for k, (cls, _) in cases.items() if cls == "R" and not ins[k])
    found["hscb"] = sum(a == "HSCB" for *_, a in map(agency, tab["GS_PARTICIPANT"]))
    count_ids = defaultdict(set)
    for d, c, cid in map(getter("GS_COUNT", "DISTRICT", "CASEID", "ID"), tab["GS_COUNT"]):
        count_ids[(d, c)].add(int(cid))
    # A participant ID that is also a count ID (not its own) and a court-history ID of
    # the same case: joining on the wrong ID column matches wrong rows.
    found["id_is_other_count_id"] = sum(
        key[2] in count_ids[key[:2]] and key[2] not in {c for c, _, _ in counts[key]}
        for key in defendants)
    found["id_is_court_history_id"] = sum(key in hists for key in defendants)
    return found


def test_every_trap_is_in_the_bytes(sample, world):
    _, members, tab, truth, _ = sample
    found = defendant_traps(world) + charge_traps(world, tab) + record_traps(members, tab,
                                                                              world)
    assert len(found) == 29  # Counter addition drops zeros: a missing trap shows here too
    for name, n in found.items():
        assert n >= 3, f"{name}: {n}"
    traps = truth["traps"]
    assert found["role_d_star"] == traps["role_d_star"]
    assert found["bad_year_filing"] == traps["bad_year_filing"]
    assert found["caseid_in_txs_and_az"] >= traps["reused_caseid_pairs"]
    assert found["magistrate_only_petty_1325"] == traps["magistrate_only_petty_1325"]
    assert found["moved"] == traps["moved_magistrate_to_district"]
    assert found["moved_across_fy"] == traps["moved_across_fiscal_year"]
    assert found["lead_empty"] == traps["lead_empty"]


def test_personal_fields_are_in_the_raw_sample(sample):
    _, members, tab, _, _ = sample
    person = getter("GS_PARTICIPANT", "LAST_NAME", "SSN", "HOME_ADDRESS1", "BIRTH_DATE")
    rows = [person(r) for r in tab["GS_PARTICIPANT"]]
    assert any(n.startswith("SAMPLEDOE") for n, *_ in rows)
    assert any(s == "000-00-0000" for _, s, *_ in rows)
    assert any(a.startswith("123 SAMPLE") for *_, a, _ in rows)
    assert all(DATE.match(b) for *_, b in rows if b)


def test_dates_keys_and_districts(sample, world):
    info, _, tab, _, _ = sample
    end = parse_release(info.release)
    for table, rows in tab.items():
        dates = [c for c in layout()[table] if c.type == "DATE"]
        for r in rows:
            for c in dates:
                v = r[c.start - 1:c.end].strip()
                assert v in ("", "*") or DATE.match(v), (table, v)
                assert day(v) is None or day(v) <= end, (table, v)
    cases, parts, hists, _, _, _ = world
    assert len(cases) == len(tab["GS_CASE"]) and len(parts) == len(tab["GS_PARTICIPANT"])
    assert len(hists) == len(tab["GS_COURT_HIST"])
    assert all(len(i) <= 10 for _, i in cases)
    districts = {d for d, _ in cases}
    assert "GU" in districts and "NMI" not in districts and {"TXS", "AZ", "NM"} <= districts


# --- truth: identities, recomputed from the bytes, the court file -------------------------
def test_truth_identities(sample):
    _, _, _, truth, _ = sample
    for r in truth["by_fiscal_year_charge"]:
        assert r["lions_district"] == (r["court_file"] + r["transfers"] + r["lead_charge"]
                                       + r["residual"]), r
        assert r["lions_all"] == r["lions_district"] + r["date_basis"] + r["magistrate_only"], r
    t = truth["totals"]
    assert t["defendants"] == DEFENDANTS
    assert t["lions_all"] + truth["not_filings"] == DEFENDANTS
    for cause in ("transfers", "magistrate_only", "court_file"):
        assert t[cause] > 0
    assert any(r["residual"] for r in truth["by_fiscal_year_charge"])
    assert any(r["lead_charge"] for r in truth["by_fiscal_year_charge"])
    assert any(r["date_basis"] for r in truth["by_fiscal_year_charge"])


def test_truth_equals_what_the_bytes_say(sample, world):
    info, _, _, truth, _ = sample
    got = recompute(world, court_lines(info))
    for r in truth["by_fiscal_year_charge"]:
        g = got.get((r["fiscal_year"], r["charge"]), Counter())
        key = (r["fiscal_year"], r["charge"])
        for q in ("lions_district", "lions_all", "magistrate_only", "date_basis",
                  "court_file", "transfers"):
            assert g[q] == r[q], (key, q)
        assert r["lions_district"] - g["own"] == r["lead_charge"], key
        assert g["own"] - g["court_file"] - g["transfers"] == r["residual"], key
    assert {k for k, c in got.items() if any(c.values())} <= {
        (r["fiscal_year"], r["charge"]) for r in truth["by_fiscal_year_charge"]}


def test_court_file_rows(sample):
    info, _, _, truth, _ = sample
    rows = court_lines(info)
    assert all(len(r) == 144 for r in rows)
    col = {n: i for i, n in enumerate(idb_codes.column_names())}
    assert sum(int(r[col["CTFIL"]]) for r in rows) == truth["totals"]["court_file"]
    assert sum(r[col["CTFILTRN"]] == "1" and r[col["CTFIL"]] == "0" for r in rows) == \
        truth["totals"]["transfers"]
    assert {r[col["SOURCE"]] for r in rows} == {idb_codes.SYNTHETIC_SOURCE}
    assert "94" not in {r[col["DISTRICT"]] for r in rows}
    assert truth["court_file"]["rows"] == len(rows)


# --- the writers on their own -----------------------------------------------------------
ROWS = {
    "GS_CASE": [{"DISTRICT": "AZ", "ID": "2024R00001", "CLASS": "R",
                 "RECVD_DATE": date(2024, 1, 5), "LEAD_CHARGE": "8:01326", "STATUS": "A"}],
    "GS_PARTICIPANT": [{"DISTRICT": d, "CASEID": "2024R00001", "ID": 7, "TYPE": "I",
                        "ROLE": "D", "LAST_NAME": "SAMPLEDOE", "EST_LOSS": "12.50"}
                       for d in ("AZ", "TXS", "NM", "CAS", "GU", "TXW")],
}


@pytest.mark.parametrize("log", ["inside", "beside", "none"])
def test_write_release_places_the_log(tmp_path, log):
    files = write_release(tmp_path, "SEPFY2018", ROWS, disks=3, log=log,
                          readme_name="README.txt", deleted={"GS_CASE": 4})
    members = read_members(tmp_path)
    inside = [n for n in members if n.endswith("_README_REPORTS_LOGS.txt")]
    beside = tmp_path / "SEPFY2018_README_REPORTS_LOGS.txt"
    assert (len(inside), beside.exists()) == {"inside": (1, False), "beside": (0, True),
                                              "none": (0, False)}[log]
    assert all(f"{z.name}/README.txt" in members for z in files.zips)
    if log != "none":
        text = (members[inside[0]] if inside else beside.read_bytes()).decode("latin-1")
        parsed = parse_log(text)
        assert parsed["GS_CASE"] == {"files": {}, "imported": 5, "deleted": 4, "written": 1}
        assert parsed["GS_PARTICIPANT"]["written"] == 6
    assert {p.name for p in files.code_tables} <= {p.name for p in tmp_path.iterdir()}


def test_write_release_record_format(tmp_path):
    files = write_release(tmp_path, "JUNFY2025", ROWS, disks=2, synthetic=False)
    members = read_members(tmp_path)
    tab = records(members)
    readme = members[f"{files.zips[0].name}/README.TXT"].decode("latin-1")
    assert readme.startswith("This file contains a listing")  # not marked synthetic
    rec = tab["GS_CASE"][0]
    get = getter("GS_CASE", "DISTRICT", "ID", "RECVD_DATE", "LEAD_CHARGE", "UPDATE_DATE")
    assert get(rec) == ("AZ", "2024R00001", "05-JAN-2024", "8:01326", "")
    assert rec[:13] == "AZ 2024R00001"
    p = tab["GS_PARTICIPANT"][0]
    assert p[20:30] == "         7" and p[388:402] == "         12.50"  # numbers to the right
    assert len({r[:10] for r in tab["GS_PARTICIPANT"]}) == 6


def test_zip64_structures_are_readable(tmp_path, monkeypatch):
    monkeypatch.setattr(lions_archive, "ZIP64_LIMIT", 50)
    write_release(tmp_path, "JUNFY2025", ROWS, disks=1)
    tab = records(read_members(tmp_path))
    assert len(tab["GS_PARTICIPANT"]) == 6


def test_release_names():
    assert parse_release("JUNFY2025") == date(2025, 6, 30)
    assert parse_release("OCTFY2025") == date(2024, 10, 31)
    assert parse_release("JAN FY2025") == date(2025, 1, 31)
    assert parse_release("SEPFY2018") == date(2018, 9, 30)
    with pytest.raises(ValueError):
        parse_release("FY2025")


def test_codes_come_from_the_code_lists(sample):
    _, _, tab, _, _ = sample

    def codes(name: str, section: str | None = None) -> set[str]:
        return {r["code"] for r in read_table("lions", name)
                if section is None or r.get("section") == section}

    def values(table: str, column: str) -> set[str]:
        get = getter(table, column)
        return {get(r)[0] for r in tab[table]} - {""}

    assert values("GS_PARTICIPANT", "COUNTRY") <= codes("countries.csv")
    assert values("GS_PARTICIPANT", "AGENCY") <= codes("agencies.csv")
    assert values("GS_PARTICIPANT", "ROLE") <= codes("roles.csv") | {"D*", "*"}
    assert values("GS_CASE_PROG_CAT", "PROG_CAT") <= codes("program-categories.csv") | {"*"}
    assert values("GS_COURT_HIST", "COURT") == {"MG", "DC", "NC"}
    assert values("GS_PART_COURT", "DISPOSITION") <= codes("dispositions.csv", "Criminal")
    assert values("GS_INSTRUMENT", "TYPE") <= codes("instrument-types.csv")
    assert values("GS_COUNT", "CATEGORY") == {"F", "M", "P"}
    assert values("GS_CASE", "CLASS") == {"R", "V"}
    assert values("GS_PARTICIPANT", "TYPE") <= codes("participant-types.csv")
    assert {"HSCB", "HSCE"} <= values("GS_PARTICIPANT", "AGENCY")


def test_split_table_rows_need_a_district_and_stale_disks_go(tmp_path):
    with pytest.raises(ValueError, match="district"):
        write_release(tmp_path / "x", "JUNFY2025",
                      {"GS_PARTICIPANT": [{"CASEID": "1", "ID": 1, "ROLE": "D"}]})
    write_release(tmp_path / "y", "JUNFY2025", ROWS, disks=3)
    assert (tmp_path / "y" / "DISK03.zip").exists()
    files = write_release(tmp_path / "y", "JUNFY2025", ROWS, disks=1)
    assert sorted(p.name for p in (tmp_path / "y").glob("DISK*.zip")) == ["DISK01.zip"]
    assert [z.name for z in files.zips] == ["DISK01.zip"]
    assert not list((tmp_path / "y").glob(".*.parts"))  # temporary files removed
