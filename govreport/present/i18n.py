"""One message catalogue for every label and sentence a report shows: Traditional Chinese first, English.

Templates never hard-code report text; they call :func:`t` (one language), :func:`bi` / :func:`pair` (both
languages as HTML, one shown at a time: ``<span class="gr-l-zh" lang="zh-TW">`` and ``<span class="gr-l-en"
lang="en">``, switched by the report's language button or ``#en``; report.css) or :func:`article`
(第N條 / Art. N). Numbers, units and times: :mod:`govreport.present.numbers`.
"""

from __future__ import annotations

import datetime as _dt
import html
import importlib
import pkgutil
from typing import Any

from . import messages as _pkg
from .numbers import fmt_number, fmt_share, local_time

__all__ = [
    "t",
    "bi",
    "pair",
    "tr",
    "article",
    "fmt_num",
    "fmt_pct",
    "fmt_date",
    "MESSAGES",
    "STATUS_LABELS",
    "DIMENSION_LABELS",
]

STATUS_LABELS = {
    "green": ("綠燈：符合", "Green: meets the threshold"),
    "amber": ("黃燈：需關注", "Amber: needs attention"),
    "red": ("紅燈：需處置", "Red: action required"),
    "not_assessed": ("未評估", "Not assessed"),
}

DIMENSION_LABELS = {
    "data_quality": ("資料品質", "Data quality"),
    "model_quality": ("模型品質", "Model quality"),
    "system_security": ("系統安全性", "System security"),
    "fairness": ("公平性", "Fairness"),
    "sustainability": ("永續發展", "Sustainability"),
    "transparency": ("透明性", "Transparency"),
    "explainability": ("可解釋性", "Explainability"),
    "governance": ("治理", "Governance"),
    "consumer_protection": ("消費者保護", "Consumer protection"),
}

MESSAGES: dict[str, tuple[str, str]] = {
    "report.model_risk.title": ("模型風險檢視報告", "Model-risk review"),
    "report.data_quality.title": ("資料品質檢視報告", "Data-quality review"),
    "report.genai.title": ("生成式 AI 對話檢視報告", "Generative-AI conversation review"),
    "cover.system": ("AI 系統", "AI system"),
    "cover.period": ("檢視期間", "Period"),
    "cover.tier": ("風險等級", "Risk tier"),
    "cover.accountable": ("權責主管／委員會", "Accountable executive / committee"),
    "cover.owner": ("負責人", "Owner"),
    "cover.vendor": ("第三方供應商", "Third-party vendor"),
    "cover.overall": ("整體狀態", "Overall status"),
    "cover.generated": ("產製時間", "Generated"),
    "section.summary": ("重點摘要", "At a glance"),
    "section.changes": ("與上期相比", "Changes since the last review"),
    "section.decisions": ("需管理階層決策事項", "Decisions for management"),
    "section.fairness": ("公平性（第6條）", "Fairness (Art. 6)"),
    "section.proxy": ("代理變數掃描（第6條）", "Proxy scan (Art. 6)"),
    "section.quality": ("模型品質與監控（第7條）", "Model quality and monitoring (Art. 7)"),
    "section.drift": ("母體穩定度（第7條）", "Population stability (Art. 7)"),
    "section.explain": ("可解釋性（第7條）", "Explainability (Art. 7)"),
    "section.trend": ("歷期趨勢", "Trend over periods"),
    "section.genai": ("對話輸出檢查（第8、11、13條）", "Output checks (Art. 8, 11, 13)"),
    "section.examples": ("違規對話範例（已遮罩個資）", "Examples of failing turns (personal data masked)"),
    "section.methods": ("方法與門檻", "Methods and thresholds"),
    "section.inventory_gaps": ("盤點紀錄缺漏", "Gaps in the inventory record"),
    "tier.high": ("高", "high"),
    "tier.medium": ("中", "medium"),
    "tier.low": ("低", "low"),
    "tier.out_of_scope": ("非適用範圍", "out of scope"),
    "tier.unassessed": ("未分級（臨時評估）", "not tiered (ad-hoc assessment)"),
    "change.new": ("新增", "new"),
    "change.improved": ("改善", "improved"),
    "change.worsened": ("惡化", "worsened"),
    "change.same": ("持平", "unchanged"),
    "change.none": ("無上期資料可比較。", "No previous period to compare with."),
    "decision.none": ("本期無需決策事項。", "No decision is needed this period."),
    "decision.red": (
        "{label}為紅燈（{value}，門檻 {rule}）：請核定改善計畫與期限。",
        "{label_en} is red ({value}; {rule}): approve a remediation plan and deadline.",
    ),
    "fairness.lead": (
        "下圖為各群體的核准（有利決策）比率；虛線為最高群體比率的五分之四。低於虛線的群體可能受到不利對待。",
        "Approval (favourable-decision) rate by group; the dashed line is four-fifths of the highest group's "
        "rate. Groups below it may be treated unfavourably.",
    ),
    "fairness.di": (
        "{attr}：最低與最高核准率之比為 {value}（{status}）。",
        "{attr}: the lowest-to-highest approval-rate ratio is {value} ({status_en}).",
    ),
    "fairness.small": (
        "樣本數少於 {n} 的群體僅列出信賴區間，不作判定。",
        "Groups smaller than {n} are shown with their confidence interval and not judged.",
    ),
    "quality.lead": (
        "AUC 與 KS 衡量模型區辨好壞客戶的能力；校準圖比較預測機率與實際發生率。",
        "AUC and KS measure how well the model separates good from bad outcomes; the reliability "
        "chart compares predicted probabilities with observed rates.",
    ),
    "drift.lead": (
        "PSI 衡量本期分布相對於參考期的變化：< 0.10 穩定、0.10–0.25 需關注、> 0.25 顯著變化。",
        "PSI measures how far this period's distribution moved from the reference: < 0.10 stable, "
        "0.10–0.25 watch, > 0.25 significant shift.",
    ),
    "explain.lead": (
        "特徵重要性顯示模型主要依據哪些變數；不利決策理由碼統計顯示客戶最常被拒絕的原因。",
        "Feature importance shows what the model relies on; reason codes show the most frequent "
        "reasons behind adverse decisions.",
    ),
    "trend.lead": (
        "各指標歷期數值（取自證據庫中各期最新成功執行紀錄）。",
        "Each indicator over past periods (from the latest successful run of each period in the "
        "evidence store).",
    ),
    "genai.lead": (
        "以下指標依本期所有對話紀錄計算，個人資料一律遮罩。",
        "Indicators over all logged conversations of the period; personal data is always masked.",
    ),
    "report.sustainability.title": ("AI 永續指標報告（第4條）", "AI sustainability indicators (Art. 4)"),
    "sust.section.summary": ("整體指標", "Portfolio indicators"),
    "sust.section.trend": ("各季趨勢", "Trend by quarter"),
    "sust.section.systems": ("各系統指標", "Indicators by system"),
    "sust.section.intensity": ("排放密集度與目標", "Intensity against target"),
    "sust.section.inclusion": ("普惠金融成果（第4條）", "Inclusion outcomes (Art. 4)"),
    "sust.section.governance": ("治理指標（第9、13條）", "Governance (Art. 9, 13)"),
    "sust.section.methods": ("方法、係數與數據來源", "Methods, factors and sources"),
    "sust.section.export": ("永續報告書匯出檔", "Export for the sustainability report"),
    "sust.lead": (
        "排放量 = 用電量（kWh）× PUE × 用電年度之經濟部能源署電力排碳係數。量測值為 govreport 每次執行以 "
        "CodeCarbon 量測之能耗；申報與估算值取自 AI 系統盤點紀錄。所有數字皆讀自證據庫，未重新執行任何分析。",
        "Emissions = energy (kWh) × PUE × the MOEA Energy Administration grid factor of the year the energy "
        "was used. Measured figures are each govreport run's energy, measured with CodeCarbon; declared and "
        "estimated figures come from the AI-system inventory. Everything is read from the evidence store; "
        "nothing is re-run.",
    ),
    "sust.trend.lead": (
        "各季排放量依系統、能源使用量依數據來源（量測、申報、估算）分列。",
        "Emissions by quarter split by system, and energy split by source (measured, declared, estimated).",
    ),
    "sust.intensity.lead": (
        "每千次預測或服務請求之排放量（gCO2e）；虛線為工作區設定之目標。",
        "Grams of CO2e per 1,000 predictions or requests; the dashed line is the workspace's target.",
    ),
    "sust.inclusion.lead": (
        "取自各期公平性結果：最年輕與最高齡年齡群之核准（有利決策）比率，及其與最高群體比率之比（五分之四原則）。",
        "From each period's fairness results: the approval (favourable-decision) rate of the youngest and "
        "the oldest age band, and its ratio to the highest band's rate (four-fifths rule).",
    ),
    "sust.none": ("本期無可計算之指標。", "No indicator could be computed for this period."),
    "sust.inclusion.none": (
        "本期無含年齡屬性之公平性結果。",
        "No fairness results with an age attribute this period.",
    ),
    "sust.training.none": (
        "sustainability.yaml 未記錄本期員工 AI 教育訓練時數。",
        "No staff AI-training hours recorded for this period in sustainability.yaml.",
    ),
    "sust.export.lead": (
        "下列檔案位於本報告輸出資料夾，欄位對應 GRI 揭露項目，可直接納入永續報告書。",
        "These files are in this report's output folder; each row names the GRI disclosure it "
        "feeds, ready for the sustainability report.",
    ),
    "footer": (
        "本報告由 govreport 依「金融機構運用人工智慧技術作業規範」產製；證據雜湊見證據庫（第10條）。",
        "Produced by govreport under the TBA AI norms; evidence hashes are in the evidence store (Art. 10).",
    ),
}


def _merge_area_catalogues() -> None:
    """Each capability keeps its messages in ``govreport/messages/<area>.py`` (a ``MESSAGES`` dict); they are
    merged here into the one catalogue, and a key defined twice is a programming error."""

    for mod in sorted(pkgutil.iter_modules(_pkg.__path__), key=lambda m: m.name):
        extra: dict[str, tuple[str, str]] = importlib.import_module(f"{_pkg.__name__}.{mod.name}").MESSAGES
        clash = sorted(set(extra) & set(MESSAGES))
        if clash:
            raise RuntimeError(f"message keys defined twice (govreport/messages/{mod.name}.py): {clash}")
        MESSAGES.update(extra)


_merge_area_catalogues()


def t(key: str, lang: str = "zh-TW", **kw: Any) -> str:
    zh, en = MESSAGES[key]
    return (zh if lang == "zh-TW" else en).format(**kw)


def pair(zh: str, en: str, tag: str = "span") -> str:
    """``zh`` and ``en`` (escaped) as the two language spans; the page shows one of them."""
    return (
        f'<{tag} class="gr-l-zh" lang="zh-TW">{html.escape(zh)}</{tag}>'
        f'<{tag} class="gr-l-en" lang="en">{html.escape(en)}</{tag}>'
    )


def tr(key: str, tag: str = "span", **kw: Any) -> str:
    """The catalogue's message ``key`` as the two language spans; ``kw`` values may be (zh, en) pairs."""
    zh, en = MESSAGES[key]
    zkw = {k: (v[0] if isinstance(v, tuple) else v) for k, v in kw.items()}
    ekw = {k: (v[1] if isinstance(v, tuple) else v) for k, v in kw.items()}
    return pair(zh.format(**zkw), en.format(**ekw), tag)


def bi(key: str, tag: str = "p", **kw: Any) -> str:
    """The catalogue's message ``key`` in a ``tag`` element, both languages, one shown at a time."""
    return f"<{tag}>{tr(key, **kw)}</{tag}>"


def article(n: int, lang: str = "zh-TW") -> str:
    return f"第{n}條" if lang == "zh-TW" else f"Art. {n}"


def fmt_num(x: float | None, digits: int = 3) -> str:
    """``x`` with ``digits`` decimals and thousands separators, widened so a non-zero figure never reads 0
    (:func:`govreport.present.numbers.fmt_number`)."""
    return fmt_number(x, digits)


def fmt_pct(x: float | None, digits: int = 1) -> str:
    """A share as a percentage (:func:`govreport.present.numbers.fmt_share`: "0.004%", never "0.0%")."""
    return fmt_share(x, digits)


def fmt_date(value: str | None, lang: str = "zh-TW", tz: str | None = None) -> str:
    """An ISO date (or date-time) as the reader's language writes it: 2026年9月30日 / 30 Sep 2026. A
    date-time (UTC when it names no zone) is dated in the workspace's time zone ``tz`` (default Asia/Taipei):
    a run finished at 20:00 UTC on 30 September is dated 1 October in Taipei."""
    if not value:
        return "—"
    text = str(value)
    d = _dt.date.fromisoformat(text[:10])
    local = local_time(text, tz) if len(text) > 10 else None
    if local is not None:
        d = local.date()
    if lang == "zh-TW":
        return f"{d.year}年{d.month}月{d.day}日"
    return f"{d.day} {d.strftime('%b')} {d.year}"
