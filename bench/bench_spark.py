"""Benchmark: the model-risk indicators on local Spark against the pandas path, on generated Parquet data.

Generates ``--rows`` scored applications (the demo's credit-card generator, in chunks of one million rows,
so generation itself never holds the whole table) as a Parquet folder, plus a reference period, then
assesses them twice, each in a fresh child process so that peak memory is the path's own:

* **pandas**: ``pd.read_parquet`` of the needed columns, then ``govreport.metrics`` (fairness with the
  SEX×AGE×MARRIAGE intersections, proxy scan, model quality with the reference Gini, PSI drift);
* **spark**: ``govreport.assessments.model_risk.assess_on_engine`` on ``spark+parquet:`` sources with a local
  Spark session (``--master``, default ``local[*]``); only counts come back to Python.

Both results are checked equal (exactly; Brier/ECE to 1e-12), then wall times and peak resident memory —
of the govreport (Python) process, and of the Spark JVM it starts, sampled every 0.2 s — are printed and
written to ``bench/out/spark/results.json``.

    python bench/bench_spark.py [--rows 5000000] [--master 'local[*]'] [--driver-memory 4g] [--skip-pandas]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHUNK = 1_000_000
SUMS = {"brier", "ece", "mean_score", "observed_rate"}
ARGS: dict[str, Any] = dict(
    label="DEFAULT",
    label_favourable=0,
    prediction="DECISION",
    prediction_favourable=1,
    protected=["SEX", "AGE", "MARRIAGE"],
    score="PD",
    features=["LIMIT_BAL", "PAY_0", "EDUCATION", "UTILISATION"],
    n_bootstrap=200,
)


def generate(folder: Path, rows: int, step: int) -> None:
    """``rows`` scored rows as ``part-NNNN.parquet`` files of at most one million rows."""
    from govreport.demo.build import make_scorecard_data

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(math.ceil(rows / CHUNK)):
        part = folder / f"part-{i:04d}.parquet"
        if not part.exists():
            n = min(CHUNK, rows - i * CHUNK)
            make_scorecard_data(step, n=n, seed_key=f"bench-{i}").drop(columns="APPLICATION_ID").to_parquet(
                part, index=False
            )


class PeakRss:
    """Peak resident memory of this process and, separately, of its child processes (the JVM)."""

    def __init__(self) -> None:
        import psutil

        self.me = psutil.Process()
        self.children_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            total = 0
            for c in self.me.children(recursive=True):
                with contextlib.suppress(Exception):  # a child may exit between listing and reading
                    total += c.memory_info().rss
            self.children_peak = max(self.children_peak, total)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return {
            "python_peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "jvm_peak_rss_mib": self.children_peak / 2**20,
        }


def child(mode: str, cur: Path, ref: Path, master: str, driver_memory: str, out: Path) -> None:
    import warnings

    warnings.simplefilter("ignore", FutureWarning)
    rss = PeakRss()
    t0 = time.perf_counter()
    if mode == "pandas":
        import pandas as pd

        from govreport import metrics

        a = ARGS
        cols = list(dict.fromkeys([a["label"], a["prediction"], *a["protected"], a["score"], *a["features"]]))
        df, rf = pd.read_parquet(cur, columns=cols), pd.read_parquet(ref, columns=cols)
        t_read = time.perf_counter() - t0
        fair = metrics.fairness(
            df,
            label=a["label"],
            label_favourable=0,
            prediction=a["prediction"],
            prediction_favourable=1,
            protected=a["protected"],
            n_bootstrap=a["n_bootstrap"],
        )
        proxy = metrics.proxy_scan(df, a["features"], a["protected"])
        q = dict(label=a["label"], label_favourable=0, score=a["score"], score_higher_is="adverse")
        quality = metrics.model_quality(df, **q, reference_gini=metrics.model_quality(rf, **q).gini)
        drift = metrics.drift(df, rf, a["features"], score=a["score"])
        sections = {
            "fairness": fair.to_dict(),
            "proxy": proxy.to_dict(),
            "model_quality": quality.to_dict(),
            "drift": drift.to_dict(),
        }
        extra: dict[str, Any] = {"read_seconds": round(t_read, 2)}
    else:
        from govreport.assessments.model_risk import assess_on_engine
        from govreport.data.sources import SparkSettings, spark_session

        spark = spark_session(SparkSettings(master=master, conf={"spark.driver.memory": driver_memory}))
        t_start = time.perf_counter() - t0
        res = assess_on_engine(f"spark+parquet:{cur}", f"spark+parquet:{ref}", spark=spark, **ARGS)
        sections = res.sections
        sections["model_quality"]["settings"].pop("auc_tolerance", None)
        extra = {"spark_start_seconds": round(t_start, 2), "master": master, "driver_memory": driver_memory}
        spark.stop()
    seconds = time.perf_counter() - t0
    out.write_text(
        json.dumps(
            {"mode": mode, "seconds": round(seconds, 2), **extra, **rss.stop(), "sections": sections},
            ensure_ascii=False,
        )
    )


def same(a: Any, b: Any, path: str = "") -> list[str]:
    """Where ``a`` and ``b`` differ (floats under the SUMS keys to 1e-12 relative)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return [f"{path}: keys differ"]
        return [d for k in a for d in same(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: lengths differ"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in same(x, y, f"{path}[{i}]")]
    if isinstance(a, float) and isinstance(b, float) and path.rsplit(".", 1)[-1].split("[")[0] in SUMS:
        return [] if math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15) else [f"{path}: {a} != {b}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--reference-rows", type=int, default=1_000_000)
    ap.add_argument("--master", default="local[*]")
    ap.add_argument("--driver-memory", default="4g")
    ap.add_argument("--skip-pandas", action="store_true", help="only Spark (data larger than pandas handles)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "spark")
    ap.add_argument("--child", choices=["pandas", "spark"], help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    cur = args.out / f"scored-{args.rows}"
    ref = args.out / f"reference-{args.reference_rows}"
    if args.child:
        child(args.child, cur, ref, args.master, args.driver_memory, args.result)
        return
    t0 = time.perf_counter()
    generate(cur, args.rows, step=3)
    generate(ref, args.reference_rows, step=-1)
    print(
        f"data: {args.rows:,} scored rows, {args.reference_rows:,} reference rows "
        f"({sum(f.stat().st_size for f in cur.glob('*.parquet')) / 2**20:.0f} MiB Parquet; "
        f"generated in {time.perf_counter() - t0:.0f} s)",
        flush=True,
    )
    results = {}
    for mode in ["spark"] if args.skip_pandas else ["pandas", "spark"]:
        out = args.out / f"{mode}.json"
        cmd = [
            sys.executable,
            __file__,
            "--child",
            mode,
            "--rows",
            str(args.rows),
            "--reference-rows",
            str(args.reference_rows),
            "--master",
            args.master,
            "--driver-memory",
            args.driver_memory,
            "--out",
            str(args.out),
            "--result",
            str(out),
        ]
        subprocess.run(cmd, check=True)
        results[mode] = json.loads(out.read_text())
        r = results[mode]
        print(
            f"{mode:6s}: {r['seconds']:8.1f} s   python peak RSS {r['python_peak_rss_mib']:7.0f} MiB   "
            f"JVM peak RSS {r['jvm_peak_rss_mib']:7.0f} MiB",
            flush=True,
        )
    diffs = same(results["pandas"]["sections"], results["spark"]["sections"]) if len(results) == 2 else []
    if len(results) == 2:
        print("indicators equal" if not diffs else f"{len(diffs)} differences, e.g. {diffs[:3]}")
    summary = {
        "rows": args.rows,
        "reference_rows": args.reference_rows,
        "equal": not diffs,
        "differences": diffs[:20],
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        **{m: {k: v for k, v in r.items() if k != "sections"} for m, r in results.items()},
    }
    (args.out / "results.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print(f"written: {args.out / 'results.json'}")


if __name__ == "__main__":
    main()
