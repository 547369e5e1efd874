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

import contextlib
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed, wait
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

from ..core.files import now
from ..core.periods import Period, parse_period
from ..core.status import PORTFOLIO, PORTFOLIO_TEMPLATES, RunStatus
from ..data.sources import fill_source_period, is_spark_text, local_files_sha256
from ..errors import GovreportError, MissingData, StorageError
from ..evidence.queries import open_store
from ..evidence.store import EvidenceStore, RunRecord, redact, sha256_file
from ..workspace.config import Workspace, as_workspace
from ..workspace.findings import load_findings
from ..workspace.inventory import AISystem, Inventory, check_system_id
from ..workspace.sustainability import load_settings
from .energy import worker_energy
from .jobs import Job, JobResult, RunSummary
from .pool import _Worker
from .preflight import _preflight, check_kernel, template_parameters
from .validation import write_validation_pages

__all__ = [
    "run_period",
    "run_portfolio",
    "PORTFOLIO",
    "PORTFOLIO_TEMPLATES",
    "JobResult",
    "RunSummary",
    "open_store",
    "check_kernel",
    "template_parameters",
]

_PACKAGES = (
    "govreport",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "pandas",
    "numpy",
    "pyarrow",
    "plotly",
    "great_expectations",
    "scikit-learn",
    "SQLAlchemy",
    "pydantic",
)


# -- helpers --------------------------------------------------------------------------------------
def _versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for name in _PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            out[name] = metadata.version(name)
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


#: dataset roles every job of a system needs (an optional ``reference`` missing is a note in the report)
REQUIRED_ROLES = ("scoring", "conversations")


def _required(ds: Any) -> bool:
    """Whether a job cannot run without dataset ``ds``: scoring data and conversation logs, and a training
    set with a data contract (validated in every model_risk and data_quality run)."""
    return ds.role in REQUIRED_ROLES or (ds.role == "training" and bool(ds.contract))


def _inputs(ws: Workspace, system: AISystem | None, period: Period) -> tuple[list[dict[str, Any]], list[str]]:
    """Fingerprints of the system's datasets and contracts for the period, and the required datasets that
    are missing (one line each: dataset, expected path)."""
    inputs: list[dict[str, Any]] = []
    missing: list[str] = []
    if system is None:  # portfolio templates read the evidence store and workspace files
        for name in ("sustainability.yaml", "findings.yaml", "govreport.yaml"):
            f = ws.root / name
            if f.is_file():
                inputs.append({"name": name, "role": "workspace", "path": name, "sha256": sha256_file(f)})
        return inputs, missing
    for ds in system.datasets:
        raw = fill_source_period(ds.path, period.label)  # spark:db.t_{period}: 2026-07 → 2026_07
        lake = is_spark_text(raw)
        where = raw.split(":", 1)[1].strip() if lake else raw
        if "://" in where or raw.startswith("spark:"):  # a database, object storage or a Spark table:
            inputs.append(
                {"name": ds.name, "role": ds.role, "path": raw, "sha256": None}
            )  # the job checks it
        else:
            path = ws.resolve(where)
            if not (path.exists() if lake else path.is_file()):  # spark+parquet: a file or a folder of parts
                if _required(ds):
                    missing.append(f"dataset '{ds.name}' not found at {ws.relative(path)}")
                continue
            sha, size = local_files_sha256(path)  # a file's own SHA-256; a lake folder's over its parts
            inputs.append(
                {
                    "name": ds.name,
                    "role": ds.role,
                    "path": raw if lake else ws.relative(path),
                    "sha256": sha,
                    "bytes": size,
                }
            )
        if ds.contract:
            for f in sorted(ws.contracts_dir.glob(f"{ds.contract}.*")):
                inputs.append(
                    {
                        "name": f"{ds.contract} ({f.suffix.lstrip('.')})",
                        "role": "contract",
                        "path": ws.relative(f),
                        "sha256": sha256_file(f),
                    }
                )
    return inputs, missing


def missing_data(ws: Workspace, systems: Sequence[AISystem], period: Period) -> dict[str, list[str]]:
    """System id → one line per required dataset that is absent for ``period`` (``dataset '<name>' not
    found at <path>``), for the systems missing any. Databases, object storage and Spark
    tables are left to the job, which records a clear failure when they are unreachable."""
    return {s.id: m for s in systems if (m := _inputs(ws, s, period)[1])}


# -- the run ----------------------------------------------------------------------------------------
class _Runner:
    def __init__(
        self,
        ws: Workspace,
        store: EvidenceStore,
        period: Period,
        batch_id: str,
        progress: Callable[[str], None],
    ) -> None:
        self.ws = ws
        self.store = store
        self.period = period
        self.batch_id = batch_id
        self.progress = progress
        self.staging_root = ws.reports_dir / ".staging"
        self.env = _versions()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._workers: list[_Worker] = []

    def recover_interrupted(self) -> list[JobResult]:
        """Record staging folders left by runs that were killed, and remove them."""
        out: list[JobResult] = []
        if not self.staging_root.is_dir():
            return out
        for d in sorted(self.staging_root.iterdir()):
            job_file = d / "job.json"
            try:
                job = json.loads(job_file.read_text())
            except (OSError, ValueError):
                if d.is_dir() and time.time() - d.stat().st_mtime > 3600:
                    shutil.rmtree(d, ignore_errors=True)
                continue
            if _alive(job.get("owner_pid", -1)) and job.get("owner_pid") != os.getpid():
                continue
            rec = RunRecord(
                system_id=job["system_id"],
                period=job["period"],
                template=job["template"],
                status=RunStatus.INTERRUPTED,
                started_at=job["started_at"],
                batch_id=job["batch_id"],
                template_sha256=job.get("template_sha256", ""),
                parameters=job.get("parameters", {}),
                inputs=job.get("inputs", []),
                environment=job.get("environment", {}),
                error=f"interrupted: the run (process {job.get('owner_pid')}) stopped before it finished",
            )
            rec = self.store.append(rec)
            shutil.rmtree(d, ignore_errors=True)
            self.progress(
                f"recorded an interrupted earlier run: {rec.system_id}/{rec.template} "
                f"{rec.period} (RUN_ID {rec.seq})"
            )
            out.append(
                JobResult(
                    rec.system_id,
                    rec.template,
                    rec.period,
                    RunStatus.INTERRUPTED,
                    rec.seq,
                    rec.version,
                    0.0,
                    rec.error,
                )
            )
        return out

    def record_config_failure(self, system_id: str, error: GovreportError) -> JobResult:
        rec = self.store.append(
            RunRecord(
                system_id=system_id,
                period=self.period.label,
                template="-",
                status=RunStatus.FAILED,
                started_at=now(),
                batch_id=self.batch_id,
                environment=self.env,
                error=str(error),
            )
        )
        return JobResult(
            system_id, "-", self.period.label, RunStatus.FAILED, rec.seq, rec.version, 0.0, str(error)
        )

    def execute(self, job: Job) -> JobResult:
        t0 = time.monotonic()
        started = now()
        ws, cfg = self.ws, self.ws.config.run
        job.staging = (
            self.staging_root / f"{self.batch_id}-{job.system_id}-{job.template}-{uuid.uuid4().hex[:6]}"
        )
        job.staging.mkdir(parents=True)
        params = {
            "workspace": str(ws.root),
            "system_id": job.system_id if job.system is not None else None,
            "period": self.period.label,
            "output_dir": str(job.staging),
        }
        inputs, missing = _inputs(ws, job.system, self.period)
        inputs.insert(
            0,
            {
                "name": job.template,
                "role": "template",
                "path": str(job.template_path),
                "sha256": sha256_file(job.template_path),
            },
        )
        job_doc = {
            "owner_pid": os.getpid(),
            "batch_id": self.batch_id,
            "system_id": job.system_id,
            "template": job.template,
            "period": self.period.label,
            "started_at": started,
            "template_sha256": inputs[0]["sha256"],
            "parameters": redact(params),
            "inputs": inputs,
            "environment": {**self.env, "kernel": cfg.kernel},
        }
        tmp_doc = (
            job.staging / "job.json.tmp"
        )  # written whole or not at all (a full disk leaves no torn job.json)
        tmp_doc.write_text(json.dumps(job_doc, ensure_ascii=False))
        os.replace(tmp_doc, job.staging / "job.json")

        energy, worker_info = None, {}
        if missing:
            status, error = RunStatus.FAILED, "; ".join(missing)
            (job.staging / "job.json").unlink()
        else:
            status, error, reported = self._run_worker(job, params)
            energy = worker_energy(reported)
            # timings (s: computation, notebook, rendering) and the worker (pid, job number)
            worker_info = {
                k: reported[k] for k in ("timings", "worker") if isinstance((reported or {}).get(k), dict)
            }
        record = RunRecord(
            system_id=job.system_id,
            period=self.period.label,
            template=job.template,
            status=status,
            started_at=started,
            batch_id=self.batch_id,
            template_sha256=job_doc["template_sha256"],
            parameters=job_doc["parameters"],
            inputs=inputs,
            environment=job_doc["environment"],
            error=error,
        )
        if status == RunStatus.SUCCEEDED:
            record.summary = _summary(job.staging / "results.json")
            # one page per data contract beside the report, recorded with it (run/validation.py)
            write_validation_pages(
                ws, self.store, job.staging, period=self.period.label, system_id=job.system_id
            )
        if energy is not None:
            record.summary["energy"] = energy  # Art. 4: read by govreport.assessments.sustainability
        record.summary.update(worker_info)
        record = self._finalise(job, record)
        report = record.outputs.get("html", {}).get("path")
        summary = record.summary or {}
        flagged = [
            (iid, i.get("status"), i.get("value"))
            for iid, i in (summary.get("indicators") or {}).items()
            if i.get("status") in ("red", "amber")
        ]
        return JobResult(
            job.system_id,
            job.template,
            self.period.label,
            status,
            record.seq,
            record.version,
            time.monotonic() - t0,
            error,
            report,
            summary.get("status"),
            flagged,
        )

    def _run_worker(self, job: Job, params: dict[str, Any]) -> tuple[str, str, dict[str, Any] | None]:
        """Run the job in this slot's worker: status, error, and what the worker reported in status.json
        (None when it reported nothing: killed, timed out or dead)."""
        cfg = self.ws.config.run
        spec = {
            "template": str(job.template_path),
            "output": str(job.staging / "notebook.ipynb"),
            "html": str(job.staging / "report.html"),
            "parameters": params,
            "kernel": cfg.kernel,
            "cell_timeout": cfg.cell_timeout,
            "cwd": str(self.ws.root),
            "title": job.title(self.ws),
            "compute": job.computes if job.precomputable else None,
            "template_name": job.template,
        }
        spec_path = job.staging / "worker.json"
        spec_path.write_text(json.dumps(spec, ensure_ascii=False))
        worker = self._worker()
        outcome = worker.run(spec_path, cfg.notebook_timeout)
        if outcome == "timeout":
            return (
                RunStatus.FAILED,
                (
                    f"notebook timed out after {cfg.notebook_timeout} s "
                    "(run.notebook_timeout in govreport.yaml)"
                ),
                None,
            )
        status_file = job.staging / "status.json"
        if status_file.exists():
            st = json.loads(status_file.read_text())
            return st["status"], st.get("error", ""), st
        log = job.staging / "worker.log"
        lines = log.read_text(errors="replace").strip().splitlines() if log.is_file() else []
        tail = lines[-1] if lines else worker.log_tail()
        if outcome == "done":
            return (
                RunStatus.FAILED,
                f"the worker stopped the job before reporting its status: {tail} (see worker.log)",
                None,
            )
        return RunStatus.FAILED, f"worker process exited with code {outcome}: {tail}", None

    def _worker(self) -> _Worker:
        """This thread's long-lived worker (one per parallel slot), started on first use."""
        w = getattr(self._local, "worker", None)
        if w is None:
            w = self._local.worker = _Worker(self.ws)
            with self._lock:
                self._workers.append(w)
        return w

    def close_workers(self) -> None:
        with self._lock:
            workers, self._workers = self._workers, []
        for w in workers:
            w.close()

    def _finalise(self, job: Job, record: RunRecord) -> RunRecord:
        for scratch in ("worker.json", "status.json", "job.json"):
            (job.staging / scratch).unlink(missing_ok=True)
        outputs = {}
        for name, fname in (
            ("notebook", "notebook.ipynb"),
            ("html", "report.html"),
            ("results", "results.json"),
            ("log", "worker.log"),
        ):
            p = job.staging / fname
            if p.is_file():
                outputs[name] = {"file": fname, "sha256": sha256_file(p), "bytes": p.stat().st_size}
        for leftover in job.staging.iterdir():  # anything else the notebook wrote
            if leftover.is_file() and leftover.name not in {o["file"] for o in outputs.values()}:
                outputs[leftover.stem] = {
                    "file": leftover.name,
                    "sha256": sha256_file(leftover),
                    "bytes": leftover.stat().st_size,
                }
        final_holder: dict[str, Path] = {}

        def move(rec: RunRecord) -> None:
            final = self.ws.report_dir(rec.period, rec.system_id, rec.template, f"v{rec.version}")
            if final.exists():  # a folder without a record (e.g. a crash between rename and commit)
                shutil.move(str(final), str(final.with_name(f"{final.name}.orphan-{uuid.uuid4().hex[:6]}")))
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(job.staging, final)
            final_holder["dir"] = final
            rec.outputs = {
                k: {"path": self.ws.relative(final / v["file"]), "sha256": v["sha256"], "bytes": v["bytes"]}
                for k, v in outputs.items()
            }

        try:
            return self.store.append(record, before_commit=move)
        except BaseException:
            if "dir" in final_holder and final_holder["dir"].exists():
                os.replace(final_holder["dir"], job.staging)  # keep staging for the next run to recover
            raise


def _summary(results_path: Path) -> dict[str, Any]:
    """The part of results.json the review and the site need without opening files."""
    try:
        data = json.loads(results_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {
        "status": data.get("status"),
        "dimensions": data.get("dimensions", {}),
        "indicators": {
            i["id"]: {"status": i["status"], "value": i.get("value")} for i in data.get("indicators", [])
        },
    }
    # the portfolio sustainability run judges each system (Art. 4): keep its per-system statuses
    rows = (data.get("sustainability") or {}).get("rows") or []
    scopes: dict[str, list[str]] = {}
    for row in rows:
        if row.get("period") == data.get("period") and row.get("scope") and row.get("status"):
            scopes.setdefault(str(row["scope"]), []).append(str(row["status"]))
    if scopes:
        out["sustainability_by_system"] = scopes
    return out


def _execute(runner: _Runner, job: Job) -> JobResult:
    """One job; a configuration error found on the way is that job's failure, not the run's.

    A file-system failure (disk full, read-only, permissions) is too: the job's staging folder is removed
    (nothing half-written is left behind) and the failure is recorded whenever the store can still be
    written; when it cannot, the job is reported as failed with both reasons."""
    try:
        return runner.execute(job)
    except GovreportError as e:
        if job.staging != Path() and job.staging.exists():  # e.g. the store refused the record: no half-run
            shutil.rmtree(job.staging, ignore_errors=True)
        return JobResult(
            job.system_id, job.template, runner.period.label, RunStatus.FAILED, 0, 0, 0.0, str(e)
        )
    except OSError as e:
        error = str(StorageError.from_os(e))
        if job.staging != Path() and job.staging.exists():
            shutil.rmtree(job.staging, ignore_errors=True)
        try:
            rec = runner.store.append(
                RunRecord(
                    system_id=job.system_id,
                    period=runner.period.label,
                    template=job.template,
                    status=RunStatus.FAILED,
                    started_at=now(),
                    batch_id=runner.batch_id,
                    environment=runner.env,
                    error=error,
                )
            )
        except (GovreportError, OSError) as store_error:
            return JobResult(
                job.system_id,
                job.template,
                runner.period.label,
                RunStatus.FAILED,
                0,
                0,
                0.0,
                f"{error}; not recorded: {store_error}",
            )
        return JobResult(
            job.system_id,
            job.template,
            runner.period.label,
            RunStatus.FAILED,
            rec.seq,
            rec.version,
            0.0,
            error,
        )


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
) -> RunSummary:
    """Run every applicable template of the selected systems for ``period`` (only those named in
    ``templates`` when given); never raises for a failed notebook (see :meth:`RunSummary.raise_for_failures`).

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
    if jobs:
        _preflight(ws, jobs)
    check_writable(ws.reports_dir)
    store = store or open_store(ws)
    store.engine  # noqa: B018 - opens it now: an unreadable store is one line before anything starts
    batch_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    runner = _Runner(ws, store, p, batch_id, progress)
    runner.recover_interrupted()  # earlier batches' killed runs: recorded and reported through progress
    results: list[JobResult] = []
    for sid, err in broken.items():
        progress(f"✗ {sid}: {err}")
        results.append(runner.record_config_failure(sid, err))
    total = len(jobs)
    if not jobs and not broken:
        progress(f"nothing to run for {p}: no active systems in {ws.systems_dir}")
    workers = max(1, min(parallelism or ws.config.run.parallelism, total or 1))
    progress(f"running {total} notebook(s) for {p.label}, {workers} at a time")
    done = 0
    futures: list[Future[JobResult]] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="govreport-run") as pool:
        try:
            futures = [pool.submit(_execute, runner, job) for job in jobs]
            for fut in as_completed(futures):
                r = fut.result()
                done += 1
                progress(f"[{done}/{total}] {_outcome(r, f'{r.system_id}/{r.template}')}")
                results.append(r)
        finally:  # interrupted or done: no job starts any more, running ones finish, then the workers end
            for f in futures:
                f.cancel()
            wait(futures)
            runner.close_workers()  # inside the pool: each worker ends while its slot's thread is alive
    return RunSummary(batch_id, p.label, results)


def run_portfolio(
    ws: Workspace | str | Path,
    period: str | Period,
    templates: Sequence[str] = PORTFOLIO_TEMPLATES,
    *,
    store: EvidenceStore | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> RunSummary:
    """Run the portfolio-level templates (default: sustainability, then the periodic review) for ``period``.

    They read what the system runs recorded — they recompute nothing — so run them after
    :func:`run_period`. Each is recorded like a system run, under ``system_id`` :data:`PORTFOLIO`, with its
    report in ``reports/<period>/_portfolio/<template>/v<N>/``. One after another (the review reads the
    sustainability results); a failing one does not stop the next. Never raises for a failed notebook.
    """
    p, ws = parse_period(period), as_workspace(ws)
    jobs = [Job(None, t, ws.template_path(t), p) for t in templates]
    if jobs:
        _preflight(ws, jobs)
    check_writable(ws.reports_dir)
    if "review" in templates:  # workspace files the review reads: refuse them now, naming the line
        load_findings(ws.root)
    if "sustainability" in templates:
        load_settings(ws.root)
    store = store or open_store(ws)
    store.engine  # noqa: B018 - opens it now: an unreadable store is one line before anything starts
    batch_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    runner = _Runner(ws, store, p, batch_id, progress)
    runner.recover_interrupted()
    results: list[JobResult] = []
    try:
        for i, job in enumerate(jobs, 1):
            progress(f"[{i}/{len(jobs)}] {job.template} {p.label} (portfolio) …")
            r = _execute(runner, job)
            progress(f"[{i}/{len(jobs)}] {_outcome(r, job.template)}")
            results.append(r)
    finally:
        runner.close_workers()
    return RunSummary(batch_id, p.label, results)
