"""The sustainability indicators (Art. 4, 13), each mapped to the GRI disclosure it feeds: energy, emissions,
intensity, change against the previous period and the target, inclusion outcomes, reviews on time, staff
AI-training hours — computed from the collected data (:mod:`govreport.assessments.sustainability_data`).

Contract: pure functions of the collected data and a period; statuses against the workspace's targets.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..core.periods import Period, add_months, parse_period
from ..core.status import DEFAULT_THRESHOLDS, RunStatus, Status, Threshold
from ..errors import InputError
from .sustainability_data import (
    EnergyLine,
    SustainabilityData,
    _within,
)

#: A target's amber band: up to 10 % above (or below, for higher-is-better) the target.
TARGET_BAND = 0.10


@dataclass(frozen=True)
class IndicatorDef:
    label_zh: str
    label_en: str
    unit: str
    gri: str
    article: int
    dimension: str = "sustainability"
    additive: bool = True  # summed over systems and sub-periods


INDICATORS: dict[str, IndicatorDef] = {
    "energy_kwh": IndicatorDef("AI 能源使用量", "Energy used by AI work", "kWh", "302-1, 302-2", 4),
    "energy_kwh_own": IndicatorDef(
        "自有設施能源使用量", "Energy used on own infrastructure", "kWh", "302-1", 4
    ),
    "energy_kwh_third_party": IndicatorDef(
        "第三方（供應商）能源使用量", "Energy used by third parties (vendors)", "kWh", "302-2", 4
    ),
    "energy_kwh_measured": IndicatorDef(
        "其中：量測值", "of which measured", "kWh", "302-1, 302-2 (basis)", 4
    ),
    "energy_kwh_declared": IndicatorDef(
        "其中：申報值", "of which declared", "kWh", "302-1, 302-2 (basis)", 4
    ),
    "energy_kwh_estimated": IndicatorDef(
        "其中：估算值", "of which estimated", "kWh", "302-1, 302-2 (basis)", 4
    ),
    "emissions_kgco2e": IndicatorDef("溫室氣體排放量", "GHG emissions", "kgCO2e", "305-2, 305-3", 4),
    "emissions_kgco2e_scope2": IndicatorDef(
        "範疇二排放（地區基準）", "Scope 2 emissions (location-based)", "kgCO2e", "305-2", 4
    ),
    "emissions_kgco2e_scope3": IndicatorDef(
        "範疇三排放（第三方）", "Scope 3 emissions (third parties)", "kgCO2e", "305-3", 4
    ),
    "predictions": IndicatorDef(
        "預測／服務請求數", "Predictions or requests served", "count", "302-3, 305-4 (denominator)", 4
    ),
    "energy_intensity_wh_per_1k": IndicatorDef(
        "能源密集度", "Energy intensity", "Wh per 1,000 predictions", "302-3", 4, additive=False
    ),
    "intensity_g_per_1k": IndicatorDef(
        "排放密集度", "Emissions intensity", "gCO2e per 1,000 predictions", "305-4", 4, additive=False
    ),
    "measurement_coverage": IndicatorDef(
        "執行紀錄之能源量測涵蓋率",
        "Runs with a measured energy figure",
        "share",
        "— (data quality)",
        4,
        additive=False,
    ),
    "young_approval_rate": IndicatorDef(
        "年輕客群核准率",
        "Approval rate, youngest age band",
        "share",
        "3-3 (financial inclusion); G4-FS14",
        4,
        additive=False,
    ),
    "elderly_approval_rate": IndicatorDef(
        "高齡客群核准率",
        "Approval rate, oldest age band",
        "share",
        "3-3 (financial inclusion); G4-FS14",
        4,
        additive=False,
    ),
    "reviews_on_time": IndicatorDef(
        "如期完成定期檢視之系統比率",
        "Systems reviewed on time",
        "share",
        "2-12; 3-3",
        13,
        dimension="governance",
        additive=False,
    ),
    "ai_training_hours": IndicatorDef(
        "員工 AI 教育訓練時數", "Staff AI training hours", "hours", "404-2", 9, dimension="governance"
    ),
    "ai_training_hours_per_employee": IndicatorDef(
        "每位員工平均 AI 訓練時數",
        "AI training hours per employee",
        "hours per employee",
        "404-1",
        9,
        dimension="governance",
        additive=False,
    ),
}


_TARGET_KEYS = {
    "energy_kwh": "energy_kwh",
    "emissions_kgco2e": "emissions_kgco2e",
    "intensity_g_per_1k": "intensity_g_per_1k",
    "ai_training_hours_per_employee": "training_hours_per_employee",
}


def _target_threshold(ind: str, target: float) -> Threshold:
    if ind == "ai_training_hours_per_employee":
        return Threshold("higher", target, target * (1 - TARGET_BAND), source="workspace target")
    return Threshold("lower", target, target * (1 + TARGET_BAND), source="workspace target")


def _volume(data: SustainabilityData, sid: str, period: Period) -> tuple[float | None, str]:
    energy = data.energies.get(sid)
    declared = [v for v in (energy.volumes if energy else []) if _within(v.period, period)]
    if declared:
        return float(sum(v.count for v in declared)), "; ".join(
            f"{v.period}: {v.count:,} ({v.basis or 'system record'})" for v in declared
        )
    total, parts = 0.0, []
    for (s, p), results in data.results.items():
        if s != sid or not _within(p, period):
            continue
        counts = [c for c in (_result_volume(r) for r in results) if c is not None]
        if counts:
            total += max(counts)
            parts.append(f"{p}: {int(max(counts)):,}")
    if not parts:
        return None, ""
    return total, "rows of the scoring data / assistant turns in results (" + "; ".join(parts) + ")"


def _result_volume(results: Mapping[str, Any]) -> float | None:
    mq = results.get("model_quality") or {}
    if isinstance(mq.get("n"), (int, float)):
        return float(mq["n"])
    g = results.get("genai") or {}
    if isinstance(g.get("assistant_turns"), (int, float)):
        return float(g["assistant_turns"])
    ns = [
        a.get("n")
        for a in ((results.get("fairness") or {}).get("attributes") or {}).values()
        if isinstance(a, Mapping) and isinstance(a.get("n"), (int, float))
    ]
    return float(max(ns)) if ns else None


def _band_order(name: str) -> float:
    s = name.strip().lstrip("[<≥>=( ")
    num = ""
    for ch in s:
        if ch.isdigit() or ch == ".":
            num += ch
        else:
            break
    try:
        base = float(num)
    except ValueError:
        return math.inf
    return base - 0.5 if name.strip().startswith("<") else base


def _inclusion(data: SustainabilityData, sid: str, period: Period) -> dict[str, dict[str, Any]]:
    """Approval (favourable-decision) rate of the youngest and oldest age band, pooled over the runs of the
    period's sub-periods: Σ n·rate / Σ n per band."""
    pooled: dict[str, dict[str, list[float]]] = {}
    attr_used = None
    for (s, p), results in data.results.items():
        if s != sid or not _within(p, period):
            continue
        for r in results:
            attrs = (r.get("fairness") or {}).get("attributes") or {}
            cols = [c for c in data.age_columns.get(sid, []) if c in attrs] or [
                c for c in attrs if c.upper() == "AGE"
            ]
            if not cols:
                continue
            attr_used = cols[0]
            for band, g in (attrs[cols[0]].get("groups") or {}).items():
                n, rate = g.get("n"), g.get("selection_rate")
                if (
                    band == "(missing)"
                    or not isinstance(n, (int, float))
                    or not isinstance(rate, (int, float))
                ):
                    continue
                acc = pooled.setdefault(band, {"n": [], "fav": [], "judged": []})
                acc["n"].append(float(n))
                acc["fav"].append(float(n) * float(rate))
                acc["judged"].append(1.0 if g.get("judged", True) else 0.0)
    if not pooled or attr_used is None:
        return {}
    bands = sorted(pooled, key=_band_order)
    rates = {b: (sum(v["fav"]) / sum(v["n"]) if sum(v["n"]) else None) for b, v in pooled.items()}
    judged = {b: all(v["judged"]) for b, v in pooled.items()}
    valid = [r for b, r in rates.items() if r is not None and judged[b]]
    top = max(valid) if valid else None
    out = {}
    for key, band in (("young_approval_rate", bands[0]), ("elderly_approval_rate", bands[-1])):
        rate = rates[band]
        ratio = rate / top if (rate is not None and top) else None
        out[key] = {
            "value": rate,
            "band": band,
            "attribute": attr_used,
            "n": int(sum(pooled[band]["n"])),
            "judged": judged[band],
            "ratio_to_highest": ratio,
        }
    return out


def reviews(data: SustainabilityData, period: Period) -> list[dict[str, Any]]:
    """Art. 13: whether each active system was reviewed within its review interval up to the period's end.

    Reviewed on time when a succeeded run of one of its templates covers a period ending within the last
    ``review_months`` months up to the period's end (or ``last_review`` in the inventory falls in that
    window). A system that went live within the window is not yet due unless already reviewed."""
    out = []
    for sid, info in sorted(data.systems.items()):
        if not info.in_inventory or info.lifecycle != "active" or not info.review_months:
            continue
        window_start = add_months(period.end, -info.review_months)  # period.end is a month's last day
        reviewed: list[Period] = []
        for rec in data.records:
            if (
                rec.kind == "run"
                and rec.status == RunStatus.SUCCEEDED
                and rec.system_id == sid
                and rec.template in data.templates.get(sid, [])
            ):
                try:
                    p = parse_period(rec.period)
                except InputError:
                    continue
                if window_start < p.end <= period.end:
                    reviewed.append(p)
        manual = data.last_review.get(sid)
        on_time = bool(reviewed) or bool(manual and window_start < manual <= period.end)
        live = data.go_live.get(sid)
        due = on_time or not (live and live > window_start)
        last = max(reviewed).label if reviewed else None
        out.append(
            {
                "system_id": sid,
                "tier": info.tier,
                "review_months": info.review_months,
                "window": f"{window_start + timedelta(days=1)} – {period.end}",
                "last_reviewed_period": last,
                "last_review": str(manual) if manual else None,
                "due": due,
                "on_time": on_time,
            }
        )
    return out


def _training(data: SustainabilityData, period: Period) -> tuple[float | None, float | None, str]:
    recs = [r for r in data.settings.training if _within(r.period, period)]
    if not recs:
        return None, None, ""
    hours = float(sum(r.hours for r in recs))
    staff = max((r.staff_total for r in recs if r.staff_total), default=None)
    basis = "; ".join(f"{r.period}: {r.hours:g} h" + (f" ({r.basis})" if r.basis else "") for r in recs)
    return hours, (hours / staff if staff else None), basis


def _sum_lines(lines: Iterable[EnergyLine]) -> dict[str, float]:
    acc: dict[str, float] = defaultdict(float)
    for x in lines:
        acc["energy_kwh"] += x.kwh
        acc["emissions_kgco2e"] += x.kgco2e
        acc[f"energy_kwh_{x.boundary}"] += x.kwh
        acc["emissions_kgco2e_scope2" if x.boundary == "own" else "emissions_kgco2e_scope3"] += x.kgco2e
        acc[f"energy_kwh_{x.source}"] += x.kwh
    return acc


def indicator_values(data: SustainabilityData, period: Period) -> dict[str, dict[str, dict[str, Any]]]:
    """scope ('portfolio' or a system id) → indicator id → {"value", "basis", "details"} for one period."""
    lines = [x for x in data.lines if _within(x.period, period)]
    by_sys: dict[str, list[EnergyLine]] = defaultdict(list)
    for x in lines:
        by_sys[x.system_id].append(x)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    port_vol, port_g, port_kwh_vol, vol_systems = 0.0, 0.0, 0.0, []
    for sid in data.systems:
        vals: dict[str, dict[str, Any]] = {}
        sums = _sum_lines(by_sys.get(sid, []))
        has_lines = bool(by_sys.get(sid))
        for key in (
            "energy_kwh",
            "energy_kwh_own",
            "energy_kwh_third_party",
            "energy_kwh_measured",
            "energy_kwh_declared",
            "energy_kwh_estimated",
            "emissions_kgco2e",
            "emissions_kgco2e_scope2",
            "emissions_kgco2e_scope3",
        ):
            vals[key] = {"value": sums.get(key, 0.0) if has_lines else None}
        volume, vbasis = _volume(data, sid, period)
        vals["predictions"] = {"value": volume, "basis": vbasis}
        if volume and has_lines:
            vals["intensity_g_per_1k"] = {"value": sums["emissions_kgco2e"] * 1000 / volume * 1000}
            vals["energy_intensity_wh_per_1k"] = {"value": sums["energy_kwh"] * 1000 / volume * 1000}
            port_vol += volume
            port_g += sums["emissions_kgco2e"] * 1000
            port_kwh_vol += sums["energy_kwh"]
            vol_systems.append(sid)
        for key, inc in _inclusion(data, sid, period).items():
            vals[key] = {"value": inc["value"], "details": inc}
        if any(v.get("value") is not None for v in vals.values()):
            out[sid] = vals
    p: dict[str, dict[str, Any]] = {}
    sums = _sum_lines(lines)
    for key in (
        "energy_kwh",
        "energy_kwh_own",
        "energy_kwh_third_party",
        "energy_kwh_measured",
        "energy_kwh_declared",
        "energy_kwh_estimated",
        "emissions_kgco2e",
        "emissions_kgco2e_scope2",
        "emissions_kgco2e_scope3",
    ):
        p[key] = {"value": sums.get(key, 0.0) if lines else None}
    p["predictions"] = {
        "value": port_vol or None,
        "basis": f"systems with a volume: {', '.join(vol_systems)}" if vol_systems else "",
    }
    if port_vol:
        p["intensity_g_per_1k"] = {
            "value": port_g / port_vol * 1000,
            "basis": f"emissions of the systems with a volume ({', '.join(vol_systems)}) "
            "÷ their predictions and requests",
        }
        p["energy_intensity_wh_per_1k"] = {"value": port_kwh_vol * 1000 / port_vol * 1000}
    runs = sum(n for per, n in data.runs_total.items() if _within(per, period))
    measured = sum(n for per, n in data.runs_measured.items() if _within(per, period))
    if runs:
        p["measurement_coverage"] = {"value": measured / runs, "basis": f"{measured} of {runs} runs"}
    rv = reviews(data, period)
    due = [r for r in rv if r["due"]]
    if due:
        late = [r["system_id"] for r in due if not r["on_time"]]
        p["reviews_on_time"] = {
            "value": sum(r["on_time"] for r in due) / len(due),
            "basis": f"{len(due) - len(late)} of {len(due)} active systems"
            + (f"; overdue: {', '.join(late)}" if late else ""),
            "details": {"systems": rv},
        }
    hours, per_emp, tbasis = _training(data, period)
    if hours is not None:
        p["ai_training_hours"] = {"value": hours, "basis": tbasis}
        if per_emp is not None:
            p["ai_training_hours_per_employee"] = {"value": per_emp, "basis": tbasis}
    out["portfolio"] = p
    return out


def _period_kind_ok(period: Period) -> None:
    if period.kind not in ("quarter", "month", "year"):
        raise InputError(f"unsupported period {period}", field="period")


def build_rows(data: SustainabilityData, period: Period) -> list[dict[str, Any]]:
    """The indicator table: one row per scope and indicator, with the previous period, the change, the
    target and the GRI disclosure."""
    _period_kind_ok(period)
    now = indicator_values(data, period)
    prev_p = period.previous()
    before = indicator_values(data, prev_p)
    rows = []
    scopes = ["portfolio", *sorted(s for s in now if s != "portfolio")]
    for scope in scopes:
        info = data.systems.get(scope)
        name_zh, name_en = (
            data.ws_name
            if scope == "portfolio"
            else ((info.name_zh, info.name_en) if info else (scope, scope))
        )
        target_cfg = (
            data.settings.targets.portfolio
            if scope == "portfolio"
            else data.settings.targets.systems.get(scope)
        )
        for ind_id, d in INDICATORS.items():
            cur = now.get(scope, {}).get(ind_id)
            if cur is None or cur.get("value") is None:
                continue
            value = cur["value"]
            prev = (before.get(scope, {}).get(ind_id) or {}).get("value")
            change_abs = value - prev if prev is not None else None
            change_pct = (change_abs / prev) if (prev not in (None, 0) and change_abs is not None) else None
            target = None
            if target_cfg is not None and ind_id in _TARGET_KEYS:
                target = getattr(target_cfg, _TARGET_KEYS[ind_id])
            threshold = None
            if target is not None:
                threshold = _target_threshold(ind_id, float(target))
            elif ind_id == "reviews_on_time":
                threshold = Threshold("higher", 1.0, 1.0, source="default (Art. 13: overdue reviews = 0)")
            status = threshold.evaluate(value) if threshold else Status.NOT_ASSESSED
            details = cur.get("details") or {}
            inclusion = ind_id in ("young_approval_rate", "elderly_approval_rate")
            if inclusion:
                th = DEFAULT_THRESHOLDS["disparate_impact_ratio"]
                status = (
                    th.evaluate(details.get("ratio_to_highest"))
                    if details.get("judged")
                    else Status.NOT_ASSESSED
                )
                threshold = th
            basis = cur.get("basis") or ""
            if ind_id.startswith("emissions"):
                basis = _factor_basis(
                    [
                        x
                        for x in data.lines
                        if _within(x.period, period) and (scope == "portfolio" or x.system_id == scope)
                    ]
                )
            elif ind_id in ("young_approval_rate", "elderly_approval_rate"):
                basis = (
                    f"{details['attribute']} band {details['band']}, n = {details['n']:,}; "
                    f"{(details.get('ratio_to_highest') or 0):.2f} × the highest band's rate"
                )
            rows.append(
                {
                    "period": period.label,
                    "scope": scope,
                    "scope_name_zh": name_zh,
                    "scope_name_en": name_en,
                    "indicator": ind_id,
                    "label_zh": d.label_zh,
                    "label_en": d.label_en,
                    "value": value,
                    "unit": d.unit,
                    "previous_period": prev_p.label,
                    "previous_value": prev,
                    "change_abs": change_abs,
                    "change_pct": change_pct,
                    "target": target,
                    "vs_target_pct": ((value - target) / target if target else None)
                    if target is not None
                    else None,
                    "status": status.value,
                    "rule": threshold.describe() if threshold else "",
                    "threshold": threshold.to_dict() if threshold else None,
                    # the figure the threshold judged: the value, or for the inclusion rows the ratio of the
                    # band's approval rate to the highest band's (four-fifths rule)
                    "judged_value": details.get("ratio_to_highest") if inclusion else value,
                    "judged_unit": "ratio" if inclusion else d.unit,
                    "gri": d.gri,
                    "article": d.article,
                    "dimension": d.dimension,
                    "basis": basis,
                    "details": details,
                }
            )
    return rows


def _factor_basis(lines: Sequence[EnergyLine]) -> str:
    used: dict[tuple[int, int], str] = {}
    for x in lines:
        used.setdefault((x.energy_year, x.factor_year), x.factor_source)
    pues = sorted({f"{x.pue:g} ({x.pue_source})" for x in lines})
    parts = [f"energy of {ey}: {src}" for (ey, _fy), src in sorted(used.items())]
    return (
        "kgCO2e = kWh × PUE × grid factor; " + "; ".join(parts) + ("; PUE " + ", ".join(pues) if pues else "")
    )
