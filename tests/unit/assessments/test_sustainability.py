"""Sustainability indicators (Art. 4, 13): grid factors, emissions arithmetic, the fallback rule, bad input,
and indicators read from the evidence store.

Every expected number below is computed by hand in the comment beside it (kgCO2e = kWh × PUE × factor).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from govreport.assessments.sustainability import build_report
from govreport.assessments.sustainability_data import _taipei_year as taipei_year
from govreport.errors import ConfigError, GovreportError, InputError
from govreport.evidence.queries import open_store
from govreport.evidence.store import RunRecord, sha256_file
from govreport.workspace.config import Workspace
from govreport.workspace.inventory import load_system
from govreport.workspace.scaffold import init_workspace
from govreport.workspace.sustainability import (
    FactorEntry,
    FactorTable,
    emissions_kg,
    load_factors,
    load_settings,
    system_energy,
)


@pytest.fixture(autouse=True)
def _inventory_energy_model(monkeypatch):
    """Load systems with govreport.workspace.energy.Energy as their `energy:` model. Does nothing once
    inventory.py uses it (the proposed one-line change); until then, loads them through a subclass that
    does."""
    from pydantic import Field

    from govreport.workspace import inventory
    from govreport.workspace.energy import Energy

    if inventory.AISystem.model_fields["energy"].annotation is not Energy:

        class AISystem(inventory.AISystem):
            energy: Energy = Field(default_factory=Energy)

        monkeypatch.setattr(inventory, "AISystem", AISystem)


ARTICLES_TABLE = {
    2017: 0.554,
    2018: 0.533,
    2019: 0.509,
    2020: 0.502,
    2021: 0.509,
    2022: 0.495,
    2023: 0.494,
    2024: 0.474,
    2025: 0.467,
}


# -- grid factors and the arithmetic ------------------------------------------------------------------
def test_packaged_table_is_the_moea_table():
    table = FactorTable.packaged()
    assert {y: f.kg_per_kwh for y, f in table.factors.items()} == ARTICLES_TABLE
    assert all("經濟部能源署" in f.source and "MOEA" in f.source for f in table.factors.values())
    assert table.factors[2024].note and table.factors[2025].note  # secondary sources, flagged
    assert not table.factors[2023].note


@pytest.mark.parametrize(
    ("kwh", "pue", "year", "expected"),
    [
        (100, 1.2, 2019, 61.08),  # 100 × 1.2 × 0.509
        (0.25, 1.56, 2022, 0.19305),  # 0.25 × 1.56 × 0.495
        (2000, 1.0, 2024, 948.0),  # 2000 × 1.0 × 0.474
        (10, 1.56, 2017, 8.6424),  # 10 × 1.56 × 0.554
        (3, 1.5, 2021, 2.2905),  # 3 × 1.5 × 0.509
        (1, 1.3, 2023, 0.6422),  # 1 × 1.3 × 0.494
    ],
)
def test_emissions_for_several_years(kwh, pue, year, expected):
    use = FactorTable.packaged().lookup(year)
    assert not use.fallback and use.factor.year == year
    assert emissions_kg(kwh, pue, use.factor.kg_per_kwh) == pytest.approx(expected, rel=1e-12)
    assert f"{year} factor {ARTICLES_TABLE[year]:g} kgCO2e/kWh" in use.describe()


def test_year_without_factor_uses_latest_earlier_and_says_so():
    table = FactorTable.packaged()
    use = table.lookup(2026)
    assert use.fallback and use.factor.year == 2025 and use.factor.kg_per_kwh == 0.467
    assert "no factor for 2026 yet: the latest earlier year's (2025) is used" in use.describe()
    assert table.lookup(2031).factor.year == 2025
    assert emissions_kg(10, 1.2, use.factor.kg_per_kwh) == pytest.approx(5.604)  # 10 × 1.2 × 0.467
    # a gap inside the table falls back too
    gap = FactorTable({2018: table.factors[2018], 2020: table.factors[2020]})
    assert gap.lookup(2019).factor.year == 2018


def test_year_before_the_table_is_a_clear_error():
    with pytest.raises(InputError) as ei:
        FactorTable.packaged().lookup(2016, file="systems/x.yaml", field="energy.declared.0.period")
    msg = str(ei.value)
    assert "\n" not in msg and "systems/x.yaml" in msg and "energy.declared.0.period" in msg
    assert "no Taiwan grid emission factor for 2016 or any earlier year (the table starts in 2017)" in msg


def test_workspace_overrides_and_adds_years(tmp_path):
    (tmp_path / "sustainability.yaml").write_text(
        "grid_factors:\n  2024: {factor: 0.480, source: 能源署 113年度公告}\n"
        "  2026: {factor: 0.455, source: 能源署 115年度公告}\n  2016: "
        "{factor: 0.530, source: 能源局 105年度}\n",
        encoding="utf-8",
    )
    table = load_factors(load_settings(tmp_path))
    assert table.lookup(2024).factor.kg_per_kwh == 0.480 and table.lookup(2024).factor.origin == "workspace"
    assert "(workspace override)" in table.lookup(2024).describe()
    assert not table.lookup(2026).fallback
    assert emissions_kg(100, 1.0, table.lookup(2026).factor.kg_per_kwh) == pytest.approx(45.5)
    assert table.lookup(2016).factor.kg_per_kwh == 0.530
    assert table.lookup(2023).factor.origin == "packaged"


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((-1, 1.2, 0.5), "energy must not be negative"),
        ((1, 0.9, 0.5), "PUE must be at least 1.0"),
        ((1, 1.2, 0), "grid factor must be greater than 0"),
        (("12", 1.2, 0.5), "kwh must be a finite number"),
        ((float("nan"), 1.2, 0.5), "kwh must be a finite number"),
    ],
)
def test_emissions_refuses_bad_numbers(args, text):
    with pytest.raises(InputError, match=text):
        emissions_kg(*args)


def test_energy_year_is_taiwan_time():
    assert taipei_year("2025-12-31T15:30:00+00:00") == 2025  # 23:30 in Taipei
    assert taipei_year("2025-12-31T17:30:00+00:00") == 2026  # 01:30 next day in Taipei
    assert taipei_year("2026-03-01T00:00:00") == 2026


@pytest.mark.parametrize(
    ("text", "field", "msg"),
    [
        ("pue: 0.8\n", "pue", "PUE must be at least 1.0 (got 0.8)"),
        ("pue: fast\n", "pue", "must be a number, not 'fast'"),
        ("grid_factors:\n  2026: {factor: abc, source: x}\n", "grid_factors.2026.factor", "must be a number"),
        (
            "grid_factors:\n  2026: {factor: -0.4, source: x}\n",
            "grid_factors.2026.factor",
            "must not be negative",
        ),
        ("grid_factors:\n  2026: {factor: 474, source: x}\n", "grid_factors.2026.factor", "implausible"),
        ("grid_factors:\n  2026: {factor: 0.47}\n", "grid_factors.2026.source", "required field is missing"),
        ("grid_factors:\n  twenty: {factor: 0.47, source: x}\n", "grid_factors", "'twenty' is not a year"),
        (
            "targets:\n  portfolio: {intensity_g_per_1k: -3}\n",
            "targets.portfolio.intensity_g_per_1k",
            "negative",
        ),
        ("training:\n  - {period: 2026Q3, hours: many}\n", "training.0.hours", "must be a number"),
        ("colour: green\n", "colour", "unknown field"),
    ],
)
def test_bad_settings_are_one_line_naming_file_line_and_field(tmp_path, text, field, msg):
    (tmp_path / "sustainability.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as ei:
        load_settings(tmp_path)
    s = str(ei.value)
    assert "\n" not in s and "sustainability.yaml:" in s and f"field '{field}'" in s and msg in s


def test_packaged_factor_entries_validate():
    with pytest.raises(ValueError):
        FactorEntry(factor=0, source="x")
    assert load_settings(None).host_pue == 1.56


# -- a workspace with evidence --------------------------------------------------------------------------
SCORECARD = """\
id: scorecard
name_zh: 信用卡評分卡
name_en: Card scorecard
kind: predictive
owner: {name: 王, role: owner}
accountable: {name: 陳, role: 風險長}
scope: {affects_transaction_rights: true}
risk_factors: {customer_facing: 3, personal_data: 3, autonomy: 2, complexity: 2, impact: 3, remedies: 2}
protected_attributes:
  - {column: AGE, category: age}
model: {label: Y, label_favourable: 0, prediction: D, prediction_favourable: 1}
energy:
  pue: 1.2
  declared:
    - {activity: training, period: 2026Q2, value: 100, unit: kWh, source: measured, basis: GPU meter}
    - {activity: batch_scoring, period: 2026-08, value: 500, unit: Wh, source: declared}
    - {activity: training, period: 2019Q4, value: 10, unit: kWh, source: measured}
    - {activity: training, period: "2026", value: 50, unit: kWh, source: declared}
  volumes:
    - {period: 2026Q3, count: 40000, basis: production scoring log}
"""

ASSISTANT = """\
id: assistant
name_zh: 客服助理
name_en: Assistant
kind: generative
owner: {name: 黃, role: owner}
accountable: {name: 陳, role: 風險長}
scope: {customer_service: true}
risk_factors: {customer_facing: 2, personal_data: 2, autonomy: 2, complexity: 2, impact: 2, remedies: 2}
energy:
  declared:
    - {activity: tokens, period: 2026Q3, tokens: 10000000, wh_per_1k_tokens: 0.25,
       basis: vendor letter 2026-07}
    - {activity: vendor_reported, period: 2023Q4, value: 2, unit: MWh, source: declared}
"""

LEGACY = """\
id: legacy
name_zh: 舊系統
name_en: Legacy
kind: generative
owner: {name: 林, role: owner}
accountable: {name: 陳, role: 風險長}
scope: {customer_service: true}
risk_factors: {customer_facing: 1, personal_data: 1, autonomy: 1, complexity: 1, impact: 1, remedies: 1}
"""

NEWBIE = """\
id: newbie
name_zh: 新系統
name_en: New system
kind: generative
owner: {name: 李, role: owner}
accountable: {name: 陳, role: 風險長}
scope: {customer_service: true}
risk_factors: {customer_facing: 2, personal_data: 2, autonomy: 2, complexity: 2, impact: 2, remedies: 2}
prelaunch: {go_live: 2026-08-01}
"""

SETTINGS = """\
pue: 1.25
pue_basis: 機房年報
targets:
  portfolio: {intensity_g_per_1k: 45, training_hours_per_employee: 2.5}
  systems:
    scorecard: {intensity_g_per_1k: 10, emissions_kgco2e: 0.2}
training:
  - {period: 2026Q3, hours: 300, staff_total: 150, basis: LMS export}
"""


def _fairness(young: float, mid: float, old: float) -> dict:
    return {
        "attributes": {
            "AGE": {
                "n": 600,
                "groups": {
                    "<25": {"n": 100, "selection_rate": young, "judged": True},
                    "25–34": {"n": 300, "selection_rate": mid, "judged": True},
                    "≥65": {"n": 200, "selection_rate": old, "judged": True},
                    "(missing)": {"n": 3, "selection_rate": 0.0, "judged": False},
                },
            }
        }
    }


def add_run(
    ws: Workspace,
    system_id: str,
    period: str,
    template: str,
    *,
    status: str = "succeeded",
    energy: dict | None | str = "none",
    results: dict | None = None,
) -> RunRecord:
    rec = RunRecord(
        system_id=system_id,
        period=period,
        template=template,
        status=status,
        started_at="2026-10-05T02:00:00+00:00",
    )
    if energy != "none":
        rec.summary["energy"] = energy
    if results is not None:
        d = ws.reports_dir / period / system_id / template / f"r{len(open_store(ws).records())}"
        d.mkdir(parents=True)
        p = d / "results.json"
        p.write_text(json.dumps(results), encoding="utf-8")
        rec.outputs = {
            "results": {"path": ws.relative(p), "sha256": sha256_file(p), "bytes": p.stat().st_size}
        }
    return open_store(ws).append(rec)


def measured(kwh: float | None, started: str = "2026-10-05T02:00:00+00:00", **kw) -> dict:
    if kwh is None:
        return {"kwh": None, "source": "measured", "reason": "planted", **kw}
    return {
        "kwh": kwh,
        "seconds": 12.0,
        "source": "measured",
        "method": "CodeCarbon 3.3.2 offline tracker …",
        "estimation_mode": "cpu_load",
        "codecarbon_version": "3.3.2",
        "codecarbon_kgco2e": kwh * 0.6424,
        "started_at": started,
        **kw,
    }


@pytest.fixture
def ws(tmp_path) -> Workspace:
    root = init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank")
    for name, text in (
        ("scorecard", SCORECARD),
        ("assistant", ASSISTANT),
        ("legacy", LEGACY),
        ("newbie", NEWBIE),
    ):
        (root / "systems" / f"{name}.yaml").write_text(text, encoding="utf-8")
    (root / "sustainability.yaml").write_text(SETTINGS, encoding="utf-8")
    w = Workspace.load(root)
    add_run(w, "legacy", "2025Q2", "genai_review", results={"genai": {"assistant_turns": 10}})
    add_run(w, "assistant", "2026Q1", "genai_review", results={"genai": {"assistant_turns": 4000}})
    add_run(
        w,
        "scorecard",
        "2026Q2",
        "model_risk",
        results={"model_quality": {"n": 20000}, "fairness": _fairness(0.55, 0.8, 0.7)},
    )
    add_run(
        w,
        "scorecard",
        "2026Q3",
        "model_risk",
        energy=measured(0.002),
        results={"model_quality": {"n": 20000}, "fairness": _fairness(0.5, 0.8, 0.6)},
    )
    add_run(
        w,
        "assistant",
        "2026Q3",
        "genai_review",
        energy=measured(0.001, "2026-10-06T01:00:00+00:00"),
        results={"genai": {"assistant_turns": 5000}},
    )
    add_run(w, "assistant", "2026Q3", "genai_review", status="failed", energy=measured(None))
    return w


def rows_by(rep) -> dict[tuple[str, str], dict]:
    return {(r["scope"], r["indicator"]): r for r in rep.rows}


def test_indicators_per_system_and_portfolio_by_hand(ws):
    rep = build_report(ws.root, "2026Q3")
    r = rows_by(rep)
    # scorecard, 2026Q3: batch scoring 0.5 kWh × 1.2 × 0.467 (2026 → 2025 factor) = 0.2802
    #                    measured run 0.002 kWh × 1.25 (host PUE) × 0.467 = 0.0011675
    assert r["scorecard", "energy_kwh"]["value"] == pytest.approx(0.502)
    assert r["scorecard", "emissions_kgco2e"]["value"] == pytest.approx(0.2813675)
    assert r["scorecard", "energy_kwh_measured"]["value"] == pytest.approx(0.002)
    assert r["scorecard", "energy_kwh_declared"]["value"] == pytest.approx(0.5)
    # declared volume 40,000: 281.3675 g / 40,000 × 1,000 = 7.0341875 g per 1,000
    assert r["scorecard", "predictions"]["value"] == 40000
    assert r["scorecard", "intensity_g_per_1k"]["value"] == pytest.approx(7.0341875)
    assert r["scorecard", "energy_intensity_wh_per_1k"]["value"] == pytest.approx(12.55)  # 502 Wh / 40
    assert r["scorecard", "intensity_g_per_1k"]["status"] == "green"  # target 10
    assert r["scorecard", "emissions_kgco2e"]["status"] == "red"  # target 0.2: 0.281 > 0.22
    # previous quarter: training 100 kWh × 1.2 × 0.467 = 56.04; change (0.2813675 − 56.04) / 56.04
    assert r["scorecard", "emissions_kgco2e"]["previous_value"] == pytest.approx(56.04)
    assert r["scorecard", "emissions_kgco2e"]["change_pct"] == pytest.approx((0.2813675 - 56.04) / 56.04)
    # 2026Q2 volume from results (no declared volume): 56.04 kg × 10⁶ / 20,000 = 2,802 g per 1,000
    assert r["scorecard", "intensity_g_per_1k"]["previous_value"] == pytest.approx(2802)

    # assistant: tokens 10,000,000 × 0.25 Wh / 1,000 = 2.5 kWh × 1.56 (default PUE) × 0.467 = 1.8213 (scope 3)
    #            measured 0.001 kWh × 1.25 × 0.467 = 0.00058375 (scope 2); failed run: no figure
    assert r["assistant", "emissions_kgco2e_scope3"]["value"] == pytest.approx(1.8213)
    assert r["assistant", "emissions_kgco2e_scope2"]["value"] == pytest.approx(0.00058375)
    assert r["assistant", "energy_kwh_estimated"]["value"] == pytest.approx(2.5)
    assert r["assistant", "predictions"]["value"] == 5000  # assistant turns in results
    assert r["assistant", "intensity_g_per_1k"]["value"] == pytest.approx(1821.88375 / 5000 * 1000)

    # portfolio: 3.003 kWh; 2.10325125 kg; intensity 2,103.25125 g / 45,000 × 1,000 = 46.73891…
    assert r["portfolio", "energy_kwh"]["value"] == pytest.approx(3.003)
    assert r["portfolio", "energy_kwh_own"]["value"] == pytest.approx(0.503)
    assert r["portfolio", "energy_kwh_third_party"]["value"] == pytest.approx(2.5)
    assert r["portfolio", "emissions_kgco2e"]["value"] == pytest.approx(2.10325125)
    assert r["portfolio", "intensity_g_per_1k"]["value"] == pytest.approx(2103.25125 / 45)
    assert r["portfolio", "intensity_g_per_1k"]["status"] == "amber"  # target 45, red above 49.5
    assert r["portfolio", "intensity_g_per_1k"]["vs_target_pct"] == pytest.approx((2103.25125 / 45 - 45) / 45)
    assert r["portfolio", "measurement_coverage"]["value"] == pytest.approx(2 / 3)  # the failed run has none
    # GRI mapping and factor statement
    assert (
        r["portfolio", "energy_kwh_own"]["gri"] == "302-1"
        and r["portfolio", "emissions_kgco2e_scope2"]["gri"] == "305-2"
    )
    assert r["portfolio", "intensity_g_per_1k"]["gri"] == "305-4"
    basis = r["portfolio", "emissions_kgco2e"]["basis"]
    assert (
        "2025 factor 0.467 kgCO2e/kWh" in basis
        and "no factor for 2026 yet" in basis
        and "經濟部能源署" in basis
    )
    assert any("no grid factor for 2026 yet, the 2025 factor" in n for n in rep.notes())
    assert any("whole year 2026" in n for n in rep.notes())  # the yearly figure is not put into a quarter


def test_yearly_period_pools_sub_periods_and_uses_each_year_factor(ws):
    r = rows_by(build_report(ws.root, "2026"))
    # 100 + 0.5 + 50 declared + 0.002 measured = 150.502 kWh
    assert r["scorecard", "energy_kwh"]["value"] == pytest.approx(150.502)
    assert r["portfolio", "energy_kwh"]["value"] == pytest.approx(150.502 + 2.501)
    r19 = rows_by(build_report(ws.root, "2019"))
    assert r19["scorecard", "emissions_kgco2e"]["value"] == pytest.approx(6.108)  # 10 × 1.2 × 0.509
    r23 = rows_by(build_report(ws.root, "2023Q4"))
    assert r23["assistant", "emissions_kgco2e"]["value"] == pytest.approx(1541.28)  # 2000 × 1.56 × 0.494


def test_inclusion_outcomes_from_fairness_results(ws):
    r = rows_by(build_report(ws.root, "2026Q3"))
    young, old = r["scorecard", "young_approval_rate"], r["scorecard", "elderly_approval_rate"]
    assert young["value"] == pytest.approx(0.5) and young["details"]["band"] == "<25"
    assert old["value"] == pytest.approx(0.6) and old["details"]["band"] == "≥65"
    assert young["details"]["ratio_to_highest"] == pytest.approx(0.625) and young["status"] == "red"
    assert old["details"]["ratio_to_highest"] == pytest.approx(0.75) and old["status"] == "amber"
    assert young["change_abs"] == pytest.approx(-0.05) and old["change_abs"] == pytest.approx(-0.1)
    # pooled over sub-periods for a year: (100·0.55 + 100·0.5) / 200 = 0.525
    r26 = rows_by(build_report(ws.root, "2026"))
    assert r26["scorecard", "young_approval_rate"]["value"] == pytest.approx(0.525)
    assert r26["scorecard", "young_approval_rate"]["details"]["n"] == 200


def test_governance_reviews_on_time_and_training(ws):
    rep = build_report(ws.root, "2026Q3")
    r = rows_by(rep)
    by_sys = {x["system_id"]: x for x in rep.reviews()}
    assert by_sys["scorecard"]["on_time"] and by_sys["scorecard"]["review_months"] == 3
    assert by_sys["assistant"]["review_months"] == 6 and by_sys["assistant"]["on_time"]  # Q3 succeeded
    assert by_sys["assistant"]["last_reviewed_period"] == "2026Q3"
    assert by_sys["legacy"]["review_months"] == 12 and not by_sys["legacy"]["on_time"]  # last 2025Q2
    assert not by_sys["newbie"]["due"]  # live since 2026-08-01: not due yet
    assert r["portfolio", "reviews_on_time"]["value"] == pytest.approx(2 / 3)
    assert r["portfolio", "reviews_on_time"]["status"] == "red"
    assert "2 of 3 active systems; overdue: legacy" in r["portfolio", "reviews_on_time"]["basis"]
    # the windows: 6 months at 2026Q2 is (2025-12-31, 2026-06-30]; 12 months at 2026Q1 is (2025-03-31,
    # 2026-03-31]
    q2 = {x["system_id"]: x for x in build_report(ws.root, "2026Q2").reviews()}
    assert q2["assistant"]["on_time"] and q2["assistant"]["last_reviewed_period"] == "2026Q1"
    assert not q2["legacy"]["on_time"]  # 2025Q2 ended 2025-06-30, just outside
    assert {x["system_id"]: x for x in build_report(ws.root, "2026Q1").reviews()}["legacy"]["on_time"]
    assert r["portfolio", "ai_training_hours"]["value"] == 300
    assert r["portfolio", "ai_training_hours_per_employee"]["value"] == pytest.approx(2.0)  # 300 / 150
    assert r["portfolio", "ai_training_hours_per_employee"]["status"] == "red"  # target 2.5, red below 2.25
    assert r["portfolio", "ai_training_hours"]["gri"] == "404-2"


def test_export_shapes(ws, tmp_path):
    rep = build_report(ws.root, "2026Q3")
    paths = rep.export(tmp_path / "out")
    raw = paths["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese labels correctly
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    assert len(rows) == len(rep.rows)
    first = rows[0]
    assert first["scope"] == "portfolio" and first["gri"] and first["period"] == "2026Q3"
    doc = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert doc["period"] == "2026Q3" and doc["organisation"]["name_en"] == "Test Bank"
    assert {f["factor_year"] for f in doc["methodology"]["grid_factors_used"]} == {2025}
    cc = doc["methodology"]["codecarbon_cross_check"]
    assert cc["runs"] == 2 and cc["codecarbon_kg_per_kwh"] == pytest.approx(0.6424)
    assert cc["moea_kg_per_kwh"] == pytest.approx(0.467)
    results = json.loads(paths["results"].read_text(encoding="utf-8"))
    assert results["template"] == "sustainability" and results["system"]["id"] == "portfolio"
    assert any(i["id"] == "sustainability.intensity_g_per_1k" for i in results["indicators"])


def test_template_default_period_and_trend(ws):
    rep = build_report(ws.root)
    assert rep.period.label == "2026Q3"
    assert rep.quarters[0] == "2025Q2" and rep.quarters[-1] == "2026Q3"
    q = rep.quarterly()
    assert set(q["source"]) == {"measured", "declared", "estimated"}
    assert q[(q["quarter"] == "2026Q2")]["kgco2e"].sum() == pytest.approx(56.04)
    for f in ("fig_trend_by_system", "fig_trend_by_source", "fig_intensity", "fig_inclusion"):
        import govreport.present.sustainability as sus

        assert getattr(sus, f)(rep).data  # every chart has traces
    html = (
        sus.html_cover(rep)
        + sus.html_indicator_table(rep)
        + sus.html_systems_table(rep)
        + sus.html_inclusion(rep)
        + sus.html_governance(rep)
        + sus.html_methods(rep)
    )
    assert "0.467" in html and "overdue" in html and "GRI 305-4" in html and "測試銀行" in html


def test_results_file_changed_after_the_run_is_left_out(ws):
    rec = [r for r in open_store(ws).records() if r.system_id == "scorecard" and r.period == "2026Q3"][0]
    p = ws.resolve(rec.outputs["results"]["path"])
    p.write_text(p.read_text().replace("20000", "99999"), encoding="utf-8")
    rep = build_report(ws.root, "2026Q3")
    assert any("no longer matches its recorded SHA-256" in n for n in rep.notes())
    assert ("scorecard", "young_approval_rate") not in rows_by(rep)


# -- bad input in the inventory, reported as one line -------------------------------------------------------
def energy_error(path: Path) -> str:
    """The error for a system file with a bad energy block: at load (once the inventory uses
    govreport.workspace.energy.Energy) or when the sustainability code reads it (with the placeholder
    model)."""
    with pytest.raises(GovreportError) as ei:
        system_energy(load_system(path), path)
    return str(ei.value)


@pytest.mark.parametrize(
    ("block", "field", "text"),
    [
        (
            "  declared:\n    - "
            "{activity: training, period: 2026Q1, value: -5, unit: kWh, source: declared}\n",
            "energy.declared.0.value",
            "must not be negative",
        ),
        (
            "  declared:\n    - "
            "{activity: training, period: 2026Q1, value: lots, unit: kWh, source: declared}\n",
            "energy.declared.0.value",
            "must be a number",
        ),
        (
            "  declared:\n    - {activity: training, period: 2026Q1, value: 5, source: declared}\n",
            "energy.declared.0",
            "`unit` is missing",
        ),
        (
            "  declared:\n    - "
            "{activity: training, period: 2026Q1, value: 5, unit: kcal, source: declared}\n",
            "energy.declared.0.unit",
            "unit 'kcal' is not accepted; use Wh, kWh or MWh",
        ),
        ("  pue: 0.95\n", "energy.pue", "PUE must be at least 1.0"),
    ],
)
def test_bad_energy_in_a_system_file(tmp_path, block, field, text):
    path = tmp_path / "scorecard.yaml"
    path.write_text(SCORECARD.split("energy:\n")[0] + "energy:\n" + block, encoding="utf-8")
    msg = energy_error(path)
    assert "\n" not in msg and "scorecard.yaml" in msg and f"field '{field}'" in msg and text in msg


def test_a_period_with_no_factor_at_all_is_refused_naming_the_field(ws):
    path = ws.systems_dir / "legacy.yaml"
    path.write_text(
        LEGACY + "energy:\n  declared:\n    - {activity: training, period: 2015Q1, value: 5, unit: kWh, "
        "source: declared}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as ei:
        build_report(ws.root, "2026Q3")
    msg = str(ei.value)
    assert "\n" not in msg and "legacy.yaml" in msg and "energy.declared.0.period" in msg
    assert "no Taiwan grid emission factor for 2015" in msg and "grid_factors in sustainability.yaml" in msg
    # a workspace factor for 2015 makes it computable
    (ws.root / "sustainability.yaml").write_text(
        SETTINGS + "grid_factors:\n  2015: {factor: 0.525, source: 能源局 104年度}\n", encoding="utf-8"
    )
    assert rows_by(build_report(ws.root, "2015"))["legacy", "emissions_kgco2e"]["value"] == pytest.approx(
        5 * 1.56 * 0.525
    )


def test_unusable_measured_figures_are_left_out_with_a_note(ws):
    add_run(ws, "scorecard", "2026Q3", "model_risk", energy={"kwh": -1.0, "source": "measured"})
    rep = build_report(ws.root, "2026Q3")
    assert any("is not usable" in n for n in rep.notes())
    assert rows_by(rep)["scorecard", "energy_kwh_measured"]["value"] == pytest.approx(0.002)


@pytest.mark.slow
def test_template_smoke_run(ws, tmp_path):
    """One real run of the template (papermill kernel) against the workspace above."""
    import nbformat
    import papermill as pm

    from govreport.core.resources import bundled_dir
    from govreport.run.runner import template_parameters

    nb_path = bundled_dir("templates_nb") / "sustainability.ipynb"
    assert set(template_parameters(nb_path)) >= {"workspace", "system_id", "period", "output_dir"}
    nb = nbformat.read(nb_path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")
    out = tmp_path / "out"
    out.mkdir()
    pm.execute_notebook(
        str(nb_path),
        str(out / "notebook.ipynb"),
        kernel_name="python3",
        progress_bar=False,
        parameters={"workspace": str(ws.root), "system_id": None, "period": "2026Q3", "output_dir": str(out)},
    )
    assert {p.name for p in out.iterdir()} >= {
        "sustainability_indicators.csv",
        "sustainability_indicators.json",
        "results.json",
        "notebook.ipynb",
    }


def test_every_emissions_figure_states_its_factor_year_and_source(ws):
    import re

    import govreport.present.sustainability as sus

    for label, energy_year, factor_year, value in (
        ("2023Q4", 2023, 2023, "0.494"),
        ("2026Q3", 2026, 2025, "0.467"),
    ):
        rep = build_report(ws.root, label)
        html = sus.html_indicator_table(rep)
        rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)[1:]
        co2 = [r for r in rows if "CO2e</td>" in r or "CO2e per" in r]
        assert len(co2) >= 3  # total, scope 2, scope 3, intensity
        for r in co2:
            assert f"{energy_year} 年用電：{factor_year} 年係數 {value} kgCO2e/kWh" in r
            assert "經濟部能源署" in r and "MOEA Energy Administration" in r
            assert ("尚無公告" in r) == (energy_year != factor_year)
        # energy rows: each value carries its unit (Wh below 1 kWh; issue 17a), no emission factor beside it
        energy_rows = [r for r in rows if re.search(r"\d [kM]?Wh</td>", r) and "CO2e" not in r]
        assert energy_rows and not any("gr-factor" in r for r in energy_rows)
        assert f"{factor_year} 年係數" in sus.html_systems_table(rep)
        ticks = sus.fig_trend_by_system(rep).layout.xaxis.ticktext
        assert ticks[-1] == f"{label}<br>{factor_year} 係數 factor"


def test_export_neutralises_spreadsheet_formulas_and_keeps_numbers(ws, tmp_path):
    """Issue 19, item 3: a system named like a formula becomes text in the CSV (OWASP), numbers stay
    numbers."""
    from govreport.core.exports import FORMULA_TRIGGERS

    path = ws.systems_dir / "scorecard.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "name_zh: 信用卡評分卡", 'name_zh: "=HYPERLINK(\\"http://evil.example\\",\\"點我\\")"'
    )
    text = text.replace("name_en: Card scorecard", "name_en: \"+cmd|' /C calc'!A0\"")
    assert "HYPERLINK" in text and "calc" in text
    path.write_text(text, encoding="utf-8")
    settings = ws.root / "sustainability.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8")
        .replace("basis: LMS export", 'basis: "@SUM(1+1)"')
        .replace("pue_basis: 機房年報", 'pue_basis: "-2+3"'),
        encoding="utf-8",
    )
    rep = build_report(ws.root, "2026Q3")
    paths = rep.export(tmp_path / "out")
    rows = list(csv.reader(paths["csv"].read_bytes().decode("utf-8-sig").splitlines()))
    header, body = rows[0], rows[1:]
    assert len(body) == len(rep.rows)
    cells = [c for row in rows for c in row]
    dangerous = [c for c in cells if c and c.lstrip(" ").startswith(FORMULA_TRIGGERS) and not _is_number(c)]
    assert dangerous == []  # every cell read back: none starts a formula
    names = {row[header.index("scope_name_zh")] for row in body} | {
        row[header.index("scope_name_en")] for row in body
    }
    assert '\'=HYPERLINK("http://evil.example","點我")' in names and "'+cmd|' /C calc'!A0" in names
    # numbers stay numbers: the value column parses as a float wherever the report has a number, negatives too
    by_key = {(r["scope"], r["indicator"]): r for r in rep.rows}
    for row in body:
        want = by_key[row[header.index("scope")], row[header.index("indicator")]]
        for col in ("value", "change_abs", "change_pct"):
            if isinstance(want.get(col), (int, float)) and not isinstance(want.get(col), bool):
                assert float(row[header.index(col)]) == pytest.approx(want[col])
    assert any(
        row[header.index("change_pct")].startswith("-") for row in body
    )  # a negative number, unprefixed


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1-1+A1", "'+1-1+A1"),
        ("-A1", "'-A1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("  =1", "'  =1"),
        ("-3.5", "-3.5"),
        ("+2", "+2"),
        ("1e-3", "1e-3"),
        (-3.5, -3.5),
        (0, 0),
        (None, ""),
        ("評分卡", "評分卡"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_spreadsheet_cell(value, cell):
    from govreport.core.exports import spreadsheet_cell

    assert spreadsheet_cell(value) == cell


SUS_FIGURES = ("fig_trend_by_system", "fig_trend_by_source", "fig_intensity", "fig_inclusion")


def test_the_view_presents_what_the_report_holds_without_pandas(ws, monkeypatch):
    """The template presents ``rep.view()`` (plain data, issue 22): its figures' series are the report's
    frames summed, every HTML piece is the report's, plotly accepts each figure and builds the same one,
    and the view unpickles in a process without pandas or NumPy."""
    import json
    import pickle
    import subprocess
    import sys

    import plotly.graph_objects as pgo
    import plotly.io as pio

    import govreport.present.sustainability as sus
    from govreport.present import plotly_lite

    rep = build_report(ws.root, "2026Q3")
    view = rep.view()
    q = rep.quarterly()
    assert len(view.emissions_by_system) == q["system_id"].nunique() >= 2
    for sid, ys in view.emissions_by_system:
        for quarter, y in zip(rep.quarters, ys, strict=True):
            mine = q[(q["system_id"] == sid) & (q["quarter"] == quarter)]
            assert y == pytest.approx(mine["kgco2e"].sum())
    assert [s for s, _ in view.energy_by_source] == ["measured", "declared", "estimated"]
    for src, ys in view.energy_by_source:
        assert sum(ys) == pytest.approx(q[q["source"] == src]["kwh"].sum())
    inten = rep.intensity_by_quarter()
    assert view.intensity[0][0] == "portfolio" and sum(len(x) for _, x, _ in view.intensity) == len(inten)
    inc = rep.inclusion_by_quarter()
    assert view.inclusion and sum(len(r) for *_, r, _ in view.inclusion) == len(inc)
    for f in ("html_cover", "html_indicator_table", "html_systems_table", "html_inclusion"):
        assert getattr(sus, f)(view) == getattr(sus, f)(rep)
    assert sus.html_governance(view) == sus.html_governance(rep) and "overdue" in sus.html_governance(view)
    assert sus.html_methods(view) == sus.html_methods(rep) and "0.467" in sus.html_methods(view)

    def canonical(fig):
        real = pgo.Figure(fig.to_dict() if isinstance(fig, plotly_lite.Figure) else fig)
        return json.loads(pio.to_json(real))

    lite = {f: getattr(sus, f)(view) for f in SUS_FIGURES}
    monkeypatch.setattr(sus, "go", pgo)
    for f in SUS_FIGURES:
        real = getattr(sus, f)(view)
        assert isinstance(real, pgo.Figure) and isinstance(lite[f], plotly_lite.Figure)
        assert canonical(lite[f]) == canonical(real), f
        assert real.data, f

    code = (
        "import pickle, sys; v = pickle.loads(sys.stdin.buffer.read()); "
        "print(sorted(m for m in ('pandas', 'numpy', 'pydantic') if m in sys.modules), len(v.rows))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], input=pickle.dumps(view), capture_output=True, check=True
    )
    assert run.stdout.decode().split() == ["[]", str(len(rep.rows))]
