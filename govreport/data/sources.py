"""One data-source layer: a dataset named by a path or URL, read into pandas or opened on an engine.

A source is written as one string (docs/engines.md):

==================================  ======================================================================
``data/scored.csv`` / ``.parquet``  a file (relative to the workspace root), read into pandas
``sqlite:///data/bank.db#scored``   a SQL table (``#table`` or ``table=``); any SQLAlchemy URL, e.g.
                                    ``postgresql+psycopg://user@host/db#risk.scored`` (``schema.table``)
``sqlite:///data/bank.db`` + query  a SQL query (``query="SELECT …"``), run as a sub-query
``spark:risk.scored_2026q3``        a table of the Spark session's catalogue (Hive / Unity / Glue)
``spark+parquet:lake/scored/``      a Parquet file or folder read by Spark (``s3a://…`` works too)
==================================  ======================================================================

:func:`parse_source` turns the string into a typed :class:`Source`; :meth:`Source.read_file` reads a file
(:func:`govreport.engines.open_frame` any source) into pandas (the small-data path); :mod:`govreport.engines`
runs the indicators on it where it lives. Spark sessions come from :func:`spark_session` with
:class:`SparkSettings` (master URL, default ``local[*]``, and any ``spark.*`` settings). pyspark is imported
only inside functions.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..core.proc import output_to
from ..errors import DataError, InputError
from ..workspace.config import SparkSettings
from .dataset import DatasetSource
from .read import (
    file_format,
    fill_period,
    mask_url,
    missing_columns_error,
    read_dataset,
    read_header,
    resolve_data_path,
    sha256_file,
    sql_url,
)

if TYPE_CHECKING:  # read by the functions that read (the runner only hashes files)
    import pandas as pd

__all__ = [
    "Source",
    "SparkSettings",
    "parse_source",
    "source_of_dataset",
    "on_engine",
    "fill_source_period",
    "is_spark_text",
    "spark_dataset",
    "local_files_sha256",
    "spark_session",
    "SPARK_REQUIREMENT",
]

#: The pip requirement of the optional ``spark`` extra (Java 17 or 21 must be on the machine).
SPARK_REQUIREMENT = "pyspark>=4.0,<5"

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
Kind = Literal["file", "sql", "spark"]


@dataclass(frozen=True)
class Source:
    """A dataset by location. ``kind``: ``file`` (pandas), ``sql`` (a database) or ``spark``."""

    kind: Kind
    text: str
    path: Path | None = None
    format: str | None = None
    url: str | None = None
    table: str | None = None
    schema: str | None = None
    query: str | None = None

    @property
    def where(self) -> str:
        """Where the data is, for messages (passwords masked)."""
        if self.kind == "file" or (self.kind == "spark" and self.path is not None):
            return str(self.path)
        if self.kind == "spark":
            return f"spark table {self.table}"
        what = f"table {self.schema + '.' if self.schema else ''}{self.table}" if self.table else "query"
        return f"{what} in {mask_url(str(self.url))}"

    def read_file(self, columns: list[str] | None = None) -> pd.DataFrame:
        """A file source's data as a pandas DataFrame (only ``columns`` when given); one-line errors
        otherwise. SQL and Spark sources are read through their engine:
        :func:`govreport.engines.open_frame`."""
        if self.kind != "file":
            raise InputError(
                f"{self.where} is not a file: read it with govreport.engines.open_frame",
                field="source",
                fix="use govreport.engines.open_frame(source)",
            )
        assert self.path is not None
        src = DatasetSource(path=str(self.path))
        if columns is not None:
            header = read_header(self.path, src, via="option")
            missing = list(dict.fromkeys(c for c in columns if c not in header))
            if missing:
                raise missing_columns_error(
                    missing,
                    header,
                    file=self.where,
                    what="the assessment needs",
                    fix="check the column names in the system's model block",
                )
        return read_dataset(self.path, src, via="option", columns=columns)


def _rooted(text: str, root: Path | None) -> Path:
    p = Path(text).expanduser()
    return p if p.is_absolute() or root is None or "://" in text else Path(root) / p


def parse_source(
    text: str, *, table: str | None = None, query: str | None = None, root: Path | str | None = None
) -> Source:
    """A :class:`Source` from its string form (see the module docstring); relative paths start at ``root``."""
    text = str(text).strip()
    root = Path(root) if root is not None else None
    if not text:
        raise InputError(
            "the data source is empty",
            field="source",
            fix="give a file path, a SQLAlchemy URL with #table, spark:TABLE or spark+parquet:PATH",
        )
    if text.startswith("spark+parquet:"):
        rest = text.removeprefix("spark+parquet:")
        if not rest:
            raise InputError(f"'{text}' names no path", field="source", fix="write spark+parquet:PATH")
        return Source("spark", text, path=rest if "://" in rest else _rooted(rest, root), format="parquet")  # type: ignore[arg-type]
    if text.startswith("spark:"):
        name = text.removeprefix("spark:").strip()
        if not re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_][\w]*){0,2}", name):
            raise InputError(
                f"'{text}' is not a Spark table name",
                field="source",
                fix="write spark:TABLE or spark:DATABASE.TABLE",
            )
        return Source("spark", text, table=name, format="table")
    if _URL.match(text):
        url, _, frag = text.partition("#")
        table = table or frag or None
        if bool(table) == bool(query):
            raise InputError(
                f"a SQL source needs a table or a query, not {'both' if table else 'neither'}",
                field="source",
                fix="append #TABLE to the URL (or pass table=), or pass query=",
            )
        schema = None
        if table and "." in table:
            schema, table = table.split(".", 1)
        resolved = sql_url(DatasetSource(url=url, table=table or "query"), None, root)
        return Source("sql", mask_url(text), url=resolved, table=table, schema=schema, query=query)
    path = _rooted(text, root)
    fmt = file_format(path)
    if fmt not in ("csv", "parquet", "jsonl"):
        raise InputError(f"cannot read '{text}'", field="source", fix="use a .csv or .parquet file")
    return Source("file", text, path=path, format=fmt)


def source_of_dataset(src: DatasetSource, root: Path | str, period: str | None = None) -> Source:
    """The :class:`Source` of a contract's ``dataset:`` (path or SQL table, ``{period}`` filled in)."""
    if not src.is_sql:
        path = resolve_data_path(src, Path(root), period, contract_path=None)
        return Source("file", str(src.path), path=path, format=file_format(path, src))
    table = fill_period(str(src.table), period, file=None, field="dataset.table")
    return Source(
        "sql",
        mask_url(str(src.url or src.url_env)),
        url=sql_url(src, None, Path(root)),
        table=table,
        schema=src.schema_name,
    )


def fill_source_period(text: str, period: str | None) -> str:
    """``text`` with ``{period}`` filled in. In a ``spark:`` table name a ``-`` of the period becomes ``_``
    (``spark:risk.scored_{period}`` with 2026-07 is ``spark:risk.scored_2026_07``): table names take
    letters, digits and underscores only."""
    if period is None or "{period}" not in text:
        return text
    return text.replace("{period}", period.replace("-", "_") if text.startswith("spark:") else period)


def is_spark_text(text: str) -> bool:
    """Whether a dataset string names a Spark source (``spark:TABLE`` or ``spark+parquet:PATH``)."""
    return text.strip().startswith(("spark:", "spark+parquet:"))


def on_engine(
    text: str,
    engine: Literal["pandas", "spark"],
    *,
    root: Path | str | None = None,
    period: str | None = None,
    strict: bool = True,
) -> Source:
    """The source of an inventory dataset ``path`` for a workspace's engine (``{period}`` filled in).

    With ``engine="spark"`` a Parquet file or folder becomes ``spark+parquet:`` — the switch that moves a
    workspace's assessments to Spark without touching its inventory; SQL and ``spark:`` sources stay as
    they are, and a CSV file is refused (Spark's CSV types differ from pandas': convert it to Parquet) —
    or, with ``strict=False``, stays a file read into pandas (conversation logs, pattern files).
    """
    text = fill_source_period(text, period)
    src = parse_source(text, root=root)
    if engine == "pandas" or src.kind != "file":
        return src
    if src.format != "parquet":
        if not strict:
            return src
        raise InputError(
            f"'{text}' is {src.format}: the Spark engine reads Parquet",
            field="datasets.path",
            fix="convert the dataset to Parquet, or name it as spark:TABLE",
        )
    return Source("spark", f"spark+parquet:{src.path}", path=src.path, format="parquet")


def spark_dataset(text: str, engine: str, *, root: Path | str | None, period: str | None) -> Source | None:
    """The Spark source an inventory dataset (``datasets[].path``) is read from, or None when pandas reads
    it: a ``spark:`` table or ``spark+parquet:`` path always; a Parquet file when the workspace's engine is
    ``spark``. Text files (CSV, JSON Lines) stay with pandas."""
    if not is_spark_text(text) and engine != "spark":
        return None
    src = on_engine(text, "spark", root=root, period=period, strict=False)
    return src if src.kind == "spark" else None


def local_files_sha256(path: Path) -> tuple[str, int]:
    """``(sha256, bytes)`` of a local Parquet file (the file's own SHA-256, as for a pandas dataset) or
    folder (SHA-256 over each data file's relative path and SHA-256, sorted; Spark's ``_SUCCESS`` and
    hidden ``.crc`` files left out)."""
    if path.is_file():
        return sha256_file(path), path.stat().st_size
    h, size = hashlib.sha256(), 0
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = f.relative_to(path)
        if any(part.startswith((".", "_")) for part in rel.parts):
            continue
        h.update(f"{rel.as_posix()}\t{sha256_file(f)}\n".encode())
        size += f.stat().st_size
    return h.hexdigest(), size


@contextlib.contextmanager
def _jvm_output() -> Iterator[None]:
    """Where a Java process started now writes for the rest of its life: inside a runner worker
    (``GOVREPORT_PROCESS_LOG``, the worker's own log), that log — not the log of the job that happened to
    start Spark first, which is recorded as evidence and must not change afterwards. Elsewhere: unchanged."""
    log = os.environ.get("GOVREPORT_PROCESS_LOG")
    if not log:
        yield
        return
    with output_to(log):
        yield


def spark_session(settings: SparkSettings | None = None) -> Any:
    """The Spark session of ``settings`` (created, or the running one reused with these settings)."""
    settings = settings or SparkSettings()
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise DataError(
            "pyspark is not installed",
            field="engine.spark",
            fix=f"pip install 'govreport[spark]' (or '{SPARK_REQUIREMENT}') and install Java 17",
        ) from None
    b = SparkSession.builder.master(settings.master).appName(settings.app_name)
    conf: dict[str, Any] = {"spark.ui.showConsoleProgress": "false", "spark.sql.session.timeZone": "UTC"}
    conf.update(settings.conf)
    for k, v in conf.items():
        b = b.config(k, str(v).lower() if isinstance(v, bool) else str(v))
    try:
        with _jvm_output():
            spark = b.getOrCreate()
    except Exception as e:  # Py4J / Java start-up errors have many types
        first = (str(e).strip().splitlines() or [type(e).__name__])[0][:200]
        raise DataError(
            f"cannot start Spark at {settings.master} ({first})",
            field="engine.spark.master",
            fix="check that Java 17 is installed (JAVA_HOME) and the master URL is reachable",
        ) from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark
