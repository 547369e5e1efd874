"""Small helpers shared by the metric modules: JSON-safe values, thresholds, indicator labels."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..status import Indicator, Status, Threshold, threshold_for

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
        label_zh=f"{zh}（{suffix}）" if suffix else zh,
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
