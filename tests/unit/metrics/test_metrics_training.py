"""The training-data metrics (govreport.metrics._training) against scikit-learn and hand-computed figures."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from govreport import metrics
from govreport.core.status import Status
from govreport.errors import MetricInputError


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 4000
    x = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-1.5 * x))).astype(int)
    cat = rng.choice(["a", "b", "c"], n)
    return pd.DataFrame(
        {
            "x": x,
            "x_missing": np.where(rng.random(n) < 0.1, np.nan, x),
            "few": rng.integers(0, 5, n),
            "cat": cat,
            "ident": [f"ID{i:05d}" for i in range(n)],
            "sex": rng.choice([1, 2], n),
            "age": rng.integers(20, 80, n),
            "y": y,
        }
    )


def test_single_feature_auc_equals_sklearn_for_ranked_numbers(frame: pd.DataFrame) -> None:
    pos = (frame["y"] == 0).to_numpy()
    auc, method = metrics.single_feature_auc(frame["x"], pos)
    ref = roc_auc_score(pos, frame["x"])
    assert method == "rank"
    assert auc == pytest.approx(max(ref, 1 - ref), abs=1e-12)
    assert auc > 0.7  # the feature does predict the label


def test_single_feature_auc_missing_values_rank_lowest(frame: pd.DataFrame) -> None:
    pos = (frame["y"] == 0).to_numpy()
    auc, _ = metrics.single_feature_auc(frame["x_missing"], pos)
    ref = roc_auc_score(pos, frame["x_missing"].fillna(frame["x_missing"].min() - 1))
    assert auc == pytest.approx(max(ref, 1 - ref), abs=1e-12)


@pytest.mark.parametrize("column", ["few", "cat"])
def test_single_feature_auc_of_categories_is_the_auc_of_their_label_rate(
    frame: pd.DataFrame, column: str
) -> None:
    pos = (frame["y"] == 0).to_numpy()
    auc, method = metrics.single_feature_auc(frame[column], pos)
    rate = frame[column].map(pd.Series(pos).groupby(frame[column]).mean())
    assert method == "rate"
    assert auc == pytest.approx(roc_auc_score(pos, rate), abs=1e-12)


def test_an_identifier_is_not_scored(frame: pd.DataFrame) -> None:
    assert metrics.single_feature_auc(frame["ident"], frame["y"].to_numpy() == 0) == (None, "identifier")


def test_label_leakage_names_a_copy_of_the_label_and_a_near_copy(frame: pd.DataFrame) -> None:
    df = frame.copy()
    df["copy"] = df["y"]
    flip = np.zeros(len(df), bool)
    flip[:20] = True  # 0.5 % noise: still equal to the label in 99.5 % of rows
    df["near"] = np.where(flip, 1 - df["y"], df["y"])
    lk = metrics.label_leakage(df, ["x", "few", "copy", "near"], label="y", label_favourable=0)
    assert set(lk.flagged) == {"copy", "near"}
    assert lk.features["near"]["equal_share"] == pytest.approx(0.995)
    assert lk.status == Status.RED
    ind = lk.indicators()[0]
    assert ind.id == "training.label_leakage" and ind.status == Status.RED
    assert ind.details["feature"] == "copy"
    clean = metrics.label_leakage(df, ["x", "few", "cat"], label="y", label_favourable=0)
    assert clean.flagged == [] and clean.status == Status.GREEN and clean.worst_feature == "x"


def test_a_feature_mostly_equal_to_a_rare_label_by_base_rate_is_not_a_leak() -> None:
    rng = np.random.default_rng(1)
    n = 10_000
    y = (rng.random(n) < 0.003).astype(int)  # a rare outcome
    rare_flag = (rng.random(n) < 0.004).astype(int)  # an unrelated rare flag: equal to y in ~99.3 % of rows
    df = pd.DataFrame({"y": y, "flag": rare_flag})
    lk = metrics.label_leakage(df, ["flag"], label="y", label_favourable=0)
    assert lk.features["flag"]["equal_share"] > 0.99
    assert lk.flagged == [] and lk.status == Status.GREEN


def test_label_in_features_is_refused(frame: pd.DataFrame) -> None:
    with pytest.raises(MetricInputError, match="label is listed"):
        metrics.label_leakage(frame, ["x", "y"], label="y", label_favourable=0)


def test_label_balance_and_rates_by_group(frame: pd.DataFrame) -> None:
    df = frame.copy()
    df.loc[df["sex"] == 2, "y"] = 1  # every sex-2 label unfavourable
    df.loc[df.index[:5], "y"] = 0
    bal = metrics.label_balance(df, label="y", label_favourable=0)
    fav = float((df["y"] == 0).mean())
    assert bal.favourable_share == pytest.approx(fav)
    assert bal.minority_share == pytest.approx(min(fav, 1 - fav))
    rates = metrics.label_rate_by_group(df, label="y", label_favourable=0, protected=["sex", "age"])
    sex = rates["sex"]
    r2 = float((df.loc[df["sex"] == 2, "y"] == 0).mean())
    r1 = float((df.loc[df["sex"] == 1, "y"] == 0).mean())
    assert sex.ratio == pytest.approx(r2 / r1)
    assert (sex.min_group, sex.max_group) == ("2", "1") and sex.status == Status.RED
    assert rates["age"].banding["source"] == "default age bands"
    assert sex.indicators()[0].id == "training.label_rate_by_group.sex"


def test_differential_missingness_names_the_feature_and_groups(frame: pd.DataFrame) -> None:
    df = frame.copy()
    young = df["age"] < 25
    df.loc[young & (np.arange(len(df)) % 2 == 0), "few"] = np.nan  # half the <25s miss it
    res = metrics.differential_missingness(df, ["x", "few", "cat"], protected=["age", "sex"])
    age = res["age"]
    assert age.worst_feature == "few" and age.high_group == "<25"
    expect = float(df.loc[young, "few"].isna().mean())
    assert age.gap == pytest.approx(expect)  # the other bands miss nothing
    assert age.status == Status.RED
    assert res["sex"].gap < 0.1 and res["sex"].status == Status.GREEN


def test_group_coverage_absent_and_tiny_groups() -> None:
    rng = np.random.default_rng(3)
    scoring = pd.DataFrame({"m": rng.choice([1, 2, 3], 3000, p=[0.45, 0.45, 0.1])})
    training = pd.DataFrame({"m": rng.choice([1, 2], 3000)})
    cov = metrics.group_coverage(training, scoring, protected=["m"])["m"]
    assert cov.value == 0.0 and cov.worst_group == "3" and cov.absent == ["3"]
    assert cov.status == Status.RED
    training.loc[:9, "m"] = 3  # ten rows: present but tiny
    cov = metrics.group_coverage(training, scoring, protected=["m"])["m"]
    assert cov.tiny == ["3"] and cov.status == Status.RED
    g = cov.groups["3"]
    assert g["ratio"] == pytest.approx((10 / 3000) / g["share_scoring"])


def test_overlap_counts_rows_by_hash_numbers_as_numbers() -> None:
    training = pd.DataFrame({"a": [1, 2, 3, 4], "b": ["x", "y", "z", "w"]})
    scoring = pd.DataFrame({"a": [1.0, 2.0, 9.0, 3.0], "b": ["x", "q", "z", "z"]})
    ov = metrics.overlap_with_scoring(training, scoring, ["a", "b"])
    assert (ov.n_overlap, ov.examples, ov.share) == (2, [0, 3], 0.5)
    assert ov.status == Status.RED


def test_training_window() -> None:
    times = pd.Series(pd.date_range("2025-01-01", "2025-12-31", freq="D"))
    w = metrics.training_window(times, dt.date(2026, 1, 1), column="t")
    assert w.gap_days == 1.0 and w.status == Status.GREEN and w.end.startswith("2025-12-31")
    w = metrics.training_window(times, dt.date(2025, 10, 1), column="t")
    assert w.gap_days < 0 and w.status == Status.RED and w.rows_in_or_after == 92
    assert metrics.training_window(None, dt.date(2026, 1, 1)).status == Status.NOT_ASSESSED


def test_single_feature_auc_of_integers_counted_without_a_sort_equals_sklearn(
    credit_df: pd.DataFrame,
) -> None:
    pos = (credit_df["DEFAULT"] == 0).to_numpy()
    for col in ("LIMIT_BAL", "BILL_AMT1", "AGE"):  # integers over wide ranges, negative bills included
        x = credit_df[col].astype(float)
        x[::97] = np.nan
        auc, method = metrics.single_feature_auc(x, pos)
        ref = roc_auc_score(pos, x.fillna(x.min() - 1))
        assert method == "rank" and auc == pytest.approx(max(ref, 1 - ref), abs=1e-12), col
