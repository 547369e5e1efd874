"""Small helpers shared by the metric modules: JSON-safe values, thresholds, indicator labels, and the
low-memory array helpers (compact codes, one int64 buffer for a cell index, chunks of rows)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..core.status import Indicator, Status, Threshold, threshold_for

#: Indicator labels: base id -> (label_zh, label_en).
LABELS: dict[str, tuple[str, str]] = {
    "demographic_parity_difference": ("人口均等差異", "Demographic parity difference"),
    "disparate_impact_ratio": ("差異影響比（五分之四法則）", "Disparate impact ratio (four-fifths rule)"),
    "equal_opportunity_difference": ("機會均等差異", "Equal opportunity difference"),
    "equalized_odds_difference": ("均等化勝算差異", "Equalized odds difference"),
    "proxy_cramers_v": ("代理變數關聯（Cramér's V）", "Proxy association (Cramér's V)"),
    "protected_feature": ("受保護屬性作為模型特徵", "Protected attribute used as a model feature"),
    "auc": ("AUC（ROC 曲線下面積）", "AUC (area under the ROC curve)"),
    "gini": ("Gini 係數", "Gini coefficient"),
    "ks": ("KS 統計量", "KS statistic"),
    "brier": ("Brier 分數", "Brier score"),
    "ece": ("預期校準誤差（ECE）", "Expected calibration error (ECE)"),
    "gini_relative_drop": ("Gini 相對下降幅度", "Relative Gini drop vs. reference"),
    "psi": ("母體穩定度指標（PSI）", "Population stability index (PSI)"),
    "surrogate_fidelity_r2": ("代理模型擬合度（R²）", "Surrogate model fidelity (R²)"),
    "reason_code_coverage": ("具理由碼之不利決定比例", "Share of adverse decisions with a reason code"),
    "training.label_balance": (
        "訓練資料標籤平衡（少數類別占比）",
        "Training labels: the smaller class's share",
    ),
    "training.label_rate_by_group": (
        "訓練資料各群組有利標籤比率（五分之四法則）",
        "Training labels: favourable rate by group (four-fifths rule)",
    ),
    "training.differential_missingness": (
        "訓練資料各群組缺值差異",
        "Training data: missing values by group (widest gap)",
    ),
    "training.label_leakage": (
        "訓練資料標籤洩漏（單一特徵 AUC）",
        "Training data: label leakage (single-feature AUC)",
    ),
    "training.group_coverage": (
        "訓練資料群組涵蓋（訓練／評分占比）",
        "Training data: group coverage (training ÷ scoring share)",
    ),
    "training.overlap_with_scoring": ("評分資料與訓練資料重複比例", "Scoring rows also in the training data"),
    "training.window": ("訓練資料期間早於評分期間（天）", "Training window before the scoring period (days)"),
}


def opt_float(x: Any) -> float | None:
    """A finite Python float, or None for None / NaN / inf."""
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def json_safe(obj: Any) -> Any:
    """Recursively turn numpy scalars/arrays into Python values and NaN/inf into None."""
    if isinstance(obj, Mapping):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, np.ndarray):
        return [json_safe(v) for v in obj.tolist()]
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, (Status, Threshold)):
        return obj.value if isinstance(obj, Status) else obj.to_dict()
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    return str(obj)


def optional_threshold(indicator: str, overrides: Mapping[str, Mapping[str, Any]] | None) -> Threshold | None:
    """The threshold for ``indicator`` if it has a default or an override; None otherwise."""
    try:
        return threshold_for(indicator, overrides)
    except KeyError:
        return None


#: the English words of indicator-label suffixes, in Traditional Chinese (column names stay as they are)
_SUFFIX_ZH = (("max over features", "各特徵最大值"), ("reason codes", "理由碼"))


def _suffix_zh(suffix: str) -> str:
    if suffix == "score":  # the model's score (a column named like it is left alone)
        return "分數"
    for en, zh in _SUFFIX_ZH:
        suffix = suffix.replace(en, zh)
    return suffix


def make_indicator(
    id: str,
    base: str,
    *,
    dimension: str,
    article: int,
    value: float | None,
    threshold: Threshold | None,
    suffix: str = "",
    note: str = "",
    status: Status | None = None,
    unit: str = "",
    details: dict[str, Any] | None = None,
) -> Indicator:
    zh, en = LABELS[base]
    value = opt_float(value)
    if value is None and status is None:
        status = Status.NOT_ASSESSED
    return Indicator(
        id=id,
        dimension=dimension,
        article=article,
        value=value,
        label_zh=f"{zh}（{_suffix_zh(suffix)}）" if suffix else zh,
        label_en=f"{en} ({suffix})" if suffix else en,
        threshold=threshold,
        status=status,
        unit=unit,
        note=note,
        details=json_safe(details or {}),
    )


def fmt_value(v: Any) -> str:
    """A group value as a string key: integral floats lose their ``.0``; numpy scalars become Python."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def fmt_edge(x: float) -> str:
    return f"{x:g}"


# -- memory: per-row work on large frames (issue 8) ----------------------------------------------------------
#: Rows per chunk where a per-row temporary is needed (order-independent work only, or replayed exactly).
CHUNK = 1 << 16


def chunks(n: int, size: int = CHUNK) -> Iterator[slice]:
    """Consecutive slices of ``size`` rows covering ``range(n)``."""
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


def code_dtype(k: int) -> type[np.signedinteger[Any]]:
    """The smallest signed integer dtype holding the codes ``0..k`` (int8 for a handful of groups: 8 times
    less memory than int64)."""
    for dt in (np.int8, np.int16, np.int32):
        if k <= np.iinfo(dt).max:
            return dt
    return np.int64


def without_nan(x: np.ndarray) -> np.ndarray:
    """``x[~np.isnan(x)]``; ``x`` itself (no copy) when it has no NaN."""
    nan = np.isnan(x)
    return x[~nan] if nan.any() else x


def more_distinct_than(x: Any, k: int) -> bool:
    """More than ``k`` distinct values — ``Series.nunique()`` (missing values not counted) for a Series,
    ``pandas.unique(x).size`` for an array — decided on the first rows when they already have more (the
    whole cannot have fewer), so a column with many values needs no hash table of all its rows."""
    import pandas as pd

    if isinstance(x, pd.Series):
        return bool(x.iloc[:CHUNK].nunique() > k or (len(x) > CHUNK and x.nunique() > k))
    return bool(pd.unique(x[:CHUNK]).size > k or (len(x) > CHUNK and pd.unique(x).size > k))


def searchsorted_codes(edges: np.ndarray, x: np.ndarray, side: Any, dtype: Any) -> np.ndarray:
    """``np.searchsorted(edges, x, side).astype(dtype)``, chunk by chunk, without the int64 temporary of all
    rows."""
    out = np.empty(len(x), dtype=dtype)
    for sl in chunks(len(x)):
        out[sl] = np.searchsorted(edges, x[sl], side=side)
    return out


def flat_index(
    codes: Sequence[np.ndarray], sizes: Sequence[int], cell: np.ndarray | None = None, cells: int = 1
) -> np.ndarray:
    """The row-major flat index ``((c0 · k1 + c1) · k2 + …) · cells + cell`` of per-row codes, as int64, in
    one buffer (each step in place) — the same integers as the expression on int64 arrays."""
    out = np.array(codes[0], dtype=np.int64)
    for c, k in zip(codes[1:], sizes[1:], strict=True):
        out *= k
        out += c
    if cell is not None:
        out *= cells
        out += cell
    return out
