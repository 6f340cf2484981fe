"""How the court file is typed in the store: one schema, from the codebook.

Rules (docs/ingest.md says the same):

* codes (``Char``) stay text with their leading zeros; ``-8`` becomes null;
* numbers become integers (``FINEAMTn``/``FINETOT`` dollars: float64); ``-8``
  and blank become null;
* dates become ``date32``; ``01/01/1900``, ``-8`` and blank become null;
* count flags become 0/1 (``int8``); ``-8`` becomes null and counts as not
  flagged;
* prison terms (``PRISTIMn``, ``PRISTOT``) keep their raw value, sentinels
  included, beside ``<field>_months`` (months for statistics: -1 is 0, life
  and death 470, the rest null) and ``<field>_status`` (what the value means);
* NAME, FJUDGE and TJUDGE are never stored;
* ``source_file`` and ``source_line`` say where each row came from.
"""

from __future__ import annotations

from functools import cache

import pyarrow as pa

from crossings.codebook import idb as idb_codes

#: The stored table's name inside a release directory.
TABLE = "defendants"

#: The partition column (the row's FISCALYR).
PARTITION = "fiscalyr"

TYPES = {
    "int": pa.int32(),
    "money": pa.float64(),
    "date": pa.date32(),
    "flag": pa.int8(),
    "code": pa.string(),
    "sentinel": pa.int32(),
}

#: Prison-term statuses are few: stored dictionary-encoded.
STATUS_TYPE = pa.dictionary(pa.int8(), pa.string())

#: ``_status`` of a prison term that is a number of months (not a sentinel).
TERM_STATUS = "months"
#: ``_status`` of a negative value not in the sentinel table.
UNKNOWN_STATUS = "unknown"


@cache
def store_schema() -> pa.Schema:
    fields = []
    for col in idb_codes.layout():
        if col.kind == "dropped":
            continue
        fields.append(pa.field(col.store_name, TYPES[col.kind]))
        if col.kind == "sentinel":
            fields.append(pa.field(f"{col.store_name}_months", pa.int32()))
            fields.append(pa.field(f"{col.store_name}_status", STATUS_TYPE))
    fields.append(pa.field("source_file", pa.string()))
    fields.append(pa.field("source_line", pa.int64()))
    return pa.schema(fields)
