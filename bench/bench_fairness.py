"""Benchmark: govreport.metrics.fairness vs fairlearn's MetricFrame on the same data.

The full Art. 6 fairness set — per group n, selection rate, TPR, FPR, PPV, accuracy, and the four
summaries (demographic-parity difference, disparate-impact ratio, equal-opportunity difference,
equalized-odds difference) — for two protected attributes (sex; age, banded) and their intersection,
over deterministic synthetic rows (default 2,000,000). Both results are checked equal to 1e-9, then the
times, their ratio and the settings are printed and written to ``bench/results/fairness.json``.

govreport's timing includes input validation, age banding and the bootstrap intervals (200 replicates by
default; ``--bootstrap 0`` turns them off). fairlearn is given the age bands ready-made (not timed) and
computes no intervals, so the comparison favours fairlearn.

    python bench/bench_fairness.py [--rows 2000000] [--bootstrap 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreport.metrics import RATES, SUMMARIES, fairness  # noqa: E402
from govreport.metrics._bands import DEFAULT_AGE_BANDS  # noqa: E402

TOL = 1e-9
AGE_LABELS = ["<25", "25–34", "35–44", "45–54", "55–64", "≥65"]


def make_data(rows: int, seed: int = 20250529) -> pd.DataFrame:
    """Deterministic synthetic credit decisions with a built-in disparity by sex and age."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array([1, 2], dtype=np.int64), rows, p=[0.48, 0.52])
    age = np.clip(rng.normal(42, 13, rows).round(), 20, 85).astype(np.int64)
    risk = rng.normal(0, 1, rows) + 0.15 * (sex == 1) - 0.01 * (age - 42)
    label = (risk + rng.normal(0, 1, rows) < 0.9).astype(np.int64)  # 1 = repaid (favourable)
    pred = (risk < 0.6 + 0.1 * (sex == 2)).astype(np.int64)  # 1 = approve (favourable)
    return pd.DataFrame({"SEX": sex, "AGE": age, "REPAID": label, "APPROVE": pred})


def run_govreport(df: pd.DataFrame, n_bootstrap: int):
    return fairness(
        df,
        label="REPAID",
        label_favourable=1,
        prediction="APPROVE",
        prediction_favourable=1,
        protected=["SEX", "AGE"],
        intersections="pairs",
        n_bootstrap=n_bootstrap,
        seed=0,
    )


def run_fairlearn(df: pd.DataFrame, age_band: pd.Series) -> dict:
    from fairlearn.metrics import MetricFrame, count, false_positive_rate, selection_rate, true_positive_rate
    from sklearn.metrics import accuracy_score, precision_score

    metrics = {
        "n": count,
        "selection_rate": partial(selection_rate, pos_label=1),
        "tpr": partial(true_positive_rate, pos_label=1),
        "fpr": partial(false_positive_rate, pos_label=1),
        "ppv": partial(precision_score, pos_label=1, zero_division=np.nan),
        "accuracy": accuracy_score,
    }
    out = {}
    for key, sf in (
        ("SEX", df[["SEX"]]),
        ("AGE", age_band.to_frame("AGE")),
        ("SEX×AGE", pd.concat([df["SEX"], age_band.rename("AGE")], axis=1)),
    ):
        mf = MetricFrame(metrics=metrics, y_true=df["REPAID"], y_pred=df["APPROVE"], sensitive_features=sf)
        diff, ratio = mf.difference(), mf.ratio()
        out[key] = {
            "by_group": mf.by_group,
            "demographic_parity_difference": diff["selection_rate"],
            "disparate_impact_ratio": ratio["selection_rate"],
            "equal_opportunity_difference": diff["tpr"],
            "equalized_odds_difference": max(diff["tpr"], diff["fpr"]),
        }
    return out


def compare(gov, fl) -> float:
    """Largest absolute difference over every group rate and summary; raises if any exceeds TOL."""
    worst = 0.0
    for key, ref in fl.items():
        a = gov.attributes[key]
        by = ref["by_group"].dropna(subset=["n"])
        assert len(by) == len(a.groups), (key, len(by), len(a.groups))
        assert all(g.judged for g in a.groups.values()), f"{key}: every group should be judged here"
        for idx, row in by.iterrows():
            parts = idx if isinstance(idx, tuple) else (idx,)
            g = a.groups["×".join(str(p) for p in parts)]
            assert g.n == int(row["n"]), (key, idx)
            for r in RATES:
                d = abs(g.rates[r] - float(row[r]))
                worst = max(worst, d)
                assert d <= TOL, (key, idx, r, g.rates[r], row[r])
        for m in SUMMARIES:
            d = abs(a.summaries[m].value - float(ref[m]))
            worst = max(worst, d)
            assert d <= TOL, (key, m, a.summaries[m].value, ref[m])
    return worst


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--bootstrap", type=int, default=200, help="govreport bootstrap replicates (0 = none)")
    ap.add_argument("--repeat", type=int, default=3, help="govreport runs; the median is reported")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results" / "fairness.json")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    df = make_data(args.rows)
    print(f"data: {args.rows:,} rows in {time.perf_counter() - t:.2f} s")

    gov_times = []
    for _ in range(max(args.repeat, 1)):
        t = time.perf_counter()
        gov = run_govreport(df, args.bootstrap)
        gov_times.append(time.perf_counter() - t)
    gov_time = float(np.median(gov_times))
    print(
        f"govreport.metrics.fairness: {gov_time:.3f} s (median of {len(gov_times)}; "
        f"bootstrap {args.bootstrap} replicates included)"
    )

    age_band = pd.Series(
        pd.cut(df["AGE"], [-np.inf, *DEFAULT_AGE_BANDS, np.inf], right=False, labels=AGE_LABELS).astype(str),
        index=df.index,
    )  # untimed help for fairlearn
    t = time.perf_counter()
    fl = run_fairlearn(df, age_band)
    fl_time = time.perf_counter() - t
    print(f"fairlearn MetricFrame:      {fl_time:.3f} s")

    worst = compare(gov, fl)
    ratio = fl_time / gov_time
    print(f"equal to 1e-9: yes (largest difference {worst:.2e})")
    print(f"speed-up: {ratio:.1f}x (target ≥ 30x)")

    import fairlearn
    import sklearn

    result = {
        "benchmark": "fairness: 5 group rates + n and 4 summaries, SEX, AGE (6 bands), SEX×AGE",
        "rows": args.rows,
        "groups": {k: len(a.groups) for k, a in gov.attributes.items()},
        "govreport_seconds": round(gov_time, 4),
        "govreport_runs_seconds": [round(x, 4) for x in gov_times],
        "govreport_bootstrap_replicates": args.bootstrap,
        "govreport_bootstrap_included_in_time": args.bootstrap > 0,
        "fairlearn_metricframe_seconds": round(fl_time, 4),
        "fairlearn_given_age_bands_untimed": True,
        "speedup": round(ratio, 1),
        "target_speedup": 30,
        "meets_target": ratio >= 30,
        "max_abs_difference": worst,
        "tolerance": TOL,
        "environment": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "fairlearn": fairlearn.__version__,
            "scikit-learn": sklearn.__version__,
            "cpus": os.cpu_count(),
            "machine": platform.machine(),
        },
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0 if ratio >= 30 else 1


if __name__ == "__main__":
    raise SystemExit(main())
