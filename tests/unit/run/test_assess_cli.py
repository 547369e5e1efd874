"""`govreport assess`: one scored file → results.json and a self-contained report.html."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from govreport import metrics


def _scored(df: pd.DataFrame) -> pd.DataFrame:
    """A simple, reproducible score on the real data: PD from repayment status and utilisation."""
    z = -1.4 + 0.7 * df["PAY_0"].clip(-1, 4) + 0.5 * (df["BILL_AMT1"] / df["LIMIT_BAL"]).clip(0, 2)
    out = df.copy()
    out["PD"] = (1 / (1 + np.exp(-z))).round(6)
    out["DECISION"] = (out["PD"] < 0.3).astype(int)
    return out


def _assess(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "govreport", "assess", *args], capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_assess_real_dataset_matches_the_library(credit_df, tmp_path):
    df = _scored(credit_df)
    df.iloc[:15000].to_csv(tmp_path / "ref.csv", index=False)
    df.iloc[15000:].to_csv(tmp_path / "scored.csv", index=False)
    r = _assess(
        str(tmp_path / "scored.csv"),
        "--label",
        "DEFAULT",
        "--label-favourable",
        "0",
        "--prediction",
        "DECISION",
        "--prediction-favourable",
        "1",
        "--protected",
        "SEX,AGE",
        "--score",
        "PD",
        "--features",
        "LIMIT_BAL,PAY_0,BILL_AMT1,EDUCATION",
        "--reference",
        str(tmp_path / "ref.csv"),
        "--out",
        str(tmp_path / "out"),
    )
    assert r.returncode == 0, r.stderr
    res = json.loads((tmp_path / "out" / "results.json").read_text())
    html = (tmp_path / "out" / "report.html").read_text()
    assert "plotly" in html and "差異影響比" in html
    cur = df.iloc[15000:]
    direct = metrics.fairness(
        cur,
        label="DEFAULT",
        label_favourable=0,
        prediction="DECISION",
        prediction_favourable=1,
        protected=["SEX", "AGE"],
        n_bootstrap=0,
    ).to_dict()
    for attr in ("SEX", "AGE"):
        a = res["fairness"]["attributes"][attr]
        assert a["disparate_impact_ratio"] == pytest.approx(
            direct["attributes"][attr]["disparate_impact_ratio"], abs=1e-12
        )
        for g, vals in direct["attributes"][attr]["groups"].items():
            assert a["groups"][g]["selection_rate"] == pytest.approx(vals["selection_rate"], abs=1e-12)
    from sklearn.metrics import roc_auc_score

    assert res["model_quality"]["auc"] == pytest.approx(roc_auc_score(cur["DEFAULT"], cur["PD"]), abs=1e-9)
    assert res["model_quality"]["gini"] == pytest.approx(2 * res["model_quality"]["auc"] - 1)
    assert all(i["status"] in ("green", "amber", "red", "not_assessed") for i in res["indicators"])
    assert res["system"]["tier"] == "unassessed"


@pytest.mark.slow
def test_assess_against_raw_training_data_without_the_score(credit_df, tmp_path):
    """The training data as kept (no score, no decision) is a reference: feature PSI and the proxy scan
    are assessed, and the notes say which figures needed the score."""
    raw = credit_df.iloc[:15000]
    assert "PD" not in raw and "DECISION" not in raw
    raw.to_csv(tmp_path / "training.csv", index=False)
    cur = _scored(credit_df).iloc[15000:]
    cur.to_csv(tmp_path / "scored.csv", index=False)
    feats = ["LIMIT_BAL", "PAY_0", "BILL_AMT1", "EDUCATION"]
    r = _assess(
        str(tmp_path / "scored.csv"),
        *("--label", "DEFAULT", "--label-favourable", "0", "--prediction", "DECISION"),
        *("--prediction-favourable", "1", "--protected", "SEX,AGE", "--score", "PD"),
        *("--features", ",".join(feats), "--reference", str(tmp_path / "training.csv")),
        *("--out", str(tmp_path / "out")),
    )
    assert r.returncode == 0, r.stderr
    res = json.loads((tmp_path / "out" / "results.json").read_text())
    direct = metrics.drift(cur, raw, feats).to_dict()
    assert res["drift"]["score"] is None and set(res["drift"]["columns"]) == set(feats)
    for c in feats:
        assert res["drift"]["columns"][c]["psi"] == pytest.approx(direct["columns"][c]["psi"], abs=1e-12)
    ids = {i["id"] for i in res["indicators"]}
    assert (
        set(res["proxy"]["protected"]) == {"SEX", "AGE"}
        and {"fairness.proxy.SEX", "fairness.proxy.AGE"} <= ids
    )
    assert any(i.startswith("drift.") for i in ids)
    assert any("no score column (PD)" in n and "score's PSI" in n for n in res["notes"]), res["notes"]
    assert any("Gini drop" in n and "PD" in n for n in res["notes"]), res["notes"]
    html = (tmp_path / "out" / "report.html").read_text()
    assert "no score column (PD)" in html


@pytest.mark.parametrize(
    ("change", "args", "message"),
    [
        (None, ["--label", "NOPE"], "column(s) NOPE not in the file"),
        (None, ["--label-favourable", "yes"], "'yes' is not a number but column 'DEFAULT' is numeric"),
        ("ref_missing", [], "the reference file has none of the columns drift compares (PD)"),
        ("empty", [], "dataset has no rows"),
    ],
)
def test_assess_bad_input_is_one_line(tmp_path, change, args, message):
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "DEFAULT": rng.integers(0, 2, 200),
            "DECISION": rng.integers(0, 2, 200),
            "SEX": rng.integers(1, 3, 200),
            "PD": rng.random(200),
        }
    )
    df.to_csv(tmp_path / "s.csv", index=False)
    extra = []
    if change == "ref_missing":
        df.drop(columns="PD").to_csv(tmp_path / "r.csv", index=False)
        extra = ["--reference", str(tmp_path / "r.csv")]
    if change == "empty":
        df.head(0).to_csv(tmp_path / "s.csv", index=False)
    base = {
        "--label": "DEFAULT",
        "--label-favourable": "0",
        "--prediction": "DECISION",
        "--prediction-favourable": "1",
        "--protected": "SEX",
        "--score": "PD",
    }
    for k, v in zip(args[::2], args[1::2], strict=True):
        base[k] = v
    argv = [
        str(tmp_path / "s.csv"),
        *[x for kv in base.items() for x in kv],
        *extra,
        "--out",
        str(tmp_path / "o"),
    ]
    r = _assess(*argv)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
