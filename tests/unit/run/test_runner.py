"""The run pipeline with real Papermill kernels: isolation, failures, timeouts, kills, versions."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from govreport.errors import KernelError, TemplateError
from govreport.evidence.queries import open_store
from govreport.present.render import count_plotly_bundles
from govreport.run.runner import run_period
from govreport.workspace.config import Workspace
from govreport.workspace.scaffold import init_workspace
from tests.helpers.nb import PROBE, SYSTEM, write_notebook

pytestmark = pytest.mark.slow


def make_ws(tmp_path: Path, ids: list[str], **run_settings) -> Workspace:
    root = init_workspace(tmp_path / "ws", name_zh="測試", name_en="Test")
    for sid in ids:
        (root / "systems" / f"{sid}.yaml").write_text(
            SYSTEM.format(id=sid, template="probe"), encoding="utf-8"
        )
        (root / "data" / f"{sid}_2026Q3.csv").write_text("x\n0.05\n0.07\n", encoding="utf-8")
    write_notebook(root / "templates_nb" / "probe.ipynb", *PROBE)
    if run_settings:
        cfg = (root / "govreport.yaml").read_text(encoding="utf-8")
        for k, v in run_settings.items():
            cfg = cfg.replace(f"  {k}: ", f"  {k}: {v}  # was ", 1)
        (root / "govreport.yaml").write_text(cfg, encoding="utf-8")
    return Workspace.load(root)


def test_failures_are_isolated_kept_and_recorded(tmp_path):
    ws = make_ws(tmp_path, ["ok-one", "fail-one", "die-one", "ok-two"], parallelism=2)
    messages: list[str] = []
    summary = run_period(ws, "2026Q3", progress=messages.append)
    by_id = {r.system_id: r for r in summary.results}
    assert by_id["ok-one"].status == by_id["ok-two"].status == "succeeded"
    assert (
        by_id["fail-one"].status == "failed"
        and "ValueError: planted failure in fail-one" in by_id["fail-one"].error
    )
    assert by_id["die-one"].status == "failed" and "kernel died" in by_id["die-one"].error
    assert any(m.startswith("[4/4]") for m in messages)  # progress reached the end

    # the failing notebook is kept, with the failing cell's error in it
    rec = next(r for r in open_store(ws).records() if r.system_id == "fail-one")
    nb = json.loads((ws.root / rec.outputs["notebook"]["path"]).read_text())
    assert any(o.get("ename") == "ValueError" for c in nb["cells"] for o in c.get("outputs", []))
    assert "html" not in rec.outputs  # no report pretends to be complete

    ok = next(r for r in open_store(ws).records() if r.system_id == "ok-one")
    out_dir = ws.root / Path(ok.outputs["html"]["path"]).parent
    assert out_dir == ws.reports_dir / "2026Q3" / "ok-one" / "probe" / "v1"
    html = (out_dir / "report.html").read_text()
    assert count_plotly_bundles(html) == 1  # embedded exactly once
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", html)  # nothing fetched
    results = json.loads((out_dir / "results.json").read_text())
    assert results["indicators"][0]["status"] == "green" and results["probe"]["rows"] == 2
    assert ok.summary["indicators"]["psi"]["status"] == "green"
    assert {i["role"] for i in ok.inputs} >= {"template", "conversations"}
    assert all(len(i["sha256"]) == 64 for i in ok.inputs)
    assert open_store(ws).verify() == []
    with pytest.raises(Exception, match="2 of 4 runs failed"):
        summary.raise_for_failures()


def test_rerun_creates_new_version_and_keeps_old(tmp_path):
    ws = make_ws(tmp_path, ["ok-one"])
    run_period(ws, "2026Q3")
    first = (ws.reports_dir / "2026Q3/ok-one/probe/v1/report.html").read_bytes()
    run_period(ws, "2026Q3")
    assert (ws.reports_dir / "2026Q3/ok-one/probe/v2/report.html").is_file()
    assert (ws.reports_dir / "2026Q3/ok-one/probe/v1/report.html").read_bytes() == first
    assert [r.version for r in open_store(ws).records()] == [1, 2]
    assert open_store(ws).verify() == []


def test_cell_and_notebook_timeouts(tmp_path, monkeypatch):
    monkeypatch.setenv("PROBE_SLEEP", "90")  # far longer than the run may take: the timeout must end it
    ws = make_ws(tmp_path, ["slow-one", "ok-one"], cell_timeout=3)
    t0 = time.monotonic()
    by_id = {r.system_id: r for r in run_period(ws, "2026Q3").results}
    assert "cell_timeout (3 s)" in by_id["slow-one"].error and by_id["ok-one"].status == "succeeded"
    slow = next(r for r in open_store(ws).records() if r.system_id == "slow-one")
    nb = json.loads(
        (ws.root / slow.outputs["notebook"]["path"]).read_text()
    )  # kept, up to the cell that hung
    ran = [c for c in nb["cells"] if c.get("execution_count")]
    assert ran and "time.sleep" in "".join(
        ran[-1]["source"]
    )  # the last cell that started is the one that hung
    assert time.monotonic() - t0 < 75  # the workers' warm-up included; never the 90 s the cell sleeps

    ws2 = make_ws(tmp_path / "b", ["slow-one"], notebook_timeout=6)
    r = run_period(ws2, "2026Q3").results[0]
    assert r.status == "failed" and "timed out after 6 s" in r.error
    assert not list((ws2.reports_dir / ".staging").iterdir())  # staging moved into a kept, recorded folder


def test_missing_dataset_fails_that_system_only(tmp_path):
    ws = make_ws(tmp_path, ["ok-one", "ok-two"])
    (ws.root / "data" / "ok-two_2026Q3.csv").unlink()
    by_id = {r.system_id: r for r in run_period(ws, "2026Q3").results}
    assert by_id["ok-one"].status == "succeeded"
    assert (
        by_id["ok-two"].status == "failed"
        and "dataset 'conversations' not found at data/ok-two_2026Q3.csv" in by_id["ok-two"].error
    )


def test_manual_run_with_missing_data_starts_nothing_unless_told_to_skip(tmp_path):
    ws = make_ws(tmp_path, ["ok-one", "gone-one", "gone-two"])
    for sid in ("gone-one", "gone-two"):
        (ws.root / "data" / f"{sid}_2026Q3.csv").unlink()
    cmd = [sys.executable, "-m", "govreport", "run", "--period", "2026Q3", "-w", str(ws.root)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines[:2] == [
        "missing: gone-one: dataset 'conversations' not found at data/gone-one_2026Q3.csv",
        "missing: gone-two: dataset 'conversations' not found at data/gone-two_2026Q3.csv",
    ]
    assert lines[2].startswith(
        "error: 2 dataset(s) needed for 2026Q3 are missing; nothing was started or recorded"
    )
    assert "--skip-missing" in lines[2] and len(lines) == 3 and "Traceback" not in proc.stderr
    assert open_store(ws).records() == [] and not (ws.reports_dir / "2026Q3").exists()

    proc = subprocess.run([*cmd, "--skip-missing"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "skipped, not recorded: gone-one: dataset 'conversations'" in proc.stderr
    assert "1 succeeded, 0 failed" in proc.stdout
    assert [(r.system_id, r.status) for r in open_store(ws).records()] == [("ok-one", "succeeded")]


def test_fail_on_gates_a_pipeline_on_result_colours_after_everything_is_recorded(tmp_path):
    ws = make_ws(tmp_path, ["ok-one", "red-one"])
    (ws.root / "data" / "red-one_2026Q3.csv").write_text("x\n0.5\n0.6\n", encoding="utf-8")  # PSI 0.55: red
    cmd = [sys.executable, "-m", "govreport", "run", "--period", "2026Q3", "-w", str(ws.root), "-q"]
    plain = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert plain.returncode == 0, plain.stderr  # a red result is not a failed run
    gated = subprocess.run([*cmd, "--fail-on", "red"], capture_output=True, text=True, timeout=300)
    assert gated.returncode == 1, gated.stderr
    lines = gated.stderr.strip().splitlines()
    assert re.fullmatch(r"red: red-one/probe 2026Q3 \(RUN_ID \d+\): psi 0\.55 \(red\)", lines[0]), lines
    assert lines[-1].startswith("error: 1 run(s) reached red with --fail-on red; every run was recorded")
    assert "ok-one" not in gated.stderr and "Traceback" not in gated.stderr
    assert len([r for r in open_store(ws).records() if r.status == "succeeded"]) == 4  # both runs, twice


def test_invalid_system_file_is_recorded_and_others_run(tmp_path):
    ws = make_ws(tmp_path, ["ok-one"])
    (ws.systems_dir / "broken.yaml").write_text("id: broken\nkind: robot\n", encoding="utf-8")
    by_id = {r.system_id: r for r in run_period(ws, "2026Q3").results}
    assert by_id["ok-one"].status == "succeeded"
    assert by_id["broken"].status == "failed" and "broken.yaml" in by_id["broken"].error


def test_preflight_refuses_unknown_kernel_and_bad_template(tmp_path):
    ws = make_ws(tmp_path, ["ok-one"])
    cfg = (ws.root / "govreport.yaml").read_text().replace("kernel: python3", "kernel: no-such-kernel")
    (ws.root / "govreport.yaml").write_text(cfg)
    with pytest.raises(KernelError, match="'no-such-kernel' is not installed"):
        run_period(Workspace.load(ws.root), "2026Q3")
    assert open_store(ws).records() == []  # nothing started, nothing recorded

    ws2 = make_ws(tmp_path / "b", ["ok-one"])
    write_notebook(ws2.root / "templates_nb" / "probe.ipynb", "print(1)", params="workspace = None\n")
    with pytest.raises(TemplateError, match="does not declare the parameter"):
        run_period(ws2, "2026Q3")


def test_a_job_is_recorded_while_the_next_one_runs_on_its_worker(tmp_path, monkeypatch):
    """A slot is held from a job's start until its worker is free, not while the job is recorded: with one
    slot, the second job starts before the first one's record is made (made slow here by 2 s)."""
    from govreport.run import execute

    ws = make_ws(tmp_path, ["rec-a", "rec-b"], parallelism=1)
    energy = execute.worker_energy

    def slow(reported):
        time.sleep(2.0)
        return energy(reported)

    monkeypatch.setattr(execute, "worker_energy", slow)
    assert not run_period(ws, "2026Q3").failed
    a, b = sorted(open_store(ws).records(), key=lambda r: r.started_at)
    assert b.started_at < a.finished_at  # b ran on the worker while a was being recorded
    assert a.summary["worker"]["pid"] == b.summary["worker"]["pid"]  # one slot: one worker, no second


def test_the_kernel_is_found_in_jupyter_clients_own_folders_without_importing_ipython(tmp_path):
    """jupyter_client's default search imports all of IPython for one folder; the pre-flight names the
    same folders itself (with and without ``IPYTHONDIR``)."""
    code = (
        "import sys\n"
        "from govreport.run.preflight import check_kernel, kernel_specs, kernel_runs_this_python\n"
        "check_kernel('python3'); assert kernel_runs_this_python('python3')\n"
        "print('IPython' in sys.modules)\n"
        "from jupyter_client.kernelspec import KernelSpecManager\n"
        "print(kernel_specs().kernel_dirs == KernelSpecManager().kernel_dirs)\n"
    )
    for env in ({}, {"IPYTHONDIR": str(tmp_path / "ipython")}):
        r = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, **env},
        )
        assert r.stdout.split() == ["False", "True"], r.stdout + r.stderr


def test_cli_run_exit_codes_and_messages(tmp_path):
    ws = make_ws(tmp_path, ["ok-one", "fail-one"])
    proc = subprocess.run(
        [sys.executable, "-m", "govreport", "run", "--period", "2026Q3", "-w", str(ws.root)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1
    assert "fail-one/probe: cell" in proc.stderr and "Traceback" not in proc.stderr
    assert "1 succeeded, 1 failed" in proc.stdout
    for bad, msg in [
        (["--period", "2026Q9"], "'2026Q9' is not a period"),
        (["--period", "2026Q3", "--system", "../x"], "'../x' is not a valid system id"),
        (["--period", "2026Q3", "--system", "nope"], "unknown system id 'nope'"),
    ]:
        proc = subprocess.run(
            [sys.executable, "-m", "govreport", "run", "-w", str(ws.root), *bad],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 2 and msg in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_sigkill_mid_run_then_clean_restart(tmp_path):
    ws = make_ws(tmp_path, ["slow-one"])
    env = {**os.environ, "PROBE_SLEEP": "120"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "govreport", "run", "--period", "2026Q3", "-w", str(ws.root)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    staging = ws.reports_dir / ".staging"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until the notebook is executing: its kernel is running
        with contextlib.suppress(psutil.Error):
            if any(
                "ipykernel" in " ".join(c.cmdline())
                for c in psutil.Process(proc.pid).children(recursive=True)
            ):
                break
        time.sleep(0.5)
    else:
        pytest.fail("the run never started executing")
    time.sleep(2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(1)
    assert not (ws.reports_dir / "2026Q3" / "slow-one").exists()  # no half-written report
    assert open_store(ws).records() == []

    env["PROBE_SLEEP"] = "0"
    r = subprocess.run(
        [sys.executable, "-m", "govreport", "run", "--period", "2026Q3", "-w", str(ws.root)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "recorded an interrupted earlier run" in r.stderr
    recs = open_store(ws).records()
    assert [x.status for x in recs] == ["interrupted", "succeeded"]
    assert recs[1].version == 2 and (ws.reports_dir / "2026Q3/slow-one/probe/v2/report.html").is_file()
    assert not list(staging.iterdir())
    assert open_store(ws).verify() == []


def test_one_long_lived_worker_per_slot_and_a_fresh_one_after_a_timeout(tmp_path, monkeypatch):
    """Jobs of one slot share a worker process (imports paid once); a dying kernel costs only its job; a
    notebook that times out kills its worker, and the next job runs in a fresh one."""
    monkeypatch.setenv("PROBE_SLEEP", "120")
    ws = make_ws(
        tmp_path, ["die-one", "fail-one", "ok-one", "slow-one", "zz-last"], parallelism=1, notebook_timeout=25
    )
    by_id = {r.system_id: r for r in run_period(ws, "2026Q3").results}
    assert [by_id[s].status for s in ("die-one", "fail-one", "ok-one", "slow-one", "zz-last")] == [
        "failed",
        "failed",
        "succeeded",
        "failed",
        "succeeded",
    ]
    assert "timed out after 25 s" in by_id["slow-one"].error
    recs = {r.system_id: r for r in open_store(ws).records()}
    assert "notebook" in recs["die-one"].outputs  # saved once at the end, also when the kernel died
    assert "notebook" not in recs["slow-one"].outputs  # killed with its worker: nothing half-written kept
    worker = {sid: r.summary.get("worker") for sid, r in recs.items()}
    first = worker["die-one"]["pid"]
    assert [worker[s] for s in ("die-one", "fail-one", "ok-one")] == [
        {"pid": first, "job": 1},
        {"pid": first, "job": 2},
        {"pid": first, "job": 3},
    ]
    assert worker["slow-one"] is None  # killed with its worker: nothing reported, the run went on
    assert worker["zz-last"]["pid"] != first and worker["zz-last"]["job"] == 1
    with pytest.raises(ProcessLookupError):  # the killed worker is gone, and the last one ended with the run
        os.kill(first, 0)
    with pytest.raises(ProcessLookupError):
        os.kill(worker["zz-last"]["pid"], 0)
