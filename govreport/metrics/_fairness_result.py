"""What :func:`govreport.metrics.fairness` returns: per-group rates, summary metrics with their status, per
attribute or intersection, and the whole result — each with ``to_dict`` (JSON-safe, as results.json holds
it), indicators and handy data frames.

Contract: data only; the computation is :mod:`._fairness`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..core.status import Indicator, Status, Threshold
from ._common import json_safe, make_indicator

__all__ = ["RATES", "GroupRates", "SummaryMetric", "AttributeFairness", "FairnessResult"]

#: Per-group rates, in report order.
RATES: tuple[str, ...] = ("selection_rate", "tpr", "fpr", "ppv", "accuracy")


@dataclass
class GroupRates:
    """One group of one attribute or intersection."""

    name: str
    n: int
    counts: dict[str, int]
    rates: dict[str, float | None]
    judged: bool
    ci: dict[str, list[float | None] | None] | None = None
    reasons: dict[str, str] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "n": self.n,
            **self.rates,
            "counts": dict(self.counts),
            "ci": self.ci,
            "judged": self.judged,
        }
        if self.reasons:
            d["reasons"] = dict(self.reasons)
        if len(self.values) > 1:
            d["values"] = dict(self.values)
        return json_safe(d)


@dataclass
class SummaryMetric:
    """One summary (e.g. the disparate-impact ratio) of one attribute, with its status."""

    metric: str
    value: float | None
    threshold: Threshold
    status: Status
    ci: list[float | None] | None = None
    reason: str = ""
    max_group: str | None = None
    min_group: str | None = None
    excluded: list[str] = field(default_factory=list)  # judged groups left out: the rate has no denominator
    #: a summary withheld for too small a group: its value with the rule relaxed, the rate that fell
    #: short and each short group's count (``{value, rate, need, short: [{group, count}]}``), issue 17
    withheld: dict[str, Any] | None = None


@dataclass
class AttributeFairness:
    """Groups and summaries of one protected attribute or one intersection (``key`` like ``SEX×AGE``)."""

    key: str
    columns: list[str]
    groups: dict[str, GroupRates]
    summaries: dict[str, SummaryMetric]
    banding: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "intersection" if len(self.columns) > 1 else "attribute"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "kind": self.kind,
            "columns": list(self.columns),
            "banding": self.banding or None,
            "n": sum(g.n for g in self.groups.values()),
            "judged_groups": [k for k, g in self.groups.items() if g.judged],
            "groups": {k: g.to_dict() for k, g in self.groups.items()},
        }
        for m, s in self.summaries.items():
            d[m] = s.value
        d["ci"] = {m: s.ci for m, s in self.summaries.items()}
        d["status"] = {m: s.status.value for m, s in self.summaries.items()}
        d["reasons"] = {m: s.reason for m, s in self.summaries.items() if s.reason}
        d["extremes"] = {
            m: {"max": s.max_group, "min": s.min_group}
            for m, s in self.summaries.items()
            if s.value is not None
        }
        d["thresholds"] = {m: s.threshold.to_dict() for m, s in self.summaries.items()}
        excluded = {m: s.excluded for m, s in self.summaries.items() if s.excluded}
        if excluded:
            d["excluded_groups"] = excluded
        withheld = {m: s.withheld for m, s in self.summaries.items() if s.withheld}
        if withheld:
            d["withheld"] = withheld
        return json_safe(d)

    def indicators(self) -> list[Indicator]:
        out = []
        for m, s in self.summaries.items():
            out.append(
                make_indicator(
                    f"fairness.{self.key}.{m}",
                    m,
                    dimension="fairness",
                    article=6,
                    value=s.value,
                    threshold=s.threshold,
                    suffix=self.key,
                    note=s.reason,
                    status=s.status,
                    details={
                        "attribute": self.key,
                        "ci": s.ci,
                        "max_group": s.max_group,
                        "min_group": s.min_group,
                        "judged_groups": [k for k, g in self.groups.items() if g.judged],
                        "excluded_groups": s.excluded,
                        **({"withheld": s.withheld} if s.withheld else {}),
                    },
                )
            )
        return out


@dataclass
class FairnessResult:
    """Result of :func:`fairness`: one :class:`AttributeFairness` per attribute and intersection."""

    attributes: dict[str, AttributeFairness]
    n: int
    settings: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "n": self.n,
                "settings": self.settings,
                "attributes": {k: a.to_dict() for k, a in self.attributes.items()},
            }
        )

    def indicators(self) -> list[Indicator]:
        return [i for a in self.attributes.values() for i in a.indicators()]

    def groups_frame(self) -> pd.DataFrame:
        """One row per (attribute, group): n, the rates, judged — handy in notebooks."""
        rows = [
            {"attribute": k, "group": g.name, "n": g.n, **g.rates, "judged": g.judged}
            for k, a in self.attributes.items()
            for g in a.groups.values()
        ]
        return pd.DataFrame(rows, columns=["attribute", "group", "n", *RATES, "judged"])

    def summary_frame(self) -> pd.DataFrame:
        """One row per (attribute, summary metric): value, CI, status, reason."""
        rows = [
            {
                "attribute": k,
                "metric": m,
                "value": s.value,
                "ci_low": (s.ci or [None, None])[0],
                "ci_high": (s.ci or [None, None])[1],
                "status": s.status.value,
                "reason": s.reason,
            }
            for k, a in self.attributes.items()
            for m, s in a.summaries.items()
        ]
        return pd.DataFrame(
            rows, columns=["attribute", "metric", "value", "ci_low", "ci_high", "status", "reason"]
        )
