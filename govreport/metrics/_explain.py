"""Explainability (Art. 7): global feature importance and reason codes for adverse decisions.

**Feature importance.** With a fitted ``model`` that has ``predict_proba``: permutation importance on a
sample of rows — for each feature, the mean absolute change of the model's probability (column
``proba_column``) when that feature's values are shuffled, averaged over ``n_repeats`` shuffles. It
needs no labels, so it describes what the model relies on, not how accurate it is.

Without a model (a vendor model, or only scores stored): a **surrogate** is fitted to reproduce the
score from the features — ``"gbm"`` (default: scikit-learn ``HistGradientBoostingRegressor``, depth 3,
100 trees) or ``"linear"`` (ridge on standardised features) — on logit(score) when the score is a
probability in [0, 1], else on the score. Its **fidelity** (R² on a held-out quarter of the sample) is
reported; importances come from the same permutation procedure applied to the surrogate on the held-out
rows. A low fidelity (say < 0.7) means the surrogate's explanation should not be relied on.

**Reason codes.** A linear surrogate (ridge on standardised features, target as above) is fitted on up
to ``fit_sample`` rows. For every adverse decision each feature's contribution is ``coef · (x − mean)``
(summed over a categorical feature's indicator columns); the reasons are the ``top_k`` features whose
contributions push most towards the adverse side (positive contributions only). The result summarises
how often each feature is a reason; the per-decision codes are kept in ``per_decision`` (not in
``to_dict()``, so no customer-level data reaches a report, Art. 8).

Design matrix: numeric features as they are (missing values: median, plus a missing-indicator column
in the feature's block for the linear model); other features one-hot over their ``max_levels − 1`` most
frequent values plus ``(other)`` (ordinal codes, as categorical, for the gradient-boosting model).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.status import Indicator
from ..errors import MetricInputError
from ._common import chunks, code_dtype, json_safe, make_indicator, opt_float, optional_threshold
from ._validate import (
    align_mask,
    as_name_list,
    check_choice,
    check_int,
    numeric_array,
    require_columns,
    require_frame,
)

__all__ = ["feature_importance", "reason_codes", "ImportanceResult", "ReasonCodeResult"]


def _target(s: pd.Series, column: str) -> tuple[np.ndarray, str]:
    y, target = _target_of(s, column)
    return y(slice(None)), target


def _target_of(s: pd.Series, column: str) -> tuple[Any, str]:
    """The surrogate's target for any rows (a function of the row positions), and its name: logit(score)
    when every score is in [0, 1], else the score. Element by element, so rows taken alone give the values
    of all rows taken at once."""
    y = numeric_array(s, column=column, what="scores")
    if y.min() >= 0.0 and y.max() <= 1.0:

        def logit(rows: Any) -> np.ndarray:
            p = np.clip(y[rows], 1e-6, 1 - 1e-6)
            return np.log(p / (1 - p))

        return logit, "logit(score)"
    return (lambda rows: y[rows]), "score"


def _top_codes(s: pd.Series, max_levels: int) -> tuple[np.ndarray, int]:
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    k = len(uniques)
    freq = np.bincount(codes[codes >= 0], minlength=k)
    keep = np.argsort(-freq, kind="stable")[: max_levels - 1]
    remap = np.full(k, len(keep), dtype=np.int64)
    remap[keep] = np.arange(len(keep))
    out = np.where(codes >= 0, remap[np.maximum(codes, 0)], len(keep))
    return out, len(keep) + 1


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


@dataclass
class _LinearDesign:
    """The linear surrogate's design matrix, made for any rows on demand and never held for every row.

    Numeric features as they are (missing values: the median of all rows, plus a missing-indicator column),
    others one-hot over their ``max_levels − 1`` most frequent values plus ``(other)`` (counted on all rows).
    """

    parts: list[tuple[pd.Series | np.ndarray, Any]]  # (numeric column, its median or None) / (codes, levels)
    owner: np.ndarray  # per design column, the index of its feature
    n: int

    @classmethod
    def of(cls, df: pd.DataFrame, features: list[str], max_levels: int) -> _LinearDesign:
        parts: list[tuple[pd.Series | np.ndarray, Any]] = []
        owner: list[int] = []
        for j, f in enumerate(features):
            s = df[f]
            if _is_numeric(s):
                x = s.to_numpy(dtype=float, na_value=np.nan)
                miss = np.isnan(x)
                if miss.all():
                    raise MetricInputError(
                        "the feature has no values", field=f, fix="drop it from the features"
                    )
                median = np.nanmedian(x) if miss.any() else None
                parts.append((s, median))
                owner += [j, j] if median is not None else [j]
            else:
                codes, k = _top_codes(s, max_levels)
                parts.append((codes.astype(code_dtype(k), copy=False), k))
                owner += [j] * k
        return cls(parts, np.asarray(owner), len(df))

    def rows(self, rows: slice | np.ndarray) -> np.ndarray:
        """The design matrix of ``rows`` (a slice or positions)."""
        blocks = []
        for col, param in self.parts:
            if isinstance(col, pd.Series):
                x = col.iloc[rows].to_numpy(dtype=float, na_value=np.nan)
                if param is None:
                    blocks.append(x[:, None])
                else:
                    miss = np.isnan(x)
                    blocks += [np.where(miss, param, x)[:, None], miss[:, None].astype(float)]
            else:
                codes = col[rows]
                onehot = np.zeros((len(codes), param))
                onehot[np.arange(len(codes)), codes] = 1.0
                blocks.append(onehot)
        return np.hstack(blocks)

    def moments(self) -> tuple[np.ndarray, np.ndarray]:
        """Mean and standard deviation of every design column over all rows: :func:`_standardise`'s, to the
        last bit. NumPy reduces a C-ordered matrix over axis 0 row after row, so chunks of rows carrying the
        running sum as their first row give the same sums; a single column it sums pairwise, as a whole."""
        if len(self.owner) == 1:
            _, mean, sd = _standardise(self.rows(slice(None)))
            return mean, sd

        def column_sums(blocks: Any) -> np.ndarray:
            acc: np.ndarray | None = None
            for b in blocks:
                acc = np.add.reduce(b if acc is None else np.vstack([acc[None], b]), axis=0)
            assert acc is not None
            return acc

        mean = column_sums(self.rows(sl) for sl in chunks(self.n)) / self.n
        sd = np.sqrt(column_sums(np.square(self.rows(sl) - mean) for sl in chunks(self.n)) / self.n)
        return mean, np.where(sd > 0, sd, 1.0)


def _linear_design(df: pd.DataFrame, features: list[str], max_levels: int) -> tuple[np.ndarray, np.ndarray]:
    """Design matrix for the linear surrogate of every row and, per column, the index of its feature."""
    design = _LinearDesign.of(df, features, max_levels)
    return design.rows(slice(None)), design.owner


def _gbm_design(df: pd.DataFrame, features: list[str], max_levels: int) -> tuple[np.ndarray, np.ndarray]:
    cols, categorical = [], []
    for f in features:
        s = df[f]
        if _is_numeric(s):
            cols.append(s.to_numpy(dtype=float, na_value=np.nan))
            categorical.append(False)
        else:
            codes, _ = _top_codes(s, min(max_levels, 250))
            cols.append(codes.astype(float))
            categorical.append(True)
    return np.column_stack(cols), np.asarray(categorical)


def _standardise(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    sd = x.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return (x - mean) / sd, mean, sd


def _r2(y: np.ndarray, yhat: np.ndarray) -> float | None:
    ss = float(((y - y.mean()) ** 2).sum())
    return opt_float(1.0 - float(((y - yhat) ** 2).sum()) / ss) if ss > 0 else None


def _one_thread() -> Any:
    """Limit OpenMP and BLAS to one thread for the surrogate: its sample is small (``sample`` rows), so
    threads only add synchronisation, and with several runs in parallel on few cores OpenMP's spin-waits
    made it 10-20x slower (bench/bench_scale.py). The results do not depend on the thread count."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _permutation(
    predict: Any, x: Any, groups: list[np.ndarray], n_repeats: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and std (over repeats) of mean |Δ prediction| when each group of columns is shuffled."""
    base = predict(x)
    imp = np.zeros((len(groups), n_repeats))
    n = len(base)
    for j, cols in enumerate(groups):
        for r in range(n_repeats):
            perm = rng.permutation(n)
            if isinstance(x, pd.DataFrame):
                xp = x.copy()
                for c in cols:
                    xp[c] = x[c].to_numpy()[perm]
            else:
                xp = x.copy()
                xp[:, cols] = x[perm][:, cols]
            imp[j, r] = float(np.mean(np.abs(predict(xp) - base)))
    return imp.mean(axis=1), imp.std(axis=1)


@dataclass
class ImportanceResult:
    """Result of :func:`feature_importance`; ``importances`` is sorted, largest first."""

    method: str
    importances: list[dict[str, Any]]
    fidelity_r2: float | None
    target: str
    n_used: int
    settings: dict[str, Any]
    thresholds: Mapping[str, Mapping[str, Any]] | None = field(default=None, repr=False)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.importances, columns=["feature", "importance", "std", "share"])

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "method": self.method,
                "target": self.target,
                "fidelity_r2": self.fidelity_r2,
                "n_used": self.n_used,
                "importances": self.importances,
                "settings": self.settings,
            }
        )

    def indicators(self) -> list[Indicator]:
        if self.fidelity_r2 is None and self.method.startswith("permutation (model)"):
            return []
        return [
            make_indicator(
                "explainability.surrogate_fidelity_r2",
                "surrogate_fidelity_r2",
                dimension="explainability",
                article=7,
                value=self.fidelity_r2,
                threshold=optional_threshold("surrogate_fidelity_r2", self.thresholds),
                note="" if self.fidelity_r2 is not None else "the score is constant",
                details={"method": self.method, "top_features": [i["feature"] for i in self.importances[:5]]},
            )
        ]


def feature_importance(
    df: pd.DataFrame,
    features: Sequence[str],
    score: str | None = None,
    model: Any = None,
    *,
    proba_column: int = 1,
    surrogate: Literal["gbm", "linear"] = "gbm",
    n_repeats: int = 3,
    sample: int = 20_000,
    max_levels: int = 20,
    seed: int = 0,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
) -> ImportanceResult:
    """Global feature importance (Art. 7): permutation importance of ``model``, or of a surrogate fitted to
    ``score`` when no model is given (see the module docstring)."""
    df = require_frame(df)
    features = as_name_list(features, "features")
    require_columns(df, features + ([score] if score is not None and model is None else []))
    n_repeats = check_int(n_repeats, "n_repeats", minimum=1)
    sample = check_int(sample, "sample", minimum=20)
    check_choice(surrogate, ("gbm", "linear"), "surrogate")
    rng = np.random.default_rng(seed)
    if len(df) > sample:  # the sample's rows of the columns used, one column at a time (a row take of the
        # whole frame also takes the columns not used — e.g. Arrow strings, concatenated in Arrow's pool)
        rows = np.sort(rng.choice(len(df), sample, replace=False))
        used = [
            *features,
            *([score] if score is not None and model is None and score not in features else []),
        ]
        df = pd.DataFrame({c: df[c].iloc[rows] for c in used})

    if model is not None:
        if not hasattr(model, "predict_proba"):
            raise MetricInputError(
                f"the model ({type(model).__name__}) has no predict_proba",
                field="model",
                fix="pass a fitted classifier, or model=None to explain the score with a surrogate",
            )
        x = df[features]

        def predict(v: Any) -> np.ndarray:
            return np.asarray(model.predict_proba(v))[:, proba_column]

        mean, std = _permutation(predict, x, [[f] for f in features], n_repeats, rng)
        method, fidelity, target = (
            "permutation (model): mean |Δ probability|",
            None,
            f"predict_proba[:, {proba_column}]",
        )
    else:
        if score is None:
            raise MetricInputError(
                "neither a model nor a score column was given",
                field="score",
                fix="pass score='<score column>' (a surrogate explains it) or a fitted model",
            )
        y, target = _target(df[score], score)
        idx = rng.permutation(len(df))
        cut = int(len(df) * 0.75)
        fit, hold = idx[:cut], idx[cut:]
        if surrogate == "gbm":
            from sklearn.ensemble import HistGradientBoostingRegressor

            x, categorical = _gbm_design(df, features, max_levels)
            est = HistGradientBoostingRegressor(
                max_depth=3,
                max_iter=100,
                learning_rate=0.1,
                categorical_features=categorical if categorical.any() else None,
                random_state=seed,
            )
            groups = [np.array([j]) for j in range(len(features))]
        else:
            from sklearn.linear_model import Ridge

            x, owner = _linear_design(df, features, max_levels)
            x, _, _ = _standardise(x)
            est = Ridge(alpha=1.0)
            groups = [np.flatnonzero(owner == j) for j in range(len(features))]
        with _one_thread():
            est.fit(x[fit], y[fit])
            fidelity = _r2(y[hold], est.predict(x[hold]))
            mean, std = _permutation(est.predict, x[hold], groups, n_repeats, rng)
        method = f"permutation ({surrogate} surrogate): mean |Δ {target}|"
    total = float(mean.sum())
    order = np.argsort(-mean, kind="stable")
    importances = [
        {
            "feature": features[j],
            "importance": float(mean[j]),
            "std": float(std[j]),
            "share": float(mean[j] / total) if total > 0 else None,
        }
        for j in order
    ]
    return ImportanceResult(
        method=method,
        importances=importances,
        fidelity_r2=fidelity,
        target=target,
        n_used=len(df),
        settings={
            "n_repeats": n_repeats,
            "sample": sample,
            "seed": seed,
            "surrogate": None if model is not None else surrogate,
        },
        thresholds=thresholds,
    )


@dataclass
class ReasonCodeResult:
    """Result of :func:`reason_codes`."""

    n_adverse: int
    top_k: int
    summary: list[dict[str, Any]]
    coverage: float | None
    fidelity_r2: float | None
    target: str
    per_decision: pd.DataFrame = field(repr=False)
    settings: dict[str, Any] = field(default_factory=dict)
    thresholds: Mapping[str, Mapping[str, Any]] | None = field(default=None, repr=False)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            self.summary,
            columns=["feature", "count", "share", "count_rank1", "share_rank1", "mean_contribution"],
        )

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "n_adverse": self.n_adverse,
                "top_k": self.top_k,
                "coverage": self.coverage,
                "fidelity_r2": self.fidelity_r2,
                "target": self.target,
                "reasons": self.summary,
                "settings": self.settings,
            }
        )

    def indicators(self) -> list[Indicator]:
        return [
            make_indicator(
                "explainability.reason_code_coverage",
                "reason_code_coverage",
                dimension="explainability",
                article=7,
                value=self.coverage,
                threshold=optional_threshold("reason_code_coverage", self.thresholds),
                note="" if self.n_adverse else "no adverse decisions in the data",
                details={
                    "n_adverse": self.n_adverse,
                    "top_reasons": [s["feature"] for s in self.summary[:3]],
                },
            ),
            make_indicator(
                "explainability.reason_code_fidelity_r2",
                "surrogate_fidelity_r2",
                dimension="explainability",
                article=7,
                value=self.fidelity_r2,
                threshold=optional_threshold("surrogate_fidelity_r2", self.thresholds),
                suffix="reason codes",
                details={"surrogate": "linear"},
            ),
        ]


def reason_codes(
    df: pd.DataFrame,
    features: Sequence[str],
    score: str,
    adverse_mask: Any,
    *,
    score_higher_is: Literal["adverse", "favourable"] = "adverse",
    top_k: int = 3,
    max_levels: int = 20,
    fit_sample: int = 200_000,
    alpha: float = 1.0,
    seed: int = 0,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
) -> ReasonCodeResult:
    """Top-``top_k`` reasons for each adverse decision from a linear surrogate of the score, summarised
    as how often each feature is a reason (see the module docstring).

    ``adverse_mask`` is a boolean Series aligned on ``df.index``, a boolean array, or a column name.
    """
    from sklearn.linear_model import Ridge

    df = require_frame(df)
    features = as_name_list(features, "features")
    require_columns(df, [*features, score])
    check_choice(score_higher_is, ("adverse", "favourable"), "score_higher_is")
    top_k = check_int(top_k, "top_k", minimum=1)
    fit_sample = check_int(fit_sample, "fit_sample", minimum=20)
    adverse = align_mask(adverse_mask, df, "adverse_mask")
    y, target = _target_of(df[score], score)
    # the standardised design matrix (x − mean) / sd, made only for the rows used: the fit sample and the
    # adverse decisions, chunk by chunk (its mean and sd are those of all rows)
    design = _LinearDesign.of(df, features, max_levels)
    mean, sd = design.moments()

    def xs(rows: np.ndarray) -> np.ndarray:
        return (design.rows(rows) - mean) / sd

    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(df))[: min(len(df), fit_sample)].copy()
    cut = max(int(len(idx) * 0.75), 1)
    est = Ridge(alpha=alpha).fit(xs(idx[:cut]), y(idx[:cut]))
    fidelity = _r2(y(idx[cut:]), est.predict(xs(idx[cut:]))) if len(idx) > cut + 1 else None
    coef = est.coef_ * (1.0 if score_higher_is == "adverse" else -1.0)
    n_feat = len(features)
    width = len(design.owner)
    to_feature = np.zeros((width, n_feat))
    to_feature[np.arange(width), design.owner] = 1.0

    rows = np.flatnonzero(adverse)
    k = min(top_k, n_feat)
    order = np.empty((len(rows), k), dtype=code_dtype(n_feat))  # feature indices: one byte each
    valid = np.zeros((len(rows), k), dtype=bool)
    contrib_sum = np.zeros(n_feat)
    count = np.zeros(n_feat, dtype=np.int64)  # rows listing the feature among their reasons / first
    count1 = np.zeros(n_feat, dtype=np.int64)
    for start in range(0, len(rows), 100_000):  # chunks of rows keep memory bounded
        chunk = rows[start : start + 100_000]
        c = (xs(chunk) * coef) @ to_feature  # towards-adverse contribution per feature
        o = np.argsort(-c, axis=1, kind="stable")[:, :k]
        top = np.take_along_axis(c, o, axis=1)
        positive = top > 0
        order[start : start + len(chunk)] = o
        valid[start : start + len(chunk)] = positive
        np.add.at(contrib_sum, o[positive], top[positive])
        count += np.bincount(o[positive], minlength=n_feat)
        count1 += np.bincount(o[:, 0][positive[:, 0]], minlength=n_feat)
    n_adv = len(rows)
    summary = [
        {
            "feature": features[j],
            "count": int(count[j]),
            "share": count[j] / n_adv if n_adv else None,
            "count_rank1": int(count1[j]),
            "share_rank1": count1[j] / n_adv if n_adv else None,
            "mean_contribution": contrib_sum[j] / count[j] if count[j] else None,
        }
        for j in np.argsort(-count, kind="stable")
        if count[j] > 0
    ]
    names = np.asarray(features, dtype=object)
    codes = names[order]
    codes[~valid] = None
    per_decision = pd.DataFrame(codes, index=df.index[rows], columns=[f"reason_{i + 1}" for i in range(k)])
    coverage = float(valid[:, 0].mean()) if n_adv else None
    return ReasonCodeResult(
        n_adverse=n_adv,
        top_k=k,
        summary=json_safe(summary),
        coverage=coverage,
        fidelity_r2=fidelity,
        target=target,
        per_decision=per_decision,
        settings={
            "surrogate": "ridge on standardised features",
            "alpha": alpha,
            "fit_sample": fit_sample,
            "score_higher_is": score_higher_is,
            "seed": seed,
        },
        thresholds=thresholds,
    )
