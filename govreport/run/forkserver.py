"""The worker fork server: one warm-up per command, and every worker forked from it.

A worker's warm-up (:func:`govreport.run.worker.warm_up`: Papermill, nbconvert, every computation with
pandas and scikit-learn, Great Expectations and a first context, CodeCarbon, plotly.js) costs about 8 s of
CPU. Started as new interpreters, ``N`` workers pay it ``N`` times per command — twice on the 2-core bench,
sixteen times on a 16-core server — and a worker replaced after a job's timeout pays it again.

``python -m govreport.run.forkserver SOCKET_FD PARENT_PID`` is started once per
:class:`~govreport.run.pool.WorkerPool` (its client is in :mod:`govreport.run.pool`). Before it warms up it
starts one kernel zygote per worker to come (:data:`ZYGOTES_ENV`, the pool's size; ``python -m
govreport.run.zygote``), which import ipykernel on another core meanwhile; each worker forked is handed one
(:func:`govreport.run.kernels.adopt`: its socket goes to the worker, the process stays this server's
child, reaped here, and ends when its worker closes the socket or dies — killing its kernels); a worker
forked when none is left starts its own. Then it warms up once, checks that no Python thread runs, and
answers requests on ``SOCKET_FD`` (``SOCK_SEQPACKET``;
one JSON message per packet):

* pool → server: ``{"id": N, "cwd": "...", "env": {...}}`` with three descriptors attached
  (``SCM_RIGHTS``): the worker's standard input (the read end of its job pipe), the write end of its reply
  pipe and its log file (standard output and error);
* server → pool: ``{"ready": PID}`` once warm; ``{"started": PID, "id": N}`` per request (``{"error": ...,
  "id": N}`` when the fork failed); ``{"exited": PID, "code": C, "cpu": S}`` when a worker ends — its exit
  code as :attr:`subprocess.Popen.returncode` gives it. The server reaps its workers with ``os.wait4``, so
  their CPU reaches whoever reaps the server (the runner: ``RUSAGE_CHILDREN``). The loop is
  :class:`govreport.run._forking.Server`, shared with the kernel zygote.

A forked worker starts its own session (its process group is what the runner kills on a job timeout: the
worker, and a kernel zygote it started itself; the zygote handed to it ends with it, killing its kernels),
dies with the server (``PR_SET_PDEATHSIG``; the server dies with
the runner), takes the request's folder, environment and descriptors, shows the command line of a worker
started with ``Popen`` (``python -m govreport.run.worker --serve FD``), reseeds numpy's global random
generator (Python's ``random`` reseeds itself), takes its kernel zygote and serves jobs exactly as a
``Popen`` worker does (:func:`govreport.run.worker.serve`). Native threads of the warm server — OpenBLAS's
pool, which numpy starts on import, and jemalloc's background thread, which pyarrow starts — register
``pthread_atfork`` handlers and are re-created in the child; no Python thread, event loop, zmq context or
open socket is inherited.

When the socket closes (the pool is closing), the server waits for its workers — they end when their
standard input closes — and kills those still running after :data:`GRACE` seconds.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, NoReturn

from ._forking import Server, become_child, run_child, serve_main, set_title

#: seconds the server waits for its workers to finish once the pool has closed, before killing them
GRACE = 60.0


#: what the warm-up added to the environment (the plotly.js loader's path, scikit-learn's ``KMP_`` flags):
#: kept in every worker, on top of the environment the pool asks for
_WARM_ENV: dict[str, str] = {}

#: how many kernel zygotes the server starts before it warms up (the pool's size; set by the pool)
ZYGOTES_ENV = "GOVREPORT_FORK_ZYGOTES"

#: the kernel zygotes started for the workers to come, one handed to each worker forked (see _warm_up)
_SPARE: list[Any] = []
#: every zygote started here (kept: a collected ``Popen`` could reap it behind the server's loop)
_ZYGOTES: list[Any] = []


def _child(req: dict[str, Any], fds: list[int], closing: list[int], server: int, zygote: Any) -> None:
    """In the forked child: become a worker (with ``zygote``, the kernel zygote started for it, or None);
    never returns."""

    def worker() -> int:
        become_child(closing, server)
        stdin, reply, log = fds
        os.dup2(stdin, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        for fd in {stdin, log} - {0, 1, 2}:
            os.close(fd)
        os.chdir(req["cwd"])
        cmd = [sys.executable, "-m", "govreport.run.worker", "--serve", str(reply)]
        set_title(cmd, b"govreport-wkr")  # a Popen worker's (benches and operators tell processes by it)
        os.environ.clear()
        os.environ.update(req["env"])
        os.environ.update(_WARM_ENV)
        if "numpy" in sys.modules:  # its global generator is not reseeded on fork, unlike `random`
            import numpy

            numpy.random.seed()
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the job paths, line by line
        from .worker import serve

        if zygote is not None:
            from . import kernels

            kernels.adopt(zygote)
        return serve(reply, warmed=True)

    run_child(worker)


class _Server(Server):
    FDS = 3  # the worker's standard input, reply pipe and log

    def __init__(self, sock: Any) -> None:
        super().__init__(sock)
        self.children.update(z.proc.pid for z in _ZYGOTES)  # reaped (and waited for) as the workers are

    def spawn(self, req: dict[str, Any], fds: list[int]) -> None:
        rid = req.get("id")
        if len(fds) != 3:
            self.send({"error": "a request needs the worker's stdin, reply pipe and log", "id": rid})
            return
        self.flush()
        zygote = _SPARE.pop(0) if _SPARE else None
        closing = [*self.closing, *(z.sock.fileno() for z in _SPARE)]  # the other spares are not its own
        try:
            pid = os.fork()
        except OSError as e:
            if zygote is not None:
                _SPARE.insert(0, zygote)
            self.send({"error": f"fork failed: {e}", "id": rid})
            return
        if pid == 0:  # pragma: no cover - the child (tested through real workers)
            _child(req, fds, closing, os.getppid(), zygote)
        if zygote is not None:
            zygote.sock.close()  # the worker's now: the zygote ends when the worker closes it, or dies
        self.children.add(pid)
        self.send({"started": pid, "id": rid})

    def stop(self) -> None:
        """The pool is done: wait for the workers to finish (their stdin is closed) and for their zygotes
        (each ends when its worker has), reaped so that their CPU is counted; kill those still running
        after :data:`GRACE` seconds."""
        for z in _SPARE:  # never handed to a worker: it ends when its socket closes
            z.sock.close()
        _SPARE.clear()
        self.wait_children(GRACE)
        super().stop()


def _start_zygotes() -> None:
    """Before the warm-up: the kernel zygotes of the workers to come (the pool's size, at most 64), which
    import ipykernel on another core while this process imports Great Expectations — a worker's first
    kernel then need not wait for them (about 1 s of CPU each, on the first jobs' path otherwise). Each is
    this server's child, reaped here; one that cannot start is left to its worker, which starts its own."""
    try:
        count = min(64, max(0, int(os.environ.pop(ZYGOTES_ENV, "0"))))
    except ValueError:
        count = 0
    from . import kernels

    if not kernels.enabled():
        return
    for _ in range(count):
        try:
            z = kernels.Zygote()
        except Exception:  # noqa: BLE001 - the worker starts its own
            return
        _SPARE.append(z)
        _ZYGOTES.append(z)


def _warm_up() -> None:
    """The workers' warm-up, once, without the kernel zygote; what it added to the environment is kept."""
    from .worker import plotly_loader_path, warm_up

    before = dict(os.environ)
    plotly_loader_path()  # named first: the zygotes have the environment of the workers' kernels
    _start_zygotes()
    spent = warm_up(zygote=False)
    _WARM_ENV.update({k: v for k, v in os.environ.items() if before.get(k) != v})
    if os.environ.get("GOVREPORT_WORKER_TIMINGS"):
        print(f"fork server {os.getpid()} warmed up: {json.dumps(spent)}", file=sys.stderr)


def main(argv: list[str]) -> NoReturn:
    """Die with the runner (the workers then die with this process), warm up, serve."""
    serve_main(argv, _Server, _warm_up, "fork server")


if __name__ == "__main__":
    main(sys.argv[1:])
