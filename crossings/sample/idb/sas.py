"""The FJC's yearly SAS files (``cr08.sas7bdat``), written from the synthetic rows.

The FJC also publishes one SAS file per fiscal year, same variables. This
writes the rows of :func:`crossings.sample.idb.generator.iter_idb_rows` split by
FISCALYR into ``crYY.sas7bdat`` (two-digit year: ``cr96`` .. ``cr26``, unique
over FY1996-2026, so no suffix is needed).

No Python package writes sas7bdat; Debian's ``readstat`` command converts a
Stata file into one, so each year goes ``pyreadstat.write_dta`` -> ``.dta``
-> ``readstat -f in.dta out.sas7bdat``. What survives the trip (checked with
readstat 1.1.8 and pyreadstat 1.3):

* ``Num`` columns are SAS numerics (``-8`` is the number -8);
* dates are written as Stata ``%td`` dates. readstat keeps their values, days
  since 1960-01-01 (the SAS epoch too, so they are valid SAS date values), but
  drops the display format: the SAS file holds plain day numbers, which
  pyreadstat reads back as floats (20151.0 is 2015-03-04; the missing date
  01/01/1900 is -21914.0). A reader must accept SAS dates with a date format
  (the FJC's own files) and as plain day numbers alike;
* ``Char`` columns are strings, UTF-8 in the SAS file (the text file's latin-1
  bytes come back as the same characters); blanks stay empty strings;
* the files are not byte-identical across runs (readstat stamps the current
  time in the header); their contents are.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from crossings.codebook import idb as idb_codes
from crossings.errors import UnsupportedSource
from crossings.sample.idb.generator import iter_idb_rows

#: SAS (and Stata) dates count days from this day.
SAS_EPOCH = date(1960, 1, 1)


def write_idb_sas(out_dir: Path | str, *, rows: int = 200_000, seed: int = 1,
                  test_district_rows: int = 0) -> list[Path]:
    """Write ``crYY.sas7bdat`` per fiscal year into ``out_dir``; return the paths.

    Holds the rows in memory, year by year: meant for test-sized samples.
    """
    exe = shutil.which("readstat")
    if exe is None:
        raise UnsupportedSource(
            "writing SAS files needs the readstat command, which is not installed",
            hint="install the Debian package readstat (apt-get install readstat)")
    import pyreadstat  # only here: importing it costs the CLI's start-up time

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    by_year: dict[str, list[list[str]]] = {}
    for row in iter_idb_rows(rows, seed, test_district_rows=test_district_rows):
        by_year.setdefault(row[0], []).append(row)
    paths = []
    with tempfile.TemporaryDirectory(prefix="crossings-sas-") as tmp:
        for fy in sorted(by_year):
            dta = Path(tmp) / f"cr{fy[2:]}.dta"
            pyreadstat.write_dta(_frame(by_year.pop(fy)), str(dta))
            target = out / f"cr{fy[2:]}.sas7bdat"
            done = subprocess.run([exe, "-f", str(dta), str(target)], capture_output=True,
                                  text=True, check=False)
            if done.returncode != 0 or not target.exists():
                raise UnsupportedSource(f"readstat could not convert {dta.name}: "
                                        f"{done.stderr.strip()}", path=str(target))
            paths.append(target)
    return paths


def _frame(rows: list[list[str]]):
    """A pandas frame of the rows with each column's SAS type from the layout."""
    import pandas as pd

    columns = list(zip(*rows, strict=True))
    data = {}
    dates: dict[str, date] = {}
    for col, values in zip(idb_codes.layout(), columns, strict=True):
        if col.sas_type == "Char":
            data[col.name] = list(values)
        elif col.kind == "date":
            data[col.name] = pd.Series([dates.get(v) or dates.setdefault(v, _date(v))
                                        for v in values], dtype=object)
        else:
            data[col.name] = [float(v) for v in values]
    return pd.DataFrame(data)


def _date(text: str) -> date:
    month, day, year = text.split("/")
    return date(int(year), int(month), int(day))
