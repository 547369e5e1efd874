"""Forked kernels: every notebook still gets a fresh, isolated kernel process, without paying for a new
interpreter and ipykernel's imports each time.

Each worker has one :mod:`govreport.run.zygote`: started by the worker fork server before it warms up, and
handed to the worker it forks (:func:`adopt`), or started by the worker itself when it warms up
(:func:`start_zygote`: a ``Popen`` worker, or one forked when the server had none left); the zygote has
imported ipykernel, IPython and the presenting govreport modules and forks one child per kernel. The child
is a new process in its own session, with the job's folder, environment and standard streams, running
``ipykernel_launcher`` as ``python -m`` would: nothing one notebook does (globals, patched modules,
environment, folder) reaches another, and each kernel has its own pid.

:func:`kernel_manager` gives the job's ``AsyncKernelManager``; its provisioner (:class:`ForkProvisioner`, a
jupyter_client ``LocalProvisioner``) asks the zygote instead of ``Popen`` only when the kernelspec runs this
same Python with ``ipykernel_launcher``, on Linux, with ``GOVREPORT_FORK_KERNELS`` not ``0``. Any other
kernelspec (a bank's own environment, another language): the ordinary ``Popen`` launch. A zygote that died,
or was started with another environment than the job's kernel has (but for :data:`_PER_KERNEL`), is
restarted when the job starts (:func:`refresh`, from the worker's main thread), and the kernel comes from
the new one; any failure of the zygote falls back to ``Popen`` — never fails the job.

Accounting: a forked kernel is the zygote's child, so the worker's ``os.times()`` does not see it;
:func:`forked_cpu` is the CPU of the forked kernels that ended (the zygote reaps them with ``os.wait4`` and
reports it), which the worker adds to its job timings. Once a zygote the worker started is reaped, its
kernels are in the worker's children times and leave :func:`forked_cpu`; those of an adopted zygote (which
the fork server reaps) stay in it — nothing is counted twice, nothing lost.
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
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from ._forking import start_server

#: set to ``0`` to start every kernel with ``Popen`` (a new interpreter), as jupyter_client does
SWITCH = "GOVREPORT_FORK_KERNELS"

#: seconds a zygote may take to import before a kernel is started without it
READY_TIMEOUT = 60.0
#: how many times a worker restarts a zygote that died, before it starts every kernel with Popen
MAX_RESTARTS = 3

#: environment variables that may differ between a zygote and the kernels it forks: read when a kernel
#: runs, never when a module the zygote imports is imported (or, for ``JPY_PARENT_PID``, read then but only
#: whether it is set matters). The ``KMP_`` ones are set in the worker by threadpoolctl and scikit-learn when
#: a computation first imports them; only Intel's OpenMP runtime reads them, when it loads — never in the
#: zygote, which loads neither numpy nor scikit-learn.
_PER_KERNEL = (
    "JPY_SESSION_NAME",
    "PYTHONEXECUTABLE",
    "KMP_DUPLICATE_LIB_OK",
    "KMP_INIT_AT_FORK",
    # ipykernel reads it on import, and only whether it is set matters: a forked kernel's parent is its
    # zygote, so ipykernel's parent poller always falls back to watching for init (ipykernel 6–7)
    "JPY_PARENT_PID",
    # the worker's own log (a Spark session's output; govreport.data.sources): read when a kernel runs it
    "GOVREPORT_PROCESS_LOG",
    # set by the warm-up, after the fork server started its zygotes; read by Great Expectations on import,
    # which a zygote never imports (it imports numpy: FORBIDDEN in govreport.run.zygote)
    "GX_ANALYTICS_ENABLED",
)


def enabled() -> bool:
    """Whether kernels may be forked here: Linux, and not switched off."""
    return sys.platform.startswith("linux") and os.environ.get(SWITCH, "1").strip() not in (
        "0",
        "false",
        "no",
    )


def _comparable(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in _PER_KERNEL}


class ZygoteError(Exception):
    """The zygote could not start this kernel (the caller starts it with Popen)."""


class Zygote:
    """The worker's side of one ``python -m govreport.run.zygote`` process — started by the worker, or by
    the worker fork server before it forked the worker (:func:`adopt`; ``proc`` is then None: the server
    reaps it)."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.env = dict(os.environ if env is None else env)
        self.env.pop("PYTHONEXECUTABLE", None)  # as jupyter_client leaves it out of a kernel's environment
        self.env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client sets it for each kernel
        # in the worker's process group: the runner's kill of that group ends it and its kernels (one the
        # fork server started ends when the worker's end of its socket closes, with the worker)
        self.proc: subprocess.Popen[bytes] | None
        self.proc, self.sock = start_server("govreport.run.zygote", env=self.env)
        self.pid: int | None = None  # set when it says it is ready
        self.dead = False
        self.exits: dict[int, tuple[int, float]] = {}  # kernel pid → (exit code, CPU s)
        self.cpu = 0.0  # CPU of the kernels that ended, as the zygote reported it
        self._lock = threading.RLock()

    def _handle(self, doc: dict[str, Any]) -> None:
        if "exited" in doc:
            self.exits[int(doc["exited"])] = (int(doc["code"]), float(doc["cpu"]))
            self.cpu += float(doc["cpu"])
        elif "ready" in doc:
            self.pid = int(doc["ready"])

    def _read(self, timeout: float | None) -> dict[str, Any] | None:
        """One message, or None on timeout; marks the zygote dead at end of file."""
        if self.dead:
            return None
        ready, _, _ = select.select([self.sock], [], [], timeout)
        if not ready:
            return None
        try:
            msg = self.sock.recv(1 << 16)
        except OSError:
            msg = b""
        if not msg:
            self.dead = True
            return None
        doc = json.loads(msg)
        self._handle(doc)
        return doc

    def pump(self) -> None:
        """Take in what the zygote reported meanwhile (kernels that ended), without waiting."""
        with self._lock:
            while self._read(0) is not None:
                pass

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> bool:
        """Wait until the zygote has imported (at most ``timeout`` s); whether it is ready. The lock is
        held for one read at a time: a job's kernel waits here in its own thread (see
        ``worker._start_kernel``) while the job's computation reads the zygote's reports for its timings."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if self.pid is not None or self.dead:
                    return self.pid is not None and not self.dead
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._read(min(left, 0.05))

    def alive(self) -> bool:
        if self.proc is None:  # not this process's child: it has ended when its socket has
            self.pump()
        elif not self.dead and self.proc.poll() is not None:
            self.dead = True
        return not self.dead

    def compatible(self, env: dict[str, str]) -> bool:
        """Whether a kernel with environment ``env`` may come from this zygote: the same environment as
        the zygote's own but for what jupyter_client sets per kernel (import-time settings such as
        ``PYTHONPATH`` or ``PYTHONHASHSEED`` would otherwise differ from a new interpreter's)."""
        return _comparable(env) == _comparable(self.env)

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str) -> ForkedKernel:
        """Fork a kernel running ``ipykernel_launcher argv`` in ``cwd`` with ``env`` and this process's
        current stdout and stderr."""
        with self._lock:
            if not self.wait_ready() or not self.alive():
                raise ZygoteError("the kernel zygote is not running")
            payload = json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode()
            try:
                socket.send_fds(self.sock, [payload], [1, 2])
            except OSError as e:
                self.dead = True
                raise ZygoteError(f"the kernel zygote is gone: {e}") from None
            while True:
                doc = self._read(30.0)
                if doc is None:
                    self.dead = True  # silent or gone: not trusted with another kernel
                    raise ZygoteError("the kernel zygote did not answer")
                if "started" in doc:
                    return ForkedKernel(int(doc["started"]), self)
                if "error" in doc:
                    raise ZygoteError(str(doc["error"]))

    def close(self) -> None:
        """End the zygote (it kills and reaps the kernels still running) and reap it — or, for one the fork
        server started, leave it to the server to reap."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        if self.proc is not None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.sock.close()
        self.dead = True


class ForkedKernel:
    """A forked kernel as jupyter_client's provisioner uses a ``Popen``: ``pid``, ``returncode``,
    :meth:`poll`, :meth:`wait`, :meth:`send_signal`, :meth:`terminate`, :meth:`kill`."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, zygote: Zygote) -> None:
        self.pid = pid
        self.zygote = zygote
        self.returncode: int | None = None
        self.cpu: float | None = None
        self._pidfd: int | None = None
        with contextlib.suppress(OSError, AttributeError):
            self._pidfd = os.pidfd_open(pid)  # tells when it ended if the zygote cannot

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        self.zygote.pump()
        if self.pid in self.zygote.exits:
            self.returncode, self.cpu = self.zygote.exits.pop(self.pid)
        elif not self.zygote.alive() and self._ended():
            self.returncode = -signal.SIGKILL  # killed with its zygote; its CPU is not known here
        if self.returncode is not None and self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None
        return self.returncode

    def _ended(self) -> bool:
        if self._pidfd is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                return True
            return False
        ready, _, _ = select.select([self._pidfd], [], [], 0)
        return bool(ready)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired([str(self.pid)], timeout or 0.0)
            with self.zygote._lock:
                self.zygote._read(0.05)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


_zygote: Zygote | None = None
_restarts = 0
_adopted_cpu = 0.0  # CPU of the kernels of closed zygotes this process did not reap (see adopt)


def current() -> Zygote | None:
    """This worker's zygote, if one was started or adopted."""
    return _zygote


def adopt(z: Zygote) -> None:
    """In a worker forked by the fork server: ``z``, which the server started before forking it (so that
    it had imported by the worker's first job), is this worker's zygote. The server reaps it: its kernels'
    CPU stays in :func:`forked_cpu` after it is closed."""
    global _zygote
    z.proc = None  # the server's child, not this process's (its Popen would report it dead)
    _zygote = z


def start_zygote(env: dict[str, str] | None = None) -> Zygote | None:
    """Start this worker's zygote (replacing one that runs); None when forking is off or impossible."""
    global _zygote
    if not enabled():
        return None
    stop_zygote()
    try:
        _zygote = Zygote(env)
    except Exception:  # noqa: BLE001 - kernels start with Popen
        _zygote = None
    return _zygote


def stop_zygote() -> None:
    """End the zygote; its kernels' CPU is then in this process's children times."""
    global _zygote, _adopted_cpu
    if _zygote is None:
        return
    z, _zygote = _zygote, None
    z.pump()
    z.close()
    if z.proc is None:  # reaped by the fork server: its kernels never reach this process's children times
        _adopted_cpu += z.cpu


def forked_cpu() -> float:
    """CPU seconds of the forked kernels that ended and are not yet in this process's children times."""
    if _zygote is None:
        return _adopted_cpu
    _zygote.pump()
    return _adopted_cpu + _zygote.cpu


def refresh(extra: dict[str, str] | None = None) -> None:
    """In the worker's main thread, before a job's kernel starts in a thread of its own: restart a zygote
    that died, or one started with another environment than the kernel's (``os.environ`` with ``extra``,
    the kernelspec's own variables), so that the kernel comes from the new one once it has imported. The
    kernel's thread never starts a zygote: ``PR_SET_PDEATHSIG`` would kill it when that thread ends."""
    env = {**os.environ, **(extra or {})}
    env["JPY_PARENT_PID"] = str(os.getpid())
    _usable(env)


def _usable(env: dict[str, str]) -> Zygote | None:
    """The zygote for a kernel with environment ``env``, or None (Popen); restarts a dead one, and one
    started with another environment, for the next kernel — from the main thread only (see
    :func:`refresh`; another thread gets None)."""
    global _restarts
    if _zygote is None or not enabled():
        return None
    if not _zygote.alive() or not _zygote.compatible(env):
        if threading.current_thread() is not threading.main_thread():
            return None  # Popen, without restarting it from this thread (see refresh)
        if _restarts >= MAX_RESTARTS or (_zygote.dead and _zygote.pid is None):  # or it never got ready
            stop_zygote()
            return None
        if _zygote.alive():
            ours, theirs = _comparable(env), _comparable(_zygote.env)
            changed = sorted(k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k))
            print(f"kernel zygote restarted: the environment changed ({', '.join(changed)})", file=sys.stderr)
        _restarts += 1
        start_zygote({k: v for k, v in env.items() if k not in _PER_KERNEL})
        return None  # this kernel: Popen, while the new zygote imports
    return _zygote


def forkable_argv(cmd: list[str]) -> list[str] | None:
    """The arguments of ``ipykernel_launcher`` when ``cmd`` runs it with this interpreter, else None."""
    if len(cmd) < 3 or cmd[1:3] != ["-m", "ipykernel_launcher"]:
        return None
    try:
        same = Path(cmd[0]).resolve() == Path(sys.executable).resolve()
    except OSError:
        return None
    return list(cmd[3:]) if same else None


class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
    """jupyter_client's local provisioner, launching from the worker's zygote when it can (see the module
    docstring); otherwise exactly ``LocalProvisioner``."""

    forked = False

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        argv = forkable_argv(cmd)
        env = dict(kwargs.get("env") or os.environ)
        plain = any(kwargs.get(k) is not None for k in ("stdin", "stdout", "stderr")) or kwargs.get(
            "independent"
        )
        env["JPY_PARENT_PID"] = str(os.getpid())  # as jupyter_client's launch_kernel sets it
        zygote = None if argv is None or plain else _usable(env)
        if zygote is not None:
            cwd = str(kwargs.get("cwd") or os.getcwd())
            try:
                self.process = zygote.spawn(argv or [], env, cwd)
            except ZygoteError:
                pass
            else:
                self.forked = True
                self.pid = self.pgid = self.process.pid  # the child started its own session
                self.cwd = cwd
                return self.connection_info
        return await super().launch_kernel(cmd, **kwargs)


def kernel_manager(kernel_name: str) -> Any:
    """The ``AsyncKernelManager`` of one job's kernel, with :class:`ForkProvisioner` when the zygote runs
    (it falls back to Popen by itself)."""
    import uuid

    from jupyter_client.manager import AsyncKernelManager

    from .preflight import kernel_specs  # jupyter_client's own folders, without importing IPython

    km = AsyncKernelManager(kernel_name=kernel_name, kernel_spec_manager=kernel_specs())
    if _zygote is not None and enabled():
        km.kernel_id = str(uuid.uuid4())
        km.provisioner = ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
    return km
