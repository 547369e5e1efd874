"""Issue 17: a fairness summary withheld because a group is too small still shows its computed value, marked
"not judged" (未判定), with the reason in plain words naming the group's label and its count — on the real
credit-card data (Yeh & Lien 2009), subsampled so that women have 29 defaulting customers."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from govreport.metrics import fairness
from govreport.present import html as report_html

LABELS = {
    "SEX": {
        "label": {"zh": "性別", "en": "Sex"},
        "values": {"1": {"zh": "男", "en": "Male"}, "2": {"zh": "女", "en": "Female"}},
    },
    "DEFAULT": {
        "label": {"zh": "是否違約", "en": "Default"},
        "values": {"0": {"zh": "未違約", "en": "no default"}, "1": {"zh": "違約", "en": "default"}},
    },
}


def _subsample(df: pd.DataFrame, women: int, women_defaulting: int) -> pd.DataFrame:
    men = df[df.SEX == 1].sample(2000, random_state=0)
    w = df[df.SEX == 2]
    d = pd.concat(
        [
            men,
            w[w.DEFAULT == 0].sample(women - women_defaulting, random_state=0),
            w[w.DEFAULT == 1].sample(women_defaulting, random_state=0),
        ]
    )
    return d.assign(DECISION=(d.PAY_0 <= 0).astype(int))


def _results(d: pd.DataFrame, labels: dict | None = LABELS) -> dict:
    r = fairness(
        d,
        label="DEFAULT",
        label_favourable=0,
        prediction="DECISION",
        prediction_favourable=1,
        protected=["SEX"],
        intersections=None,
        n_bootstrap=0,
    )
    return {
        "fairness": r.to_dict(),
        "indicators": [i.to_dict() for i in r.indicators()],
        "labels": labels,
    }


def _spans(html: str, lang: str) -> str:
    return " ".join(re.findall(rf'<span class="gr-l-{lang[:2]}" lang="{lang}">([^<]*)</span>', html))


def test_withheld_equalized_odds_shows_its_value_not_judged_with_the_group_and_count(credit_df):
    d = _subsample(credit_df, women=429, women_defaulting=29)
    res = _results(d)
    attr = res["fairness"]["attributes"]["SEX"]
    assert attr["equalized_odds_difference"] is None  # not judged: no status
    held = attr["withheld"]["equalized_odds_difference"]
    assert held["short"] == [{"group": "2", "count": 29}] and held["rate"] == "fpr" and held["need"] == 30

    # the value with the rule relaxed is the fairlearn definition over both groups: max(tpr range, fpr range)
    def rates(g: pd.DataFrame) -> tuple[float, float]:
        fav, unf = g[g.DEFAULT == 0], g[g.DEFAULT == 1]
        return fav.DECISION.mean(), unf.DECISION.mean()

    (t1, f1), (t2, f2) = rates(d[d.SEX == 1]), rates(d[d.SEX == 2])
    assert held["value"] == pytest.approx(max(abs(t1 - t2), abs(f1 - f2)), abs=1e-12)

    table = report_html.fairness_table(res)
    value = f"{held['value']:.3f}"
    assert value in table
    zh, en = _spans(table, "zh-TW"), _spans(table, "en")
    assert "未判定" in zh and "not judged" in en
    assert "女：實際結果為「違約」者僅 29 筆；至少需 30 筆" in zh
    assert "Female: only 29 cases with actual outcome “default”; at least 30 needed" in en
    # judged summaries keep their own value and no "not judged" mark
    di = attr["disparate_impact_ratio"]
    assert di is not None and table.count("gr-not-judged") == 1  # only equalized odds is withheld


def test_a_small_group_withholds_every_summary_and_names_the_group_without_labels(credit_df):
    d = _subsample(credit_df, women=25, women_defaulting=5)
    res = _results(d, labels=None)
    attr = res["fairness"]["attributes"]["SEX"]
    held = attr["withheld"]["disparate_impact_ratio"]
    assert held["short"] == [{"group": "2", "count": 25}] and held["rate"] == "n"
    sel = d.groupby("SEX").DECISION.mean()
    assert held["value"] == pytest.approx(sel.min() / sel.max(), abs=1e-12)
    sentence = report_html.fairness_sentence("SEX", attr, results=res)
    assert f"{held['value']:.3f}" in sentence
    assert "2僅 25 筆；至少需 30 筆" in _spans(sentence, "zh-TW")
    assert "2: only 25 cases; at least 30 needed" in _spans(sentence, "en")
