"""Sufficient statistics computed where the data lives, with the pandas path's exact definitions.

* **Quantiles** are numpy's default (``method="linear"``): the two order statistics around the virtual
  index ``h = (n − 1)·q`` are read from the value counts (up to 100 000 distinct values) or fetched with
  ``ROW_NUMBER() OVER (ORDER BY x)``, and interpolated here with numpy's own formula, so bin edges equal
  ``np.quantile`` on the same column bit for bit.
* **Bins** are sums of comparisons against bound edges: ``side="left"`` counts edges below the value
  (``np.searchsorted(edges, x, side="left")``), ``side="right"`` edges at or below it. NULL gets ``-1``.
* **Groups** come back as ``GROUP BY`` rows with a count; everything else happens in
  :mod:`govreport.metrics` on those counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._sql import Params, Runner, py

__all__ = ["n_distinct", "value_counts", "quantiles", "bin_expr", "group_counts", "null_and_fraction"]


#: Columns with at most this many distinct values get their quantiles from value counts, not a global sort.
_FROM_VALUE_COUNTS = 100_000


def n_distinct(r: Runner, col: str) -> int:
    """Distinct non-missing values (``Series.nunique()``)."""
    return r.profile([col])[col][0]


def value_counts(r: Runner, col: str) -> tuple[list[Any], np.ndarray]:
    """Every distinct value (NULL as None) and its row count (remembered per runner)."""
    memo: dict[str, tuple[list[Any], np.ndarray]] = r.__dict__.setdefault("_value_counts", {})
    if col not in memo:
        out = r.rows(f"SELECT {r.q(col)}, COUNT(*) FROM {r.relation} GROUP BY {r.q(col)}")
        memo[col] = ([py(v) for v, _ in out], np.array([int(c) for _, c in out], dtype=np.int64))
    return memo[col]


def null_and_fraction(r: Runner, col: str) -> tuple[int, int]:
    """Missing values, and non-missing values that are not whole numbers."""
    _, n_null, n_frac = r.profile([col])[col]
    return n_null, n_frac


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    """numpy's ``_lerp`` (``numpy/lib/_function_base_impl.py``), so results match bit for bit."""
    diff = b - a
    out = np.asarray(a + diff * t)
    np.subtract(b, diff * (1 - t), out=out, where=t >= 0.5)
    return out


def quantiles(r: Runner, col: str, qs: Sequence[float]) -> np.ndarray:
    """``np.quantile(x[~isnan(x)], qs)`` computed in the engine from two order statistics per quantile."""
    q = np.asarray(qs, dtype=np.float64)
    c = r.q(col)
    r.profile([col])
    n = int(r.__dict__["_rows"]) - null_and_fraction(r, col)[0]
    h = (n - 1) * q  # numpy's virtual index for method="linear"
    lo = np.floor(h)
    t = h - lo
    lo_i = np.clip(lo.astype(np.int64), 0, n - 1)
    hi_i = np.clip(lo_i + 1, 0, n - 1)
    top = h >= n - 1  # numpy takes the largest value there
    lo_i[top] = hi_i[top] = n - 1
    ranks = sorted({int(i) for i in np.concatenate([lo_i, hi_i])})
    if n_distinct(r, col) <= _FROM_VALUE_COUNTS:  # order statistics from the value counts: no global sort
        values, counts = value_counts(r, col)
        keep = [i for i, v in enumerate(values) if v is not None]
        order = sorted(keep, key=lambda i: values[i])
        cum = np.cumsum(counts[order])
        at = {k: float(values[order[int(np.searchsorted(cum, k, side="right"))]]) for k in ranks}
    else:
        sql = (
            f"SELECT rk, v FROM (SELECT v, ROW_NUMBER() OVER (ORDER BY v) - 1 AS rk FROM "
            f"(SELECT {c} AS v FROM {r.relation} WHERE {c} IS NOT NULL) s) w "
            f"WHERE rk IN ({', '.join(map(str, ranks))})"
        )
        at = {int(k): float(py(v)) for k, v in r.rows(sql)}
    a = np.array([at[int(i)] for i in lo_i])
    b = np.array([at[int(i)] for i in hi_i])
    return _lerp(a, b, t)


def bin_expr(r: Runner, col: str, edges: Sequence[float], side: str, p: Params) -> str:
    """SQL for ``np.searchsorted(edges, x, side)`` with ``-1`` for NULL."""
    c = r.q(col)
    op = ">" if side == "left" else ">="
    terms = " + ".join(f"(CASE WHEN {c} {op} {p(float(e))} THEN 1 ELSE 0 END)" for e in edges) or "0"
    return f"(CASE WHEN {c} IS NULL THEN -1 ELSE {terms} END)"


def group_counts(
    r: Runner, exprs: Sequence[str], p: Params | None = None, sums: Sequence[str] = ()
) -> list[tuple[Any, ...]]:
    """``GROUP BY`` the expressions: one row per observed combination, its count, then ``sums``."""
    keys = [f"k{i}" for i in range(len(exprs))]
    inner = ", ".join(
        [
            *(f"{e} AS {k}" for e, k in zip(exprs, keys, strict=True)),
            *(f"{s} AS s{j}" for j, s in enumerate(sums)),
        ]
    )
    outer = ", ".join([*keys, "COUNT(*)", *(f"SUM(s{j})" for j in range(len(sums)))])
    sql = f"SELECT {outer} FROM (SELECT {inner} FROM {r.relation}) t GROUP BY {', '.join(keys)}"
    return [tuple(py(v) for v in row) for row in r.rows(sql, p)]
