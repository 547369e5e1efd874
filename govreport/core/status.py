"""Statuses, thresholds and indicators: how a number becomes green, amber or red.

Every indicator in a report carries a :class:`Status` and the :class:`Threshold` that decided it, so a
reader can always see *why* something is red. The defaults follow the article guide
(``shared/regulation/articles.md``): the guide's line is the edge of green; amber is a documented warning
band just past it; red is beyond the band. A system record can override any threshold
(``thresholds:`` in ``systems/<id>.yaml``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal

__all__ = [
    "RunStatus",
    "PORTFOLIO",
    "PORTFOLIO_TEMPLATES",
    "Status",
    "Threshold",
    "Indicator",
    "DIMENSIONS",
    "DEFAULT_THRESHOLDS",
    "threshold_for",
    "worst",
    "CONTEXT_ONLY",
    "roll_up",
]


class RunStatus(StrEnum):
    """A run's outcome as the evidence store records it (a ``str``: it compares and serialises as its
    value)."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


#: The evidence-store ``system_id`` of portfolio-level runs (sustainability, the periodic review):
#: ``reports/<period>/_portfolio/<template>/v<N>/``. Not a valid inventory id (ids may not start with '_'), so
#: it never clashes with a system.
PORTFOLIO = "_portfolio"

#: The templates that run once per period for the whole portfolio, in the order they run (the review reads
#: the sustainability report).
PORTFOLIO_TEMPLATES = ("sustainability", "review")


class Status(StrEnum):
    """The four statuses. Order of severity: red > amber > green > not_assessed."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_ASSESSED = "not_assessed"

    @property
    def severity(self) -> int:
        return {"not_assessed": 0, "green": 1, "amber": 2, "red": 3}[self.value]

    def __str__(self) -> str:
        return self.value


#: The seven Art. 13 review dimensions, in report order.
DIMENSIONS: tuple[str, ...] = (
    "data_quality",
    "model_quality",
    "system_security",
    "fairness",
    "sustainability",
    "transparency",
    "explainability",
)


@dataclass(frozen=True)
class Threshold:
    """A two-line rule: the guide's pass line (``green``) and the red line.

    ``better`` says which direction is good. For ``better="lower"`` (e.g. PSI): green when the value is
    below ``green`` (or equal, if ``green_inclusive``), red when above ``red`` (or equal, if
    ``red_inclusive``), amber in between. Mirrored for ``better="higher"``.
    """

    better: Literal["higher", "lower"]
    green: float
    red: float
    green_inclusive: bool = True
    red_inclusive: bool = False
    source: str = "default"

    def __post_init__(self) -> None:
        if self.better not in ("higher", "lower"):
            raise ValueError(f"better must be 'higher' or 'lower', not {self.better!r}")
        if self.better == "lower" and self.red < self.green:
            raise ValueError(f"for better='lower' the red line ({self.red}) must be >= green ({self.green})")
        if self.better == "higher" and self.red > self.green:
            raise ValueError(f"for better='higher' the red line ({self.red}) must be <= green ({self.green})")

    def evaluate(self, value: float | None) -> Status:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return Status.NOT_ASSESSED
        v = float(value)
        if self.better == "lower":
            if v < self.green or (self.green_inclusive and v == self.green):
                return Status.GREEN
            if v > self.red or (self.red_inclusive and v == self.red):
                return Status.RED
            return Status.AMBER
        if v > self.green or (self.green_inclusive and v == self.green):
            return Status.GREEN
        if v < self.red or (self.red_inclusive and v == self.red):
            return Status.RED
        return Status.AMBER

    def describe(self) -> str:
        """Human-readable rule, e.g. ``green ≥ 0.8; red < 0.7``."""
        if self.better == "lower":
            g = "≤" if self.green_inclusive else "<"
            r = "≥" if self.red_inclusive else ">"
        else:
            g = "≥" if self.green_inclusive else ">"
            r = "≤" if self.red_inclusive else "<"
        return f"green {g} {self.green:g}; red {r} {self.red:g}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "better": self.better,
            "green": self.green,
            "red": self.red,
            "green_inclusive": self.green_inclusive,
            "red_inclusive": self.red_inclusive,
            "rule": self.describe(),
            "source": self.source,
        }


#: Defaults from the article guide. Keys are indicator ids.
DEFAULT_THRESHOLDS: dict[str, Threshold] = {
    # Art. 6 — four-fifths rule and 0.10 differences; amber is a warning band past the guide's line.
    "disparate_impact_ratio": Threshold("higher", 0.80, 0.70),
    "demographic_parity_difference": Threshold("lower", 0.10, 0.20),
    "equal_opportunity_difference": Threshold("lower", 0.10, 0.20),
    "equalized_odds_difference": Threshold("lower", 0.10, 0.20),
    # Art. 6 proxy scan: Cramér's V >= 0.3 review, >= 0.7 fail.
    "proxy_cramers_v": Threshold("lower", 0.30, 0.70, green_inclusive=False, red_inclusive=True),
    # Art. 7 — drift and model quality.
    "psi": Threshold("lower", 0.10, 0.25, green_inclusive=False),
    "gini_relative_drop": Threshold("lower", 0.10, 0.20),
    "auc": Threshold("higher", 0.70, 0.60),
    "ks": Threshold("higher", 0.20, 0.10),
    "ece": Threshold("lower", 0.05, 0.10),
    # Art. 7 explainability: an explanation is only as good as the surrogate that produces it.
    "surrogate_fidelity_r2": Threshold("higher", 0.70, 0.50),
    "reason_code_coverage": Threshold("higher", 0.95, 0.80),
    # Art. 7 data quality: the worst expectation's share of passing rows, per dimension.
    "data_quality_pass_rate": Threshold("higher", 1.0, 0.95),
    "completeness": Threshold("higher", 0.99, 0.95),
    "validity": Threshold("higher", 0.99, 0.95),
    "uniqueness": Threshold("higher", 1.0, 0.999),
    # Art. 8 — personal data leaks: zero tolerance.
    "pii_leak_rate": Threshold("lower", 0.0, 0.0, red_inclusive=False),
    # Art. 11 — disclosure shown on every customer-facing conversation / channel.
    "ai_disclosure_rate": Threshold("higher", 1.0, 0.95),
    "human_alternative_rate": Threshold("higher", 1.0, 0.95),
    # Art. 13 — generative output risk: any prohibited statement is amber, more than 1 in 1,000 turns red.
    "prohibited_statement_rate": Threshold("lower", 0.0, 0.001),
    "groundedness": Threshold("higher", 0.60, 0.40),
    # Art. 13 — a wrong fee, rate or date: over 1 in 100 checked numbers is amber, over 3 red (docs/genai.md).
    "numeric_claim_error_rate": Threshold("lower", 0.01, 0.03),
    # numbers no reference answer or passage states: not wrong, but unverified (reported beside the error
    # rate)
    "numeric_claim_unsupported_rate": Threshold("lower", 0.20, 0.40),
    # Art. 13 — service quality of a generative assistant (docs/genai.md): declines, hand-overs, reply time.
    "refusal_rate": Threshold("lower", 0.10, 0.25),
    "escalation_rate": Threshold("lower", 0.30, 0.50),
    "latency_p50_s": Threshold("lower", 3.0, 6.0),
    "latency_p95_s": Threshold("lower", 8.0, 15.0),
    "log_readable_rate": Threshold("higher", 1.0, 0.99),
    # Art. 10–12 — records: complete is green, anything missing is red (prelaunch: amber while mostly done).
    "channel_compliance_rate": Threshold("higher", 1.0, 1.0),
    "prelaunch_completeness": Threshold("higher", 1.0, 0.75),
    "vendor_attestation": Threshold("higher", 1.0, 1.0),
    # Art. 6, 7, 12 — the training data (govreport.metrics._training, docs/training-data.md).
    # the smaller outcome class's share of the training labels: under 1 % amber, under 0.2 % red (rare
    # events such as fraud or money laundering are 1–2 % of cases; a model learns little from fewer)
    "training.label_balance": Threshold("higher", 0.01, 0.002),
    # favourable-label rate of the lowest over the highest group: the four-fifths rule, as for decisions
    "training.label_rate_by_group": Threshold("higher", 0.80, 0.70),
    # widest gap in a feature's missing share between two groups: 10 points amber, 25 red
    "training.differential_missingness": Threshold("lower", 0.10, 0.25),
    # highest single-feature AUC: 0.90 amber (review), 0.95 red (a leak)
    "training.label_leakage": Threshold("lower", 0.90, 0.95, green_inclusive=False, red_inclusive=True),
    # a feature equal to the label in 99 % of rows or more is a leak
    "training.label_equal_share": Threshold("lower", 0.99, 0.99, green_inclusive=False, red_inclusive=True),
    # a group's training share over its scoring share: under 0.5 amber, under 0.2 (or absent) red
    "training.group_coverage": Threshold("higher", 0.50, 0.20),
    # scoring rows also in the training data: over 1 % amber, over 5 % red
    "training.overlap_with_scoring": Threshold("lower", 0.01, 0.05),
    # days from the training data's newest record to the scoring period's start: must be positive
    "training.window": Threshold("higher", 0.0, 0.0, green_inclusive=False, red_inclusive=True),
}


def threshold_for(indicator: str, overrides: Mapping[str, Mapping[str, Any]] | None = None) -> Threshold:
    """The threshold for ``indicator``: the default, with any per-system override applied."""
    base = DEFAULT_THRESHOLDS.get(indicator)
    override = dict((overrides or {}).get(indicator) or {})
    if base is None and not override:
        raise KeyError(f"no default threshold for indicator {indicator!r}")
    if base is None:
        return Threshold(**{**override, "source": "system override"})
    if not override:
        return base
    return replace(base, **override, source="system override")


@dataclass
class Indicator:
    """One assessed figure: value, status and the threshold that decided it."""

    id: str
    dimension: str
    article: int
    value: float | None
    label_zh: str
    label_en: str
    threshold: Threshold | None = None
    status: Status | None = None
    unit: str = ""
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.dimension not in DIMENSIONS and self.dimension not in ("governance", "consumer_protection"):
            raise ValueError(f"unknown dimension {self.dimension!r}")
        if self.status is None:
            self.status = self.threshold.evaluate(self.value) if self.threshold else Status.NOT_ASSESSED
        if self.value is not None and isinstance(self.value, float) and math.isnan(self.value):
            self.value = None

    def to_dict(self) -> dict[str, Any]:
        status = self.status or Status.NOT_ASSESSED
        return {
            "id": self.id,
            "dimension": self.dimension,
            "article": self.article,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "value": self.value,
            "unit": self.unit,
            "status": status.value,
            "threshold": self.threshold.to_dict() if self.threshold else None,
            "note": self.note,
            "details": self.details,
        }


def worst(statuses: Iterable[Status | str]) -> Status:
    """The most severe status; ``not_assessed`` when there is none."""
    result = Status.NOT_ASSESSED
    for s in statuses:
        s = Status(s)
        if s.severity > result.severity:
            result = s
    return result


#: Indicators shown with a dimension but never deciding it: feature drift (PSI of the inputs) is context for
#: data quality; the dimension is assessed only by a data-contract run. Indicator id → reason code.
CONTEXT_ONLY: dict[str, str] = {"drift.psi.max_feature": "no_contract"}


def roll_up(
    indicators: Iterable[Mapping[str, Any]], dimension_of: Mapping[str, str] | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """Each dimension's status from its indicators (``id``, ``dimension``, ``status`` mappings), the one rule
    every report, the review and the site use: the worst assessed indicator of the dimension, and
    ``not_assessed`` when none was assessed — never green without evidence. Context-only indicators
    (:data:`CONTEXT_ONLY`) don't decide a status. ``dimension_of`` renames dimensions (the review counts
    ``consumer_protection`` as transparency).

    Returns (status per dimension, reason per not-assessed dimension: ``no_contract`` when only context
    indicators were there, ``not_judged`` when indicators exist but none could be judged, ``no_evidence``)."""
    rename = dimension_of or {}
    deciding: dict[str, list[str]] = {d: [] for d in DIMENSIONS}
    context: dict[str, list[str]] = {}
    for ind in indicators:
        d = ind.get("dimension")
        if not d:
            continue
        d = rename.get(d, d)
        deciding.setdefault(d, [])
        if ind.get("id") in CONTEXT_ONLY:
            context.setdefault(d, []).append(CONTEXT_ONLY[str(ind["id"])])
            continue
        deciding[d].append(str(ind.get("status") or Status.NOT_ASSESSED.value))
    statuses = {d: worst(v).value for d, v in deciding.items()}
    reasons = {}
    for d, st in statuses.items():
        if st != Status.NOT_ASSESSED.value:
            continue
        if deciding[d]:
            reasons[d] = "not_judged"
        elif d in context:
            reasons[d] = context[d][0]
        else:
            reasons[d] = "no_evidence"
    return statuses, reasons
