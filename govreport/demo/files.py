"""The demo bank's own files, as a bank writes them: one inventory record per system (``systems/*.yaml``)
with its declared energy, the sustainability settings, the audit-findings register and the workspace's
README — YAML text whose quarters follow the periods asked for.

Contract: text only, nothing written here; :func:`govreport.demo.build.build_demo` writes the files.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from ..core.periods import Period

__all__ = ["SYSTEMS", "energy_yaml", "sustainability_yaml", "findings_yaml", "DEMO_README"]

#: system id → its inventory record (``str.format`` template: ``{{`` is a brace)
SYSTEMS = {
    "card-default": """\
id: card-default
name_zh: 信用卡違約評分卡
name_en: Credit-card default scorecard
kind: predictive
description: 申請評分卡，預測未來一個月違約機率（PD），PD < 0.22 核准。
owner: {{name: 林怡君, role: 模型負責人 Model owner, unit: 風險管理處 Risk Management}}
accountable: {{name: 張志明, role: 風險長 Chief Risk Officer,
  committee: 人工智慧治理委員會 AI Governance Committee}}
scope: {{affects_transaction_rights: true, material_operational_impact: true,
  interacts_with_consumers: false}}
risk_factors: {{customer_facing: 2, personal_data: 3, autonomy: 3, complexity: 2, impact: 3, remedies: 2}}
channels:
  - {{name: 信用卡線上申請 online application, customer_facing: true, ai_disclosure: true, opt_out: true,
      alternative: 臨櫃人工審核 branch review}}
prelaunch:
  go_live: 2024-03-01
  areas: {{data_governance: true, infosec: true, oversight: true, consumer_protection: true,
    incident_response: true}}
  opinions:
    infosec: {{date: 2024-01-20, opinion: 同意 approved, by: 資訊安全處}}
    compliance: {{date: 2024-01-25, opinion: 同意 approved, by: 法令遵循處}}
    risk: {{date: 2024-02-02, opinion: 同意，須每季監控 approved with quarterly monitoring, by: 風險管理處}}
datasets:
  - {{name: reference, role: reference, path: data/card-default/reference.parquet}}
  - {{name: scoring, role: scoring, path: "data/card-default/scoring_{{period}}.parquet",
      contract: card_default_scoring}}
model:
  label: DEFAULT
  label_favourable: 0
  prediction: DECISION
  prediction_favourable: 1
  score: PD
  score_higher_is: adverse
  features: [LIMIT_BAL, EDUCATION, MARRIAGE, PAY_0, BILL_AMT1, PAY_AMT1, UTILISATION]
protected_attributes:
  - {{column: SEX, category: sex}}
  - {{column: AGE, category: age, bands: [25, 35, 45, 55, 65]}}
  - {{column: MARRIAGE, category: marital_status, used_as_feature: true,
      justification: 婚姻狀況經模型驗證委員會核准為信用風險因子（2024-02 會議紀錄）}}
fairness: {{intersections: [[SEX, AGE]], min_group_size: 30}}
""",
    "txn-monitoring": """\
id: txn-monitoring
name_zh: 交易監控模型
name_en: Transaction-monitoring model
kind: predictive
description: 洗錢防制交易監控，分數 > 0.12 產生警示，交由人工調查。
owner: {{name: 吳家豪, role: 模型負責人 Model owner, unit: 洗錢防制處 AML}}
accountable: {{name: 李淑芬, role: 法遵長 Chief Compliance Officer,
  committee: 人工智慧治理委員會 AI Governance Committee}}
scope: {{material_operational_impact: true, affects_transaction_rights: true}}
risk_factors: {{customer_facing: 1, personal_data: 3, autonomy: 1, complexity: 2, impact: 2, remedies: 2}}
prelaunch:
  go_live: 2023-07-01
  areas: {{data_governance: true, infosec: true, oversight: true, consumer_protection: true,
    incident_response: true}}
  opinions:
    infosec: {{date: 2023-05-10, opinion: 同意 approved}}
    compliance: {{date: 2023-05-12, opinion: 同意 approved}}
    risk: {{date: 2023-05-20, opinion: 同意 approved}}
datasets:
  - {{name: reference, role: reference, path: data/txn-monitoring/reference.parquet}}
  - {{name: scoring, role: scoring, path: "data/txn-monitoring/scoring_{{period}}.parquet",
      contract: txn_monitoring_scoring}}
model:
  label: CONFIRMED_SUSPICIOUS
  label_favourable: 0
  prediction: ALERT
  prediction_favourable: 0
  score: RISK_SCORE
  score_higher_is: adverse
  features: [AMOUNT, CROSS_BORDER, NIGHT, VELOCITY_24H, ACCOUNT_AGE_M]
protected_attributes:
  - {{column: NATIONALITY, category: nationality}}
  - {{column: AGE, category: age}}
""",
    "cs-assistant": """\
id: cs-assistant
name_zh: 智能客服助理
name_en: Customer-service assistant (generative)
kind: generative
description: 第三方大型語言模型客服，回答信用卡與匯款問題，可轉接真人客服。
owner: {{name: 黃雅婷, role: 數位金融部 Digital Banking, unit: 數位金融部}}
accountable: {{name: 張志明, role: 風險長 Chief Risk Officer,
  committee: 人工智慧治理委員會 AI Governance Committee}}
scope: {{interacts_with_consumers: true, customer_service: true, product_advice: true}}
risk_factors: {{customer_facing: 3, personal_data: 2, autonomy: 2, complexity: 3, impact: 3, remedies: 2}}
vendor:
  name: 雲語科技 CloudLingo Ltd.
  country: TW
  trace_log_attestation: {{provided: true, date: 2025-09-30, document: CL-ATTEST-2025-09}}
  contract_clauses: [audit_rights, data_location, incident_notification, subcontracting, exit_plan]
  outsourcing_approved: true
channels:
  - {{name: 行動銀行 APP, customer_facing: true, ai_disclosure: true, opt_out: true,
      alternative: 真人客服 human agent}}
  - {{name: LINE 官方帳號, customer_facing: true, ai_disclosure: true, opt_out: true,
      alternative: 客服專線 0800 hotline}}
prelaunch:
  go_live: 2025-06-01
  areas: {{data_governance: true, infosec: true, oversight: true, consumer_protection: true,
    incident_response: true}}
  opinions:
    infosec: {{date: 2025-05-02, opinion: 同意 approved}}
    compliance: {{date: 2025-05-06, opinion: 同意，需每季檢視對話 approved with quarterly transcript review}}
    risk: {{date: 2025-05-09, opinion: 同意 approved}}
datasets:
  - {{name: conversations, role: conversations, path: "data/cs-assistant/conversations_{{period}}.jsonl",
      format: jsonl, contract: cs_assistant_conversations}}
""",
}


def energy_yaml(sid: str, plist: Sequence[Period]) -> str:
    """Declared energy (Art. 4) for the demo systems, one figure per quarter, with a trend."""
    lines = ["energy:"]
    if sid == "card-default":
        lines += [
            "  pue: 1.4",
            "  pue_basis: 示範資料 demo data centre, 2025 PUE report",
            "  declared:",
            f"    - {{activity: training, period: {plist[0].label}, value: 340, unit: kWh, source: measured, "
            "basis: GPU-02 電表匯出 meter export}",
        ]
        for i, p in enumerate(plist):
            lines.append(
                f"    - {{activity: batch_scoring, period: {p.label}, value: {52000 - 3000 * i}, unit: Wh, "
                "source: declared, basis: 批次評分排程紀錄 batch scheduler log}"
            )
        lines.append("  volumes:")
        lines += [
            f"    - {{period: {p.label}, count: {1_200_000 + 25_000 * i}, "
            "basis: 正式環境評分紀錄 production log}"
            for i, p in enumerate(plist)
        ]
    elif sid == "txn-monitoring":
        lines += ["  pue: 1.4", "  declared:"]
        for i, p in enumerate(plist):
            watts = 120 if i < 2 else 80  # moved to a more efficient inference server half-way through
            lines.append(
                f"    - {{activity: serving, period: {p.label}, hours: 2208, average_power_w: {watts}, "
                "basis: 推論伺服器平均功耗 inference server average draw}"
            )
        lines.append("  volumes:")
        lines += [
            f"    - {{period: {p.label}, count: {9_000_000 + 150_000 * i}, "
            "basis: 交易筆數 transactions scored}"
            for i, p in enumerate(plist)
        ]
    elif sid == "cs-assistant":
        lines.append("  declared:")
        for i, p in enumerate(plist):
            lines.append(
                f"    - {{activity: tokens, period: {p.label}, tokens: {30_000_000 + 4_000_000 * i}, "
                "wh_per_1k_tokens: 0.3, basis: 供應商每千 token 能耗估計 vendor letter 2025-07-15}"
            )
        lines.append("  volumes:")
        lines += [
            f"    - {{period: {p.label}, count: {150_000 + 12_000 * i}, "
            "basis: 供應商 API 請求數 vendor API requests}"
            for i, p in enumerate(plist)
        ]
    return "\n".join(lines) + "\n"


def sustainability_yaml(plist: Sequence[Period]) -> str:
    training = "\n".join(
        f"  - {{period: {p.label}, hours: {260 + 40 * i}, staff_trained: {70 + 8 * i}, staff_total: 120, "
        "basis: 數位學習平台匯出 LMS export}"
        for i, p in enumerate(plist)
    )
    return f"""\
# Sustainability settings (Art. 4): see docs/sustainability.md
pue: 1.5
pue_basis: 示範資料 demo — 總行機房 2025 年 PUE
targets:                # per quarter
  portfolio: {{intensity_g_per_1k: 18, emissions_kgco2e: 200, training_hours_per_employee: 2.5}}
  systems:
    card-default: {{intensity_g_per_1k: 25}}
    txn-monitoring: {{intensity_g_per_1k: 20}}
    cs-assistant: {{intensity_g_per_1k: 45}}
training:
{training}
"""


def findings_yaml(plist: Sequence[Period]) -> str:
    first, last = plist[0], plist[-1]
    items = f"""\
- id: IA-2025-014
  raised: {first.start.isoformat()}
  source: internal_audit
  system: card-default
  article: 7
  severity: high
  title_zh: 評分卡監控未涵蓋年齡群組公平性
  title_en: Scorecard monitoring does not cover fairness across age bands
  owner: 風險管理處 Risk Management
  due: {(first.end + timedelta(days=120)).isoformat()}
  status: in_progress
- id: IA-2025-021
  raised: {first.start.isoformat()}
  source: internal_audit
  system: cs-assistant
  article: 10
  severity: medium
  title_zh: 供應商軌跡紀錄留存聲明逾期未更新
  title_en: Vendor trace-log attestation not renewed on time
  owner: 數位金融部 Digital Banking
  due: {(first.end + timedelta(days=60)).isoformat()}
  status: closed
  closed: {(first.end + timedelta(days=45)).isoformat()}
- id: SA-{last.label}-003
  raised: {last.start.isoformat()}
  source: self_assessment
  system: txn-monitoring
  article: 7
  severity: low
  title_zh: 參考期間資料需每年更新
  title_en: Reference-period data to be refreshed yearly
  owner: 洗錢防制處 AML
  due: {(last.end + timedelta(days=90)).isoformat()}
  status: open
"""
    body = "".join(f"  {line}\n" for line in items.splitlines())
    return "# Audit findings and remediation (Art. 15): see docs/review.md\nfindings:\n" + body


DEMO_README = """\
# govreport demo workspace

Synthetic data for three AI systems and the quarters {periods}, generated by `govreport demo`.
Every govreport command works here with `--workspace` pointing at this folder, e.g.

    govreport systems list --workspace .
    govreport run --period 2026Q3 --workspace .
    govreport evidence verify --workspace .

Reports: `reports/<period>/<system>/<template>/v<N>/report.html`. The templates open in JupyterLab and run
as they are with their default parameters from anywhere inside this folder (`govreport templates`).
"""
