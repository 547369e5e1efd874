"""Opening a source on its engine: a runner for SQL or Spark, a frame for anything, a sample from Spark.

Contract: one place turns a :class:`~govreport.data.sources.Source` (or its string) into an engine; a file
source is read by pandas (:meth:`~govreport.data.sources.Source.read_file`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..data.sources import Source, parse_source, spark_session
from ..errors import InputError
from ._spark import SparkRunner
from ._sql import Runner, SqlRunner

__all__ = ["open_runner", "open_frame", "sample_frame"]


def open_runner(source: Any, *, spark: Any = None, root: Any = None) -> Runner:
    """A runner for a SQL or Spark source (a :class:`~govreport.data.sources.Source` or its string)."""
    src = source if isinstance(source, Source) else parse_source(str(source), root=root)
    if src.kind == "sql":
        assert src.url is not None
        return SqlRunner(src.url, table=src.table, schema=src.schema, query=src.query, where=src.where)
    if src.kind == "spark":
        return SparkRunner.open(spark or spark_session(), table=src.table, path=src.path)
    raise InputError(
        f"'{src.text}' is a file: it is read into pandas, not run on an engine",
        field="source",
        fix="use open_frame(), or give a SQL URL or a spark: / spark+parquet: source",
    )


def open_frame(source: Any, columns: list[str] | None = None, *, spark: Any = None) -> pd.DataFrame:
    """Any source's data as a pandas DataFrame (only ``columns`` when given): a file read by pandas, a SQL or
    Spark source pulled through its engine. One-line errors otherwise."""
    src = source if isinstance(source, Source) else parse_source(str(source))
    if src.kind == "file":
        return src.read_file(columns)
    with open_runner(src, spark=spark) as runner:
        return runner.frame(columns)


def sample_frame(source: Any, rows: int, *, spark: Any = None) -> pd.DataFrame:
    """:meth:`SparkRunner.sample` of a Spark source; ``frame.attrs["sample"]`` is ``{"rows", "of",
    "source"}`` (the rows taken, of how many, and where)."""
    with open_runner(source, spark=spark) as runner:
        assert isinstance(runner, SparkRunner)
        df, total = runner.sample(rows)
        df.attrs["sample"] = {"rows": len(df), "of": total, "source": runner.where}
    return df
