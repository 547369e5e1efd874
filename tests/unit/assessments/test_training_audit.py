"""The training-data audit on real data: the UCI credit-card set (Yeh & Lien 2009, CC BY 4.0), split into a
training file and a scoring quarter. Each test plants one problem and checks that the audit finds exactly it —
the right indicator, the right feature or group named, and nothing else off green — and the clean split
raises no alarm. The set has no time column, so the training file gets a synthetic date column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from govreport.assessments.training import audit_frames
from govreport.core.periods import parse_period
from govreport.core.results import build_results

PROTECTED = ["SEX", "AGE"]
ALL_IDS = {
    "training.label_balance",
    "training.label_rate_by_group.SEX",
    "training.label_rate_by_group.AGE",
    "training.differential_missingness.SEX",
    "training.differential_missingness.AGE",
    "training.label_leakage",
    "training.group_coverage.SEX",
    "training.group_coverage.AGE",
    "training.overlap_with_scoring",
    "training.window",
}


@pytest.fixture(scope="module")
def split(credit_df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = credit_df.copy()
    rng = np.random.default_rng(21)
    in_training = rng.random(len(df)) < 0.6
    training = df[in_training].reset_index(drop=True)
    # synthetic: the training applications are dated over 2025, before the scoring quarter 2026Q1
    training["APPLIED_AT"] = pd.Timestamp("2025-01-01") + pd.to_timedelta(
        rng.integers(0, 365, len(training)), unit="D"
    )
    return training, df[~in_training].reset_index(drop=True)


def _features(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if c not in ("ID", "DEFAULT", "APPLIED_AT", *PROTECTED)]


def _audit(training: pd.DataFrame, scoring: pd.DataFrame, *, keys=("ID",), period="2026Q1", **kw):  # noqa: ANN202
    return audit_frames(
        training,
        scoring,
        label="DEFAULT",
        label_favourable=0,
        features=_features(training),
        protected=PROTECTED,
        period=parse_period(period),
        keys=list(keys),
        time_column="APPLIED_AT",
        personal=["ID"],
        model_version="2025.1",
        training_sha256="0" * 64,
        **kw,
    )


def _flagged(audit) -> dict[str, str]:  # noqa: ANN001
    return {i.id: i.status.value for i in audit.indicators if i.status.value != "green"}


def _ind(audit, iid: str):  # noqa: ANN001, ANN202
    return next(i for i in audit.indicators if i.id == iid)


def test_clean_split_raises_no_alarm_and_every_id_has_a_status(split) -> None:  # noqa: ANN001
    training, scoring = split
    audit = _audit(training, scoring)
    assert {i.id for i in audit.indicators} == ALL_IDS
    assert _flagged(audit) == {}
    results = build_results(
        system={"id": "uci"},
        period="2026Q1",
        template="data_quality",
        indicators=audit.indicators,
        sections=audit.sections,
    )
    statuses = {i["id"]: i["status"] for i in results["indicators"]}
    assert set(statuses) == ALL_IDS and set(statuses.values()) == {"green"}
    assert results["training"]["per_version"]["key"]["model_version"] == "2025.1"
    # the same audit by feature hash (no keys): the real data has a few identical rows, well under 1 %
    by_features = _audit(training, scoring, keys=())
    assert _flagged(by_features) == {}
    assert 0 < _ind(by_features, "training.overlap_with_scoring").value < 0.01


def test_a_leaky_feature_is_found_and_named(split) -> None:  # noqa: ANN001
    training, scoring = (f.copy() for f in split)
    rng = np.random.default_rng(1)
    for f in (training, scoring):  # next month's repayment status: the label itself, 0.5 % noise
        f["PAY_NEXT"] = np.where(rng.random(len(f)) < 0.005, 1 - f["DEFAULT"], f["DEFAULT"])
    audit = _audit(training, scoring)
    assert _flagged(audit) == {"training.label_leakage": "red"}
    leak = audit.sections["training"]["per_version"]["label_leakage"]
    assert leak["flagged"] == ["PAY_NEXT"] and leak["features"]["PAY_NEXT"]["equal_share"] > 0.99
    assert _ind(audit, "training.label_leakage").details["feature"] == "PAY_NEXT"
    examples = audit.sections["training"]["per_version"]["examples"]["label_leakage.PAY_NEXT"]
    assert examples and all("*" in str(e["ID"]) or len(str(e["ID"])) <= 2 for e in examples)  # masked keys


def test_reused_scoring_rows_are_found_by_key_and_by_features(split) -> None:  # noqa: ANN001
    training, scoring = split
    reused = training.drop(columns="APPLIED_AT").sample(1500, random_state=2)
    scoring = pd.concat([scoring, reused], ignore_index=True)
    for keys in (("ID",), ()):
        audit = _audit(training, scoring, keys=keys)
        assert _flagged(audit) == {"training.overlap_with_scoring": "red"}, keys
        ov = audit.sections["training"]["per_period"]["overlap_with_scoring"]
        assert ov["basis"] == ("keys" if keys else "features")
        assert ov["n_overlap"] >= 1500 and ov["share"] == pytest.approx(ov["n_overlap"] / len(scoring))
    shown = audit.sections["training"]["per_period"]["examples"]["overlap_with_scoring"]
    assert len(shown) == 5 and all("row" in e for e in shown)  # without keys: cited by row number


def test_a_feature_missing_mostly_for_one_age_band(split) -> None:  # noqa: ANN001
    training = split[0].copy()
    rng = np.random.default_rng(3)
    young = (training["AGE"] < 25) & (rng.random(len(training)) < 0.6)
    training.loc[young, "BILL_AMT1"] = np.nan
    audit = _audit(training, split[1])
    assert _flagged(audit) == {"training.differential_missingness.AGE": "red"}
    d = _ind(audit, "training.differential_missingness.AGE").details
    assert (d["feature"], d["high_group"]) == ("BILL_AMT1", "<25")
    assert d["high_share"] == pytest.approx(young.sum() / (training["AGE"] < 25).sum())


def test_label_rate_disparity_in_the_training_labels(split) -> None:  # noqa: ANN001
    training = split[0].copy()
    rng = np.random.default_rng(4)
    # historical bias: 40 % of women's favourable outcomes recorded as defaults
    hit = (training["SEX"] == 2) & (training["DEFAULT"] == 0) & (rng.random(len(training)) < 0.4)
    training.loc[hit, "DEFAULT"] = 1
    audit = _audit(training, split[1])
    assert _flagged(audit) == {"training.label_rate_by_group.SEX": "red"}
    d = _ind(audit, "training.label_rate_by_group.SEX").details
    assert (d["min_group"], d["max_group"]) == ("2", "1")


def test_a_group_scored_but_absent_from_training(split) -> None:  # noqa: ANN001
    training, scoring = split
    training = training[training["AGE"] < 65].reset_index(drop=True)
    audit = _audit(training, scoring)
    assert _flagged(audit) == {"training.group_coverage.AGE": "red"}
    d = _ind(audit, "training.group_coverage.AGE").details
    assert d["group"] == "≥65" and d["absent"] == ["≥65"] and d["share_training"] == 0.0


def test_a_training_window_after_the_scoring_period(split) -> None:  # noqa: ANN001
    training = split[0].copy()
    training["APPLIED_AT"] = training["APPLIED_AT"] + pd.DateOffset(years=1, months=1)  # 2026-02 … 2027-01
    audit = _audit(training, split[1])
    assert _flagged(audit) == {"training.window": "red"}
    d = _ind(audit, "training.window").details
    assert d["rows_in_or_after"] == len(training) and d["end"].startswith("2027-01")


def test_a_recorded_audit_is_shown_as_recorded(split) -> None:  # noqa: ANN001
    training, scoring = split
    first = _audit(training, scoring)
    pv = {**first.sections["training"]["per_version"], "recorded": {"period": "2025Q4", "seq": 7}}
    later = _audit(training, scoring, period="2026Q2", recorded=pv)
    assert [i.to_dict() for i in later.indicators[:6]] == pv["indicators"]
    assert any("as recorded in 2025Q4 (RUN_ID 7)" in n for n in later.notes)


def test_the_report_says_it_in_a_plain_sentence_with_masked_examples(split) -> None:  # noqa: ANN001
    from govreport.present import training as training_report

    training, scoring = (f.copy() for f in split)
    training["PAY_NEXT"] = training["DEFAULT"]
    scoring["PAY_NEXT"] = scoring["DEFAULT"]
    audit = _audit(training, scoring)
    results = build_results(
        system={"id": "uci"},
        period="2026Q1",
        template="data_quality",
        indicators=audit.indicators,
        sections=audit.sections,
    )
    page = training_report.audit(results)
    assert "Feature(s) PAY_NEXT predict the label almost perfectly on their own (AUC 1.000)" in page
    assert "特徵 PAY_NEXT 單獨即幾乎完全預測標籤" in page
    from govreport.data.masking import mask_value

    for raw in training["ID"].iloc[:5]:  # the examples cite the first rows by key, masked
        assert f"<td>{mask_value(raw)}</td>" in page and f"<td>{raw}</td>" not in page
    for ind in results["indicators"]:  # every indicator has a sentence in both languages
        assert training_report.sentence(ind) and training_report.sentence(ind, "en")
    results["training_summary"] = {"indicators": results["indicators"]}
    shown = training_report.summary(results)
    assert "PAY_NEXT" in shown and "The other 9 training-data indicators are green." in shown


def test_the_demo_training_sets_show_exactly_their_planted_problems() -> None:
    """govreport.demo.training: the scorecard's export lost BILL_AMT1 for most applicants aged 65+ and its
    second quarter re-scores training rows; the monitoring model's velocity leaks the label."""
    from govreport.demo.build import make_monitoring_data, make_scorecard_data
    from govreport.demo.training import make_training, reuse_training_rows

    periods = [parse_period(p) for p in ("2025Q4", "2026Q1")]
    common = dict(period=periods[1], model_version="demo")
    card = make_training("card-default", make_scorecard_data(-1), periods)
    features = ["LIMIT_BAL", "EDUCATION", "MARRIAGE", "PAY_0", "BILL_AMT1", "PAY_AMT1", "UTILISATION"]
    kw = dict(label="DEFAULT", label_favourable=0, features=features, protected=["SEX", "AGE", "MARRIAGE"])
    kw.update(bands={"AGE": [25, 35, 45, 55, 65]}, keys=["APPLICATION_ID"], time_column="APPLIED_AT")
    clean_quarter = audit_frames(card, make_scorecard_data(0), **kw, **common)
    assert _flagged(clean_quarter) == {"training.differential_missingness.AGE": "red"}
    assert _ind(clean_quarter, "training.differential_missingness.AGE").details["high_group"] == "≥65"
    reused = audit_frames(card, reuse_training_rows(make_scorecard_data(1), card), **kw, **common)
    assert set(_flagged(reused)) == {"training.differential_missingness.AGE", "training.overlap_with_scoring"}
    assert reused.sections["training"]["per_period"]["overlap_with_scoring"]["n_overlap"] == 1500

    txn = make_training("txn-monitoring", make_monitoring_data(-1), periods)
    features = ["AMOUNT", "CROSS_BORDER", "NIGHT", "VELOCITY_24H", "ACCOUNT_AGE_M"]
    audit = audit_frames(
        txn,
        make_monitoring_data(1),
        label="CONFIRMED_SUSPICIOUS",
        label_favourable=0,
        features=features,
        protected=["NATIONALITY", "AGE"],
        keys=["TXN_ID"],
        time_column="TXN_DATE",
        **common,
    )
    assert _flagged(audit) == {"training.label_leakage": "red"}
    assert audit.sections["training"]["per_version"]["label_leakage"]["flagged"] == ["VELOCITY_24H"]
