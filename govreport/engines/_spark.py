"""Spark: the aggregation SQL of :mod:`._stats` run with ``spark.sql`` on a temporary view, and data
contracts validated by Great Expectations' Spark execution engine.

Only counts and sums come back to the govreport process (a few thousand rows at most, except the exact
AUC's per-distinct-score histogram: see ``score_bins``). pyspark is imported inside functions only.
"""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path
from typing import Any

from ..errors import DataError
from ._sql import Params, Runner

__all__ = ["SparkRunner", "validate_suite_on_spark"]

_NUMERIC = ("ByteType", "ShortType", "IntegerType", "LongType", "FloatType", "DoubleType", "DecimalType")
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
                raise DataError(f"Spark table '{table}' does not exist", field="source",
                                fix="check the table name (spark:DATABASE.TABLE) and the session's catalogue")
            return cls(spark, spark.table(table), f"spark table {table}")
        text = str(path)
        if "://" not in text and not Path(text).exists():
            raise DataError("dataset not found", file=text, fix="check the spark+parquet: path")
        try:
            df = spark.read.parquet(text)
        except Exception as e:  # AnalysisException and friends
            first = (str(e).strip().splitlines() or [type(e).__name__])[0][:200]
            raise DataError(f"Spark cannot read the Parquet data ({first})", file=text,
                            fix="check the path and that it holds Parquet files") from None
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

    def close(self) -> None:
        self.spark.catalog.dropTempView(self.view)


def validate_suite_on_spark(suite_path: Path | str, df: Any) -> list[dict[str, Any]]:
    """Run a Great Expectations suite JSON, unchanged, on a Spark DataFrame with GX's Spark engine.

    Returns one entry per expectation, in suite order: ``type``, ``column``, ``success``,
    ``element_count``, ``unexpected_count``, ``observed_value`` — the fields the contract summary uses.
    """
    from ..contracts._suite import build_gx_suite, import_gx, load_suite
    from ..contracts._validate import gx_context

    sf = load_suite(Path(suite_path))
    gx = import_gx()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"great_expectations(\.|$)")
        warnings.filterwarnings("ignore", category=FutureWarning)
        ctx = gx_context()
        suite, ids = build_gx_suite(sf, [])
        batch = (ctx.data_sources.add_spark("govreport-spark").add_dataframe_asset(sf.name)
                 .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": df}))
        res = batch.validate(suite)
    del gx
    by_id = {r.expectation_config.id: r for r in res.results}
    out = []
    for exp, eid in zip(sf.expectations, ids, strict=True):
        r = by_id[eid]
        result = r.result or {}
        kw = exp.get("kwargs") or {}
        out.append({"type": exp["type"], "column": kw.get("column"), "success": bool(r.success),
                    "element_count": result.get("element_count"),
                    "unexpected_count": result.get("unexpected_count"),
                    "observed_value": result.get("observed_value")})
    return out
