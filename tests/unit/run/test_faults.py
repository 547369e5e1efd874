"""Faults (issue 19, item 7): a full disk, a read-only workspace and an unreadable store give one line each;
nothing half-written stays; a failed run is recorded whenever the store can be written.

The disk-full and read-only cases use a real small tmpfs when the tests run as root (mount), and a
monkeypatched write raising ENOSPC otherwise — the same code path, so both always run something."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from govreport.core.periods import parse_period
from govreport.run import runner as runner_mod
from govreport.run.runner import open_store, run_period
from govreport.workspace import Workspace
from govreport.workspace.scaffold import init_workspace
from tests.helpers.cli import run_cli
from tests.helpers.nb import PROBE, SYSTEM, write_notebook


def make_ws(root: Path, ids: list[str]) -> Workspace:
    root = init_workspace(root, name_zh="測試", name_en="Test")
    for sid in ids:
        (root / "systems" / f"{sid}.yaml").write_text(
            SYSTEM.format(id=sid, template="probe"), encoding="utf-8"
        )
        (root / "data" / f"{sid}_2026Q3.csv").write_text("x\n0.05\n0.07\n", encoding="utf-8")
    write_notebook(root / "templates_nb" / "probe.ipynb", *PROBE)
    return Workspace.load(root)


def _mount_tmpfs(path: Path, size: str, ro: bool = False) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    opts = f"size={size}" + (",ro" if ro else "")
    return (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True
        ).returncode
        == 0
    )


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _assert_clean_failure(ws: Workspace, summary, store) -> None:
    (r,) = summary.results
    assert r.status == "failed" and "No space left on device (ENOSPC)" in r.error and "\n" not in r.error
    assert "the disk is full" in r.error
    rec = store.records(system_id="only")[-1]
    assert rec.status == "failed" and rec.seq == r.seq and "ENOSPC" in rec.error  # recorded
    staging = ws.reports_dir / ".staging"
    assert not staging.exists() or list(staging.iterdir()) == []  # nothing half-written left behind
    assert not (ws.reports_dir / "2026Q3" / "only").exists()


def test_disk_full_mid_run_is_recorded_and_leaves_nothing(tmp_path, monkeypatch):
    ws = make_ws(tmp_path / "ws", ["only"])

    def full(self, job, params, slot):  # the worker spec is written, then the disk fills as the notebook runs
        (job.staging / "notebook.ipynb").write_text("{ half", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(job.staging / "report.html"))

    monkeypatch.setattr(runner_mod._Runner, "_run_worker", full)
    store = open_store(ws)
    summary = run_period(ws, "2026Q3", store=store)
    _assert_clean_failure(ws, summary, store)


def test_a_real_full_disk_under_reports(tmp_path, monkeypatch):
    ws = make_ws(tmp_path / "ws", ["only"])
    reports = ws.reports_dir
    shutil.rmtree(reports)
    if not _mount_tmpfs(reports, "64k"):
        pytest.skip("needs root to mount a small tmpfs (the monkeypatched test covers the same path)")
    try:
        fd = os.open(reports / "filler", os.O_WRONLY | os.O_CREAT)
        try:  # fill it up
            with pytest.raises(OSError):
                while True:
                    os.write(fd, b"\0" * 4096)
        finally:
            os.close(fd)
        monkeypatch.setenv(
            "GOVREPORT_EVIDENCE_URL", f"sqlite:///{tmp_path / 'evidence.db'}"
        )  # store elsewhere
        store = open_store(ws)
        summary = run_period(ws, "2026Q3", store=store)
        _assert_clean_failure(ws, summary, store)
        (reports / "filler").unlink()  # space again: the next run works and finds nothing to recover
        assert (
            runner_mod._Runner(ws, store, parse_period("2026Q3"), "b", lambda m: None).recover_interrupted()
            == []
        )
    finally:
        _umount(reports)


def test_read_only_workspace_is_one_line_for_run_and_publish(tmp_path, capsys):
    ws = make_ws(tmp_path / "src", ["only"])
    ro = tmp_path / "ro"
    if not _mount_tmpfs(ro, "8m"):
        pytest.skip("needs root to mount a read-only tmpfs")
    try:
        shutil.copytree(ws.root, ro / "ws")
        subprocess.run(["mount", "-o", "remount,ro", str(ro)], check=True, capture_output=True)
        for args in (
            ("run", "--period", "2026Q3"),
            ("publish",),
            ("publish", "--out", str(ro / "ws" / "out")),
        ):
            code, out, err = run_cli(capsys, *args, "--workspace", str(ro / "ws"))
            lines = err.strip().splitlines()
            assert code == 2 and lines and lines[-1].startswith("error: "), (args, err)
            assert "Traceback" not in err and len([x for x in lines if x.startswith("error:")]) == 1
            assert "read-only" in lines[-1] or "evidence store" in lines[-1], lines[-1]
    finally:
        _umount(ro)


def test_an_oserror_anywhere_in_a_command_is_one_line(tmp_path, capsys, monkeypatch):
    ws = make_ws(tmp_path / "ws", ["only"])

    def refuse(*_a, **_k):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(ws.reports_dir))

    monkeypatch.setattr(runner_mod.tempfile, "mkstemp", refuse)
    code, out, err = run_cli(capsys, "run", "--period", "2026Q3", "--workspace", str(ws.root))
    assert code == 2 and err.strip().count("\n") == 0
    assert err.startswith(f"error: {ws.reports_dir}: cannot write: Read-only file system (EROFS) — ")
    assert open_store(ws).records() == []  # refused before anything was written or recorded


def test_unreadable_store_is_one_line(tmp_path, capsys):
    ws = make_ws(tmp_path / "ws", ["only"])
    (ws.state_dir).mkdir(exist_ok=True)
    (ws.state_dir / "evidence.db").write_bytes(b"this is not a database" * 100)
    for args in (("evidence", "list"), ("publish",), ("run", "--period", "2026Q3")):
        code, out, err = run_cli(capsys, *args, "--workspace", str(ws.root))
        assert code == 2 and "Traceback" not in err, (args, err)
        lines = [x for x in err.strip().splitlines() if x.startswith("error:")]
        assert len(lines) == 1 and "cannot open the evidence store" in lines[0], (args, err)
