"""govreport.metrics.psi / drift: hand computations and input checks."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from govreport.core.status import Status
from govreport.errors import MetricInputError
from govreport.metrics import drift, psi, psi_table


def test_categorical_psi_by_hand():
    ref = pd.Series(["a"] * 50 + ["b"] * 30 + ["c"] * 20)
    cur = pd.Series(["a"] * 30 + ["b"] * 30 + ["c"] * 40)
    expected = (0.3 - 0.5) * math.log(0.3 / 0.5) + 0 + (0.4 - 0.2) * math.log(0.4 / 0.2)
    assert psi(cur, ref) == pytest.approx(expected, abs=1e-12)
    assert psi(ref, ref) == 0.0


def test_new_category_uses_epsilon():
    ref = pd.Series(["a"] * 50 + ["b"] * 50)
    cur = pd.Series(["a"] * 50 + ["b"] * 40 + ["z"] * 10)
    e = 1e-4
    expected = 0 + (0.4 - 0.5) * math.log(0.4 / 0.5) + (0.1 - e) * math.log(0.1 / e)
    assert psi(cur, ref) == pytest.approx(expected, abs=1e-12)
    assert psi(cur, ref, epsilon=1e-3) == pytest.approx(
        (0.4 - 0.5) * math.log(0.4 / 0.5) + (0.1 - 1e-3) * math.log(0.1 / 1e-3), abs=1e-12
    )


def test_numeric_psi_by_hand():
    ref = pd.Series(np.arange(1, 101, dtype=float))  # quartile cut points 25.75, 50.5, 75.25
    cur = pd.Series(np.arange(51, 151, dtype=float))  # shares 0, 0, 0.25, 0.75
    e = 1e-4
    expected = 2 * (e - 0.25) * math.log(e / 0.25) + 0 + (0.75 - 0.25) * math.log(0.75 / 0.25)
    assert psi(cur, ref, bins=4) == pytest.approx(expected, abs=1e-12)
    table = psi_table(cur, ref, bins=4)
    assert list(table["bin"]) == ["≤25.75", "(25.75, 50.5]", "(50.5, 75.25]", ">75.25"]
    assert list(table["current_count"]) == [0, 0, 25, 75]


def test_missing_values_are_a_bin_and_few_valued_numbers_are_categories():
    ref = pd.Series([1.0] * 45 + [2.0] * 45 + [np.nan] * 10)
    cur = pd.Series([1.0] * 40 + [2.0] * 40 + [np.nan] * 20)
    t = psi_table(cur, ref)
    assert list(t["bin"]) == ["1", "2", "(missing)"]
    expected = 2 * (0.4 - 0.45) * math.log(0.4 / 0.45) + (0.2 - 0.1) * math.log(0.2 / 0.1)
    assert t["contribution"].sum() == pytest.approx(expected, abs=1e-12)


def test_drift_ranks_columns_and_gives_statuses():
    rng = np.random.default_rng(0)
    n = 20000
    ref = pd.DataFrame(
        {
            "income": rng.lognormal(10, 1, n),
            "region": rng.choice(["N", "S", "E"], n),
            "score": rng.beta(2, 5, n),
        }
    )
    cur = pd.DataFrame(
        {
            "income": rng.lognormal(10.6, 1, n),
            "region": rng.choice(["N", "S", "E"], n),
            "score": rng.beta(2, 5, n),
        }
    )
    d = drift(cur, ref, score="score")
    assert d.ranking == ["income", "region"]
    assert d.columns["income"].status is Status.RED and d.columns["region"].status is Status.GREEN
    assert d.columns["income"].kind == "quantile bins" and d.columns["region"].kind == "categories"
    ids = {i.id: i for i in d.indicators()}
    assert ids["drift.psi.score"].status is Status.GREEN
    assert ids["drift.psi.max_feature"].details["red"] == ["income"]
    out = d.to_dict()
    json.dumps(out, allow_nan=False)
    assert out["columns"]["income"]["psi"] == pytest.approx(psi(cur["income"], ref["income"]))
    assert out["counts"] == {"green": 1, "amber": 0, "red": 1}


def test_reference_missing_columns_named():
    cur = pd.DataFrame({"a": [1, 2], "b": [1, 2], "c": [3, 4]})
    ref = pd.DataFrame({"a": [1, 2]})
    with pytest.raises(MetricInputError, match=r"field 'b': reference_df lacks columns 'b', 'c'"):
        drift(cur, ref, ["a", "b", "c"])
    with pytest.raises(MetricInputError, match=r"current_df lacks column 'x'"):
        drift(cur, ref.assign(x=1), ["a", "x"])


def test_psi_bad_input():
    with pytest.raises(MetricInputError, match=r"numeric in the reference but not numeric now"):
        psi(pd.Series(["1", "2"] * 10, name="x"), pd.Series(np.arange(20.0), name="x"))
    with pytest.raises(MetricInputError, match=r"reference data has no rows"):
        psi(pd.Series([1.0]), pd.Series([], dtype=float))
    with pytest.raises(MetricInputError, match=r"bins must be an integer ≥ 2"):
        psi(pd.Series([1.0]), pd.Series([1.0]), bins=1)


def test_credit_data_self_drift_is_small(credit_df):
    ref = credit_df.iloc[::2]
    cur = credit_df.iloc[1::2]
    d = drift(cur, ref, ["LIMIT_BAL", "AGE", "PAY_0", "BILL_AMT1", "EDUCATION"])
    assert all(c.status is Status.GREEN for c in d.columns.values())
    shifted = drift(cur.assign(LIMIT_BAL=cur["LIMIT_BAL"] * 1.5), ref, ["LIMIT_BAL"])
    assert shifted.columns["LIMIT_BAL"].status is Status.RED
