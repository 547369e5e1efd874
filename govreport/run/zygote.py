"""The kernel zygote: a fork server that has imported what every presenting kernel imports, so that each
notebook's fresh kernel starts as a copy of it instead of a new interpreter.

``python -m govreport.run.zygote SOCKET_FD PARENT_PID`` is started once per worker — by the worker fork
server before it forks the worker, or by the worker itself (:mod:`govreport.run.kernels` is its client). It
imports IPython, ipykernel (with zmq, tornado, jedi and its debugger) and the govreport modules the packaged
templates import — but no pandas, numpy, plotly or Great Expectations, and it starts no thread, no event
loop and no zmq context: a forked child inherits memory, never a running thread or an open socket. Then it
answers requests on ``SOCKET_FD`` (a ``SOCK_SEQPACKET`` socket; one JSON message per packet):

* worker → zygote: ``{"argv": [...], "env": {...}, "cwd": "..."}`` with the worker's current stdout and
  stderr attached (``SCM_RIGHTS``) — the arguments of ``ipykernel_launcher`` and the environment and folder
  jupyter_client would have started the kernel with;
* zygote → worker: ``{"ready": PID}`` once imported; ``{"started": PID}`` per request (``{"error": ...}``
  when the fork failed); ``{"exited": PID, "code": C, "cpu": S}`` when a kernel ends — its exit code as
  :attr:`subprocess.Popen.returncode` gives it and its CPU seconds (user + system, its reaped children
  included) from ``os.wait4``, which the worker adds to the job's timings.

Each child starts its own session (as jupyter_client's ``start_new_session``), dies with the zygote
(``PR_SET_PDEATHSIG``; the zygote dies with its starter and ends with its worker), takes the request's
folder, environment, ``sys.argv``, ``sys.path`` and standard streams (stdin from ``/dev/null``), and runs
``ipykernel_launcher`` as ``python -m`` would; it never returns into the zygote's loop. Python's ``random``
reseeds itself in the child. What stays shared with the zygote: the hash seed of ``str`` (as with a fixed
``PYTHONHASHSEED``) and modules imported before the request — imported, never run by a notebook. The zygote
exits when the worker closes the socket, after killing and reaping the kernels still running.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
from typing import Any, NoReturn

from ._forking import Server, become_child, run_child, serve_main, set_title

#: what a presenting kernel imports: ipykernel's start-up and the packaged templates' first cells
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "tornado.gen",
    "tornado.locks",
    "tornado.queues",
    "tornado.platform.asyncio",
    "IPython.display",
    "govreport.present.charts",
    "govreport.present.figures",
    "govreport.present.html",
    "govreport.present.training",
    "govreport.present.genai_review",
    "govreport.present.i18n",
    "govreport.present.review",
    "govreport.present.sustainability",
    "govreport.assessments.registry",
    "govreport.assessments.sustainability_view",
    "govreport.run.context",
    "govreport.run.presenting",
)

#: never imported here: their state (numpy's global random generator) would be shared by every kernel
FORBIDDEN = ("numpy", "pandas")

#: sys.path without the entry ``python -m`` puts first (the folder; none under ``-P``/``PYTHONSAFEPATH``)
_BASE_PATH = sys.path[:] if sys.flags.safe_path else sys.path[1:]


def _preload() -> None:
    import importlib

    for name in PRELOAD:
        with contextlib.suppress(Exception):  # a kernel that needs it imports it and reports the error
            importlib.import_module(name)
    leaked = [m for m in FORBIDDEN if m in sys.modules]
    if leaked:  # a module above started importing them: better no zygote than a shared random state
        raise SystemExit(f"govreport zygote: {', '.join(leaked)} imported while preloading")


def _child(req: dict[str, Any], out: int, err: int, closing: list[int], go: int, zygote: int) -> None:
    """In the forked child: become the kernel; never returns."""

    def kernel() -> int:
        become_child(closing, zygote)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(err, 2)
        for fd in {null, out, err} - {0, 1, 2}:
            os.close(fd)
        os.write(go, b"1")  # set up: the zygote may now tell the worker (its session is the kernel's pid)
        os.close(go)
        os.chdir(req["cwd"])
        set_title([sys.executable, "-m", "ipykernel_launcher", *req["argv"]], b"ipykernel")  # before environ
        os.environ.clear()
        os.environ.update(req["env"])
        import runpy

        first = [] if sys.flags.safe_path else [os.getcwd()]
        sys.path[:] = [*first, *_BASE_PATH]  # as `python -m` sets it; ipykernel_launcher removes the folder
        sys.argv = ["-m", *req["argv"]]
        sys.orig_argv = [sys.executable, "-m", "ipykernel_launcher", *req["argv"]]  # as Popen's kernel
        runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
        return 0

    run_child(kernel)


class _Server(Server):
    FDS = 2  # the kernel's stdout and stderr

    def spawn(self, req: dict[str, Any], fds: list[int]) -> None:
        if len(fds) != 2:
            self.send({"error": "a request needs the kernel's stdout and stderr"})
            return
        go_r, go_w = os.pipe()
        closing = [*self.closing, go_r]
        self.flush()
        try:
            pid = os.fork()
        except OSError as e:
            os.close(go_r)
            os.close(go_w)
            self.send({"error": f"fork failed: {e}"})
            return
        if pid == 0:  # pragma: no cover - the child (tested through real kernels)
            _child(req, fds[0], fds[1], closing, go_w, os.getppid())
        os.close(go_w)
        self.children.add(pid)
        with contextlib.suppress(OSError):
            select.select([go_r], [], [], 10.0)  # the child set up its session (or died: end of file)
        os.close(go_r)
        self.send({"started": pid})

    # stop: the worker is done — the kernels still running are killed and reaped, their CPU counted


def main(argv: list[str]) -> NoReturn:
    """Die with whoever started it — its worker (whose process-group kill reaches this process too), or the
    fork server, which hands it to a worker: it then ends when that worker's end of the socket closes —,
    preload, serve."""
    serve_main(argv, _Server, _preload, "zygote")


if __name__ == "__main__":
    main(sys.argv[1:])
