"""Sustainability indicators for the bank's ESG reporting (Art. 4, 13), read from the evidence store.

Energy comes from two places:

* **measured** — every govreport run measures its notebook's energy with CodeCarbon
  (:mod:`govreport.run.energy`); the runner stores the result in the evidence record (``summary["energy"]``);
* **declared** — the inventory's ``energy:`` block (:class:`govreport.workspace.energy.Energy`): training,
  batch scoring, serving, vendor-reported figures and token-based estimates, each with its source and period.

Emissions use Taiwan's official location-based grid factor (MOEA / Energy Administration) of the year the
energy was used: ``kgCO2e = kWh × PUE × factor(year)``. The table ships as package data
(``govreport/workspace/tw_grid_factors.yaml``, :mod:`govreport.workspace.sustainability`); a workspace
overrides or adds years in ``sustainability.yaml``. A year without a factor uses the latest earlier year's,
and says so; a year with no earlier factor is an error. CodeCarbon's own CO2 figure is kept as a cross-check
only.

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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.exports import write_csv
from ..core.periods import Period, parse_period
from ..core.results import build_results, json_safe, write_results
from ..core.status import Indicator, Status, Threshold, roll_up, worst
from ..core.version import __version__
from ..errors import InputError
from ..evidence.store import RunRecord
from ..workspace.config import Workspace, find_workspace
from ..workspace.sustainability import (
    PACKAGED_FACTORS,
    SETTINGS_FILE,
    FactorTable,
    FactorUse,
    GridFactor,
    SustainabilitySettings,
    emissions_kg,
    load_settings,
    system_energy,
)
from .sustainability_data import (
    TEMPLATE,
    EnergyLine,
    SustainabilityData,
    _within,
    collect,
)
from .sustainability_indicators import (
    _TARGET_KEYS,
    INDICATORS,
    _inclusion,
    _target_threshold,
    build_rows,
    indicator_values,
    reviews,
)
from .sustainability_view import SustainabilityView, plain

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
        return next(
            (r["value"] for r in self.rows if r["scope"] == scope and r["indicator"] == indicator), None
        )

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
                    rows.append(
                        {
                            "quarter": q,
                            "system_id": sid,
                            "indicator": key,
                            "band": inc["band"],
                            "rate": inc["value"],
                            "n": inc["n"],
                        }
                    )
        return pd.DataFrame(rows, columns=["quarter", "system_id", "indicator", "band", "rate", "n"])

    def reviews(self) -> list[dict[str, Any]]:
        return reviews(self.data, self.period)

    def factors_used(self) -> list[dict[str, Any]]:
        seen: dict[tuple[int, int], dict[str, Any]] = {}
        for x in self.lines().itertuples():
            seen.setdefault(
                (x.energy_year, x.factor_year),
                {
                    "energy_year": x.energy_year,
                    "factor_year": x.factor_year,
                    "kg_per_kwh": x.factor,
                    "fallback": bool(x.factor_fallback),
                    "source": x.factor_source,
                },
            )
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
        return {
            "runs": len(m),
            "kwh": kwh,
            "govreport_kgco2e_without_pue": ours,
            "codecarbon_kgco2e": cc,
            "codecarbon_kg_per_kwh": cc / kwh if kwh else None,
            "moea_kg_per_kwh": ours / kwh if kwh else None,
            "ratio": cc / ours if ours else None,
        }

    def measurement_methods(self) -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for rec in self.data.records:
            e = rec.summary.get("energy") if isinstance(rec.summary, dict) else None
            if not isinstance(e, dict) or not _within(rec.period, self.period):
                continue
            key = str(e.get("method") or e.get("reason"))
            entry = seen.setdefault(
                key,
                {
                    "method": e.get("method"),
                    "reason": e.get("reason"),
                    "estimation_mode": e.get("estimation_mode"),
                    "codecarbon_version": e.get("codecarbon_version"),
                    "hardware": e.get("hardware"),
                    "runs": [],
                },
            )
            entry["runs"].append(rec.seq)
        return list(seen.values())

    def notes(self) -> list[str]:
        out = list(self.data.notes)
        yearly = [
            x
            for x in self.data.lines
            if parse_period(x.period).kind == "year"
            and x.period == str(self.period.year)
            and self.period.kind != "year"
        ]
        if yearly:
            out.append(
                f"{len(yearly)} figure(s) declared for the whole year {self.period.year} are counted in "
                "the year's totals, not in any quarter or month"
            )
        for f in self.factors_used():
            if f["fallback"]:
                out.append(
                    f"energy used in {f['energy_year']}: no grid factor for {f['energy_year']} yet, the "
                    f"{f['factor_year']} factor ({f['kg_per_kwh']:g} kgCO2e/kWh) is used"
                )
        return out

    # -- export -------------------------------------------------------------------------------------
    def default_output_dir(self) -> Path:
        return self.data.root / ".govreport" / "scratch" / "portfolio" / self.period.label / TEMPLATE

    def export(self, output_dir: str | Path | None = None) -> dict[str, Path]:
        """Write the indicator table as CSV (UTF-8 with BOM, opens in Excel) and JSON, plus results.json, into
        ``output_dir`` (default: the workspace's scratch folder)."""
        out = Path(output_dir) if output_dir else self.default_output_dir()
        out.mkdir(parents=True, exist_ok=True)
        cols = [
            "period",
            "scope",
            "scope_name_zh",
            "scope_name_en",
            "indicator",
            "label_zh",
            "label_en",
            "value",
            "unit",
            "previous_period",
            "previous_value",
            "change_abs",
            "change_pct",
            "target",
            "vs_target_pct",
            "status",
            "rule",
            "gri",
            "article",
            "basis",
        ]
        paths = {
            "csv": out / "sustainability_indicators.csv",
            "json": out / "sustainability_indicators.json",
            "results": out / "results.json",
        }
        write_csv(paths["csv"], cols, self.rows)  # formula-looking cells neutralised (govreport.core.exports)
        doc = {
            "schema": "govreport.assessments.sustainability/1",
            "generated_at": self.generated_at,
            "govreport_version": __version__,
            "organisation": {"name_zh": self.data.ws_name[0], "name_en": self.data.ws_name[1]},
            "period": self.period.label,
            "indicators": [{k: v for k, v in r.items()} for r in self.rows],
            "methodology": {
                "emissions": "kgCO2e = kWh × PUE × Taiwan grid emission factor (location-based) of the year "
                "the energy was used; measured runs: year of the run in Taiwan time; declared figures: "
                "year of their period",
                "grid_factors_used": self.factors_used(),
                "grid_factor_table": self.data.factors.rows(),
                "host_pue": {
                    "value": self.data.settings.host_pue,
                    "source": self.data.settings.host_pue_source,
                },
                "measurement": self.measurement_methods(),
                "codecarbon_cross_check": self.cross_check(),
                "intensity_denominator": "predictions or requests: declared volumes, else rows of the "
                "period's scoring data (model_quality.n) or assistant turns of its conversation "
                "log (genai.assistant_turns)",
            },
            "energy_lines": [_json_safe(x) for x in self.lines().to_dict(orient="records")],
            "reviews": self.reviews(),
            "notes": self.notes(),
        }
        paths["json"].write_text(
            json.dumps(_json_safe(doc), ensure_ascii=False, indent=2, allow_nan=False), encoding="utf-8"
        )
        inds = []
        for r in self.rows:
            if r["scope"] != "portfolio":
                continue
            th = None
            if r["rule"] and r["indicator"] in _TARGET_KEYS and r["target"] is not None:
                th = _target_threshold(r["indicator"], float(r["target"]))
            elif r["indicator"] == "reviews_on_time":
                th = Threshold("higher", 1.0, 1.0, source="default (Art. 13: overdue reviews = 0)")
            inds.append(
                Indicator(
                    f"sustainability.{r['indicator']}",
                    r["dimension"],
                    r["article"],
                    r["value"],
                    r["label_zh"],
                    r["label_en"],
                    th,
                    Status(r["status"]),
                    unit=r["unit"],
                    note=r["basis"][:500],
                    details={"gri": r["gri"]},
                )
            )
        results = build_results(
            system={
                "id": "portfolio",
                "name_zh": self.data.ws_name[0],
                "name_en": self.data.ws_name[1],
                "kind": "adhoc",
                "tier": "unassessed",
            },
            period=self.period.label,
            template=TEMPLATE,
            indicators=inds,
            sections={
                "sustainability": {
                    "rows": [{k: v for k, v in r.items() if k != "details"} for r in self.rows],
                    "factors_used": self.factors_used(),
                }
            },
            notes=self.notes(),
            timezone=self.data.timezone,
        )
        # the report's overall status: the worst of every assessed row of the period, of the portfolio and
        # of each system (a system's red inclusion row makes the report red); not assessed when none was
        status, dims = self.overall()
        results["status"] = status
        results["dimensions"].update(dims)
        write_results(paths["results"], results)
        return paths

    def view(self) -> SustainabilityView:
        """What the template presents, as plain data (:mod:`.sustainability_view`): the figures' series
        summed here as they always were, so the presenting kernel needs no pandas."""
        q = self.quarterly()
        by_system = []
        for sid in sorted(q["system_id"].unique()) if len(q) else []:
            d = (
                q[q["system_id"] == sid]
                .groupby("quarter")["kgco2e"]
                .sum()
                .reindex(self.quarters, fill_value=0)
            )
            by_system.append((sid, list(d.values)))
        lf = self.data.lines_frame()
        years = (
            {x: sorted({int(y) for y in lf.loc[lf["quarter"] == x, "factor_year"]}) for x in self.quarters}
            if len(lf)
            else {}
        )
        by_source = []
        for src in ("measured", "declared", "estimated"):
            d = (
                q[q["source"] == src].groupby("quarter")["kwh"].sum().reindex(self.quarters, fill_value=0)
                if len(q)
                else None
            )
            if d is not None and d.any():
                by_source.append((src, list(d.values)))
        df = self.intensity_by_quarter()
        scopes = (
            (["portfolio"] + sorted(s for s in df["scope"].unique() if s != "portfolio")) if len(df) else []
        )
        intensity = []
        for scope in scopes:
            d = df[df["scope"] == scope]
            if len(d):
                intensity.append((scope, list(d["quarter"]), list(d["intensity_g_per_1k"])))
        inc = self.inclusion_by_quarter()
        inclusion = [
            (sid, ind, list(d["quarter"]), list(d["rate"]), d["band"].iloc[-1])
            for (sid, ind), d in (inc.groupby(["system_id", "indicator"]) if len(inc) else [])
        ]
        lines = self.lines()
        declared = lines[lines["source"] != "measured"] if len(lines) else lines
        keys = ("system_id", "period", "activity", "source", "kwh", "pue", "kgco2e", "basis")
        s = self.data.settings
        return SustainabilityView(
            **plain(
                {
                    "period": self.period.label,
                    "quarters": list(self.quarters),
                    "generated_at": self.generated_at,
                    "ws_name": tuple(self.data.ws_name),
                    "timezone": getattr(self.data, "timezone", None),
                    "systems": {
                        sid: {"name_zh": x.name_zh, "name_en": x.name_en, "in_inventory": x.in_inventory}
                        for sid, x in self.data.systems.items()
                    },
                    "status": self.overall()[0],
                    "rows": self.rows,
                    "factors": self.factors_used(),
                    "reviews": self.reviews(),
                    "host_pue": s.host_pue,
                    "host_pue_source": s.host_pue_source,
                    "intensity_target": s.targets.portfolio.intensity_g_per_1k,
                    "methods": self.measurement_methods(),
                    "cross_check": self.cross_check(),
                    "notes": self.notes(),
                    "declared": [{k: getattr(x, k) for k in keys} for x in declared.itertuples()],
                    "emissions_by_system": by_system,
                    "factor_years": years,
                    "energy_by_source": by_source,
                    "intensity": intensity,
                    "inclusion": inclusion,
                }
            )
        )

    def overall(self) -> tuple[str, dict[str, str]]:
        """(overall status, status per dimension) over every assessed row of the period, all scopes."""
        mine = [r for r in self.rows if r.get("period") == self.period.label]
        statuses, _ = roll_up({"id": r["indicator"], **r} for r in mine)
        return worst(statuses.values()).value, statuses


def _json_safe(obj: Any) -> Any:
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


def build_report(
    workspace: str | Path | None = None,
    period: str | None = None,
    *,
    quarters: int = 8,
    records: Sequence[RunRecord] | None = None,
) -> SustainabilityReport:
    """Collect and compute everything the sustainability template shows for ``period`` (default: the latest
    quarter in the evidence store); ``quarters`` is the length of the trend."""
    ws = Workspace.load(Path(workspace) if workspace else find_workspace())
    data = collect(ws, records=records)
    if period:
        p = parse_period(period)
    else:
        found = _latest_quarter(data.records) or max(
            (parse_period(x.period) for x in data.lines), default=None
        )
        if found is None:
            raise InputError(
                "the evidence store holds no runs and the inventory declares no energy",
                field="period",
                fix="set the `period` parameter, or run `govreport run` first",
            )
        p = found
    last_q = parse_period(f"{p.end.year}Q{(p.end.month - 1) // 3 + 1}")
    qs = [last_q]
    while len(qs) < quarters:
        qs.append(qs[-1].previous())
    with_data = {x.quarter for x in data.lines} | {
        f"{parse_period(r.period).year}Q{(parse_period(r.period).start.month - 1) // 3 + 1}"
        for r in data.records
        if _parses(r.period) and parse_period(r.period).kind != "year"
    }
    labels = [q.label for q in reversed(qs)]
    first = next((i for i, q in enumerate(labels) if q in with_data), len(labels) - 1)
    return SustainabilityReport(
        data, p, build_rows(data, p), labels[first:], datetime.now(UTC).isoformat(timespec="seconds")
    )


def _parses(label: str) -> bool:
    try:
        parse_period(label)
    except InputError:
        return False
    return True
