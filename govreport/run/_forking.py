"""What the two fork servers share — the kernel zygote (:mod:`govreport.run.zygote`) and the worker fork
server (:mod:`govreport.run.forkserver`) — and their clients' start.

* :func:`start_server`: ``python -m MODULE SOCKET_FD PARENT_PID`` with one end of a ``SOCK_SEQPACKET``
  socket pair (one JSON message per packet);
* :class:`Server`: the server's loop — a request and its descriptors (``SCM_RIGHTS``) per packet, handed
  to :meth:`Server.spawn`; children reaped with ``os.wait4`` and reported as ``{"exited": PID, "code": C,
  "cpu": S}`` (exit code as :attr:`subprocess.Popen.returncode` gives it, CPU seconds of the child and its
  reaped children); on end of file (the client closed the socket, or died), :meth:`Server.stop`;
* :func:`serve_main`: a server's ``main`` — death with its client, its own preparation (imports), then
  the loop, refused if a thread runs (a fork copies no thread);
* in a forked child: :func:`become_child` (its own session, death with the server, no inherited
  descriptor or signal set-up), :func:`set_title`, and :func:`run_child` (exit as the interpreter would).

``PR_SET_PDEATHSIG`` fires when the *thread* that started a process ends, not its process: a server is
started from a thread that lives as long as its client (``govreport.run.pool._in_spawner``; a worker's
main thread for its zygote), and forks only from its own single thread.

Standard library only: the zygote imports this before it forks kernels, which must not inherit more.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import select
import signal
import socket
import subprocess
import sys
from collections.abc import Callable
from typing import Any, NoReturn


def parent_death_signal() -> None:
    """Linux: SIGKILL this process when the thread that started it ends (elsewhere: nothing)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def start_server(module: str, **popen: Any) -> tuple[subprocess.Popen[bytes], socket.socket]:
    """Start ``python -m module SOCKET_FD PARENT_PID`` (standard input from ``/dev/null``; ``popen``: the
    rest of :class:`subprocess.Popen`'s arguments); the process and this side's socket."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", module, str(theirs.fileno()), str(os.getpid())],
            stdin=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            **popen,
        )
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
    return proc, ours


def serve_main(argv: list[str], server: type[Server], prepare: Callable[[], object], name: str) -> NoReturn:
    """``python -m MODULE SOCKET_FD PARENT_PID``: die with the client, ``prepare()`` (the imports every child
    inherits), then serve on the socket until the client closes it, then :func:`finish`. Exit status 1
    when the client is already gone or a thread started while preparing (a fork would not copy it)."""
    finish(_serve(argv, server, prepare, name))


def _serve(argv: list[str], server: type[Server], prepare: Callable[[], object], name: str) -> int:
    fd, parent = int(argv[0]), int(argv[1])
    parent_death_signal()
    if os.getppid() != parent:
        return 1
    sock = socket.socket(fileno=fd)
    prepare()
    import threading

    if threading.active_count() != 1:  # nothing may run while forking
        print(f"govreport {name}: a thread started while preparing", file=sys.stderr)
        return 1
    server(sock).serve()
    return 0


def become_child(closing: list[int], server: int) -> None:
    """In a child just forked by ``server``: its own session, killed when the server dies, the server's
    descriptors ``closing`` closed and its signal set-up undone. Exits if the server already died."""
    os.setsid()
    parent_death_signal()
    if os.getppid() != server:  # the server died before the death signal was armed
        os._exit(1)
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for fd in closing:
        with contextlib.suppress(OSError):
            os.close(fd)


def set_title(cmd: list[str], short: bytes) -> None:
    """The command line ``ps`` shows (``/proc/PID/cmdline``): ``cmd``, as if ``Popen`` had started it."""
    try:
        import setproctitle  # a C extension; a dependency, but the child runs without it

        setproctitle.setproctitle(" ".join(cmd))
    except Exception:  # noqa: BLE001 - at least the short name (/proc/PID/comm)
        with contextlib.suppress(Exception):
            ctypes.CDLL("libc.so.6").prctl(15, short, 0, 0, 0)  # PR_SET_NAME


def exit_code(e: SystemExit) -> int:
    """The exit status the interpreter gives ``raise SystemExit(e.code)`` (printing a message, as it does)."""
    if isinstance(e.code, int):
        return e.code
    if e.code is None:
        return 0
    print(e.code, file=sys.stderr)
    return 1


def run_child(body: Callable[[], int]) -> NoReturn:
    """In a forked child: ``body()`` as the interpreter would run a program — its return value, a
    ``SystemExit`` or an uncaught exception (printed) give the exit status — then :func:`finish`."""
    code = 1
    try:
        code = body()
    except SystemExit as e:
        code = exit_code(e)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        finish(code)


def finish(code: int) -> NoReturn:
    """What the interpreter does on exit (non-daemon threads joined, atexit handlers, streams flushed), then
    exit: a forked child never returns into its server's loop, and a long-lived process skips the teardown
    of its modules — for a fork server that has imported Great Expectations, pandas and scikit-learn,
    1.2 s of CPU on the path of every command's end (measured on the 2-core machine)."""
    with contextlib.suppress(BaseException):
        import threading

        threading._shutdown()  # type: ignore[attr-defined]
    with contextlib.suppress(BaseException):
        import atexit

        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BaseException):
            stream.flush()
    os._exit(code)


class Server:
    """A fork server's loop (see the module docstring); a subclass forks in :meth:`spawn`."""

    #: descriptors a request carries
    FDS = 0

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.children: set[int] = set()
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler (not SIG_IGN, which loses rusage)
        signal.set_wakeup_fd(self.wake_w)

    @property
    def closing(self) -> list[int]:
        """The server's own descriptors, which a child closes."""
        return [self.sock.fileno(), self.wake_r, self.wake_w]

    def send(self, doc: dict[str, Any]) -> None:
        with contextlib.suppress(OSError):
            self.sock.send(json.dumps(doc).encode())

    def flush(self) -> None:
        """Before forking: nothing buffered is written twice."""
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()

    def _reaped(self, pid: int, status: int, ru: Any) -> None:
        self.children.discard(pid)
        cpu = round(ru.ru_utime + ru.ru_stime, 6)
        self.send({"exited": pid, "code": os.waitstatus_to_exitcode(status), "cpu": cpu})

    def reap(self) -> None:
        """Report the children that ended, without waiting."""
        while self.children:
            try:
                pid, status, ru = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            self._reaped(pid, status, ru)

    def _drain_wake(self) -> None:
        with contextlib.suppress(BlockingIOError):
            while os.read(self.wake_r, 512):
                pass

    def spawn(self, req: dict[str, Any], fds: list[int]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def serve(self) -> None:
        self.send({"ready": os.getpid()})
        while True:
            ready, _, _ = select.select([self.sock.fileno(), self.wake_r], [], [])
            if self.wake_r in ready:
                self._drain_wake()
            self.reap()
            if self.sock.fileno() in ready:
                try:
                    msg, fds, _, _ = socket.recv_fds(self.sock, 1 << 20, self.FDS)
                except OSError:
                    msg, fds = b"", []
                if not msg:
                    break  # the client closed the socket (or died)
                try:
                    self.spawn(json.loads(msg), fds)
                finally:
                    for fd in fds:
                        os.close(fd)
        self.stop()

    def wait_children(self, seconds: float) -> None:
        """Reap the children that end within ``seconds``."""
        import time

        deadline = time.monotonic() + seconds
        while self.children and time.monotonic() < deadline:
            self.reap()
            if self.children:
                select.select([self.wake_r], [], [], min(0.5, max(0.0, deadline - time.monotonic())))
                self._drain_wake()

    def stop(self) -> None:
        """Kill the children still running (each with its session) and reap them, reported."""
        for pid in list(self.children):
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:  # not a session of its own (the fork server's kernel zygotes)
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        signal.set_wakeup_fd(-1)
        while self.children:
            try:
                pid, status, ru = os.wait4(-1, 0)
            except ChildProcessError:
                break
            self._reaped(pid, status, ru)
