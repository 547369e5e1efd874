"""The demo bank's own files, as a bank writes them: each system's declared energy, the sustainability
settings, the audit-findings register and the workspace's README — YAML text whose quarters follow the
periods asked for (the inventory records themselves: :mod:`govreport.demo.systems`).

Contract: text only, nothing written here; :func:`govreport.demo.build.build_demo` writes the files.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from ..core.periods import Period

__all__ = ["energy_yaml", "sustainability_yaml", "findings_yaml", "DEMO_README"]


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
