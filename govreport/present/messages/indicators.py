"""Names of indicators, templates and reason codes a reader sees where a status is explained (issue 17)."""

MESSAGES = {
    # the review's "why not green" table
    "review.section.basis": ("非綠燈項目之依據", "Why a cell is not green"),
    "review.basis.lead": (
        "上表每一非綠燈格皆列於此：決定其狀態之指標、數值、門檻與條文；未評估者列出原因，已量測之數值僅供參考。",
        "Every cell above that is not green is listed here with the indicators that set it: value, threshold "
        "and article; a cell not assessed gives the reason, with any figure measured shown as context only.",
    ),
    "review.basis.reason.no_evidence": (
        "本期無此構面之證據（無執行結果或指標）。",
        "No evidence this period.",
    ),
    "review.basis.reason.no_contract": (
        "未評估：無資料契約檢核（下列特徵漂移僅供參考）。",
        "Not assessed — no data contract (the feature drift below is context only).",
    ),
    "review.basis.reason.not_judged": (
        "已計算但樣本不足，不作判定。",
        "Computed, but on too few rows to judge.",
    ),
    "review.basis.reason.failed": ("本期執行失敗：", "This period's run failed:"),
    "review.col.dimension": ("構面", "Dimension"),
    "review.col.article": ("條文", "Article"),
    "review.col.run": ("執行", "Run"),
    "review.col.result": ("結果", "Result"),
    # templates
    "template.model_risk": ("模型風險", "Model risk"),
    "template.data_quality": ("資料品質", "Data quality"),
    "template.genai_review": ("生成式 AI 對話", "Generative-AI conversations"),
    "template.sustainability": ("永續指標", "Sustainability"),
    "template.review": ("定期檢視", "Periodic review"),
    # indicators with a default threshold
    "indicator.disparate_impact_ratio": (
        "差別影響比率（五分之四原則）",
        "Disparate-impact ratio (four-fifths rule)",
    ),
    "indicator.demographic_parity_difference": ("核准率差異", "Demographic-parity difference"),
    "indicator.equal_opportunity_difference": ("機會均等差異", "Equal-opportunity difference"),
    "indicator.equalized_odds_difference": ("均等勝算差異", "Equalized-odds difference"),
    "indicator.proxy_cramers_v": ("代理變數關聯（Cramér's V）", "Proxy association (Cramér's V)"),
    "indicator.psi": ("母體穩定度（PSI）", "Population stability (PSI)"),
    "indicator.gini_relative_drop": ("Gini 相對下降", "Relative drop in Gini"),
    "indicator.auc": ("AUC", "AUC"),
    "indicator.ks": ("KS", "KS"),
    "indicator.ece": ("預期校準誤差（ECE）", "Expected calibration error (ECE)"),
    "indicator.surrogate_fidelity_r2": ("代理模型擬合度（R²）", "Surrogate fidelity (R²)"),
    "indicator.reason_code_coverage": ("理由碼涵蓋率", "Reason-code coverage"),
    "indicator.data_quality_pass_rate": ("資料檢核通過率", "Data-check pass rate"),
    "indicator.completeness": ("完整性", "Completeness"),
    "indicator.validity": ("有效性", "Validity"),
    "indicator.uniqueness": ("唯一性", "Uniqueness"),
    "indicator.pii_leak_rate": ("個資外洩比率", "Personal-data leak rate"),
    "indicator.ai_disclosure_rate": ("AI 身分揭露比率", "AI-disclosure rate"),
    "indicator.human_alternative_rate": ("真人服務選項告知比率", "Human-alternative rate"),
    "indicator.prohibited_statement_rate": ("禁止陳述比率", "Prohibited-statement rate"),
    "indicator.groundedness": ("回覆依據程度", "Groundedness"),
    "indicator.numeric_claim_error_rate": ("數字陳述錯誤率", "Numeric-claim error rate"),
    "indicator.numeric_claim_unsupported_rate": ("數字陳述無依據比率", "Unsupported numeric claims"),
    "indicator.refusal_rate": ("拒答率", "Refusal rate"),
    "indicator.escalation_rate": ("轉真人比率", "Escalation rate"),
    "indicator.latency_p50_s": ("回應時間中位數", "Reply time, median"),
    "indicator.latency_p95_s": ("回應時間第95百分位", "Reply time, 95th percentile"),
    "indicator.log_readable_rate": ("對話紀錄可讀取比率", "Readable conversation-log lines"),
    "indicator.channel_compliance_rate": ("通路揭露合規比率", "Channels with compliant disclosure"),
    "indicator.prelaunch_completeness": ("上線前評估完整度", "Pre-launch record completeness"),
    "indicator.vendor_attestation": ("供應商證明文件", "Vendor attestation"),
}
