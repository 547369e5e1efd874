"""Sustainability indicators for the bank's ESG reporting (Art. 4, 13), read from the evidence store.

Energy comes from two places:

* **measured** — every govreport run measures its notebook's energy with CodeCarbon
  (:mod:`govreport.run.energy`); the runner stores the result in the evidence record (``summary["energy"]``);
* **declared** — the inventory's ``energy:`` block (:class:`govreport.workspace.energy.Energy`): training, batch
  scoring, serving, vendor-reported figures and token-based estimates, each with its source and period.

Emissions use Taiwan's official location-based grid factor (MOEA / Energy Administration) of the year the
energy was used: ``kgCO2e = kWh × PUE × factor(year)``. The table ships as package data
(``govreport/workspace/tw_grid_factors.yaml``, :mod:`govreport.workspace.sustainability`); a workspace overrides or adds years in ``sustainability.yaml``.
A year without a factor uses the latest earlier year's, and says so; a year with no earlier factor is an
error. CodeCarbon's own CO2 figure is kept as a cross-check only.

Indicators (per system and for the portfolio, per period), each mapped to the GRI disclosure it feeds:
energy (302-1 own, 302-2 third parties), emissions (305-2 scope 2, 305-3 scope 3), intensity per 1,000
predictions or requests (302-3, 305-4), change against the previous period and against the workspace's
target, inclusion outcomes (approval rate of the youngest and oldest age band, from the fairness results),
share of systems reviewed on time (Art. 13) and staff AI-training hours (Art. 9, GRI 404-1).

Nothing is recomputed from raw data and no notebook is run: everything is read from the evidence store,
the results files it points to (checked against their recorded SHA-256), the inventory and
``sustainability.yaml``. The report's HTML and figures are :mod:`govreport.present.sustainability`. Full
description: docs/sustainability.md.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.exports import write_csv
from ..core.periods import Period, add_months, parse_period
from ..core.status import DEFAULT_THRESHOLDS, PORTFOLIO, Indicator, RunStatus, Status, Threshold
from ..core.version import __version__
from ..errors import InputError
from ..evidence.store import RunRecord, sha256_file
from ..workspace.config import Workspace
from ..workspace.energy import Energy
from ..workspace.sustainability import (
    PACKAGED_FACTORS,
    SETTINGS_FILE,
    FactorTable,
    FactorUse,
    GridFactor,
    SustainabilitySettings,
    emissions_kg,
    load_factors,
    load_settings,
    system_energy,
)

__all__ = [
    "GridFactor",
    "FactorUse",
    "FactorTable",
    "SustainabilitySettings",
    "load_settings",
    "emissions_kg",
    "system_energy",
    "EnergyLine",
    "SustainabilityData",
    "collect",
    "SustainabilityReport",
    "build_report",
    "INDICATORS",
    "SETTINGS_FILE",
    "PACKAGED_FACTORS",
]

TAIPEI = timezone(timedelta(hours=8), "Asia/Taipei")
#: A target's amber band: up to 10 % above (or below, for higher-is-better) the target.
TARGET_BAND = 0.10
TEMPLATE = "sustainability"


# ==================================================================================================
# Collecting: energy lines, volumes, inclusion, reviews
# ==================================================================================================
@dataclass
class EnergyLine:
    """One energy figure with its emissions."""

    system_id: str
    period: str
    activity: str  # govreport_run, training, batch_scoring, serving, vendor_reported, tokens, other
    source: str  # measured, declared, estimated
    boundary: str  # own, third_party
    kwh: float
    pue: float
    pue_source: str
    energy_year: int
    factor_year: int
    factor: float
    factor_source: str
    factor_fallback: bool
    kgco2e: float
    ref: str
    basis: str = ""
    codecarbon_kgco2e: float | None = None
    method: str = ""

    @property
    def quarter(self) -> str | None:
        p = parse_period(self.period)
        if p.kind == "year":
            return None
        return f"{p.year}Q{(p.start.month - 1) // 3 + 1}"


def _within(inner: str | Period, outer: Period) -> bool:
    p = parse_period(inner)
    return p.start >= outer.start and p.end <= outer.end


def _taipei_year(stamp: str) -> int | None:
    try:
        d = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return d.astimezone(TAIPEI).year


@dataclass
class SystemInfo:
    id: str
    name_zh: str
    name_en: str
    kind: str
    tier: str
    review_months: int
    lifecycle: str
    in_inventory: bool = True


@dataclass
class SustainabilityData:
    """Everything the indicators are computed from (all periods)."""

    root: Path
    ws_name: tuple[str, str]
    settings: SustainabilitySettings
    factors: FactorTable
    lines: list[EnergyLine]
    systems: dict[str, SystemInfo]
    energies: dict[str, Energy]
    results: dict[tuple[str, str], list[dict[str, Any]]]  # (system, period) → results.json of latest runs
    records: list[RunRecord]
    notes: list[str] = field(default_factory=list)
    runs_total: dict[str, int] = field(default_factory=dict)  # period → runs with a worker
    runs_measured: dict[str, int] = field(default_factory=dict)
    age_columns: dict[str, list[str]] = field(default_factory=dict)
    go_live: dict[str, date | None] = field(default_factory=dict)
    last_review: dict[str, date | None] = field(default_factory=dict)
    templates: dict[str, list[str]] = field(default_factory=dict)

    def lines_frame(self) -> pd.DataFrame:
        cols = [f.name for f in EnergyLine.__dataclass_fields__.values()]
        df = pd.DataFrame([{c: getattr(x, c) for c in cols} for x in self.lines], columns=cols)
        df["quarter"] = [x.quarter for x in self.lines]
        return df


def _measured_lines(records: Iterable[RunRecord], settings: SustainabilitySettings, factors: FactorTable,
                    notes: list[str]) -> tuple[list[EnergyLine], dict[str, int], dict[str, int]]:
    lines: list[EnergyLine] = []
    total: dict[str, int] = defaultdict(int)
    measured: dict[str, int] = defaultdict(int)
    for rec in records:
        if rec.kind != "run" or rec.template == "-":
            continue
        e = rec.summary.get("energy") if isinstance(rec.summary, dict) else None
        if e is None and rec.status == RunStatus.INTERRUPTED:
            continue  # killed before it could report: no worker result to expect
        total[rec.period] += 1
        if not isinstance(e, dict) or e.get("kwh") is None:
            continue
        kwh = e.get("kwh")
        if isinstance(kwh, bool) or not isinstance(kwh, (int, float)) or not math.isfinite(kwh) or kwh < 0:
            notes.append(f"RUN_ID {rec.seq}: the recorded energy figure {kwh!r} is not usable and was left out")
            continue
        measured[rec.period] += 1
        year = _taipei_year(e.get("started_at") or rec.started_at)
        if year is None:
            notes.append(f"RUN_ID {rec.seq}: no usable start time; left out")
            continue
        use = factors.lookup(year, file="evidence store", field=f"RUN_ID {rec.seq} started_at")
        pue = settings.host_pue
        lines.append(EnergyLine(
            system_id=rec.system_id, period=rec.period, activity="govreport_run", source="measured",
            boundary="own", kwh=float(kwh), pue=pue, pue_source=settings.host_pue_source, energy_year=year,
            factor_year=use.factor.year, factor=use.factor.kg_per_kwh, factor_source=use.describe(),
            factor_fallback=use.fallback, kgco2e=emissions_kg(float(kwh), pue, use.factor.kg_per_kwh),
            ref=f"RUN_ID {rec.seq} ({rec.template} v{rec.version}, {rec.status})",
            basis=str(e.get("method") or ""), codecarbon_kgco2e=e.get("codecarbon_kgco2e"),
            method=str(e.get("estimation_mode") or "")))
    return lines, dict(total), dict(measured)


def _declared_lines(system_id: str, energy: Energy, file: Path | None, factors: FactorTable) -> list[EnergyLine]:
    out = []
    for i, f in enumerate(energy.declared):
        p = f.period_obj
        use = factors.lookup(p.year, file=file, field=f"energy.declared.{i}.period")
        pue = 1.0 if f.includes_pue else energy.pue_used
        pue_source = "included in the figure" if f.includes_pue else energy.pue_source
        kwh = f.kwh
        out.append(EnergyLine(
            system_id=system_id, period=f.period, activity=f.activity, source=f.kind, boundary=f.boundary,
            kwh=kwh, pue=pue, pue_source=pue_source, energy_year=p.year, factor_year=use.factor.year,
            factor=use.factor.kg_per_kwh, factor_source=use.describe(), factor_fallback=use.fallback,
            kgco2e=emissions_kg(kwh, pue, use.factor.kg_per_kwh),
            ref=f"systems/{system_id}.yaml energy.declared.{i}", basis=f"{f.describe()}; {f.basis}".strip("; ")))
    return out


def _load_results(ws: Workspace, records: Sequence[RunRecord], notes: list[str]
                  ) -> dict[tuple[str, str], list[dict[str, Any]]]:
    latest: dict[tuple[str, str, str], RunRecord] = {}
    for rec in records:
        if rec.kind == "run" and rec.status == RunStatus.SUCCEEDED and "results" in rec.outputs and rec.template != TEMPLATE:
            latest[(rec.system_id, rec.period, rec.template)] = rec
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for (sid, period, _tpl), rec in latest.items():
        ref = rec.outputs["results"]
        path = ws.resolve(ref["path"])
        if not path.is_file():
            notes.append(f"RUN_ID {rec.seq}: {ref['path']} is missing; its volume and inclusion figures are left out")
            continue
        if ref.get("sha256") and sha256_file(path) != ref["sha256"]:
            notes.append(f"RUN_ID {rec.seq}: {ref['path']} no longer matches its recorded SHA-256; left out "
                         "(run `govreport evidence verify`)")
            continue
        try:
            out[(sid, period)].append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            notes.append(f"RUN_ID {rec.seq}: {ref['path']} is unreadable; left out")
    return dict(out)


def collect(ws: Workspace, *, records: Sequence[RunRecord] | None = None) -> SustainabilityData:
    """Read the evidence store, the inventory and ``sustainability.yaml`` (nothing is recomputed)."""
    from ..evidence.queries import open_store
    from ..workspace.inventory import Inventory

    settings = load_settings(ws.root)
    factors = load_factors(settings)
    if records is None:
        records = open_store(ws).records()
    notes: list[str] = []
    inv = Inventory.load(ws)
    for sid, err in inv.errors.items():
        notes.append(f"system record {sid} could not be read and is left out: {err}")
    systems: dict[str, SystemInfo] = {}
    energies: dict[str, Energy] = {}
    lines, total, measured = _measured_lines(records, settings, factors, notes)
    age_columns: dict[str, list[str]] = {}
    go_live: dict[str, date | None] = {}
    last_review: dict[str, date | None] = {}
    templates: dict[str, list[str]] = {}
    for sid, s in inv.systems.items():
        tier = s.tier
        systems[sid] = SystemInfo(sid, s.name_zh, s.name_en, s.kind, tier.tier, tier.review_months, s.lifecycle)
        file = inv.files.get(sid)
        energies[sid] = system_energy(s, file)
        lines += _declared_lines(sid, energies[sid], file, factors)
        age_columns[sid] = [pa.column for pa in s.protected_attributes if pa.category == "age"]
        go_live[sid] = s.prelaunch.go_live
        last_review[sid] = s.last_review
        templates[sid] = [x for x in s.applicable_templates if x != TEMPLATE]
    for sid in sorted({x.system_id for x in lines} - set(systems)):
        if sid == PORTFOLIO:  # the portfolio templates' own runs (sustainability, review)
            systems[sid] = SystemInfo(sid, "全行治理報告產製", "Portfolio reports (govreport)", "-", "-", 0, "-",
                                      in_inventory=False)
            continue
        systems[sid] = SystemInfo(sid, sid, sid, "-", "-", 0, "-", in_inventory=False)
    return SustainabilityData(
        root=ws.root, ws_name=(ws.config.name_zh, ws.config.name_en), settings=settings, factors=factors, lines=lines,
        systems=systems, energies=energies, results=_load_results(ws, records, notes), records=list(records),
        notes=notes, runs_total=total, runs_measured=measured, age_columns=age_columns, go_live=go_live,
        last_review=last_review, templates=templates)


# ==================================================================================================
# Indicators
# ==================================================================================================
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
    "energy_kwh_own": IndicatorDef("自有設施能源使用量", "Energy used on own infrastructure", "kWh", "302-1", 4),
    "energy_kwh_third_party": IndicatorDef("第三方（供應商）能源使用量", "Energy used by third parties (vendors)",
                                           "kWh", "302-2", 4),
    "energy_kwh_measured": IndicatorDef("其中：量測值", "of which measured", "kWh", "302-1, 302-2 (basis)", 4),
    "energy_kwh_declared": IndicatorDef("其中：申報值", "of which declared", "kWh", "302-1, 302-2 (basis)", 4),
    "energy_kwh_estimated": IndicatorDef("其中：估算值", "of which estimated", "kWh", "302-1, 302-2 (basis)", 4),
    "emissions_kgco2e": IndicatorDef("溫室氣體排放量", "GHG emissions", "kgCO2e", "305-2, 305-3", 4),
    "emissions_kgco2e_scope2": IndicatorDef("範疇二排放（地區基準）", "Scope 2 emissions (location-based)",
                                            "kgCO2e", "305-2", 4),
    "emissions_kgco2e_scope3": IndicatorDef("範疇三排放（第三方）", "Scope 3 emissions (third parties)",
                                            "kgCO2e", "305-3", 4),
    "predictions": IndicatorDef("預測／服務請求數", "Predictions or requests served", "count",
                                "302-3, 305-4 (denominator)", 4),
    "energy_intensity_wh_per_1k": IndicatorDef("能源密集度", "Energy intensity", "Wh per 1,000 predictions",
                                               "302-3", 4, additive=False),
    "intensity_g_per_1k": IndicatorDef("排放密集度", "Emissions intensity", "gCO2e per 1,000 predictions",
                                       "305-4", 4, additive=False),
    "measurement_coverage": IndicatorDef("執行紀錄之能源量測涵蓋率", "Runs with a measured energy figure", "share",
                                         "— (data quality)", 4, additive=False),
    "young_approval_rate": IndicatorDef("年輕客群核准率", "Approval rate, youngest age band", "share",
                                        "3-3 (financial inclusion); G4-FS14", 4, additive=False),
    "elderly_approval_rate": IndicatorDef("高齡客群核准率", "Approval rate, oldest age band", "share",
                                          "3-3 (financial inclusion); G4-FS14", 4, additive=False),
    "reviews_on_time": IndicatorDef("如期完成定期檢視之系統比率", "Systems reviewed on time", "share", "2-12; 3-3", 13,
                                    dimension="governance", additive=False),
    "ai_training_hours": IndicatorDef("員工 AI 教育訓練時數", "Staff AI training hours", "hours", "404-2", 9,
                                      dimension="governance"),
    "ai_training_hours_per_employee": IndicatorDef("每位員工平均 AI 訓練時數", "AI training hours per employee",
                                                   "hours per employee", "404-1", 9, dimension="governance",
                                                   additive=False),
}

_TARGET_KEYS = {"energy_kwh": "energy_kwh", "emissions_kgco2e": "emissions_kgco2e",
                "intensity_g_per_1k": "intensity_g_per_1k",
                "ai_training_hours_per_employee": "training_hours_per_employee"}


def _target_threshold(ind: str, target: float) -> Threshold:
    if ind == "ai_training_hours_per_employee":
        return Threshold("higher", target, target * (1 - TARGET_BAND), source="workspace target")
    return Threshold("lower", target, target * (1 + TARGET_BAND), source="workspace target")


def _volume(data: SustainabilityData, sid: str, period: Period) -> tuple[float | None, str]:
    energy = data.energies.get(sid)
    declared = [v for v in (energy.volumes if energy else []) if _within(v.period, period)]
    if declared:
        return float(sum(v.count for v in declared)), "; ".join(
            f"{v.period}: {v.count:,} ({v.basis or 'system record'})" for v in declared)
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
    ns = [a.get("n") for a in ((results.get("fairness") or {}).get("attributes") or {}).values()
          if isinstance(a, Mapping) and isinstance(a.get("n"), (int, float))]
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
            attrs = ((r.get("fairness") or {}).get("attributes") or {})
            cols = [c for c in data.age_columns.get(sid, []) if c in attrs] or [c for c in attrs if c.upper() == "AGE"]
            if not cols:
                continue
            attr_used = cols[0]
            for band, g in (attrs[cols[0]].get("groups") or {}).items():
                n, rate = g.get("n"), g.get("selection_rate")
                if band == "(missing)" or not isinstance(n, (int, float)) or not isinstance(rate, (int, float)):
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
        out[key] = {"value": rate, "band": band, "attribute": attr_used, "n": int(sum(pooled[band]["n"])),
                    "judged": judged[band], "ratio_to_highest": ratio}
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
            if (rec.kind == "run" and rec.status == RunStatus.SUCCEEDED and rec.system_id == sid
                    and rec.template in data.templates.get(sid, [])):
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
        out.append({"system_id": sid, "tier": info.tier, "review_months": info.review_months,
                    "window": f"{window_start + timedelta(days=1)} – {period.end}", "last_reviewed_period": last,
                    "last_review": str(manual) if manual else None, "due": due, "on_time": on_time})
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
        for key in ("energy_kwh", "energy_kwh_own", "energy_kwh_third_party", "energy_kwh_measured",
                    "energy_kwh_declared", "energy_kwh_estimated", "emissions_kgco2e", "emissions_kgco2e_scope2",
                    "emissions_kgco2e_scope3"):
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
    for key in ("energy_kwh", "energy_kwh_own", "energy_kwh_third_party", "energy_kwh_measured",
                "energy_kwh_declared", "energy_kwh_estimated", "emissions_kgco2e", "emissions_kgco2e_scope2",
                "emissions_kgco2e_scope3"):
        p[key] = {"value": sums.get(key, 0.0) if lines else None}
    p["predictions"] = {"value": port_vol or None, "basis": f"systems with a volume: {', '.join(vol_systems)}"
                        if vol_systems else ""}
    if port_vol:
        p["intensity_g_per_1k"] = {"value": port_g / port_vol * 1000,
                                   "basis": f"emissions of the systems with a volume ({', '.join(vol_systems)}) "
                                            "÷ their predictions and requests"}
        p["energy_intensity_wh_per_1k"] = {"value": port_kwh_vol * 1000 / port_vol * 1000}
    runs = sum(n for per, n in data.runs_total.items() if _within(per, period))
    measured = sum(n for per, n in data.runs_measured.items() if _within(per, period))
    if runs:
        p["measurement_coverage"] = {"value": measured / runs, "basis": f"{measured} of {runs} runs"}
    rv = reviews(data, period)
    due = [r for r in rv if r["due"]]
    if due:
        late = [r["system_id"] for r in due if not r["on_time"]]
        p["reviews_on_time"] = {"value": sum(r["on_time"] for r in due) / len(due),
                                "basis": f"{len(due) - len(late)} of {len(due)} active systems"
                                         + (f"; overdue: {', '.join(late)}" if late else ""),
                                "details": {"systems": rv}}
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
        name_zh, name_en = (data.ws_name if scope == "portfolio" else
                            ((info.name_zh, info.name_en) if info else (scope, scope)))
        target_cfg = (data.settings.targets.portfolio if scope == "portfolio"
                      else data.settings.targets.systems.get(scope))
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
            if ind_id in ("young_approval_rate", "elderly_approval_rate"):
                th = DEFAULT_THRESHOLDS["disparate_impact_ratio"]
                status = th.evaluate(details.get("ratio_to_highest")) if details.get("judged") else Status.NOT_ASSESSED
                threshold = th
            basis = cur.get("basis") or ""
            if ind_id.startswith("emissions"):
                basis = _factor_basis([x for x in data.lines if _within(x.period, period)
                                       and (scope == "portfolio" or x.system_id == scope)])
            elif ind_id in ("young_approval_rate", "elderly_approval_rate"):
                basis = (f"{details['attribute']} band {details['band']}, n = {details['n']:,}; "
                         f"{(details.get('ratio_to_highest') or 0):.2f} × the highest band's rate")
            rows.append({
                "period": period.label, "scope": scope, "scope_name_zh": name_zh, "scope_name_en": name_en,
                "indicator": ind_id, "label_zh": d.label_zh, "label_en": d.label_en, "value": value,
                "unit": d.unit, "previous_period": prev_p.label, "previous_value": prev,
                "change_abs": change_abs, "change_pct": change_pct, "target": target,
                "vs_target_pct": ((value - target) / target if target else None) if target is not None else None,
                "status": status.value, "rule": threshold.describe() if threshold else "",
                "gri": d.gri, "article": d.article, "dimension": d.dimension, "basis": basis,
                "details": details,
            })
    return rows


def _factor_basis(lines: Sequence[EnergyLine]) -> str:
    used: dict[tuple[int, int], str] = {}
    for x in lines:
        used.setdefault((x.energy_year, x.factor_year), x.factor_source)
    pues = sorted({f"{x.pue:g} ({x.pue_source})" for x in lines})
    parts = [f"energy of {ey}: {src}" for (ey, _fy), src in sorted(used.items())]
    return "kgCO2e = kWh × PUE × grid factor; " + "; ".join(parts) + ("; PUE " + ", ".join(pues) if pues else "")


# ==================================================================================================
# The report (what the template shows and exports)
# ==================================================================================================
@dataclass
class SustainabilityReport:
    data: SustainabilityData
    period: Period
    rows: list[dict[str, Any]]
    quarters: list[str]
    generated_at: str

    # -- views --------------------------------------------------------------------------------------
    def table(self, scope: str | None = None) -> pd.DataFrame:
        df = pd.DataFrame(self.rows)
        if scope is not None and len(df):
            df = df[df["scope"] == scope]
        return df.drop(columns=["details"], errors="ignore").reset_index(drop=True)

    def value(self, indicator: str, scope: str = "portfolio") -> float | None:
        return next((r["value"] for r in self.rows if r["scope"] == scope and r["indicator"] == indicator), None)

    def lines(self) -> pd.DataFrame:
        df = self.data.lines_frame()
        if not len(df):
            return df
        return df[[_within(p, self.period) for p in df["period"]]].reset_index(drop=True)

    def quarterly(self) -> pd.DataFrame:
        """Energy and emissions by quarter, system and source (quarters up to this period's end)."""
        df = self.data.lines_frame()
        cols = ["quarter", "system_id", "source", "kwh", "kgco2e"]
        if not len(df):
            return pd.DataFrame(columns=cols)
        df = df[df["quarter"].isin(self.quarters)]
        return df.groupby(["quarter", "system_id", "source"], as_index=False)[["kwh", "kgco2e"]].sum()

    def intensity_by_quarter(self) -> pd.DataFrame:
        rows = []
        for q in self.quarters:
            vals = indicator_values(self.data, parse_period(q))
            for scope, v in vals.items():
                x = (v.get("intensity_g_per_1k") or {}).get("value")
                if x is not None:
                    rows.append({"quarter": q, "scope": scope, "intensity_g_per_1k": x})
        return pd.DataFrame(rows, columns=["quarter", "scope", "intensity_g_per_1k"])

    def inclusion_by_quarter(self) -> pd.DataFrame:
        rows = []
        for q in self.quarters:
            for sid in self.data.systems:
                for key, inc in _inclusion(self.data, sid, parse_period(q)).items():
                    rows.append({"quarter": q, "system_id": sid, "indicator": key, "band": inc["band"],
                                 "rate": inc["value"], "n": inc["n"]})
        return pd.DataFrame(rows, columns=["quarter", "system_id", "indicator", "band", "rate", "n"])

    def reviews(self) -> list[dict[str, Any]]:
        return reviews(self.data, self.period)

    def factors_used(self) -> list[dict[str, Any]]:
        seen: dict[tuple[int, int], dict[str, Any]] = {}
        for x in self.lines().itertuples():
            seen.setdefault((x.energy_year, x.factor_year), {
                "energy_year": x.energy_year, "factor_year": x.factor_year, "kg_per_kwh": x.factor,
                "fallback": bool(x.factor_fallback), "source": x.factor_source})
        return [seen[k] for k in sorted(seen)]

    def cross_check(self) -> dict[str, Any]:
        """Measured runs of the period: our emissions without PUE against CodeCarbon's own figure."""
        df = self.lines()
        if not len(df):
            return {}
        m = df[(df["source"] == "measured") & df["codecarbon_kgco2e"].notna()]
        if not len(m):
            return {}
        ours = float((m["kwh"] * m["factor"]).sum())
        cc = float(m["codecarbon_kgco2e"].sum())
        kwh = float(m["kwh"].sum())
        return {"runs": len(m), "kwh": kwh, "govreport_kgco2e_without_pue": ours, "codecarbon_kgco2e": cc,
                "codecarbon_kg_per_kwh": cc / kwh if kwh else None, "moea_kg_per_kwh": ours / kwh if kwh else None,
                "ratio": cc / ours if ours else None}

    def measurement_methods(self) -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for rec in self.data.records:
            e = rec.summary.get("energy") if isinstance(rec.summary, dict) else None
            if not isinstance(e, dict) or not _within(rec.period, self.period):
                continue
            key = str(e.get("method") or e.get("reason"))
            entry = seen.setdefault(key, {"method": e.get("method"), "reason": e.get("reason"),
                                          "estimation_mode": e.get("estimation_mode"),
                                          "codecarbon_version": e.get("codecarbon_version"),
                                          "hardware": e.get("hardware"), "runs": []})
            entry["runs"].append(rec.seq)
        return list(seen.values())

    def notes(self) -> list[str]:
        out = list(self.data.notes)
        yearly = [x for x in self.data.lines if parse_period(x.period).kind == "year"
                  and x.period == str(self.period.year) and self.period.kind != "year"]
        if yearly:
            out.append(f"{len(yearly)} figure(s) declared for the whole year {self.period.year} are counted in "
                       "the year's totals, not in any quarter or month")
        for f in self.factors_used():
            if f["fallback"]:
                out.append(f"energy used in {f['energy_year']}: no grid factor for {f['energy_year']} yet, the "
                           f"{f['factor_year']} factor ({f['kg_per_kwh']:g} kgCO2e/kWh) is used")
        return out

    # -- export -------------------------------------------------------------------------------------
    def default_output_dir(self) -> Path:
        return self.data.root / ".govreport" / "scratch" / "portfolio" / self.period.label / TEMPLATE

    def export(self, output_dir: str | Path | None = None) -> dict[str, Path]:
        """Write the indicator table as CSV (UTF-8 with BOM, opens in Excel) and JSON, plus results.json, into
        ``output_dir`` (default: the workspace's scratch folder)."""
        out = Path(output_dir) if output_dir else self.default_output_dir()
        out.mkdir(parents=True, exist_ok=True)
        cols = ["period", "scope", "scope_name_zh", "scope_name_en", "indicator", "label_zh", "label_en", "value",
                "unit", "previous_period", "previous_value", "change_abs", "change_pct", "target", "vs_target_pct",
                "status", "rule", "gri", "article", "basis"]
        paths = {"csv": out / "sustainability_indicators.csv", "json": out / "sustainability_indicators.json",
                 "results": out / "results.json"}
        write_csv(paths["csv"], cols, self.rows)  # formula-looking cells neutralised (govreport.core.exports)
        doc = {
            "schema": "govreport.assessments.sustainability/1",
            "generated_at": self.generated_at,
            "govreport_version": __version__,
            "organisation": {"name_zh": self.data.ws_name[0], "name_en": self.data.ws_name[1]},
            "period": self.period.label,
            "indicators": [{k: v for k, v in r.items()} for r in self.rows],
            "methodology": {
                "emissions": "kgCO2e = kWh × PUE × Taiwan grid emission factor (location-based) of the year the "
                             "energy was used; measured runs: year of the run in Taiwan time; declared figures: "
                             "year of their period",
                "grid_factors_used": self.factors_used(),
                "grid_factor_table": self.data.factors.rows(),
                "host_pue": {"value": self.data.settings.host_pue, "source": self.data.settings.host_pue_source},
                "measurement": self.measurement_methods(),
                "codecarbon_cross_check": self.cross_check(),
                "intensity_denominator": "predictions or requests: declared volumes, else rows of the period's "
                                         "scoring data (model_quality.n) or assistant turns of its conversation "
                                         "log (genai.assistant_turns)",
            },
            "energy_lines": [_json_safe(x) for x in self.lines().to_dict(orient="records")],
            "reviews": self.reviews(),
            "notes": self.notes(),
        }
        paths["json"].write_text(json.dumps(_json_safe(doc), ensure_ascii=False, indent=2, allow_nan=False),
                                 encoding="utf-8")
        from ..core.results import build_results, write_results

        inds = []
        for r in self.rows:
            if r["scope"] != "portfolio":
                continue
            th = None
            if r["rule"] and r["indicator"] in _TARGET_KEYS and r["target"] is not None:
                th = _target_threshold(r["indicator"], float(r["target"]))
            elif r["indicator"] == "reviews_on_time":
                th = Threshold("higher", 1.0, 1.0, source="default (Art. 13: overdue reviews = 0)")
            inds.append(Indicator(f"sustainability.{r['indicator']}", r["dimension"], r["article"], r["value"],
                                  r["label_zh"], r["label_en"], th, Status(r["status"]), unit=r["unit"],
                                  note=r["basis"][:500], details={"gri": r["gri"]}))
        results = build_results(
            system={"id": "portfolio", "name_zh": self.data.ws_name[0], "name_en": self.data.ws_name[1],
                    "kind": "adhoc", "tier": "unassessed"},
            period=self.period.label, template=TEMPLATE, indicators=inds,
            sections={"sustainability": {"rows": [{k: v for k, v in r.items() if k != "details"} for r in self.rows],
                                         "factors_used": self.factors_used()}},
            notes=self.notes())
        write_results(paths["results"], results)
        return paths


def _json_safe(obj: Any) -> Any:
    from ..core.results import json_safe

    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, Mapping):
        return {str(k): _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    return json_safe(obj)


def _latest_quarter(records: Sequence[RunRecord]) -> Period | None:
    best = None
    for rec in records:
        try:
            p = parse_period(rec.period)
        except InputError:
            continue
        if p.kind == "quarter" and (best is None or p > best):
            best = p
    return best


def build_report(workspace: str | Path | None = None, period: str | None = None, *, quarters: int = 8,
                 records: Sequence[RunRecord] | None = None) -> SustainabilityReport:
    """Collect and compute everything the sustainability template shows for ``period`` (default: the latest
    quarter in the evidence store); ``quarters`` is the length of the trend."""
    from ..workspace.config import find_workspace

    ws = Workspace.load(Path(workspace) if workspace else find_workspace())
    data = collect(ws, records=records)
    if period:
        p = parse_period(period)
    else:
        found = _latest_quarter(data.records) or max((parse_period(x.period) for x in data.lines), default=None)
        if found is None:
            raise InputError("the evidence store holds no runs and the inventory declares no energy",
                             field="period", fix="set the `period` parameter, or run `govreport run` first")
        p = found
    last_q = parse_period(f"{p.end.year}Q{(p.end.month - 1) // 3 + 1}")
    qs = [last_q]
    while len(qs) < quarters:
        qs.append(qs[-1].previous())
    with_data = {x.quarter for x in data.lines} | {
        f"{parse_period(r.period).year}Q{(parse_period(r.period).start.month - 1) // 3 + 1}"
        for r in data.records if _parses(r.period) and parse_period(r.period).kind != "year"}
    labels = [q.label for q in reversed(qs)]
    first = next((i for i, q in enumerate(labels) if q in with_data), len(labels) - 1)
    return SustainabilityReport(data, p, build_rows(data, p), labels[first:],
                                datetime.now(UTC).isoformat(timespec="seconds"))


def _parses(label: str) -> bool:
    try:
        parse_period(label)
    except InputError:
        return False
    return True
