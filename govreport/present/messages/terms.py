"""Names a report prints for the library's codes: data-quality dimensions and the vendor-contract clauses
of Art. 14 (issue 17a: dimension and clause names from the catalogue, never the code)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # issue 17a
    "dq.dim.completeness": ("完整性", "Completeness"),
    "dq.dim.validity": ("有效性", "Validity"),
    "dq.dim.uniqueness": ("唯一性", "Uniqueness"),
    "dq.dim.freshness": ("時效性", "Freshness"),
    "dq.dim.representativeness": ("代表性", "Representativeness"),
    "clause.audit_rights": ("稽核權", "audit rights"),
    "clause.data_location": ("資料存放地點", "data location"),
    "clause.incident_notification": ("事件通報", "incident notification"),
    "clause.subcontracting": ("複委託", "subcontracting"),
    "clause.exit_plan": ("退場計畫", "exit plan"),
    # the training-data audit's indicators, named in the review's appendix of default thresholds
    "indicator.training.label_balance": (
        "訓練資料標籤平衡（少數類別占比）",
        "Training labels: the smaller class's share",
    ),
    "indicator.training.label_equal_share": (
        "訓練資料標籤平衡（與均分之差）",
        "Training labels: gap to an equal split",
    ),
    "indicator.training.label_rate_by_group": (
        "訓練資料各群組有利標籤比率（五分之四法則）",
        "Training labels: favourable rate by group (four-fifths rule)",
    ),
    "indicator.training.differential_missingness": (
        "訓練資料各群組缺值差異",
        "Training data: missing values by group (widest gap)",
    ),
    "indicator.training.label_leakage": (
        "訓練資料標籤洩漏（單一特徵 AUC）",
        "Training data: label leakage (single-feature AUC)",
    ),
    "indicator.training.group_coverage": (
        "訓練資料群組涵蓋（訓練／評分占比）",
        "Training data: group coverage (training ÷ scoring share)",
    ),
    "indicator.training.overlap_with_scoring": (
        "評分資料與訓練資料重複比例",
        "Scoring rows also in the training data",
    ),
    "indicator.training.window": (
        "訓練資料期間早於評分期間（天）",
        "Training window before the scoring period (days)",
    ),
}


def term(prefix: str, code: str) -> tuple[str, str]:
    """(Chinese, English) name of ``code`` under the catalogue ``prefix`` (``dq.dim``, ``clause``); the code
    itself, in both, when the catalogue has none."""
    return MESSAGES.get(f"{prefix}.{code}", (code, code))


#: the notes a GRI reference carries, in Chinese
_GRI_NOTES = (
    ("(basis)", "（依據）"),
    ("(denominator)", "（分母）"),
    ("(data quality)", "（資料品質）"),
    ("(financial inclusion)", "（普惠金融）"),
)


def gri(text: str) -> tuple[str, str]:
    """(Chinese, English) of a GRI reference with its note ("302-1 (basis)" → "302-1（依據）")."""
    zh = text
    for en, z in _GRI_NOTES:
        zh = zh.replace(f" {en}", z).replace(en, z)
    return zh, text
