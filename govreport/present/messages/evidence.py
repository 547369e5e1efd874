"""The article table's evidence and gap texts (review.json records them in English): each entry's English
text is the sentence's template, matched at render by :mod:`govreport.present.review_evidence` (issue 17a:
evidence texts from the catalogue)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # issue 17a
    "evidence.inventory_systems_labelled_predictive_or": (
        "盤點：{n1}/{n2} 個系統已標示為預測型或生成式",
        "inventory: {n1}/{n2} systems labelled predictive or generative",
    ),
    "evidence.inventory_records_valid_and_tiered_high_medium": (
        "盤點：{n1}/{n2} 筆紀錄有效並已分級（高 {n3}、中 {n4}、低或非適用範圍 {n5}）",
        "inventory: {n1}/{n2} records valid and tiered ({n3} high, {n4} medium, {n5} low or out of scope)",
    ),
    "evidence.sustainability_run_id_v": (
        "永續指標執行紀錄 RUN_ID {n1}（v{n2}）",
        "sustainability RUN_ID {n1} v{n2}",
    ),
    "evidence.pre_launch_infosec_opinion_on_record_for_in": (
        "{n1}/{n2} 個適用系統留有上線前資安意見",
        "pre-launch infosec opinion on record for {n1}/{n2} in-scope systems",
    ),
    "evidence.fairness_indicators_of_predictive_systems": (
        "{n1}/{n2} 個預測型系統之公平性指標",
        "fairness indicators of {n1}/{n2} predictive systems",
    ),
    "evidence.data_quality_model_quality_and_explainability": (
        "{n2} 個系統之資料品質、模型品質與可解釋性指標共 {n1} 項",
        "{n1} data-quality, model-quality and explainability indicators from {n2} systems",
    ),
    "evidence.training_data_audit_no_finding": (
        "訓練資料稽核（資料品質報告）：{n1}/{n2} 個預測型系統，無發現",
        "training-data audit (data_quality report) of {n1}/{n2} predictive systems: no finding",
    ),
    "evidence.training_data_audit_findings": (
        "訓練資料稽核（資料品質報告）：{n1}/{n2} 個預測型系統，有發現者：{ids}",
        "training-data audit (data_quality report) of {n1}/{n2} predictive systems: findings in {ids}",
    ),
    "evidence.personal_data_leak_check_of_generative_systems": (
        "{n} 個生成式系統之個資外洩檢查；各報告之資料檢核樣本一律遮罩",
        "personal-data leak check of {n} generative systems; data-check samples masked in every report",
    ),
    "evidence.accountable_executive_or_committee_for_systems": (
        "{n1}/{n2} 個系統已指定權責主管或委員會",
        "accountable executive or committee for {n1}/{n2} systems",
    ),
    "evidence.staff_ai_training_hours_recorded": (
        "已記錄員工 AI 教育訓練時數",
        "staff AI-training hours recorded",
    ),
    "evidence.evidence_store_records_chain_intact": (
        "證據庫：{n} 筆紀錄，雜湊鏈完整",
        "evidence store: {n} records, chain intact",
    ),
    "evidence.evidence_store_records_chain_broken": (
        "證據庫：{n} 筆紀錄，雜湊鏈遭破壞",
        "evidence store: {n} records, chain BROKEN",
    ),
    "evidence.vendor_trace_log_attestation_for_third_party": (
        "{n1}/{n2} 個第三方系統提供軌跡紀錄留存聲明",
        "vendor trace-log attestation for {n1}/{n2} third-party systems",
    ),
    "evidence.disclosure_indicators_channels_conversations": (
        "揭露指標 {n} 項（通路、對話）",
        "{n} disclosure indicators (channels, conversations)",
    ),
    "evidence.pre_launch_record_of_systems": (
        "{n} 個系統之上線前評估紀錄",
        "pre-launch record of {n} systems",
    ),
    "evidence.in_scope_systems_reviewed_on_time": (
        "{n1}/{n2} 個適用系統如期完成檢視",
        "{n1}/{n2} in-scope systems reviewed on time",
    ),
    "evidence.outsourcing_contract_clauses_complete_for": (
        "{n1}/{n2} 家供應商之委外契約條款完整",
        "outsourcing contract clauses complete for {n1}/{n2} vendors",
    ),
    "evidence.findings_register_open_overdue": (
        "查核發現：{n1} 項未結案，{n2} 項逾期",
        "findings register: {n1} open, {n2} overdue",
    ),
    "evidence.no_ai_system_in_the_inventory": ("盤點中無 AI 系統", "no AI system in the inventory"),
    "evidence.no_inventory": ("無盤點紀錄", "no inventory"),
    "evidence.no_succeeded_sustainability_run_for": (
        "{p} 無成功之永續指標執行紀錄",
        "no succeeded sustainability run for {p}",
    ),
    "evidence.no_in_scope_system": ("無適用範圍內之系統", "no in-scope system"),
    "evidence.no_fairness_results_for": ("無公平性結果：{ids}", "no fairness results for {ids}"),
    "evidence.no_model_quality_or_data_quality_results_this": (
        "本期無模型品質或資料品質結果",
        "no model-quality or data-quality results this period",
    ),
    "evidence.no_personal_data_leak_check_this_period": (
        "本期無個資外洩檢查",
        "no personal-data leak check this period",
    ),
    "evidence.no_staff_ai_training_record_this_period": (
        "本期無員工 AI 教育訓練紀錄（sustainability.yaml）",
        "no staff AI-training record this period (sustainability.yaml)",
    ),
    "evidence.no_customer_facing_channel_recorded": (
        "未記錄面向客戶之通路",
        "no customer-facing channel recorded",
    ),
    "evidence.no_pre_launch_record_assessed_this_period": (
        "本期無上線前評估紀錄",
        "no pre-launch record assessed this period",
    ),
    "evidence.overdue_not_assessed_this_period": (
        "逾期：{ids1}。本期未評估：{ids2}",
        "overdue: {ids1}. not assessed this period: {ids2}",
    ),
    "evidence.overdue": ("逾期：{ids}。", "overdue: {ids}. "),
    "evidence.not_assessed_this_period": ("本期未評估：{ids}", "not assessed this period: {ids}"),
    "evidence.no_third_party_system": ("無第三方系統", "no third-party system"),
    "evidence.no_findings_register_findings_yaml": (
        "無查核發現登錄表（findings.yaml）",
        "no findings register (findings.yaml)",
    ),
}
