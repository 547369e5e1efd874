"""Where the data lives: a SQL database or Apache Spark, as runners that push aggregations to the engine.

A bank's scoring data may be hundreds of millions of rows in a warehouse or a data lake. A runner pushes the
aggregations to the engine — ``GROUP BY`` protected groups × label × prediction, score histograms per label,
PSI bin counts on the reference's edges, contingency tables — and returns the few counts;
:mod:`govreport.assessments.model_risk_engine` feeds them into :mod:`govreport.metrics` (the indicators on an
engine), and :mod:`govreport.contracts` runs the data contracts on Spark (``docs/engines.md``).

=================================  =====================================================================
:func:`open_runner`                a :class:`~govreport.data.sources.Source` opened on its engine
:func:`open_frame`                 any source's data into pandas (a file directly, else through its engine)
:func:`sample_frame`               a deterministic sample of a Spark source's rows, into pandas
=================================  =====================================================================

Every function takes a source string (``sqlite:///bank.db#scored``, ``spark+parquet:lake/scored``), a
:class:`~govreport.data.sources.Source` or an open runner; Spark sources use ``spark=`` or a session from
:func:`govreport.data.sources.spark_session`. A file source runs the pandas path.
"""

from __future__ import annotations

from ._spark import SparkRunner
from ._sql import Params, Runner, SqlRunner, require
from .indicators import drift_on, fairness_on, proxy_on, psi_on, quality_on
from .open import open_frame, open_runner, sample_frame

__all__ = [
    "open_runner",
    "open_frame",
    "sample_frame",
    "Runner",
    "SqlRunner",
    "SparkRunner",
    "Params",
    "require",
    "fairness_on",
    "quality_on",
    "psi_on",
    "drift_on",
    "proxy_on",
]
