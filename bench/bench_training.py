"""The training-data audit on 1,000,000 training rows (issue 21): target under 10 s.

The UCI "Default of Credit Card Clients" set (Yeh & Lien 2009, CC BY 4.0; ../shared/datasets) tiled to
``--rows`` training rows (fresh IDs, a synthetic application date over 2025) and audited against a scoring
quarter of the original 30,000 rows: label balance, label rates and missingness by SEX, AGE and MARRIAGE,
single-feature leakage over the 20 features, group coverage, overlap by key and by features, the window —
``govreport.assessments.training.audit_frames``, everything the data_quality template computes for it.
Reading the file is not timed (the template reads it once for the contract too).

    python bench/bench_training.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from govreport.assessments.training import audit_frames  # noqa: E402
from govreport.core.periods import parse_period  # noqa: E402

DATASET = Path(
    os.environ.get(
        "GOVREPORT_SHARED_DATASET", ROOT.parent / "shared" / "datasets" / "taiwan_credit_default.csv"
    )
)
PROTECTED = ["SEX", "AGE", "MARRIAGE"]
TARGET_S = 10.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if not DATASET.is_file():
        print(f"the UCI dataset is not at {DATASET} (set GOVREPORT_SHARED_DATASET)", file=sys.stderr)
        return 2
    base = pd.read_csv(DATASET, encoding="utf-8-sig")
    reps = -(-args.rows // len(base))
    training = pd.concat([base] * reps, ignore_index=True).iloc[: args.rows].copy()
    training["ID"] = np.arange(1_000_000_000, 1_000_000_000 + len(training))
    rng = np.random.default_rng(0)
    training["APPLIED_AT"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(
        rng.integers(0, 365, len(training)), "D"
    )
    features = [c for c in base.columns if c not in ("ID", "DEFAULT", *PROTECTED)]
    scoring = base
    kw = dict(
        label="DEFAULT",
        label_favourable=0,
        features=features,
        protected=PROTECTED,
        period=parse_period("2026Q1"),
        time_column="APPLIED_AT",
        personal=["ID"],
        model_version="bench",
        training_sha256="0" * 64,
    )
    print(f"training: {len(training):,} rows × {training.shape[1]} columns; scoring: {len(scoring):,} rows")
    for keys, what in ((["ID"], "overlap by key"), ([], "overlap by the 20 features")):
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            audit = audit_frames(training, scoring, keys=keys, **kw)
            times.append(time.perf_counter() - t0)
        best = min(times)
        flagged = sorted(i.id for i in audit.indicators if i.status.value != "green")
        print(
            f"{what}: best {best:.2f} s of {args.repeat} (all: {', '.join(f'{t:.2f}' for t in times)}); "
            f"{len(audit.indicators)} indicators, not green: {flagged or 'none'}; "
            f"{'PASS' if best < TARGET_S else 'FAIL'} (target < {TARGET_S:g} s)"
        )
        if best >= TARGET_S:
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
