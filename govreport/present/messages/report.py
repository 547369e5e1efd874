"""Labels and sentences of the system reports (model risk, data quality, generative AI), issue 17."""

MESSAGES = {
    "report.tier_months": ("{tier} · 每 {n} 個月檢視一次", "{tier} · reviewed every {n} months"),
    "report.no_contract": (
        "資料品質未評估：本系統無資料契約檢核。下列特徵漂移（PSI）僅供參考，不決定資料品質狀態。",
        "Data quality not assessed — no data contract. The feature drift (PSI) below is context only; "
        "it does not set the data-quality status.",
    ),
    "report.no_contract.short": ("無資料契約", "no data contract"),
    "report.context_only": ("（僅供參考）", "(context only)"),
    "report.col.indicator": ("指標", "Indicator"),
    "report.col.value": ("數值", "Value"),
    "report.col.status": ("狀態", "Status"),
    "report.col.rule": ("門檻", "Threshold"),
    "report.col.article": ("條文", "Article"),
    "report.col.before": ("上期", "Before"),
    "report.col.now": ("本期", "Now"),
    "report.col.change": ("變化", "Change"),
    "report.col.dimension": ("構面", "Dimension"),
    "report.col.column": ("欄位", "Column"),
    "report.col.expectation": ("未通過之期望", "Failed expectation"),
    "report.col.rows": ("列數", "Rows"),
    "report.col.sample": ("樣本（已遮罩）", "Sample (masked)"),
    "report.col.failed_expectation": ("未通過之期望", "Failed expectation"),
    "report.col.unexpected_rows": ("未符合列數", "Unexpected rows"),
    "report.col.unexpected_sample": ("未符合值範例（已遮罩）", "Unexpected values (masked)"),
    "report.col.conversation": ("對話", "Conversation"),
    "report.col.text": ("內容（已遮罩）", "Text (masked)"),
    "report.col.why": ("原因", "Why"),
    "report.changes.rest": (
        "其餘 {n} 項指標狀態未變，且數值變動未超過綠燈門檻之 {pct}。",
        "The other {n} indicators kept their status and moved by no more than {pct} of their green line.",
    ),
    "report.decision.red": ("紅燈：請核定改善計畫與期限。", "red: approve a remediation plan and deadline."),
    "report.decision.amber": ("黃燈：持續監控，下期追蹤。", "amber: monitor and follow up next period."),
    "report.decision.more": ("另有 {n} 項指標，詳見下文。", "{n} more indicators below."),
    "report.notes": ("說明", "Notes"),
    "report.dq.dataset": ("{rows} 筆 · {n} 項期望", "{rows} rows · {n} expectations"),
    "report.dq.passed": ("所有期望皆通過。", "Every expectation passed."),
    "report.trend.single": (
        "證據庫中尚無較早期間之結果，本期不繪製趨勢圖。",
        "No earlier period in the evidence store: no trend to draw yet.",
    ),
    "report.examples.none": ("本期無違規範例。", "No failing turns this period."),
}

# issue 17b
MESSAGES.update(
    {
        "fairness.not_judged": ("未判定", "not judged"),
        "fairness.withheld.n": (
            "{group}僅 {count} 筆；至少需 {need} 筆",
            "{group}: only {count} cases; at least {need} needed",
        ),
        "fairness.withheld.outcome": (
            "{group}：實際結果為「{outcome}」者僅 {count} 筆；至少需 {need} 筆",
            "{group}: only {count} cases with actual outcome “{outcome}”; at least {need} needed",
        ),
        "fairness.withheld.favourable": ("有利", "favourable"),
        "fairness.withheld.unfavourable": ("不利", "unfavourable"),
        "fairness.withheld.lead": ("未判定（樣本太少）：", "Not judged (too few cases): "),
    }
)
