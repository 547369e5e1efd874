"""The sustainability indicators over synthetic evidence records (no kernels, no demo): measured energy of
runs turned into kWh and kgCO2e with the grid factor of the year the energy was used, the portfolio totals,
measurement coverage, and a record whose energy figure is unusable."""

from __future__ import annotations

from pathlib import Path

import pytest

from govreport import RunStatus
from govreport.assessments.sustainability_data import collect
from govreport.assessments.sustainability_indicators import indicator_values
from govreport.core.periods import parse_period
from govreport.evidence.store import RunRecord
from govreport.workspace.config import Workspace
from govreport.workspace.scaffold import init_workspace
from govreport.workspace.sustainability import load_factors
from tests.helpers.nb import LOW_FACTORS, SYSTEM_BASE


def _rec(
    seq: int,
    sid: str,
    period: str,
    kwh: object,
    started: str = "2026-08-10T02:00:00+00:00",
    status: RunStatus = RunStatus.SUCCEEDED,
) -> RunRecord:
    return RunRecord(
        system_id=sid,
        period=period,
        template="genai_review",
        status=status,
        started_at=started,
        summary={"energy": {"kwh": kwh, "started_at": started}},
        seq=seq,
        version=1,
    )


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = Workspace.load(init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank"))
    for sid in ("chat-a", "chat-b"):
        (ws.systems_dir / f"{sid}.yaml").write_text(
            SYSTEM_BASE.format(id=sid, template="genai_review", factors=LOW_FACTORS), encoding="utf-8"
        )
    return ws


def test_measured_energy_becomes_kwh_and_emissions_with_the_years_factor(ws: Workspace) -> None:
    records = [
        _rec(1, "chat-a", "2026Q3", 0.002),
        _rec(2, "chat-a", "2026Q3", 0.003),
        _rec(3, "chat-b", "2026Q3", 0.005),
        _rec(4, "chat-b", "2026Q2", 1.0, "2026-05-01T00:00:00+00:00"),
    ]
    data = collect(ws, records=records)
    values = indicator_values(data, parse_period("2026Q3"))
    pue = data.settings.host_pue
    factor = load_factors(data.settings).lookup(2026, file="test", field="year").factor.kg_per_kwh
    assert values["chat-a"]["energy_kwh"]["value"] == pytest.approx(
        0.005
    )  # IT energy; the PUE is in emissions
    assert values["chat-b"]["energy_kwh"]["value"] == pytest.approx(0.005)
    portfolio = values["portfolio"]
    assert portfolio["energy_kwh"]["value"] == pytest.approx(0.010)  # Q2's 1 kWh is another period
    assert portfolio["emissions_kgco2e"]["value"] == pytest.approx(0.010 * pue * factor)
    assert portfolio["emissions_kgco2e_scope3"]["value"] == pytest.approx(0.0)  # all own energy (scope 2)
    assert portfolio["measurement_coverage"]["value"] == pytest.approx(1.0)


def test_an_unusable_energy_figure_is_left_out_and_said(ws: Workspace) -> None:
    records = [
        _rec(1, "chat-a", "2026Q3", 0.002),
        _rec(2, "chat-a", "2026Q3", -5.0),
        _rec(3, "chat-b", "2026Q3", None),
    ]
    data = collect(ws, records=records)
    values = indicator_values(data, parse_period("2026Q3"))
    assert values["portfolio"]["energy_kwh"]["value"] == pytest.approx(0.002)
    assert values["portfolio"]["measurement_coverage"]["basis"] == "1 of 3 runs"
    assert any("RUN_ID 2" in n and "not usable" in n for n in data.notes)
