"""A measure's answer: the table and where every number came from."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from crossings.measures.meta import Meta


@dataclass
class Result:
    table: pa.Table
    meta: Meta

    @property
    def columns(self) -> list[str]:
        return self.table.column_names

    def to_pandas(self):
        return self.table.to_pandas()

    def to_polars(self):
        import polars as pl

        return pl.from_arrow(self.table)

    def to_pylist(self) -> list[dict]:
        return self.table.to_pylist()

    def to_dict(self) -> dict:
        """``{"data": [...], "meta": {...}}``: the JSON shape of the CLI and the API."""
        return {"data": self.to_pylist(), "meta": self.meta.to_dict()}

    def __len__(self) -> int:
        return self.table.num_rows
