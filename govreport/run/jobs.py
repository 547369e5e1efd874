"""What a run is made of: a job (one system's template for one period), its result, and a batch's summary.

Contract: plain data; the runner fills them, the CLI, schedules and tests read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.periods import Period
from ..core.status import PORTFOLIO, RunStatus
from ..errors import RunFailed
from ..workspace.config import Workspace
from ..workspace.inventory import AISystem


@dataclass
class Job:
    system: AISystem | None  # None: a portfolio-level template
    template: str
    template_path: Path
    period: Period
    staging: Path = field(default_factory=Path)
    #: the template declares ``precomputed`` and has a computation (govreport.assessments.registry): the
    #: worker computes its results before the kernel starts (set by the pre-flight check)
    precomputable: bool = False

    @property
    def system_id(self) -> str:
        return self.system.id if self.system is not None else PORTFOLIO

    def title(self, ws: Workspace) -> str:
        if self.system is None:
            return f"{ws.config.name_zh} {ws.config.name_en} · {self.period.label}"
        return f"{self.system.name_zh} {self.system.name_en} · {self.period.label}"


@dataclass
class JobResult:
    system_id: str
    template: str
    period: str
    status: str  # succeeded | failed | interrupted
    seq: int
    version: int
    seconds: float
    error: str = ""
    report: str | None = None
    #: the results' overall status (green, amber, red, not_assessed) of a succeeded run, and the indicators
    #: that are red or amber: (id, status, value)
    result_status: str | None = None
    flagged: list[tuple[str, str, Any]] = field(default_factory=list)


@dataclass
class RunSummary:
    batch_id: str
    period: str
    results: list[JobResult]

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status != RunStatus.SUCCEEDED]

    def reaching(self, level: str) -> list[JobResult]:
        """Succeeded runs whose results reached ``level`` (``red``, or ``amber`` for amber and red)."""
        levels = {"red": {"red"}, "amber": {"amber", "red"}}[level]
        return [r for r in self.results if r.status == RunStatus.SUCCEEDED and r.result_status in levels]

    def raise_for_failures(self) -> None:
        if self.failed:
            names = "; ".join(f"{r.system_id}/{r.template}: {r.error}" for r in self.failed)
            raise RunFailed(
                f"{len(self.failed)} of {len(self.results)} runs failed for {self.period}: {names}",
                fix="see the kept notebooks and `govreport evidence list --status failed`",
            )
