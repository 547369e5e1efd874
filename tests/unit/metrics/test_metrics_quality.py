"""govreport.metrics.model_quality against scikit-learn / scipy, and its input checks."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from govreport.core.status import Status
from govreport.errors import MetricInputError
from govreport.metrics import auc_from_counts, model_quality


@pytest.fixture(scope="module")
def scored(credit_df: pd.DataFrame) -> pd.DataFrame:
    from sklearn.linear_model import LogisticRegression

    df = credit_df.copy()
    feats = ["LIMIT_BAL", "PAY_0", "PAY_2", "BILL_AMT1", "PAY_AMT1", "AGE"]
    x = (df[feats] - df[feats].mean()) / df[feats].std()
    df["PD"] = LogisticRegression(max_iter=1000).fit(x, df["DEFAULT"]).predict_proba(x)[:, 1]
    return df


def _synthetic(n: int = 5000, seed: int = 0, decimals: int | None = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    pd_ = 1 / (1 + np.exp(-(x - 1)))
    y = rng.random(n) < pd_
    score = np.round(pd_, decimals) if decimals is not None else pd_  # rounding makes heavy ties
    return pd.DataFrame({"bad": y.astype(int), "score": score})


def test_real_data_matches_sklearn(scored):
    from scipy.stats import ks_2samp
    from sklearn.metrics import brier_score_loss, roc_auc_score

    q = model_quality(
        scored, label="DEFAULT", label_favourable=0, score="PD", score_higher_is="adverse", reference_gini=0.5
    )
    auc = roc_auc_score(scored["DEFAULT"], scored["PD"])
    assert q.auc == pytest.approx(auc, abs=1e-9)
    assert q.gini == pytest.approx(2 * auc - 1, abs=1e-9)
    assert q.brier == pytest.approx(brier_score_loss(scored["DEFAULT"], scored["PD"]), abs=1e-12)
    ks = ks_2samp(scored.loc[scored.DEFAULT == 1, "PD"], scored.loc[scored.DEFAULT == 0, "PD"]).statistic
    assert q.ks == pytest.approx(ks, abs=1e-12)
    assert q.gini_relative_drop == pytest.approx((0.5 - q.gini) / 0.5, abs=1e-12)
    # the same model seen from the favourable side
    q2 = model_quality(
        scored.assign(PG=1 - scored["PD"]),
        label="DEFAULT",
        label_favourable=0,
        score="PG",
        score_higher_is="favourable",
    )
    assert q2.auc == pytest.approx(roc_auc_score(scored["DEFAULT"] == 0, 1 - scored["PD"]), abs=1e-9)
    assert q2.brier == pytest.approx(q.brier, abs=1e-12)
    json.dumps(q.to_dict(), allow_nan=False)


@pytest.mark.parametrize("decimals", [None, 3, 1])
def test_auc_exact_with_ties(decimals):
    from sklearn.metrics import roc_auc_score

    df = _synthetic(decimals=decimals)
    q = model_quality(df, label="bad", label_favourable=0, score="score", score_higher_is="adverse")
    assert q.auc == pytest.approx(roc_auc_score(df["bad"], df["score"]), abs=1e-12)


def test_auc_from_counts_by_hand():
    # scores 0.1 (1 pos, 2 neg), 0.5 (1 pos, 1 neg), 0.9 (2 pos, 0 neg): pairs won 0.5*2 + (2+0.5) + 2*3
    assert auc_from_counts([1, 1, 2], [2, 1, 0]) == pytest.approx((1 + 2.5 + 6) / 12)
    assert np.isnan(auc_from_counts([3], [0]))


def test_ece_and_reliability_match_calibration_curve():
    from sklearn.calibration import calibration_curve

    df = _synthetic(decimals=None)
    for strategy in ("uniform", "quantile"):
        q = model_quality(
            df,
            label="bad",
            label_favourable=0,
            score="score",
            score_higher_is="adverse",
            n_bins=10,
            calibration_bins=strategy,
        )
        prob_true, prob_pred = calibration_curve(df["bad"], df["score"], n_bins=10, strategy=strategy)
        bins = [b for b in q.reliability if b["n"] > 0]
        assert [b["observed_rate"] for b in bins] == pytest.approx(list(prob_true), abs=1e-12)
        assert [b["mean_score"] for b in bins] == pytest.approx(list(prob_pred), abs=1e-12)
        w = np.array([b["n"] for b in bins]) / len(df)
        assert q.ece == pytest.approx(float(np.sum(w * np.abs(prob_true - prob_pred))), abs=1e-12)
        assert sum(b["n"] for b in q.reliability) == len(df)


def test_curves_are_thinned_and_monotone():
    df = _synthetic(n=20000, decimals=None)
    q = model_quality(df, label="bad", label_favourable=0, score="score", score_higher_is="adverse")
    fpr, tpr = np.array(q.roc["fpr"]), np.array(q.roc["tpr"])
    assert 100 < len(fpr) <= 200
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0.0, 0.0, 1.0, 1.0)
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    trapezoid = getattr(np, "trapezoid", None) or np.trapz  # numpy < 2 (the lowest declared) has only trapz
    assert trapezoid(tpr, fpr) == pytest.approx(q.auc, abs=2e-3)
    assert max(np.abs(np.array(q.ks_curve["cum_target"]) - q.ks_curve["cum_other"])) <= q.ks + 1e-12
    assert q.roc["threshold"][0] is None  # +inf: nothing selected


def test_indicators_and_statuses():
    df = _synthetic(decimals=None)
    q = model_quality(df, label="bad", label_favourable=0, score="score", score_higher_is="adverse")
    ids = {i.id: i for i in q.indicators()}
    assert set(ids) == {
        "model_quality.auc",
        "model_quality.ks",
        "model_quality.ece",
        "model_quality.gini_relative_drop",
    }
    assert ids["model_quality.gini_relative_drop"].status is Status.NOT_ASSESSED
    assert "no reference Gini" in ids["model_quality.gini_relative_drop"].note
    assert ids["model_quality.auc"].status is Status.GREEN
    # a threshold for the Gini itself adds an indicator
    q = model_quality(
        df,
        label="bad",
        label_favourable=0,
        score="score",
        score_higher_is="adverse",
        reference_gini=0.9,
        thresholds={"gini": {"better": "higher", "green": 0.4, "red": 0.3}},
    )
    ids = {i.id: i for i in q.indicators()}
    assert "model_quality.gini" in ids and ids["model_quality.gini_relative_drop"].status is Status.RED
    d = q.to_dict()
    assert d["status"]["gini_relative_drop"] == "red" and "gini" in d["thresholds"]


def test_single_class_is_not_assessed():
    df = pd.DataFrame({"bad": 0, "score": np.linspace(0, 1, 50)})
    q = model_quality(df, label="bad", label_favourable=0, score="score", score_higher_is="adverse")
    assert q.auc is None and q.ks is None
    auc = next(i for i in q.indicators() if i.id == "model_quality.auc")
    assert auc.status is Status.NOT_ASSESSED and "one label class" in auc.note
    json.dumps(q.to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    ("frame", "kw", "pattern"),
    [
        (
            pd.DataFrame({"bad": [0, 1], "score": [0.2, 1.7]}),
            {},
            r"field 'score': scores must be probabilities in "
            r"\[0, 1\] but range from 0.2 to 1.7",
        ),
        (
            pd.DataFrame({"bad": [0, 1], "score": ["low", "high"]}),
            {},
            r"field 'score': scores must be numeric",
        ),
        (
            pd.DataFrame({"bad": [0, 1], "score": [0.2, np.nan]}),
            {},
            r"field 'score': 1 of 2 scores are missing",
        ),
        (pd.DataFrame({"bad": [0, 2, 1], "score": [0.2, 0.3, 0.4]}), {}, r"field 'bad'.*exactly two values"),
        (
            pd.DataFrame({"bad": [0, 1], "score": [0.2, 0.3]}),
            {"score_higher_is": "bad"},
            r"score_higher_is must be one of 'adverse', 'favourable'",
        ),
        (
            pd.DataFrame({"bad": [0, 1], "score": [0.2, 0.3]}),
            {"reference_gini": 1.4},
            r"reference_gini must be in",
        ),
        (pd.DataFrame({"bad": [0, 1], "pd": [0.2, 0.3]}), {}, r"has no column 'score'"),
    ],
)
def test_bad_input(frame, kw, pattern):
    args = dict(label="bad", label_favourable=0, score="score", score_higher_is="adverse")
    with pytest.raises(MetricInputError, match=pattern):
        model_quality(frame, **{**args, **kw})


def test_importing_metrics_does_not_import_sklearn():
    code = "import sys, govreport.metrics; print('sklearn' in sys.modules, 'scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
