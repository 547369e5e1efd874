"""What the sustainability indicators are computed from, collected once: energy lines (measured by govreport's
runs, declared in the inventory) with their emissions, each system's facts, the results files of the period's
runs (checked against their recorded SHA-256), and ``sustainability.yaml``.

Contract: reads the evidence store, the inventory and the workspace files; runs nothing.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.periods import Period, parse_period
from ..core.status import PORTFOLIO, RunStatus
from ..evidence.queries import open_store
from ..evidence.store import RunRecord, sha256_file
from ..workspace.config import Workspace
from ..workspace.energy import Energy
from ..workspace.inventory import Inventory
from ..workspace.sustainability import (
    FactorTable,
    SustainabilitySettings,
    emissions_kg,
    load_factors,
    load_settings,
    system_energy,
)

#: The template whose runs this module reads back (their own records are not energy of the portfolio).
TEMPLATE = "sustainability"
TAIPEI = timezone(timedelta(hours=8), "Asia/Taipei")


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
    #: govreport.yaml's ``timezone``: the report prints its times in it
    timezone: str = "Asia/Taipei"
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


def _measured_lines(
    records: Iterable[RunRecord], settings: SustainabilitySettings, factors: FactorTable, notes: list[str]
) -> tuple[list[EnergyLine], dict[str, int], dict[str, int]]:
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
            notes.append(
                f"RUN_ID {rec.seq}: the recorded energy figure {kwh!r} is not usable and was left out"
            )
            continue
        measured[rec.period] += 1
        year = _taipei_year(e.get("started_at") or rec.started_at)
        if year is None:
            notes.append(f"RUN_ID {rec.seq}: no usable start time; left out")
            continue
        use = factors.lookup(year, file="evidence store", field=f"RUN_ID {rec.seq} started_at")
        pue = settings.host_pue
        lines.append(
            EnergyLine(
                system_id=rec.system_id,
                period=rec.period,
                activity="govreport_run",
                source="measured",
                boundary="own",
                kwh=float(kwh),
                pue=pue,
                pue_source=settings.host_pue_source,
                energy_year=year,
                factor_year=use.factor.year,
                factor=use.factor.kg_per_kwh,
                factor_source=use.describe(),
                factor_fallback=use.fallback,
                kgco2e=emissions_kg(float(kwh), pue, use.factor.kg_per_kwh),
                ref=f"RUN_ID {rec.seq} ({rec.template} v{rec.version}, {rec.status})",
                basis=str(e.get("method") or ""),
                codecarbon_kgco2e=e.get("codecarbon_kgco2e"),
                method=str(e.get("estimation_mode") or ""),
            )
        )
    return lines, dict(total), dict(measured)


def _declared_lines(
    system_id: str, energy: Energy, file: Path | None, factors: FactorTable
) -> list[EnergyLine]:
    out = []
    for i, f in enumerate(energy.declared):
        p = f.period_obj
        use = factors.lookup(p.year, file=file, field=f"energy.declared.{i}.period")
        pue = 1.0 if f.includes_pue else energy.pue_used
        pue_source = "included in the figure" if f.includes_pue else energy.pue_source
        kwh = f.kwh
        out.append(
            EnergyLine(
                system_id=system_id,
                period=f.period,
                activity=f.activity,
                source=f.kind,
                boundary=f.boundary,
                kwh=kwh,
                pue=pue,
                pue_source=pue_source,
                energy_year=p.year,
                factor_year=use.factor.year,
                factor=use.factor.kg_per_kwh,
                factor_source=use.describe(),
                factor_fallback=use.fallback,
                kgco2e=emissions_kg(kwh, pue, use.factor.kg_per_kwh),
                ref=f"systems/{system_id}.yaml energy.declared.{i}",
                basis=f"{f.describe()}; {f.basis}".strip("; "),
            )
        )
    return out


def _load_results(
    ws: Workspace, records: Sequence[RunRecord], notes: list[str]
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    latest: dict[tuple[str, str, str], RunRecord] = {}
    for rec in records:
        if (
            rec.kind == "run"
            and rec.status == RunStatus.SUCCEEDED
            and "results" in rec.outputs
            and rec.template != TEMPLATE
        ):
            latest[(rec.system_id, rec.period, rec.template)] = rec
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for (sid, period, _tpl), rec in latest.items():
        ref = rec.outputs["results"]
        path = ws.resolve(ref["path"])
        if not path.is_file():
            notes.append(
                f"RUN_ID {rec.seq}: {ref['path']} is missing; its volume and inclusion figures are left out"
            )
            continue
        if ref.get("sha256") and sha256_file(path) != ref["sha256"]:
            notes.append(
                f"RUN_ID {rec.seq}: {ref['path']} no longer matches its recorded SHA-256; left out "
                "(run `govreport evidence verify`)"
            )
            continue
        try:
            out[(sid, period)].append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            notes.append(f"RUN_ID {rec.seq}: {ref['path']} is unreadable; left out")
    return dict(out)


def collect(ws: Workspace, *, records: Sequence[RunRecord] | None = None) -> SustainabilityData:
    """Read the evidence store, the inventory and ``sustainability.yaml`` (nothing is recomputed)."""
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
        systems[sid] = SystemInfo(
            sid, s.name_zh, s.name_en, s.kind, tier.tier, tier.review_months, s.lifecycle
        )
        file = inv.files.get(sid)
        energies[sid] = system_energy(s, file)
        lines += _declared_lines(sid, energies[sid], file, factors)
        age_columns[sid] = [pa.column for pa in s.protected_attributes if pa.category == "age"]
        go_live[sid] = s.prelaunch.go_live
        last_review[sid] = s.last_review
        templates[sid] = [x for x in s.applicable_templates if x != TEMPLATE]
    for sid in sorted({x.system_id for x in lines} - set(systems)):
        if sid == PORTFOLIO:  # the portfolio templates' own runs (sustainability, review)
            systems[sid] = SystemInfo(
                sid, "全行治理報告產製", "Portfolio reports (govreport)", "-", "-", 0, "-", in_inventory=False
            )
            continue
        systems[sid] = SystemInfo(sid, sid, sid, "-", "-", 0, "-", in_inventory=False)
    return SustainabilityData(
        root=ws.root,
        ws_name=(ws.config.name_zh, ws.config.name_en),
        timezone=ws.config.timezone,
        settings=settings,
        factors=factors,
        lines=lines,
        systems=systems,
        energies=energies,
        results=_load_results(ws, records, notes),
        records=list(records),
        notes=notes,
        runs_total=total,
        runs_measured=measured,
        age_columns=age_columns,
        go_live=go_live,
        last_review=last_review,
        templates=templates,
    )
