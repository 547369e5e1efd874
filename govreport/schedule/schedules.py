"""Schedules: periodic runs that happen exactly once per (schedule, period), on time, and catch up.

A schedule is a file ``scheduled/<name>.yaml`` in the workspace (field reference: ``docs/schedules.md``)::

    cron: "0 7 10 1,4,7,10 *"      # 07:00 on 10 Jan, Apr, Jul, Oct
    timezone: Asia/Taipei          # default
    covers: previous_quarter       # the period each run covers, from the occurrence's local date
    systems: {review_due: true}    # all | [ids] | {ids, tier, kind, review_due}
    templates: [model_risk, genai_review, sustainability, review]
    max_delay: 1d                  # a run starting later than this after its occurrence is recorded late
    start: 2026-01-01              # catch up every occurrence from here (default: the latest one)
    notify: {to: [ai-governance@bank.example]}

:func:`due_runs` lists the occurrences that are due at ``now`` and not yet claimed, oldest first: every
occurrence since ``start`` (or, without one, since the earliest claimed occurrence; a schedule never run
begins with its latest occurrence). Several occurrences covering the same period count once, at the first.

:func:`run_due` claims each in the evidence store (a primary key: two processes, even on two machines
sharing the store, never both get it), runs the selected systems' templates through
:func:`govreport.run.runner.run_period` and then the portfolio templates through
:func:`govreport.run.runner.run_portfolio`, writes the summary JSON to
``reports/<period>/_schedules/<schedule>.json`` and sends the e-mail (:mod:`govreport.schedule.notify`). A
failed notebook, a failed pre-flight check of one system, or a failed e-mail never stops the rest; a
notification that could not be sent is kept under ``.govreport/notify/pending/`` and retried on the next call.

``review_due: true`` applies the inventory's tier rule (:func:`govreport.workspace.inventory.risk_tier`): a
system is selected when its review interval (high 3 months, medium 6, low and out of scope 12) ends with the
covered period — so a quarterly schedule reviews high-tier systems every quarter, medium ones at the end of
June and December, low ones at the end of December.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from ..core.files import atomic_write_text
from ..core.periods import Period, parse_period
from ..core.status import RunStatus
from ..data.masking import mask_text
from ..errors import GovreportError, InputError, ScheduleError
from ..evidence.queries import open_store
from ..evidence.store import EvidenceStore
from ..run.runner import run_period, run_portfolio
from ..workspace.config import Workspace
from ..workspace.inventory import Inventory
from ..workspace.schedules import (
    COVERS,
    NotifyTargets,
    Schedule,
    SystemSelector,
    load_schedule,
    load_schedules,
)
from . import notify
from .notify import report_link

__all__ = [
    "Schedule",
    "SystemSelector",
    "NotifyTargets",
    "DueRun",
    "ScheduleOutcome",
    "RunDueReport",
    "COVERS",
    "load_schedule",
    "load_schedules",
    "due_runs",
    "incomplete_runs",
    "finished",
    "next_runs",
    "covered_period",
    "select_systems",
    "run_due",
    "order_due",
    "parse_now",
    "summary_path",
    "MAX_OCCURRENCES",
]

#: Occurrences one schedule may enumerate in one call (a guard against "* * * * *" with an old start).
MAX_OCCURRENCES = 20_000


# -- loading ----------------------------------------------------------------------------------------


# -- time -------------------------------------------------------------------------------------------
def parse_now(text: str | None) -> datetime:
    """``--now``: an ISO 8601 date-time (offset optional: without one, the machine's local time)."""
    if text is None:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"'{text}' is not an ISO 8601 date-time",
            field="--now",
            fix="write e.g. 2026-10-05T07:00+08:00 or 2026-10-05T07:00:00Z",
        ) from None
    return value if value.tzinfo else value.astimezone()


def covered_period(covers: str, moment: datetime) -> Period:
    """The period a run at ``moment`` (local time of the schedule) covers."""
    d: date = moment.date()
    kind = covers.split("_", 1)[1]
    label = {
        "month": f"{d.year}-{d.month:02d}",
        "quarter": f"{d.year}Q{(d.month - 1) // 3 + 1}",
        "year": f"{d.year}",
    }[kind]
    p = parse_period(label)
    return p.previous() if covers.startswith("previous_") else p


def _occurrences(s: Schedule, after: datetime) -> Iterator[datetime]:
    """Occurrences strictly after ``after``, in the schedule's time zone."""
    from cronsim import CronSim

    yield from CronSim(s.cron, after.astimezone(s.tzinfo).replace(microsecond=0))


def _latest(s: Schedule, now: datetime) -> datetime | None:
    from cronsim import CronSim

    local = now.astimezone(s.tzinfo).replace(microsecond=0) + timedelta(seconds=1)
    try:
        return next(CronSim(s.cron, local, reverse=True))
    except StopIteration:  # pragma: no cover - cronsim iterates forever
        return None


@dataclass(frozen=True)
class DueRun:
    """One (schedule, period) due at ``now``."""

    schedule: Schedule
    period: Period
    due_at: datetime
    late: bool
    #: set when resuming a claim whose process died before it finished: the claim key and the dead claimer
    resume_key: str | None = None
    resumed_from: str | None = None

    @property
    def name(self) -> str:
        return self.schedule.name


def due_runs(s: Schedule, now: datetime, claimed: Mapping[str, str]) -> list[DueRun]:
    """Occurrences of ``s`` up to ``now`` whose period is not in ``claimed`` (period → due_at), oldest
    first."""
    if not s.enabled:
        return []
    start = s.start_at()
    if start is not None:
        lower = start - timedelta(seconds=1)
    elif claimed:
        lower = min(datetime.fromisoformat(d) for d in claimed.values()) - timedelta(seconds=1)
    else:
        latest = _latest(s, now)
        if latest is None:
            return []
        lower = latest - timedelta(seconds=1)
    out: dict[str, DueRun] = {}
    for n, occ in enumerate(_occurrences(s, lower)):
        if occ > now:
            break
        if n >= MAX_OCCURRENCES:
            raise ScheduleError(
                f"more than {MAX_OCCURRENCES} occurrences since {lower:%Y-%m-%d}",
                field="start",
                fix="set a later `start`, or a less frequent cron expression",
            )
        period = covered_period(s.covers, occ)
        if period.label in claimed or period.label in out:
            continue
        out[period.label] = DueRun(s, period, occ, now > occ + s.delay)
    return list(out.values())


def next_runs(s: Schedule, now: datetime, count: int = 3) -> list[tuple[datetime, Period]]:
    """The next ``count`` occurrences after ``now`` and the period each covers."""
    out = []
    for occ in _occurrences(s, now):
        out.append((occ, covered_period(s.covers, occ)))
        if len(out) >= count:
            break
    return out


def select_systems(s: Schedule, inventory: Inventory, period: Period) -> list[str]:
    """Ids the schedule runs for ``period`` (systems whose file is broken are kept so they are recorded)."""
    sel = s.systems
    ids = [x.id for x in inventory.ordered() if sel.matches(x, period)]
    ids += [sid for sid in sorted(inventory.errors) if (not sel.ids or sid in sel.ids)]
    return ids


# -- running ----------------------------------------------------------------------------------------
@dataclass
class ScheduleOutcome:
    """What happened to one due (schedule, period) in this call."""

    schedule: str
    period: str
    due_at: str
    late: bool
    state: str  # ran | resumed | claimed_elsewhere
    succeeded: int = 0
    failed: int = 0
    summary_file: str | None = None
    notification: dict[str, Any] = field(default_factory=dict)


@dataclass
class RunDueReport:
    now: str
    outcomes: list[ScheduleOutcome] = field(default_factory=list)
    errors: list[GovreportError] = field(default_factory=list)
    retried: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed_runs(self) -> int:
        return sum(o.failed for o in self.outcomes)

    @property
    def failed_notifications(self) -> list[dict[str, Any]]:
        last: dict[tuple[str, str], dict[str, Any]] = {}
        for n in [*self.retried, *(o.notification for o in self.outcomes)]:
            if n.get("schedule"):
                last[(n["schedule"], n["period"])] = n
        return [n for n in last.values() if n.get("status") == RunStatus.FAILED]


def summary_path(ws: Workspace, schedule: str, period: str) -> Path:
    return ws.reports_dir / period / "_schedules" / f"{schedule}.json"


#: A claim from another machine with no summary after this long is taken for dead and resumed.
ABANDONED_AFTER = timedelta(hours=48)


def _owner_gone(claimed_by: str, claimed_at: str, now: datetime) -> bool:
    host, _, rest = claimed_by.partition(":")
    pid = rest.split(":", 1)[0]
    if host == socket.gethostname() and pid.isdigit():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    try:
        return datetime.now(UTC) - datetime.fromisoformat(claimed_at) > ABANDONED_AFTER
    except ValueError:
        return False


#: Suffixes of the claim table's schedule column: ``<schedule>#done`` marks a finished (schedule, period), so
#: machines sharing one store agree on it without sharing the reports folder; ``<schedule>#resume<N>``
#: takes over a claim whose process died.
DONE, RESUME = "#done", "#resume"


def finished(rows: Sequence[Mapping[str, Any]]) -> set[tuple[str, str]]:
    """(schedule, period) pairs whose run finished (summary written)."""
    return {(c["schedule"].removesuffix(DONE), c["period"]) for c in rows if c["schedule"].endswith(DONE)}


def incomplete_runs(
    ws: Workspace, schedules: Mapping[str, Schedule], rows: Sequence[Mapping[str, Any]], now: datetime
) -> list[DueRun]:
    """Claimed (schedule, period) whose claiming process died before it finished: to be resumed.

    Resuming claims ``<schedule>#resume<N>`` for the same period, so two processes never resume it both."""
    latest: dict[tuple[str, str], tuple[int, Mapping[str, Any]]] = {}
    first: dict[tuple[str, str], Mapping[str, Any]] = {}
    done = finished(rows)
    for c in rows:
        if c["schedule"].endswith(DONE):
            continue
        name, _, n = c["schedule"].partition(RESUME)
        key = (name, c["period"])
        num = int(n) if n.isdigit() else 0
        if num == 0:
            first[key] = c
        if key not in latest or num > latest[key][0]:
            latest[key] = (num, c)
    out = []
    for (name, period), c in first.items():
        if name not in schedules or (name, period) in done or summary_path(ws, name, period).exists():
            continue
        num, last = latest[(name, period)]
        if not _owner_gone(last["claimed_by"], last["claimed_at"], now):
            continue
        out.append(
            DueRun(
                schedules[name],
                parse_period(period),
                datetime.fromisoformat(c["due_at"]),
                bool(c["late"]),
                resume_key=f"{name}#resume{num + 1}",
                resumed_from=last["claimed_by"],
            )
        )
    return out


def _execute(
    ws: Workspace, store: EvidenceStore, due: DueRun, claimed_by: str, progress: Callable[[str], None]
) -> dict[str, Any]:
    """Run one claimed (schedule, period); never raises for a failed run. Returns the summary document."""
    s, p = due.schedule, due.period
    started = datetime.now(UTC).isoformat(timespec="seconds")
    inventory = Inventory.load(ws)
    ids = select_systems(s, inventory, p)
    results: list[Any] = []
    errors: list[str] = []
    if ids and s.system_templates != []:
        try:
            results += run_period(
                ws, p, ids, templates=s.system_templates, store=store, progress=progress
            ).results
        except GovreportError as e:  # a pre-flight check failed: isolate it by running the systems one by one
            progress(f"✗ {s.name} {p.label}: {e} — running the systems one by one")
            for sid in ids:
                try:
                    results += run_period(
                        ws, p, [sid], templates=s.system_templates, store=store, progress=progress
                    ).results
                except GovreportError as e1:
                    errors.append(f"{sid}: {e1}")
    if s.portfolio_templates:
        try:
            results += run_portfolio(ws, p, s.portfolio_templates, store=store, progress=progress).results
        except GovreportError as e:
            errors.append(f"portfolio ({', '.join(s.portfolio_templates)}): {e}")
    runs = [
        {
            "system_id": r.system_id,
            "template": r.template,
            "status": r.status,
            "run_id": r.seq,
            "version": r.version,
            "seconds": round(r.seconds, 1),
            "report": r.report,
            "link": report_link(ws, r.report),
            "error": mask_text(r.error),
        }
        for r in results
    ]
    failed = sum(r["status"] != RunStatus.SUCCEEDED for r in runs) + len(errors)
    return {
        "schema": "govreport.schedule-summary/1",
        "workspace": {"name_zh": ws.config.name_zh, "name_en": ws.config.name_en},
        "schedule": s.name,
        "description": s.description,
        "cron": s.cron,
        "timezone": s.timezone,
        "covers": s.covers,
        "period": p.label,
        "period_start": p.start.isoformat(),
        "period_end": p.end.isoformat(),
        "due_at": due.due_at.isoformat(),
        "late": due.late,
        "max_delay": s.max_delay,
        "claimed_by": claimed_by,
        "started_at": started,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "systems": ids,
        "runs": runs,
        "errors": [mask_text(e) for e in errors],
        "counts": {"runs": len(runs), "succeeded": len(runs) + len(errors) - failed, "failed": failed},
        "resumed_from": due.resumed_from,
        "notification": {"status": "none"},
    }


def write_summary(path: Path, doc: Mapping[str, Any]) -> None:
    """Write the summary JSON atomically (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, json.dumps(doc, ensure_ascii=False, indent=2))


def order_due(due: Sequence[DueRun], names: Sequence[str]) -> list[DueRun]:
    """The order ``run-due`` works in: resumed claims first, then the oldest period across schedules (by its
    first and last day), then by due time, then by schedule name order (docs/schedules.md)."""
    return sorted(
        due,
        key=lambda d: (
            d.resume_key is None,
            d.period.start,
            d.period.end,
            d.due_at.astimezone(UTC),
            list(names).index(d.name),
        ),
    )


def run_due(
    ws: Workspace,
    now: datetime | None = None,
    *,
    store: EvidenceStore | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    only: Sequence[str] | None = None,
) -> RunDueReport:
    """Run every (schedule, period) due at ``now``, oldest first, each exactly once across processes.

    Pending notifications are retried first. Invalid schedule files are reported in
    :attr:`RunDueReport.errors` and the valid schedules still run. Never raises for a failed run or e-mail.
    """
    now = now or datetime.now(UTC)
    report = RunDueReport(now.isoformat())
    report.retried = notify.retry_pending(ws, progress=progress)
    schedules, report.errors, _files = load_schedules(ws)
    if only:
        unknown = [n for n in only if n not in schedules]
        if unknown:
            raise InputError(
                f"unknown schedule '{unknown[0]}'",
                field="--schedule",
                fix=f"known schedules: {', '.join(sorted(schedules)) or 'none'}",
            )
        schedules = {n: schedules[n] for n in only}
    store = store or open_store(ws)
    rows = store.claims()
    claims: dict[str, dict[str, str]] = {}
    for c in rows:
        claims.setdefault(c["schedule"], {})[c["period"]] = c["due_at"]
    due: list[DueRun] = incomplete_runs(ws, schedules, rows, now)  # oldest: resumed first
    for s in schedules.values():
        try:
            due += due_runs(s, now, claims.get(s.name, {}))
        except GovreportError as e:
            report.errors.append(e)
    due = order_due(due, list(schedules))
    if not due:
        progress(f"nothing due at {now.isoformat()}")
    claimed_by = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    yielded: set[str] = set()
    for d in due:
        if d.name in yielded:  # another process is working through this schedule, oldest first
            continue
        out = ScheduleOutcome(d.name, d.period.label, d.due_at.isoformat(), d.late, "claimed_elsewhere")
        if not store.claim(
            d.resume_key or d.name,
            d.period.label,
            due_at=d.due_at.isoformat(),
            late=d.late,
            claimed_by=claimed_by,
        ):
            progress(f"{d.name} {d.period.label}: claimed by another run-due; leaving this schedule to it")
            if d.resume_key is None:
                yielded.add(d.name)
            report.outcomes.append(out)
            continue
        late = " (late)" if d.late else ""
        if d.resumed_from:
            progress(
                f"{d.name} {d.period.label}{late}: resuming — {d.resumed_from} claimed it and stopped before "
                "it finished"
            )
        else:
            progress(f"{d.name} {d.period.label}{late}: due {d.due_at.isoformat()}, running")
        doc = _execute(ws, store, d, claimed_by, progress)
        path = summary_path(ws, d.name, d.period.label)
        write_summary(path, doc)
        store.claim(
            d.name + DONE, d.period.label, due_at=d.due_at.isoformat(), late=d.late, claimed_by=claimed_by
        )
        out.state, out.summary_file = "resumed" if d.resumed_from else "ran", str(path)
        out.succeeded, out.failed = doc["counts"]["succeeded"], doc["counts"]["failed"]
        out.notification = notify.notify_summary(ws, d.schedule, doc, path, progress=progress)
        report.outcomes.append(out)
    return report
