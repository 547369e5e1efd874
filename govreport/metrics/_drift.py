"""Population stability (Art. 7): PSI of each column between the current period and a reference.

``PSI = Σ_b (c_b − r_b) · ln(c_b / r_b)`` over bins ``b``, with ``c_b`` and ``r_b`` the current and
reference shares of rows in the bin.

* **Numeric** columns with more distinct reference values than ``bins`` are cut at the reference's
  quantiles (``bins`` equal-count bins; duplicate cut points merged), right-closed: ``(-inf, q1], (q1, q2],
  …, (q_k, +inf)``, so every current value falls in a bin.
* **Categorical** columns — and numeric ones with at most ``bins`` distinct reference values — get one bin
  per value seen in either period.
* Missing values form their own bin ``"(missing)"`` in both cases.
* An empty bin would make the log infinite: shares of exactly 0 are replaced by ``epsilon`` (default
  1e-4) before the sum; the other shares are left as they are (no renormalisation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..core.status import Indicator, Status, Threshold, threshold_for
from ..errors import MetricInputError
from ._bands import MISSING
from ._common import fmt_edge, fmt_value, json_safe, make_indicator, more_distinct_than, without_nan
from ._validate import as_name_list, check_int, require_frame

__all__ = ["psi", "psi_table", "drift", "DriftResult", "ColumnDrift", "DEFAULT_EPSILON"]


#: Share used in place of an empty bin's 0.
DEFAULT_EPSILON = 1e-4


def _as_series(x: Any, name: str) -> pd.Series:
    if isinstance(x, pd.Series):
        return x
    if isinstance(x, pd.DataFrame):
        raise MetricInputError(
            f"{name} must be one column, not a DataFrame",
            field=name,
            fix="pass df['column'], or use drift() for several columns",
        )
    return pd.Series(np.asarray(x), name=name)


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)


def psi_table(
    current: pd.Series | np.ndarray,
    reference: pd.Series | np.ndarray,
    bins: int = 10,
    *,
    epsilon: float = DEFAULT_EPSILON,
) -> pd.DataFrame:
    """The bins of the PSI: ``bin``, counts and shares per period, and each bin's contribution."""
    return _psi_table(current, reference, bins, epsilon)[0]


def _psi_table(
    current: pd.Series | np.ndarray, reference: pd.Series | np.ndarray, bins: int, epsilon: float
) -> tuple[pd.DataFrame, bool]:
    """:func:`psi_table`, and whether the column was cut into quantile bins (numeric) or not."""
    cur = _as_series(current, "current")
    ref = _as_series(reference, "reference")
    col = str(ref.name if ref.name is not None else "column")
    bins = check_int(bins, "bins", minimum=2)
    if not 0 < epsilon < 1:
        raise MetricInputError(
            f"epsilon must be between 0 and 1, not {epsilon!r}", field="epsilon", fix="pass e.g. epsilon=1e-4"
        )
    if len(ref) == 0 or len(cur) == 0:
        raise MetricInputError(
            f"the {'reference' if len(ref) == 0 else 'current'} data has no rows",
            field=col,
            fix="check the period's data extract",
        )
    if _is_numeric(ref) != _is_numeric(cur) and not (ref.isna().all() or cur.isna().all()):
        raise MetricInputError(
            f"the column is {'numeric' if _is_numeric(ref) else 'not numeric'} in the reference "
            f"but {'numeric' if _is_numeric(cur) else 'not numeric'} now (dtype {cur.dtype})",
            field=col,
            fix="load both periods with the same column types",
        )
    numeric = _is_numeric(ref) and more_distinct_than(ref, bins)
    if numeric:
        r = ref.to_numpy(dtype=float, na_value=np.nan)
        edges = np.unique(np.quantile(without_nan(r), np.linspace(0, 1, bins + 1)[1:-1]))
        labels = [f"≤{fmt_edge(edges[0])}"]
        labels += [f"({fmt_edge(a)}, {fmt_edge(b)}]" for a, b in zip(edges, edges[1:], strict=False)]
        labels.append(f">{fmt_edge(edges[-1])}")
        k = len(labels)

        def count(x: np.ndarray) -> np.ndarray:
            miss = np.isnan(x)
            out = np.bincount(np.searchsorted(edges, x[~miss] if miss.any() else x, side="left"), minlength=k)
            return np.append(out, miss.sum())

        rc = count(r)
        del r  # one period's floats at a time
        cc = count(cur.to_numpy(dtype=float, na_value=np.nan))
        labels.append(MISSING)
    else:
        rvc = ref.value_counts(dropna=False)
        cvc = cur.value_counts(dropna=False)
        rvc.index = [MISSING if pd.isna(v) else fmt_value(v) for v in rvc.index]
        cvc.index = [MISSING if pd.isna(v) else fmt_value(v) for v in cvc.index]
        rvc = rvc.groupby(level=0).sum()
        cvc = cvc.groupby(level=0).sum()
        labels = sorted(set(rvc.index) | set(cvc.index), key=lambda v: (v == MISSING, v))
        rc = rvc.reindex(labels, fill_value=0).to_numpy()
        cc = cvc.reindex(labels, fill_value=0).to_numpy()
        if len(labels) > 1000:
            raise MetricInputError(
                f"the column has {len(labels):,} distinct values; PSI needs bins",
                field=col,
                fix="drop it from the drift columns or group its values first",
            )
    return psi_from_counts(labels, rc, cc, epsilon), numeric


def psi_from_counts(
    labels: Sequence[str], rc: Any, cc: Any, epsilon: float = DEFAULT_EPSILON
) -> pd.DataFrame:
    """The PSI table from per-bin reference and current counts (the empty ``(missing)`` bin is dropped).

    :mod:`govreport.engines` counts the bins in SQL or Spark and enters here, so both paths share this code.
    """
    keep = (np.asarray(rc) > 0) | (np.asarray(cc) > 0) | (np.asarray(labels) != MISSING)
    labels = [lab for lab, k_ in zip(labels, keep, strict=True) if k_]
    rc, cc = np.asarray(rc)[keep].astype(np.int64), np.asarray(cc)[keep].astype(np.int64)
    rs, cs = rc / rc.sum(), cc / cc.sum()
    rse, cse = np.where(rs == 0, epsilon, rs), np.where(cs == 0, epsilon, cs)
    contrib = (cse - rse) * np.log(cse / rse)
    return pd.DataFrame(
        {
            "bin": labels,
            "reference_count": rc,
            "current_count": cc,
            "reference_share": rs,
            "current_share": cs,
            "contribution": contrib,
        }
    )


def psi(
    current: pd.Series | np.ndarray,
    reference: pd.Series | np.ndarray,
    bins: int = 10,
    *,
    epsilon: float = DEFAULT_EPSILON,
) -> float:
    """Population stability index of ``current`` against ``reference`` (see the module docstring)."""
    return float(psi_table(current, reference, bins, epsilon=epsilon)["contribution"].sum())


@dataclass
class ColumnDrift:
    """PSI of one column, its status and its bins."""

    column: str
    psi: float
    status: Status
    kind: str
    table: pd.DataFrame = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "psi": self.psi,
                "status": self.status.value,
                "kind": self.kind,
                "bins": self.table.to_dict(orient="records"),
            }
        )


@dataclass
class DriftResult:
    """Result of :func:`drift`: per-column PSI, ranked, and the score's PSI if a score was given."""

    columns: dict[str, ColumnDrift]
    score: ColumnDrift | None
    threshold: Threshold
    n_current: int
    n_reference: int
    settings: dict[str, Any]

    @property
    def ranking(self) -> list[str]:
        return sorted(self.columns, key=lambda c: -self.columns[c].psi)

    def frame(self) -> pd.DataFrame:
        """Columns ranked by PSI: column, psi, status, kind."""
        return pd.DataFrame(
            [
                {
                    "column": c,
                    "psi": self.columns[c].psi,
                    "status": self.columns[c].status.value,
                    "kind": self.columns[c].kind,
                }
                for c in self.ranking
            ],
            columns=["column", "psi", "status", "kind"],
        )

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "n_current": self.n_current,
                "n_reference": self.n_reference,
                "ranking": self.ranking,
                "columns": {c: self.columns[c].to_dict() for c in self.ranking},
                "score": self.score.to_dict() if self.score else None,
                "threshold": self.threshold.to_dict(),
                "counts": {
                    s.value: sum(1 for c in self.columns.values() if c.status == s)
                    for s in (Status.GREEN, Status.AMBER, Status.RED)
                },
                "settings": self.settings,
            }
        )

    def indicators(self) -> list[Indicator]:
        out = []
        if self.score is not None:
            out.append(
                make_indicator(
                    "drift.psi.score",
                    "psi",
                    dimension="model_quality",
                    article=7,
                    value=self.score.psi,
                    threshold=self.threshold,
                    suffix="score",
                    details={"column": self.score.column},
                )
            )
        if self.columns:
            top = self.ranking[0]
            out.append(
                make_indicator(
                    "drift.psi.max_feature",
                    "psi",
                    dimension="data_quality",
                    article=7,
                    value=self.columns[top].psi,
                    threshold=self.threshold,
                    suffix=f"max over features: {top}",
                    details={
                        "column": top,
                        "red": [c for c in self.ranking if self.columns[c].status == Status.RED],
                        "amber": [c for c in self.ranking if self.columns[c].status == Status.AMBER],
                    },
                )
            )
        return out


def drift(
    current_df: pd.DataFrame,
    reference_df: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    score: str | None = None,
    bins: int = 10,
    epsilon: float = DEFAULT_EPSILON,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
) -> DriftResult:
    """PSI of each column (and of the score) between the current period and the reference (Art. 7).

    ``columns`` defaults to every column of ``current_df`` except ``score``. Status per column from
    ``threshold_for("psi")``: green < 0.10, amber 0.10–0.25, red > 0.25.
    """
    current_df = require_frame(current_df, "current_df")
    reference_df = require_frame(reference_df, "reference_df")
    cols = (
        [c for c in current_df.columns if c != score] if columns is None else as_name_list(columns, "columns")
    )
    wanted = [*cols, *([score] if score is not None else [])]
    for frame, name in ((reference_df, "reference_df"), (current_df, "current_df")):
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            raise MetricInputError(
                f"{name} lacks column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}",
                field=str(missing[0]),
                fix=f"extract {'the reference period' if name == 'reference_df' else 'this period'} "
                "with the same columns, or drop them from the drift columns",
            )

    def one(c: str) -> tuple[pd.DataFrame, bool]:
        return _psi_table(current_df[c], reference_df[c].rename(c), bins, epsilon)

    return drift_from_tables(
        {c: one(c) for c in cols},
        one(score) if score is not None else None,
        score=score,
        n_current=len(current_df),
        n_reference=len(reference_df),
        bins=bins,
        epsilon=epsilon,
        thresholds=thresholds,
    )


def drift_from_tables(
    tables: Mapping[str, tuple[pd.DataFrame, bool]],
    score_table: tuple[pd.DataFrame, bool] | None,
    *,
    score: str | None,
    n_current: int,
    n_reference: int,
    bins: int,
    epsilon: float,
    thresholds: Mapping[str, Mapping[str, Any]] | None,
) -> DriftResult:
    """The result from per-column PSI tables ``(table, numeric)`` (see :func:`psi_from_counts`)."""
    threshold = threshold_for("psi", thresholds)

    def col(c: str, table: pd.DataFrame, numeric: bool) -> ColumnDrift:
        v = float(table["contribution"].sum())
        return ColumnDrift(c, v, threshold.evaluate(v), "quantile bins" if numeric else "categories", table)

    return DriftResult(
        columns={c: col(c, *t) for c, t in tables.items()},
        score=col(str(score), *score_table) if score_table is not None else None,
        threshold=threshold,
        n_current=n_current,
        n_reference=n_reference,
        settings={
            "bins": bins,
            "epsilon": epsilon,
            "numeric_bins": "reference quantiles, right-closed",
            "empty_bin_share": epsilon,
        },
    )
