"""The audit-findings register (Art. 15): ``findings.yaml`` in the workspace root.

A list of findings from internal audit, the FSC's examinations, external reviews or self-assessment, with
their remediation. The periodic review shows each open finding's age at the end of the period and flags
overdue ones; a high-severity overdue finding is red (the guide's indicator: high-severity overdue = 0).

::

    findings:
      - id: IA-2026-014               # unique
        raised: 2026-01-15
        source: internal_audit        # internal_audit | fsc_examination | external | self_assessment
        system: card-default          # optional: an inventory id
        article: 7                    # optional: the article concerned (2–15)
        severity: high                # high | medium | low
        title_zh: 評分卡監控未涵蓋年齡群組公平性
        title_en: Scorecard monitoring does not cover fairness across age bands
        owner: 風險管理處
        due: 2026-06-30
        status: in_progress           # open | in_progress | closed
        closed: null                  # the date, when closed

A malformed file is refused with one line naming the file, line and field (``findings.yaml:12: field
'findings.0.severity': ...``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..core.status import Status
from ..core.yamlio import load_model
from ..errors import ConfigError

__all__ = ["Finding", "FindingsRegister", "FindingAge", "load_findings", "age_findings", "FINDINGS_FILE"]

FINDINGS_FILE = "findings.yaml"


class Finding(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(..., min_length=1, max_length=64)
    raised: dt.date
    source: Literal["internal_audit", "fsc_examination", "external", "self_assessment"]
    system: str | None = None
    article: int | None = Field(None, ge=2, le=15)
    severity: Literal["high", "medium", "low"]
    title_zh: str = Field(..., min_length=1)
    title_en: str = Field(..., min_length=1)
    owner: str = Field(..., min_length=1)
    due: dt.date
    status: Literal["open", "in_progress", "closed"]
    closed: dt.date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Finding:
        if self.status == "closed" and self.closed is None:
            raise ValueError("a closed finding needs its 'closed' date")
        if self.status != "closed" and self.closed is not None:
            raise ValueError(
                f"'closed' is set but status is {self.status!r}: set status: closed, or remove it"
            )
        if self.due < self.raised:
            raise ValueError(f"due {self.due} is before raised {self.raised}")
        return self


class FindingsRegister(BaseModel):
    model_config = ConfigDict(extra="forbid")

    findings: list[Finding] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> FindingsRegister:
        seen: set[str] = set()
        for f in self.findings:
            if f.id in seen:
                raise ValueError(f"finding id {f.id!r} appears twice")
            seen.add(f.id)
        return self


def load_findings(root: Path) -> list[Finding] | None:
    """The register, or None when the workspace keeps none. Raises ConfigError naming the line."""
    path = root / FINDINGS_FILE
    if not path.is_file():
        return None
    if not path.read_text(encoding="utf-8").strip():
        return []
    reg = load_model(path, FindingsRegister)
    if not isinstance(reg, FindingsRegister):  # pragma: no cover - load_model returns the model
        raise ConfigError("not a list of findings", file=path, fix="see docs/review.md")
    return list(reg.findings)


@dataclass
class FindingAge:
    finding: Finding
    open_at_end: bool
    age_days: int
    overdue: bool
    days_overdue: int
    status: Status  # red: high and overdue; amber: overdue; green: on track or closed

    def to_dict(self) -> dict[str, object]:
        d = self.finding.model_dump(mode="json")
        d.update(
            open_at_end=self.open_at_end,
            age_days=self.age_days,
            overdue=self.overdue,
            days_overdue=self.days_overdue,
            indicator_status=self.status.value,
        )
        return d


def age_findings(findings: list[Finding], period_end: dt.date) -> list[FindingAge]:
    """Each finding raised by ``period_end``, as it stood then: open or not, age and overdue days."""
    out = []
    for f in findings:
        if f.raised > period_end:
            continue
        open_at_end = f.closed is None or f.closed > period_end
        stop = period_end if open_at_end else f.closed
        assert stop is not None
        age = (stop - f.raised).days
        overdue = open_at_end and f.due < period_end
        days_over = (period_end - f.due).days if overdue else 0
        status = Status.GREEN
        if overdue:
            status = Status.RED if f.severity == "high" else Status.AMBER
        out.append(FindingAge(f, open_at_end, age, overdue, days_over, status))
    order = {"high": 0, "medium": 1, "low": 2}
    out.sort(key=lambda a: (not a.open_at_end, not a.overdue, order[a.finding.severity], a.finding.raised))
    return out
