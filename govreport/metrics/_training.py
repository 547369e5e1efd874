"""The training-data audit (Art. 6, 7, 12): is the data a model learnt from suitable and representative?

Pure functions over pandas DataFrames, one result dataclass each (``to_dict()`` JSON-safe, ``indicators()``
with statuses from :func:`govreport.core.status.threshold_for`; ``thresholds=`` takes per-system overrides).
Indicator ids and definitions:

Per model version (the training data alone):

* ``training.label_balance`` — the smaller outcome class's share of the training labels (the favourable
  share is in ``details``). A class under 1 % leaves the model little to learn from.
* ``training.label_rate_by_group.<attr>`` — the favourable-label rate of each group of a protected attribute
  in the training labels, and the lowest over the highest rate of the judged groups (n ≥ ``min_group_size``):
  historical bias the model can learn, against the four-fifths rule.
* ``training.differential_missingness.<attr>`` — per feature, the share of missing values in each judged
  group; the value is the largest gap (highest − lowest group share) over the features, the feature and
  the two groups named. A feature missing mostly for one group makes the model treat that group differently.
* ``training.label_leakage`` — features that predict the label almost perfectly on their own: each feature's
  single-feature AUC and the share of rows where it equals the label. The value is the highest AUC; a
  feature is *flagged* with AUC ≥ 0.95 (the red line) or equal to the label in ≥ 99 % of rows
  (``training.label_equal_share``) — and in more rows than the label's commoner value covers, so a feature
  that is almost always 0 beside a label that is almost always 0 is not a leak — and any flagged feature
  makes the indicator red.

Per period, against that period's scoring data:

* ``training.group_coverage.<attr>`` — each group's share of the training rows over its share of the scoring
  rows, for groups with ≥ ``min_group_size`` scoring rows; the value is the lowest ratio (0: a group scored
  but absent in training), the group named. Groups with fewer than ``min_group_size`` training rows are
  listed as *tiny* and make the indicator at least amber.
* ``training.overlap_with_scoring`` — the share of scoring rows whose 64-bit row hash over ``columns`` (the
  contract's keys, or the model's features) also occurs in the training data. Numbers are hashed as float64,
  so ``1`` and ``1.0`` are the same value in both files. By features, a profile that occurs more than once
  in the training data (an inactive account: every amount 0) is common, not a reused record: such scoring
  rows are counted apart (``common_profiles``), not in the share. Keys tell records apart; features cannot.
* ``training.window`` — days from the training data's newest timestamp to the scoring period's first day;
  ≤ 0 (training rows from the scoring period or after it) is red.

Single-feature AUC: a numeric feature with more than 20 distinct values is ranked by its value (the AUC
taken as max(AUC, 1 − AUC): either direction predicts), missing values forming the lowest rank; any other
feature (categories, or numbers with few values) is scored by its category's favourable-label rate — the
best any model using that feature alone could do. Both are exact Mann-Whitney AUCs from per-value counts
(ties count one half), equal to scikit-learn's ``roc_auc_score`` on the same scores. A text feature with
more than 100 distinct values (an identifier) is not scored: its per-category rate would fit the label by
construction; its equality share is still checked.

Group definitions (bands, missing values as a group) are those of :func:`govreport.metrics.encode_attribute`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.status import Indicator, Status, Threshold, threshold_for, worst
from ..errors import MetricInputError
from ._bands import MAX_CATEGORIES, MAX_GROUPS, encode_attribute
from ._common import json_safe, make_indicator, more_distinct_than, opt_float
from ._quality import auc_from_counts
from ._validate import binary_outcome, require_columns, require_frame

__all__ = [
    "LabelBalance",
    "GroupLabelRates",
    "Missingness",
    "Leakage",
    "label_balance",
    "label_rate_by_group",
    "differential_missingness",
    "label_leakage",
    "single_feature_auc",
]

#: Art. of each indicator (the dimension is data_quality throughout: it is the data the model learnt from).
_ARTICLE = {
    "training.label_balance": 7,
    "training.label_rate_by_group": 6,
    "training.differential_missingness": 6,
    "training.label_leakage": 7,
    "training.group_coverage": 6,
    "training.overlap_with_scoring": 7,
    "training.window": 7,
}
#: Example rows (positions) kept for a report: enough to find them, never the data itself.
MAX_EXAMPLES = 5


def _indicator(
    base: str,
    value: float | None,
    threshold: Threshold,
    *,
    suffix: str = "",
    status: Status | None = None,
    note: str = "",
    unit: str = "",
    details: Mapping[str, Any] | None = None,
) -> Indicator:
    return make_indicator(
        f"{base}.{suffix}" if suffix else base,
        base,
        dimension="data_quality",
        article=_ARTICLE[base],
        value=value,
        threshold=threshold,
        suffix=suffix,
        status=status,
        note=note,
        unit=unit,
        details=dict(details or {}),
    )


# -- per model version --------------------------------------------------------------------------------------
@dataclass
class LabelBalance:
    n: int
    favourable_share: float
    minority_share: float
    threshold: Threshold

    @property
    def status(self) -> Status:
        return self.threshold.evaluate(self.minority_share)

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "n": self.n,
                "favourable_share": self.favourable_share,
                "minority_share": self.minority_share,
                "status": self.status,
                "threshold": self.threshold,
            }
        )

    def indicators(self) -> list[Indicator]:
        return [
            _indicator(
                "training.label_balance",
                self.minority_share,
                self.threshold,
                unit="share",
                details={"n": self.n, "favourable_share": self.favourable_share},
            )
        ]


def label_balance(
    df: pd.DataFrame,
    *,
    label: str,
    label_favourable: Any,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
) -> LabelBalance:
    """The favourable and the smaller class's share of the training labels."""
    df = require_frame(df)
    require_columns(df, [label], frame="the training data")
    fav = binary_outcome(df[label], label_favourable, column=label, param="label_favourable")
    share = float(fav.mean()) if len(fav) else float("nan")
    return LabelBalance(
        len(fav), share, min(share, 1 - share), threshold_for("training.label_balance", thresholds)
    )


@dataclass
class GroupLabelRates:
    attribute: str
    groups: dict[str, dict[str, Any]]
    ratio: float | None
    max_group: str | None
    min_group: str | None
    threshold: Threshold
    banding: dict[str, Any] | None = None
    reason: str = ""

    @property
    def status(self) -> Status:
        return self.threshold.evaluate(self.ratio)

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "attribute": self.attribute,
                "groups": self.groups,
                "ratio": self.ratio,
                "max_group": self.max_group,
                "min_group": self.min_group,
                "banding": self.banding,
                "status": self.status,
                "threshold": self.threshold,
                "reason": self.reason,
            }
        )

    def indicators(self) -> list[Indicator]:
        return [
            _indicator(
                "training.label_rate_by_group",
                self.ratio,
                self.threshold,
                suffix=self.attribute,
                note=self.reason,
                details={
                    "attribute": self.attribute,
                    "max_group": self.max_group,
                    "min_group": self.min_group,
                    "rates": {k: g["favourable_rate"] for k, g in self.groups.items() if g["judged"]},
                },
            )
        ]


def label_rate_by_group(
    df: pd.DataFrame,
    *,
    label: str,
    label_favourable: Any,
    protected: Sequence[str],
    bands: Mapping[str, Sequence[float]] | None = None,
    min_group_size: int = 30,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, GroupLabelRates]:
    """Per protected attribute: each group's favourable-label rate and the four-fifths ratio."""
    df = require_frame(df)
    require_columns(df, [label, *protected], frame="the training data")
    fav = binary_outcome(df[label], label_favourable, column=label, param="label_favourable")
    th = threshold_for("training.label_rate_by_group", thresholds)
    out: dict[str, GroupLabelRates] = {}
    for attr in protected:
        enc = encode_attribute(df[attr], attr, (bands or {}).get(attr))
        k = len(enc.labels)
        n = np.bincount(enc.codes, minlength=k)
        f = np.bincount(enc.codes, weights=fav, minlength=k)
        groups = {
            g: {
                "n": int(n[i]),
                "favourable": int(f[i]),
                "favourable_rate": opt_float(f[i] / n[i]) if n[i] else None,
                "judged": bool(n[i] >= min_group_size),
            }
            for i, g in enumerate(enc.labels)
        }
        judged = {g: v["favourable_rate"] for g, v in groups.items() if v["judged"]}
        ratio = hi = lo = None
        reason = ""
        if len(judged) < 2:
            reason = f"fewer than two groups with at least {min_group_size} training rows"
        else:
            hi = max(judged, key=lambda g: judged[g])
            lo = min(judged, key=lambda g: judged[g])
            ratio = judged[lo] / judged[hi] if judged[hi] else None
            if ratio is None:
                reason = "no group has a favourable label"
        out[attr] = GroupLabelRates(attr, groups, ratio, hi, lo, th, enc.banding, reason)
    return out


@dataclass
class Missingness:
    attribute: str
    features: dict[str, dict[str, Any]]
    gap: float | None
    worst_feature: str | None
    high_group: str | None
    low_group: str | None
    threshold: Threshold
    reason: str = ""

    @property
    def status(self) -> Status:
        return self.threshold.evaluate(self.gap)

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "attribute": self.attribute,
                "gap": self.gap,
                "worst_feature": self.worst_feature,
                "high_group": self.high_group,
                "low_group": self.low_group,
                "features": self.features,
                "status": self.status,
                "threshold": self.threshold,
                "reason": self.reason,
            }
        )

    def indicators(self) -> list[Indicator]:
        shares = (self.features.get(self.worst_feature or "") or {}).get("groups", {})
        return [
            _indicator(
                "training.differential_missingness",
                self.gap,
                self.threshold,
                suffix=self.attribute,
                note=self.reason,
                unit="share",
                details={
                    "attribute": self.attribute,
                    "feature": self.worst_feature,
                    "high_group": self.high_group,
                    "low_group": self.low_group,
                    "high_share": shares.get(self.high_group or ""),
                    "low_share": shares.get(self.low_group or ""),
                },
            )
        ]


def differential_missingness(
    df: pd.DataFrame,
    features: Sequence[str],
    *,
    protected: Sequence[str],
    bands: Mapping[str, Sequence[float]] | None = None,
    min_group_size: int = 30,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Missingness]:
    """Per protected attribute: each feature's missing share by group, and the widest gap."""
    df = require_frame(df)
    feats = [f for f in features if f not in protected]
    require_columns(df, [*feats, *protected], frame="the training data")
    missing = {f: df[f].isna().to_numpy() for f in feats}
    th = threshold_for("training.differential_missingness", thresholds)
    out: dict[str, Missingness] = {}
    for attr in protected:
        enc = encode_attribute(df[attr], attr, (bands or {}).get(attr))
        k = len(enc.labels)
        n = np.bincount(enc.codes, minlength=k)
        judged = n >= min_group_size
        per: dict[str, dict[str, Any]] = {}
        best: tuple[float, str, str, str] | None = None
        for f, miss in missing.items():
            m = np.bincount(enc.codes, weights=miss, minlength=k) if miss.any() else np.zeros(k)
            share = np.divide(m, n, out=np.zeros(k), where=n > 0)
            groups = {g: float(share[i]) for i, g in enumerate(enc.labels) if judged[i]}
            gap = hi = lo = None
            if len(groups) >= 2:
                hi = max(groups, key=lambda g: groups[g])
                lo = min(groups, key=lambda g: groups[g])
                gap = groups[hi] - groups[lo]
                if best is None or gap > best[0]:
                    best = (gap, f, hi, lo)
            per[f] = {"groups": groups, "gap": gap, "high_group": hi, "low_group": lo}
        if best is None:
            reason = (
                "no feature to check"
                if not feats
                else f"fewer than two groups with at least {min_group_size} training rows"
            )
            out[attr] = Missingness(attr, per, None, None, None, None, th, reason)
        else:
            out[attr] = Missingness(attr, per, best[0], best[1], best[2], best[3], th)
    return out


#: An integral feature whose values span at most this many integers is counted with one ``bincount``.
_DENSE_RANGE = 1 << 22


def _numeric_counts(x: np.ndarray, positive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct value of ``x`` (ascending; missing values first, as the lowest rank): the rows and the
    positive rows. Integral values over a moderate range are counted directly (no sort), others sorted."""
    nan = np.isnan(x)
    has_nan = bool(nan.any())
    v = x[~nan] if has_nan else x
    p = positive[~nan] if has_nan else positive
    lo, hi = (float(v.min()), float(v.max())) if len(v) else (0.0, 0.0)
    if len(v) and hi - lo <= _DENSE_RANGE and np.array_equal(v, np.floor(v)):
        idx = (v - lo).astype(np.int64)
        total = np.bincount(idx, minlength=int(hi - lo) + 1)
        pos = np.bincount(idx, weights=p, minlength=int(hi - lo) + 1)
        keep = total > 0
        total, pos = total[keep], pos[keep]
    else:
        _, inverse, total = np.unique(v, return_inverse=True, return_counts=True)
        pos = np.bincount(inverse.ravel(), weights=p, minlength=len(total))
    if has_nan:
        total = np.concatenate([[int(nan.sum())], total])
        pos = np.concatenate([[float(positive[nan].sum())], pos])
    return total.astype(np.int64), np.rint(pos).astype(np.int64)


def single_feature_auc(feature: pd.Series, positive: np.ndarray) -> tuple[float | None, str]:
    """The AUC of one feature as the only predictor of ``positive`` (see the module docstring), and how
    it was scored: ``rank`` (numeric, many values), ``rate`` (categories) or ``identifier`` (not scored)."""
    numeric = pd.api.types.is_numeric_dtype(feature.dtype) and not pd.api.types.is_bool_dtype(feature.dtype)
    if numeric:
        total, pos = _numeric_counts(feature.to_numpy(dtype=float, na_value=np.nan), positive)
        n_values = len(total) - int(bool(feature.hasnans))
        if n_values > MAX_CATEGORIES:  # ranked by value; either direction predicts
            auc = auc_from_counts(pos, total - pos)
            return (opt_float(max(auc, 1 - auc)) if np.isfinite(auc) else None), "rank"
    else:
        if more_distinct_than(feature, MAX_GROUPS):
            return None, "identifier"
        codes, uniques = pd.factorize(feature, use_na_sentinel=True)
        k = len(uniques) + 1  # the last bin: missing values
        codes = np.where(codes < 0, k - 1, codes)
        total = np.bincount(codes, minlength=k)
        pos = np.rint(np.bincount(codes, weights=positive, minlength=k)).astype(np.int64)
    rate = pos / np.maximum(total, 1)  # scored by its category's favourable rate
    order = np.argsort(rate, kind="stable")
    auc = auc_from_counts(pos[order], (total - pos)[order])
    return (opt_float(auc) if np.isfinite(auc) else None), "rate"


def _equal_share(feature: pd.Series, label: pd.Series) -> float | None:
    """Share of rows where the feature holds the label's value (numbers compared as numbers)."""
    num = pd.api.types.is_numeric_dtype
    if num(feature.dtype) and num(label.dtype):
        a = feature.to_numpy(dtype=float, na_value=np.nan)
        b = label.to_numpy(dtype=float, na_value=np.nan)
    elif not num(feature.dtype) and not num(label.dtype):
        a = feature.astype("string").to_numpy(dtype=object, na_value=None)
        b = label.astype("string").to_numpy(dtype=object, na_value=None)
    else:
        return None
    return float(np.mean(a == b)) if len(a) else None


@dataclass
class Leakage:
    features: dict[str, dict[str, Any]]
    value: float | None
    worst_feature: str | None
    flagged: list[str]
    threshold: Threshold
    equal_threshold: Threshold

    @property
    def status(self) -> Status:
        return worst(
            [
                self.threshold.evaluate(self.value),
                *(Status.RED for f in self.flagged if self.features[f]["equal"]),
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "value": self.value,
                "worst_feature": self.worst_feature,
                "flagged": self.flagged,
                "features": self.features,
                "status": self.status,
                "threshold": self.threshold,
                "equal_share_threshold": self.equal_threshold,
            }
        )

    def indicators(self) -> list[Indicator]:
        return [
            _indicator(
                "training.label_leakage",
                self.value,
                self.threshold,
                status=self.status,
                note="" if self.features else "no model features declared",
                details={
                    "feature": self.worst_feature,
                    "flagged": {
                        f: {k: self.features[f][k] for k in ("auc", "equal_share")} for f in self.flagged
                    },
                    "equal_share_rule": self.equal_threshold.describe(),
                },
            )
        ]


def label_leakage(
    df: pd.DataFrame,
    features: Sequence[str],
    *,
    label: str,
    label_favourable: Any,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
) -> Leakage:
    """Each feature's single-feature AUC and equality share with the label; the flagged ones named."""
    df = require_frame(df)
    require_columns(df, [label, *features], frame="the training data")
    fav = binary_outcome(df[label], label_favourable, column=label, param="label_favourable")
    th = threshold_for("training.label_leakage", thresholds)
    eq_th = threshold_for("training.label_equal_share", thresholds)
    per: dict[str, dict[str, Any]] = {}
    flagged: list[str] = []
    majority = max(float(fav.mean()), 1 - float(fav.mean())) if len(fav) else 1.0
    for f in dict.fromkeys(features):
        if f == label:
            raise MetricInputError(
                "the label is listed among the model's features",
                field=f,
                fix="remove the label column from model.features",
            )
        auc, method = single_feature_auc(df[f], fav)
        eq = _equal_share(df[f], df[label])
        # equal to the label beyond what always guessing its commoner value would give
        equal = eq is not None and eq > majority and eq_th.evaluate(eq) == Status.RED
        bad = th.evaluate(auc) == Status.RED or equal
        per[f] = {"auc": auc, "method": method, "equal_share": eq, "equal": equal, "flagged": bad}
        if bad:
            flagged.append(f)
    scored = {f: v["auc"] for f, v in per.items() if v["auc"] is not None}
    top = max(scored, key=lambda f: scored[f]) if scored else None
    flagged.sort(key=lambda f: -(per[f]["auc"] or 0.0))
    worst_f = flagged[0] if flagged else top
    return Leakage(per, scored.get(top) if top else None, worst_f, flagged, th, eq_th)
