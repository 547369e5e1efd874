"""Benchmark: govreport's contract validation against Great Expectations alone, same suite, same data.

    python bench/bench_contracts.py [--rows 1000000] [--repeat 3]

A suite of 20 expectations over deterministic synthetic rows stored as Parquet. Both sides read the file
and validate through Great Expectations' pandas engine; govreport additionally fingerprints the file
(SHA-256), masks samples and summarises the five quality dimensions. The Great Expectations import
(≈6 s) is paid once, before either is timed. Target: govreport ≤ 1.2 × Great Expectations.
Writes bench/results/contracts.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SUITE = [
    ("expect_column_values_to_not_be_null", {"column": c}) for c in ("id", "age", "sex", "income", "region", "score")
] + [
    ("expect_column_values_to_be_unique", {"column": "id"}),
    ("expect_column_values_to_be_between", {"column": "age", "min_value": 18, "max_value": 100}),
    ("expect_column_values_to_be_between", {"column": "income", "min_value": 0, "max_value": 1e7}),
    ("expect_column_values_to_be_between", {"column": "score", "min_value": 0, "max_value": 1}),
    ("expect_column_values_to_be_in_set", {"column": "sex", "value_set": [1, 2]}),
    ("expect_column_values_to_be_in_set", {"column": "region", "value_set": list("NESWC")}),
    ("expect_column_values_to_be_in_set", {"column": "channel", "value_set": ["app", "web", "branch"]}),
    ("expect_column_values_to_match_regex", {"column": "customer_id", "regex": r"^C\d{8}$"}),
    ("expect_column_value_lengths_to_be_between", {"column": "customer_id", "min_value": 9, "max_value": 9}),
    ("expect_column_mean_to_be_between", {"column": "age", "min_value": 30, "max_value": 60}),
    ("expect_column_max_to_be_between", {"column": "income", "min_value": 0, "max_value": 1e7}),
    ("expect_table_row_count_to_be_between", {"min_value": 1, "max_value": 10**9}),
    ("expect_table_columns_to_match_set", {"column_set": ["id", "customer_id", "age", "sex", "income", "region",
                                                          "channel", "score"], "exact_match": True}),
    ("expect_column_proportion_of_unique_values_to_be_between", {"column": "sex", "min_value": 0, "max_value": 0.01}),
]


def make_data(rows: int) -> pd.DataFrame:
    rng = np.random.default_rng(42)
    return pd.DataFrame({
        "id": np.arange(rows), "customer_id": [f"C{i:08d}" for i in range(rows)],
        "age": rng.integers(18, 90, rows), "sex": rng.integers(1, 3, rows),
        "income": rng.gamma(2, 30000, rows).round(), "region": rng.choice(list("NESWC"), rows),
        "channel": rng.choice(["app", "web", "branch"], rows), "score": rng.random(rows),
    })


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    assert len(SUITE) == 20
    t = time.perf_counter()
    import great_expectations as gx

    from govreport.contracts import load_contract, validate
    from govreport.contracts._validate import _gx_context
    from govreport.scaffold import init_workspace

    print(f"import great_expectations: {time.perf_counter() - t:.1f} s (not timed below)")
    with tempfile.TemporaryDirectory() as tmp:
        root = init_workspace(Path(tmp) / "ws", name_zh="基準", name_en="Bench")
        make_data(args.rows).to_parquet(root / "data" / "bench.parquet", index=False)
        suite = {"name": "bench", "expectations": [{"type": k, "kwargs": kw, "meta": {}} for k, kw in SUITE],
                 "meta": {"great_expectations_version": gx.__version__}}
        (root / "data_contracts" / "bench.suite.json").write_text(json.dumps(suite))
        (root / "data_contracts" / "bench.contract.yaml").write_text(
            "name: bench\ndataset: {path: data/bench.parquet}\nsuite: bench.suite.json\npersonal_data: [customer_id]\n")

        def gx_alone() -> bool:
            df = pd.read_parquet(root / "data" / "bench.parquet")
            ctx = _gx_context()
            batch = (ctx.data_sources.add_pandas("p").add_dataframe_asset("a")
                     .add_batch_definition_whole_dataframe("b").get_batch(batch_parameters={"dataframe": df}))
            s = gx.ExpectationSuite(**suite)
            return batch.validate(s, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}).success

        def ours() -> bool:
            return validate(load_contract(root / "data_contracts" / "bench.contract.yaml"), root).success

        times: dict[str, list[float]] = {"great_expectations": [], "govreport": []}
        outcomes = {}
        for _ in range(args.repeat):
            for name, fn in (("great_expectations", gx_alone), ("govreport", ours)):
                t0 = time.perf_counter()
                outcomes[name] = fn()
                times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    ratio = med["govreport"] / med["great_expectations"]
    assert outcomes["govreport"] == outcomes["great_expectations"], outcomes
    print(f"{args.rows:,} rows, {len(SUITE)} expectations, median of {args.repeat}")
    print(f"Great Expectations alone: {med['great_expectations']:.2f} s")
    print(f"govreport validate:       {med['govreport']:.2f} s")
    print(f"ratio: {ratio:.2f}× (target ≤ 1.2×)")
    out = Path(__file__).parent / "results" / "contracts.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"rows": args.rows, "expectations": len(SUITE), "seconds": times, "median": med,
                               "ratio": ratio, "target": 1.2}, indent=2))
    return 0 if ratio <= 1.2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
