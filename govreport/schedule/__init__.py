"""schedule — schedules (what runs when, which period it covers) and notification of their outcome.

Contract: decides what is due and hands it to ``run``; e-mails summaries.
"""

from . import schedules as _schedules
from .schedules import (
    COVERS,
    MAX_OCCURRENCES,
    DueRun,
    NotifyTargets,
    RunDueReport,
    Schedule,
    ScheduleOutcome,
    SystemSelector,
    covered_period,
    due_runs,
    finished,
    incomplete_runs,
    load_schedule,
    load_schedules,
    next_runs,
    parse_now,
    run_due,
    select_systems,
    summary_path,
)

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
    "parse_now",
    "summary_path",
    "MAX_OCCURRENCES",
]


def __getattr__(name: str) -> object:
    """Every other public name of ``govreport.schedule`` before the package layout, from :mod:`.schedules`."""
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(_schedules, name)
