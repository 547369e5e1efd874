"""The worker processes: one long-lived process per parallel slot computes a job's results and executes its
notebook (:mod:`govreport.run.worker`); a process group that is killed whole on a timeout, and dies with the
runner (Linux ``PR_SET_PDEATHSIG``).

:class:`WorkerPool` keeps them for as long as one command runs — every period ``govreport demo`` builds,
every period ``schedule run-due`` catches up, the system runs and the portfolio runs alike — and starts them
before the first job needs them: a worker warms up (imports Papermill, nbconvert, Great Expectations,
scikit-learn and the computations, makes a Great Expectations context) while the runner still checks the
templates and fingerprints the data.

The warm-up is done once per pool: the first worker needed starts the worker fork server
(:mod:`govreport.run.forkserver`), which warms up and forks every worker of the pool — also the one that
replaces a worker killed on a timeout — so ``N`` slots cost one warm-up, not ``N``. On another system than
Linux, with ``GOVREPORT_FORK_WORKERS=0``, or once the fork server failed, each worker is a new interpreter
started with ``Popen`` that warms up itself; a job never fails because of the fork server.

Contract: starts, feeds and stops worker processes; knows nothing of the evidence store.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from ..workspace.config import Workspace
from ._forking import parent_death_signal, start_server

#: seconds a fresh worker may take to warm up (imports, a Great Expectations context) before its first job
WARM_UP_TIMEOUT = 600.0

#: set to ``0`` to start every worker as a new interpreter that warms up itself (no fork server)
SWITCH = "GOVREPORT_FORK_WORKERS"


def forking_enabled() -> bool:
    """Whether workers may be forked from a warm fork server here: Linux, and not switched off."""
    return sys.platform.startswith("linux") and os.environ.get(SWITCH, "1").strip().lower() not in (
        "0",
        "false",
        "no",
    )


def _set_pdeathsig() -> None:  # pragma: no cover - runs in the child
    """In the worker: its own session, and death with the parent (Linux), so a SIGKILLed run leaves no
    orphan executing (started through :func:`_in_spawner`: the signal follows the starting thread)."""
    os.setsid()
    parent_death_signal()


_T = TypeVar("_T")
_spawner: ThreadPoolExecutor | None = None
_spawner_lock = threading.Lock()
_SPAWNER = "govreport-spawner"


def _in_spawner(start: Callable[[], _T]) -> _T:
    """``start()`` — which starts a process — in a thread that lives as long as this process: the main
    thread, or one thread kept for it. Linux's ``PR_SET_PDEATHSIG`` fires when the *thread* that started a
    process ends, not its process, and jobs run in threads that end with their period: a worker (re)started
    from one of them would be killed with it, possibly just as the next period hands it a job."""
    me = threading.current_thread()
    if me is threading.main_thread() or me.name.startswith(_SPAWNER):
        return start()
    global _spawner
    with _spawner_lock:
        if _spawner is None:
            _spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix=_SPAWNER)
    return _spawner.submit(start).result()


def _kill_group(proc: subprocess.Popen[bytes] | _Forked) -> None:
    pid = proc.pid
    try:
        if pid is None:  # a fork the server never made: the stuck server goes (its workers die with it)
            raise ProcessLookupError
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.wait()


def _worker_env(ws: Workspace, log: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GOVREPORT_WORKSPACE": str(ws.root),
        "PYTHONUNBUFFERED": "1",
        "GOVREPORT_PROCESS_LOG": str(log),
    }


class _ForkServer:
    """The pool's side of one ``python -m govreport.run.forkserver`` process (see that module): it warms up
    once and forks the pool's workers. A reader thread takes its messages (forks made, workers ended)."""

    def __init__(self, ws: Workspace, workers: int = 1) -> None:
        from .forkserver import ZYGOTES_ENV  # standard library only

        self.log = ws.state_dir / "logs" / f"forkserver-{uuid.uuid4().hex[:8]}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc, self.sock = _in_spawner(
                lambda: start_server(
                    "govreport.run.forkserver",
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=ws.root,
                    preexec_fn=_set_pdeathsig,  # noqa: PLW1509 - Linux only (forking_enabled)
                    env={**_worker_env(ws, self.log), ZYGOTES_ENV: str(workers)},  # a zygote per worker
                )
            )
        self.cond = threading.Condition()
        self.started: dict[int, int | None] = {}  # request id → pid (None: the fork failed)
        self.exited: dict[int, int] = {}  # pid → exit code
        self.dead = False
        self._ids = 0
        self._reader = threading.Thread(target=self._read, name="govreport-forkserver", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                msg = self.sock.recv(1 << 16)
            except OSError:
                msg = b""
            if not msg:
                with self.cond:
                    self.dead = True
                    self.cond.notify_all()
                return
            with contextlib.suppress(ValueError, TypeError):
                doc = json.loads(msg)
                with self.cond:
                    if "started" in doc:
                        self.started[doc["id"]] = int(doc["started"])
                    elif "error" in doc and "id" in doc:
                        self.started[doc["id"]] = None
                    elif "exited" in doc:
                        self.exited[int(doc["exited"])] = int(doc["code"])
                    self.cond.notify_all()

    def spawn(self, cwd: Path, env: dict[str, str], fds: list[int]) -> int:
        """Ask for a worker with these standard input, reply pipe and log descriptors; its request id.
        Raises OSError when the server is gone."""
        with self.cond:
            if self.dead:
                raise OSError("the worker fork server has ended")
            self._ids += 1
            rid = self._ids
        doc = {"id": rid, "cwd": str(cwd), "env": env}
        socket.send_fds(self.sock, [json.dumps(doc).encode()], fds)
        return rid

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()

    def close(self) -> None:
        """End the server once its workers are told to finish: it waits for them, reaped (their CPU is
        then the runner's children's), and exits. A server that never forked a worker (the command found
        nothing to run, or stopped on bad input) is killed at once, not waited for through its warm-up.
        Its log goes when empty."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        if not self._ids:
            _kill_group(self.proc)
        else:
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                _kill_group(self.proc)
        self.sock.close()
        self._reader.join(timeout=5)
        if self.log.is_file() and self.log.stat().st_size == 0:
            self.log.unlink()


class _Forked:
    """A worker forked by the pool's fork server: what :class:`_Worker` uses of ``Popen`` — ``pid``,
    ``stdin``, ``poll``, ``wait``, ``kill``, ``returncode``. The pid is known once the server has forked
    (None before); a worker whose server ended is dead too (it dies with its server)."""

    def __init__(self, server: _ForkServer, rid: int, stdin: int) -> None:
        self.server, self.rid = server, rid
        self.stdin = os.fdopen(stdin, "wb")
        self.returncode: int | None = None

    @property
    def pid(self) -> int | None:
        with self.server.cond:
            return self.server.started.get(self.rid)

    def _check(self) -> int | None:  # under the server's condition
        srv = self.server
        if self.returncode is None:
            pid = srv.started.get(self.rid)
            if pid is not None and pid in srv.exited:
                self.returncode = srv.exited[pid]
            elif (self.rid in srv.started and pid is None) or srv.dead:
                self.returncode = -signal.SIGKILL  # never forked, or died with its server
        return self.returncode

    def poll(self) -> int | None:
        with self.server.cond:
            return self._check()

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.server.cond:
            while self._check() is None:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise subprocess.TimeoutExpired(f"govreport worker {self.pid}", timeout or 0)
                self.server.cond.wait(left)
            return self.returncode  # type: ignore[return-value]

    def kill(self) -> None:
        pid = self.pid
        if pid is None:
            self.server.kill()  # stuck before forking this worker: the server goes (the pool falls back)
            return
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


class _Worker:
    """One long-lived ``python -m govreport.run.worker --serve`` process (see :mod:`govreport.run.worker`).

    The runner keeps one per parallel slot for a whole run: heavy imports are paid once per slot, while
    every notebook still gets a fresh kernel. A job that exceeds its timeout, or a worker that dies, costs
    that job only: the worker's process group is killed and the next job starts a fresh worker."""

    def __init__(self, ws: Workspace, server: Callable[[], _ForkServer | None] | None = None) -> None:
        self.ws = ws
        self.server = server  # the pool's fork server, when its workers are forked
        self.proc: subprocess.Popen[bytes] | _Forked | None = None
        self.reply = -1
        self.log: Path | None = None
        self.ready = False  # the worker said "ready": warmed up, reading jobs

    def _start(self) -> None:
        """A fresh worker in the workspace folder; what it writes outside jobs (a start-up failure, Spark's
        Java process) goes to its own log, ``.govreport/logs/worker-<id>.log`` (removed when empty)."""
        self.log = log_path = self.ws.state_dir / "logs" / f"worker-{uuid.uuid4().hex[:8]}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        srv = self.server() if self.server is not None else None
        if srv is not None and self._fork(srv):
            return
        read, write = os.pipe()
        try:
            with open(self.log, "ab") as log:
                self.proc = _in_spawner(
                    lambda: subprocess.Popen(
                        [sys.executable, "-m", "govreport.run.worker", "--serve", str(write)],
                        stdin=subprocess.PIPE,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        pass_fds=(write,),
                        cwd=self.ws.root,
                        preexec_fn=_set_pdeathsig if os.name == "posix" else None,  # noqa: PLW1509
                        env=_worker_env(self.ws, log_path),
                    )
                )
        except BaseException:
            os.close(read)
            raise
        finally:
            os.close(write)
        self.reply = read

    def _fork(self, srv: _ForkServer) -> bool:
        """Have the fork server fork this worker; False when it is gone (then Popen)."""
        assert self.log is not None
        job_r, job_w = os.pipe()
        read, write = os.pipe()
        log = os.open(self.log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            rid = srv.spawn(self.ws.root, _worker_env(self.ws, self.log), [job_r, write, log])
        except OSError:
            for fd in (job_w, read):
                os.close(fd)
            return False
        finally:
            for fd in (job_r, write, log):  # the worker's now (or nobody's)
                os.close(fd)
        self.proc = _Forked(srv, rid, job_w)
        self.reply = read
        return True

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
            forked = isinstance(self.proc, _Forked)
            failed = self._await_ready()
            if failed is not None and forked:  # the fork server failed, not the job: once more (Popen
                self.start()  # when the server is gone)
                failed = self._await_ready()
            if failed is not None:
                return failed
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

    def _await_ready(self) -> str | None:
        """Wait for the worker's "ready"; None once it is, else what :meth:`run` returns (it was reset)."""
        ready, _, _ = select.select([self.reply], [], [], WARM_UP_TIMEOUT)
        if not ready or not os.read(self.reply, 64):  # stuck, or died while warming up
            if not ready and self.proc is not None:
                _kill_group(self.proc)
            return str(self._reset())
        self.ready = True
        return None

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
        self._server: _ForkServer | None = None
        self._forking = forking_enabled()  # False once the fork server failed: Popen from then on

    def _fork_server(self) -> _ForkServer | None:
        """The pool's fork server, started on first use; None when workers are started with Popen."""
        with self._lock:
            if not self._forking:
                return None
            if self._server is not None and (self._server.dead or self._server.proc.poll() is not None):
                self._server.close()
                self._server, self._forking = None, False  # it died: Popen workers from now on
                return None
            if self._server is None:
                try:
                    self._server = _ForkServer(self.ws, self.size)
                except Exception:  # noqa: BLE001 - Popen workers then
                    self._forking = False
            return self._server

    def _new_worker(self) -> _Worker:
        return _Worker(self.ws, self._fork_server)

    def warm(self) -> WorkerPool:
        """Start the workers' warm-up now, before the jobs are known: the fork server imports while the
        caller plans and checks (``govreport run``: 1–1.5 s of the command's wall on the 2-core machine);
        :meth:`start` forks the workers later. With Popen workers, nothing: each warms up when started."""
        self._fork_server()
        return self

    def start(self, count: int | None = None) -> WorkerPool:
        """Have ``count`` (default: ``size``) workers running and idle."""
        with self._lock:
            missing = min(count or self.size, self.size) - len(self._all)
            for _ in range(max(0, missing)):
                w = self._new_worker()
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
            w = self._new_worker()
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
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.close()  # after its workers: it reaps them, then exits

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
