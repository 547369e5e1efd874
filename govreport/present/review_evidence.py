"""The article table's evidence and gap texts in the reader's language (issue 17).

:mod:`govreport.assessments.review_articles` records them as English sentences in review.json (so every
earlier review.json reads the same way); this module gives each known sentence its Traditional Chinese
form and writes system names instead of ids in both. A sentence it does not know is shown as it is, marked
``lang="en"``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["evidence_pair"]

_N = r"(\d+)"
_IDS = r"(.+?)"
#: English sentence (a regular expression) → its Chinese form (groups as {1}, {2}, …)
_SENTENCES: list[tuple[str, str]] = [
    (
        rf"inventory: {_N}/{_N} systems labelled predictive or generative",
        "盤點：{1}/{2} 個系統已標示為預測型或生成式",
    ),
    (
        rf"inventory: {_N}/{_N} records valid and tiered "
        rf"\({_N} high, {_N} medium, {_N} low or out of scope\)",
        "盤點：{1}/{2} 筆紀錄有效並已分級（高 {3}、中 {4}、低或非適用範圍 {5}）",
    ),
    (rf"sustainability RUN_ID {_N} v{_N}", "永續指標執行紀錄 RUN_ID {1}（v{2}）"),
    (
        rf"pre-launch infosec opinion on record for {_N}/{_N} in-scope systems",
        "{1}/{2} 個適用系統留有上線前資安意見",
    ),
    (rf"fairness indicators of {_N}/{_N} predictive systems", "{1}/{2} 個預測型系統之公平性指標"),
    (
        rf"{_N} data-quality, model-quality and explainability indicators from {_N} systems",
        "{2} 個系統之資料品質、模型品質與可解釋性指標共 {1} 項",
    ),
    (
        rf"training-data audit \(data_quality report\) of {_N}/{_N} predictive systems: no finding",
        "訓練資料稽核（資料品質報告）：{1}/{2} 個預測型系統，無發現",
    ),
    (
        rf"training-data audit \(data_quality report\) of {_N}/{_N} predictive systems: findings in {_IDS}",
        "訓練資料稽核（資料品質報告）：{1}/{2} 個預測型系統，有發現者：{3}",
    ),
    (
        rf"personal-data leak check of {_N} generative systems; data-check samples masked in every report",
        "{1} 個生成式系統之個資外洩檢查；各報告之資料檢核樣本一律遮罩",
    ),
    (rf"accountable executive or committee for {_N}/{_N} systems", "{1}/{2} 個系統已指定權責主管或委員會"),
    (r"staff AI-training hours recorded", "已記錄員工 AI 教育訓練時數"),
    (rf"evidence store: {_N} records, chain intact", "證據庫：{1} 筆紀錄，雜湊鏈完整"),
    (rf"evidence store: {_N} records, chain BROKEN", "證據庫：{1} 筆紀錄，雜湊鏈遭破壞"),
    (
        rf"vendor trace-log attestation for {_N}/{_N} third-party systems",
        "{1}/{2} 個第三方系統提供軌跡紀錄留存聲明",
    ),
    (rf"{_N} disclosure indicators \(channels, conversations\)", "揭露指標 {1} 項（通路、對話）"),
    (rf"pre-launch record of {_N} systems", "{1} 個系統之上線前評估紀錄"),
    (rf"{_N}/{_N} in-scope systems reviewed on time", "{1}/{2} 個適用系統如期完成檢視"),
    (rf"outsourcing contract clauses complete for {_N}/{_N} vendors", "{1}/{2} 家供應商之委外契約條款完整"),
    (rf"findings register: {_N} open, {_N} overdue", "查核發現：{1} 項未結案，{2} 項逾期"),
    (r"no AI system in the inventory", "盤點中無 AI 系統"),
    (r"no inventory", "無盤點紀錄"),
    (r"no succeeded sustainability run for (\S+)", "{1} 無成功之永續指標執行紀錄"),
    (r"no in-scope system", "無適用範圍內之系統"),
    (rf"no fairness results for {_IDS}", "無公平性結果：{1}"),
    (r"no model-quality or data-quality results this period", "本期無模型品質或資料品質結果"),
    (r"no personal-data leak check this period", "本期無個資外洩檢查"),
    (
        r"no staff AI-training record this period \(sustainability\.yaml\)",
        "本期無員工 AI 教育訓練紀錄（sustainability.yaml）",
    ),
    (r"no customer-facing channel recorded", "未記錄面向客戶之通路"),
    (r"no pre-launch record assessed this period", "本期無上線前評估紀錄"),
    (rf"overdue: {_IDS}\. not assessed this period: {_IDS}", "逾期：{1}。本期未評估：{2}"),
    (rf"overdue: {_IDS}\. ", "逾期：{1}。"),
    (rf"not assessed this period: {_IDS}", "本期未評估：{1}"),
    (r"no third-party system", "無第三方系統"),
    (r"no findings register \(findings\.yaml\)", "無查核發現登錄表（findings.yaml）"),
]
_COMPILED = [(re.compile(f"^{en}$"), zh) for en, zh in _SENTENCES]


def _names(text: str, systems: Mapping[str, Mapping[str, Any]], lang: str) -> str:
    """A comma-separated list of system ids as names."""
    key = "name_zh" if lang == "zh-TW" else "name_en"
    ids = [x.strip() for x in text.split(",")]
    if not ids or not all(x in systems for x in ids):
        return text
    return ("、" if lang == "zh-TW" else ", ").join(systems[x].get(key) or x for x in ids)


def evidence_pair(text: str, systems: Mapping[str, Mapping[str, Any]]) -> str:
    """``text`` as the two language spans (escaped); ids named; an unknown sentence kept, marked English."""
    for pattern, zh in _COMPILED:
        m = pattern.match(text)
        if not m:
            continue
        groups = m.groups()
        zh_text = zh.format(None, *(_names(g, systems, "zh-TW") for g in groups))
        en_text = text
        for g in groups:
            if g and "," in g or g in systems:
                en_text = en_text.replace(g, _names(g, systems, "en"))
        return (
            f'<span class="gr-l-zh" lang="zh-TW">{html.escape(zh_text)}</span>'
            f'<span class="gr-l-en" lang="en">{html.escape(en_text)}</span>'
        )
    return f'<span lang="en">{html.escape(text)}</span>'
