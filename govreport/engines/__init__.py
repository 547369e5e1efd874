"""The same indicators and data contracts where the data lives: a SQL database or Apache Spark.

A bank's scoring data may be hundreds of millions of rows in a warehouse or a data lake. The functions
here push the aggregations to the engine — ``GROUP BY`` protected groups × label × prediction, score
histograms per label, PSI bin counts on the reference's edges, contingency tables — and feed the few
returned counts into :mod:`govreport.metrics`, so the figures come from the one implementation the
pandas path uses (see ``_assess`` for what is exact and what is within a stated tolerance, and
``docs/engines.md``).

=================================  =====================================================================
:func:`open_runner`                a :class:`~govreport.data.sources.Source` opened on its engine
:func:`fairness_on`                :func:`govreport.metrics.fairness` on the engine
:func:`quality_on`                 :func:`govreport.metrics.model_quality` (exact, or ``score_bins=``)
:func:`psi_on`, :func:`drift_on`   :func:`govreport.metrics.psi_table` / :func:`~govreport.metrics.drift`
:func:`proxy_on`                   :func:`govreport.metrics.proxy_scan`
:func:`assess_on_engine`           :func:`govreport.assessments.model_risk.assess_frames` (all of the above)
:func:`validate_suite_on_spark`    a Great Expectations suite JSON on a Spark DataFrame
:func:`sample_frame`               a deterministic sample of a Spark source's rows, into pandas
=================================  =====================================================================

Every function takes a source string (``sqlite:///bank.db#scored``, ``spark+parquet:lake/scored``), a
:class:`~govreport.data.sources.Source` or an open runner; Spark sources use ``spark=`` or a session from
:func:`govreport.data.sources.spark_session`. A file source runs the pandas path.
"""

from __future__ import annotations

from typing import Any

from ..assessments.model_risk_engine import (
    assess_on_engine,
    drift_on,
    fairness_on,
    proxy_on,
    psi_on,
    quality_on,
)
from ._spark import SparkRunner, sample_frame, validate_suite_on_spark
from ._sql import Runner, SqlRunner

__all__ = [
    "open_runner",
    "Runner",
    "SqlRunner",
    "SparkRunner",
    "fairness_on",
    "quality_on",
    "psi_on",
    "drift_on",
    "proxy_on",
    "assess_on_engine",
    "validate_suite_on_spark",
    "sample_frame",
]


def open_runner(source: Any, *, spark: Any = None, root: Any = None) -> Runner:
    """A runner for a SQL or Spark source (a :class:`~govreport.data.sources.Source` or its string)."""
    from ..data.sources import Source, parse_source, spark_session
    from ..errors import InputError

    src = source if isinstance(source, Source) else parse_source(str(source), root=root)
    if src.kind == "sql":
        assert src.url is not None
        return SqlRunner(src.url, table=src.table, schema=src.schema, query=src.query, where=src.where)
    if src.kind == "spark":
        return SparkRunner.open(spark or spark_session(), table=src.table, path=src.path)
    raise InputError(f"'{src.text}' is a file: it is read into pandas, not run on an engine", field="source",
                     fix="use Source.open_frame(), or give a SQL URL or a spark: / spark+parquet: source")
