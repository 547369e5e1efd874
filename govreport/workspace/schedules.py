"""Schedule files: ``scheduled/<name>.yaml`` — what runs when (cron, timezone), which period each run covers,
which systems and templates, how late a run may start, who is told (field reference: ``docs/schedules.md``).

Contract: reads and validates the files (one-line errors naming the file and field); deciding what is due
and running it is :mod:`govreport.schedule`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from ..core.model import Strict
from ..core.periods import Period
from ..core.resources import bundled_dir
from ..core.status import PORTFOLIO_TEMPLATES
from ..core.yamlio import load_model, load_yaml
from ..errors import GovreportError, ScheduleError
from .config import TemplateName, Workspace
from .inventory import SYSTEM_ID_PATTERN, AISystem, Inventory

COVERS = (
    "previous_month",
    "previous_quarter",
    "previous_year",
    "current_month",
    "current_quarter",
    "current_year",
)


_DURATION = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$")


_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}


_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


SystemId = Annotated[str, Field(pattern=SYSTEM_ID_PATTERN)]


class SystemSelector(Strict):
    """Which systems a schedule runs. Empty lists select everything; the conditions combine with AND."""

    ids: list[SystemId] = Field(default_factory=list, description="only these system ids")
    tier: list[Literal["high", "medium", "low", "out_of_scope"]] = Field(default_factory=list)
    kind: list[Literal["predictive", "generative"]] = Field(default_factory=list)
    review_due: bool = Field(
        False, description="only systems whose tier-rule review interval ends with the period"
    )

    def matches(self, system: AISystem, period: Period) -> bool:
        if system.lifecycle == "retired":
            return False
        if self.ids and system.id not in self.ids:
            return False
        tier = system.tier
        if self.tier and tier.tier not in self.tier:
            return False
        if self.kind and system.kind not in self.kind:
            return False
        return not self.review_due or review_falls_due(tier.review_months, period)


def review_falls_due(review_months: int, period: Period) -> bool:
    """True when a review interval of ``review_months`` (counted from January) ends with ``period``."""
    return period.end.month % review_months == 0 if review_months < 12 else period.end.month == 12


class NotifyTargets(Strict):
    """Who is told when a schedule's runs finish (the SMTP server is ``notify.smtp`` in govreport.yaml)."""

    to: list[str] = Field(..., min_length=1, description="e-mail addresses")
    cc: list[str] = Field(default_factory=list)
    when: Literal["always", "failures"] = Field("always", description="always, or only when a run failed")

    @field_validator("to", "cc")
    @classmethod
    def _addresses(cls, v: list[str]) -> list[str]:
        bad = [a for a in v if not _EMAIL.match(a)]
        if bad:
            raise ValueError(f"'{bad[0]}' is not an e-mail address (write name@bank.example)")
        return v


class Schedule(Strict):
    """One ``scheduled/<name>.yaml``."""

    name: str = Field("", pattern=r"^$|^[a-z0-9][a-z0-9_-]{0,63}$", description="default: the file name")
    description: str = ""
    enabled: bool = True
    cron: str = Field(..., min_length=1, description="five-field cron expression, in `timezone`")
    timezone: str = "Asia/Taipei"
    covers: Literal[COVERS] = "previous_quarter"  # type: ignore[valid-type]
    systems: SystemSelector = Field(
        default_factory=SystemSelector,
        description="all, a list of system ids, or a mapping {ids, tier, kind, review_due}",
    )
    templates: list[TemplateName] | None = Field(
        None, description="system and portfolio templates to run; default: every applicable system template"
    )
    max_delay: str = Field(
        "1d", description="e.g. 30m, 6h, 2d, 1w: later than this after the occurrence is late"
    )
    start: datetime | None = Field(None, description="first moment considered; naive = in `timezone`")
    notify: NotifyTargets | None = None

    @field_validator("cron")
    @classmethod
    def _cron(cls, v: str) -> str:
        from cronsim import CronSim, CronSimError

        v = " ".join(v.split())
        if len(v.split()) != 5:
            raise ValueError(
                f"'{v}' is not a cron expression: expected five fields "
                "(minute hour day-of-month month day-of-week), e.g. '0 7 10 1,4,7,10 *'"
            )
        try:
            CronSim(v, datetime(2026, 1, 1, tzinfo=UTC))
        except CronSimError as e:
            raise ValueError(
                f"'{v}' is not a valid cron expression: {e} (e.g. '0 7 10 1,4,7,10 *')"
            ) from None
        return v

    @field_validator("systems", mode="before")
    @classmethod
    def _systems(cls, v: Any) -> Any:
        if v == "all" or v is None:
            return {}
        if isinstance(v, list):
            return {"ids": v}
        if isinstance(v, str):
            raise ValueError(
                f"'{v}' is not a system selection (write all, a list of system ids, or a mapping "
                "with ids, tier, kind, review_due)"
            )
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(
                f"'{v}' is not a time zone (use an IANA name such as Asia/Taipei or UTC)"
            ) from None
        return v

    @field_validator("max_delay", mode="before")
    @classmethod
    def _delay(cls, v: Any) -> str:
        if not _DURATION.match(str(v)):
            raise ValueError(f"'{v}' is not a duration (write a number and m, h, d or w, e.g. 6h or 2d)")
        return str(v).strip()

    # -- derived ------------------------------------------------------------------------------------
    @property
    def tzinfo(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def delay(self) -> timedelta:
        m = _DURATION.match(self.max_delay)
        assert m is not None  # validated
        return timedelta(**{_UNITS[m.group(2)]: int(m.group(1))})

    @property
    def system_templates(self) -> list[str] | None:
        """Templates to run per system (None: every applicable one)."""
        if self.templates is None:
            return None
        return [t for t in self.templates if t not in PORTFOLIO_TEMPLATES]

    @property
    def portfolio_templates(self) -> list[str]:
        """Portfolio templates, in the order they must run (sustainability before review)."""
        return [t for t in PORTFOLIO_TEMPLATES if t in (self.templates or [])]

    def start_at(self) -> datetime | None:
        if self.start is None:
            return None
        return self.start if self.start.tzinfo else self.start.replace(tzinfo=self.tzinfo)


def _available_templates(ws: Workspace) -> set[str]:
    names = {p.stem for p in bundled_dir("templates_nb").glob("*.ipynb")}
    if ws.templates_dir.is_dir():
        names |= {p.stem for p in ws.templates_dir.glob("*.ipynb")}
    return names


def load_schedule(path: Path, ws: Workspace | None = None, inventory: Inventory | None = None) -> Schedule:
    """Load and validate one schedule file; with a workspace, system ids and templates are checked too."""
    sched = load_model(path, Schedule, ScheduleError)
    if not sched.name:
        sched.name = path.stem
        if not re.match(r"^[a-z0-9][a-z0-9_-]{0,63}$", sched.name):
            raise ScheduleError(
                f"'{sched.name}' is not a valid schedule name",
                file=path,
                field="name",
                fix="name the file with lower-case letters, digits, '-' and '_' (review-quarterly.yaml)",
            )
    if ws is None:
        return sched
    inventory = inventory or Inventory.load(ws)
    _, lines = load_yaml(path, ScheduleError)
    known = set(inventory.systems) | set(inventory.errors)
    for i, sid in enumerate(sched.systems.ids):
        if sid not in known:
            line = lines.get(("systems", i)) or lines.get(("systems", "ids", i)) or lines.get(("systems",))
            raise ScheduleError(
                f"unknown system id '{sid}'",
                file=path,
                line=line,
                field="systems",
                fix=f"known systems: {', '.join(sorted(known)) or 'none'} (see `govreport systems list`)",
            )
    available = _available_templates(ws)
    for i, name in enumerate(sched.templates or []):
        if name not in available:
            raise ScheduleError(
                f"unknown template '{name}'",
                file=path,
                line=lines.get(("templates", i)),
                field="templates",
                fix=f"use one of: {', '.join(sorted(available))}",
            )
    return sched


def load_schedules(ws: Workspace) -> tuple[dict[str, Schedule], list[GovreportError], dict[str, Path]]:
    """Every ``scheduled/*.yaml``: the valid schedules by name, the errors of the invalid files, the files."""
    schedules: dict[str, Schedule] = {}
    errors: list[GovreportError] = []
    files: dict[str, Path] = {}
    if not ws.schedules_dir.is_dir():
        return schedules, errors, files
    inventory = Inventory.load(ws)
    for path in sorted([*ws.schedules_dir.glob("*.yaml"), *ws.schedules_dir.glob("*.yml")]):
        try:
            s = load_schedule(path, ws, inventory)
        except GovreportError as e:
            errors.append(e)
            continue
        if s.name in schedules:
            errors.append(
                ScheduleError(
                    f"schedule name '{s.name}' is also used by {files[s.name].name}",
                    file=path,
                    field="name",
                    fix="give each schedule a unique name",
                )
            )
            continue
        schedules[s.name] = s
        files[s.name] = path
    return schedules, errors, files
