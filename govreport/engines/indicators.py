"""The model-risk indicators on an engine: aggregations in SQL or Spark, figures from
:mod:`govreport.metrics`.

Each ``*_on`` function takes a :class:`~govreport.data.sources.Source` (or its string, or an open runner),
checks the columns and the row count, computes the sufficient statistics where the data lives (see
:mod:`._stats`) and hands them to the metrics' ``from_*`` functions — the code the pandas path ends in
too. A file source runs the pandas path itself. What equals what:

* **Exactly**: every count (groups, confusion cells, bins, contingency tables), every rate and
  fairness summary, bootstrap intervals (same seed, same counts), bands and bin edges, PSI, Cramér's V,
  the exact AUC / Gini / KS (per-distinct-score histogram), ROC points.
* **To floating-point summation order** (relative 1e-12): Brier score, ECE and the reliability means,
  which are sums of floats that the engine adds in its own order.
* **Within a stated bound**, only when asked: ``score_bins=B`` counts the score in ``B`` equal-width
  bins instead of per distinct value (for billions of distinct scores); the AUC is then within
  ``Σ_b pos_b·neg_b / (2·P·N)`` of the exact one (pairs tied in a bin count one half). The bound is
  computed from the same counts and reported as ``settings.auc_tolerance``; KS thresholds become bin
  lower edges.
* Proxy scan: when more than ``max_levels − 1`` categories of a feature tie in frequency at the cut,
  the pandas path keeps those seen first in the file, an engine the smallest values (rows have no order
  in SQL).

Explainability (permutation importance, reason codes) needs the model or the rows, not counts: an
engine assessment leaves it out and says so in its notes.

Fairness and model quality are here; drift and the proxy scan in :mod:`.distribution`; opening a source
and encoding its columns as the pandas path does, in :mod:`._encode`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..errors import MetricInputError
from ..metrics import fairness, model_quality
from ..metrics.tables import (
    MAX_CATEGORIES,
    MAX_GROUPS,
    Encoded,
    FairnessResult,
    QualityResult,
    as_name_list,
    check_choice,
    check_fairness,
    check_int,
    from_encoded,
    from_statistics,
    numeric_array,
    probability_array,
)
from ._encode import as_source, attribute, file_source, opened, outcome, value_key
from ._sql import Params, require
from ._stats import bin_expr, group_counts, quantiles
from .distribution import drift_on, proxy_on, psi_on

__all__ = [
    "fairness_on",
    "quality_on",
    "psi_on",
    "drift_on",
    "proxy_on",
    "opened",
    "as_source",
    "file_source",
]


# -- fairness ----------------------------------------------------------------------------------------------
def fairness_on(
    source: Any,
    *,
    label: str | None,
    label_favourable: Any = None,
    prediction: str,
    prediction_favourable: Any,
    protected: Sequence[str],
    intersections: Sequence[Sequence[str]] | Literal["pairs"] | None = "pairs",
    bands: Mapping[str, Sequence[float]] | None = None,
    min_group_size: int = 30,
    n_bootstrap: int = 200,
    confidence: float = 0.95,
    seed: int = 0,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
    label_unfavourable: Any = None,
    prediction_unfavourable: Any = None,
    max_categories: int = MAX_CATEGORIES,
    max_groups: int = MAX_GROUPS,
    spark: Any = None,
) -> FairnessResult:
    """:func:`govreport.metrics.fairness` with one ``GROUP BY`` on the engine (same arguments)."""
    kw = dict(
        label=label,
        label_favourable=label_favourable,
        prediction=prediction,
        prediction_favourable=prediction_favourable,
        protected=protected,
        intersections=intersections,
        bands=bands,
        min_group_size=min_group_size,
        n_bootstrap=n_bootstrap,
        confidence=confidence,
        seed=seed,
        thresholds=thresholds,
        label_unfavourable=label_unfavourable,
        prediction_unfavourable=prediction_unfavourable,
        max_categories=max_categories,
        max_groups=max_groups,
    )
    file = file_source(source)
    if file is not None:
        cols = [*as_name_list(protected, "protected"), prediction, *([label] if label else [])]
        return fairness(file.read_file(list(dict.fromkeys(cols))), **kw)  # type: ignore[arg-type]
    protected = as_name_list(protected, "protected")
    min_group_size, n_bootstrap, combos, bands = check_fairness(
        protected, label, prediction, min_group_size, n_bootstrap, confidence, intersections, bands
    )
    has_label = label is not None
    with opened(source, spark) as r:
        n = require(r, [*protected, prediction, *([label] if has_label else [])])
        pmap = outcome(r, prediction, prediction_favourable, prediction_unfavourable, "prediction_favourable")
        lmap = (
            outcome(r, str(label), label_favourable, label_unfavourable, "label_favourable")
            if has_label
            else {}
        )
        p = Params()
        attrs = {
            a: attribute(r, a, bands.get(a), p, max_categories=max_categories, max_groups=max_groups)
            for a in protected
        }
        exprs = (
            [x.expr for x in attrs.values()] + [r.q(prediction)] + ([r.q(str(label))] if has_label else [])
        )
        rows = group_counts(r, exprs, p)
    k = len(protected)
    weights = np.array([row[-1] for row in rows], dtype=np.float64)
    cell = np.array([pmap[value_key(row[k])] for row in rows], dtype=np.int64)
    if has_label:
        cell |= np.array([lmap[value_key(row[k + 1])] for row in rows], dtype=np.int64) << 1
    encoded = {
        a: Encoded(a, np.array([x.code(row[i]) for row in rows], dtype=np.int64), x.enc.labels, x.enc.banding)
        for i, (a, x) in enumerate(attrs.items())
    }
    return from_encoded(
        encoded,
        combos,
        cell,
        has_label,
        weights,
        n,
        label=label,
        label_favourable=label_favourable,
        prediction=prediction,
        prediction_favourable=prediction_favourable,
        min_group_size=min_group_size,
        n_bootstrap=n_bootstrap,
        confidence=float(confidence),
        seed=seed,
        thresholds=thresholds,
    )


# -- model quality -----------------------------------------------------------------------------------------
def quality_on(
    source: Any,
    *,
    label: str,
    label_favourable: Any,
    score: str,
    score_higher_is: Literal["adverse", "favourable"],
    label_unfavourable: Any = None,
    n_bins: int = 10,
    calibration_bins: Literal["uniform", "quantile"] = "uniform",
    reference_gini: float | None = None,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
    max_curve_points: int = 200,
    score_bins: int | None = None,
    spark: Any = None,
) -> QualityResult:
    """:func:`govreport.metrics.model_quality` from a score histogram computed on the engine.

    ``score_bins=None`` (default) counts per distinct score: exact. ``score_bins=B`` uses ``B`` equal-width
    bins on [0, 1]; the AUC's error bound is in ``settings["auc_tolerance"]``.
    """
    kw = dict(
        label=label,
        label_favourable=label_favourable,
        score=score,
        score_higher_is=score_higher_is,
        label_unfavourable=label_unfavourable,
        n_bins=n_bins,
        calibration_bins=calibration_bins,
        reference_gini=reference_gini,
        thresholds=thresholds,
        max_curve_points=max_curve_points,
    )
    file = file_source(source)
    if file is not None:
        return model_quality(file.read_file(list(dict.fromkeys([label, score]))), **kw)  # type: ignore[arg-type]
    check_choice(score_higher_is, ("adverse", "favourable"), "score_higher_is")
    check_choice(calibration_bins, ("uniform", "quantile"), "calibration_bins")
    n_bins = check_int(n_bins, "n_bins", minimum=1)
    max_curve_points = check_int(max_curve_points, "max_curve_points", minimum=2)
    if score_bins is not None:
        score_bins = check_int(score_bins, "score_bins", minimum=2)
    if reference_gini is not None and not (0.0 < float(reference_gini) <= 1.0):
        raise MetricInputError(
            f"reference_gini must be in (0, 1], not {reference_gini!r}",
            field="reference_gini",
            fix="pass the Gini of the validated model on its reference period, e.g. 0.52",
        )
    with opened(source, spark) as r:
        n = require(r, [label, score])
        lmap = outcome(r, label, label_favourable, label_unfavourable, "label_favourable")
        if score not in r.numeric:
            numeric_array(pd.Series(["x"]), column=score, what="scores")  # raises the pandas path's message
        s = r.q(score)
        n_null, lo, hi = r.rows(f"SELECT COUNT(*) - COUNT({s}), MIN({s}), MAX({s}) FROM {r.relation}")[0]
        if n_null:
            raise MetricInputError(
                f"{int(n_null):,} of {n:,} scores are missing or infinite ({int(n_null):,} missing)",
                field=score,
                fix="drop or fill those rows first",
            )
        probability_array(pd.Series([float(lo), float(hi)]), column=score)  # the range check and its message
        p = Params()
        target = [v for v, fav in lmap.items() if fav != (score_higher_is == "adverse")]
        t = f"(CASE WHEN {r.q(label)} IN ({', '.join(p(v) for v in target) or 'NULL'}) THEN 1 ELSE 0 END)"
        if score_bins is None:
            hist = group_counts(r, [s, t], p)
        else:
            scaled = r.floor(f"{s} * {p(float(score_bins))}")
            b = f"(CASE WHEN {s} >= 1 THEN {score_bins - 1} ELSE {scaled} END)"
            hist = group_counts(r, [b, t], p)
        if calibration_bins == "uniform":
            edges = np.linspace(0.0, 1.0, n_bins + 1)
        else:
            edges = quantiles(r, score, np.linspace(0, 100, n_bins + 1) / 100)
        cal = group_counts(
            r, [bin_expr(r, score, edges[1:-1], "left", p)], p, sums=[s, t, f"({s} - {t}) * ({s} - {t})"]
        )
    keys = np.array(sorted({float(h[0]) for h in hist}))
    pos, neg = np.zeros(len(keys), dtype=np.int64), np.zeros(len(keys), dtype=np.int64)
    for v, is_t, c in hist:
        (pos if int(is_t) else neg)[np.searchsorted(keys, float(v))] += int(c)
    cnt, s_pred, s_true = np.zeros(n_bins, np.int64), np.zeros(n_bins), np.zeros(n_bins)
    brier = 0.0
    for i, c, sp, st, sq in cal:
        cnt[int(i)], s_pred[int(i)], s_true[int(i)] = int(c), float(sp), float(st)
        brier += float(sq)
    method, tol = None, 0.0
    if score_bins is not None:
        keys = keys / score_bins  # a bin is represented by its lower edge
        tol = float(np.dot(pos, neg)) / (2.0 * pos.sum() * neg.sum()) if pos.sum() and neg.sum() else 0.0
        method = (
            f"binned ({score_bins} equal-width score bins, ties in a bin count one half; |error| ≤ {tol:.2e})"
        )
    res = from_statistics(
        keys,
        pos,
        neg,
        brier / n,
        edges,
        cnt,
        s_pred,
        s_true,
        label=label,
        label_favourable=label_favourable,
        score=score,
        score_higher_is=score_higher_is,
        n_bins=n_bins,
        calibration_bins=calibration_bins,
        reference_gini=reference_gini,
        thresholds=thresholds,
        max_curve_points=max_curve_points,
        auc_method=method,
    )
    res.settings["auc_tolerance"] = tol
    return res
