"""Spark: the aggregation SQL of :mod:`._stats` run with ``spark.sql`` on a temporary view, and data
contracts validated by Great Expectations' Spark execution engine.

Only counts and sums come back to the govreport process (a few thousand rows at most, except the exact
AUC's per-distinct-score histogram: see ``score_bins``). pyspark is imported inside functions only.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import DataError
from ._sql import Params, Runner, require

__all__ = ["SparkRunner"]

_NUMERIC = ("ByteType", "ShortType", "IntegerType", "LongType", "FloatType", "DoubleType", "DecimalType")
_UNORDERED = ("MapType", "VariantType")  # Spark neither sorts nor hashes these
_views = itertools.count()


class SparkRunner(Runner):
    """A Spark DataFrame (a catalogue table, a Parquet path, or any DataFrame) as a temporary view."""

    def __init__(self, spark: Any, df: Any, where: str) -> None:
        self.spark, self.df, self.where = spark, df, where
        self.view = f"govreport_src_{next(_views)}"
        df.createOrReplaceTempView(self.view)
        self.columns = [str(f.name) for f in df.schema.fields]
        self.types = {str(f.name): type(f.dataType).__name__ for f in df.schema.fields}
        self.numeric = {c for c, t in self.types.items() if t in _NUMERIC}
        self.engine = f"spark ({spark.sparkContext.master})"

    @classmethod
    def open(cls, spark: Any, *, table: str | None = None, path: Path | str | None = None) -> SparkRunner:
        if table is not None:
            if not spark.catalog.tableExists(table):
                raise DataError(
                    f"Spark table '{table}' does not exist",
                    field="source",
                    fix="check the table name (spark:DATABASE.TABLE) and the session's catalogue",
                )
            return cls(spark, spark.table(table), f"spark table {table}")
        text = str(path)
        if "://" not in text and not Path(text).exists():
            raise DataError("dataset not found", file=text, fix="check the spark+parquet: path")
        try:
            df = spark.read.parquet(text)
        except Exception as e:  # AnalysisException and friends
            first = (str(e).strip().splitlines() or [type(e).__name__])[0][:200]
            raise DataError(
                f"Spark cannot read the Parquet data ({first})",
                file=text,
                fix="check the path and that it holds Parquet files",
            ) from None
        runner = cls(spark, df, text)
        runner.is_file = True
        return runner

    def q(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    @property
    def relation(self) -> str:
        return self.view

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        table = self.spark.sql(sql, args=params.values if params else None).toArrow()  # faster than collect()
        return list(zip(*(c.to_pylist() for c in table.columns), strict=True))

    def count(self) -> int:
        """The row count (remembered: the profile's scan sets it too)."""
        if "_rows" not in self.__dict__:
            self.__dict__["_rows"] = int(self.rows(f"SELECT COUNT(*) FROM {self.relation}")[0][0])
        return int(self.__dict__["_rows"])

    def arrow_frame(self, sql: str) -> pd.DataFrame:
        """A query's rows as pandas through Arrow: the dtypes ``pandas.read_parquet`` gives the same data."""
        return self.spark.sql(sql).toArrow().to_pandas()

    def sample(self, rows: int) -> tuple[pd.DataFrame, int]:
        """``(frame, total rows)``: every row in read order when there are at most ``rows`` (then the frame
        equals ``pandas.read_parquet`` of the same file), else a deterministic sample of ``rows`` rows —
        those with the smallest 64-bit hash (``xxhash64``) of all their columns, ties broken by the values
        — so the same data gives the same sample on any cluster, in any partitioning."""
        total = self.count()
        if total == 0:
            require(self, [])
        cols = ", ".join(self.q(c) for c in self.columns)
        if total <= rows:
            return self.arrow_frame(f"SELECT {cols} FROM {self.relation}"), total
        orderable = [self.q(c) for c in self.columns if self.types[c] not in _UNORDERED]
        order = ", ".join([f"xxhash64({', '.join(orderable)})", *orderable])
        return self.arrow_frame(
            f"SELECT {cols} FROM {self.relation} ORDER BY {order} LIMIT {int(rows)}"
        ), total

    def close(self) -> None:
        self.spark.catalog.dropTempView(self.view)
