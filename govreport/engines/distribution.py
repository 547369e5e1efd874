"""The data-distribution indicators on an engine: drift (PSI per column between the reference and the
scored data) and the proxy scan (Cramér's V of each feature against each protected attribute), from counts
computed where the data lives and handed to :mod:`govreport.metrics` (see :mod:`.indicators` for what equals
what).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import MetricInputError
from ..metrics import drift, proxy_scan, psi_table
from ..metrics.tables import (
    DEFAULT_EPSILON,
    MAX_CATEGORIES,
    MAX_GROUPS,
    MISSING,
    DriftResult,
    ProxyResult,
    as_name_list,
    check_int,
    check_proxy,
    drift_from_tables,
    fmt_edge,
    fmt_value,
    proxy_from_tables,
    psi_from_counts,
)
from ._encode import attribute, file_source, opened, value_key
from ._sql import Params, Runner, require
from ._stats import bin_expr, group_counts, n_distinct, null_and_fraction, quantiles, value_counts

__all__ = ["psi_on", "drift_on", "proxy_on"]


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
        names = [MISSING if value_key(v) is None else fmt_value(v) for v in values]
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
    seen = [(v, int(c)) for v, c in zip(values, counts, strict=True) if value_key(v) is not None]
    seen.sort(key=lambda vc: (-vc[1], _order(vc[0])))
    k, how = len(seen), "categories"
    if k > max_levels - 1:
        k, how = max_levels, f"top {max_levels - 1} categories, rest pooled"
    levels = {value_key(v): min(i, max_levels - 1) for i, (v, _) in enumerate(seen)}
    return r.q(col), (lambda v: levels.get(value_key(v), k)), k + 1, how


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
            a: attribute(r, a, bands.get(a), p, max_categories=max_categories, max_groups=MAX_GROUPS)
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
