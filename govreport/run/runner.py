"""The governance run: execute the applicable templates of each AI system for a period.

``run_period`` plans one job per (system, template), checks everything that can be checked before any
notebook starts (period, system ids, kernel, templates and their parameters — as papermill's
``inspection`` does), then executes the jobs through Papermill in worker processes, at most
``parallelism`` at a time. Each job:

1. writes into a private staging folder ``reports/.staging/<job>/`` (never into a final report folder);
2. runs the template with injected parameters, a per-cell timeout (Papermill) and a per-notebook timeout
   (the worker process group is killed when it expires);
3. renders the executed notebook to a self-contained HTML report (succeeded runs only);
4. is recorded in the evidence store with the SHA-256 of every input and output; inside the store's lock
   the staging folder is renamed to ``reports/<period>/<system>/<template>/v<N>/``.

A failing, dying or timed-out notebook is kept with its error and recorded as ``failed``; the other jobs go
on. A run killed outright (SIGKILL) leaves a staging folder whose owner is gone: the next run records it
as ``interrupted`` and removes it, so nothing half-written is ever taken for a report.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from ..core.periods import Period, parse_period
from ..core.status import PORTFOLIO, PORTFOLIO_TEMPLATES, RunStatus
from ..errors import GovreportError, MissingData, StorageError
from ..evidence.queries import open_store
from ..evidence.store import EvidenceStore
from ..workspace.config import Workspace, as_workspace
from ..workspace.findings import load_findings
from ..workspace.inventory import AISystem, Inventory, check_system_id
from ..workspace.sustainability import load_settings
from .execute import _execute, _Runner
from .inputs import _inputs, missing_data
from .jobs import Job, JobResult, RunSummary
from .pool import WorkerPool
from .preflight import _preflight, check_kernel, template_parameters

__all__ = [
    "run_period",
    "run_portfolio",
    "missing_data",
    "PORTFOLIO",
    "PORTFOLIO_TEMPLATES",
    "JobResult",
    "RunSummary",
    "WorkerPool",
    "open_store",
    "check_kernel",
    "template_parameters",
]

_inputs = _inputs  # the fingerprints of a job's inputs (govreport.run.inputs), as bench and tests name them


def check_writable(folder: Path) -> None:
    """Raise :class:`StorageError` (one line) unless ``folder`` can be created and written: checked before a
    run starts, so a read-only workspace is refused before anything is written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".govreport-write-check-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise StorageError.from_os(e) from None


def _outcome(r: JobResult, what: str) -> str:
    """The progress line of a finished job."""
    mark = "✓" if r.status == RunStatus.SUCCEEDED else "✗"
    tail = f" — {r.error}" if r.error else ""
    return f"{mark} {what} {r.period} v{r.version} ({r.seconds:.1f} s, RUN_ID {r.seq}){tail}"


def run_period(
    ws: Workspace | str | Path,
    period: str | Period,
    systems: Sequence[str] | None = None,
    *,
    templates: Sequence[str] | None = None,
    store: EvidenceStore | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    parallelism: int | None = None,
    missing: Literal["record", "error", "skip"] = "record",
    workers: WorkerPool | None = None,
) -> RunSummary:
    """Run every applicable template of the selected systems for ``period`` (only those named in
    ``templates`` when given); never raises for a failed notebook (see :meth:`RunSummary.raise_for_failures`).

    ``workers``: the command's :class:`~govreport.run.pool.WorkerPool`, kept warm across the periods and
    portfolio runs of one command (``demo``, ``schedule run-due``); by default a pool of this call's own,
    started before the pre-flight checks (the workers warm up meanwhile) and closed at the end.

    ``missing`` says what to do with a system whose required data is absent (scoring data, conversation
    logs, a training set with a contract; see :func:`missing_data`): ``"record"`` (scheduled runs) records
    that system's jobs as failed and runs the others; ``"error"`` (a manual ``govreport run``) starts and
    records nothing and raises :class:`~govreport.errors.MissingData` listing every missing dataset;
    ``"skip"`` (``--skip-missing``) runs the others and records nothing for the skipped systems."""
    p, ws = parse_period(period), as_workspace(ws)
    inventory = Inventory.load(ws)
    selected: list[AISystem] = []
    broken: dict[str, GovreportError] = {}
    if systems:
        for sid in systems:
            check_system_id(sid)
            if sid in inventory.errors:
                broken[sid] = inventory.errors[sid]
            else:
                selected.append(inventory.get(sid))
    else:
        selected = [s for s in inventory.ordered() if s.lifecycle != "retired"]
        broken = dict(inventory.errors)
    jobs = [
        Job(s, t, ws.template_path(t), p)
        for s in selected
        for t in s.applicable_templates
        if templates is None or t in templates
    ]
    if missing != "record":
        absent = missing_data(ws, [s for s in selected if any(j.system is s for j in jobs)], p)
        lines = [f"{sid}: {m}" for sid, ms in absent.items() for m in ms]
        if lines and missing == "error":
            raise MissingData(
                f"{len(lines)} dataset(s) needed for {p.label} are missing; nothing was started or recorded",
                lines,
                fix="add the files, choose systems with --system, or run the others with --skip-missing",
            )
        for line in lines:
            progress(f"– skipped, not recorded: {line}")
        jobs = [j for j in jobs if j.system_id not in absent]
    total = len(jobs)
    slots = max(1, min(parallelism or ws.config.run.parallelism, total or 1))
    pool = workers if workers is not None else WorkerPool(ws, slots)
    try:
        if jobs:
            pool.start(slots)  # the workers import and warm up while the checks below run
            _preflight(ws, jobs)
        return _run_jobs(ws, p, jobs, broken, store, progress, pool, slots)
    finally:
        if workers is None:
            pool.close()


def _run_jobs(
    ws: Workspace,
    p: Period,
    jobs: list[Job],
    broken: dict[str, GovreportError],
    store: EvidenceStore | None,
    progress: Callable[[str], None],
    pool: WorkerPool,
    slots: int,
) -> RunSummary:
    """run_period once the jobs are planned and checked: record the broken systems, run the jobs."""
    check_writable(ws.reports_dir)
    store = store or open_store(ws)
    store.engine  # noqa: B018 - opens it now: an unreadable store is one line before anything starts
    batch_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    runner = _Runner(ws, store, p, batch_id, progress, pool, slots)
    runner.recover_interrupted()  # earlier batches' killed runs: recorded and reported through progress
    results: list[JobResult] = []
    for sid, err in broken.items():
        progress(f"✗ {sid}: {err}")
        results.append(runner.record_config_failure(sid, err))
    total = len(jobs)
    if not jobs and not broken:
        progress(f"nothing to run for {p}: no active systems in {ws.systems_dir}")
    progress(f"running {total} notebook(s) for {p.label}, {slots} at a time")
    done = 0
    futures: list[Future[JobResult]] = []
    # twice the slots: a job is recorded while the next one already runs on its worker (runner.slots)
    with ThreadPoolExecutor(max_workers=2 * slots, thread_name_prefix="govreport-run") as threads:
        try:
            futures = [threads.submit(_execute, runner, job) for job in jobs]
            for fut in as_completed(futures):
                r = fut.result()
                done += 1
                progress(f"[{done}/{total}] {_outcome(r, f'{r.system_id}/{r.template}')}")
                results.append(r)
        finally:  # interrupted or done: no job starts any more, running ones finish (then the workers end)
            runner.stopping.set()
            for f in futures:
                f.cancel()
            wait(futures)
    return RunSummary(batch_id, p.label, results)


def run_portfolio(
    ws: Workspace | str | Path,
    period: str | Period,
    templates: Sequence[str] = PORTFOLIO_TEMPLATES,
    *,
    store: EvidenceStore | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    workers: WorkerPool | None = None,
) -> RunSummary:
    """Run the portfolio-level templates (default: sustainability, then the periodic review) for ``period``.

    They read what the system runs recorded — they recompute nothing — so run them after
    :func:`run_period`. Each is recorded like a system run, under ``system_id`` :data:`PORTFOLIO`, with its
    report in ``reports/<period>/_portfolio/<template>/v<N>/``. One after another (the review reads the
    sustainability results); a failing one does not stop the next. Never raises for a failed notebook.
    ``workers`` as for :func:`run_period`.
    """
    p, ws = parse_period(period), as_workspace(ws)
    jobs = [Job(None, t, ws.template_path(t), p) for t in templates]
    pool = workers if workers is not None else WorkerPool(ws, 1)
    try:
        if jobs:
            pool.start(1)  # warms up while the checks below run
            _preflight(ws, jobs)
        return _run_portfolio_jobs(ws, p, jobs, templates, store, progress, pool)
    finally:
        if workers is None:
            pool.close()


def _run_portfolio_jobs(
    ws: Workspace,
    p: Period,
    jobs: list[Job],
    templates: Sequence[str],
    store: EvidenceStore | None,
    progress: Callable[[str], None],
    pool: WorkerPool,
) -> RunSummary:
    check_writable(ws.reports_dir)
    if "review" in templates:  # workspace files the review reads: refuse them now, naming the line
        load_findings(ws.root)
    if "sustainability" in templates:
        load_settings(ws.root)
    store = store or open_store(ws)
    store.engine  # noqa: B018 - opens it now: an unreadable store is one line before anything starts
    batch_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    runner = _Runner(ws, store, p, batch_id, progress, pool)
    runner.recover_interrupted()
    results: list[JobResult] = []
    for i, job in enumerate(jobs, 1):
        progress(f"[{i}/{len(jobs)}] {job.template} {p.label} (portfolio) …")
        r = _execute(runner, job)
        progress(f"[{i}/{len(jobs)}] {_outcome(r, job.template)}")
        results.append(r)
    return RunSummary(batch_id, p.label, results)
