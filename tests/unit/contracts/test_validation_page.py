"""The validation page and the console's naming of a failed expectation (``contracts validate --html``),
on generated applications with two range checks on one column; the pages opened in headless Chromium
with the network blocked, in both languages. Great Expectations and a browser: marked slow."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from govreport.cli.contracts import contracts
from govreport.core.expectations import signature
from govreport.data.masking import find_identifiers
from govreport.present.validation import sentence
from tests.helpers.browser import dump_dom
from tests.unit.contracts.test_contracts_cli import make_customers

pytestmark = pytest.mark.slow

SUITE = [
    {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "application_no"}},
    {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "年齡", "min_value": 20, "max_value": 70, "mostly": 0.99},
    },
    {
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "年齡", "min_value": 18, "max_value": 100},
    },
    {"type": "expect_column_values_to_match_regex", "kwargs": {"column": "national_id", "regex": "^[A-H]"}},
    {
        "type": "expect_column_values_to_be_in_set",
        "kwargs": {"column": "channel", "value_set": ["branch", "web"]},
    },
]


@pytest.fixture(scope="module")
def validated(tmp_path_factory) -> tuple[Path, object, object]:
    root = tmp_path_factory.mktemp("valpage")
    (root / "data").mkdir()
    (root / "data_contracts").mkdir()
    df = make_customers(3, n=3000)
    df.to_csv(root / "data" / "apps.csv", index=False)
    contract = {
        "name": "apps",
        "dataset": {"path": "data/apps.csv"},
        "personal_data": [
            {"column": c, "kind": k, "purpose": "test"}
            for c, k in (
                ("national_id", "national_id"),
                ("姓名", "name"),
                ("mobile", "phone"),
                ("email", "email"),
            )
        ],
    }
    (root / "data_contracts" / "apps.contract.yaml").write_text(yaml.safe_dump(contract, allow_unicode=True))
    suite = {"name": "apps", "expectations": [{**e, "meta": {}} for e in SUITE], "meta": {}}
    (root / "data_contracts" / "apps.suite.json").write_text(json.dumps(suite, ensure_ascii=False))
    out = root / "out" / "apps.html"
    r = CliRunner().invoke(
        contracts, ["validate", "apps", "-w", str(root), "--html", str(out), "-o", str(root / "r.json")]
    )
    return root, df, r


def test_console_names_the_failed_range_check_by_index_and_arguments(validated):
    _root, df, r = validated
    assert r.exit_code == 1, r.output
    over = int(((df["年齡"] < 20) | (df["年齡"] > 70)).sum())
    assert over > 0.01 * len(df)  # the data really breaks the first range check
    assert f"✗ #1 expect_column_values_to_be_between(年齡, 20, 70, mostly=0.99) ({over:,} rows" in r.output
    assert "#2 expect_column_values_to_be_between" not in r.output  # the other range check passed
    assert "✗ #4 expect_column_values_to_be_in_set(channel, [branch, web])" in r.output
    assert not find_identifiers(r.output)


def test_pages_list_every_expectation_failures_first_the_rest_collapsed(validated):
    root, df, _r = validated
    zh = (root / "out" / "apps.html").read_text(encoding="utf-8")
    en = (root / "out" / "apps.en.html").read_text(encoding="utf-8")
    assert '<html lang="zh-TW">' in zh and '<html lang="en">' in en
    assert "年齡 介於 20 與 70 之間（至少 99% 的列）" in zh
    assert "年齡 between 20 and 70 (at least 99% of rows)" in en and "介於" not in en
    for page in (zh, en):
        assert "href='apps.en.html'" in zh and "href='apps.html'" in en
        details = page.index("<details")
        for failed in ("#1 expect_column_values_to_be_between(年齡, 20, 70, mostly=0.99)", "#3 ", "#4 "):
            assert page.index(failed) < details
        for passed in ("#0 expect_column_values_to_not_be_null(application_no)", "#2 "):
            assert page.index(passed) > details
        assert not find_identifiers(page)  # national IDs, phones, e-mails: masked
        assert not re.search(r"(src|href)=[\"']?(https?:)?//", page)  # nothing from the network
    result = json.loads((root / "r.json").read_text())
    ids = result["expectations"][3]
    assert ids["masked"] and ids["sample_unexpected"] and all("*" in s for s in ids["sample_unexpected"])
    for s in ids["sample_unexpected"]:
        assert f"<code>{s}</code>" in zh
    ages = result["expectations"][1]
    assert f"<dd>{ages['unexpected_count']:,}</dd>" in zh  # count and share as recorded
    assert int(ages["unexpected_count"]) == int(((df["年齡"] < 20) | (df["年齡"] > 70)).sum())
    # examples of unexpected values only: the passed checks show none
    passed_part = zh[zh.index("<details") :]
    assert "未符合值範例" not in passed_part


def test_pages_render_offline_in_chromium_both_languages(validated):
    root, _df, _r = validated
    for name, lang, title in (
        ("apps.html", "zh-TW", "資料驗證：apps"),
        ("apps.en.html", "en", "Data validation: apps"),
    ):
        dom = dump_dom(root / "out" / name)
        assert f'lang="{lang}"' in dom and title in dom
        assert dom.count("gr-val-exp") >= len(SUITE) and "<details" in dom and "<details open" not in dom


def test_sentences_and_signatures_of_common_expectations():
    e = {
        "index": 3,
        "type": "expect_column_values_to_be_between",
        "kwargs": {"column": "AGE", "min_value": 20},
    }
    assert signature(e) == "#3 expect_column_values_to_be_between(AGE, 20)"
    assert sentence(e, "zh-TW", {"AGE": "年齡"}) == "年齡（AGE） 不小於 20"
    assert sentence(e, "en", {"AGE": "年齡"}) == "AGE at least 20"
    u = {"index": 0, "type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": ["A", "B"]}}
    assert signature(u) == "#0 expect_compound_columns_to_be_unique(A, B)"
    assert sentence(u, "en") == "the combination of A, B is unique"
    m = {
        "type": "expect_column_mean_to_be_between",
        "kwargs": {"column": "x", "min_value": 1.5, "max_value": 2},
    }
    assert sentence(m, "zh-TW") == "x 的平均值介於 1.5 與 2 之間"


def test_render_writes_the_validation_pages_a_by_hand_report_links_to(validated, tmp_path):
    """`govreport render` of a by-hand run: the pages its report links to are written beside it, from the
    results.json in the run's output_dir (taken from the notebook's injected parameters)."""
    from govreport.cli.render import _validation_pages

    root, _df, _r = validated
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    result = json.loads((root / "r.json").read_text())
    (out_dir / "results.json").write_text(json.dumps({"data_quality": {"apps": result}}), encoding="utf-8")
    cells = [
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "output_dir = None\n"},
        {
            "cell_type": "code",
            "metadata": {"tags": ["injected-parameters"]},
            "source": f"period = '2026Q3'\noutput_dir = {str(out_dir)!r}\n",
        },
    ]
    nb = tmp_path / "run.ipynb"
    nb.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    written = _validation_pages(nb, tmp_path / "report.html")
    assert sorted(p.name for p in written) == ["validation-apps.en.html", "validation-apps.html"]
    page = (tmp_path / "validation-apps.html").read_text(encoding="utf-8")
    assert "年齡 介於 20 與 70 之間（至少 99% 的列）" in page and "href='report.html'" in page
