"""build_review over synthetic evidence records (no kernels, no demo): a workspace with three systems, results
files written by ``core.results`` and records appended to a fresh store the way the runner does — the matrix,
a failed run, a system never run, and a results file changed after its run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from govreport import RunStatus, build_review, open_store
from govreport.core.files import sha256_file
from govreport.core.results import build_results
from govreport.core.status import Indicator, threshold_for
from govreport.evidence.store import RunRecord
from govreport.workspace.config import Workspace
from govreport.workspace.scaffold import init_workspace
from tests.helpers.nb import LOW_FACTORS, SYSTEM_BASE

HIGH = "{customer_facing: 3, personal_data: 3, autonomy: 3, complexity: 3, impact: 3, remedies: 3}"


def _system(ws: Workspace, sid: str, factors: str = LOW_FACTORS) -> None:
    (ws.systems_dir / f"{sid}.yaml").write_text(
        SYSTEM_BASE.format(id=sid, template="genai_review", factors=factors), encoding="utf-8"
    )


def _run(
    ws: Workspace,
    sid: str,
    period: str,
    indicators: list[Indicator] | None,
    *,
    status: RunStatus = RunStatus.SUCCEEDED,
) -> RunRecord:
    """Append a run record as the runner does; with indicators, its results.json too."""
    outputs = {}
    if indicators is not None:
        folder = ws.reports_dir / period / sid / "genai_review" / "v1"
        folder.mkdir(parents=True, exist_ok=True)
        doc = build_results(system={"id": sid}, period=period, template="genai_review", indicators=indicators)
        (folder / "results.json").write_text(json.dumps(doc), encoding="utf-8")
        outputs["results"] = {
            "path": ws.relative(folder / "results.json"),
            "sha256": sha256_file(folder / "results.json"),
        }
    rec = RunRecord(
        system_id=sid,
        period=period,
        template="genai_review",
        status=status,
        started_at="2026-10-01T02:00:00+00:00",
        outputs=outputs,
        error="" if status == RunStatus.SUCCEEDED else "cell 3: ValueError: planted",
    )
    return open_store(ws).append(rec)


def _ind(iid: str, dimension: str, value: float) -> Indicator:
    return Indicator(iid, dimension, 7, value, iid, iid, threshold_for(iid))


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    ws = Workspace.load(init_workspace(tmp_path / "ws", name_zh="測試銀行", name_en="Test Bank"))
    _system(ws, "chat-a", HIGH)
    _system(ws, "chat-b")
    _system(ws, "chat-c")
    _run(
        ws,
        "chat-a",
        "2026Q3",
        [_ind("psi", "model_quality", 0.31), _ind("demographic_parity_difference", "fairness", 0.05)],
    )
    _run(ws, "chat-b", "2026Q3", None, status=RunStatus.FAILED)
    return ws


def test_the_matrix_follows_the_recorded_results(ws: Workspace) -> None:
    review = build_review(ws, "2026Q3")
    rows = {s.id: s for s in review.systems}
    assert set(rows) == {"chat-a", "chat-b", "chat-c"}
    assert review.matrix["chat-a"]["model_quality"] == "red"  # PSI 0.31 is past the red line 0.25
    assert review.matrix["chat-a"]["fairness"] == "green"
    assert rows["chat-a"].state == "assessed" and rows["chat-a"].tier == "high"
    assert rows["chat-b"].state == "failed" and rows["chat-b"].failed_runs[0].error.startswith("cell 3")
    assert rows["chat-c"].state == "not_assessed"
    assert review.overall in ("red", "failed")
    assert review.evidence_ok


def test_a_results_file_changed_after_its_run_is_not_used(ws: Workspace) -> None:
    path = next(ws.reports_dir.glob("2026Q3/chat-a/genai_review/v1/results.json"))
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["indicators"][0]["status"] = "green"  # someone "fixes" the red PSI by hand
    path.write_text(json.dumps(doc), encoding="utf-8")
    review = build_review(ws.root, "2026Q3")  # a folder works as well as a Workspace
    assert review.matrix["chat-a"]["model_quality"] != "green"
    assert any("no longer matches its recorded SHA-256" in n for n in review.notes)


def test_a_later_succeeded_run_replaces_the_failed_one(ws: Workspace) -> None:
    _run(ws, "chat-b", "2026Q3", [_ind("psi", "model_quality", 0.02)])
    rows = {s.id: s for s in build_review(ws, "2026Q3").systems}
    assert rows["chat-b"].state == "assessed"
    assert build_review(ws, "2026Q3").matrix["chat-b"]["model_quality"] == "green"
