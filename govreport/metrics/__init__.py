"""Indicator computations for Art. 6 (fairness, proxies) and Art. 7 (model quality, drift, explainability).

Pure functions over pandas DataFrames. Wherever the definitions allow, they reduce the data to
sufficient statistics first — per-group confusion counts, per-distinct-score class counts, binned
histograms, contingency tables — and compute everything (bootstrap intervals included) from those, so
the same figures can be produced from ``GROUP BY`` queries in SQL or Spark. No Python loop runs over rows.

Every function validates its input and raises :class:`govreport.errors.MetricInputError` (one line:
the column or parameter, what is wrong, how to fix it). Every result is a dataclass with ``to_dict()``
(JSON-safe: NaN and inf become None) and ``indicators()`` (:class:`govreport.core.status.Indicator` objects
with statuses from :func:`govreport.core.status.threshold_for`; ``thresholds=`` takes per-system overrides).

==========================  =======================================================================
:func:`fairness`            group rates and the four Art. 6 summaries per attribute and intersection
:func:`proxy_scan`          Cramér's V of every feature against every protected attribute
:func:`model_quality`       AUC, Gini, KS, Brier, ECE, reliability and ROC data, Gini drop
:func:`psi`, :func:`drift`  population stability of columns and the score against a reference
:func:`feature_importance`  permutation importance of a model, or of a surrogate of the score
:func:`reason_codes`        top reasons behind adverse decisions, summarised
:func:`label_leakage` …     the training-data audit: label balance and rates by group, missingness by
                            group, leakage, coverage of and overlap with the scoring data, the window
==========================  =======================================================================

Each private module's docstring states its definitions and conventions (banding, bins, epsilon,
bias correction, tie handling).
"""

from __future__ import annotations

from ._bands import DEFAULT_AGE_BANDS, MISSING, encode_attribute
from ._drift import ColumnDrift, DriftResult, drift, psi, psi_table
from ._explain import ImportanceResult, ReasonCodeResult, feature_importance, reason_codes
from ._fairness import (
    RATES,
    SUMMARIES,
    AttributeFairness,
    FairnessResult,
    GroupRates,
    SummaryMetric,
    fairness,
)
from ._proxy import ProxyResult, cramers_v, proxy_scan
from ._quality import QualityResult, auc_from_counts, model_quality
from ._training import (
    GroupLabelRates,
    LabelBalance,
    Leakage,
    Missingness,
    differential_missingness,
    label_balance,
    label_leakage,
    label_rate_by_group,
    single_feature_auc,
)
from ._training_scoring import (
    GroupCoverage,
    Overlap,
    TrainingWindow,
    group_coverage,
    overlap_with_scoring,
    row_hashes,
    training_window,
)

__all__ = [
    # Art. 6
    "fairness",
    "FairnessResult",
    "AttributeFairness",
    "GroupRates",
    "SummaryMetric",
    "RATES",
    "SUMMARIES",
    "DEFAULT_AGE_BANDS",
    "MISSING",
    "encode_attribute",
    "proxy_scan",
    "ProxyResult",
    "cramers_v",
    # Art. 7
    "model_quality",
    "QualityResult",
    "auc_from_counts",
    "psi",
    "psi_table",
    "drift",
    "DriftResult",
    "ColumnDrift",
    "feature_importance",
    "ImportanceResult",
    "reason_codes",
    "ReasonCodeResult",
    # the training-data audit (Art. 6, 7, 12)
    "label_balance",
    "LabelBalance",
    "label_rate_by_group",
    "GroupLabelRates",
    "differential_missingness",
    "Missingness",
    "label_leakage",
    "Leakage",
    "single_feature_auc",
    "group_coverage",
    "GroupCoverage",
    "overlap_with_scoring",
    "Overlap",
    "row_hashes",
    "training_window",
    "TrainingWindow",
]
