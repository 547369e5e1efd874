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
}


def term(prefix: str, code: str) -> tuple[str, str]:
    """(Chinese, English) name of ``code`` under the catalogue ``prefix`` (``dq.dim``, ``clause``); the code
    itself, in both, when the catalogue has none."""
    return MESSAGES.get(f"{prefix}.{code}", (code, code))
