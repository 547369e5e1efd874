"""The worker processes: one long-lived process per parallel slot computes a job's results and executes its
notebook (:mod:`govreport.run.worker`); a process group that is killed whole on a timeout, and dies with the
runner (Linux ``PR_SET_PDEATHSIG``).

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
import time
import uuid
from pathlib import Path

from ..workspace.config import Workspace


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

    def run(self, spec_path: Path, timeout: float) -> str:
        """Run the job ``spec_path`` names; ``"done"``, ``"timeout"`` (the worker was killed) or, when the
        worker died, its exit code as text."""
        if self.proc is None or self.proc.poll() is not None:
            self._reset()
            self._start()
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

    def close(self) -> None:
        """End the worker: it finishes when its standard input closes. Its log goes when empty."""
        self._reset()
        if self.log is not None and self.log.is_file() and self.log.stat().st_size == 0:
            self.log.unlink()
