"""Governance indicators read from the inventory record (Art. 9–12): every system report carries them."""

from __future__ import annotations

from ..core.status import Indicator, threshold_for
from ..workspace.inventory import AISystem

__all__ = ["governance_indicators"]


def governance_indicators(system: AISystem) -> list[Indicator]:
    ov = system.thresholds
    out: list[Indicator] = []
    facing = [c for c in system.channels if c.customer_facing]
    if facing:
        ok = [c for c in facing if c.ai_disclosure and c.opt_out and c.alternative]
        out.append(
            Indicator(
                "channel_compliance_rate",
                "consumer_protection",
                11,
                len(ok) / len(facing),
                "客戶通路揭露／退出／替代方案完備率",
                "Channels with AI disclosure, opt-out and alternative",
                threshold_for("channel_compliance_rate", ov),
                unit="share of channels",
                details={"missing": [c.name for c in facing if c not in ok]},
            )
        )
    if system.scope.in_scope and system.lifecycle != "development":
        gaps = system.prelaunch.gaps()
        out.append(
            Indicator(
                "prelaunch_completeness",
                "governance",
                12,
                (8 - len(gaps)) / 8,
                "上線前評估完備度",
                "Pre-launch assessment completeness",
                threshold_for("prelaunch_completeness", ov),
                unit="share of 8 items",
                details={"gaps": gaps},
            )
        )
    if system.vendor is not None:
        att = system.vendor.trace_log_attestation
        out.append(
            Indicator(
                "vendor_attestation",
                "governance",
                10,
                1.0 if att.provided else 0.0,
                "第三方軌跡紀錄留存聲明",
                "Vendor trace-log attestation",
                threshold_for("vendor_attestation", ov),
                details={
                    "vendor": system.vendor.name,
                    "date": str(att.date) if att.date else None,
                    "document": att.document,
                },
            )
        )
    return out
