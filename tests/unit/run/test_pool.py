"""One command's workers serve every period it runs (``WorkerPool``): started before the first job, warmed up
once, reused by the next period's jobs; a run with a pool of its own ends its workers."""

from __future__ import annotations

import psutil
import pytest

from govreport.evidence.queries import open_store
from govreport.run.runner import WorkerPool, run_period
from tests.unit.run.test_runner import make_ws

pytestmark = pytest.mark.slow


def test_workers_are_warm_and_serve_every_period_of_one_command(tmp_path):
    ws = make_ws(tmp_path, ["one-a"], parallelism=1)
    (ws.root / "data" / "one-a_2026Q2.csv").write_text("x\n0.02\n", encoding="utf-8")
    with WorkerPool(ws, 1).start() as workers:
        (w,) = workers._all
        assert w.proc is not None and w.proc.poll() is None  # started before any job
        for period in ("2026Q2", "2026Q3"):
            assert not run_period(ws, period, workers=workers).failed
        pid = w.proc.pid
    recs = [r for r in open_store(ws).records() if r.system_id == "one-a"]
    assert [r.period for r in recs] == ["2026Q2", "2026Q3"]
    assert {r.summary["worker"]["pid"] for r in recs} == {pid}  # one process for both periods
    assert [r.summary["worker"]["job"] for r in recs] == [1, 2]
    assert recs[0].summary["timings"]["start_cpu_s"] < 1.0  # the imports were paid in the warm-up
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE

    alone = run_period(ws, "2026Q3")  # a pool of its own: a fresh worker, ended with the run
    assert not alone.failed
    last = open_store(ws).records()[-1]
    assert last.summary["worker"]["pid"] != pid and last.summary["worker"]["job"] == 1
    assert not psutil.pid_exists(last.summary["worker"]["pid"])
