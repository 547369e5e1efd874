"""Benchmark: ``govreport.contracts.validate`` vs Great Expectations itself, same suite, same data.

A suite of 20 expectations (not-null, uniqueness, ranges, category sets, a regex on a national-ID column,
types, the table's columns) over deterministic synthetic rows (default 1,000,000) stored as one Parquet
file. In the same process, alternately:

* **Great Expectations alone**: read the Parquet file with pandas, ephemeral context (progress bars off),
  pandas data source, dataframe asset, whole-dataframe batch definition, ``batch.validate(suite)`` with
  GX's default result format (SUMMARY) — GX's own quick-start path;
* **govreport**: ``validate(contract)`` — load and check the contract and the suite (every expectation
  checked against GX), read the same file, SHA-256 of the file, undeclared-personal-data scan, the same
  GX validation, masking of samples, the five dimensions (freshness from a timestamp column; keys,
  personal data and Art. 6 attributes declared; no reference dataset).

``import great_expectations`` (≈6.5 s) is **excluded from both**: it happens once before any timing.
One warm-up run of each is not timed. The median of ``--repeat`` runs of each is compared; the target is
govreport ≤ 1.2 × GX. A second figure times govreport with a representativeness check against a 1,000,000
row reference file as well (work GX does not do), for information.

Prints both times and the ratio; writes ``bench/results/contracts.json``; exits 1 if the ratio is above
the target.

    python bench/bench_contracts.py [--rows 1000000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = 1.2
_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"


def national_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` made-up Taiwan national IDs with valid checksums (vectorised)."""
    letter = rng.integers(0, 26, n)
    code = letter + 10
    digits = np.column_stack([rng.integers(1, 3, n), rng.integers(0, 10, (n, 7))])
    total = code // 10 + (code % 10) * 9 + digits @ np.arange(8, 0, -1)
    check = (10 - total % 10) % 10
    body = pd.Series(np.array(list(_LETTERS))[letter])
    for j in range(8):
        body = body + digits[:, j].astype(str)
    return (body + check.astype(str)).to_numpy()


def make_data(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "ID": np.arange(1, rows + 1),
            "CUSTOMER_ID": national_ids(rng, rows),
            "LIMIT_BAL": rng.choice(np.arange(10_000, 1_000_001, 10_000), rows),
            "SEX": rng.integers(1, 3, rows),
            "EDUCATION": rng.choice([1, 2, 3, 4], rows, p=[0.35, 0.45, 0.17, 0.03]),
            "AGE": rng.integers(21, 80, rows),
            "CHANNEL": rng.choice(["branch", "web", "app", "phone"], rows),
            "BILL_AMT1": rng.gamma(2.0, 25_000.0, rows).round(0),
            "PD": rng.beta(2, 9, rows),
            "DECISION": rng.choice(["approve", "decline", "review"], rows, p=[0.7, 0.2, 0.1]),
            "SCORED_AT": pd.Timestamp("2026-09-01")
            + pd.to_timedelta(rng.integers(0, 86_400 * 29, rows), unit="s"),
        }
    )
    df.loc[rng.choice(rows, rows // 200, replace=False), "BILL_AMT1"] = np.nan  # 0.5% missing
    return df


def suite_json(columns: list[str]) -> dict:
    def e(kind: str, **kw: object) -> dict:
        return {"type": kind, "kwargs": kw, "meta": {}}

    exps = [
        e("expect_table_columns_to_match_set", column_set=columns, exact_match=True),
        *[
            e("expect_column_values_to_not_be_null", column=c)
            for c in ("ID", "CUSTOMER_ID", "LIMIT_BAL", "SEX", "AGE")
        ],
        e("expect_column_values_to_not_be_null", column="BILL_AMT1", mostly=0.99),
        e("expect_column_values_to_be_unique", column="ID"),
        e("expect_column_values_to_match_regex", column="CUSTOMER_ID", regex=r"^[A-Z][12]\d{8}$"),
        e("expect_column_values_to_be_between", column="LIMIT_BAL", min_value=10_000, max_value=1_000_000),
        e("expect_column_values_to_be_between", column="AGE", min_value=18, max_value=100),
        e("expect_column_values_to_be_between", column="BILL_AMT1", min_value=0, max_value=2_000_000),
        e("expect_column_values_to_be_between", column="PD", min_value=0, max_value=1),
        e("expect_column_values_to_be_in_set", column="SEX", value_set=[1, 2]),
        e("expect_column_values_to_be_in_set", column="EDUCATION", value_set=[1, 2, 3]),  # fails on 3%
        e("expect_column_values_to_be_in_set", column="CHANNEL", value_set=["branch", "web", "app", "phone"]),
        e("expect_column_values_to_be_in_set", column="DECISION", value_set=["approve", "decline", "review"]),
        e("expect_column_values_to_be_in_type_list", column="LIMIT_BAL", type_list=["int64", "float64"]),
        e("expect_column_values_to_be_in_type_list", column="PD", type_list=["float64"]),
        e("expect_column_values_to_be_of_type", column="DECISION", type_="str"),
    ]
    assert len(exps) == 20
    return {"name": "bench", "expectations": exps, "meta": {"great_expectations_version": None}}


CONTRACT = """\
name: bench
dataset: {path: data/scoring.parquet}
personal_data: [{column: CUSTOMER_ID, kind: national_id, purpose: identifies the applicant}]
protected_attributes: [SEX, AGE]
keys: [ID]
freshness: {column: SCORED_AT, max_age_days: 40}
"""
REFERENCE = """\
representativeness:
  reference: {path: data/reference.parquet}
  columns: [SEX, AGE, EDUCATION, LIMIT_BAL, PD]
"""


def gx_alone(path: Path, suite: dict) -> tuple[float, bool]:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    t0 = time.perf_counter()
    df = pd.read_parquet(path)
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    s = gx.ExpectationSuite(name=suite["name"], expectations=suite["expectations"])
    batch = (
        ctx.data_sources.add_pandas("bench")
        .add_dataframe_asset("scoring")
        .add_batch_definition_whole_dataframe("all")
        .get_batch(batch_parameters={"dataframe": df})
    )
    res = batch.validate(s)
    return time.perf_counter() - t0, bool(res.success)


def govreport(contract: Path) -> tuple[float, bool, dict]:
    from govreport.contracts import validate

    t0 = time.perf_counter()
    res = validate(contract, as_of=pd.Timestamp("2026-10-10").date())
    return time.perf_counter() - t0, res.success, res.to_dict()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "contracts.json")
    args = ap.parse_args()

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    t0 = time.perf_counter()
    import great_expectations as gx

    import_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        (ws / "data").mkdir()
        (ws / "data_contracts").mkdir()
        t0 = time.perf_counter()
        df = make_data(args.rows, seed=20260930)
        df.to_parquet(ws / "data" / "scoring.parquet", index=False)
        make_data(args.rows, seed=20240101).to_parquet(ws / "data" / "reference.parquet", index=False)
        suite = suite_json(list(df.columns))
        suite["meta"]["great_expectations_version"] = gx.__version__
        (ws / "data_contracts" / "bench.suite.json").write_text(json.dumps(suite), encoding="utf-8")
        (ws / "data_contracts" / "bench.contract.yaml").write_text(CONTRACT, encoding="utf-8")
        (ws / "data_contracts" / "ref.suite.json").write_text(
            json.dumps({**suite, "name": "ref"}), encoding="utf-8"
        )
        (ws / "data_contracts" / "ref.contract.yaml").write_text(
            CONTRACT.replace("name: bench", "name: ref") + REFERENCE, encoding="utf-8"
        )
        print(
            f"data: {args.rows:,} rows × {df.shape[1]} columns, "
            f"{(ws / 'data' / 'scoring.parquet').stat().st_size / 1e6:.1f} MB Parquet "
            f"({time.perf_counter() - t0:.1f} s to make); great_expectations {gx.__version__} "
            f"imported in {import_s:.1f} s (not timed below)"
        )
        del df
        parquet, contract = ws / "data" / "scoring.parquet", ws / "data_contracts" / "bench.contract.yaml"
        gx_alone(parquet, suite)  # warm-up
        _, ok, d = govreport(contract)
        assert not ok and [e["column"] for e in d["expectations"] if not e["success"]] == ["EDUCATION"], d
        assert d["expectations"][7]["sample_unexpected"] == []  # the regex passes; nothing to mask
        times: dict[str, list[float]] = {"great_expectations": [], "govreport": []}
        for i in range(args.repeat):
            order = [
                ("great_expectations", lambda: gx_alone(parquet, suite)[0]),
                ("govreport", lambda: govreport(contract)[0]),
            ]
            for name, fn in order if i % 2 == 0 else order[::-1]:
                times[name].append(fn())
        with_ref = [
            govreport(ws / "data_contracts" / "ref.contract.yaml")[0] for _ in range(max(1, args.repeat // 2))
        ]
    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = med["govreport"] / med["great_expectations"]
    ref_med = statistics.median(with_ref)
    print(
        f"Great Expectations alone : median {med['great_expectations']:.3f} s  "
        f"({', '.join(f'{t:.3f}' for t in times['great_expectations'])})"
    )
    print(
        f"govreport validate       : median {med['govreport']:.3f} s  "
        f"({', '.join(f'{t:.3f}' for t in times['govreport'])})"
    )
    print(
        f"ratio govreport / GX     : {ratio:.3f}  (target ≤ {TARGET})  "
        f"{'OK' if ratio <= TARGET else 'ABOVE TARGET'}"
    )
    print(
        f"govreport + representativeness vs a {args.rows:,}-row reference (for information): "
        f"median {ref_med:.3f} s = {ref_med / med['great_expectations']:.2f} × GX alone"
    )
    result = {
        "benchmark": "contracts.validate vs Great Expectations batch.validate",
        "rows": args.rows,
        "expectations": 20,
        "repeat": args.repeat,
        "great_expectations_import": "excluded from both (imported once before timing)",
        "seconds": times,
        "median": med,
        "ratio": ratio,
        "target": TARGET,
        "ok": ratio <= TARGET,
        "with_representativeness_seconds": with_ref,
        "with_representativeness_median": ref_med,
        "great_expectations_version": gx.__version__,
        "pandas_version": pd.__version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
