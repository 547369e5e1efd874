"""Worker process of the runner: compute a job's results, execute its notebook with Papermill, render HTML.

``python -m govreport.run.worker --serve REPLY_FD`` is a long-lived worker: it warms up (:func:`warm_up`),
writes the line ``ready`` to file descriptor ``REPLY_FD``, then reads the paths of job specs
(``worker.json``), one per line, from its standard input; for each it writes the job's output to the job's
``worker.log``, writes ``status.json`` beside the outputs and then the line ``done`` to file descriptor
``REPLY_FD``. The runner keeps one such worker per parallel slot for a whole run, so Papermill, nbconvert,
Great Expectations, scikit-learn and the metrics are imported once per slot, not once per system — and on
Linux once per command: the workers are forked from the warm fork server (:mod:`govreport.run.forkserver`),
which calls :func:`serve` in each child with ``warmed=True``.

A job, in the worker:

1. the template's computation (:mod:`govreport.assessments.registry`), when the template declares the
   ``precomputed`` parameter: ``results.json`` is written into the job's folder (with what its cells
   present besides — the system's history and previous results, a portfolio report —
   :data:`~govreport.run.context.PRESENTED_FILE`, removed once the notebook has run) and its path passed
   to the kernel, which then only presents and opens no evidence store. If the computation raises,
   nothing is passed and the kernel computes itself, so the failure shows in the kept notebook exactly
   as without this step;
2. the notebook, executed by Papermill in a fresh kernel (never reused: no state crosses systems), forked
   from the worker's kernel zygote when the kernelspec runs this Python (:mod:`govreport.run.kernels`);
3. the HTML report (nbconvert), for succeeded notebooks.

Kept out of the runner's process so that heavy imports and a dying kernel never touch it; the runner kills
the worker's process group when a job exceeds ``run.notebook_timeout`` and starts a fresh worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import gc
import json
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..assessments.registry import computation
from ..core.proc import output_to
from ..core.status import RunStatus
from ..present.render import render_notebook, warm_renderer
from . import kernels  # jupyter_client, which Papermill imports anyway
from .context import PRESENTED_FILE, open_context
from .energy import measure, warm_energy


def _cell_error(nb_path: Path) -> str:
    """The failing cell and its error, from the executed notebook Papermill kept."""
    try:
        import nbformat

        nb = nbformat.read(nb_path, as_version=4)
    except Exception:
        return ""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return f"cell {i}: {out.get('ename')}: {out.get('evalue')}"
    return ""


_ENGINE = "govreport"


@functools.cache
def _register_engine() -> None:
    """Papermill's nbclient engine, saving the executed notebook once when execution ends — also after a
    dead kernel or a cell timeout — instead of twice per cell (rewriting a notebook that carries plotly.js
    forty times cost about a second of CPU per report). A notebook killed by ``run.notebook_timeout`` is
    not saved."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.iorw import write_ipynb
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class _Client(PapermillNotebookClient):  # type: ignore[misc]
        """Papermill's client for a kernel the worker started for this notebook (:func:`_start_kernel`):
        shut down with the notebook, as a kernel the client started itself would be."""

        def __init__(self, nb_man: Any, km: Any = None, **kw: Any) -> None:
            super().__init__(nb_man, km=km, **kw)
            self.owns_km = True

    class _SaveAtEnd(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            **kwargs: Any,
        ) -> Any:
            """As papermill's, with the client above (``km``: the kernel already started, or None)."""
            kwargs = remove_args(["input_path"], **kwargs)
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(
                safe_kwargs,
                timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
            )
            return _Client(nb_man, **final_kwargs).execute()

        @classmethod
        def execute_notebook(
            cls, nb: Any, kernel_name: str, output_path: str | None = None, **kwargs: Any
        ) -> Any:
            try:  # nbclient writes the outputs into ``nb`` itself, so it holds what ran even when this raises
                return super().execute_notebook(nb, kernel_name, output_path=None, **kwargs)
            finally:
                if output_path:
                    write_ipynb(nb, output_path)

    papermill_engines.register(_ENGINE, _SaveAtEnd)


def _start_kernel(spec: dict[str, Any]) -> Callable[[], Any]:
    """Start the job's fresh kernel now, in a thread of its own — it boots while the worker computes the
    results, and the computation does not wait for a zygote still importing (a worker's first job: 0.9–1.2 s
    on the 2-core machine) — in the folder Papermill would start it in. Returns the function that waits
    for it: the kernel manager, or None when it could not be started here (Papermill then starts it)."""
    box: list[Any] = [None]
    try:
        km = kernels.kernel_manager(spec["kernel"])  # forked from the worker's zygote when it can be
        kernels.refresh(dict(km.kernel_spec.env or {}))  # a zygote restarts from this thread only
    except Exception:  # noqa: BLE001 - Papermill starts it and reports the failure as the job's error
        km = None

    def start() -> None:
        if km is None:
            return
        try:
            asyncio.run(km.start_kernel(cwd=spec["cwd"]))
        except Exception:  # noqa: BLE001 - as above
            return
        box[0] = km

    thread = threading.Thread(target=start, name="govreport-kernel-start", daemon=True)
    thread.start()

    def started() -> Any:
        thread.join()
        return box[0]

    return started


def _died_booting(e: BaseException) -> bool:
    """Whether Papermill failed because the kernel died before it answered ``kernel_info`` (no cell ran)."""
    return "before replying to kernel_info" in str(e)


def _stop_kernel(km: Any) -> None:
    """Shut down a kernel that no notebook took over (the job failed before its notebook ran)."""
    with contextlib.suppress(Exception):
        if km.has_kernel:
            asyncio.run(km.shutdown_kernel(now=True))


def _cpu() -> float:
    """CPU seconds of this process and its reaped children (the job's kernel, once shut down), with the
    kernels forked by the zygote that ended (their CPU as the zygote reaped it; see run.kernels)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system + kernels.forked_cpu()


def _precompute(spec: dict[str, Any]) -> str | None:
    """Step 1: the template's computation, here; the path of the results.json written, or None."""
    compute = computation(spec.get("compute") or "")
    if compute is None:
        return None
    p = spec["parameters"]
    try:
        ctx = open_context(
            p["workspace"],
            p["system_id"],
            p["period"],
            p["output_dir"],
            template=spec.get("template_name") or spec["compute"],
        )
        ctx.results(compute)
        ctx.keep_presented()  # what its cells present besides the results (history, a report), for the kernel
    except Exception:  # the kernel computes again and fails in its own cell, with the same error
        print("the computation failed in the worker; the notebook computes it again:", file=sys.stderr)
        traceback.print_exc()
        for name in ("results.json", PRESENTED_FILE):
            with contextlib.suppress(OSError):
                (Path(p["output_dir"]) / name).unlink()
        return None
    return str(Path(p["output_dir"]) / "results.json")


def run_job(spec: dict[str, Any], job_number: int = 1) -> int:
    """One job (see the module docstring), the ``job_number``-th of this process; writes ``status.json``;
    0 when it succeeded."""
    out_dir = Path(spec["output"]).parent
    status_path = out_dir / "status.json"
    timings: dict[str, float] = {}
    clock = time.perf_counter(), _cpu()

    def lap(name: str) -> None:  # seconds since the last lap: wall, and CPU of this process and its kernel
        nonlocal clock
        now = time.perf_counter(), _cpu()
        timings[f"{name}_s"] = round(now[0] - clock[0], 3)
        timings[f"{name}_cpu_s"] = round(now[1] - clock[1], 3)
        clock = now

    meter = measure().start()  # Art. 4: CodeCarbon, imported lazily; never raises

    def done(status: str, error: str = "") -> int:
        (out_dir / PRESENTED_FILE).unlink(missing_ok=True)  # the kernel's input, not an output of the run
        energy = meter.stop()  # idempotent; a failed measurement is {"kwh": None, "reason": ...}
        lap("energy")  # CodeCarbon's stop (its start is in "start")
        doc = {
            "status": status,
            "error": " ".join(error.split())[:2000],
            "energy": energy,
            "timings": timings,
            "worker": {"pid": os.getpid(), "job": job_number},
        }
        tmp = status_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(doc))
        tmp.replace(status_path)
        return 0 if status == RunStatus.SUCCEEDED else 1

    _register_engine()
    parameters = dict(spec["parameters"])
    kernel = _start_kernel(spec)  # a fresh kernel per notebook, booting while the results are computed
    try:
        return _compute_and_present(spec, parameters, kernel, lap, done)
    finally:
        km = kernel()
        if km is not None:
            _stop_kernel(km)  # only when the notebook never took it over


def _compute_and_present(
    spec: dict[str, Any],
    parameters: dict[str, Any],
    kernel: Callable[[], Any],
    lap: Callable[[str], None],
    done: Callable[..., int],
) -> int:
    """Steps 1–3 of a job (see the module docstring), timed by ``lap``; ``done`` writes the status."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    lap("start")
    precomputed = _precompute(spec)
    if precomputed is not None:
        parameters["precomputed"] = precomputed
    else:
        _release_memory()  # a computation that failed here runs again in the kernel: not on top of this one
    lap("compute")
    km = kernel()  # booted meanwhile (a zygote still importing: the wait is here, after the computation)

    def execute(kernel: Any) -> None:
        pm.execute_notebook(
            spec["template"],
            spec["output"],
            parameters=parameters,
            kernel_name=spec["kernel"],
            cwd=spec["cwd"],
            progress_bar=False,
            execution_timeout=spec["cell_timeout"],
            engine_name=_ENGINE,  # saves once, at the end (see _register_engine)
            km=kernel,  # None: Papermill starts the kernel
        )

    try:
        try:
            execute(km)
        except RuntimeError as e:
            if km is None or isinstance(e, PapermillExecutionError) or not _died_booting(e):
                raise  # (a cell's error is a RuntimeError too)
            # no cell ran: a kernel that died before its first reply (a port taken between the moment
            # jupyter_client chose it and the kernel's bind, say) is the machine's accident, not the job's
            err = f"the job's kernel died before it answered ({e}): Papermill starts another"
            print(err, file=sys.stderr, flush=True)
            _stop_kernel(km)
            execute(None)
    except PapermillExecutionError as e:
        return done(RunStatus.FAILED, f"cell {e.exec_count}: {e.ename}: {e.evalue}")
    except Exception as e:  # dead kernel, cell timeout, kernel start failure …
        name = type(e).__name__
        msg = str(e).strip().splitlines()[0] if str(e).strip() else ""
        if name == "CellTimeoutError":
            msg = f"a cell exceeded run.cell_timeout ({spec['cell_timeout']} s)"
        elif name == "DeadKernelError":
            msg = "the kernel died while executing the notebook"
        where = _cell_error(Path(spec["output"]))
        return done(RunStatus.FAILED, f"{name}: {msg}" + (f" ({where})" if where else ""))
    lap("notebook")
    try:
        render_notebook(
            Path(spec["output"]),
            Path(spec["html"]),
            title=spec.get("title", ""),
            running=tuple(spec.get("running") or ("", "")),
        )
    except Exception as e:
        traceback.print_exc()
        return done(RunStatus.FAILED, f"rendering HTML failed: {type(e).__name__}: {e}")
    lap("render")
    return done(RunStatus.SUCCEEDED)


def warm_up(zygote: bool = True) -> dict[str, float]:
    """Before the first job (the runner starts its workers before it needs them): import and set up what
    jobs need — Papermill and its engine, nbconvert's HTML exporter, every packaged computation
    (pandas, scikit-learn, Great Expectations, the metrics), a first Great Expectations context and
    CodeCarbon — so that no job pays for it; then the kernel zygote, unless ``zygote`` is false (the
    worker fork server, :mod:`govreport.run.forkserver`, warms up without it: each worker forked from it
    starts its own). Seconds of CPU per step; a step that fails is left to the job that needs it, which
    then reports the error."""
    spent: dict[str, float] = {}

    def step(name: str, fn: Callable[[], object]) -> None:
        t = _cpu()
        with contextlib.suppress(Exception):  # the job that needs it fails with the error, in its own log
            fn()
        spent[name] = round(_cpu() - t, 3)

    def computations() -> None:
        from ..assessments.registry import COMPUTATIONS

        for c in COMPUTATIONS.values():
            c.function  # noqa: B018 - imports the computation's module
        # imported by the explainability metrics when first called (metrics._explain): 0.46 s of a worker's
        # first job, 0.26 s here, once per fork server
        import sklearn.ensemble  # noqa: F401
        import sklearn.linear_model  # noqa: F401
        from joblib import cpu_count

        cpu_count(only_physical_cores=True)  # scikit-learn's OpenMP threads: runs `lscpu` once, cached

    def gx() -> None:
        from ..contracts import gx_context

        gx_context()

    step("papermill", _register_engine)
    step("nbconvert", warm_renderer)
    step("computations", computations)
    step("great_expectations", gx)
    step("codecarbon", warm_energy)
    step("plotly_loader", _share_plotly_loader)
    if zygote:
        step("kernel_zygote", kernels.start_zygote)  # last: it forks kernels with the environment set above
    return spent


_loader: Path | None = None


def plotly_loader_path() -> Path:
    """Where this process shares plotly.js, compressed, with the kernels it starts (see
    :func:`_share_plotly_loader`), named in the environment (``GOVREPORT_PLOTLY_LOADER``) from the first
    call — the fork server names it before it starts its kernel zygotes, so that they have its workers'
    environment, and writes it later. A private folder (0700), removed at exit by the process that made it
    only: a forked worker inherits the exit handler, and its siblings still read the file."""
    global _loader
    if _loader is None:
        import atexit
        import shutil
        import tempfile

        from ..present.charts import LOADER_ENV

        folder = Path(tempfile.mkdtemp(prefix="govreport-worker-"))
        owner = os.getpid()

        def remove() -> None:
            if os.getpid() == owner:
                shutil.rmtree(folder, ignore_errors=True)

        atexit.register(remove)
        _loader = folder / "plotly-loader.html"
        os.environ[LOADER_ENV] = str(_loader)
    return _loader


def _share_plotly_loader() -> None:
    """plotly.js compressed once per worker — or once per fork server, for all its workers — for every
    kernel it starts (see charts.share_plotly_loader), at :func:`plotly_loader_path`."""
    from ..present.charts import share_plotly_loader

    share_plotly_loader(plotly_loader_path().parent)


def serve(reply_fd: int, warmed: bool = False) -> int:
    """The long-lived worker's loop (see the module docstring); returns when standard input closes.
    ``warmed``: forked from the warm fork server (:mod:`govreport.run.forkserver`), which warmed up
    already and started this worker's kernel zygote too (else it is started here)."""
    if warmed:
        t = _cpu()
        if kernels.current() is None:  # the server had none to hand over (a worker replaced, say)
            kernels.start_zygote()
        spent = {"kernel_zygote": round(_cpu() - t, 3)}
    else:
        spent = warm_up()
    if os.environ.get("GOVREPORT_WORKER_TIMINGS"):
        print(f"worker {os.getpid()} warmed up: {json.dumps(spent)}", file=sys.stderr)
    os.write(reply_fd, b"ready\n")  # the runner starts a job's timeout clock from here
    jobs = 0
    for line in sys.stdin:
        spec_path = line.strip()
        if not spec_path:
            continue
        jobs += 1
        log_path = Path(spec_path).with_name("worker.log")
        try:
            with output_to(log_path):
                try:
                    run_job(json.loads(Path(spec_path).read_text(encoding="utf-8")), jobs)
                except Exception:  # anything run_job did not turn into status.json: the runner reports it
                    traceback.print_exc()
        finally:
            _release_memory()
            os.write(reply_fd, b"done\n")
    kernels.stop_zygote()  # reaped: its kernels' CPU reaches whoever measures this process tree
    return 0


def _release_memory() -> None:
    """Between jobs: hand the freed heap of the last job's frames back to the system, so a long-lived
    worker's resident memory does not carry one system's data into the next (glibc ``malloc_trim``)."""
    gc.collect()
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


if __name__ == "__main__":  # python -m govreport.run.worker --serve REPLY_FD
    from ._forking import finish

    finish(serve(int(sys.argv[2])))  # exit without tearing down the imports (see finish)
