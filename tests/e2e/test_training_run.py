"""`govreport run --template data_quality` on the real UCI credit-card set (Yeh & Lien 2009, CC BY 4.0): the
training-data audit of a system whose training file has a leaky feature, recorded once per model version
and training data, and shown again (not recomputed) in the next period."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from govreport.evidence.queries import open_store
from govreport.workspace.config import Workspace
from govreport.workspace.scaffold import init_workspace
from tests.unit.run.test_assess_cli import _scored

SYSTEM = """\
id: uci-card
name_zh: 信用卡違約模型（UCI 資料）
name_en: Credit-card default model (UCI data)
kind: predictive
owner: {name: 測試, role: owner}
accountable: {name: 風險長, role: CRO}
scope: {affects_transaction_rights: true}
risk_factors: {customer_facing: 2, personal_data: 3, autonomy: 2, complexity: 2, impact: 3, remedies: 2}
datasets:
  - {name: training, role: training, path: data/training.csv, contract: uci_training}
  - {name: scoring, role: scoring, path: "data/scoring_{period}.csv"}
model: {version: "2025.1", label: DEFAULT, label_favourable: 0, prediction: DECISION,
        prediction_favourable: 1, score: PD, score_higher_is: adverse,
        features: [LIMIT_BAL, PAY_0, BILL_AMT1, EDUCATION, PAY_NEXT]}
protected_attributes:
  - {column: SEX, category: sex}
  - {column: AGE, category: age}
templates: [model_risk, data_quality]
"""
IDS = {
    "training.label_balance",
    "training.label_leakage",
    "training.overlap_with_scoring",
    "training.window",
    *(
        f"training.{k}.{a}"
        for k in ("label_rate_by_group", "differential_missingness")
        for a in ("SEX", "AGE")
    ),
    *(f"training.group_coverage.{a}" for a in ("SEX", "AGE")),
}


def _run(root, *args: str) -> subprocess.CompletedProcess[str]:  # noqa: ANN001
    return subprocess.run(
        [sys.executable, "-m", "govreport", "run", "-w", str(root), *args],
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_unknown_or_unused_template_is_one_line(tmp_path) -> None:  # noqa: ANN001
    root = init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test")
    (root / "systems" / "uci-card.yaml").write_text(SYSTEM.replace(", data_quality", ""), encoding="utf-8")
    for name, msg in (("nope", "template 'nope' not found"), ("data_quality", "no selected system runs")):
        proc = _run(root, "--period", "2026Q1", "--template", name)
        assert proc.returncode == 2 and msg in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_run_only_data_quality_audits_the_training_set(credit_df, tmp_path) -> None:  # noqa: ANN001
    root = init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test")
    df = _scored(credit_df)
    rng = np.random.default_rng(5)  # next month's repayment status: the label, 0.5 % noise — a leak
    df["PAY_NEXT"] = np.where(rng.random(len(df)) < 0.005, 1 - df["DEFAULT"], df["DEFAULT"])
    training = df.iloc[:15000].copy()  # the set has no dates: applications dated over 2025, synthetic
    training["APPLIED_AT"] = (
        pd.Timestamp("2025-01-01") + pd.to_timedelta(np.arange(15000) % 365, "D")
    ).strftime("%Y-%m-%d")
    training.to_csv(root / "data" / "training.csv", index=False)
    # the training suite, scaffolded from the data (keys: ID; freshness: APPLIED_AT), then edited: training
    # data is old by design, so it may be two years old
    scaffold = subprocess.run(
        [
            sys.executable,
            "-m",
            "govreport",
            "contracts",
            "scaffold",
            "data/training.csv",
            "--name",
            "uci_training",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert scaffold.returncode == 0, scaffold.stderr
    contract = root / "data_contracts" / "uci_training.contract.yaml"
    text = contract.read_text(encoding="utf-8")
    assert 'keys: ["ID"]' in text and 'column: "APPLIED_AT"' in text
    contract.write_text(text.replace("max_age_days: 40", "max_age_days: 730"), encoding="utf-8")
    df.iloc[15000:22500].to_csv(root / "data" / "scoring_2026Q1.csv", index=False)
    df.iloc[22500:].to_csv(root / "data" / "scoring_2026Q2.csv", index=False)
    (root / "systems" / "uci-card.yaml").write_text(SYSTEM, encoding="utf-8")
    for period in ("2026Q1", "2026Q2"):
        proc = _run(root, "--period", period, "--template", "data_quality")
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "1 succeeded, 0 failed" in proc.stdout
    ws = Workspace.load(root)
    records = open_store(ws).records()
    assert [(r.template, r.period) for r in records] == [
        ("data_quality", "2026Q1"),
        ("data_quality", "2026Q2"),
    ]
    first, second = (json.loads((root / r.outputs["results"]["path"]).read_text()) for r in records)
    for res in (first, second):
        statuses = {i["id"]: i["status"] for i in res["indicators"] if i["id"].startswith("training.")}
        assert set(statuses) == IDS
        assert {k for k, v in statuses.items() if v != "green"} == {"training.label_leakage"}
        assert res["training"]["per_version"]["label_leakage"]["flagged"] == ["PAY_NEXT"]
        assert res["training"]["per_period"]["overlap_with_scoring"]["basis"] == "keys"
        assert res["data_quality"]["uci_training"]["success"]  # the training suite passes its own data
    # the second period shows the first period's per-version audit, cited by RUN_ID
    assert second["training"]["per_version"]["recorded"] == {"period": "2026Q1", "seq": records[0].seq}
    assert any("as recorded in 2026Q1" in n for n in second["notes"])
    html = (root / records[1].outputs["html"]["path"]).read_text(encoding="utf-8")
    assert "Feature(s) PAY_NEXT predict the label almost perfectly on their own" in html
