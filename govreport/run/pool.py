"""The worker processes: one long-lived process per parallel slot computes a job's results and executes its
notebook (:mod:`govreport.run.worker`); a process group that is killed whole on a timeout, and dies with the
runner (Linux ``PR_SET_PDEATHSIG``).

:class:`WorkerPool` keeps them for as long as one command runs — every period ``govreport demo`` builds,
every period ``schedule run-due`` catches up, the system runs and the portfolio runs alike — and starts them
before the first job needs them: a worker warms up (imports Papermill, nbconvert, Great Expectations,
scikit-learn and the computations, makes a Great Expectations context) while the runner still checks the
templates and fingerprints the data.

Contract: starts, feeds and stops worker processes; knows nothing of the evidence store.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from types import TracebackType

from ..workspace.config import Workspace

#: seconds a fresh worker may take to warm up (imports, a Great Expectations context) before its first job
WARM_UP_TIMEOUT = 600.0


def _set_pdeathsig() -> None:  # pragma: no cover - runs in the child
    """In the worker: die with the parent (Linux), so a SIGKILLed run leaves no orphan executing."""
    os.setsid()
    with contextlib.suppress(Exception):  # not Linux: the worker just lacks the parent-death signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


class _Worker:
    """One long-lived ``python -m govreport.run.worker --serve`` process (see :mod:`govreport.run.worker`).

    The runner keeps one per parallel slot for a whole run: heavy imports are paid once per slot, while
    every notebook still gets a fresh kernel. A job that exceeds its timeout, or a worker that dies, costs
    that job only: the worker's process group is killed and the next job starts a fresh worker."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.proc: subprocess.Popen[bytes] | None = None
        self.reply = -1
        self.log: Path | None = None
        self.ready = False  # the worker said "ready": warmed up, reading jobs

    def _start(self) -> None:
        """A fresh worker in the workspace folder; what it writes outside jobs (a start-up failure, Spark's
        Java process) goes to its own log, ``.govreport/logs/worker-<id>.log`` (removed when empty)."""
        self.log = self.ws.state_dir / "logs" / f"worker-{uuid.uuid4().hex[:8]}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        read, write = os.pipe()
        try:
            with open(self.log, "ab") as log:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "govreport.run.worker", "--serve", str(write)],
                    stdin=subprocess.PIPE,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    pass_fds=(write,),
                    cwd=self.ws.root,
                    preexec_fn=_set_pdeathsig if os.name == "posix" else None,  # noqa: PLW1509
                    env={
                        **os.environ,
                        "GOVREPORT_WORKSPACE": str(self.ws.root),
                        "PYTHONUNBUFFERED": "1",
                        "GOVREPORT_PROCESS_LOG": str(self.log),
                    },
                )
        except BaseException:
            os.close(read)
            raise
        finally:
            os.close(write)
        self.reply = read

    def start(self) -> None:
        """Start the process now (it warms up at once), unless it is running."""
        if self.proc is None or self.proc.poll() is not None:
            self._reset()
            self._start()

    def run(self, spec_path: Path, timeout: float) -> str:
        """Run the job ``spec_path`` names; ``"done"``, ``"timeout"`` (the worker was killed) or, when the
        worker died, its exit code as text."""
        self.start()
        if not self.ready:  # warming up does not count against the job's timeout
            ready, _, _ = select.select([self.reply], [], [], WARM_UP_TIMEOUT)
            if not ready or not os.read(self.reply, 64):  # stuck, or died while warming up
                if not ready and self.proc is not None:
                    _kill_group(self.proc)
                return str(self._reset())
            self.ready = True
        assert self.proc is not None and self.proc.stdin is not None
        try:
            self.proc.stdin.write(f"{spec_path}\n".encode())
            self.proc.stdin.flush()
        except BrokenPipeError:
            return str(self._reset())
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                _kill_group(self.proc)
                self._reset()
                return "timeout"
            ready, _, _ = select.select([self.reply], [], [], left)
            if ready:
                if os.read(self.reply, 64):  # "done\n", written once the job's status.json is in place
                    return "done"
                return str(self._reset())  # end of file: the worker died during the job

    def _reset(self) -> int | None:
        """Forget the current process (reaped); its exit code."""
        code = None
        if self.proc is not None:
            with contextlib.suppress(OSError):
                if self.proc.stdin:
                    self.proc.stdin.close()
            try:
                code = self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _kill_group(self.proc)
                code = self.proc.returncode
            self.proc = None
        self.ready = False
        if self.reply >= 0:
            os.close(self.reply)
            self.reply = -1
        return code

    def log_tail(self) -> str:
        """The last line the worker wrote outside a job (e.g. why it could not start)."""
        if self.log is None or not self.log.is_file():
            return ""
        lines = self.log.read_text(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""

    def end_input(self) -> None:
        """Close the worker's standard input: it finishes its job, then exits (see :meth:`close`)."""
        if self.proc is not None and self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()

    def close(self) -> None:
        """End the worker: it finishes when its standard input closes. Its log goes when empty."""
        self._reset()
        if self.log is not None and self.log.is_file() and self.log.stat().st_size == 0:
            self.log.unlink()


class WorkerPool:
    """The workers of one command: up to ``size`` long-lived :class:`_Worker` processes, each lent to one job
    at a time (:meth:`acquire`, :meth:`release`) and kept for the next — also across the periods and the
    system and portfolio runs of one command. :meth:`start` starts ``size`` of them at once, so they warm
    up before the first job needs them; more are started on demand. Use as a context manager, or call
    :meth:`close` (ends every worker)."""

    def __init__(self, ws: Workspace, size: int = 1) -> None:
        self.ws = ws
        self.size = max(1, size)
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []
        self._lock = threading.Lock()

    def start(self, count: int | None = None) -> WorkerPool:
        """Have ``count`` (default: ``size``) workers running and idle."""
        with self._lock:
            missing = min(count or self.size, self.size) - len(self._all)
            for _ in range(max(0, missing)):
                w = _Worker(self.ws)
                self._all.append(w)
                self._idle.append(w)
        for w in list(self._idle):
            w.start()
        return self

    def acquire(self) -> _Worker:
        """An idle worker (started if it is not running), or a new one."""
        with self._lock:
            if self._idle:
                return self._idle.pop(0)
            w = _Worker(self.ws)
            self._all.append(w)
            return w

    def release(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def close(self) -> None:
        """End every worker (each finishes when its standard input closes)."""
        with self._lock:
            workers, self._all, self._idle = self._all, [], []
        for w in workers:  # all at once: each takes seconds to exit (its zygote, its kernels, CodeCarbon)
            w.end_input()
        for w in workers:
            w.close()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
