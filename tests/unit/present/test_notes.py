"""Issue 17a: the library's notes and reasons in the reader's language, from the catalogue; a note the
catalogue does not know (older evidence, a bank's own template) prints as recorded."""

from __future__ import annotations

import re

from govreport.present import html as report_html
from govreport.present.i18n import MESSAGES
from govreport.present.notes import note_html, note_texts


def test_each_note_template_matches_its_own_english_and_fills_its_chinese():
    notes = {k: v for k, v in MESSAGES.items() if k.startswith("note.")}
    assert len(notes) >= 40
    for key, (zh, en) in notes.items():
        names = re.findall(r"\{(\w+)\}", en)
        assert sorted(names) == sorted(re.findall(r"\{(\w+)\}", zh)), key
        sample = en.format(**{n: f"X{i}" for i, n in enumerate(names)})
        got_zh, got_en = note_texts(sample)
        assert got_en == sample and "{" not in got_zh and got_zh != sample, key
        assert all(f"X{i}" in got_zh for i in range(len(names))), key


def test_notes_the_demo_records():
    assert note_texts("fpr rests on at least 30 rows (unfavourable labels) in only 1 group(s); it needs two")[
        0
    ] == ("僅 1 個群體之偽陽性率有至少 30 筆（不利標籤）；需要兩個群體")
    assert note_texts("1 expectation(s) outside the suite's tolerance: at most amber")[0] == (
        "1 項檢核超出套件容忍範圍：至多為黃燈"
    )
    zh, _ = note_texts(
        "energy used in 2026: no grid factor for 2026 yet, the 2025 factor (0.467 kgCO2e/kWh) is used"
    )
    assert zh == "2026 年用電：2026 年尚無電力排碳係數，採用 2025 年係數（0.467 kgCO2e/kWh）"


def test_an_unknown_note_prints_as_recorded_marked_english():
    assert note_texts("a note from govreport 0.0.1") == ("a note from govreport 0.0.1",) * 2
    assert note_html("a <b> note") == '<span lang="en">a &lt;b&gt; note</span>'
    results = {
        "notes": ["no reference dataset: drift (PSI) not assessed", "an old note"],
        "indicators": [
            {"id": "x", "label_zh": "甲", "label_en": "X", "note": "no adverse decisions in the data"},
            {"id": "y", "label_zh": "乙", "label_en": "Y", "note": "kept in English"},
        ],
    }
    out = report_html.notes(results)
    assert '<li class="gr-l-zh" lang="zh-TW">無參考資料集：母體穩定度（PSI）未評估</li>' in out
    assert '<li lang="en">an old note</li>' in out
    assert "甲：資料中無不利決策" in out and "X: no adverse decisions in the data" in out
    assert "<span lang='en'>kept in English</span>" in out


def test_the_article_evidence_texts_come_from_the_catalogue_with_system_names():
    from govreport.present.review_evidence import evidence_pair

    systems = {
        "a": {"name_zh": "甲系統", "name_en": "System A"},
        "b": {"name_zh": "乙系統", "name_en": "System B"},
    }
    assert sum(k.startswith("evidence.") for k in MESSAGES) >= 30
    out = evidence_pair("overdue: a. not assessed this period: a, b", systems)
    assert ">逾期：甲系統。本期未評估：甲系統、乙系統<" in out
    assert ">overdue: System A. not assessed this period: System A, System B<" in out
    assert ">證據庫：1,234 筆紀錄，雜湊鏈完整<" in evidence_pair(
        "evidence store: 1,234 records, chain intact", {}
    )
    assert evidence_pair("something new", {}) == '<span lang="en">something new</span>'
