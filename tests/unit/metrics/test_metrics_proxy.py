"""govreport.metrics.proxy_scan / cramers_v."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from govreport.core.status import Status
from govreport.errors import MetricInputError
from govreport.metrics import cramers_v, proxy_scan


def test_cramers_v_matches_scipy_and_bias_correction_by_hand():
    from scipy.stats.contingency import association

    t = np.array([[30, 10, 5], [10, 25, 20]])
    assert cramers_v(t, bias_corrected=False) == pytest.approx(association(t, method="cramer"), abs=1e-12)
    n = t.sum()
    exp = np.outer(t.sum(1), t.sum(0)) / n
    phi2 = ((t - exp) ** 2 / exp).sum() / n
    r, k = t.shape
    phi2c = max(0, phi2 - (k - 1) * (r - 1) / (n - 1))
    rc, kc = r - (r - 1) ** 2 / (n - 1), k - (k - 1) ** 2 / (n - 1)
    assert cramers_v(t) == pytest.approx(np.sqrt(phi2c / min(rc - 1, kc - 1)), abs=1e-12)
    assert np.isnan(cramers_v(np.array([[5, 6]])))


def _frame(n: int = 5000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    sex = rng.choice([1, 2], n)
    return pd.DataFrame(
        {
            "sex": sex,
            "age": rng.integers(20, 70, n),
            "title": np.where(sex == 1, "Mr", "Ms"),  # a perfect proxy
            "height": np.where(sex == 1, 172, 160) + rng.normal(0, 6, n),  # a strong one
            "noise": rng.normal(size=n),
            "const": 1,
        }
    )


def test_proxies_are_flagged():
    res = proxy_scan(_frame(), ["title", "height", "noise", "const", "age"], ["sex", "age"])
    f = res.frame()
    v = {(r.feature, r.protected): r for r in f.itertuples()}
    assert (
        v[("title", "sex")].cramers_v == pytest.approx(1.0, abs=1e-3) and v[("title", "sex")].status == "red"
    )
    assert v[("height", "sex")].status in ("amber", "red")
    assert v[("noise", "sex")].status == "green" and v[("noise", "sex")].cramers_v < 0.05
    assert v[("const", "sex")].status == "not_assessed"
    assert ("age", "age") not in v
    inds = {i.id: i for i in res.indicators()}
    assert inds["fairness.proxy.sex"].status is Status.RED
    assert inds["fairness.proxy.sex"].details["flagged"][:2] == ["title", "height"]
    # 'age' is a protected attribute used as a feature, without a justification: red
    assert inds["fairness.protected_feature.age"].status is Status.RED
    d = res.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["protected_as_feature"]["age"]["status"] == "red"
    assert d["protected"]["sex"]["top_feature"] == "title"


def test_justification_makes_direct_use_green():
    res = proxy_scan(
        _frame(),
        ["noise", "age"],
        ["sex", "age"],
        justifications={"age": "legal capacity (Art. 6 review 2025-03)"},
    )
    ind = next(i for i in res.indicators() if i.id == "fairness.protected_feature.age")
    assert ind.status is Status.GREEN and "legal capacity" in ind.note


def test_uncorrected_option_and_real_data(credit_df):
    res = proxy_scan(
        credit_df, ["LIMIT_BAL", "MARRIAGE", "EDUCATION", "PAY_0"], ["SEX", "AGE"], bias_corrected=False
    )
    f = res.frame()
    # MARRIAGE and age band are associated (married people are older); not a fail-level proxy
    row = f[(f.feature == "MARRIAGE") & (f.protected == "AGE")].iloc[0]
    assert 0.2 < row.cramers_v < 0.7
    assert row.binning == "categories"
    assert res.settings["method"] == "Cramér's V"


def test_bad_input():
    df = _frame()
    with pytest.raises(MetricInputError, match=r"has no column 'religion'"):
        proxy_scan(df, ["noise"], ["religion"])
    with pytest.raises(MetricInputError, match=r"justifications name 'height', which is not in protected"):
        proxy_scan(df, ["noise"], ["sex"], justifications={"height": "x"})
    with pytest.raises(MetricInputError, match=r"features must be a non-empty list"):
        proxy_scan(df, [], ["sex"])
