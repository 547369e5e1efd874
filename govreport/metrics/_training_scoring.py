"""The training-data audit's per-period figures (Art. 6, 7): the training data against one period's scoring
data — group coverage, reused rows, the training window. Definitions in :mod:`govreport.metrics._training`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..core.status import Indicator, Status, Threshold, threshold_for, worst
from ..errors import MetricInputError
from ._bands import encode_attribute
from ._common import json_safe
from ._training import MAX_EXAMPLES, _indicator
from ._validate import require_columns, require_frame

__all__ = [
    "GroupCoverage",
    "Overlap",
    "TrainingWindow",
    "group_coverage",
    "overlap_with_scoring",
    "training_window",
    "row_hashes",
]


# -- per period, against the scoring data -------------------------------------------------------------------
@dataclass
class GroupCoverage:
    attribute: str
    groups: dict[str, dict[str, Any]]
    value: float | None
    worst_group: str | None
    absent: list[str]
    tiny: list[str]
    threshold: Threshold
    banding: dict[str, Any] | None = None
    reason: str = ""

    @property
    def status(self) -> Status:
        s = self.threshold.evaluate(self.value)
        return worst([s, Status.AMBER]) if self.tiny and s != Status.NOT_ASSESSED else s

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "attribute": self.attribute,
                "value": self.value,
                "worst_group": self.worst_group,
                "absent": self.absent,
                "tiny": self.tiny,
                "groups": self.groups,
                "banding": self.banding,
                "status": self.status,
                "threshold": self.threshold,
                "reason": self.reason,
            }
        )

    def indicators(self) -> list[Indicator]:
        g = self.groups.get(self.worst_group or "") or {}
        return [
            _indicator(
                "training.group_coverage",
                self.value,
                self.threshold,
                suffix=self.attribute,
                status=self.status,
                note=self.reason,
                details={
                    "attribute": self.attribute,
                    "group": self.worst_group,
                    "share_training": g.get("share_training"),
                    "share_scoring": g.get("share_scoring"),
                    "absent": self.absent,
                    "tiny": self.tiny,
                },
            )
        ]


def group_coverage(
    training: pd.DataFrame,
    scoring: pd.DataFrame,
    *,
    protected: Sequence[str],
    bands: Mapping[str, Sequence[float]] | None = None,
    min_group_size: int = 30,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, GroupCoverage]:
    """Per protected attribute: each group's share of training vs. scoring rows (groups as defined on both
    files together, so the bands and categories are the same)."""
    require_columns(require_frame(training), protected, frame="the training data")
    require_columns(require_frame(scoring, "scoring"), protected, frame="the scoring data")
    th = threshold_for("training.group_coverage", thresholds)
    nt, out = len(training), {}
    for attr in protected:
        both = pd.concat([training[attr], scoring[attr]], ignore_index=True)
        enc = encode_attribute(both, attr, (bands or {}).get(attr))
        k = len(enc.labels)
        ct = np.bincount(enc.codes[:nt], minlength=k)
        cs = np.bincount(enc.codes[nt:], minlength=k)
        groups: dict[str, dict[str, Any]] = {}
        for i, g in enumerate(enc.labels):
            st = ct[i] / max(nt, 1)
            ss = cs[i] / max(len(scoring), 1)
            judged = bool(cs[i] >= min_group_size)
            groups[g] = {
                "n_training": int(ct[i]),
                "n_scoring": int(cs[i]),
                "share_training": float(st),
                "share_scoring": float(ss),
                "ratio": float(st / ss) if ss > 0 else None,
                "judged": judged,
            }
        judged = {g: v["ratio"] for g, v in groups.items() if v["judged"]}
        absent = [g for g, v in groups.items() if v["judged"] and v["n_training"] == 0]
        tiny = [g for g, v in groups.items() if v["judged"] and 0 < v["n_training"] < min_group_size]
        if judged:
            low = min(judged, key=lambda g: judged[g])
            out[attr] = GroupCoverage(attr, groups, judged[low], low, absent, tiny, th, enc.banding)
        else:
            reason = f"no group with at least {min_group_size} scoring rows"
            out[attr] = GroupCoverage(attr, groups, None, None, [], [], th, enc.banding, reason)
    return out


def _in_sorted(x: np.ndarray, sorted_values: np.ndarray) -> np.ndarray:
    """``np.isin(x, sorted_values)`` by binary search (numpy's hash-based isin is slow on random uint64)."""
    if len(sorted_values) == 0:
        return np.zeros(len(x), dtype=bool)
    idx = np.minimum(np.searchsorted(sorted_values, x), len(sorted_values) - 1)
    return sorted_values[idx] == x


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, in place on a uint64 array (wrapping arithmetic)."""
    h ^= h >> np.uint64(30)
    h *= _M1
    h ^= h >> np.uint64(27)
    h *= _M2
    h ^= h >> np.uint64(31)
    return h


def row_hashes(df: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """A 64-bit hash of each row's values in ``columns``: numbers by their float64 value (so ``1`` equals
    ``1.0``; every NaN alike), other values by pandas' ``hash_array`` of their text; columns combined in
    order with splitmix64's mixer. Deterministic across runs and machines."""
    h = np.zeros(len(df), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for c in columns:
            s = df[c]
            if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
                x = s.to_numpy(dtype=np.float64, na_value=np.nan) + 0.0  # -0.0 becomes 0.0
                x[np.isnan(x)] = np.nan  # one NaN bit pattern
                v = x.view(np.uint64).copy()
            else:
                v = pd.util.hash_array(s.astype("string").to_numpy(dtype=object, na_value=None))
            h = _mix(h * np.uint64(31) + _mix(v))
    return h


@dataclass
class Overlap:
    basis: str
    columns: list[str]
    n_scoring: int
    n_overlap: int
    share: float | None
    examples: list[int]
    threshold: Threshold
    common_profiles: int = 0

    @property
    def status(self) -> Status:
        return self.threshold.evaluate(self.share)

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "basis": self.basis,
                "columns": self.columns,
                "n_scoring": self.n_scoring,
                "n_overlap": self.n_overlap,
                "share": self.share,
                "example_rows": self.examples,
                "common_profiles": self.common_profiles,
                "status": self.status,
                "threshold": self.threshold,
            }
        )

    def indicators(self) -> list[Indicator]:
        return [
            _indicator(
                "training.overlap_with_scoring",
                self.share,
                self.threshold,
                unit="share",
                details={
                    "basis": self.basis,
                    "columns": self.columns,
                    "n_overlap": self.n_overlap,
                    "common_profiles": self.common_profiles,
                },
            )
        ]


def overlap_with_scoring(
    training: pd.DataFrame,
    scoring: pd.DataFrame,
    columns: Sequence[str],
    *,
    basis: str = "features",
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
) -> Overlap:
    """Scoring rows that also occur in the training data, by row hash over ``columns``; ``examples`` are
    the positions of the first few such scoring rows (the caller masks what it shows of them)."""
    cols = list(dict.fromkeys(columns))
    if not cols:
        raise MetricInputError(
            "no columns to compare rows by", field="columns", fix="declare keys or model features"
        )
    require_columns(require_frame(training), cols, frame="the training data")
    require_columns(require_frame(scoring, "scoring"), cols, frame="the scoring data")
    seen = np.sort(row_hashes(training, cols))
    common = 0
    hashes = row_hashes(scoring, cols)
    if basis == "features":  # a profile repeated in the training data is common, not a reused record
        repeated = np.zeros(len(seen), dtype=bool)
        repeated[1:] = seen[1:] == seen[:-1]
        repeated[:-1] |= repeated[1:]
        common = int(_in_sorted(hashes, seen[repeated]).sum())
        seen = seen[~repeated]
    hit = _in_sorted(hashes, seen)
    n = int(hit.sum())
    share = n / len(scoring) if len(scoring) else None
    examples = np.flatnonzero(hit)[:MAX_EXAMPLES].tolist()
    th = threshold_for("training.overlap_with_scoring", thresholds)
    return Overlap(basis, cols, len(scoring), n, share, examples, th, common)


@dataclass
class TrainingWindow:
    column: str | None
    start: str | None
    end: str | None
    period_start: str
    gap_days: float | None
    rows_in_or_after: int
    n: int
    threshold: Threshold
    reason: str = ""

    @property
    def status(self) -> Status:
        return self.threshold.evaluate(self.gap_days)

    def to_dict(self) -> dict[str, Any]:
        return json_safe({**self.__dict__, "status": self.status, "threshold": self.threshold})

    def indicators(self) -> list[Indicator]:
        return [
            _indicator(
                "training.window",
                self.gap_days,
                self.threshold,
                unit="days",
                note=self.reason,
                details={
                    "column": self.column,
                    "start": self.start,
                    "end": self.end,
                    "period_start": self.period_start,
                    "rows_in_or_after": self.rows_in_or_after,
                },
            )
        ]


def training_window(
    times: pd.Series | None,
    period_start: dt.date,
    *,
    column: str | None = None,
    thresholds: Mapping[str, Mapping[str, Any]] | None = None,
) -> TrainingWindow:
    """The training data's time span against the scoring period's first day. ``times`` None (no time column
    declared) is not assessed, with the reason."""
    th = threshold_for("training.window", thresholds)
    start = pd.Timestamp(period_start)
    if times is None:
        reason = "the training contract declares no time column (freshness.column)"
        return TrainingWindow(None, None, None, start.date().isoformat(), None, 0, 0, th, reason)
    t = pd.to_datetime(times, errors="coerce", utc=True).dt.tz_localize(None)
    ok = t.dropna()
    if ok.empty:
        reason = f"no readable timestamps in {column}"
        return TrainingWindow(column, None, None, start.date().isoformat(), None, 0, len(t), th, reason)
    lo, hi = ok.min(), ok.max()
    gap = (start - hi) / pd.Timedelta(days=1)
    return TrainingWindow(
        column,
        lo.isoformat(),
        hi.isoformat(),
        start.date().isoformat(),
        float(gap),
        int((ok >= start).sum()),
        len(t),
        th,
    )
