"""The newcomer's demo as a benchmark (issue 22): ``govreport demo`` wall and CPU, per stage and per run.

Runs ``govreport demo --out DIR`` as a subprocess and measures

* **the whole command**: wall time, and CPU (user + sys) of the whole process tree — the CLI, the
  long-lived workers and every kernel — from ``resource.getrusage(RUSAGE_CHILDREN)`` before and after
  (every process of the tree is reaped by its parent, so their CPU ends up in the CLI's children);
* **each stage** (building the data, each period's system runs, each period's portfolio runs, publishing the
  site): wall from the time stamps of the demo's own progress lines, CPU from the process tree sampled every
  0.1 s with psutil (live processes' own and reaped children's CPU);
* **each run**, from the evidence's own timings (``summary.timings``, measured in the worker): wall and CPU
  of the worker's start-up share, the computation, the notebook (kernel included), the rendering and the
  energy measurement; CPU outside the computation per job is everything but ``compute_cpu_s``.

The 1-, 5- and 15-minute load averages are recorded before and after (the machine may be shared).

    python bench/bench_demo.py                        # the full demo (3 systems × 4 quarters)
    python bench/bench_demo.py --periods 2026Q3 --out /tmp/d --keep
    python bench/bench_demo.py --json bench/out/demo.json

Exit code 1 when a "must" target of issue 22 is missed (CPU per run ≤ 4.5 s; median CPU per job outside the
computation ≤ 2 s); a missed goal (wall ≤ 60 s) is printed with where the time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

MUST_CPU_PER_RUN = 4.5
MUST_OVERHEAD_MEDIAN = 2.0
GOAL_WALL = 60.0


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _tree_cpu(root: psutil.Process) -> float:
    """CPU so far of ``root`` and its live descendants, each with its reaped children."""
    total = 0.0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return total
    for p in procs:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system + t.children_user + t.children_system
    return total


def _stage_of(line: str) -> str | None:
    """The stage a progress line starts, or None."""
    if line.startswith("generating demo data"):
        return "build data"
    if m := re.match(r"running \d+ notebook\(s\) for (\S+),", line):
        return f"systems {m.group(1)}"
    if m := re.match(r"\[1/\d+\] \S+ (\S+) \(portfolio\)", line):
        return f"portfolio {m.group(1)}"
    if "record(s) in the evidence store; checking the hash chain" in line:
        return "site"
    return None


def run_demo(out: Path, periods: str | None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "govreport", "demo", "--out", str(out)]
    if periods:
        cmd += ["--periods", periods]
    load_before = os.getloadavg()
    cpu0, t0 = _children_cpu(), time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    ps = psutil.Process(proc.pid)
    samples: list[tuple[float, float]] = []
    stop = threading.Event()

    def sample() -> None:
        last = 0.0
        while not stop.is_set():
            last = max(last, _tree_cpu(ps))  # a process reaped between reads: never go back
            samples.append((time.perf_counter() - t0, last))
            stop.wait(0.1)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    marks: list[tuple[str, float]] = [("start", 0.0)]
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        t = time.perf_counter() - t0
        line = line.rstrip("\n")
        lines.append(line)
        stage = _stage_of(line)
        if stage and stage != marks[-1][0]:
            marks.append((stage, t))
    code = proc.wait()
    wall = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0
    stop.set()
    th.join()
    load_after = os.getloadavg()
    if code != 0:
        print("\n".join(lines[-30:]), file=sys.stderr)
        raise SystemExit(f"govreport demo exited with {code}")

    def cpu_at(t: float) -> float:
        before = [c for s, c in samples if s <= t]
        return before[-1] if before else 0.0

    stages = []
    bounds = [*marks, ("end", wall)]
    for (name, ts), (_n, te) in zip(bounds, bounds[1:], strict=False):
        c_end = cpu if _n == "end" else cpu_at(te)
        stages.append({"stage": name, "wall_s": round(te - ts, 2), "cpu_s": round(c_end - cpu_at(ts), 2)})
    return {
        "command": " ".join(cmd[1:]),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "stages": stages,
    }


def per_run(ws: Path) -> list[dict[str, Any]]:
    """Each run's own timings, from the evidence store."""
    from govreport.evidence.queries import open_store
    from govreport.workspace.config import Workspace

    out = []
    for rec in open_store(Workspace.load(ws)).records(kind="run"):
        t = dict((rec.summary or {}).get("timings") or {})
        cpu = sum(v for k, v in t.items() if k.endswith("_cpu_s"))
        out.append(
            {
                "run": f"{rec.system_id}/{rec.template} {rec.period}",
                "status": rec.status,
                "worker_job": ((rec.summary or {}).get("worker") or {}).get("job"),
                **t,
                "cpu_s": round(cpu, 3),
                "outside_compute_cpu_s": round(cpu - t.get("compute_cpu_s", 0.0), 3),
            }
        )
    return out


def report(doc: dict[str, Any]) -> list[str]:
    """Print the tables; the "must" targets missed."""
    runs = doc["runs"]
    n = len(runs) or 1
    print(f"\n{doc['command']}")
    print(f"load average before {doc['load_before']}, after {doc['load_after']} (1, 5, 15 min)")
    print(f"\n{'stage':<22}{'wall s':>9}{'CPU s':>9}")
    for s in doc["stages"]:
        print(f"{s['stage']:<22}{s['wall_s']:>9.1f}{s['cpu_s']:>9.1f}")
    print(f"{'total':<22}{doc['wall_s']:>9.1f}{doc['cpu_s']:>9.1f}")
    keys = ["start", "compute", "notebook", "render", "energy"]
    print(f"\n{'run':<40}{'job':>4}" + "".join(f"{k[:8]:>10}" for k in keys) + f"{'outside':>9}")
    for r in runs:
        cells = "".join(
            f"{r.get(f'{k}_s', 0):>5.1f}/{r.get(f'{k}_cpu_s', 0):<4.1f}" if f"{k}_s" in r else f"{'-':>10}"
            for k in keys
        )
        print(f"{r['run'][:40]:<40}{r['worker_job'] or '-':>4}{cells}{r['outside_compute_cpu_s']:>9.2f}")
    print("(each cell: wall/CPU s as the worker measured it)")
    outside = [r["outside_compute_cpu_s"] for r in runs if r.get("status") == "succeeded"]
    med = statistics.median(outside) if outside else float("nan")
    per = doc["cpu_s"] / n
    compute = sum(r.get("compute_cpu_s", 0.0) for r in runs)
    print(
        f"\n{len(runs)} runs; CPU of the whole command per run: {per:.2f} s; "
        f"computation {compute:.1f} s in all"
    )
    rows = [
        (
            "CPU (user + sys) per run",
            f"{per:.2f} s",
            f"≤ {MUST_CPU_PER_RUN} s",
            "must",
            per <= MUST_CPU_PER_RUN,
        ),
        (
            "CPU per job outside the computation, median",
            f"{med:.2f} s",
            f"≤ {MUST_OVERHEAD_MEDIAN} s",
            "must",
            med <= MUST_OVERHEAD_MEDIAN,
        ),
        ("wall", f"{doc['wall_s']:.1f} s", f"≤ {GOAL_WALL:.0f} s", "goal", doc["wall_s"] <= GOAL_WALL),
    ]
    print("\n| figure | measured | target | kind | met |\n|---|--:|--:|---|---|")
    for name, got, target, kind, ok in rows:
        print(f"| {name} | {got} | {target} | {kind} | {'yes' if ok else 'NO'} |")
    if doc["wall_s"] > GOAL_WALL:
        slow = sorted(doc["stages"], key=lambda s: -s["wall_s"])[:3]
        print("wall goal missed; longest stages: " + ", ".join(f"{s['stage']} {s['wall_s']} s" for s in slow))
    return [name for name, _g, _t, kind, ok in rows if kind == "must" and not ok]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--periods", help="as govreport demo --periods (default: the demo's four quarters)")
    ap.add_argument("--out", type=Path, help="the demo workspace (default: a temporary folder)")
    ap.add_argument("--keep", action="store_true", help="keep the workspace")
    ap.add_argument("--json", type=Path, help="write the figures here as JSON")
    ap.add_argument("--from-json", type=Path, help="print the tables of an earlier run, no run")
    args = ap.parse_args(argv)
    if args.from_json:
        doc = json.loads(args.from_json.read_text())
    else:
        out = args.out or Path(tempfile.mkdtemp(prefix="govreport-bench-demo-")) / "demo"
        try:
            doc = run_demo(out, args.periods)
            doc["runs"] = per_run(out)
        finally:
            if not args.keep:
                shutil.rmtree(out, ignore_errors=True)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(doc, indent=1))
    missed = report(doc)
    if missed:
        print("must target(s) missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
