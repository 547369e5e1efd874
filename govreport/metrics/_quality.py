"""Model quality (Art. 7): discrimination (AUC, Gini, KS), calibration (Brier, ECE) and the Gini drop
against a reference period.

* The score is a probability in [0, 1] of the class it points to: with ``score_higher_is="adverse"`` a
  probability of the unfavourable label (e.g. PD), with ``"favourable"`` of the favourable one. AUC, KS,
  Brier and ECE are all taken for that class ("target").
* **AUC** is exact: from the counts of each class at every distinct score (a score histogram with one bin
  per distinct value), ``AUC = Σ pos_v · (neg_below_v + neg_v / 2) / (P · N)``, i.e. ties count one half,
  summed in integers. It equals scikit-learn's ``roc_auc_score`` to floating-point rounding (≈1e-15).
* **Gini** = 2·AUC − 1. **KS** = max over thresholds of |TPR − FPR| on the same cumulative counts.
* **Brier** = mean((score − target)²).
* **ECE** = Σ_b (n_b / n) · |mean score_b − target rate_b| over ``n_bins`` bins. ``calibration_bins=
  "uniform"`` (default) uses equal-width bins on [0, 1]; ``"quantile"`` uses equal-count bins. A score on
  an inner edge falls in the lower bin, as in scikit-learn's ``calibration_curve``.
* **Gini relative drop** = (reference Gini − Gini) / reference Gini; negative when the model improved.
* ROC points are thinned to at most ``max_curve_points`` points spread evenly along the curve.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.status import Indicator, Status
from ..errors import MetricInputError
from ._common import json_safe, make_indicator, opt_float, optional_threshold
from ._validate import (
    binary_outcome,
    check_choice,
    check_int,
    probability_array,
    require_columns,
    require_frame,
)

__all__ = ["model_quality", "QualityResult", "auc_from_counts", "score_histogram"]


def score_histogram(score: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct scores (ascending) with the number of target and non-target rows at each.

    Sorted once (``np.unique`` with counts, no per-row inverse index); the target rows are placed by binary
    search. A score of zero or NaN (where ``np.unique`` keeps one of several equal values: -0.0 and 0.0,
    NaNs) takes the per-row inverse as before, so the values reported are the same."""
    values, tot = np.unique(score, return_counts=True)
    if not np.isfinite(values).all() or (values == 0).any():
        values, inv = np.unique(score, return_inverse=True)
        pos = np.bincount(inv[target], minlength=len(values)).astype(np.int64)
        tot = np.bincount(inv, minlength=len(values))
    else:
        pos = np.bincount(np.searchsorted(values, score[target]), minlength=len(values)).astype(np.int64)
    return values, pos, tot.astype(np.int64) - pos


def auc_from_counts(pos: np.ndarray, neg: np.ndarray) -> float:
    """Exact AUC from per-distinct-score counts of target (``pos``) and other (``neg``) rows, ascending score.

    Ties count one half. Integer arithmetic until the final division.
    """
    pos = np.asarray(pos, dtype=np.int64)
    neg = np.asarray(neg, dtype=np.int64)
    p, n = int(pos.sum()), int(neg.sum())
    if p == 0 or n == 0:
        return float("nan")
    neg_below = np.cumsum(neg) - neg
    twice = 2 * int(np.dot(pos, neg_below)) + int(np.dot(pos, neg))
    return twice / (2 * p * n)


def _thin(progress: np.ndarray, k: int) -> np.ndarray:
    """Indices of at most ``k`` points spread evenly along a monotone ``progress`` (always first and last)."""
    m = len(progress)
    if m <= k:
        return np.arange(m)
    grid = np.linspace(progress[0], progress[-1], k)
    idx = np.searchsorted(progress, grid, side="left")
    idx = np.unique(np.clip(idx, 0, m - 1))
    idx[0], idx[-1] = 0, m - 1
    return np.unique(idx)


@dataclass
class QualityResult:
    """Result of :func:`model_quality`."""

    n: int
    n_target: int
    target: str
    auc: float | None
    gini: float | None
    ks: float | None
    ks_threshold: float | None
    brier: float | None
    ece: float | None
    reference_gini: float | None
    gini_relative_drop: float | None
    reliability: list[dict[str, Any]]
    roc: dict[str, list[float]]
    ks_curve: dict[str, list[float]]
    settings: dict[str, Any]
    thresholds: Mapping[str, Mapping[str, Any]] | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        ind = {i.id.split(".", 1)[1]: i for i in self.indicators()}
        return json_safe(
            {
                "n": self.n,
                "n_target": self.n_target,
                "target": self.target,
                "auc": self.auc,
                "gini": self.gini,
                "ks": self.ks,
                "ks_threshold": self.ks_threshold,
                "brier": self.brier,
                "ece": self.ece,
                "reference_gini": self.reference_gini,
                "gini_relative_drop": self.gini_relative_drop,
                "status": {k: i.status.value for k, i in ind.items()},
                "reasons": {k: i.note for k, i in ind.items() if i.note},
                "thresholds": {k: i.threshold.to_dict() for k, i in ind.items() if i.threshold},
                "reliability": self.reliability,
                "roc": self.roc,
                "ks_curve": self.ks_curve,
                "settings": self.settings,
            }
        )

    def indicators(self) -> list[Indicator]:
        out = []
        values = {
            "auc": self.auc,
            "ks": self.ks,
            "ece": self.ece,
            "gini_relative_drop": self.gini_relative_drop,
            "gini": self.gini,
            "brier": self.brier,
        }
        for key, value in values.items():
            threshold = optional_threshold(key, self.thresholds)
            if key in ("gini", "brier") and threshold is None:
                continue  # informational unless the system sets a threshold for them
            note = ""
            if key == "gini_relative_drop" and value is None:
                note = (
                    "no reference Gini was given" if self.reference_gini is None else "the Gini is undefined"
                )
            elif value is None:
                note = "only one label class is present" if key in ("auc", "ks") else "undefined"
            out.append(
                make_indicator(
                    f"model_quality.{key}",
                    key,
                    dimension="model_quality",
                    article=7,
                    value=value,
                    threshold=threshold,
                    note=note,
                    status=None if value is not None else Status.NOT_ASSESSED,
                    details={"target": self.target, "n": self.n},
                )
            )
        return out


def model_quality(
    df: pd.DataFrame,
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
) -> QualityResult:
    """Discrimination and calibration of a probability score against observed labels (Art. 7).

    ``score_higher_is`` says which class the score is the probability of: ``"adverse"`` (e.g. a PD, the
    label's unfavourable value) or ``"favourable"``. See the module docstring for the definitions.
    """
    df = require_frame(df)
    require_columns(df, [label, score])
    check_choice(score_higher_is, ("adverse", "favourable"), "score_higher_is")
    check_choice(calibration_bins, ("uniform", "quantile"), "calibration_bins")
    n_bins = check_int(n_bins, "n_bins", minimum=1)
    max_curve_points = check_int(max_curve_points, "max_curve_points", minimum=2)
    if reference_gini is not None and not (0.0 < float(reference_gini) <= 1.0):
        raise MetricInputError(
            f"reference_gini must be in (0, 1], not {reference_gini!r}",
            field="reference_gini",
            fix="pass the Gini of the validated model on its reference period, e.g. 0.52",
        )
    fav = binary_outcome(
        df[label], label_favourable, label_unfavourable, column=label, param="label_favourable"
    )
    p = probability_array(df[score], column=score)
    y = ~fav if score_higher_is == "adverse" else fav

    values, pos, neg = score_histogram(p, y)
    sq = p - y  # (p − y)², squared in place: one temporary
    np.square(sq, out=sq)
    brier = float(np.mean(sq))
    del sq
    if calibration_bins == "uniform":
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    else:
        edges = np.percentile(p, np.linspace(0, 100, n_bins + 1))
    ids = np.searchsorted(edges[1:-1], p)
    cnt = np.bincount(ids, minlength=n_bins)
    s_pred = np.bincount(ids, weights=p, minlength=n_bins)
    s_true = np.bincount(ids[y], minlength=n_bins).astype(np.float64)  # a sum of ones: exact, as a count
    del ids
    return from_statistics(
        values,
        pos,
        neg,
        brier,
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
    )


def from_statistics(
    values: np.ndarray,
    pos: np.ndarray,
    neg: np.ndarray,
    brier: float,
    edges: np.ndarray,
    cnt: np.ndarray,
    s_pred: np.ndarray,
    s_true: np.ndarray,
    *,
    label: str,
    label_favourable: Any,
    score: str,
    score_higher_is: str,
    n_bins: int,
    calibration_bins: str,
    reference_gini: float | None,
    thresholds: Mapping[str, Mapping[str, Any]] | None,
    max_curve_points: int,
    auc_method: str | None = None,
) -> QualityResult:
    """The result from sufficient statistics: target (``pos``) and other (``neg``) counts per ascending
    score value, the Brier score, and per calibration bin (``edges``) the count, score sum and target sum.

    :mod:`govreport.engines` computes these in SQL or Spark and enters here, so both paths share this code.
    """
    pos, neg = np.asarray(pos, dtype=np.int64), np.asarray(neg, dtype=np.int64)
    cnt = np.asarray(cnt, dtype=np.int64)
    n_target = int(pos.sum())
    n = n_target + int(neg.sum())
    auc = auc_from_counts(pos, neg)
    # cumulative shares from the highest score down: the ROC curve
    cpos = np.concatenate([[0], np.cumsum(pos[::-1])])
    cneg = np.concatenate([[0], np.cumsum(neg[::-1])])
    thr = np.concatenate([[np.inf], values[::-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        tpr = cpos / n_target if n_target else np.full(len(cpos), np.nan)
        fpr = cneg / (n - n_target) if n - n_target else np.full(len(cneg), np.nan)
    ks = ks_thr = None
    if n_target and n - n_target:
        gap = np.abs(tpr - fpr)
        k = int(np.argmax(gap))
        ks, ks_thr = float(gap[k]), opt_float(thr[k])
        idx = _thin(tpr + fpr, max_curve_points)
    else:
        idx = _thin(np.arange(len(thr), dtype=float), max_curve_points)
    roc = {"fpr": fpr[idx], "tpr": tpr[idx], "threshold": thr[idx]}
    ks_curve = {
        "threshold": thr[idx],
        "population_share": (cpos[idx] + cneg[idx]) / n,
        "cum_target": tpr[idx],
        "cum_other": fpr[idx],
    }

    nz = cnt > 0
    mean_pred = np.where(nz, s_pred / np.maximum(cnt, 1), np.nan)
    obs = np.where(nz, s_true / np.maximum(cnt, 1), np.nan)
    ece = float(np.sum(cnt[nz] / n * np.abs(mean_pred[nz] - obs[nz])))
    reliability = [
        {
            "bin": i,
            "low": float(edges[i]),
            "high": float(edges[i + 1]),
            "n": int(cnt[i]),
            "mean_score": opt_float(mean_pred[i]),
            "observed_rate": opt_float(obs[i]),
        }
        for i in range(n_bins)
    ]

    auc_v = opt_float(auc)
    gini = 2 * auc_v - 1 if auc_v is not None else None
    drop = None
    if reference_gini is not None and gini is not None:
        drop = (float(reference_gini) - gini) / float(reference_gini)
    target = "adverse (unfavourable label)" if score_higher_is == "adverse" else "favourable label"
    return QualityResult(
        n=n,
        n_target=n_target,
        target=target,
        auc=auc_v,
        gini=gini,
        ks=ks,
        ks_threshold=ks_thr,
        brier=brier,
        ece=ece,
        reference_gini=opt_float(reference_gini),
        gini_relative_drop=drop,
        reliability=reliability,
        roc=json_safe(roc),
        ks_curve=json_safe(ks_curve),
        settings={
            "label": label,
            "label_favourable": label_favourable,
            "score": score,
            "score_higher_is": score_higher_is,
            "n_bins": n_bins,
            "calibration_bins": calibration_bins,
            "auc_method": auc_method or "exact (per-distinct-score counts, ties count one half)",
        },
        thresholds=thresholds,
    )
