"""The demo's inventory: the system records (``systems/<id>.yaml``) of its three AI systems, as text.

``{{`` and ``}}`` are braces escaped for ``str.format`` (``build_demo`` formats each text); the two predictive
systems declare their training sets and run ``data_quality`` beside ``model_risk`` (issue 21).
"""

from __future__ import annotations

__all__ = ["SYSTEMS"]

SYSTEMS: dict[str, str] = {
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
  - {{name: training, role: training, path: data/card-default/training.parquet,
     contract: card_default_training}}
  - {{name: reference, role: reference, path: data/card-default/reference.parquet}}
  - {{name: scoring, role: scoring, path: "data/card-default/scoring_{{period}}.parquet",
      contract: card_default_scoring}}
templates: [model_risk, data_quality]
model:
  version: "2024.1"
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
  - {{name: training, role: training, path: data/txn-monitoring/training.parquet,
     contract: txn_monitoring_training}}
  - {{name: reference, role: reference, path: data/txn-monitoring/reference.parquet}}
  - {{name: scoring, role: scoring, path: "data/txn-monitoring/scoring_{{period}}.parquet",
      contract: txn_monitoring_scoring}}
templates: [model_risk, data_quality]
model:
  version: "2023.2"
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
