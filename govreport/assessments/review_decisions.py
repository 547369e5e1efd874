"""What the periodic review asks of management: top risks, decisions, and inventory changes since the
previous review — all read from the :class:`~govreport.assessments.review.Review` already built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.status import DIMENSIONS
from .review_history import _SEVERITY, FAILED

#: a :class:`govreport.assessments.review.Review` (not imported: that module imports this one)
Review = Any

__all__ = ["top_risks", "decisions", "inventory_changes", "TIER_ORDER"]

TIER_ORDER = {"high": 0, "medium": 1, "low": 2, "out_of_scope": 3, "unassessed": 4}


# -- risks and decisions ----------------------------------------------------------------------------
def top_risks(review: Review, limit: int = 6) -> list[dict[str, Any]]:
    risks = []
    for s in review.systems:
        if s.state == "failed":
            risks.append(
                {
                    "system": s.id,
                    "name_zh": s.name_zh,
                    "name_en": s.name_en,
                    "tier": s.tier,
                    "status": FAILED,
                    "id": "run",
                    "label_zh": "本期執行失敗",
                    "label_en": "this period's run failed",
                    "value": None,
                    "rule": s.reason,
                    "article": 13,
                }
            )
        for i in s.indicators:
            if i["status"] in ("red", "amber"):
                risks.append(
                    {"system": s.id, "name_zh": s.name_zh, "name_en": s.name_en, "tier": s.tier, **i}
                )
    risks.sort(key=lambda r: (-_SEVERITY[r["status"]], TIER_ORDER.get(r["tier"], 9), r["system"], r["id"]))
    seen: set[tuple[str, str]] = set()
    out = []
    for r in risks:  # one line per system and dimension: the worst
        key = (r["system"], r.get("dimension") or r["id"])
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out[:limit]


def decisions(review: Review) -> list[dict[str, Any]]:
    """What management is asked to decide, each tied to the evidence that raises it."""
    out: list[dict[str, Any]] = []
    for s in review.systems:
        if s.state == "failed":
            out.append(
                {"key": "review.decision.failed", "system": s.id, "name_zh": s.name_zh, "reason": s.reason}
            )
            continue
        for d in DIMENSIONS:  # one line per problem: system × dimension, with the indicators behind it
            basis = (s.basis or {}).get(d) or {}
            if basis.get("status") != "red":
                continue
            out.append(
                {
                    "key": "review.decision.problem",
                    "system": s.id,
                    "name_zh": s.name_zh,
                    "dimensions": [d],
                    "indicators": list(basis.get("indicators") or []),
                }
            )
        if s.overdue:
            out.append(
                {"key": "review.decision.overdue", "system": s.id, "name_zh": s.name_zh, "due": s.next_due}
            )
    if review.missing_systems:
        out.append({"key": "review.decision.missing", "systems": review.missing_systems})
    unsec = [sid for sid, row in review.matrix.items() if row.get("system_security") == "not_assessed"]
    if unsec:
        out.append({"key": "review.decision.security", "systems": unsec})
    for f in review.findings or []:
        if f["overdue"] and f["severity"] == "high":
            out.append({"key": "review.decision.finding", "finding": f["id"], "days": f["days_overdue"]})
    if not review.evidence_ok:
        out.append({"key": "review.decision.evidence", "problems": len(review.evidence_problems)})
    return out


def inventory_changes(review: Review, previous: Mapping[str, Any] | None) -> dict[str, Any]:
    if previous is None:
        return {"compared": False}
    before = {s["id"]: s for s in previous.get("systems", [])}
    now = {s.id: s for s in review.systems}
    new = [sid for sid in now if sid not in before and now[sid].lifecycle != "retired"]
    retired = [
        sid
        for sid in now
        if now[sid].lifecycle == "retired" and before.get(sid, {}).get("lifecycle") != "retired"
    ]
    retired += [sid for sid in before if sid not in now]
    retiered = [
        {"system": sid, "before": before[sid]["tier"], "now": now[sid].tier}
        for sid in now
        if sid in before and before[sid]["tier"] != now[sid].tier
    ]
    scope = [
        {"system": sid, "before": before[sid]["in_scope"], "now": now[sid].in_scope}
        for sid in now
        if sid in before and before[sid]["in_scope"] != now[sid].in_scope
    ]
    return {
        "compared": True,
        "previous": previous.get("period"),
        "new": new,
        "retired": sorted(set(retired)),
        "retiered": retiered,
        "scope": scope,
    }
