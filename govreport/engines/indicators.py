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
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..data.sources import Source, parse_source
from ..errors import MetricInputError
from ..metrics import drift, fairness, model_quality, proxy_scan, psi_table
from ..metrics.tables import (
    DEFAULT_AGE_BANDS,
    DEFAULT_EPSILON,
    MAX_CATEGORIES,
    MAX_GROUPS,
    MISSING,
    DriftResult,
    Encoded,
    FairnessResult,
    ProxyResult,
    QualityResult,
    as_name_list,
    band,
    binary_outcome,
    check_choice,
    check_edges,
    check_fairness,
    check_int,
    check_proxy,
    drift_from_tables,
    encode_attribute,
    fmt_edge,
    fmt_value,
    from_encoded,
    from_statistics,
    is_age_name,
    numeric_array,
    probability_array,
    proxy_from_tables,
    psi_from_counts,
)
from ._sql import Params, Runner, require
from ._stats import bin_expr, group_counts, n_distinct, null_and_fraction, quantiles, value_counts
from .open import open_runner

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

#: Rows repeated in memory to reproduce the pandas path's exact error message about a bad outcome column.
_REPEAT_LIMIT = 20_000_000


@contextlib.contextmanager
def opened(source: Any, spark: Any) -> Iterator[Runner]:
    """A runner for ``source`` (itself when it is one), closed on exit when opened here."""
    if isinstance(source, Runner):
        yield source
        return
    with open_runner(source, spark=spark) as r:
        yield r


def as_source(source: Any) -> Any:
    """``source`` as a :class:`~govreport.data.sources.Source` (parsed when a string)."""
    return source if isinstance(source, Source) else parse_source(str(source))


def file_source(source: Any) -> Any:
    """The Source when it is a file (the pandas path), else None."""
    if isinstance(source, Runner):
        return None
    s = as_source(source)
    return s if s.kind == "file" else None


def _key(v: Any) -> Any:
    return None if v is None or (isinstance(v, float) and np.isnan(v)) else v


def _series(values: list[Any], numeric: bool) -> pd.Series:
    s = pd.Series(values, dtype=object)
    return pd.to_numeric(s) if numeric else s.infer_objects()


# -- encodings ---------------------------------------------------------------------------------------------
@dataclass
class _Attr:
    """A protected attribute on the engine: its groups, the SQL key, and key value → group code."""

    enc: Encoded
    expr: str
    codes: dict[Any, int] | None  # None: the key is the band index (-1 for missing)

    def code(self, k: Any) -> int:
        if self.codes is None:
            return len(self.enc.labels) - 1 if k == -1 else int(k)
        return self.codes[_key(k)]


def _attribute(
    r: Runner, col: str, edges: Sequence[float] | None, p: Params, *, max_categories: int, max_groups: int
) -> _Attr:
    numeric = col in r.numeric
    source = "bands parameter"
    if edges is not None:
        if not numeric:
            encode_attribute(pd.Series(["x"]), col, edges)  # raises the pandas path's message
        cut = check_edges(edges, col)
    elif numeric and n_distinct(r, col) > max_categories:
        if is_age_name(col):
            cut, source = list(DEFAULT_AGE_BANDS), "default age bands"
        else:
            cut = [float(e) for e in np.unique(quantiles(r, col, [0.2, 0.4, 0.6, 0.8]))]
            source = "quintiles of the data (pass bands= to fix them)"
    else:
        nd = n_distinct(r, col)
        if not numeric and nd > max_groups:
            encode_attribute(pd.Series([str(i) for i in range(nd)]), col, max_groups=max_groups)  # raises
        values, _ = value_counts(r, col)
        enc = encode_attribute(
            _series(values, numeric), col, None, max_categories=max_categories, max_groups=max_groups
        )
        return _Attr(enc, r.q(col), {_key(v): int(c) for v, c in zip(values, enc.codes, strict=True)})
    n_null, n_frac = null_and_fraction(r, col)
    probe = np.array([0.5 if n_frac else 0.0] + ([np.nan] if n_null else []))  # integrality and missingness
    return _Attr(band(probe, cut, col, source), bin_expr(r, col, cut, "right", p), None)


def _outcome(r: Runner, col: str, favourable: Any, unfavourable: Any, param: str) -> dict[Any, bool]:
    """Favourable or not, per distinct value; the pandas path's checks and messages."""
    values, counts = value_counts(r, col)
    s = _series(values, col in r.numeric)
    try:
        flags = binary_outcome(s, favourable, unfavourable, column=col, param=param)
    except MetricInputError:
        if counts.sum() > _REPEAT_LIMIT:
            raise
        binary_outcome(
            s.repeat(counts).reset_index(drop=True), favourable, unfavourable, column=col, param=param
        )
        raise
    return {_key(v): bool(f) for v, f in zip(values, flags, strict=True)}


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
        pmap = _outcome(
            r, prediction, prediction_favourable, prediction_unfavourable, "prediction_favourable"
        )
        lmap = (
            _outcome(r, str(label), label_favourable, label_unfavourable, "label_favourable")
            if has_label
            else {}
        )
        p = Params()
        attrs = {
            a: _attribute(r, a, bands.get(a), p, max_categories=max_categories, max_groups=max_groups)
            for a in protected
        }
        exprs = (
            [x.expr for x in attrs.values()] + [r.q(prediction)] + ([r.q(str(label))] if has_label else [])
        )
        rows = group_counts(r, exprs, p)
    k = len(protected)
    weights = np.array([row[-1] for row in rows], dtype=np.float64)
    cell = np.array([pmap[_key(row[k])] for row in rows], dtype=np.int64)
    if has_label:
        cell |= np.array([lmap[_key(row[k + 1])] for row in rows], dtype=np.int64) << 1
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
        lmap = _outcome(r, label, label_favourable, label_unfavourable, "label_favourable")
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


# -- drift -------------------------------------------------------------------------------------------------
def _psi_counts(
    cur: Runner, ref: Runner, col: str, bins: int
) -> tuple[list[str], np.ndarray, np.ndarray, bool]:
    num_r, num_c = col in ref.numeric, col in cur.numeric
    if num_r != num_c:
        n_r, n_c = null_and_fraction(ref, col)[0], null_and_fraction(cur, col)[0]
        all_null = n_r == require(ref, [col]) or n_c == require(cur, [col])
        if not all_null:
            raise MetricInputError(
                f"the column is {'numeric' if num_r else 'not numeric'} in the reference but "
                f"{'numeric' if num_c else 'not numeric'} now (dtype {cur.types.get(col)})",
                field=col,
                fix="load both periods with the same column types",
            )
    if num_r and n_distinct(ref, col) > bins:
        edges = np.unique(quantiles(ref, col, np.linspace(0, 1, bins + 1)[1:-1]))
        labels = [f"≤{fmt_edge(edges[0])}"]
        labels += [f"({fmt_edge(a)}, {fmt_edge(b)}]" for a, b in zip(edges, edges[1:], strict=False)]
        labels += [f">{fmt_edge(edges[-1])}", MISSING]
        out = []
        for r in (ref, cur):
            p = Params()
            counts = np.zeros(len(labels), dtype=np.int64)
            for k, c in group_counts(r, [bin_expr(r, col, edges, "left", p)], p):
                counts[int(k)] += int(c)  # -1 (missing) is the last bin
            out.append(counts)
        return labels, out[0], out[1], True
    vc = []
    for r in (ref, cur):
        values, counts = value_counts(r, col)
        names = [MISSING if _key(v) is None else fmt_value(v) for v in values]
        vc.append(pd.Series(counts, index=names).groupby(level=0).sum())
    labels = sorted(set(vc[0].index) | set(vc[1].index), key=lambda v: (v == MISSING, v))
    if len(labels) > 1000:
        raise MetricInputError(
            f"the column has {len(labels):,} distinct values; PSI needs bins",
            field=col,
            fix="drop it from the drift columns or group its values first",
        )
    rc, cc = (s.reindex(labels, fill_value=0).to_numpy() for s in vc)
    return labels, rc, cc, False


def psi_on(
    current: Any,
    reference: Any,
    column: str,
    bins: int = 10,
    *,
    epsilon: float = DEFAULT_EPSILON,
    spark: Any = None,
) -> pd.DataFrame:
    """:func:`govreport.metrics.psi_table` of one column with the bins counted on the engine."""
    if file_source(current) is not None and file_source(reference) is not None:
        return psi_table(
            file_source(current).read_file([column])[column],
            file_source(reference).read_file([column])[column],
            bins,
            epsilon=epsilon,
        )
    bins = check_int(bins, "bins", minimum=2)
    if not 0 < epsilon < 1:
        raise MetricInputError(
            f"epsilon must be between 0 and 1, not {epsilon!r}", field="epsilon", fix="pass e.g. epsilon=1e-4"
        )
    with opened(current, spark) as cur, opened(reference, spark) as ref:
        require(ref, [column])
        require(cur, [column])
        labels, rc, cc, _ = _psi_counts(cur, ref, column, bins)
    return psi_from_counts(labels, rc, cc, epsilon)


def drift_on(
    current: Any,
    reference: Any,
    columns: Sequence[str],
    *,
    score: str | None = None,
    bins: int = 10,
    epsilon: float = DEFAULT_EPSILON,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
    spark: Any = None,
) -> DriftResult:
    """:func:`govreport.metrics.drift` with every column's bins counted on the engine."""
    cols = as_name_list(columns, "columns") if columns else []
    if file_source(current) is not None and file_source(reference) is not None:
        wanted = [*cols, *([score] if score is not None else [])]
        return drift(
            file_source(current).read_file(wanted),
            file_source(reference).read_file(wanted),
            cols,
            score=score,
            bins=bins,
            epsilon=epsilon,
            thresholds=thresholds,
        )
    bins = check_int(bins, "bins", minimum=2)
    with opened(current, spark) as cur, opened(reference, spark) as ref:
        wanted = [*cols, *([score] if score is not None else [])]
        n_ref = require(
            ref,
            wanted,
            what="the drift assessment needs (reference)",
            fix="extract the reference period with the same columns, or drop them from the drift columns",
        )
        n_cur = require(
            cur,
            wanted,
            what="the drift assessment needs",
            fix="extract this period with the same columns, or drop them from the drift columns",
        )

        def one(c: str) -> tuple[pd.DataFrame, bool]:
            labels, rc, cc, numeric = _psi_counts(cur, ref, c, bins)
            return psi_from_counts(labels, rc, cc, epsilon), numeric

        tables = {c: one(c) for c in cols}
        score_table = one(score) if score is not None else None
    return drift_from_tables(
        tables,
        score_table,
        score=score,
        n_current=n_cur,
        n_reference=n_ref,
        bins=bins,
        epsilon=epsilon,
        thresholds=thresholds,
    )


# -- proxy scan --------------------------------------------------------------------------------------------
def _feature(
    r: Runner, col: str, p: Params, bins: int, max_levels: int, max_categories: int
) -> tuple[str, Any, int, str]:
    """SQL key, key → level, number of levels, binning (the rules of ``metrics._proxy._encode_feature``)."""
    if col in r.numeric and n_distinct(r, col) > max_categories:
        edges = np.unique(quantiles(r, col, np.linspace(0, 1, bins + 1)[1:-1]))
        k = len(edges)
        return (
            bin_expr(r, col, edges, "left", p),
            (lambda v: k + 1 if v == -1 else int(v)),
            k + 2,
            f"{k + 1} quantile bins",
        )
    values, counts = value_counts(r, col)
    seen = [(v, int(c)) for v, c in zip(values, counts, strict=True) if _key(v) is not None]
    seen.sort(key=lambda vc: (-vc[1], _order(vc[0])))
    k, how = len(seen), "categories"
    if k > max_levels - 1:
        k, how = max_levels, f"top {max_levels - 1} categories, rest pooled"
    levels = {_key(v): min(i, max_levels - 1) for i, (v, _) in enumerate(seen)}
    return r.q(col), (lambda v: levels.get(_key(v), k)), k + 1, how


def _order(v: Any) -> tuple[int, Any]:
    return (0, v) if isinstance(v, int | float) else (1, str(v))


def proxy_on(
    source: Any,
    features: Sequence[str],
    protected: Sequence[str],
    *,
    justifications: Mapping[str, str] | None = None,
    bins: int = 5,
    bands: Mapping[str, Sequence[float]] | None = None,
    bias_corrected: bool = True,
    max_levels: int = 50,
    max_categories: int = MAX_CATEGORIES,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
    spark: Any = None,
) -> ProxyResult:
    """:func:`govreport.metrics.proxy_scan` with the contingency tables counted on the engine."""
    kw = dict(
        justifications=justifications,
        bins=bins,
        bands=bands,
        bias_corrected=bias_corrected,
        max_levels=max_levels,
        max_categories=max_categories,
        thresholds=thresholds,
    )
    file = file_source(source)
    if file is not None:
        cols = list(
            dict.fromkeys([*as_name_list(features, "features"), *as_name_list(protected, "protected")])
        )
        return proxy_scan(file.read_file(cols), features, protected, **kw)  # type: ignore[arg-type]
    features = as_name_list(features, "features")
    protected = as_name_list(protected, "protected")
    bins, max_levels, justifications = check_proxy(protected, bins, max_levels, justifications)
    bands = dict(bands or {})
    tables: dict[tuple[str, str], tuple[np.ndarray, str]] = {}
    with opened(source, spark) as r:
        require(r, [*features, *protected])
        p = Params()
        attrs = {
            a: _attribute(r, a, bands.get(a), p, max_categories=max_categories, max_groups=MAX_GROUPS)
            for a in protected
        }
        for f in features:
            fp = Params()
            fp.values.update(p.values)
            expr, level, kf, how = _feature(r, f, fp, bins, max_levels, max_categories)
            rows = group_counts(r, [expr, *(x.expr for x in attrs.values())], fp)
            for j, (a, x) in enumerate(attrs.items()):
                if a == f:
                    continue
                t = np.zeros((kf, len(x.enc.labels)), dtype=np.int64)
                for row in rows:
                    t[level(row[0]), x.code(row[j + 1])] += int(row[-1])
                tables[(f, a)] = (t, how)
    order = {(f, a): tables[(f, a)] for a in protected for f in features if f != a}
    return proxy_from_tables(
        order,
        features,
        protected,
        justifications=justifications,
        bins=bins,
        max_levels=max_levels,
        bias_corrected=bias_corrected,
        thresholds=thresholds,
    )
