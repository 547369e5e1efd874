"""One job of a run, from its staging folder to its evidence record (the runner's half of a job; the
worker's half is :mod:`govreport.run.worker`).

:class:`_Runner` holds what the jobs of one batch share (workspace, store, period, batch id, the worker
pool); :func:`_execute` runs one job and turns a configuration or file-system failure into that job's
failed record. A job's staging folder is renamed into ``reports/<period>/<system>/<template>/v<N>/`` inside
the store's lock, so nothing half-written is ever taken for a report.

Contract: never raises for a failed notebook; writes only the job's staging and final folders and the
evidence store.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import CancelledError
from importlib import metadata
from pathlib import Path
from typing import Any

from ..core.files import now
from ..core.periods import Period
from ..core.status import RunStatus
from ..errors import GovreportError, StorageError
from ..evidence.store import EvidenceStore, RunRecord, redact, sha256_file
from ..workspace.config import Workspace
from .energy import worker_energy
from .inputs import _inputs
from .jobs import Job, JobResult
from .pool import WorkerPool
from .validation import write_validation_pages

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


class _Slot:
    """One of the run's ``slots``, held by a job from its start until its worker is released — not while
    the job is recorded (hashing, evidence, validation pages), so that the next job already runs on that
    worker: 0.3–0.4 s a round on the 2-core bench."""

    def __init__(self, slots: threading.Semaphore | None) -> None:
        self._slots = slots
        if slots is not None:
            slots.acquire()

    def free(self) -> None:
        if self._slots is not None:
            self._slots, slots = None, self._slots
            slots.release()


class _Runner:
    def __init__(
        self,
        ws: Workspace,
        store: EvidenceStore,
        period: Period,
        batch_id: str,
        progress: Callable[[str], None],
        workers: WorkerPool | None = None,
        slots: int | None = None,
    ) -> None:
        self.ws = ws
        self.store = store
        self.period = period
        self.batch_id = batch_id
        self.progress = progress
        self.staging_root = ws.reports_dir / ".staging"
        self.env = _versions()
        #: the command's workers (each job borrows one); a pool of its own when none is given
        self.workers = workers if workers is not None else WorkerPool(ws)
        #: jobs at once between their start and their worker's release (None: as many as call execute)
        self.slots = threading.Semaphore(slots) if slots else None
        #: set when the run stops early (interrupted): a job still waiting for its slot never starts
        self.stopping = threading.Event()

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
        """Run and record one job (its slot is freed once its worker is: see :class:`_Slot`)."""
        slot = _Slot(self.slots)
        try:
            if self.stopping.is_set():
                raise CancelledError(f"{job.system_id}/{job.template}: the run stopped before it started")
            return self._run(job, slot)
        finally:
            slot.free()

    def _run(self, job: Job, slot: _Slot) -> JobResult:
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
            status, error, reported = self._run_worker(job, params, slot)
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
                self.ws, self.store, job.staging, period=self.period.label, system_id=job.system_id
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

    def _run_worker(
        self, job: Job, params: dict[str, Any], slot: _Slot
    ) -> tuple[str, str, dict[str, Any] | None]:
        """Run the job in this slot's worker: status, error, and what the worker reported in status.json
        (None when it reported nothing: killed, timed out or dead). The slot is freed with the worker."""
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
            # the running head of every printed page: the bank's name and the classification
            "running": (
                f"{self.ws.config.name_zh} · {self.ws.config.classification_zh}",
                f"{self.ws.config.name_en} · {self.ws.config.classification_en}",
            ),
            "compute": job.computes if job.precomputable else None,
            "template_name": job.template,
        }
        spec_path = job.staging / "worker.json"
        spec_path.write_text(json.dumps(spec, ensure_ascii=False))
        worker = self.workers.acquire()
        try:
            outcome = worker.run(spec_path, cfg.notebook_timeout)
        finally:
            self.workers.release(worker)
            slot.free()
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
