"""Forked kernels (issue 22): each notebook still runs in a fresh, isolated kernel process — forked from the
worker's zygote, which has imported ipykernel and the presenting modules — and the job's timings count that
kernel's CPU. Other kernelspecs, the switch and a dead zygote fall back to jupyter_client's Popen launch.

Real kernels, run through the worker's own ``run_job`` (as a long-lived worker runs each job)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import psutil
import pytest

from govreport.run import kernels, worker
from tests.helpers.nb import write_notebook

pytestmark = pytest.mark.slow

OBSERVE = (
    "import json, os, random, sys, govreport.present.charts as charts\n"
    "seen = {'pid': os.getpid(), 'ppid': os.getppid(), 'sid': os.getsid(0), 'cwd': os.getcwd(),\n"
    "        'env': os.environ.get('GOVREPORT_TEST_LEAK'), 'leaked_global': 'LEAK' in globals(),\n"
    "        'patched': getattr(charts, 'show', None) == 'patched', 'random': random.random(),\n"
    "        'numpy': 'numpy' in sys.modules, 'argv0': os.path.basename(sys.argv[0]),\n"
    "        'cmdline': open('/proc/self/cmdline', 'rb').read().replace(bytes(1), b' ').decode()}\n"
    "open(os.path.join(out, 'seen.json'), 'w').write(json.dumps(seen))"
)
LEAK = (
    "import os, govreport.present.charts as charts\n"
    "LEAK = 1\ncharts.show = 'patched'\nos.environ['GOVREPORT_TEST_LEAK'] = 'yes'\nos.chdir('/')"
)


@pytest.fixture
def zygote():
    """The worker's zygote, started by the first call (in the test's own phase: pytest changes
    PYTEST_CURRENT_TEST between phases, and a zygote serves only its own environment)."""
    kernels._restarts = 0
    worker.warm_renderer()  # as the worker's warm-up: the environment it sets is the kernels' too

    def start() -> kernels.Zygote:
        z = kernels.start_zygote()
        assert z is not None and z.wait_ready(), "the zygote did not start"
        return z

    yield start
    kernels.stop_zygote()


def _job(tmp: Path, name: str, *cells: str) -> tuple[dict, dict]:
    """Run one notebook through the worker's run_job; its status.json and what it wrote to seen.json."""
    folder = tmp / name
    folder.mkdir()
    template = write_notebook(tmp / f"{name}.ipynb", *cells, params="out = None\n")
    spec = {
        "template": str(template),
        "output": str(folder / "notebook.ipynb"),
        "html": str(folder / "report.html"),
        "parameters": {"out": str(folder)},
        "kernel": "python3",
        "cell_timeout": 120,
        "cwd": str(tmp),
        "title": name,
        "running": ["", ""],
        "compute": None,
    }
    worker.run_job(spec)
    seen = folder / "seen.json"
    return (
        json.loads((folder / "status.json").read_text()),
        json.loads(seen.read_text()) if seen.is_file() else {},
    )


def test_each_notebook_gets_a_fresh_forked_kernel_that_sees_nothing_of_the_last(tmp_path, zygote):
    zygote = zygote()
    status_a, a = _job(tmp_path, "first", OBSERVE, LEAK)
    status_b, b = _job(tmp_path, "second", OBSERVE)
    assert status_a["status"] == status_b["status"] == "succeeded", (status_a, status_b)
    # forked from the zygote, each in its own session, neither being the zygote
    assert a["ppid"] == b["ppid"] == zygote.pid
    assert len({a["pid"], b["pid"], zygote.pid, os.getpid()}) == 4
    assert a["sid"] == a["pid"] and b["sid"] == b["pid"]
    # what the first one did (global, patched module, environment, folder) does not reach the second
    assert b["leaked_global"] is False and b["patched"] is False and b["env"] is None
    assert b["cwd"] == str(tmp_path)
    assert a["random"] != b["random"]  # Python's random reseeds in each child
    assert a["numpy"] is False and a["argv0"] == "ipykernel_launcher.py"
    assert "-m ipykernel_launcher -f " in a["cmdline"]  # what ps shows, as for a kernel Popen started
    assert zygote.alive()


def test_a_kernel_that_exits_fails_its_job_and_the_next_job_works(tmp_path, zygote):
    zygote = zygote()
    status, _ = _job(tmp_path, "dies", "import os\nos._exit(1)", OBSERVE)
    assert status["status"] == "failed"
    assert "the kernel died" in status["error"], status["error"]
    status, seen = _job(tmp_path, "after", OBSERVE)
    assert status["status"] == "succeeded" and seen["ppid"] == zygote.pid  # the same zygote, unharmed
    assert zygote.alive() and kernels._zygote is zygote


def test_the_jobs_cpu_includes_its_forked_kernels(tmp_path, zygote):
    zygote = zygote()
    burn = "import time\nt = time.process_time()\nwhile time.process_time() - t < 1.0:\n    pass"
    status, seen = _job(tmp_path, "burns", burn, OBSERVE)
    assert status["status"] == "succeeded" and seen["ppid"] == zygote.pid
    assert status["timings"]["notebook_cpu_s"] >= 1.0, status["timings"]
    # once the zygote is reaped, its kernels' CPU is in the children times and no longer reported apart
    before = os.times()
    reported = kernels.forked_cpu()
    assert reported >= 1.0
    kernels.stop_zygote()
    after = os.times()
    assert kernels.forked_cpu() == 0.0
    grown = (after.children_user + after.children_system) - (before.children_user + before.children_system)
    assert grown >= reported - 0.01


def _start(kernel_name: str) -> tuple[object, int]:
    """Start a kernel as the worker does; the manager and the kernel's parent pid."""
    km = kernels.kernel_manager(kernel_name)

    async def go() -> int:
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            kc.execute("import os; print(os.getppid())")
            while True:
                msg = await kc.get_iopub_msg(timeout=60)
                if msg["msg_type"] == "stream":
                    return int(msg["content"]["text"])
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)

    return km, asyncio.run(go())


def test_another_kernelspec_starts_with_popen(tmp_path, zygote, monkeypatch):
    zygote = zygote()
    spec_dir = tmp_path / "kernels" / "other"
    spec_dir.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel", "-f", "{connection_file}"]  # not ipykernel_launcher
    (spec_dir / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "o", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert kernels.forkable_argv(argv) is None
    assert kernels.forkable_argv(["/usr/bin/env", "-m", "ipykernel_launcher", "-f", "x"]) is None
    assert kernels.forkable_argv([sys.executable, "-m", "ipykernel_launcher", "-f", "x"]) == ["-f", "x"]
    km, ppid = _start("other")
    assert km.provisioner.forked is False and ppid == os.getpid()


def test_the_switch_turns_forking_off(monkeypatch):
    monkeypatch.setenv(kernels.SWITCH, "0")
    assert kernels.start_zygote() is None
    km, ppid = _start("python3")
    assert not getattr(km.provisioner, "forked", False) and ppid == os.getpid()


def test_a_dead_zygote_is_restarted_for_the_next_kernel(tmp_path, zygote):
    zygote = zygote()
    os.kill(zygote.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while zygote.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    status, seen = _job(tmp_path, "restarted", OBSERVE)
    fresh = kernels._zygote
    assert fresh is not None and fresh is not zygote  # restarted when the job started, from this thread
    assert status["status"] == "succeeded" and seen["ppid"] == fresh.pid
    status, seen = _job(tmp_path, "forked-again", OBSERVE)
    assert status["status"] == "succeeded" and seen["ppid"] == fresh.pid


def test_a_jobs_kernel_starts_in_its_own_thread_while_the_zygote_imports(tmp_path, zygote):
    """A worker's first job computes while its zygote still imports (≈ 1 s): the kernel waits for the
    zygote in a thread of its own, the computation does not."""
    z = kernels.start_zygote()
    assert z is not None
    started = worker._start_kernel({"kernel": "python3", "cwd": str(tmp_path)})
    assert z.pid is None  # returned at once: the zygote has not even said it is ready
    km = started()
    assert km is not None and km.provisioner.forked and z.pid is not None
    assert psutil.Process(km.provisioner.pid).ppid() == z.pid
    worker._stop_kernel(km)


def test_a_zygote_serves_only_the_environment_it_was_started_with(tmp_path, zygote, monkeypatch, capfd):
    zygote = zygote()
    monkeypatch.setenv("KMP_INIT_AT_FORK", "FALSE")  # set by scikit-learn in the worker: not a change
    status, seen = _job(tmp_path, "same-env", OBSERVE)
    assert status["status"] == "succeeded" and seen["ppid"] == zygote.pid
    monkeypatch.setenv("GOVREPORT_TEST_SETTING", "changed")  # as PYTHONPATH, or a switch read on import
    status, seen = _job(tmp_path, "new-env", OBSERVE)
    assert "zygote restarted: the environment changed (GOVREPORT_TEST_SETTING)" in capfd.readouterr().err
    fresh = kernels._zygote
    assert fresh is not None and fresh is not zygote
    assert fresh.env["GOVREPORT_TEST_SETTING"] == "changed"
    assert status["status"] == "succeeded" and seen["ppid"] == fresh.pid  # from the new one
    status, seen = _job(tmp_path, "forked-again", OBSERVE)
    assert status["status"] == "succeeded" and seen["ppid"] == fresh.pid


def test_a_kernel_that_dies_while_booting_is_replaced_and_the_job_succeeds(
    tmp_path, zygote, monkeypatch, capfd
):
    """The job's kernel boots while the worker computes; one that dies before its first reply (a port
    taken under it, say) is the machine's accident: Papermill starts another, the job succeeds."""
    zygote = zygote()
    started = worker._start_kernel
    killed = []

    def start_then_die(spec):
        km = started(spec)()
        assert km is not None and km.provisioner.forked
        os.killpg(km.provisioner.pid, signal.SIGKILL)
        killed.append(km.provisioner.pid)
        return lambda: km

    monkeypatch.setattr(worker, "_start_kernel", start_then_die)
    status, seen = _job(tmp_path, "replaced", OBSERVE)
    assert killed and status["status"] == "succeeded", status
    assert seen["pid"] != killed[0] and seen["ppid"] == os.getpid()  # the replacement: Popen
    err = capfd.readouterr().err
    assert "the job's kernel died before it answered (Kernel died before replying to kernel_info)" in err
    assert zygote.alive()  # the zygote serves the next job
    monkeypatch.setattr(worker, "_start_kernel", started)
    status, seen = _job(tmp_path, "next", OBSERVE)
    assert status["status"] == "succeeded" and seen["ppid"] == zygote.pid
