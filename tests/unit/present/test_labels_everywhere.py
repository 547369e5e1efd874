"""Issue 17: a data contract's ``columns:`` labels name columns and codes everywhere a reader sees them —
indicator labels (system reports and the review), the training audit's sentences, the proxy heatmap, the
drift ranking and the validation pages / failed-expectation tables — on the real credit-card data (Yeh & Lien
2009), whose EDUCATION and MARRIAGE hold undocumented codes (0, 5, 6) that fail a value-set check."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from govreport.core.labels import display_label
from govreport.metrics import fairness
from govreport.metrics._proxy import proxy_scan
from govreport.metrics._training import label_rate_by_group
from govreport.present import figures
from govreport.present import html as report_html
from govreport.present import training as training_report
from govreport.present.validation import validation_page

COLUMNS = {
    "SEX": {
        "label": {"zh": "性別", "en": "Sex"},
        "values": {1: {"zh": "男", "en": "Male"}, 2: {"zh": "女", "en": "Female"}},
    },
    "MARRIAGE": {
        "label": {"zh": "婚姻狀況", "en": "Marital status"},
        "values": {
            1: {"zh": "已婚", "en": "Married"},
            2: {"zh": "未婚", "en": "Single"},
            3: {"zh": "其他", "en": "Other"},
        },
    },
    "EDUCATION": {
        "label": {"zh": "教育程度", "en": "Education"},
        "values": {1: {"zh": "研究所", "en": "Graduate school"}, 2: {"zh": "大學", "en": "University"}},
    },
    "AGE": {"label": {"zh": "年齡", "en": "Age"}},
    "PAY_0": {"label": {"zh": "上月繳款狀態", "en": "Last month's repayment status"}},
}
#: the same labels as results.json's ``labels`` section holds them (codes as text)
LABELS = {
    c: {"label": v["label"], "values": {str(k): x for k, x in v.get("values", {}).items()}}
    for c, v in COLUMNS.items()
}


def _zh(html: str) -> str:
    return " ".join(re.findall(r'lang="zh-TW">([^<]*)<', html))


def _en(html: str) -> str:
    return " ".join(re.findall(r'lang="en">([^<]*)<', html))


def test_indicator_labels_name_the_columns_of_their_suffix():
    assert display_label("差別影響比（SEX×AGE）", LABELS, "zh-TW") == "差別影響比（性別×年齡）"
    assert (
        display_label("Disparate impact ratio (SEX×AGE)", LABELS, "en") == "Disparate impact ratio (Sex×Age)"
    )
    # a column code inside a longer name is left alone; no labels: unchanged
    assert display_label("PSI (SEXTANT)", LABELS, "en") == "PSI (SEXTANT)"
    assert display_label("差別影響比（SEX）", None, "zh-TW") == "差別影響比（SEX）"


def test_system_report_tables_and_charts_name_columns_and_groups(credit_df):
    d = credit_df.sample(6000, random_state=1).assign(DECISION=lambda x: (x.PAY_0 <= 0).astype(int))
    r = fairness(
        d,
        label="DEFAULT",
        label_favourable=0,
        prediction="DECISION",
        prediction_favourable=1,
        protected=["SEX", "MARRIAGE"],
        intersections=None,
        n_bootstrap=0,
    )
    results = {"indicators": [i.to_dict() for i in r.indicators()], "labels": LABELS, "fairness": r.to_dict()}
    table = report_html.fairness_table(results)
    assert "（性別）" in _zh(table) and "（婚姻狀況）" in _zh(table)
    assert "(Sex)" in _en(table) and "(SEX)" not in table
    # the proxy heatmap's axes: protected attributes and features by their names
    proxy = proxy_scan(d, ["PAY_0", "LIMIT_BAL", "EDUCATION"], ["SEX", "MARRIAGE"]).to_dict()
    fig = figures.proxy_heatmap(proxy, labels=LABELS)
    x, y = list(fig.data[0].x), list(fig.data[0].y)
    assert any("性別" in a and "Sex" in a for a in x) and not any(a == "SEX" for a in x)
    assert any("上月繳款狀態" in f for f in y) and "LIMIT_BAL" in y  # unlabelled columns keep their code
    psi = figures.psi_ranking({"columns": {"EDUCATION": {"psi": 0.2, "status": "amber"}}}, labels=LABELS)
    assert "教育程度" in psi.data[0].y[0]


def test_training_audit_sentences_name_attribute_and_groups(credit_df):
    rates = label_rate_by_group(credit_df, label="DEFAULT", label_favourable=0, protected=["MARRIAGE"])
    inds = [i.to_dict() for i in rates["MARRIAGE"].indicators()]
    results = {"indicators": inds, "labels": LABELS, "training": {"per_version": {}, "per_period": {}}}
    page = training_report.audit(results)
    zh, en = _zh(page), _en(page)
    d = inds[0]["details"]
    names = {"1": ("已婚", "Married"), "2": ("未婚", "Single"), "3": ("其他", "Other")}
    lo, hi = d["min_group"], d["max_group"]
    assert "婚姻狀況" in zh and "Marital status" in en
    for g in (lo, hi):
        if g in names:
            assert names[g][0] in zh and names[g][1] in en
    assert "MARRIAGE" not in zh and "MARRIAGE" not in en


@pytest.mark.slow
def test_validation_pages_name_columns_and_codes(credit_df, tmp_path):
    from govreport.contracts import load_contract, validate

    (tmp_path / "data").mkdir()
    credit_df.sample(3000, random_state=2).to_csv(tmp_path / "data" / "cards.csv", index=False)
    suite = {
        "name": "cards",
        "expectations": [
            {
                "type": "expect_column_values_to_be_in_set",
                "kwargs": {"column": "EDUCATION", "value_set": [1, 2, 3, 4]},
            },
            {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "SEX"}},
        ],
        "meta": {},
    }
    (tmp_path / "cards.suite.json").write_text(json.dumps(suite), encoding="utf-8")
    contract = {
        "name": "cards",
        "dataset": {"path": "data/cards.csv"},
        "suite": "cards.suite.json",
        "columns": COLUMNS,
    }
    path = tmp_path / "cards.contract.yaml"
    path.write_text(yaml.safe_dump(contract, allow_unicode=True), encoding="utf-8")
    res = validate(load_contract(path), root=tmp_path).to_dict()
    assert res["column_labels"]["EDUCATION"]["label"] == {"zh": "教育程度", "en": "Education"}
    zh, en = validation_page(res), validation_page(res, lang="en")
    assert "教育程度（EDUCATION）" in zh and "研究所 (1)" in zh and "性別（SEX）" in zh
    assert "Education (EDUCATION)" in en and "Graduate school (1)" in en
    table = report_html.data_quality_table({"data_quality": {"cards": res}})  # undocumented codes fail
    assert "教育程度（EDUCATION）" in _zh(table) and "Education (EDUCATION)" in _en(table)
