"""Group fairness (Art. 6) from per-group confusion counts.

Definitions (fairlearn's, with fairlearn's "positive" read as *favourable*; e.g. for credit scoring
favourable = "no default" / "approve"):

* ``selection_rate`` = P(prediction favourable); ``tpr`` = P(prediction favourable | label favourable);
  ``fpr`` = P(prediction favourable | label unfavourable); ``ppv`` = P(label favourable | prediction
  favourable); ``accuracy`` = P(prediction == label).
* ``demographic_parity_difference`` = max − min selection rate over the judged groups
  (fairlearn ``demographic_parity_difference``, ``method="between_groups"``).
* ``disparate_impact_ratio`` = min / max selection rate (fairlearn ``demographic_parity_ratio``). A group
  with no favourable prediction gives a ratio of 0 — the worst disparity, not an undefined one; only when
  *no* judged group has a favourable prediction is the ratio undefined (0/0): value None, not assessed.
* ``equal_opportunity_difference`` = max − min tpr (fairlearn ``true_positive_rate_difference``).
* ``equalized_odds_difference`` = max(tpr range, fpr range) (fairlearn ``equalized_odds_difference``,
  ``agg="worst_case"``).

Careful with fairlearn's own functions: ``demographic_parity_*`` use ``pos_label=1`` and
``equalized_odds_*`` / ``true_positive_rate`` take the larger label as positive. Equalized odds and
demographic parity *difference* do not change when the coding is flipped, but the disparate-impact ratio
and equal opportunity do: compare with fairlearn on a 0/1 column where 1 = favourable.

Only groups with ``n >= min_group_size`` (default 30) enter the summaries ("judged"); smaller groups are
reported with their bootstrap interval and ``judged: false``. The same minimum applies to each rate's own
denominator: a group enters the tpr-based summaries only with ``tp + fn >= min_group_size`` favourable-label
rows, and the fpr-based one only with ``fp + tn >= min_group_size`` unfavourable-label rows — a rate measured
on a handful of rows (say 3 defaulters in a band of 500) is reported with its interval, not judged, and the
group is listed under the summary's ``excluded``. Fairlearn has no such minimum: compare with it on groups
above the minimum. A rate whose denominator is zero (e.g. tpr
of a group with no favourable labels) is None with a reason, and the group is left out of the summaries
that need that rate. Fairlearn/scikit-learn report such a rate as 0 instead.

Intervals: percentile bootstrap with ``n_bootstrap`` replicates, drawn as multinomial resamples of the
per-group confusion counts of each attribute — the same distribution as resampling rows (see
``_bootstrap``). Summary intervals keep the judged groups fixed. ``n_bootstrap=0`` turns them off.

The result types (:class:`GroupRates` … :class:`FairnessResult`) live in :mod:`._fairness_result`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..core.status import Status, threshold_for
from ..errors import MetricInputError
from ._bands import MAX_CATEGORIES, MAX_GROUPS, Encoded, encode_attribute
from ._bootstrap import percentile_interval, resample_counts
from ._common import flat_index, opt_float
from ._fairness_result import RATES, AttributeFairness, FairnessResult, GroupRates, SummaryMetric
from ._validate import as_name_list, binary_outcome, check_int, require_columns, require_frame

__all__ = [
    "fairness",
    "FairnessResult",
    "AttributeFairness",
    "GroupRates",
    "SummaryMetric",
    "RATES",
    "SUMMARIES",
]

#: Per-attribute summaries, in report order.
SUMMARIES: tuple[str, ...] = (
    "demographic_parity_difference",
    "disparate_impact_ratio",
    "equal_opportunity_difference",
    "equalized_odds_difference",
)
#: Separator of intersection names (``SEX×AGE``) and of their group names (``2×25–34``).
SEP = "×"
_COUNTS = ("tn", "fp", "fn", "tp")  # cell = 2 * label_favourable + prediction_favourable
_RATE_REASON = {
    "selection_rate": "the group is empty",
    "tpr": "no rows with a favourable label in the group",
    "fpr": "no rows with an unfavourable label in the group",
    "ppv": "no favourable predictions in the group",
    "accuracy": "the group is empty",
}
_NO_LABEL = "no label column was given"
_DENOMINATOR = {"tpr": "favourable labels", "fpr": "unfavourable labels", "ppv": "favourable predictions"}


def _rates(c: np.ndarray, has_label: bool) -> dict[str, np.ndarray]:
    """Rates from counts of shape ``(..., groups, 4)`` ordered tn, fp, fn, tp; NaN where undefined."""
    c = c.astype(np.float64)
    tn, fp, fn, tp = c[..., 0], c[..., 1], c[..., 2], c[..., 3]
    n = tn + fp + fn + tp
    with np.errstate(divide="ignore", invalid="ignore"):
        out = {"selection_rate": (fp + tp) / n}
        if has_label:
            out.update(tpr=tp / (tp + fn), fpr=fp / (fp + tn), ppv=tp / (tp + fp), accuracy=(tp + tn) / n)
        else:
            nan = np.full_like(n, np.nan)
            out.update(tpr=nan, fpr=nan, ppv=nan, accuracy=nan)
    return out


def _extremes(x: np.ndarray, judged: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Max, min and number of judged groups with a defined value, over the last axis."""
    valid = judged & np.isfinite(x)
    mx = np.where(valid, x, -np.inf).max(axis=-1)
    mn = np.where(valid, x, np.inf).min(axis=-1)
    return mx, mn, valid.sum(axis=-1)


def _judged(counts: np.ndarray, min_group_size: int) -> dict[str, np.ndarray]:
    """Per rate, the groups whose denominator reaches ``min_group_size`` (counts ordered tn, fp, fn, tp)."""
    tn, fp, fn, tp = counts[:, 0], counts[:, 1], counts[:, 2], counts[:, 3]
    n = tn + fp + fn + tp
    overall = n >= min_group_size
    return {
        "selection_rate": overall,
        "accuracy": overall,
        "tpr": overall & (tp + fn >= min_group_size),
        "fpr": overall & (fp + tn >= min_group_size),
        "ppv": overall & (tp + fp >= min_group_size),
    }


def _summaries(rates: dict[str, np.ndarray], judged: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    s_mx, s_mn, s_k = _extremes(rates["selection_rate"], judged["selection_rate"])
    t_mx, t_mn, t_k = _extremes(rates["tpr"], judged["tpr"])
    f_mx, f_mn, f_k = _extremes(rates["fpr"], judged["fpr"])
    with np.errstate(divide="ignore", invalid="ignore"):
        dpd = np.where(s_k >= 2, s_mx - s_mn, np.nan)
        dir_ = np.where((s_k >= 2) & (s_mx > 0), s_mn / np.where(s_mx > 0, s_mx, 1.0), np.nan)
        eod = np.where(t_k >= 2, t_mx - t_mn, np.nan)
        eqo = np.where((t_k >= 2) & (f_k >= 2), np.maximum(t_mx - t_mn, f_mx - f_mn), np.nan)
    return {
        "demographic_parity_difference": dpd,
        "disparate_impact_ratio": dir_,
        "equal_opportunity_difference": eod,
        "equalized_odds_difference": eqo,
    }


def _intersections(
    intersections: Sequence[Sequence[str]] | Literal["pairs"] | None, protected: list[str]
) -> list[tuple[str, ...]]:
    if intersections is None:
        return []
    if isinstance(intersections, str):
        if intersections != "pairs":
            raise MetricInputError(
                f"intersections must be 'pairs', None or a list of tuples, not {intersections!r}",
                field="intersections",
                fix="pass intersections='pairs' or e.g. [('SEX', 'AGE')]",
            )
        return list(itertools.combinations(protected, 2))
    out: list[tuple[str, ...]] = []
    for combo in intersections:
        if isinstance(combo, str) or len(combo) < 2 or len(set(combo)) != len(combo):
            raise MetricInputError(
                f"each intersection must list two or more different attributes, not {combo!r}",
                field="intersections",
                fix="pass e.g. intersections=[('SEX', 'AGE')]",
            )
        unknown = [c for c in combo if c not in protected]
        if unknown:
            raise MetricInputError(
                f"intersection {combo!r} names {', '.join(map(repr, unknown))}, which is not in protected",
                field="intersections",
                fix="add it to protected or drop it from the intersection",
            )
        t = tuple(str(c) for c in combo)
        if t not in out:
            out.append(t)
    return out


def _summary_reason(
    metric: str,
    value: float,
    judged: Mapping[str, np.ndarray],
    n: np.ndarray,
    rates: dict[str, np.ndarray],
    labels: list[str],
    min_group_size: int,
    has_label: bool,
) -> str:
    if np.isfinite(value):
        return ""
    if len(labels) == 1:
        return f"only one group ({labels[0]!r}): there is nothing to compare"
    overall = judged["selection_rate"]
    if overall.sum() < 2:
        return (
            f"fewer than two groups have n ≥ {min_group_size} ({int(overall.sum())} of {len(labels)}); "
            "small groups are reported with intervals, not judged"
        )
    if metric in ("demographic_parity_difference", "disparate_impact_ratio"):
        return "no judged group has a favourable prediction, so the ratio is 0/0 (undefined)"
    if not has_label:
        return _NO_LABEL
    need = ["tpr"] if metric == "equal_opportunity_difference" else ["tpr", "fpr"]
    for r in need:
        k = int((judged[r] & np.isfinite(rates[r])).sum())
        if k < 2:
            return (
                f"{r} rests on at least {min_group_size} rows ({_DENOMINATOR[r]}) in only {k} group(s); "
                "it needs two"
            )
    return "undefined"


def _withheld(
    metric: str,
    counts: np.ndarray,
    judged: Mapping[str, np.ndarray],
    rates: dict[str, np.ndarray],
    labels: list[str],
    min_group_size: int,
    has_label: bool,
) -> dict[str, Any] | None:
    """What a summary withheld for too small a group would be, and why: ``{value, rate, need, short}`` where
    ``short`` lists each group below the minimum with the count that fell short (``rate`` "n": its rows;
    "tpr"/"fpr": its favourable/unfavourable-label rows). The value relaxes only the rule that failed, so a
    report can show it marked "not judged" (issue 17). None when nothing was withheld for size."""
    if len(labels) < 2:
        return None
    n = counts.sum(axis=1)
    overall = judged["selection_rate"]
    relaxed = dict(judged)
    if overall.sum() < 2:
        rate, den = "n", n
        short = np.flatnonzero((n < min_group_size) & (n > 0))
        relaxed = {r: (n > 0) for r in judged}
    elif metric in ("demographic_parity_difference", "disparate_impact_ratio") or not has_label:
        return None
    else:
        need = ["tpr"] if metric == "equal_opportunity_difference" else ["tpr", "fpr"]
        failing = [r for r in need if int((judged[r] & np.isfinite(rates[r])).sum()) < 2]
        if not failing:
            return None
        rate = failing[0]
        den = counts[:, 2] + counts[:, 3] if rate == "tpr" else counts[:, 0] + counts[:, 1]
        short = np.flatnonzero(overall & (den < min_group_size))
        for r in failing:
            d = counts[:, 2] + counts[:, 3] if r == "tpr" else counts[:, 0] + counts[:, 1]
            relaxed[r] = overall & (d > 0)
    value = opt_float(float(_summaries(rates, relaxed)[metric]))
    if value is None:
        return None
    return {
        "value": value,
        "rate": rate,
        "need": int(min_group_size),
        "short": [{"group": labels[int(i)], "count": int(den[int(i)])} for i in short],
    }


def _assess(
    key: str,
    encs: list[Encoded],
    cell: np.ndarray,
    has_label: bool,
    *,
    min_group_size: int,
    n_bootstrap: int,
    confidence: float,
    rng: np.random.Generator,
    overrides: Mapping[str, Mapping[str, Any]] | None,
    weights: np.ndarray | None = None,
) -> AttributeFairness:
    shape = tuple(len(e.labels) for e in encs)
    size = int(np.prod(shape))
    if size <= 4_000_000:  # one int64 index per row, built in place: (group code · 4 + cell)
        idx = flat_index([e.codes for e in encs], shape, cell, 4)
        counts = np.bincount(idx, weights, minlength=size * 4).astype(np.int64).reshape(size, 4)
        del idx
        ids = np.flatnonzero(counts.sum(axis=1))
        counts = counts[ids]
    else:  # very many combinations: only tabulate the observed ones
        ids, inv = np.unique(flat_index([e.codes for e in encs], shape), return_inverse=True)
        counts = (
            np.bincount(flat_index([inv], [len(ids)], cell, 4), weights, minlength=len(ids) * 4)
            .astype(np.int64)
            .reshape(len(ids), 4)
        )
        del inv
    parts = np.unravel_index(ids, shape)
    values = [{e.name: e.labels[p[i]] for e, p in zip(encs, parts, strict=True)} for i in range(len(ids))]
    labels = [SEP.join(v.values()) for v in values]

    n = counts.sum(axis=1)
    jm = _judged(counts, min_group_size)
    judged = jm["selection_rate"]
    rates = _rates(counts, has_label)
    summ = _summaries(rates, jm)

    group_ci: list[dict[str, list[float | None]] | None] = [None] * len(ids)
    summ_ci: dict[str, list[float | None] | None] = dict.fromkeys(SUMMARIES)
    if n_bootstrap > 0:
        reps = resample_counts(counts, n_bootstrap, rng)
        b_rates = _rates(reps, has_label)
        b_summ = _summaries(b_rates, jm)
        bounds = {r: percentile_interval(b_rates[r], confidence) for r in RATES}
        group_ci = [
            {r: [opt_float(bounds[r][0][i]), opt_float(bounds[r][1][i])] for r in RATES}
            for i in range(len(ids))
        ]
        for m in SUMMARIES:
            lo, hi = percentile_interval(b_summ[m], confidence)
            summ_ci[m] = [opt_float(lo), opt_float(hi)] if np.isfinite(summ[m]) else None

    groups: dict[str, GroupRates] = {}
    for i, name in enumerate(labels):
        gr = {r: opt_float(rates[r][i]) for r in RATES}
        reasons = {
            r: (_NO_LABEL if not has_label and r != "selection_rate" else _RATE_REASON[r])
            for r, v in gr.items()
            if v is None
        }
        if judged[i]:
            for r in ("tpr", "fpr", "ppv"):
                if r not in reasons and not jm[r][i]:
                    reasons[r] = (
                        f"fewer than {min_group_size} rows with {_DENOMINATOR[r]} in the group: "
                        "reported, not judged"
                    )
        groups[name] = GroupRates(
            name=name,
            n=int(n[i]),
            counts={c: int(counts[i, j]) for j, c in enumerate(_COUNTS)},
            rates=gr,
            judged=bool(judged[i]),
            ci=group_ci[i],
            reasons=reasons,
            values=values[i],
        )

    summaries: dict[str, SummaryMetric] = {}
    basis = {
        "demographic_parity_difference": "selection_rate",
        "disparate_impact_ratio": "selection_rate",
        "equal_opportunity_difference": "tpr",
        "equalized_odds_difference": "tpr",
    }
    for m in SUMMARIES:
        v = float(summ[m])
        threshold = threshold_for(m, overrides)
        reason = _summary_reason(m, v, jm, n, rates, labels, min_group_size, has_label)
        value = opt_float(v)
        mx_g = mn_g = None
        if value is not None:
            x = np.where(jm[basis[m]] & np.isfinite(rates[basis[m]]), rates[basis[m]], np.nan)
            mx_g, mn_g = labels[int(np.nanargmax(x))], labels[int(np.nanargmin(x))]
            if m == "equalized_odds_difference":
                f = np.where(jm["fpr"] & np.isfinite(rates["fpr"]), rates["fpr"], np.nan)
                if np.nanmax(f) - np.nanmin(f) > np.nanmax(x) - np.nanmin(x):
                    mx_g, mn_g = labels[int(np.nanargmax(f))], labels[int(np.nanargmin(f))]
        need = (
            ["selection_rate"]
            if basis[m] == "selection_rate"
            else (["tpr"] if m == "equal_opportunity_difference" else ["tpr", "fpr"])
        )
        excluded = [
            labels[i]
            for i in np.flatnonzero(judged)
            if any(not (jm[r][i] and np.isfinite(rates[r][i])) for r in need)
        ]
        withheld = (
            _withheld(m, counts, jm, rates, labels, min_group_size, has_label) if value is None else None
        )
        summaries[m] = SummaryMetric(
            withheld=withheld,
            metric=m,
            value=value,
            threshold=threshold,
            status=threshold.evaluate(value) if value is not None else Status.NOT_ASSESSED,
            ci=summ_ci[m],
            reason=reason,
            max_group=mx_g,
            min_group=mn_g,
            excluded=excluded if has_label or basis[m] == "selection_rate" else [],
        )
    banding = {e.name: e.banding for e in encs if e.banding}
    return AttributeFairness(
        key=key, columns=[e.name for e in encs], groups=groups, summaries=summaries, banding=banding
    )


def fairness(
    df: pd.DataFrame,
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
) -> FairnessResult:
    """Group fairness metrics for each protected attribute and intersection (Art. 6).

    Parameters
    ----------
    df:
        One row per decision.
    label, label_favourable, label_unfavourable:
        Observed outcome column and its favourable value (e.g. ``"DEFAULT"``, ``0``). The column must hold
        exactly two values: the favourable one and one other, which must equal ``label_unfavourable`` when
        that is given. ``label=None`` (outcomes not yet known) assesses selection rates only.
    prediction, prediction_favourable, prediction_unfavourable:
        The model's decision column and its favourable value (e.g. ``"approve"``), same rules.
    protected:
        Protected attribute columns (Art. 6: sex, age, nationality, …). See ``_bands`` for how continuous
        attributes are banded and how missing values are grouped.
    intersections:
        ``"pairs"`` (every pair of ``protected``), ``None``, or a list of tuples of protected attributes.
        Keys join the names with ``×`` (``SEX×AGE``).
    bands:
        Cut points per attribute, overriding the default bands (``{"AGE": [25, 35, 45, 55, 65]}``).
    min_group_size:
        Groups smaller than this are reported but not judged (not in the summaries).
    n_bootstrap, confidence, seed:
        Percentile bootstrap on the confusion counts; ``n_bootstrap=0`` gives no intervals.
    thresholds:
        Per-system threshold overrides, as for :func:`govreport.core.status.threshold_for`.
    """
    df = require_frame(df)
    protected = as_name_list(protected, "protected")
    prediction = str(prediction)
    require_columns(df, [*protected, prediction, *([label] if label is not None else [])])
    min_group_size, n_bootstrap, combos, bands = check_arguments(
        protected, label, prediction, min_group_size, n_bootstrap, confidence, intersections, bands
    )

    pred_fav = binary_outcome(
        df[prediction],
        prediction_favourable,
        prediction_unfavourable,
        column=prediction,
        param="prediction_favourable",
    )
    has_label = label is not None
    cell = pred_fav.astype(np.uint8)  # 2 · label favourable + prediction favourable, one byte per row
    del pred_fav
    if has_label:
        label_fav = binary_outcome(
            df[label], label_favourable, label_unfavourable, column=str(label), param="label_favourable"
        )
        cell |= label_fav.view(np.uint8) << 1
        del label_fav

    encoded = {
        a: encode_attribute(
            df[a], a, bands.get(a), max_categories=max_categories, max_groups=max_groups, compact=True
        )
        for a in protected
    }
    return from_encoded(
        encoded,
        combos,
        cell,
        has_label,
        None,
        len(df),
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


def from_encoded(
    encoded: Mapping[str, Encoded],
    combos: Sequence[tuple[str, ...]],
    cell: np.ndarray,
    has_label: bool,
    weights: np.ndarray | None,
    n: int,
    *,
    label: str | None,
    label_favourable: Any,
    prediction: str,
    prediction_favourable: Any,
    min_group_size: int,
    n_bootstrap: int,
    confidence: float,
    seed: int,
    thresholds: Mapping[str, Mapping[str, Any]] | None,
) -> FairnessResult:
    """The result from encoded attributes and per-row cells (``2·label_fav + prediction_fav``).

    ``weights`` (row counts) lets one row stand for many: the aggregated tables that
    :mod:`govreport.engines` computes in SQL or Spark enter here, so both paths share this code.
    """
    protected = list(encoded)
    keys: list[tuple[str, list[Encoded]]] = [(a, [encoded[a]]) for a in protected]
    keys += [(SEP.join(c), [encoded[a] for a in c]) for c in combos]
    seeds = np.random.SeedSequence(seed).spawn(len(keys))
    attributes = {
        key: _assess(
            key,
            encs,
            cell,
            has_label,
            min_group_size=min_group_size,
            n_bootstrap=n_bootstrap,
            confidence=confidence,
            rng=np.random.default_rng(s),
            overrides=thresholds,
            weights=weights,
        )
        for (key, encs), s in zip(keys, seeds, strict=True)
    }
    settings = {
        "label": label,
        "label_favourable": label_favourable if has_label else None,
        "prediction": prediction,
        "prediction_favourable": prediction_favourable,
        "protected": protected,
        "intersections": [SEP.join(c) for c in combos],
        "min_group_size": min_group_size,
        "n_bootstrap": n_bootstrap,
        "confidence": confidence,
        "seed": seed,
        "ci_method": "percentile bootstrap on multinomial resamples of per-group confusion counts"
        if n_bootstrap
        else None,
        "positive_class": "favourable",
    }
    return FairnessResult(attributes=attributes, n=n, settings=settings)


def check_arguments(
    protected: list[str],
    label: str | None,
    prediction: str,
    min_group_size: Any,
    n_bootstrap: Any,
    confidence: Any,
    intersections: Any,
    bands: Mapping[str, Sequence[float]] | None,
) -> tuple[int, int, list[tuple[str, ...]], dict[str, Sequence[float]]]:
    """The checked arguments of :func:`fairness` (shared with :mod:`govreport.engines`)."""
    min_group_size = check_int(min_group_size, "min_group_size", minimum=0)
    n_bootstrap = check_int(n_bootstrap, "n_bootstrap", minimum=0)
    if not 0.0 < float(confidence) < 1.0:
        raise MetricInputError(
            f"confidence must be between 0 and 1, not {confidence!r}",
            field="confidence",
            fix="pass e.g. confidence=0.95",
        )
    overlap = [c for c in protected if c in (label, prediction)]
    if overlap:
        raise MetricInputError(
            f"{overlap[0]!r} is both a protected attribute and the label or prediction",
            field="protected",
            fix="list only the protected attribute columns",
        )
    combos = _intersections(intersections, protected)
    bands = dict(bands or {})
    unknown = [k for k in bands if k not in protected]
    if unknown:
        raise MetricInputError(
            f"bands are given for {', '.join(map(repr, unknown))}, which is not in protected",
            field="bands",
            fix=f"band only protected attributes: {', '.join(protected)}",
        )
    return min_group_size, n_bootstrap, combos, bands
