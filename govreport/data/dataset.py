"""Where one dataset lives, as a contract or the inventory writes it: a file (``path``, with format, encoding
and delimiter) or a SQL table (``url`` / ``url_env`` with ``table``).

Contract: validation only; reading is :mod:`govreport.data.read`, engines are :mod:`govreport.data.sources`.
"""

from __future__ import annotations

import codecs
from typing import Literal

from pydantic import Field, field_validator, model_validator

from ..core.model import Strict

__all__ = ["DatasetSource"]


class DatasetSource(Strict):
    """Where the data is: a file (CSV, Parquet, JSON Lines) or a SQL table through a SQLAlchemy URL.

    ``path`` and ``table`` may contain ``{period}``, filled in at run time (``--period 2026Q3``).
    """

    path: str | None = Field(
        None, description="file path, relative to the workspace root; may contain {period}"
    )
    format: Literal["auto", "csv", "parquet", "jsonl"] = Field(
        "auto", description="auto: from the file suffix"
    )
    encoding: str | None = Field(
        None, description="CSV/JSONL text encoding, e.g. cp950 or big5; default UTF-8"
    )
    delimiter: str | None = Field(None, description="CSV field separator; default ',' ('\\t' for .tsv)")
    url: str | None = Field(None, description="SQLAlchemy URL, e.g. sqlite:///data/bank.db")
    url_env: str | None = Field(
        None, description="environment variable holding the URL (keeps passwords out of git)"
    )
    table: str | None = Field(None, description="SQL table name; may contain {period}")
    schema_name: str | None = Field(None, description="SQL schema of the table")

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            codecs.lookup(v)
        except LookupError:
            raise ValueError(f"unknown encoding '{v}' (use e.g. utf-8, cp950 or big5)") from None
        return v

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, v: str | None) -> str | None:
        if v is not None and len(v) != 1:
            raise ValueError(f'the delimiter must be one character, not {v!r} (write a tab as "\\t")')
        return v

    @model_validator(mode="after")
    def _one_kind(self) -> DatasetSource:
        sql = bool(self.url or self.url_env)
        if bool(self.path) == sql:
            raise ValueError("give either `path` (a file) or `url` / `url_env` with `table` (a SQL table)")
        if self.url and self.url_env:
            raise ValueError("give `url` or `url_env`, not both")
        if sql and not self.table:
            raise ValueError("a SQL dataset needs `table`")
        if not sql and (self.table or self.schema_name):
            raise ValueError("`table` and `schema_name` are for SQL datasets (with `url`)")
        if sql and (self.encoding or self.delimiter or self.format != "auto"):
            raise ValueError("`encoding`, `delimiter` and `format` are for files, not SQL tables")
        return self

    @property
    def is_sql(self) -> bool:
        return self.path is None
