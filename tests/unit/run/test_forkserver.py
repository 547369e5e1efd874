"""One warm-up per pool: the workers are forked from the worker fork server (``govreport.run.forkserver``),
each in its own session, with the environment the warm-up made; the pool falls back to ``Popen`` workers
when the server dies or is switched off, and leaves no process behind."""

from __future__ import annotations

import os
import signal
import sys
import time

import psutil
import pytest

from govreport.evidence.queries import open_store
from govreport.run.pool import SWITCH, _Forked
from govreport.run.runner import WorkerPool, run_period
from tests.unit.run.test_runner import make_ws

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server is Linux only"),
]


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_workers_are_forked_from_one_warm_server_and_nothing_remains(tmp_path, monkeypatch):
    monkeypatch.delenv(SWITCH, raising=False)
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # as the CLI sets it (debugpy's warning)
    ws = make_ws(tmp_path, ["fork-a", "fork-b", "fork-c"], parallelism=2)
    with WorkerPool(ws, 2).start() as pool:
        summary = run_period(ws, "2026Q3", workers=pool)
        assert not summary.failed
        server = pool._server
        assert server is not None
        workers = [w.proc for w in pool._all]
        assert all(isinstance(p, _Forked) for p in workers)
        pids = [p.pid for p in workers]
        assert len(set(pids)) == 2
        for pid in pids:
            proc = psutil.Process(pid)
            assert proc.ppid() == server.proc.pid  # forked by the server, not started by the runner
            assert os.getsid(pid) == pid and os.getpgid(pid) == pid  # its own session: killed as a group
            assert "govreport.run.worker --serve" in " ".join(proc.cmdline())  # as a Popen worker shows
            assert not [c for c in proc.children() if "govreport.run.zygote" in " ".join(c.cmdline())]
        # one kernel zygote per worker, started by the server before it warmed up and handed over: each
        # forked and reaped kernels (the 3 jobs' kernels came from them, none from a zygote of its own)
        zygotes = [
            c
            for c in psutil.Process(server.proc.pid).children()
            if "govreport.run.zygote" in " ".join(c.cmdline())
        ]
        assert len(zygotes) == 2
        for zygote in zygotes:
            times = zygote.cpu_times()
            assert times.children_user + times.children_system > 0
            env = zygote.environ()  # the workers' environment but for what differs per kernel
            assert env["GOVREPORT_WORKSPACE"] == str(ws.root)
            loader = env.get("GOVREPORT_PLOTLY_LOADER")  # made once by the server's warm-up, kept
            assert loader and os.path.isfile(loader)
        server_pid = server.proc.pid
    recs = open_store(ws).records()
    assert {r.summary["worker"]["pid"] for r in recs} <= set(pids)
    assert all(r.summary["timings"]["start_cpu_s"] < 1.0 for r in recs)  # no job paid for a warm-up
    assert all(_gone(pid) for pid in [*pids, *(z.pid for z in zygotes), server_pid])
    assert os.path.exists(loader) is False  # removed once, by the server, after its workers ended
    logs = list((ws.state_dir / "logs").glob("*.log"))
    assert logs == []  # every worker's and the server's log was empty, and removed


def test_a_warmed_pool_that_runs_nothing_kills_its_server_at_close(tmp_path, monkeypatch):
    """``govreport run`` starts the warm-up before it knows its jobs; a command that then runs nothing (bad
    input, nothing to run) is not held up by the rest of the warm-up."""
    monkeypatch.delenv(SWITCH, raising=False)
    ws = make_ws(tmp_path, ["idle-a"], parallelism=1)
    pool = WorkerPool(ws, 1).warm()
    server = pool._server
    assert server is not None and pool._all == []  # warming up, no worker forked
    pool.close()
    assert server.proc.returncode == -signal.SIGKILL  # killed, not waited for
    assert _gone(server.proc.pid)


def test_a_fork_server_that_dies_costs_no_job(tmp_path, monkeypatch):
    monkeypatch.delenv(SWITCH, raising=False)
    ws = make_ws(tmp_path, ["srv-a", "srv-b"], parallelism=1)
    with WorkerPool(ws, 1).start() as pool:
        server = pool._server
        assert server is not None
        os.kill(server.proc.pid, signal.SIGKILL)  # while it warms up: the worker was never forked
        summary = run_period(ws, "2026Q3", workers=pool)
        assert not summary.failed, summary.results
        (w,) = pool._all
        assert not isinstance(w.proc, _Forked) and psutil.Process(w.proc.pid).ppid() == os.getpid()
        assert pool._server is None  # Popen workers from now on


def test_switched_off_workers_are_new_interpreters(tmp_path, monkeypatch):
    monkeypatch.setenv(SWITCH, "0")
    ws = make_ws(tmp_path, ["popen-a"], parallelism=1)
    with WorkerPool(ws, 1).start() as pool:
        assert not run_period(ws, "2026Q3", workers=pool).failed
        (w,) = pool._all
        assert pool._server is None and not isinstance(w.proc, _Forked)
        assert psutil.Process(w.proc.pid).ppid() == os.getpid()


def test_a_timed_out_forked_worker_is_killed_with_its_group_and_replaced_by_a_fork(tmp_path, monkeypatch):
    monkeypatch.delenv(SWITCH, raising=False)
    monkeypatch.setenv("PROBE_SLEEP", "120")
    ws = make_ws(tmp_path, ["slow-one", "zz-after"], parallelism=1, notebook_timeout=20)
    with WorkerPool(ws, 1).start() as pool:
        started = time.monotonic()
        by_id = {r.system_id: r for r in run_period(ws, "2026Q3", workers=pool).results}
        assert time.monotonic() - started < 90
        assert by_id["slow-one"].status == "failed" and "timed out" in by_id["slow-one"].error
        assert by_id["zz-after"].status == "succeeded"
        (w,) = pool._all
        assert isinstance(w.proc, _Forked)  # the replacement was forked too: no second warm-up
        assert psutil.Process(w.proc.pid).ppid() == pool._server.proc.pid
        # the killed worker's zygote (the server's child) ended with it, and the sleeping kernel with it
        kernels = [
            p
            for p in psutil.Process(pool._server.proc.pid).children(recursive=True)
            if not _gone(p.pid) and "ipykernel" in " ".join(p.cmdline())
        ]
        assert kernels == []
    rec = next(r for r in open_store(ws).records() if r.system_id == "zz-after")
    assert rec.summary["worker"]["job"] == 1 and rec.summary["timings"]["start_cpu_s"] < 1.0


@pytest.mark.parametrize("forked", [True, False], ids=["fork-server", "popen"])
def test_a_worker_started_from_a_jobs_thread_outlives_that_thread(tmp_path, monkeypatch, forked):
    """Linux's PR_SET_PDEATHSIG fires when the *thread* that started a process ends, and jobs run in
    threads that end with their period: a worker (or the fork server) started from one of them — a worker
    restarted after a timeout, or the Popen fallback — was killed with it, then handed the next period's
    job. The pool starts processes from a thread that lives as long as the process."""
    import threading

    monkeypatch.setenv(SWITCH, "1" if forked else "0")
    ws = make_ws(tmp_path, ["one-a"], parallelism=1)
    pool = WorkerPool(ws, 1)
    try:
        t = threading.Thread(target=lambda: pool.acquire().start())  # as a job's thread (re)starting one
        t.start()
        t.join()
        (w,) = pool._all
        assert (pool._server is not None) is forked and isinstance(w.proc, _Forked) is forked
        deadline = time.monotonic() + 60
        while w.proc.pid is None and time.monotonic() < deadline:  # a fork is reported once made
            time.sleep(0.05)
        pid = w.proc.pid
        time.sleep(1.5)  # a death signal sent when the thread ended would have landed by now
        assert pid is not None and w.proc.poll() is None and not _gone(pid)
        pool.release(w)
        assert not run_period(ws, "2026Q3", workers=pool).failed
        assert open_store(ws).records()[-1].summary["worker"]["pid"] == pid  # it served the job
    finally:
        pool.close()
