"""Proxy scan (Art. 6): does a model feature stand in for a protected attribute?

For every (feature, protected attribute) pair: Cramér's V of their contingency table. The default is
the **bias-corrected** V of Bergsma (2013), which does not grow with the number of levels on small data
(``bias_corrected=False`` gives the classic V = sqrt(χ² / (n · (min(r, k) − 1)))).

* Protected attributes are grouped as in :func:`~govreport.metrics.fairness` (age bands, ``(missing)``).
* Numeric features with more than ``max_categories`` (20) distinct values are cut into ``bins`` (5)
  quantile bins (duplicate cut points merged); other features (codes like EDUCATION too) use their values,
  with the ``max_levels − 1`` most frequent kept and the rest pooled as ``(other)``; missing values are a
  level of their own.
* Status per pair from ``threshold_for("proxy_cramers_v")``: V ≥ 0.3 review (amber), ≥ 0.7 fail (red).
* A protected attribute that is itself a model feature is red unless ``justifications`` records why
  it is used (Art. 6); with a justification it is reported green with the justification attached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.status import Indicator, Status, Threshold, threshold_for
from ..errors import MetricInputError
from ._bands import MAX_CATEGORIES, encode_attribute
from ._common import (
    code_dtype,
    flat_index,
    json_safe,
    make_indicator,
    more_distinct_than,
    opt_float,
    searchsorted_codes,
    without_nan,
)
from ._validate import as_name_list, check_int, require_columns, require_frame

__all__ = ["proxy_scan", "ProxyResult", "cramers_v"]


def cramers_v(table: np.ndarray, *, bias_corrected: bool = True) -> float:
    """Cramér's V of a contingency table (rows and columns with no observations are dropped); NaN if
    either variable has a single level."""
    t = np.asarray(table, dtype=np.float64)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    n = t.sum()
    r, k = t.shape
    if r < 2 or k < 2 or n < 2:
        return float("nan")
    expected = np.outer(t.sum(axis=1), t.sum(axis=0)) / n
    chi2 = float(((t - expected) ** 2 / expected).sum())
    phi2 = chi2 / n
    if not bias_corrected:
        return float(np.sqrt(phi2 / (min(r, k) - 1)))
    phi2c = max(0.0, phi2 - (k - 1) * (r - 1) / (n - 1))
    rc = r - (r - 1) ** 2 / (n - 1)
    kc = k - (k - 1) ** 2 / (n - 1)
    denom = min(rc - 1, kc - 1)
    return float(np.sqrt(phi2c / denom)) if denom > 0 else float("nan")


def _encode_feature(
    s: pd.Series, bins: int, max_levels: int, max_categories: int
) -> tuple[np.ndarray, int, str]:
    """Level codes (the smallest integer dtype holding them), the number of levels, and how they were made."""
    numeric = pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype)
    if numeric:
        x = s.to_numpy(dtype=float, na_value=np.nan)
        if more_distinct_than(without_nan(x), max_categories):
            edges = np.unique(np.quantile(without_nan(x), np.linspace(0, 1, bins + 1)[1:-1]))
            codes = searchsorted_codes(edges, x, "left", code_dtype(len(edges) + 1))
            codes[np.isnan(x)] = len(edges) + 1
            return codes, len(edges) + 2, f"{len(edges) + 1} quantile bins"
        del x
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    codes = np.asarray(codes, dtype=np.int64)
    k = len(uniques)
    how = "categories"
    if k > max_levels - 1:
        freq = np.bincount(codes[codes >= 0], minlength=k)
        top = np.argsort(-freq, kind="stable")[: max_levels - 1]
        remap = np.full(k, max_levels - 1, dtype=np.int64)
        remap[top] = np.arange(len(top))
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
        k = max_levels
        how = f"top {max_levels - 1} categories, rest pooled"
    codes[codes < 0] = k
    return codes.astype(code_dtype(k), copy=False), k + 1, how


@dataclass
class ProxyPair:
    feature: str
    protected: str
    cramers_v: float | None
    status: Status
    levels: int
    binning: str
    note: str = ""


@dataclass
class ProxyResult:
    """Result of :func:`proxy_scan`."""

    pairs: list[ProxyPair]
    protected_features: dict[str, str | None]
    threshold: Threshold
    settings: dict[str, Any]

    def frame(self) -> pd.DataFrame:
        """All pairs, highest V first."""
        rows = [
            {
                "feature": p.feature,
                "protected": p.protected,
                "cramers_v": p.cramers_v,
                "status": p.status.value,
                "levels": p.levels,
                "binning": p.binning,
            }
            for p in self.pairs
        ]
        df = pd.DataFrame(rows, columns=["feature", "protected", "cramers_v", "status", "levels", "binning"])
        return df.sort_values("cramers_v", ascending=False, na_position="last").reset_index(drop=True)

    def _by_protected(self) -> dict[str, list[ProxyPair]]:
        out: dict[str, list[ProxyPair]] = {p: [] for p in self.settings["protected"]}
        for pair in self.pairs:
            out[pair.protected].append(pair)
        for v in out.values():
            v.sort(key=lambda p: -(p.cramers_v if p.cramers_v is not None else -1.0))
        return out

    def to_dict(self) -> dict[str, Any]:
        by = self._by_protected()
        return json_safe(
            {
                "protected": {
                    a: {
                        "max_cramers_v": pairs[0].cramers_v if pairs else None,
                        "top_feature": pairs[0].feature if pairs else None,
                        "features": {
                            p.feature: {
                                "cramers_v": p.cramers_v,
                                "status": p.status.value,
                                "levels": p.levels,
                                "binning": p.binning,
                                **({"note": p.note} if p.note else {}),
                            }
                            for p in pairs
                        },
                        "flagged": [p.feature for p in pairs if p.status in (Status.AMBER, Status.RED)],
                    }
                    for a, pairs in by.items()
                },
                "protected_as_feature": {
                    a: {"justification": j, "status": "green" if j else "red"}
                    for a, j in self.protected_features.items()
                },
                "threshold": self.threshold.to_dict(),
                "settings": self.settings,
            }
        )

    def indicators(self) -> list[Indicator]:
        out = []
        for a, pairs in self._by_protected().items():
            defined = [p for p in pairs if p.cramers_v is not None]
            top = defined[0] if defined else None
            out.append(
                make_indicator(
                    f"fairness.proxy.{a}",
                    "proxy_cramers_v",
                    dimension="fairness",
                    article=6,
                    value=top.cramers_v if top else None,
                    threshold=self.threshold,
                    suffix=f"{a}: max over features" + (f", {top.feature}" if top else ""),
                    note="" if top else "no feature could be compared",
                    details={
                        "protected": a,
                        "top_feature": top.feature if top else None,
                        "flagged": [p.feature for p in pairs if p.status in (Status.AMBER, Status.RED)],
                    },
                )
            )
        for a, j in self.protected_features.items():
            out.append(
                make_indicator(
                    f"fairness.protected_feature.{a}",
                    "protected_feature",
                    dimension="fairness",
                    article=6,
                    value=None,
                    threshold=None,
                    suffix=a,
                    status=Status.GREEN if j else Status.RED,
                    note=(
                        f"justification recorded: {j}"
                        if j
                        else "a protected attribute is a model feature and no justification is recorded"
                    ),
                    details={"protected": a, "justification": j},
                )
            )
        return out


def proxy_scan(
    df: pd.DataFrame,
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
) -> ProxyResult:
    """Cramér's V between every model feature and every protected attribute (Art. 6).

    ``justifications`` maps a protected attribute that is used as a feature to the recorded reason.
    """
    df = require_frame(df)
    features = as_name_list(features, "features")
    protected = as_name_list(protected, "protected")
    require_columns(df, [*features, *protected])
    bins, max_levels, justifications = check_arguments(protected, bins, max_levels, justifications)
    bands = dict(bands or {})

    enc_p = {
        a: encode_attribute(df[a], a, bands.get(a), max_categories=max_categories, compact=True)
        for a in protected
    }
    counted: dict[tuple[str, str], tuple[np.ndarray, str]] = {}
    for f in features:  # one feature's codes at a time
        fc, kf, how = _encode_feature(df[f], bins, max_levels, max_categories)
        for a in protected:
            if f != a:
                kp = len(enc_p[a].labels)
                idx = flat_index([fc, enc_p[a].codes], [kf, kp])
                counted[(f, a)] = (np.bincount(idx, minlength=kf * kp).reshape(kf, kp), how)
                del idx
        del fc
    tables = {(f, a): counted[(f, a)] for a in protected for f in features if f != a}
    return proxy_from_tables(
        tables,
        features,
        protected,
        justifications=justifications,
        bins=bins,
        max_levels=max_levels,
        bias_corrected=bias_corrected,
        thresholds=thresholds,
    )


def proxy_from_tables(
    tables: Mapping[tuple[str, str], tuple[np.ndarray, str]],
    features: list[str],
    protected: list[str],
    *,
    justifications: Mapping[str, str],
    bins: int,
    max_levels: int,
    bias_corrected: bool,
    thresholds: Mapping[str, Mapping[str, Any]] | None,
) -> ProxyResult:
    """The result from contingency tables ``{(feature, protected): (feature levels × groups, binning)}``.

    :mod:`govreport.engines` counts the tables in SQL or Spark and enters here, so both paths share this code.
    """
    threshold = threshold_for("proxy_cramers_v", thresholds)
    pairs: list[ProxyPair] = []
    for (f, a), (table, how) in tables.items():
        table = table[
            np.lexsort(table.T[::-1])
        ]  # rows in one order whatever the level codes: same float sums
        v = opt_float(cramers_v(table, bias_corrected=bias_corrected))
        note = "" if v is not None else "one of the two has a single level"
        status = threshold.evaluate(v) if v is not None else Status.NOT_ASSESSED
        levels = int((table.sum(axis=1) > 0).sum())
        pairs.append(ProxyPair(f, a, v, status, levels, how, note))
    protected_features = {
        a: (str(justifications[a]).strip() or None) if a in justifications else None
        for a in protected
        if a in features
    }
    settings = {
        "features": features,
        "protected": protected,
        "bins": bins,
        "max_levels": max_levels,
        "bias_corrected": bias_corrected,
        "method": "Cramér's V, bias-corrected (Bergsma 2013)" if bias_corrected else "Cramér's V",
    }
    return ProxyResult(
        pairs=pairs, protected_features=protected_features, threshold=threshold, settings=settings
    )


def check_arguments(
    protected: list[str], bins: Any, max_levels: Any, justifications: Mapping[str, str] | None
) -> tuple[int, int, dict[str, str]]:
    """The checked arguments of :func:`proxy_scan` (shared with :mod:`govreport.engines`)."""
    bins = check_int(bins, "bins", minimum=2)
    max_levels = check_int(max_levels, "max_levels", minimum=2)
    justifications = dict(justifications or {})
    unknown = [k for k in justifications if k not in protected]
    if unknown:
        raise MetricInputError(
            f"justifications name {', '.join(map(repr, unknown))}, which is not in protected",
            field="justifications",
            fix="key justifications by protected attribute name",
        )
    return bins, max_levels, justifications
