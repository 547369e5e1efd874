"""govreport.metrics.feature_importance / reason_codes on synthetic data with known structure."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from govreport.errors import MetricInputError
from govreport.metrics import feature_importance, reason_codes


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 6000
    df = pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
            "x3": rng.normal(size=n),
            "region": rng.choice(["N", "S", "E"], n),
        }
    )
    logit = 2.0 * df["x1"] - 1.0 * df["x2"] + 0.8 * (df["region"] == "S")
    df["pd"] = 1 / (1 + np.exp(-logit))
    df["bad"] = (rng.random(n) < df["pd"]).astype(int)
    return df


@pytest.mark.parametrize("surrogate", ["gbm", "linear"])
def test_surrogate_importance_recovers_structure(data, surrogate):
    res = feature_importance(data, ["x1", "x2", "x3", "region"], "pd", surrogate=surrogate, sample=4000)
    order = [i["feature"] for i in res.importances]
    assert order[:2] == ["x1", "x2"] and order[-1] == "x3"
    assert res.fidelity_r2 > (0.99 if surrogate == "linear" else 0.9)
    assert sum(i["share"] for i in res.importances) == pytest.approx(1.0)
    ind = res.indicators()[0]
    assert (
        ind.id == "explainability.surrogate_fidelity_r2" and ind.status.value == "green"
    )  # R² ≥ 0.70 (DEFAULT_THRESHOLDS)
    json.dumps(res.to_dict(), allow_nan=False)


def test_model_permutation_importance(data):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit(data[["x1", "x2", "x3"]], data["bad"])
    res = feature_importance(data, ["x1", "x2", "x3"], model=model, n_repeats=2)
    assert [i["feature"] for i in res.importances] == ["x1", "x2", "x3"]
    assert res.method.startswith("permutation (model)") and res.fidelity_r2 is None
    assert res.indicators() == []
    with pytest.raises(MetricInputError, match=r"field 'model'.*has no predict_proba"):
        feature_importance(data, ["x1"], model=object())
    with pytest.raises(MetricInputError, match=r"neither a model nor a score"):
        feature_importance(data, ["x1"])


def test_reason_codes(data):
    adverse = data["pd"] > 0.7
    res = reason_codes(data, ["x1", "x2", "x3", "region"], "pd", adverse, top_k=2)
    assert res.n_adverse == int(adverse.sum())
    assert res.summary[0]["feature"] == "x1" and res.summary[0]["share_rank1"] > 0.5
    assert res.fidelity_r2 > 0.99 and 0.9 < res.coverage <= 1.0
    pdec = res.per_decision
    assert list(pdec.columns) == ["reason_1", "reason_2"] and pdec.index.equals(data.index[adverse])
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert "per_decision" not in d  # no customer-level rows in a report
    # the same model scored the other way round (higher = favourable) gives the same main reason
    fav = reason_codes(
        data.assign(good=1 - data["pd"]), ["x1", "x2"], "good", "bad", score_higher_is="favourable"
    )
    assert fav.n_adverse == int(data["bad"].sum())
    assert fav.summary[0]["feature"] == "x1"
    assert {i.id for i in fav.indicators()} == {
        "explainability.reason_code_coverage",
        "explainability.reason_code_fidelity_r2",
    }


def test_reason_codes_bad_mask(data):
    with pytest.raises(MetricInputError, match=r"adverse_mask must be a boolean mask with one value per row"):
        reason_codes(data, ["x1"], "pd", np.ones(3, dtype=bool))
    with pytest.raises(MetricInputError, match=r"field 'pd': scores must be numeric"):
        reason_codes(data.assign(pd="high"), ["x1"], "pd", data["bad"] == 1)
