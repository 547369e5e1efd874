"""Memory that follows the data (issue 22): the peak above a process's own import baseline, and ``govreport
assess`` on a 2 GB CSV.

    python bench/bench_memory.py                         # peak above the import baseline, 1M and 10M rows
    python bench/bench_memory.py --assess-rows 33000000  # + `govreport assess` on a ~2 GB CSV (in /tmp)
    python bench/bench_memory.py --rows 1000000 --json bench/out/memory.json

**Peak above the import baseline.** For each size, one system's model-risk computation runs in a fresh
process (``bench/profile_memory.py``, what a long-lived worker does: imports first — pandas, pyarrow, Great
Expectations, scikit-learn, Papermill, nbconvert, Plotly — then ``open_context`` + ``assess_predictive``: both
loads, the indicators, the contract check with Great Expectations). Its RSS is sampled every 10 ms; the figure
is the peak minus the RSS once the imports are done (the baseline). Target (must): below 3× the dataset's
size in pandas as measured before issue 22 — the scored Parquet file read with ``pandas.read_parquet``, no
options, ``memory_usage(deep=True)``: 111 MiB at 1M rows, 1,106 MiB at 10M (the bench measures it again and
prints both). The workspaces are ``bench/bench_scale.py``'s (``bench/out/ws/s1-r<R>-p1``, built when absent).

**assess on a big CSV** (``--assess-rows N``): the bench scorecard's 2026Q3 quarter of 1,000,000 rows
written as CSV, its body repeated to ``N`` rows (33M rows ≈ 2.0 GB) in ``--tmp`` (deleted afterwards), then
``govreport assess`` on it as a subprocess; the process tree's RSS sampled every 0.1 s with psutil: the
largest single process (target, must: < 4 GB) and the tree. ``--assess-cmd`` names another ``govreport``
(e.g. main's) for a before/after.

The 1/5/15-minute load average is printed with each figure (the machine is shared). Exit 1 when a must is
missed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

MiB = 2**20
TARGET_FACTOR = 3.0
#: the scored dataset in pandas before issue 22 (bench/README.md, "Memory"): rows → bytes
PANDAS_TODAY = {1_000_000: 111 * MiB, 10_000_000: 1106 * MiB}
ASSESS_LIMIT = 4 * 10**9  # bytes: "largest process < 4 GB"
ASSESS_ARGS = [
    "--label",
    "DEFAULT",
    "--label-favourable",
    "0",
    "--prediction",
    "DECISION",
    "--prediction-favourable",
    "1",
    "--protected",
    "SEX,AGE,MARRIAGE",
    "--score",
    "PD",
    "--score-higher-is",
    "adverse",
    "--features",
    "LIMIT_BAL,AGE,PAY_0,BILL_AMT1,PAY_AMT1,UTILISATION",
    "--period",
    "2026Q3",
]


def load() -> list[float]:
    return [round(x, 1) for x in os.getloadavg()]


def pandas_size(path: Path) -> int:
    """The Parquet file in pandas with no options, deep (issue 8's measure), in a fresh process."""
    code = "import sys, pandas as pd; print(int(pd.read_parquet(sys.argv[1]).memory_usage(deep=True).sum()))"
    return int(
        subprocess.run(
            [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True
        ).stdout
    )


def above_baseline(rows: int) -> dict[str, Any]:
    """profile_memory.py on the one-system workspace of ``rows`` rows, in a fresh process."""
    import bench_scale

    ws = bench_scale.build_workspace(bench_scale.OUT / "ws" / f"s1-r{rows}-p1", 1, rows, 1)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "p.json"
        before = load()
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "profile_memory.py"), "--ws", str(ws), "--json", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        prof = json.loads(out.read_text())
    size = pandas_size(ws / "data" / "card-01" / "scoring_2026Q3.parquet")
    today = PANDAS_TODAY.get(rows, size)
    above = prof["peak_rss_bytes"] - prof["baseline_rss_bytes"]
    return {
        "rows": rows,
        "baseline_bytes": prof["baseline_rss_bytes"],
        "peak_bytes": prof["peak_rss_bytes"],
        "above_bytes": above,
        "pandas_bytes": size,
        "pandas_today_bytes": today,
        "loaded_bytes": prof["dataset_bytes"],
        "factor": above / today,
        "pass": above < TARGET_FACTOR * today,
        "load": [before, load()],
        "steps": [s for s in prof["steps"] if s["depth"] <= 1],
    }


def big_csv(rows: int, tmp: Path) -> Path:
    """The bench scorecard's 1M-row quarter as CSV, its body repeated to ``rows`` rows."""
    from govreport.demo.build import make_scorecard_data

    one = tmp / "one.csv"
    make_scorecard_data(3, 1_000_000, seed_key="card-01").to_csv(one, index=False)
    path = tmp / f"scored-{rows}.csv"
    with open(one, "rb") as src, open(path, "wb") as dst:
        header = src.readline()
        body = src.read()
        dst.write(header)
        n, lines = 0, body.count(b"\n")
        while n + lines <= rows:
            dst.write(body)
            n += lines
        if n < rows:
            dst.write(b"".join(body.splitlines(keepends=True)[: rows - n]))
    one.unlink()
    return path


def tree_peak(cmd: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``cmd``; its process tree's RSS sampled every 0.1 s (psutil)."""
    import psutil

    before, t0 = load(), time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    root = psutil.Process(p.pid)
    largest, tree, who = 0, 0, ""
    while p.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            procs = []
        seen = []
        for q in procs:
            with contextlib.suppress(psutil.Error):
                seen.append((q.memory_info().rss, " ".join(q.cmdline()[1:4])))
        if seen:
            top = max(seen)
            if top[0] > largest:
                largest, who = top
            tree = max(tree, sum(r for r, _ in seen))
        time.sleep(0.1)
    err = p.stderr.read() if p.stderr else ""
    return {
        "returncode": p.returncode,
        "stderr_tail": err.strip().splitlines()[-3:],
        "wall_s": time.perf_counter() - t0,
        "largest_bytes": largest,
        "largest_process": who,
        "tree_bytes": tree,
        "load": [before, load()],
    }


def assess(rows: int, tmp_root: Path, govreport: list[str]) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-memory-", dir=tmp_root))
    try:
        csv = big_csv(rows, tmp)
        r = tree_peak(
            [*govreport, "assess", str(csv), *ASSESS_ARGS, "--out", str(tmp / "out")],
            {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(ROOT))},
        )
        r.update(rows=rows, file_bytes=csv.stat().st_size, pass_=r["largest_bytes"] < ASSESS_LIMIT)
        r["pass"] = r.pop("pass_") and r["returncode"] == 0
        return r
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, nargs="*", default=[1_000_000, 10_000_000])
    ap.add_argument("--assess-rows", type=int, default=0, help="also `govreport assess` on a CSV this long")
    ap.add_argument("--assess-cmd", default="govreport", help="the govreport command to run (e.g. main's)")
    ap.add_argument("--tmp", type=Path, default=Path(tempfile.gettempdir()))
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    out: dict[str, Any] = {"above_baseline": [], "assess": None}
    ok = True
    print(
        "| rows | import baseline MiB | peak MiB | above baseline MiB | pandas size before (now) MiB "
        "| factor | target < 3× | load 1/5/15 before → after |"
    )
    print("|--:|--:|--:|--:|--:|--:|---|---|")
    for rows in args.rows:
        r = above_baseline(rows)
        out["above_baseline"].append(r)
        ok &= r["pass"]
        print(
            f"| {rows:,} | {r['baseline_bytes'] / MiB:,.0f} | {r['peak_bytes'] / MiB:,.0f} | "
            f"{r['above_bytes'] / MiB:,.0f} | {r['pandas_today_bytes'] / MiB:,.0f} "
            f"({r['pandas_bytes'] / MiB:,.0f}) | {r['factor']:.2f}× | {'PASS' if r['pass'] else 'FAIL'} | "
            f"{r['load'][0]} → {r['load'][1]} |",
            flush=True,
        )
    if args.assess_rows:
        r = assess(args.assess_rows, args.tmp, args.assess_cmd.split())
        out["assess"] = r
        ok &= r["pass"]
        print(
            f"\ngovreport assess, {r['rows']:,} rows ({r['file_bytes'] / 1e9:.2f} GB CSV): largest process "
            f"{r['largest_bytes'] / 1e9:.2f} GB ({r['largest_process']}), "
            f"tree {r['tree_bytes'] / 1e9:.2f} GB, {r['wall_s']:.0f} s wall, exit {r['returncode']}; "
            f"target < 4 GB: {'PASS' if r['pass'] else 'FAIL'}; "
            f"load {r['load'][0]} → {r['load'][1]}"
        )
        if r["returncode"]:
            print("  " + "\n  ".join(r["stderr_tail"]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
