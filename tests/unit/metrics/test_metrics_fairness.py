"""govreport.metrics.fairness: against fairlearn on the real credit data, and synthetic edge cases."""

from __future__ import annotations

import json
from functools import partial

import numpy as np
import pandas as pd
import pytest

from govreport.core.status import Status, threshold_for
from govreport.errors import MetricInputError
from govreport.metrics import DEFAULT_AGE_BANDS, MISSING, RATES, SUMMARIES, fairness

TOL = 1e-9


# -- helpers ----------------------------------------------------------------------------------------


def _key(v) -> str:
    return (
        str(int(v))
        if isinstance(v, (int, np.integer, float, np.floating)) and float(v).is_integer()
        else str(v)
    )


def _age_band(age: pd.Series) -> pd.Series:
    """The documented default bands, written independently of govreport (left-closed)."""
    labels = ["<25", "25–34", "35–44", "45–54", "55–64", "≥65"]
    return pd.cut(age, [-np.inf, *DEFAULT_AGE_BANDS, np.inf], right=False, labels=labels).astype(str)


def _metric_frame(df: pd.DataFrame, sensitive: pd.DataFrame):
    from fairlearn.metrics import MetricFrame, count, false_positive_rate, selection_rate, true_positive_rate
    from sklearn.metrics import accuracy_score, precision_score

    # favourable = no default = 0: fairlearn's "positive" must be told so explicitly
    metrics = {
        "selection_rate": partial(selection_rate, pos_label=0),
        "tpr": partial(true_positive_rate, pos_label=0),
        "fpr": partial(false_positive_rate, pos_label=0),
        "ppv": partial(precision_score, pos_label=0, zero_division=np.nan),
        "accuracy": accuracy_score,
        "n": count,
    }
    return MetricFrame(metrics=metrics, y_true=df["DEFAULT"], y_pred=df["PRED"], sensitive_features=sensitive)


@pytest.fixture(scope="module")
def scored(credit_df: pd.DataFrame) -> pd.DataFrame:
    from sklearn.linear_model import LogisticRegression

    df = credit_df.copy()
    feats = ["LIMIT_BAL", "PAY_0", "PAY_2", "PAY_3", "BILL_AMT1", "PAY_AMT1", "PAY_AMT2"]
    x = (df[feats] - df[feats].mean()) / df[feats].std()
    model = LogisticRegression(max_iter=1000).fit(x, df["DEFAULT"])
    df["PD"] = model.predict_proba(x)[:, 1]
    df["PRED"] = (df["PD"] >= 0.25).astype(int)  # 1 = predicted default (unfavourable)
    df["AGE_BAND"] = _age_band(df["AGE"])
    return df


@pytest.fixture(scope="module")
def result(scored: pd.DataFrame):
    return fairness(
        scored,
        label="DEFAULT",
        label_favourable=0,
        prediction="PRED",
        prediction_favourable=0,
        protected=["SEX", "AGE", "EDUCATION"],
        min_group_size=1,
        n_bootstrap=50,
    )


# -- against fairlearn on the real data -------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "columns"),
    [("SEX", ["SEX"]), ("AGE", ["AGE_BAND"]), ("EDUCATION", ["EDUCATION"]), ("SEX×AGE", ["SEX", "AGE_BAND"])],
)
def test_group_rates_match_metricframe(scored, result, key, columns):
    mf = _metric_frame(scored, scored[columns])
    by = mf.by_group.dropna(subset=["n"])
    groups = result.attributes[key].groups
    assert len(groups) == len(by)
    for idx, row in by.iterrows():
        name = "×".join(_key(v) for v in (idx if isinstance(idx, tuple) else (idx,)))
        g = groups[name]
        assert g.n == row["n"]
        for r in RATES:
            if g.rates[r] is None:
                # a zero denominator: govreport says None with a reason, sklearn/fairlearn report 0 (or NaN)
                assert np.isnan(row[r]) or row[r] == 0.0
                assert g.reasons[r]
            else:
                assert g.rates[r] == pytest.approx(row[r], abs=TOL), (name, r)


@pytest.mark.parametrize(
    ("key", "columns"),
    [
        ("SEX", ["SEX"]),
        ("AGE", ["AGE_BAND"]),
        ("EDUCATION", ["EDUCATION"]),
        ("SEX×AGE", ["SEX", "AGE_BAND"]),
        ("AGE×EDUCATION", ["AGE_BAND", "EDUCATION"]),
    ],
)
def test_summaries_match_fairlearn_functions(scored, result, key, columns):
    from fairlearn import metrics as flm

    # fairlearn's summary functions take 1 as the positive class: recode favourable (no default) to 1
    y = (scored["DEFAULT"] == 0).astype(int)
    p = (scored["PRED"] == 0).astype(int)
    sf = scored[columns]
    a = result.attributes[key]
    # groups whose tpr or fpr is undefined (no rows of one label) are left out of the tpr/fpr summaries
    # by govreport; fairlearn would count them with a rate of 0, so leave them out of its input too
    names = sf[columns[0]].astype(str)
    for c in columns[1:]:
        names = names + "×" + sf[c].astype(str)
    undefined = [k for k, g in a.groups.items() if g.rates["tpr"] is None or g.rates["fpr"] is None]
    keep = ~names.isin(undefined)
    expected = {
        "demographic_parity_difference": flm.demographic_parity_difference(y, p, sensitive_features=sf),
        "disparate_impact_ratio": flm.demographic_parity_ratio(y, p, sensitive_features=sf),
        "equal_opportunity_difference": flm.equal_opportunity_difference(
            y[keep], p[keep], sensitive_features=sf[keep]
        ),
        "equalized_odds_difference": flm.equalized_odds_difference(
            y[keep], p[keep], sensitive_features=sf[keep]
        ),
    }
    if key == "EDUCATION":
        assert undefined == ["0"]  # 14 rows, none of them a default: fpr has no denominator
        assert a.summaries["equalized_odds_difference"].excluded == ["0"]
        assert a.to_dict()["excluded_groups"] == {"equalized_odds_difference": ["0"]}
    for m, v in expected.items():
        assert a.summaries[m].value == pytest.approx(v, abs=TOL), m


def test_fairlearn_default_pos_label_would_be_wrong(scored, result):
    """fairlearn's ratio on the raw 1 = default coding measures the *adverse* rate: not the same figure."""
    from fairlearn import metrics as flm

    raw = flm.demographic_parity_ratio(
        scored["DEFAULT"], scored["PRED"], sensitive_features=scored["AGE_BAND"]
    )
    assert abs(raw - result.attributes["AGE"].summaries["disparate_impact_ratio"].value) > 1e-3


def test_min_group_size_matches_fairlearn_on_judged_groups(scored):
    from fairlearn import metrics as flm

    res = fairness(
        scored,
        label="DEFAULT",
        label_favourable=0,
        prediction="PRED",
        prediction_favourable=0,
        protected=["SEX", "AGE"],
        intersections=[("SEX", "AGE")],
        min_group_size=200,
        n_bootstrap=0,
    )
    a = res.attributes["SEX×AGE"]
    small = {k for k, g in a.groups.items() if g.n < 200}
    assert small, "the test needs a group below min_group_size"
    assert all(not a.groups[k].judged for k in small)
    assert all(g.judged for k, g in a.groups.items() if k not in small)
    names = scored["SEX"].astype(str) + "×" + scored["AGE_BAND"]
    keep = ~names.isin(small)
    y = (scored.loc[keep, "DEFAULT"] == 0).astype(int)
    p = (scored.loc[keep, "PRED"] == 0).astype(int)
    sf = names[keep]
    assert a.summaries["disparate_impact_ratio"].value == pytest.approx(
        flm.demographic_parity_ratio(y, p, sensitive_features=sf), abs=TOL
    )
    # tpr and fpr each need min_group_size rows in their own denominator (favourable / unfavourable labels)
    fav = y == 1
    n_fav, n_unf = fav.groupby(sf).sum(), (~fav).groupby(sf).sum()
    tpr_ok, fpr_ok = sf.isin(n_fav[n_fav >= 200].index), sf.isin(n_unf[n_unf >= 200].index)
    assert (~fpr_ok).any(), "the test needs a judged group with too few unfavourable labels for its fpr"
    tpr_range = flm.true_positive_rate_difference(y[tpr_ok], p[tpr_ok], sensitive_features=sf[tpr_ok])
    fpr_range = flm.false_positive_rate_difference(y[fpr_ok], p[fpr_ok], sensitive_features=sf[fpr_ok])
    assert a.summaries["equal_opportunity_difference"].value == pytest.approx(tpr_range, abs=TOL)
    assert a.summaries["equalized_odds_difference"].value == pytest.approx(max(tpr_range, fpr_range), abs=TOL)
    thin = set(sf[~fpr_ok])
    assert thin <= set(a.summaries["equalized_odds_difference"].excluded)
    assert all("reported, not judged" in a.groups[k].reasons["fpr"] for k in thin)
    assert a.to_dict()["judged_groups"] == [k for k in a.groups if k not in small]


def test_rate_with_few_rows_in_its_denominator_is_not_judged():
    """A band with 500 customers but 3 favourable labels: its tpr (3 rows) must not decide the verdict."""
    rng = np.random.default_rng(7)
    rows = []
    for g, n, n_fav in (("A", 2000, 1000), ("B", 2000, 1000), ("C", 500, 3)):
        y = np.r_[np.ones(n_fav, int), np.zeros(n - n_fav, int)]
        pred = (rng.random(n) < 0.5).astype(int)
        if g == "C":
            pred[:n_fav] = 0  # tpr of C = 0/3: an extreme value on three rows
        rows.append(pd.DataFrame({"g": g, "y": y, "p": pred}))
    df = pd.concat(rows, ignore_index=True)
    res = fairness(
        df,
        label="y",
        label_favourable=1,
        prediction="p",
        prediction_favourable=1,
        protected=["g"],
        min_group_size=30,
        n_bootstrap=0,
    )
    a = res.attributes["g"]
    assert a.groups["C"].judged and a.groups["C"].rates["tpr"] == 0.0
    eod = a.summaries["equal_opportunity_difference"]
    assert eod.excluded == ["C"] and eod.value is not None and eod.value < 0.1
    with_c = fairness(
        df,
        label="y",
        label_favourable=1,
        prediction="p",
        prediction_favourable=1,
        protected=["g"],
        min_group_size=3,
        n_bootstrap=0,
    ).attributes["g"]
    assert with_c.summaries["equal_opportunity_difference"].value > 0.4


def test_real_data_result_is_json_and_shaped(scored, result):
    d = result.to_dict()
    text = json.dumps(d, allow_nan=False, ensure_ascii=False)
    assert "NaN" not in text
    age = d["attributes"]["AGE"]
    assert list(age["groups"]) == ["<25", "25–34", "35–44", "45–54", "55–64", "≥65"]
    assert age["banding"]["AGE"]["source"] == "default age bands"
    g = age["groups"]["25–34"]
    assert set(RATES) <= set(g) and isinstance(g["judged"], bool) and set(g["ci"]) == set(RATES)
    for m in SUMMARIES:
        assert isinstance(age[m], float)
        assert age["status"][m] in {"green", "amber", "red"}
    assert set(d["attributes"]) == {"SEX", "AGE", "EDUCATION", "SEX×AGE", "SEX×EDUCATION", "AGE×EDUCATION"}


def test_indicators_follow_thresholds(result):
    inds = result.indicators()
    assert len(inds) == 6 * 4
    assert len({i.id for i in inds}) == len(inds)
    for ind in inds:
        assert ind.dimension == "fairness" and ind.article == 6
        metric = ind.id.rsplit(".", 1)[1]
        assert ind.status == threshold_for(metric).evaluate(ind.value)
        json.dumps(ind.to_dict(), allow_nan=False)


def test_credit_age_column_gets_default_bands(credit_df):
    res = fairness(
        credit_df, label=None, prediction="DEFAULT", prediction_favourable=0, protected=["AGE"], n_bootstrap=0
    )
    counts = _age_band(credit_df["AGE"]).value_counts()
    assert {k: g.n for k, g in res.attributes["AGE"].groups.items()} == counts.to_dict()


# -- synthetic data (no dataset needed) -------------------------------------------------------------


def _synthetic(n: int = 4000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["F", "M"], n)
    age = rng.integers(18, 80, n)
    label = rng.random(n) < np.where(sex == "F", 0.8, 0.7)
    pred = np.where(rng.random(n) < 0.8, label, ~label)
    return pd.DataFrame(
        {
            "sex": sex,
            "age": age,
            "y": np.where(label, "good", "bad"),
            "decision": np.where(pred, "approve", "decline"),
        }
    )


def _run(df: pd.DataFrame, **kw):
    args = dict(
        label="y",
        label_favourable="good",
        prediction="decision",
        prediction_favourable="approve",
        protected=["sex"],
        n_bootstrap=100,
    )
    args.update(kw)
    return fairness(df, **args)


def test_synthetic_rates_by_hand():
    df = _synthetic()
    res = _run(df, protected=["sex", "age"])
    for s in ("F", "M"):
        sub = df[df["sex"] == s]
        g = res.attributes["sex"].groups[s]
        fav_pred = sub["decision"] == "approve"
        fav_lab = sub["y"] == "good"
        assert g.rates["selection_rate"] == pytest.approx(fav_pred.mean(), abs=TOL)
        assert g.rates["tpr"] == pytest.approx(fav_pred[fav_lab].mean(), abs=TOL)
        assert g.rates["fpr"] == pytest.approx(fav_pred[~fav_lab].mean(), abs=TOL)
        assert g.rates["ppv"] == pytest.approx(fav_lab[fav_pred].mean(), abs=TOL)
        assert g.rates["accuracy"] == pytest.approx((fav_pred == fav_lab).mean(), abs=TOL)
        assert sum(g.counts.values()) == g.n == len(sub)
    sel = {k: g.rates["selection_rate"] for k, g in res.attributes["sex"].groups.items()}
    s = res.attributes["sex"].summaries
    assert s["disparate_impact_ratio"].value == pytest.approx(min(sel.values()) / max(sel.values()), abs=TOL)
    assert s["disparate_impact_ratio"].min_group == min(sel, key=sel.get)
    assert "age" in res.attributes and "sex×age" in res.attributes
    assert list(res.attributes["age"].groups) == ["<25", "25–34", "35–44", "45–54", "55–64", "≥65"]


def test_missing_values_form_their_own_group():
    df = _synthetic()
    df["region"] = np.where(
        np.arange(len(df)) % 10 == 0, None, np.where(np.arange(len(df)) % 2, "north", "south")
    )
    df.loc[df.index[:7], "age"] = np.nan
    res = _run(df, protected=["region", "age"])
    assert list(res.attributes["region"].groups) == ["north", "south", MISSING]
    assert res.attributes["region"].groups[MISSING].n == 400
    assert res.attributes["age"].groups[MISSING].n == 7
    assert not res.attributes["age"].groups[MISSING].judged
    assert any(k.endswith("×" + MISSING) for k in res.attributes["region×age"].groups)


def test_single_group_attribute_is_not_assessed():
    df = _synthetic().assign(country="TW")
    res = _run(df, protected=["country"])
    a = res.attributes["country"]
    for m in SUMMARIES:
        assert a.summaries[m].value is None
        assert a.summaries[m].status is Status.NOT_ASSESSED
        assert "only one group" in a.summaries[m].reason
    d = a.to_dict()
    assert (
        d["status"]["disparate_impact_ratio"] == "not_assessed"
        and "only one group" in d["reasons"]["disparate_impact_ratio"]
    )


def test_group_without_favourable_predictions_gives_ratio_zero_and_red():
    df = _synthetic()
    df.loc[df["sex"] == "M", "decision"] = "decline"
    s = _run(df).attributes["sex"].summaries["disparate_impact_ratio"]
    assert s.value == 0.0 and s.status is Status.RED and s.min_group == "M"


def test_no_favourable_outcome_anywhere_gives_none_and_reason_not_nan():
    df = _synthetic()
    df["decision"] = "decline"
    df.loc[df["sex"] == "M", "y"] = "bad"  # group M has no favourable label: tpr undefined there
    res = _run(df, prediction_unfavourable="decline")
    a = res.attributes["sex"]
    s = a.summaries["disparate_impact_ratio"]
    assert s.value is None and s.status is Status.NOT_ASSESSED and "0/0" in s.reason
    assert a.groups["M"].rates["tpr"] is None
    assert "no rows with a favourable label" in a.groups["M"].reasons["tpr"]
    assert a.groups["F"].rates["ppv"] is None
    eo = a.summaries["equal_opportunity_difference"]
    assert (
        eo.value is None and "tpr rests on at least 30 rows (favourable labels) in only 1 group" in eo.reason
    )
    text = json.dumps(res.to_dict(), allow_nan=False)
    assert "NaN" not in text and "Infinity" not in text
    assert all(i.value is None or np.isfinite(i.value) for i in res.indicators())


def test_small_groups_are_reported_with_interval_not_judged():
    df = _synthetic()
    df["site"] = np.where(np.arange(len(df)) < 12, "tiny", "big")
    a = _run(df, protected=["site"]).attributes["site"]
    tiny = a.groups["tiny"]
    assert tiny.n == 12 and not tiny.judged and tiny.ci["selection_rate"][0] is not None
    assert a.summaries["demographic_parity_difference"].value is None
    assert "fewer than two groups have n ≥ 30" in a.summaries["demographic_parity_difference"].reason


def test_bootstrap_interval_is_close_to_binomial_and_deterministic():
    rng = np.random.default_rng(5)
    n = 20000
    df = pd.DataFrame({"g": np.repeat(["a", "b"], n // 2), "y": 1, "p": (rng.random(n) < 0.3).astype(int)})
    kw = dict(label=None, prediction="p", prediction_favourable=1, protected=["g"], n_bootstrap=400, seed=3)
    r1, r2 = fairness(df, **kw), fairness(df, **kw)
    g = r1.attributes["g"].groups["a"]
    p_hat = g.rates["selection_rate"]
    se = np.sqrt(p_hat * (1 - p_hat) / g.n)
    lo, hi = g.ci["selection_rate"]
    assert lo < p_hat < hi
    assert (hi - lo) == pytest.approx(2 * 1.96 * se, rel=0.2)
    assert r1.to_dict() == r2.to_dict()
    assert fairness(df, **{**kw, "seed": 4}).to_dict() != r1.to_dict()
    assert fairness(df, **{**kw, "n_bootstrap": 0}).attributes["g"].groups["a"].ci is None
    # without labels only the selection-rate summaries can be assessed
    s = r1.attributes["g"].summaries
    assert s["demographic_parity_difference"].value is not None
    assert (
        s["equal_opportunity_difference"].value is None
        and "no label" in s["equal_opportunity_difference"].reason
    )


def test_bands_override_and_quintiles_for_other_continuous():
    df = _synthetic()
    df["height"] = np.random.default_rng(2).normal(165, 8, len(df))
    res = _run(df, protected=["age", "height"], bands={"age": [40, 60]}, intersections=None)
    assert list(res.attributes["age"].groups) == ["<40", "40–59", "≥60"]
    h = res.attributes["height"]
    assert len(h.groups) == 5 and "quintiles" in h.banding["height"]["source"]
    assert list(res.attributes) == ["age", "height"]


def test_thresholds_override():
    df = _synthetic()
    strict = {"disparate_impact_ratio": {"green": 0.99, "red": 0.98}}
    s = _run(df, thresholds=strict).attributes["sex"].summaries["disparate_impact_ratio"]
    assert s.threshold.source == "system override"
    assert s.value < 0.98 and s.status is Status.RED
    assert s.threshold.describe() == "green ≥ 0.99; red < 0.98"


# -- bad input ------------------------------------------------------------------------------------


def test_label_with_a_third_value_names_column_and_values():
    df = _synthetic()
    df.loc[df.index[:3], "y"] = "unknown"
    with pytest.raises(MetricInputError, match=r"field 'y'.*'unknown' \(3 rows\)") as e:
        _run(df)
    assert "two values" in str(e.value)
    with pytest.raises(MetricInputError, match=r"field 'y': unexpected values 'unknown'"):
        _run(df, label_unfavourable="bad")


def test_favourable_value_of_wrong_type_gets_a_hint():
    df = pd.DataFrame({"y": ["0", "1"] * 50, "p": [0, 1] * 50, "g": ["a", "b"] * 50})
    with pytest.raises(MetricInputError, match=r"field 'y'.*never occurs.*declare '0'"):
        fairness(df, label="y", label_favourable=0, prediction="p", prediction_favourable=0, protected=["g"])


def test_missing_outcomes_and_columns():
    df = _synthetic()
    df.loc[df.index[5], "decision"] = None
    with pytest.raises(MetricInputError, match=r"field 'decision': 1 of 4,000 values are missing"):
        _run(df)
    with pytest.raises(MetricInputError, match=r"has no column 'gender'.*available: sex"):
        _run(_synthetic(), protected=["gender"])


def test_high_cardinality_text_attribute_must_be_banded():
    df = _synthetic()
    df["birthplace"] = [f"village-{i}" for i in range(len(df))]
    with pytest.raises(MetricInputError, match=r"field 'birthplace'.*4,000 distinct values.*band or map it"):
        _run(df, protected=["birthplace"])


@pytest.mark.parametrize(
    ("kw", "pattern"),
    [
        ({"bands": {"age": [40, 30]}}, r"bands\.age.*strictly increasing"),
        ({"bands": {"salary": [1]}}, r"bands are given for 'salary'"),
        ({"bands": {"sex": [1]}}, r"bands\.sex.*not numeric"),
        ({"intersections": [("sex", "income")]}, r"'income', which is not in protected"),
        ({"intersections": "all"}, r"intersections must be 'pairs'"),
        ({"confidence": 1.5}, r"confidence must be between 0 and 1"),
        ({"min_group_size": -1}, r"min_group_size must be an integer ≥ 0"),
        ({"protected": []}, r"protected must be a non-empty list"),
        ({"protected": ["sex", "decision"]}, r"'decision' is both a protected attribute"),
    ],
)
def test_bad_parameters(kw, pattern):
    df = _synthetic()
    with pytest.raises(MetricInputError, match=pattern):
        _run(df, **{"protected": ["sex", "age"], **kw})
